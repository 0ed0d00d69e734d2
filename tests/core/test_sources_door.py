"""/sources answers every URL with a page in the reader's language: bad input gets 400/404, never a traceback."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from html import escape, unescape
from pathlib import Path

import pytest
from starlette.requests import Request

from mc2cm.i18n import t
from mc2cm.loading import Dataset, load_dataset
from web import sources as door

ROOT = Path(__file__).resolve().parents[2]
SUMMARY = "sfax-2019-summary"
BRITAL = "initiatives:brital-syrian-displacement-response"


@pytest.fixture(scope="module")
def data() -> Dataset:
    return load_dataset(ROOT / "data")


def answer(data: Dataset, accept_language: str | None = None, **params: str) -> tuple[int, str]:
    response = door.source_page(data, {k: [v] for k, v in params.items()}, accept_language)
    return response.status_code, bytes(response.body).decode("utf-8")


def test_the_list_of_documents(data: Dataset) -> None:
    status, html = answer(data, lang="fr")
    assert status == 200
    assert html.count('href="/sources?id=') == 5
    assert '<html lang="fr" dir="ltr">' in html
    assert t("sources.title", "fr") in html


def test_a_document_whole_right_to_left(data: Dataset) -> None:
    status, html = answer(data, id=SUMMARY, lang="ar")
    assert status == 200
    assert '<html lang="ar" dir="rtl">' in html
    assert '<article lang="ar" dir="rtl"' in html
    assert html.count('<h2 id="s-') >= 15
    assert 'href="#s-6"' in html
    assert "<mark " not in html
    assert '<body class="with-row">' not in html


def test_a_row_highlighted_with_its_translation_and_way_back(data: Dataset) -> None:
    status, html = answer(data, id=SUMMARY, at=BRITAL, lang="fr")
    assert status == 200
    assert html.count('<mark id="passage">') == 1
    assert "Initiative de Brital" in html
    assert 'href="/initiatives?id=brital-syrian-displacement-response&amp;lang=fr"' in html
    assert 'hreflang="ar"' in html
    assert "at=initiatives%3Abrital-syrian-displacement-response&amp;lang=ar#passage" in html


def test_a_row_without_a_quote_lands_on_its_section(data: Dataset) -> None:
    official = next(i for i, r in data.tables["officials"].iterrows()
                    if r["source_id"] == SUMMARY and "الإفتتاح" in str(r["source_locator_ar"]))
    officials = data.tables["officials"]
    quote = officials.loc[official, "quote_ar"]
    officials.loc[official, "quote_ar"] = ""  # every shipped row has a quote now: take this one's away
    try:
        status, html = answer(data, id=SUMMARY, at=f"officials:{official}", lang="en")
    finally:
        officials.loc[official, "quote_ar"] = quote
    assert status == 200
    assert '<span id="passage"></span><h2 id="s-7">' in html


def test_the_original_file_byte_for_byte(data: Dataset) -> None:
    response = door.source_page(data, {"id": [SUMMARY], "download": ["1"]}, None)
    assert response.status_code == 200
    assert bytes(response.body) == (ROOT / "data" / "documents" / "000_038a1b11c4fce8c1.txt").read_bytes()
    assert response.headers["content-type"].startswith("text/plain")


@pytest.mark.parametrize(("params", "status", "key"), [
    ({"id": "nope"}, 404, "sources.unknown_source"),
    ({"id": SUMMARY, "at": "initiatives"}, 400, "sources.bad_at"),
    ({"id": SUMMARY, "at": ":x"}, 400, "sources.bad_at"),
    ({"id": SUMMARY, "at": "Initiatives;drop:x"}, 400, "sources.bad_at"),
    ({"id": SUMMARY, "at": "polls:x"}, 404, "sources.unknown_table"),
    ({"id": SUMMARY, "at": "sources:x"}, 404, "sources.unknown_table"),
    ({"id": SUMMARY, "at": "initiatives:nope"}, 404, "sources.unknown_row"),
    ({"id": "sfax-2019-background-paper", "at": BRITAL}, 400, "sources.other_source"),
    ({"at": BRITAL}, 400, "sources.at_without_id"),
    ({"id": "nope", "download": "1"}, 404, "sources.unknown_source"),
])
@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_bad_input_is_told_in_the_readers_language(data: Dataset, params: dict[str, str], status: int, key: str,
                                                  lang: str) -> None:
    got, html = answer(data, **params, lang=lang)
    assert got == status
    message = t(key, lang, id="nope", row=params.get("at", "").partition(":")[2])
    assert message in unescape(html)
    assert "Traceback" not in html
    assert 'role="alert"' in html


def test_the_language_comes_from_the_browser_without_lang(data: Dataset) -> None:
    assert '<html lang="ar"' in answer(data, "ar-TN,ar;q=0.9", id=SUMMARY)[1]


def test_a_hostile_id_is_escaped(data: Dataset) -> None:
    status, html = answer(data, id='"><script>alert(1)</script>', lang="en")
    assert status == 404
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def _request(query: str) -> Request:
    return Request({"type": "http", "method": "GET", "path": "/sources", "query_string": query.encode(),
                    "headers": [], "server": ("x", 80), "scheme": "http", "root_path": ""})


def test_a_failure_is_a_sentence_not_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> Dataset:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(door, "dataset", broken)
    # its own thread: a browser test earlier in the run may leave an event loop running in this one
    with ThreadPoolExecutor(1) as pool:
        response = pool.submit(asyncio.run, door.sources(_request("id=sfax-2019-summary&lang=fr"))).result()
    assert response.status_code == 500
    body = bytes(response.body).decode()
    assert escape(t("sources.failed", "fr")) in body
    assert "disk on fire" not in body
