"""The source reader: ``/sources`` (the documents), ``/sources?id=…`` (one, whole, right to left),
``&at=table:row`` (that row's quote highlighted, its translation beside it), ``&download=1`` (the
original file, byte for byte).

A light server-rendered page like ``/brief`` and ``/ballot``: no Streamlit session, no JavaScript,
works as a first request from a phone. The work is :mod:`mc2cm.reader`'s; this door reads the URL
and answers. A source, table or row the data does not know, or a malformed ``at``, gets the
document list with a sentence in the reader's language (404/400), never a traceback.
"""

from __future__ import annotations

import logging
from html import escape
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from mc2cm import reader
from mc2cm.i18n import request_lang, t
from mc2cm.loading import Dataset
from web.data import dataset, query_lists

log = logging.getLogger(__name__)

FONT_URL = "/app/static/vendor/fonts/" + reader.FONT_FILE
HEADERS = {"cache-control": "no-cache"}


def _first(params: dict[str, list[str]], key: str) -> str:
    values = params.get(key) or [""]
    return values[0].strip()


def _href(**params: str) -> str:
    return reader.ROUTE + "?" + urlencode({k: v for k, v in params.items() if v})


def _render(page: reader.Page, source_id: str, at: str, status: int = 200, message: str = "") -> HTMLResponse:
    lang = page.lang
    fragment = "#" + reader.PASSAGE_ID if at and page.row else ""
    html = reader.render_page(
        page,
        languages=reader.language_links(lang, lambda other: _href(id=source_id, at=at, lang=other) + fragment),
        home_href="/?" + urlencode({"lang": lang}), list_href=_href(lang=lang),
        download_href=_href(id=page.source_id, download="1") if page.source_id else "",
        download_name=page.file,
        font_url=FONT_URL, message=message)
    return HTMLResponse(html, status_code=status, headers=HEADERS)


def _problem(data: Dataset, lang: str, failure: reader.BadRequest) -> HTMLResponse:
    page = reader.list_page(data.tables, lang, lambda source_id: _href(id=source_id, lang=lang))
    return _render(page, "", "", failure.status, t(failure.key, lang, **failure.values))


def source_page(data: Dataset, params: dict[str, list[str]], accept_language: str | None) -> Response:
    lang = request_lang(_first(params, "lang") or None, accept_language)
    source_id, at = _first(params, "id"), _first(params, "at")
    try:
        if not source_id:
            if at:
                raise reader.BadRequest(400, "sources.at_without_id")
            page = reader.list_page(data.tables, lang, lambda sid: _href(id=sid, lang=lang))
            return _render(page, "", "")
        if _first(params, "download"):
            return _download(data, source_id)
        page = reader.page_context(data.tables, data.data_dir, source_id, at, lang)
        return _render(page, source_id, at)
    except reader.BadRequest as failure:
        return _problem(data, lang, failure)


def _download(data: Dataset, source_id: str) -> Response:
    sources = data.tables["sources"]
    if source_id not in sources.index:
        raise reader.BadRequest(404, "sources.unknown_source", id=source_id)
    file = str(sources.loc[source_id].get("file") or "")
    path = reader.document_path(data.data_dir, file)
    if path is None:
        raise reader.BadRequest(404, "sources.missing_file")
    return Response(path.read_bytes(), media_type="text/plain; charset=utf-8",
                    headers={**HEADERS, "content-disposition": f'attachment; filename="{path.name}"'})


async def sources(request: Request) -> Response:
    try:
        data = await run_in_threadpool(dataset)
        return await run_in_threadpool(source_page, data, query_lists(request), request.headers.get("accept-language"))
    except Exception:  # a clear answer, never a traceback
        log.exception("sources failed: %s", request.url)
        lang = request_lang(request.query_params.get("lang"), request.headers.get("accept-language"))
        return HTMLResponse(f"<!doctype html><html lang=\"{lang}\"><meta charset=\"utf-8\"><title>MC2CM</title>"
                            f"<p>{escape(t('sources.failed', lang))}</p></html>", status_code=500)
