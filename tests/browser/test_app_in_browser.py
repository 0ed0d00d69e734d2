"""What only a real browser shows: deep links first, the map offline, RTL, safety."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import FrameLocator, Page, expect

from mc2cm.i18n import LANGS, t
from tests.browser.support import MAP_FRAME, ROOT, screenshot, streamlit_server, wait_idle
from tests.conftest import make_hostile

pytestmark = pytest.mark.browser

PAGES = {"/": "app.title", "/map": "page.map", "/initiatives": "page.initiatives",
         "/challenges": "page.challenges", "/cso_roles": "page.cso_roles", "/data": "page.data"}


def map_frame(page: Page) -> FrameLocator:
    page.wait_for_selector(MAP_FRAME, timeout=60_000)
    return page.frame_locator(MAP_FRAME)


def marker_count(page: Page) -> int:
    frame = map_frame(page)
    frame.locator("path.leaflet-interactive").first.wait_for(timeout=60_000)
    return frame.locator("path.leaflet-interactive").count()


def test_page_files_match_the_paths() -> None:
    files = {p.stem for p in (ROOT / "pages").glob("*.py")}
    assert {path.strip("/") for path in PAGES if path != "/"} <= files


@pytest.mark.parametrize("path", list(PAGES))
def test_deep_link_is_the_first_request_to_a_fresh_server(path: str, new_page) -> None:  # type: ignore[no-untyped-def]
    with streamlit_server(ROOT / "data") as url:
        view = new_page()
        page = view.open(f"{url}{path}?lang=fr")
        expect(page.locator("h1").first).to_have_text(t(PAGES[path], "fr"))
        sidebar = page.locator('[data-testid="stSidebar"]')
        expect(sidebar.get_by_text(t("page.cso_roles", "fr"), exact=True)).to_have_count(1)
        expect(page.locator('[data-testid="stSidebarNav"]')).to_have_count(0)  # no file-name navigation
        assert view.errors == []


def test_map_draws_markers_and_countries_with_no_network(server: str, new_page) -> None:  # type: ignore[no-untyped-def]
    view = new_page()
    page = view.open(f"{server}/map?lang=en")
    assert marker_count(page) > 10
    frame = map_frame(page)
    assert frame.locator("path").count() > 60  # country shapes + markers
    assert view.blocked == []
    assert view.errors == []


def test_url_filter_filters(server: str, new_page) -> None:  # type: ignore[no-untyped-def]
    everything = marker_count(new_page().open(f"{server}/map?lang=en"))
    page = new_page().open(f"{server}/map?lang=en&area=emergency_aid")
    filtered = marker_count(page)
    assert 0 < filtered < everything
    assert page.get_by_text("Emergency aid", exact=False).first.is_visible()
    captions = page.locator('[data-testid="stCaptionContainer"]').all_inner_texts()
    assert any("Emergency aid" in c and "initiative" in c for c in captions)


def test_area_pill_filters_the_map_and_the_url(server: str, new_page) -> None:  # type: ignore[no-untyped-def]
    page = new_page().open(f"{server}/map?lang=en")
    everything = marker_count(page)
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_role("button", name="Emergency aid", exact=True).click()
    page.wait_for_function("() => new URL(location.href).searchParams.get('area') === 'emergency_aid'",
                           timeout=30_000)
    wait_idle(page)
    assert 0 < marker_count(page) < everything
    sidebar.get_by_role("button", name=re.compile("More filters")).click()
    expect(page.get_by_role("textbox", name="Search (any language)")).to_be_visible()


# Counts the app's script runs from now on: any change of its script state into or out of "running".
WATCH_RUNS = """() => {
    window.__runs = 0;
    const app = document.querySelector('[data-testid="stApp"]');
    new MutationObserver(records => {
        for (const r of records) {
            if (r.oldValue === 'running' || app.dataset.testScriptState === 'running') window.__runs++;
        }
    }).observe(app, {attributes: true, attributeOldValue: true, attributeFilter: ['data-test-script-state']});
}"""
RERUN_WINDOW_MS = 8_000  # the guard and its control look for a rerun for the same time


def watch_reruns(page: Page) -> None:
    page.evaluate(WATCH_RUNS)


def rerun_seen(page: Page) -> bool:
    try:
        page.wait_for_function("() => window.__runs > 0", timeout=RERUN_WINDOW_MS)
    except PlaywrightError:
        return False
    return True


def pan_and_zoom(page: Page) -> None:
    frame = map_frame(page)
    frame.locator(".leaflet-control-zoom-in").click()
    box = page.locator(MAP_FRAME).bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2 + 120, box["y"] + box["height"] / 2 + 60, steps=8)
    page.mouse.up()


def test_panning_and_zooming_do_not_rerun_the_script(server: str, new_page) -> None:  # type: ignore[no-untyped-def]
    page = new_page().open(f"{server}/map?lang=en")
    marker_count(page)
    watch_reruns(page)
    pan_and_zoom(page)
    assert not rerun_seen(page)


def test_control_the_same_watch_sees_a_rerun(server: str, new_page) -> None:  # type: ignore[no-untyped-def]
    """The control of the test above: the same watch and gestures, then a tap on a filter pill, which reruns."""
    page = new_page().open(f"{server}/map?lang=en")
    marker_count(page)
    watch_reruns(page)
    pan_and_zoom(page)
    page.locator('[data-testid="stSidebar"]').get_by_role("button", name="Emergency aid", exact=True).click()
    assert rerun_seen(page)


def test_arabic_is_right_to_left_with_the_local_font(server: str, new_page) -> None:  # type: ignore[no-untyped-def]
    view = new_page(locale="ar")
    page = view.open(f"{server}/cso_roles?lang=ar")
    # Fails with a timeout if the main area never turns right-to-left.
    page.wait_for_function(
        "() => getComputedStyle(document.querySelector('[data-testid=\"stMain\"]')).direction === 'rtl'",
        timeout=30_000)
    heading = page.locator("h1").first
    assert heading.evaluate("el => getComputedStyle(el).direction") == "rtl"
    expect(page.locator("h1").first).to_have_text(t("page.cso_roles", "ar"))
    page.evaluate("() => document.fonts.ready")
    assert page.evaluate("() => document.fonts.check('16px \"MC2CM Arabic\"', 'نص')")
    assert view.blocked == []


def test_browser_locale_picks_the_default_language(server: str, new_page) -> None:  # type: ignore[no-untyped-def]
    page = new_page(locale="fr-FR").open(f"{server}/challenges")
    expect(page.locator("h1").first).to_have_text(t("page.challenges", "fr"))


def test_injected_markup_shows_as_text_and_never_runs(tmp_path: Path, new_page) -> None:  # type: ignore[no-untyped-def]
    hostile = make_hostile(tmp_path / "hostile")
    with streamlit_server(hostile) as url:
        for path in ("/map?lang=en", "/initiatives?lang=en", "/initiatives?lang=en&id=brital-response"):
            view = new_page()
            page = view.open(f"{url}{path}")
            if path.startswith("/map"):
                frame = map_frame(page)
                frame.locator("path.leaflet-interactive").first.click()
                frame.locator(".leaflet-popup-content").wait_for()
                assert "<script>" in frame.locator(".leaflet-popup-content").inner_text()
                frame_pwned = page.frame_locator(MAP_FRAME).locator("body").evaluate("() => window.__pwned ?? null")
                assert frame_pwned is None
            else:
                expect(page.get_by_text("<script>window.__pwned=1</script>", exact=False).first).to_be_visible()
            assert page.evaluate("() => window.__pwned ?? null") is None


def test_screenshots_of_every_page_in_every_language(server: str, new_page) -> None:  # type: ignore[no-untyped-def]
    shots = []
    for lang in LANGS:
        for path in PAGES:
            page = new_page().open(f"{server}{path}?lang={lang}")
            if path == "/map":
                marker_count(page)
            if path in ("/cso_roles", "/challenges"):
                page.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=60_000)
            name = (path.strip("/") or "overview") + f"-{lang}"
            shots.append(screenshot(page, name))
    phone = new_page(width=390, height=844).open(f"{server}/initiatives?lang=ar&area=emergency_aid")
    shots.append(screenshot(phone, "phone-initiatives-ar"))
    assert all(p.stat().st_size > 10_000 for p in shots)


def test_wait_helper_sees_reruns(server: str, new_page) -> None:  # type: ignore[no-untyped-def]
    page = new_page().open(f"{server}/initiatives?lang=en")
    page.get_by_role("textbox").first.fill("Brital")
    page.get_by_role("textbox").first.press("Enter")
    page.wait_for_function("() => new URL(location.href).searchParams.get('q') === 'Brital'", timeout=30_000)
    wait_idle(page)
    expect(page.get_by_text("Brital initiative to help displaced Syrians").first).to_be_visible()


def test_filtered_download_is_excel_safe(server: str, new_page) -> None:  # type: ignore[no-untyped-def]
    page = new_page().open(f"{server}/data?lang=en&area=emergency_aid")
    # named for its filter, so an upload knows it holds part of the table (issue 12)
    button = page.get_by_role("button", name=re.compile(r"^initiatives-filtered-emergency-aid\.csv \(\d+\)$"))
    expected_rows = int(re.search(r"\((\d+)\)", button.inner_text()).group(1))  # type: ignore[union-attr]
    with page.expect_download(timeout=30_000) as info:
        button.click()
    assert info.value.suggested_filename == "initiatives-filtered-emergency-aid.csv"
    blob = Path(info.value.path()).read_bytes()
    assert blob.startswith(b"\xef\xbb\xbf")
    rows = blob.decode("utf-8-sig").strip().split("\r\n")
    assert len(rows) == expected_rows + 1
    assert all("emergency_aid" in row for row in rows[1:])
