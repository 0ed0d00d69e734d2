"""In a real browser: a hostile city name in the map's tooltip and popup is text, never code."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import FrameLocator, Page

from tests.browser.support import MAP_FRAME, OfflinePage, copy_data, screenshot, streamlit_server, wait_idle
from tests.browser.test_manage_in_browser import PASSWORD, open_tab, sign_in
from tests.security.test_template_injection import hostile_copy

pytestmark = pytest.mark.browser

NAME = "Sfax {{7*7}} ${1+1} <b>x</b>"


def _map(page: Page) -> FrameLocator:
    page.wait_for_selector(MAP_FRAME, timeout=60_000)
    frame = page.frame_locator(MAP_FRAME)
    frame.locator("path.leaflet-interactive").first.wait_for(timeout=60_000)
    return frame


def _pwned(page: Page, frame: FrameLocator) -> object:
    return [page.evaluate("() => window.__pwned ?? null"),
            frame.locator("body").evaluate("() => window.__pwned ?? null")]


def test_a_hostile_name_is_text_in_the_tooltip_and_popup(tmp_path: Path,
                                                         new_page: Callable[..., OfflinePage]) -> None:
    data = hostile_copy(tmp_path / "data", NAME)
    with streamlit_server(data) as url:
        for lang, direction in (("en", "ltr"), ("ar", "rtl")):
            view = new_page(locale=lang)
            page = view.open(f"{url}/map?lang={lang}")
            frame = _map(page)
            frame.locator("path.leaflet-interactive").first.hover()
            tooltip = frame.locator(".leaflet-tooltip")
            tooltip.wait_for()
            assert tooltip.text_content() == f"{NAME} · 1"  # braces, ${} and tags exactly as written
            assert tooltip.locator("b").count() == 0
            assert tooltip.locator("span").get_attribute("dir") == direction
            screenshot(page, f"map-hostile-tooltip-{lang}")

            frame.locator("path.leaflet-interactive").first.click()
            popup = frame.locator(".leaflet-popup-content")
            popup.wait_for()
            assert popup.locator("strong").text_content() == NAME
            link = popup.locator('a[href^="/initiatives"]')  # the name; the passage and place links follow it
            assert link.text_content() == NAME
            assert link.get_attribute("href") == f"/initiatives?id=brital-response&lang={lang}"
            assert popup.locator("b").count() == 0
            assert popup.locator(".mc2cm-popup").get_attribute("dir") == direction
            screenshot(page, f"map-hostile-popup-{lang}")
            assert _pwned(page, frame) == [None, None]
            popup.locator('a[href^="/initiatives"]').click()  # the detail opens in place (tests/browser/test_phone_navigation.py)
            page.wait_for_url(f"**/initiatives?id=brital-response&lang={lang}", timeout=30_000)
            assert len(page.context.pages) == 1
            wait_idle(page)
            assert page.evaluate("() => window.__pwned ?? null") is None
            assert view.errors == []
            assert view.blocked == []
        page = view.open(f"{url}/map?lang=ar")  # back on the map for the control
        frame = _map(page)
        # Control: the same name given to Leaflet as an HTML string (what folium's tooltips do) becomes markup.
        frame.locator("body").evaluate("""(body, name) => {
            const map = Object.values(window).find((value) => value instanceof L.Map);
            L.tooltip({permanent: true, className: "control-tooltip"})
                .setLatLng(map.getCenter()).setContent(name).addTo(map);
        }""", NAME)
        control = frame.locator(".control-tooltip")
        assert control.locator("b").count() == 1
        assert control.text_content() != NAME


def test_the_staff_city_preview_shows_a_typed_name_as_text(tmp_path: Path,
                                                          new_page: Callable[..., OfflinePage]) -> None:
    with streamlit_server(copy_data(tmp_path / "data"), env={"MC2CM_ADMIN_PASSWORD": PASSWORD}) as url:
        view = new_page(height=1400)
        page = view.open(f"{url}/manage?lang=en")
        sign_in(page)
        open_tab(page, "Add a city")
        page.get_by_label("City name (as in the gazetteer, e.g. Nador)").fill(NAME)
        page.get_by_label("City name (as in the gazetteer, e.g. Nador)").press("Enter")
        frame = _map(page)
        frame.locator("path.leaflet-interactive").first.hover()
        tooltip = frame.locator(".leaflet-tooltip")
        tooltip.wait_for()
        assert tooltip.text_content() == NAME
        assert tooltip.locator("b").count() == 0
        screenshot(page, "manage-city-preview-hostile-en")
        assert _pwned(page, frame) == [None, None]
        assert view.errors == []
