"""The page a phone opens first (web/startpage.py): preloads of what it will need, no unused text font.

Against Streamlit's real ``index.html`` and static folder, with the middleware
in-process before a stand-in for Streamlit. The browser side (what a phone
downloads, icons still drawn) is in tests/browser/test_compression.py.
"""

from __future__ import annotations

import gzip
import re
from typing import Any

import pytest

from tests.core.test_precompress import call
from web import startpage
from web.precompress import ROOT, STREAMLIT_STATIC

INDEX = (STREAMLIT_STATIC / "index.html").read_bytes()


async def streamlit_page(scope: Any, receive: Any, send: Any) -> None:
    """Streamlit's answer for a page path: index.html, gzipped, in two chunks; JSON for the rest."""
    if scope["path"].startswith(("/_stcore/", "/ballot")):
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/html")]})
        await send({"type": "http.response.body", "body": b"<html><head></head>not a page</html>"})
        return
    body = gzip.compress(INDEX)
    await send({"type": "http.response.start", "status": 200, "headers": [
        (b"content-type", b"text/html; charset=utf-8"), (b"content-length", str(len(body)).encode()),
        (b"content-encoding", b"gzip"), (b"etag", b'"stock"')]})
    await send({"type": "http.response.body", "body": body[:100], "more_body": True})
    await send({"type": "http.response.body", "body": body[100:], "more_body": False})


def door(**options: Any) -> startpage.LighterStartPage:
    return startpage.LighterStartPage(streamlit_page, base_url=options.pop("base_url", ""),
                                      device_font=options.pop("device_font", True))


def page(path: str, **options: Any) -> tuple[dict[str, str], bytes]:
    status, headers, body = call(door(**options), path, {"accept-encoding": "gzip"})  # type: ignore[arg-type]
    assert status == 200
    assert int(headers["content-length"]) == len(body)
    return headers, gzip.decompress(body)


def preloads(html: bytes) -> list[str]:
    return re.findall(r'<link rel="(?:modulepreload|preload)"[^>]*href="([^"]+)"', html.decode())


def test_every_chunk_named_exists_in_this_streamlit() -> None:
    stems = startpage.EVERY_PAGE_CHUNKS + startpage.MAP_PAGE_CHUNKS
    assert len(startpage.chunk_files(stems)) == len(stems), "a chunk was renamed: look again at what the map waits for"
    assert startpage.chunk_files(["no-such-chunk"]) == []
    assert startpage.chunk_files(["styled-components"]) == []  # two files share that name: neither is guessed


def test_the_map_page_announces_its_chunks_leaflet_and_its_styles() -> None:
    headers, html = page("/map")
    links = preloads(html)
    assert "./app/static/vendor/leaflet/leaflet.js" in links
    assert "./app/static/vendor/leaflet/leaflet.css" in links
    assert any(re.fullmatch(r"\./static/js/IFrame\.[\w-]+\.js", link) for link in links)
    assert any(re.fullmatch(r"\./static/js/purify\.es\.[\w-]+\.js", link) for link in links)
    assert headers["etag"] == '"stock"'
    for link in links:  # every one of them exists: Streamlit's under /static/, the app's under /app/static/
        relative = link.removeprefix("./")
        where = ROOT / relative.removeprefix("app/") if relative.startswith("app/static/") else STREAMLIT_STATIC / relative
        assert where.is_file(), link


def test_other_pages_announce_only_what_every_page_needs() -> None:
    _, html = page("/initiatives")
    links = preloads(html)
    assert not [link for link in links if "leaflet" in link or "/IFrame" in link]
    assert any("/Html." in link for link in links)


def test_pages_neither_preload_nor_fetch_source_sans() -> None:
    assert b"SourceSansVF-Upright" in INDEX  # the control: Streamlit's page preloads it
    _, html = page("/map")
    assert b"SourceSansVF" not in html
    assert html.index(b"<style>@font-face") > html.index(b'rel="stylesheet"')  # after Streamlit's rule: it wins
    assert html.count(b'font-family:"Source Sans"') == 2  # upright and italic, both the device's fonts
    assert b"url(" not in startpage.DEVICE_TEXT_FONT


def test_control_a_theme_in_source_sans_keeps_streamlits_font() -> None:
    _, html = page("/map", device_font=False)
    assert b"SourceSansVF-Upright" in html
    assert b"<style>@font-face" not in html


@pytest.mark.parametrize("path", ["/_stcore/health", "/ballot"])
def test_answers_that_are_not_the_app_page_pass_untouched(path: str) -> None:
    _, _, body = call(door(), path)  # type: ignore[arg-type]
    assert body == b"<html><head></head>not a page</html>"


def test_a_base_url_keeps_links_relative_to_the_page() -> None:
    _, html = page("/dashboard/map", base_url="dashboard")
    assert "./app/static/vendor/leaflet/leaflet.js" in preloads(html)
