"""First paint in a real browser: headless Debian Chromium driven by Playwright.

Each run uses a new browser context (empty cache, new Streamlit session) and
times from ``page.goto`` to the moment the thing a user waits for is drawn:
for /map, a ``path.leaflet-interactive`` (a city marker) inside the st_folium
iframe; for the one-line app, its text. Requests outside loopback are aborted.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from benchmarks.stats import median, ms

CHROMIUM = os.environ.get("MC2CM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
FOLIUM_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
MARKER = "path.leaflet-interactive"
TIMEOUT_MS = 120_000


def _route(route: Any, request: Any) -> None:
    if request.url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:")):
        route.continue_()
    else:
        route.abort()


def first_paint(targets: list[tuple[str, str, str]], runs: int) -> dict[str, Any]:
    """Median time to first paint of each target over ``runs`` runs after a warm-up.

    ``targets``: (name, url, kind), kind ``map`` (a marker in the st_folium iframe),
    ``map:<iframe selector>`` (a marker in that iframe) or ``text:<text>`` (that text visible).
    """
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - optional part

    if not Path(CHROMIUM).exists():
        return {"skipped": f"chromium not found at {CHROMIUM}"}
    out: dict[str, Any] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            for name, url, kind in targets:
                times, errors = [], []
                for i in range(runs + 1):  # the first is a warm-up
                    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
                    page = context.new_page()
                    page.route("**/*", _route)
                    try:
                        start = time.perf_counter()
                        page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
                        if kind.startswith("map"):
                            frame = kind.removeprefix("map:") if kind.startswith("map:") else FOLIUM_IFRAME
                            page.frame_locator(frame).locator(MARKER).first.wait_for(state="attached",
                                                                                     timeout=TIMEOUT_MS)
                        else:
                            page.get_by_text(kind.removeprefix("text:"), exact=True).first.wait_for(
                                state="visible", timeout=TIMEOUT_MS)
                        elapsed = time.perf_counter() - start
                        if i:
                            times.append(elapsed)
                    except Exception as exc:  # noqa: BLE001 - a failed run is reported, not raised
                        errors.append(f"{type(exc).__name__}: {str(exc)[:200]}")
                    finally:
                        context.close()
                out[name] = {"median_ms": ms(median(times)), "runs_ms": [ms(t) for t in times], "errors": errors}
        finally:
            browser.close()
    return out
