"""The source reader (/sources) in Chromium: every citation's link opens its passage, highlighted and in view.

One server (serve.py, the shipped data) and one page per viewport, sequential ``goto``s against the
light HTML route: for every row of every table that quotes its document, the link the app gives
(:func:`mc2cm.reader.passage_url`) shows exactly one highlight, holding the quote, on screen and not
under the sticky panel that shows the row's translation. Arabic at 390 px for every row; English and
French, phone and desktop, for one row of each table. axe-core on the reader's pages.
"""

from __future__ import annotations

import contextlib
import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from mc2cm.loading import load_dataset
from mc2cm.reader import normalise, passage_url, strip_marks
from mc2cm.site import export_site
from tests.browser.accessibility import axe_violations
from tests.browser.support import ROOT, screenshot, streamlit_server, wait_idle

pytestmark = pytest.mark.browser
DATA = ROOT / "data"


def quoted_rows() -> list[tuple[str, dict[str, str]]]:
    """(table, row) of every row, in any table, with a source and a quote: found by column."""
    found = []
    for path in sorted(DATA.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        if rows and {"source_id", "quote_ar"} <= set(rows[0]):
            found += [(path.stem, r) for r in rows if r["source_id"] and r["quote_ar"].strip()]
    return found


# What the page shows of its highlight: how many there are, their text, and whether the first one
# is on screen below the sticky panel (the row's translation) rather than under it.
STATE = """() => {
    const marks = document.querySelectorAll('mark, .passage');
    const target = document.getElementById('passage');
    if (!marks.length || !target) { return {count: marks.length, text: '', visible: false}; }
    const box = marks[0].getBoundingClientRect();
    const panel = document.querySelector('aside.row');
    const sticky = panel && getComputedStyle(panel).position === 'sticky' && window.innerWidth < 992;
    const floor = sticky ? panel.getBoundingClientRect().bottom : 0;
    const visible = box.top >= floor - 1 && box.top < window.innerHeight && box.bottom > 0;
    return {count: marks.length, text: marks[0].textContent, visible: visible, target: target === marks[0]};
}"""


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with streamlit_server(DATA) as url:
        yield url


def open_page(browser: Browser, width: int, height: int, locale: str) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": width, "height": height}, locale=locale)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    yield from open_page(browser, 390, 844, "ar")


@pytest.fixture
def desktop(browser: Browser) -> Iterator[Page]:
    yield from open_page(browser, 1280, 900, "en-GB")


def check(page: Page, server: str, table: str, row: dict[str, str], lang: str) -> str | None:
    """None when the row's link shows one highlight holding its quote, in view; else what is wrong."""
    page.goto(server + passage_url(table, row["id"], row["source_id"], lang))
    # The fragment scroll happens as the page settles: wait for it, bounded, not for a time; a page that
    # never gets there is reported below with what it shows.
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(f"() => ({STATE})().visible", timeout=5_000)
    state = page.evaluate(STATE)
    wanted = normalise(strip_marks(normalise(row["quote_ar"])))
    if state["count"] != 1 or not state.get("target"):
        return f"{table}:{row['id']} has {state['count']} highlights"
    if normalise(state["text"]) != wanted:
        return f"{table}:{row['id']} highlight is not its quote"
    if not state["visible"]:
        return f"{table}:{row['id']} highlight is not in view"
    return None


def test_every_quoted_row_opens_its_passage_on_a_phone_in_arabic(server: str, phone: Page) -> None:
    rows = quoted_rows()
    assert len(rows) > 80
    problems = [p for table, row in rows if (p := check(phone, server, table, row, "ar"))]
    assert problems == []
    screenshot(phone, "sources-passage-ar-390")


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_one_row_of_each_table_in_english_and_french(server: str, phone: Page, desktop: Page, lang: str) -> None:
    first = {}
    for table, row in quoted_rows():
        first.setdefault(table, row)
    assert len(first) >= 5
    problems = [p for page in (phone, desktop) for table, row in first.items()
                if (p := check(page, server, table, row, lang))]
    assert problems == []
    assert desktop.locator("html").get_attribute("dir") == "ltr"
    assert desktop.locator("article").get_attribute("dir") == "rtl"
    screenshot(desktop, f"sources-passage-{lang}-desktop")


def test_the_document_is_readable_at_390_px(server: str, phone: Page) -> None:
    phone.goto(f"{server}/sources?id=sfax-2019-background-paper&lang=ar")
    wide = phone.evaluate("() => document.documentElement.scrollWidth")
    assert wide <= 390
    phone.locator("nav.toc a[href='#s-14']").click()
    assert phone.evaluate("() => location.hash") == "#s-14"
    screenshot(phone, "sources-document-ar-390")


@pytest.mark.parametrize(("path", "width", "locale"), [
    ("/sources?lang=fr", 390, "fr-FR"),
    ("/sources?id=sfax-2019-summary&at=challenges:workshop-crisis-management&lang=ar", 390, "ar"),
    ("/sources?id=sfax-2019-background-paper&at=role_assessments:rights-awareness-strength-information&lang=en", 1280, "en-GB"),
    ("/sources?id=nope&lang=en", 390, "en-GB"),
])
def test_no_blocking_accessibility_violations(server: str, browser: Browser, path: str, width: int,
                                              locale: str) -> None:
    for page in open_page(browser, width, 844, locale):
        page.goto(server + path)
        assert axe_violations(page) == []


def test_a_citation_in_the_app_links_to_its_passage(server: str, desktop: Page) -> None:
    desktop.goto(f"{server}/initiatives?id=brital-syrian-displacement-response&lang=fr")
    wait_idle(desktop)
    link = desktop.get_by_role("link", name="Lire le passage dans la source").first
    href = link.get_attribute("href") or ""
    assert href.startswith("/sources?id=sfax-2019-summary&at=initiatives%3Abrital-syrian-displacement-response")
    desktop.goto(server + href)
    assert desktop.locator("mark#passage").count() == 1


def test_row_ids_used_here_exist() -> None:
    ids = {(t, r["id"]) for t, r in quoted_rows()}
    assert ("challenges", "workshop-crisis-management") in ids
    assert Path(DATA / "role_assessments.csv").read_text(encoding="utf-8").count("rights-awareness-strength-information") >= 1


def test_the_offline_copy_highlights_a_footnotes_passage(browser: Browser, tmp_path: Path) -> None:
    """Opened from disk: a brief footnote's link leads to the document page, where only its passage is lit."""
    site = export_site(load_dataset(DATA), tmp_path / "offline")
    for page in open_page(browser, 390, 844, "fr-FR"):
        page.goto((site.folder / "fr" / "initiatives" / "brital-syrian-displacement-response.html").as_uri())
        link = page.locator("ol.notes a[href*='sources/sfax-2019-summary.html#q-initiatives--brital']").first
        link.click()
        page.wait_for_function("() => location.hash.startsWith('#q-initiatives--brital')")
        lit = page.evaluate("""() => [...document.querySelectorAll('mark.q')]
            .filter(m => getComputedStyle(m).backgroundColor !== 'rgba(0, 0, 0, 0)').length""")
        target = page.locator("mark.q:target")
        assert lit == 1
        assert target.count() == 1
        box = target.bounding_box()
        assert box is not None
        assert 0 <= box["y"] < 844


def test_control_the_check_catches_a_wrong_quote_a_missing_highlight_and_a_hidden_one(server: str,
                                                                                      phone: Page) -> None:
    table, row = next((t, r) for t, r in quoted_rows() if r["id"] == "brital-syrian-displacement-response")
    assert check(phone, server, table, row, "ar") is None
    assert check(phone, server, table, {**row, "quote_ar": row["quote_ar"][5:]}, "ar") == \
        f"{table}:{row['id']} highlight is not its quote"
    assert check(phone, server, table, {**row, "id": "no-such-row"}, "ar") == f"{table}:no-such-row has 0 highlights"
    # Without the room kept for the sticky panel, the passage would land under it.
    phone.goto(server + passage_url(table, row["id"], row["source_id"], "ar"))
    phone.add_style_tag(content="body.with-row mark{scroll-margin-top:0 !important}")
    phone.evaluate("() => { location.hash = ''; location.hash = '#passage'; }")
    assert phone.evaluate(STATE)["visible"] is False
