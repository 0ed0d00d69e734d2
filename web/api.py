"""The open data API: ``/api/v1/{table}.{csv,json,xlsx,geojson}`` and ``/api/v1/datapackage.zip``.

Read-only, open to any origin (``Access-Control-Allow-Origin: *``). It takes the pages'
URL parameters (``lang``, ``area``, ``role``, ``country``, ``actor``, ``source``, ``q``, ``id``)
and returns the rows the page shows (:mod:`mc2cm.opendata`). A parameter or value it does
not know is a 400 with a JSON body that names it; an unknown table or format a 404.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from mc2cm import opendata
from mc2cm.filters import Selection
from mc2cm.loading import Dataset
from web.data import VIEW_KEYS, dataset, query_lists, read_view

log = logging.getLogger(__name__)

PREFIX = "/api/v1/"
CORS = {"access-control-allow-origin": "*", "cache-control": "no-cache"}
TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json; charset=utf-8",
    "geojson": "application/geo+json; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "zip": "application/zip",
}


def error(status: int, message: str, **details: object) -> Response:
    body = {"error": {"status": status, "message": message, **details}}
    return Response(json.dumps(body, ensure_ascii=False), status_code=status,
                    media_type="application/json; charset=utf-8", headers=CORS)


def answer(data: Dataset, name: str, params: dict[str, list[str]], accept_language: str | None,
           base_url: str) -> Response:
    """The response for ``/api/v1/{name}`` with these query parameters (pure enough to test without a server)."""
    table, dot, fmt = name.rpartition(".")
    if not dot or not table:
        return error(404, "Not found: ask for /api/v1/{table}.{format}.", tables=data.spec.table_names,
                     formats=list(opendata.FORMATS))
    sel, lang, unknown, ignored = read_view(data, params, accept_language)
    if unknown:
        return error(400, "Unknown parameter.", unknown=sorted(unknown), allowed=sorted(VIEW_KEYS))
    if ignored:
        return error(400, "Unknown value.", ignored=ignored)
    url = base_url + "data"
    if name == "datapackage.zip":
        return _file(opendata.datapackage_zip(data, sel, lang, url), "zip", "mc2cm-datapackage.zip")
    if table not in data.spec.table_names:
        return error(404, "Unknown table.", table=table, tables=data.spec.table_names)
    makers: dict[str, Callable[[], bytes]] = {
        "csv": lambda: opendata.to_csv(data, table, sel),
        "json": lambda: opendata.to_json(data, table, sel, lang, url),
        "xlsx": lambda: opendata.to_xlsx(data, table, sel, lang, url),
    }
    if table in opendata.GEO_TABLES:
        makers["geojson"] = lambda: opendata.to_geojson(data, table, sel, lang, url)
    if fmt not in makers:
        return error(404, "Unknown format for this table.", format=fmt, formats=sorted(makers))
    return _file(makers[fmt](), fmt, f"{table}.{fmt}" if not _filtered(table, sel) else f"{table}-filtered.{fmt}")


def _filtered(table: str, sel: Selection) -> bool:
    return bool(opendata.applied_filters(table, sel))


def _file(body: bytes, fmt: str, filename: str) -> Response:
    disposition = "attachment" if fmt in {"xlsx", "zip"} else "inline"
    headers = {**CORS, "content-disposition": f'{disposition}; filename="{filename}"'}
    return Response(body, media_type=TYPES[fmt], headers=headers)


async def api(request: Request) -> Response:
    name = str(request.path_params.get("name", ""))
    try:
        data = await run_in_threadpool(dataset)
        return await run_in_threadpool(answer, data, name, query_lists(request), request.headers.get("accept-language"),
                                       str(request.base_url))
    except Exception:  # a clear answer, never a traceback
        log.exception("API request failed: %s", request.url.path)
        return error(500, "The server could not answer this request; the data files may be changing. Try again.")
