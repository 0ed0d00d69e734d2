"""In a real browser: Markdown in the data and the URL is text. No remote image is fetched, no link
to elsewhere is drawn, no maths is typeset, no colour directive applies."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlencode, urlparse

import pytest
from playwright.sync_api import Page

from tests.browser.support import OfflinePage, screenshot, streamlit_server
from tests.markdown_safety import EVIL, PAYLOAD, URL_PAYLOAD, make_markdown_hostile

pytestmark = pytest.mark.browser

LOCAL = ("http://127.0.0.1", "http://localhost", "data:", "blob:", "about:")
PAGES = [
    pytest.param("/?lang=en", id="overview"),
    pytest.param("/initiatives?lang=en&id=brital-response", id="initiative"),
    pytest.param("/challenges?lang=en", id="challenges"),
    pytest.param("/cso_roles?lang=en", id="cso_roles"),
    pytest.param("/data?lang=en", id="data"),
    pytest.param("/present?lang=en&scene=context", id="present"),
    pytest.param("/initiatives?" + urlencode({"lang": "en", "id": URL_PAYLOAD, "q": URL_PAYLOAD, "area": URL_PAYLOAD}),
                 id="url-values"),
    pytest.param("/map?lang=en", id="map"),
]
# What live Markdown leaves in the page, in any frame.
MATHS = ".katex"
COLOURED = '[class*="stMarkdownColored"]'


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with streamlit_server(make_markdown_hostile(tmp_path_factory.mktemp("markdown") / "data")) as url:
        yield url


def open_recording(new_page: Callable[..., OfflinePage], url: str) -> tuple[Page, OfflinePage, list[str]]:
    """Open ``url``, recording every request the page and its frames make."""
    view = new_page()
    requests: list[str] = []
    view.page.on("request", lambda request: requests.append(request.url))
    page = view.open(url)
    return page, view, requests


def count(page: Page, selector: str) -> int:
    return sum(frame.locator(selector).count() for frame in page.frames)


def to_evil(page: Page, tag: str, attribute: str) -> list[str]:
    """Links (``a``/``href``) or images (``img``/``src``), in any frame, that point at the evil host.

    Links within the app may carry the payload in their query string: only the host counts.
    """
    found = []
    for frame in page.frames:
        urls = frame.eval_on_selector_all(f"{tag}[{attribute}]", f"els => els.map(e => e.{attribute})")
        found += [url for url in urls if (urlparse(url).hostname or "").endswith(EVIL)]
    return found


@pytest.mark.parametrize("path", PAGES)
def test_markdown_from_data_and_url_is_text(path: str, hostile_server: str,
                                            new_page: Callable[..., OfflinePage]) -> None:
    page, view, requests = open_recording(new_page, f"{hostile_server}{path}")
    screenshot(page, f"markdown-hostile-{path.strip('/').split('?')[0] or 'overview'}")  # waits for lazy parts
    assert page.get_by_text(EVIL).count() > 0  # the payload is on the page, as text
    assert [url for url in requests if not url.startswith(LOCAL)] == []
    assert view.blocked == []
    assert to_evil(page, "img", "src") == []
    assert to_evil(page, "a", "href") == []
    assert count(page, MATHS) == 0
    assert count(page, COLOURED) == 0
    assert view.errors == []


CONTROL_SCRIPT = f"""
import streamlit as st
st.title("Control")
st.markdown({PAYLOAD!r})
st.info({URL_PAYLOAD!r})
"""


def test_control_the_same_checks_catch_unescaped_markdown(tmp_path: Path,
                                                          new_page: Callable[..., OfflinePage]) -> None:
    """A bare script renders the payload unescaped: every check above fires."""
    script = tmp_path / "control.py"
    script.write_text(CONTROL_SCRIPT, encoding="utf-8")
    with streamlit_server(tmp_path, entry=str(script)) as url:
        page, view, requests = open_recording(new_page, url)
        page.locator(MATHS).first.wait_for(timeout=30_000)  # KaTeX loads on demand
        assert [url for url in requests if not url.startswith(LOCAL)] != []
        assert view.blocked != []
        assert len(to_evil(page, "img", "src")) == 1
        assert len(to_evil(page, "a", "href")) >= 3  # the link, the bare URL, the notice's link
        assert count(page, MATHS) > 0
        assert count(page, COLOURED) > 0
