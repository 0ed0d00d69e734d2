"""Phone profile: what a phone on a slow network downloads and waits for (issue 11, "Phones first").

Chromium emulates Lighthouse's "Slow 4G" through the DevTools protocol
(``Network.emulateNetworkConditions``: 150 ms latency, 1.6 Mbit/s down, 750 kbit/s
up) in a 390×844 mobile viewport (touch, device scale factor 3, an Android
Chrome user agent). Each visit is a new browser context, so the first load
starts with an empty HTTP cache; the second is a reload in the same context
(cache kept), where the bytes are what matter.

Bytes: ``Network.loadingFinished.encodedDataLength`` (body and headers, as
received) of every request of the page and its frames (the map's ``st.iframe``
is a ``srcdoc`` document, so its Leaflet files and basemap go through the same
session), plus the payload of every websocket frame received (Streamlit's
messages; its websocket compression is off), counted until the network has
been quiet for a second after the page was ready. Time to ready: in the
browser, as for first paint (``browser.py``): from ``performance.timeOrigin``
to the first animation frame after the ready element exists.

``Accept-Encoding``: Chromium asks for ``br`` only over HTTPS or from
localhost, so on 127.0.0.1 the front door sends its brotli copies; a phone at
the venue on ``http://<LAN IP>`` gets the gzip ones. The ``gzip`` runs send
``Accept-Encoding: gzip, deflate`` to measure that. No route handler is used
(Playwright's routing turns the HTTP cache off); instead every request
outside loopback goes to a proxy that does not exist (port 9), so it fails.
"""

from __future__ import annotations

import base64
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from benchmarks.browser import CHROMIUM, CHROMIUM_ARGS, drawn_at, watch_script
from benchmarks.stats import median

SLOW_4G = {"offline": False, "latency": 150, "downloadThroughput": 1.6e6 / 8, "uploadThroughput": 750e3 / 8}
PHONE = {
    "viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True, "has_touch": True,
    "locale": "ar", "user_agent": "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
                                  "Chrome/126.0.0.0 Mobile Safari/537.36",
}
NO_OUTSIDE = {"server": "http://127.0.0.1:9", "bypass": "127.0.0.1"}  # nothing listens on port 9
GZIP_ONLY = {"Accept-Encoding": "gzip, deflate"}
TIMEOUT_S = 120.0
QUIET_S = 1.0  # the load is over when nothing was received for this long after ready
SETTLE_CAP_S = 30.0


class Traffic:
    """Bytes received on one page's DevTools session: HTTP (encoded, with headers) and websocket payloads."""

    def __init__(self, cdp: Any) -> None:
        self.http = self.ws = 0
        self.pending: set[str] = set()
        self.urls: dict[str, str] = {}
        self.files: dict[str, int] = {}  # path (no query) → bytes, to see what weighs most
        self.last = time.perf_counter()
        cdp.on("Network.requestWillBeSent", self._sent)
        cdp.on("Network.responseReceived", self._response)
        cdp.on("Network.loadingFinished", self._finished)
        cdp.on("Network.loadingFailed", self._failed)
        cdp.on("Network.dataReceived", self._touch)
        cdp.on("Network.webSocketFrameReceived", self._frame)

    def reset(self) -> None:
        self.http = self.ws = 0
        self.pending.clear()
        self.files.clear()

    def largest(self, count: int = 5) -> list[tuple[str, int]]:
        return sorted(self.files.items(), key=lambda item: -item[1])[:count]

    def _touch(self, _event: dict[str, Any] | None = None) -> None:
        self.last = time.perf_counter()

    def _sent(self, event: dict[str, Any]) -> None:
        self.pending.add(event["requestId"])
        self._touch()

    def _response(self, event: dict[str, Any]) -> None:
        self.urls[event["requestId"]] = urlsplit(event["response"]["url"]).path
        self._touch()

    def _finished(self, event: dict[str, Any]) -> None:
        self.pending.discard(event["requestId"])
        size = int(event.get("encodedDataLength", 0))
        self.http += size
        path = self.urls.pop(event["requestId"], "?")
        self.files[path] = self.files.get(path, 0) + size
        self._touch()

    def _failed(self, event: dict[str, Any]) -> None:
        self.pending.discard(event["requestId"])
        self._touch()

    def _frame(self, event: dict[str, Any]) -> None:
        frame = event["response"]
        data = frame.get("payloadData", "")
        self.ws += len(base64.b64decode(data)) if frame.get("opcode") == 2 else len(data.encode())
        self._touch()

    def quiet(self) -> bool:
        return not self.pending and time.perf_counter() - self.last >= QUIET_S


def _load(page: Any, traffic: Traffic, navigate: Any) -> dict[str, Any]:
    """Navigate, wait for the ready element to be drawn and the network to go quiet: ms to ready, bytes."""
    traffic.reset()
    navigate()
    origin = float(page.evaluate("performance.timeOrigin"))
    deadline = time.perf_counter() + TIMEOUT_S
    while (drawn := drawn_at(page)) is None:
        if time.perf_counter() > deadline:
            raise TimeoutError(f"not ready within {TIMEOUT_S:.0f} s")
        page.wait_for_timeout(20)
    ready_ms = round(drawn - origin, 1)
    settle = time.perf_counter() + SETTLE_CAP_S
    while not traffic.quiet() and time.perf_counter() < settle:
        page.wait_for_timeout(100)
    return {"ready_ms": ready_ms, "bytes": traffic.http + traffic.ws, "http_bytes": traffic.http,
            "ws_bytes": traffic.ws, "largest": traffic.largest()}


def visit(browser: Any, url: str, kind: str, encoding: str, *, throttle: bool = True) -> dict[str, Any]:
    """A first visit (new context, empty cache) and a second one (reload in the same context)."""
    context = browser.new_context(**PHONE, extra_http_headers=GZIP_ONLY if encoding == "gzip" else None)
    try:
        context.add_init_script(watch_script(kind))
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        traffic = Traffic(cdp)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": False})
        if throttle:
            cdp.send("Network.emulateNetworkConditions", SLOW_4G)
        first = _load(page, traffic, lambda: page.goto(url, wait_until="commit", timeout=TIMEOUT_S * 1000))
        second = _load(page, traffic, lambda: page.reload(wait_until="commit", timeout=TIMEOUT_S * 1000))
        return {"first": first, "second": second}
    finally:
        context.close()


def _summary(runs: list[dict[str, Any]], errors: list[str]) -> dict[str, Any]:
    def med(visit_: str, key: str) -> float | None:
        return median([run[visit_][key] for run in runs])

    return {"first_ready_ms": med("first", "ready_ms"), "first_bytes": med("first", "bytes"),
            "second_ready_ms": med("second", "ready_ms"), "second_bytes": med("second", "bytes"),
            "runs": runs, "errors": errors}


def phone_profile(targets: list[tuple[str, str, str, str]], runs: int) -> dict[str, Any]:
    """Medians over ``runs`` rounds, after one unthrottled warm-up visit per target; targets take turns.

    ``targets``: (name, url, ready kind as in ``browser.first_paint`` plus ``css:<selector>``, ``br``/``gzip``).
    """
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - optional part

    if not Path(CHROMIUM).exists():
        return {"skipped": f"chromium not found at {CHROMIUM}"}
    results: dict[str, list[dict[str, Any]]] = {name: [] for name, *_ in targets}
    errors: dict[str, list[str]] = {name: [] for name, *_ in targets}
    started = time.perf_counter()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True,
                                             proxy=NO_OUTSIDE)
        try:
            for i in range(runs + 1):  # round 0: a warm-up at full speed (server caches, Chromium's own start-up)
                for name, url, kind, encoding in targets:
                    try:
                        result = visit(browser, url, kind, encoding, throttle=i > 0)
                    except Exception as exc:  # noqa: BLE001 - a failed run is reported, not raised
                        errors[name].append(f"{type(exc).__name__}: {str(exc)[:200]}")
                        continue
                    if i:
                        results[name].append(result)
        finally:
            browser.close()
    summary = {name: _summary(results[name], errors[name]) for name, *_ in targets}
    return {"network": {**SLOW_4G, "name": "Slow 4G (Lighthouse)"}, "device": dict(PHONE),
            "rounds": runs, "seconds": round(time.perf_counter() - started, 1), "targets": summary}
