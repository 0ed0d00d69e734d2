"""axe-core on every page, in three languages, at desktop and phone width: no serious or critical violation.

Pages are found by glob (pages/*.py, plus the start page), with the query
strings a real visit uses (a detail page, a poll). The figures per page are
printed, so a run's log shows them (``-s``). The control shows the check sees a
violation: the same run on a page with an image stripped of its alternative.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.accessibility import axe_violations
from tests.browser.support import ROOT, wait_idle

pytestmark = pytest.mark.browser
QUERIES = {"initiatives": ["", "id=brital-syrian-displacement-response"], "vote": ["poll=top-three-priorities"],
           "places": ["", "id=tunis", "compare=athens,tunis"]}
PATHS = ["/", *(f"/{page.stem}" + (f"?{query}" if query else "")
               for page in sorted((ROOT / "pages").glob("*.py")) for query in QUERIES.get(page.stem, [""]))]
WIDTHS = {"desktop": 1400, "phone": 390}


def settle(page: Page) -> None:
    """No element dimmed as stale (Streamlit fades them while a run is under way), fonts in place."""
    page.wait_for_function("() => !document.querySelector('[data-stale=\"true\"]')", timeout=30_000)
    page.evaluate("() => document.fonts.ready")


@pytest.fixture(scope="module")
def contexts(browser: Browser) -> Iterator[dict[str, object]]:
    made = {name: browser.new_context(viewport={"width": width, "height": 900}) for name, width in WIDTHS.items()}
    yield made  # type: ignore[misc]
    for context in made.values():
        context.close()  # type: ignore[attr-defined]


def test_every_page_is_covered() -> None:
    assert len(PATHS) >= 10
    assert {"/map", "/present", "/manage", "/data"} <= {path.split("?")[0] for path in PATHS}


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
@pytest.mark.parametrize("path", PATHS)
def test_no_serious_or_critical_violation(server: str, contexts: dict[str, object], path: str, lang: str,
                                          width: str) -> None:
    page = contexts[width].new_page()  # type: ignore[attr-defined]
    try:
        page.goto(f"{server}{path}{'&' if '?' in path else '?'}lang={lang}")
        wait_idle(page)
        settle(page)
        found = axe_violations(page)
        if found:  # once more after a second: an element fading in or out is not what a reader meets
            page.wait_for_timeout(1000)
            settle(page)
            found = axe_violations(page)
        print(f"axe {path} {lang} {width}: {len(found)} serious/critical")
        assert found == []
    finally:
        page.close()


def test_control_a_missing_text_alternative_is_found(server: str, contexts: dict[str, object]) -> None:
    page = contexts["desktop"].new_page()  # type: ignore[attr-defined]
    try:
        page.goto(f"{server}/present?lang=en")
        wait_idle(page)
        page.locator("img[alt]").first.wait_for()
        page.evaluate("() => document.querySelectorAll('img[alt]').forEach(img => img.removeAttribute('alt'))")
        assert "image-alt" in {violation["id"] for violation in axe_violations(page)}
    finally:
        page.close()
