"""A phone in Arabic (390 x 844, touch): the way back, the map's markers and links, the filter drawer.

Each guard has its control beside it: the same steps with the guard taken out fail.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, FrameLocator, Page, expect

from mc2cm.filters import Selection, select_initiatives
from mc2cm.i18n import label, t, tn
from mc2cm.loading import load_dataset
from mc2cm.mapping import build_map, render_document
from tests.browser.support import MAP_FRAME, ROOT, screenshot, streamlit_server, wait_idle, wait_map_settled

pytestmark = pytest.mark.browser

MARKER = "path.leaflet-interactive"
SIDEBAR = '[data-testid="stSidebar"]'
DETAIL = "brital-syrian-displacement-response"


@pytest.fixture
def phone(browser: Browser) -> Iterator[Callable[..., Page]]:
    """A touch phone's page (no hover, 390 x 844) in the given language."""
    contexts: list[BrowserContext] = []

    def make(lang: str = "ar", width: int = 390, height: int = 844, touch: bool = True) -> Page:
        context = browser.new_context(viewport={"width": width, "height": height}, locale=lang,
                                      has_touch=touch, is_mobile=touch)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def _open(page: Page, url: str) -> Page:
    page.goto(url)
    wait_idle(page)
    return page


# --- 1. The back link of a detail page is not under Streamlit's top bar ---------------------------

BACK_LINK = '[data-testid="stMain"] a[data-testid="stPageLink-NavLink"]'
BACK_LINK_STATE = """() => {
    const header = document.querySelector('[data-testid="stHeader"]').getBoundingClientRect();
    const link = [...document.querySelectorAll('[data-testid="stMain"] a[data-testid="stPageLink-NavLink"]')][0];
    const box = link.getBoundingClientRect();
    const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    return {headerBottom: header.bottom, top: box.top, bottom: box.bottom, left: box.left, right: box.right,
            text: link.innerText, reachable: link.contains(hit)};
}"""


def _detail(page: Page, server: str) -> Page:
    _open(page, f"{server}/initiatives?lang=ar&id={DETAIL}")
    page.wait_for_selector(BACK_LINK, timeout=30_000)
    return page


def test_the_back_link_of_a_detail_page_is_below_the_top_bar(server: str, phone: Callable[..., Page]) -> None:
    page = _detail(phone(), server)
    state = page.evaluate(BACK_LINK_STATE)
    screenshot(page, "phone-detail-back-link-ar")
    assert t("initiatives.back", "ar") in state["text"]
    assert state["top"] >= state["headerBottom"]
    assert state["bottom"] <= 844
    assert 0 <= state["left"] < state["right"] <= 390
    assert state["reachable"]  # a tap at its centre lands on the link itself


def test_control_without_the_clearance_the_top_bar_covers_the_back_link(server: str,
                                                                       phone: Callable[..., Page]) -> None:
    page = _detail(phone(), server)
    page.add_style_tag(content=".block-container { padding-top: 1rem !important; }")  # the old phone padding
    state = page.evaluate(BACK_LINK_STATE)
    assert state["top"] < state["headerBottom"]
    assert not state["reachable"]


# --- 2. One tap on a marker opens its popup; 3. its links open in place ---------------------------

def _map(page: Page) -> FrameLocator:
    page.wait_for_selector(MAP_FRAME, timeout=60_000)
    frame = page.frame_locator(MAP_FRAME)
    frame.locator(MARKER).first.wait_for(timeout=60_000)
    # clear of Streamlit's top bar, as a reader scrolls it into view
    page.locator(MAP_FRAME).evaluate("(frame) => frame.scrollIntoView({block: 'center'})")
    wait_map_settled(frame, MARKER)  # a tap during the opening zoom lands beside the marker
    return frame


def test_one_tap_on_a_marker_opens_its_popup(server: str, phone: Callable[..., Page]) -> None:
    page = _open(phone(), f"{server}/map?lang=ar")
    frame = _map(page)
    assert page.evaluate("() => matchMedia('(hover: none)').matches")
    frame.locator(MARKER).first.tap()
    popup = frame.locator(".leaflet-popup-content")
    expect(popup).to_be_visible()
    assert popup.locator("a").count() >= 1
    assert frame.locator(".leaflet-tooltip").count() == 0  # no hover tooltip competing with the popup
    screenshot(page, "phone-map-popup-ar")


def _map_document(lang: str) -> str:
    data = load_dataset(ROOT / "data")
    fmap, _ = build_map(data.cities, select_initiatives(data, Selection()), lang)
    return render_document(fmap)


TOOLTIP_GUARD = "if (!(touch && m.popup)) {"


@pytest.mark.parametrize("guarded", [True, False], ids=["guarded", "control-tooltip-bound-on-touch"])
def test_a_tap_shows_the_popup_alone(server: str, phone: Callable[..., Page], guarded: bool) -> None:
    """Leaflet opens a marker's tooltip on the same tap as its popup (Leaflet #6122); on iOS a first
    tap that shows hover content counts as a hover only. On touch, markers with a popup get no tooltip."""
    document = _map_document("ar")
    assert TOOLTIP_GUARD in document
    if not guarded:
        document = document.replace(TOOLTIP_GUARD, "if (true) {")
    page = phone()
    page.route(f"{server}/map-document", lambda route, _request: route.fulfill(
        status=200, content_type="text/html; charset=utf-8", body=document))
    page.goto(f"{server}/map-document")
    marker = page.locator(MARKER).first
    marker.wait_for(timeout=60_000)
    marker.tap()
    expect(page.locator(".leaflet-popup-content")).to_be_visible()
    assert page.locator(".leaflet-tooltip").count() == (0 if guarded else 1)


def test_a_popup_link_opens_the_detail_in_place(server: str, phone: Callable[..., Page]) -> None:
    page = _open(phone(), f"{server}/map?lang=ar")
    frame = _map(page)
    frame.locator(MARKER).first.tap()
    link = frame.locator(".leaflet-popup-content a").first
    link.wait_for()
    assert link.get_attribute("target") == "_top"
    href = link.get_attribute("href")
    assert href
    assert href.startswith("/initiatives?id=")
    title = link.text_content()
    link.tap()
    page.wait_for_url(f"**{href}", timeout=30_000)
    wait_idle(page)
    assert len(page.context.pages) == 1  # no new tab
    expect(page.locator("h1").first).to_have_text(str(title))
    screenshot(page, "phone-map-popup-link-opened-ar")


def test_control_a_plain_top_link_is_refused_by_the_frame_sandbox(server: str, phone: Callable[..., Page]) -> None:
    """Without the click handler, target="_top" alone: st.iframe's sandbox refuses the navigation."""
    page = _open(phone(), f"{server}/map?lang=ar")
    frame = _map(page)
    frame.locator(MARKER).first.tap()
    link = frame.locator(".leaflet-popup-content a").first
    link.wait_for()
    link.evaluate("(node) => node.replaceWith(node.cloneNode(true))")  # the same link, without its listener
    with page.expect_console_message(lambda message: "allow-top-navigation" in message.text, timeout=30_000):
        frame.locator(".leaflet-popup-content a").first.tap()
    assert "/map?" in page.url
    assert len(page.context.pages) == 1


# --- 4. The filter drawer closes after a filter is applied, on a phone only -----------------------

def _apply_a_pill(page: Page, *, touch: bool = True) -> None:
    """Open the sidebar if it is closed, then choose an area of work, as a thumb (or a mouse) does."""
    expand = page.locator('[data-testid="stExpandSidebarButton"]')
    if expand.count():
        expand.tap() if touch else expand.click()
    expect(page.locator('[data-testid="stSidebarCollapseButton"]')).to_have_count(1)
    pill = page.locator(SIDEBAR).get_by_role("button", name=label("area", "emergency_aid", "ar"), exact=True)
    pill.tap() if touch else pill.click()
    page.wait_for_function("() => new URL(location.href).searchParams.get('area') === 'emergency_aid'",
                           timeout=30_000)
    wait_idle(page)


def _sidebar_open(page: Page) -> bool:
    box = page.locator(SIDEBAR).bounding_box()
    return bool(box and box["width"] > 0 and box["x"] + box["width"] > 0)


def test_the_filter_drawer_closes_after_a_pill_on_a_phone(server: str, phone: Callable[..., Page]) -> None:
    page = _open(phone(), f"{server}/initiatives?lang=ar")
    assert not _sidebar_open(page)  # a phone starts with the drawer closed
    _apply_a_pill(page)
    expect(page.locator('[data-testid="stExpandSidebarButton"]')).to_have_count(1)
    page.wait_for_function("() => document.querySelector('[data-testid=\"stSidebar\"]').getBoundingClientRect().right <= 0")
    assert not _sidebar_open(page)
    assert "area=emergency_aid" in page.url
    caption = page.locator('[data-testid="stMain"] [data-testid="stCaptionContainer"]').first.inner_text()
    assert label("area", "emergency_aid", "ar") in caption  # the filter is applied to what is shown
    screenshot(page, "phone-drawer-closed-after-pill-ar")


def test_control_without_the_script_the_drawer_stays_open(server: str, phone: Callable[..., Page]) -> None:
    """The closing is ours: with the script's phone test made false, Streamlit leaves the drawer open."""
    page = phone()
    page.add_init_script("""(() => {
        const real = window.matchMedia.bind(window);
        window.matchMedia = (query) => query === "(max-width: 768px)" ? {matches: false, media: query} : real(query);
    })()""")
    _open(page, f"{server}/initiatives?lang=ar")
    _apply_a_pill(page)
    page.wait_for_selector('[data-testid="stSidebar"] [data-testid="stHtml"]', state="attached", timeout=30_000)
    assert _sidebar_open(page)


def test_the_sidebar_stays_open_on_a_desktop(server: str, phone: Callable[..., Page]) -> None:
    page = _open(phone(lang="en", width=1280, height=900, touch=False), f"{server}/initiatives?lang=ar")
    assert _sidebar_open(page)
    _apply_a_pill(page, touch=False)
    page.wait_for_selector('[data-testid="stSidebar"] [data-testid="stHtml"]', state="attached", timeout=30_000)
    assert _sidebar_open(page)


# --- 6. The map frame's title, in the reader's language -------------------------------------------

@pytest.mark.parametrize("lang", ["ar", "en"])
def test_the_map_frame_has_a_title_in_the_readers_language(server: str, phone: Callable[..., Page],
                                                           lang: str) -> None:
    page = _open(phone(lang=lang), f"{server}/map?lang={lang}")
    frame = _map(page)
    places = frame.locator(MARKER).count()
    title = page.locator(MAP_FRAME).get_attribute("title")
    assert title == tn("map.frame_title", places, lang)
    assert title != "st.iframe"


def test_control_an_iframe_without_alt_keeps_streamlits_title(tmp_path: Path, browser: Browser) -> None:
    """What the map's frame was called before: Streamlit's placeholder, which says nothing."""
    script = tmp_path / "frame.py"
    script.write_text("import streamlit as st\nst.title('x')\nst.iframe('<p>map</p>', height=50)\n", encoding="utf-8")
    with streamlit_server(ROOT / "data", entry=str(script)) as url:
        page = browser.new_page()
        try:
            _open(page, url)
            assert page.locator("iframe").first.get_attribute("title") == "st.iframe"
        finally:
            page.close()
