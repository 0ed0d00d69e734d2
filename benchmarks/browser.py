"""First paint in a real browser: headless Debian Chromium driven by Playwright.

Each run uses a new browser context (empty cache, new Streamlit session). The
time is measured inside the page, on the browser's own clock: from the start of
the navigation (``performance.timeOrigin`` of the top document) to the first
animation frame after the thing a user waits for is in the document. For /map
that is a ``path.leaflet-interactive`` (a city marker) in the map's iframe; for
the one-line app, its text. A small script added to every frame watches for it
(a MutationObserver, plus a 10 ms timer for the iframe's first document, which
the browser may swap under an observer).

Why not time ``locator.wait_for`` from Python: Playwright polls for a missing
element with a backoff of 0, 20, 50, 100, 100 ms and then every 500 ms, so a
wall-clock time lands on that grid, ±500 ms. Both targets would be measured
to the next poll, not to the paint. The wall-clock time is still reported
(``wall_ms``) for reference. Requests outside loopback are aborted.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from benchmarks.stats import median, ms
from harness.browser import CHROMIUM, CHROMIUM_ARGS

MARKER = "path.leaflet-interactive"
TIMEOUT_S = 120.0

# Runs in every frame at document start; records when the target appears and the next frame after.
WATCH = """
(() => {
  const target = __TARGET__;
  const found = () => target.css ? document.querySelector(target.css) :
      document.evaluate('//*[normalize-space(text())=' + JSON.stringify(target.text) + ']', document, null,
                        XPathResult.FIRST_ORDERED_NODE_TYPE, null).singleNodeValue;
  let observed = null, observer = null;
  const check = () => {
    if (window.__mc2cmSeen !== undefined) return true;
    if (document !== observed && document.documentElement) {
      if (observer) observer.disconnect();
      observed = document;
      observer = new MutationObserver(check);
      observer.observe(document, {childList: true, subtree: true, attributes: true, characterData: true});
    }
    if (!found()) return false;
    window.__mc2cmSeen = performance.timeOrigin + performance.now();
    requestAnimationFrame(() => { window.__mc2cmDrawn = performance.timeOrigin + performance.now(); });
    if (observer) observer.disconnect();
    return true;
  };
  const timer = setInterval(() => { if (check()) clearInterval(timer); }, 10);
  check();
})();
"""


def _route(route: Any, request: Any) -> None:
    if request.url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:")):
        route.continue_()
    else:
        route.abort()


def _target(kind: str) -> dict[str, str]:
    """``map`` (a city marker), ``text:<text>`` (an element with that text) or ``css:<selector>``, in any frame."""
    if kind.startswith("text:"):
        return {"text": kind.removeprefix("text:")}
    return {"css": kind.removeprefix("css:") if kind.startswith("css:") else MARKER}


def watch_script(kind: str) -> str:
    """The init script that records when ``kind`` is drawn (``window.__mc2cmDrawn``), for every frame."""
    return WATCH.replace("__TARGET__", json.dumps(_target(kind)))


def drawn_at(page: Any) -> float | None:
    """The browser-clock time (ms since the epoch) at which a frame saw the target drawn, if any."""
    for frame in page.frames:
        try:
            value = frame.evaluate("window.__mc2cmDrawn ?? null")
        except Exception:  # noqa: BLE001, S112 - a frame navigating away; the others still count
            continue
        if value:
            return float(value)
    return None


def paint_once(browser: Any, url: str, kind: str) -> tuple[float, float]:
    """One run in a new context: (in-page ms from navigation start to drawn, wall-clock ms)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    try:
        context.add_init_script(watch_script(kind))
        page = context.new_page()
        page.route("**/*", _route)
        start = time.perf_counter()
        page.goto(url, wait_until="commit", timeout=TIMEOUT_S * 1000)
        origin = float(page.evaluate("performance.timeOrigin"))
        deadline = start + TIMEOUT_S
        while (drawn := drawn_at(page)) is None:
            if time.perf_counter() > deadline:
                raise TimeoutError(f"nothing drawn within {TIMEOUT_S:.0f} s")
            page.wait_for_timeout(20)
        wall = time.perf_counter() - start
        return (drawn - origin) / 1000, wall
    finally:
        context.close()


def first_paint(targets: list[tuple[str, str, str]], runs: int) -> dict[str, Any]:
    """Median time to first paint of each target over ``runs`` runs after a warm-up.

    ``targets``: (name, url, kind), kind ``map`` (a marker in any frame) or ``text:<text>``
    (that text in the page). Targets take turns run by run, so a slow minute on the
    machine touches all of them alike.
    """
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - optional part

    if not Path(CHROMIUM).exists():
        return {"skipped": f"chromium not found at {CHROMIUM}"}
    times: dict[str, list[float]] = {name: [] for name, _, _ in targets}
    walls: dict[str, list[float]] = {name: [] for name, _, _ in targets}
    errors: dict[str, list[str]] = {name: [] for name, _, _ in targets}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            for i in range(runs + 1):  # the first round is a warm-up
                for name, url, kind in targets:
                    try:
                        painted, wall = paint_once(browser, url, kind)
                    except Exception as exc:  # noqa: BLE001 - a failed run is reported, not raised
                        errors[name].append(f"{type(exc).__name__}: {str(exc)[:200]}")
                        continue
                    if i:
                        times[name].append(painted)
                        walls[name].append(wall)
        finally:
            browser.close()
    return {name: {"median_ms": ms(median(times[name])), "runs_ms": [ms(t) for t in times[name]],
                   "wall_median_ms": ms(median(walls[name])), "errors": errors[name]}
            for name, _, _ in targets}
