"""The brief of any view: ``/brief`` (print-ready HTML) and ``/brief.pdf`` (the same, as a PDF).

Both take the pages' URL parameters (``lang``, ``area``, ``role``, ``country``, ``actor``,
``source``, ``q``, ``id``, and /places' ``compare``) and write what the pages show for them
(:mod:`mc2cm.brief`).
A value the dashboard does not know gets a short page in the reader's language saying so
(400), never a traceback. Without a browser to print with, ``/brief.pdf`` says how to print
the HTML brief instead (503).
"""

from __future__ import annotations

import logging
import threading
from functools import lru_cache
from html import escape
from pathlib import Path
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from mc2cm.brief import render_brief
from mc2cm.filters import Selection
from mc2cm.i18n import is_rtl, request_lang, t
from mc2cm.loading import Dataset
from mc2cm.opendata import data_version
from mc2cm.pdf import PdfUnavailable, html_to_pdf
from mc2cm.places import CompareRequest, parse_compare
from web.data import dataset, query_lists, read_view

log = logging.getLogger(__name__)

FONTS = Path(__file__).resolve().parent.parent / "static" / "vendor" / "fonts"
STATIC_ASSETS = "/app/static/vendor/"


def _notice(lang: str, status: int, message: str) -> HTMLResponse:
    direction = "rtl" if is_rtl(lang) else "ltr"
    body = (f'<!doctype html><html lang="{escape(lang)}" dir="{direction}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{escape(t("brief.print", lang))}'
            f'</title></head><body style="font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem">'
            f"<p>{escape(message)}</p></body></html>")
    return HTMLResponse(body, status_code=status)


def _view(data: Dataset, params: dict[str, list[str]], accept_language: str | None
          ) -> tuple[Selection, str, list[str], CompareRequest]:
    """The brief's selection and language, what in its URL is not known, and the places it compares
    (``compare=a,b``, as on /places)."""
    compare = parse_compare(params.get("compare", []), data.cities.index)
    sel, lang, unknown, ignored = read_view(data, {k: v for k, v in params.items() if k != "compare"},
                                            accept_language)
    return sel, lang, [*unknown, *ignored], compare


def _compare_problem(compare: CompareRequest, lang: str) -> str:
    """Why these places cannot be compared, in the reader's language; ``""`` when they can (or none are asked)."""
    if not compare.ids or not compare.problem:
        return ""
    return t(compare.problem, lang, ids=", ".join(compare.unknown or compare.ids), n=len(compare.ids))


def _query(sel: Selection, lang: str, compare: CompareRequest) -> str:
    params = dict(sel.to_query(lang))
    if compare.ids:
        params["compare"] = ",".join(compare.ids)
    return urlencode(params, doseq=True)


def brief_html(data: Dataset, params: dict[str, list[str]], accept_language: str | None, base_url: str) -> Response:
    sel, lang, ignored, compare = _view(data, params, accept_language)
    if ignored:
        return _notice(lang, 400, t("brief.bad_request", lang, ignored=", ".join(ignored)))
    if _compare_problem(compare, lang):
        return _notice(lang, 400, _compare_problem(compare, lang))
    html = render_brief(data, sel, lang, base_url, STATIC_ASSETS, pdf_href="/brief.pdf?" + _query(sel, lang, compare),
                        compare=compare.ids)
    return HTMLResponse(html, headers={"cache-control": "no-cache"})


# A PDF costs a browser start (~1-5 s, ~200 MB): at most two at once, and each view's PDF is kept
# until the data change, so a room asking for the same brief gets it printed once.
PDF_SLOTS = threading.BoundedSemaphore(2)


@lru_cache(maxsize=32)
def _pdf(fingerprint: str, sel: Selection, lang: str, base_url: str, compare: tuple[str, ...] = ()) -> bytes:
    del fingerprint  # part of the key: new data, new PDF
    with PDF_SLOTS:
        html = render_brief(dataset(), sel, lang, base_url, "./",  # html_to_pdf puts fonts/ beside the page
                            compare=compare)
        return html_to_pdf(html, FONTS)


def brief_pdf(data: Dataset, params: dict[str, list[str]], accept_language: str | None, base_url: str) -> Response:
    sel, lang, ignored, compare = _view(data, params, accept_language)
    if ignored:
        return _notice(lang, 400, t("brief.bad_request", lang, ignored=", ".join(ignored)))
    if _compare_problem(compare, lang):
        return _notice(lang, 400, _compare_problem(compare, lang))
    try:
        pdf = _pdf(data_version(data).fingerprint, sel, lang, base_url, compare.ids)
    except PdfUnavailable as failure:
        log.warning("brief.pdf: %s", failure)
        return _notice(lang, 503, t("brief.pdf_unavailable", lang))
    name = "mc2cm-brief" + ("-filtered" if not sel.is_empty or sel.id or compare.ids else "") + f"-{lang}.pdf"
    return Response(pdf, media_type="application/pdf",
                    headers={"content-disposition": f'inline; filename="{name}"', "cache-control": "no-cache"})


async def brief(request: Request) -> Response:
    maker = brief_pdf if request.url.path.endswith(".pdf") else brief_html
    try:
        data = await run_in_threadpool(dataset)
        return await run_in_threadpool(maker, data, query_lists(request), request.headers.get("accept-language"),
                                       str(request.base_url))
    except Exception:  # a clear answer, never a traceback
        log.exception("brief failed: %s", request.url)
        lang = request_lang(request.query_params.get("lang"), request.headers.get("accept-language"))
        return _notice(lang, 500, t("brief.failed", lang))
