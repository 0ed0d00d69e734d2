"""Static files reach phones as the brotli or gzip copies set-up made, from the real server (serve.py).

The module first runs ``python -m web.precompress`` (what ``scripts/setup.sh``
does; quick when the copies exist), so a fresh server has every copy ready.
"""

from __future__ import annotations

import gzip
import http.client
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from urllib.parse import urlsplit

import brotli  # type: ignore[import-untyped]
import pytest
from playwright.sync_api import Browser

from tests.browser.support import MAP_FRAME, ROOT, streamlit_server, wait_idle
from web.frontdoor import SECURITY_HEADERS
from web.precompress import STREAMLIT_STATIC, SUFFIXES, app_tree, copy_path

pytestmark = pytest.mark.browser
BOTH = {"Accept-Encoding": "br, gzip"}
LEAFLET = "/app/static/vendor/leaflet/leaflet.js"


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    subprocess.run([sys.executable, "-m", "web.precompress"], cwd=ROOT, check=True, timeout=1800)
    subprocess.run([sys.executable, "-m", "web.fonts"], cwd=ROOT, check=True, timeout=600)  # also set-up's
    with streamlit_server(ROOT / "data") as url:
        yield url


@pytest.fixture(scope="module")
def plain_server() -> Iterator[str]:
    """``streamlit run app.py``: Streamlit alone, as it ships."""
    with streamlit_server(ROOT / "data", entry="app.py") as url:
        yield url


@dataclass(frozen=True)
class Answer:
    status: int
    headers: Message  # case-insensitive; a missing header is None
    body: bytes


def get(url: str, path: str, headers: dict[str, str] | None = None, method: str = "GET") -> Answer:
    """The path sent exactly as written (no client-side ``..`` folding) and the body as sent (no decoding)."""
    connection = http.client.HTTPConnection(urlsplit(url).netloc, timeout=30)
    try:
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        return Answer(response.status, response.headers, response.read())
    finally:
        connection.close()


def biggest_bundle(url: str) -> str:
    """The largest script the start page loads (protobuf.js in Streamlit 1.67)."""
    index = get(url, "/").body.decode()
    paths = set(re.findall(r'"\./(static/(?:js|css)/[^"]+)"', index))
    assert paths, "no bundles in index.html"
    return "/" + max(paths, key=lambda path: (STREAMLIT_STATIC / path).stat().st_size)


def test_brotli_when_asked_with_streamlits_headers_and_the_front_doors(server: str) -> None:
    bundle = biggest_bundle(server)
    on_disk = (STREAMLIT_STATIC / bundle.lstrip("/")).read_bytes()
    plain = get(server, bundle)
    packed = get(server, bundle, BOTH)
    assert packed.status == 200
    assert packed.headers["Content-Encoding"] == "br"
    assert brotli.decompress(packed.body) == on_disk
    assert int(packed.headers.get("Content-Length", "0")) == len(packed.body) < len(on_disk) / 4
    assert packed.headers["Vary"] == "Accept-Encoding"
    for name in ("Content-Type", "Cache-Control"):
        assert packed.headers[name] == plain.headers[name], name
    assert plain.headers["Cache-Control"].startswith("public, immutable")
    assert packed.headers["ETag"] not in {None, plain.headers["ETag"]}
    for name, value in SECURITY_HEADERS.items():
        assert packed.headers[name] == value, name


def test_gzip_when_only_gzip_is_accepted(server: str) -> None:
    bundle = biggest_bundle(server)
    packed = get(server, bundle, {"Accept-Encoding": "gzip, br;q=0"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.body) == (STREAMLIT_STATIC / bundle.lstrip("/")).read_bytes()


def test_the_plain_file_when_nothing_is_accepted(server: str) -> None:
    bundle = biggest_bundle(server)
    plain = get(server, bundle)
    assert plain.headers["Content-Encoding"] is None
    assert plain.body == (STREAMLIT_STATIC / bundle.lstrip("/")).read_bytes()


def test_the_apps_own_files_keep_streamlits_headers(server: str) -> None:
    plain = get(server, LEAFLET)
    packed = get(server, LEAFLET, BOTH)
    assert packed.headers["Content-Encoding"] == "br"
    assert brotli.decompress(packed.body) == plain.body == (ROOT / "static" / LEAFLET.removeprefix("/app/static/")).read_bytes()
    for name in ("Content-Type", "Cache-Control", "Access-Control-Allow-Origin", "X-Content-Type-Options"):
        assert packed.headers[name] == plain.headers[name], name
    assert packed.headers["Content-Security-Policy"] == SECURITY_HEADERS["content-security-policy"]


def test_revalidation_answers_304_and_head_has_no_body(server: str) -> None:
    bundle = biggest_bundle(server)
    first = get(server, bundle, BOTH)
    again = get(server, bundle, {**BOTH, "If-None-Match": first.headers.get("ETag", "")})
    assert (again.status, again.body, again.headers["ETag"]) == (304, b"", first.headers["ETag"])
    assert again.headers["Content-Security-Policy"] == SECURITY_HEADERS["content-security-policy"]
    head = get(server, bundle, BOTH, method="HEAD")
    assert (head.status, head.body, head.headers["Content-Length"]) == (200, b"", first.headers["Content-Length"])


@pytest.mark.parametrize("path", [
    "/app/static/../serve.py",
    "/app/static/%2e%2e/serve.py",
    "/app/static/vendor/%2e%2e/%2e%2e/app.py",
    "/app/static/vendor/leaflet/..%2f..%2f..%2fapp.py",
    "/static/..%2f..%2f__init__.py",
    "/static/%2e%2e/%2e%2e/__init__.py",
])
def test_traversal_is_not_served(server: str, path: str) -> None:
    answer = get(server, path, BOTH)
    assert answer.status in {400, 404}
    assert answer.headers["Content-Encoding"] is None
    assert b"import" not in answer.body


def test_a_server_started_without_set_up_makes_missing_copies_itself() -> None:
    relative = Path(LEAFLET.removeprefix("/app/static/"))
    for encoding in SUFFIXES:
        copy_path(app_tree(), relative, encoding).unlink(missing_ok=True)
    with streamlit_server(ROOT / "data") as url:
        deadline = time.monotonic() + 60
        while (answer := get(url, LEAFLET, BOTH)).headers["Content-Encoding"] != "br" and time.monotonic() < deadline:
            time.sleep(0.2)  # the background build, not a guess: the answer itself is polled
    assert answer.headers["Content-Encoding"] == "br"
    assert brotli.decompress(answer.body) == (app_tree().source / relative).read_bytes()


def test_control_plain_streamlit_sends_the_bundle_uncompressed(plain_server: str) -> None:
    bundle = biggest_bundle(plain_server)
    answer = get(plain_server, bundle, BOTH)
    assert answer.headers["Content-Encoding"] is None
    assert len(answer.body) == (STREAMLIT_STATIC / bundle.lstrip("/")).stat().st_size


def map_transfer(browser: Browser, url: str) -> tuple[int, dict[str, str]]:
    """Bytes on the wire (headers included) for a first visit to /map on a phone-sized screen, until the map draws."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    sizes: dict[str, float] = {}
    cdp.on("Network.loadingFinished", lambda event: sizes.__setitem__(event["requestId"], event["encodedDataLength"]))
    cdp.send("Network.enable")
    encodings: dict[str, str] = {}
    page.on("response", lambda response: encodings.__setitem__(
        urlsplit(response.url).path, response.headers.get("content-encoding", "")))
    page.goto(f"{url}/map")
    wait_idle(page)
    page.wait_for_selector(MAP_FRAME, timeout=60_000)
    page.frame_locator(MAP_FRAME).locator("path.leaflet-interactive").first.wait_for(timeout=60_000)
    page.evaluate("() => document.fonts.ready")
    total = int(sum(sizes.values()))
    context.close()
    return total, encodings


def test_a_phone_downloads_a_fraction_for_the_map(browser: Browser, server: str, plain_server: str) -> None:
    before, _ = map_transfer(browser, plain_server)
    after, encodings = map_transfer(browser, server)
    print(f"\n/map, first visit: {before / 1000:,.0f} kB with plain Streamlit, {after / 1000:,.0f} kB behind serve.py")
    assert encodings[biggest_bundle(server)] == "br"  # Chromium asks for br, even over http to this host
    assert encodings[LEAFLET] == "br"  # inside the map's frame
    assert after < before / 2


# Width of each icon element in ems: a drawn icon is 1 em wide; its name in letters ("expand_more") is several.
ICON_WIDTHS = """() => [...document.querySelectorAll('[data-testid=stIconMaterial], [data-testid=stAlertDynamicIcon]')]
    .map(e => [e.textContent, e.getBoundingClientRect().width / parseFloat(getComputedStyle(e).fontSize)])"""
NOT_AN_ICON = """() => { const e = document.createElement('span'); e.textContent = 'not_an_icon_name';
    e.style.fontFamily = getComputedStyle(document.querySelector('[data-testid=stIconMaterial]')).fontFamily;
    document.body.append(e); const w = e.getBoundingClientRect().width / parseFloat(getComputedStyle(e).fontSize);
    e.remove(); return w }"""


@pytest.mark.parametrize("path", ["/map?lang=ar", "/initiatives?lang=en", "/present?lang=fr"])
def test_phones_get_the_cut_icon_font_and_every_icon_still_draws(browser: Browser, server: str, path: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    fonts: dict[str, int] = {}
    page.on("response", lambda response: fonts.__setitem__(urlsplit(response.url).path.rsplit("/", 1)[-1],
                                                            len(response.body())) if ".woff" in response.url else None)
    page.goto(f"{server}{path}")
    wait_idle(page)
    page.wait_for_selector("[data-testid=stIconMaterial]", state="attached", timeout=60_000)
    page.evaluate("() => document.fonts.ready")
    widths = page.evaluate(ICON_WIDTHS)
    control = page.evaluate(NOT_AN_ICON)
    context.close()
    assert widths, "no icons on the page"
    assert control > 4, "the measure cannot tell an icon from its name"  # the control: letters are wide
    assert [(name, round(width, 1)) for name, width in widths if width > 1.5] == []
    assert not [name for name in fonts if name.startswith("SourceSans")], fonts  # the device's font draws text
    icon = next(size for name, size in fonts.items() if name.startswith("MaterialSymbols"))
    assert icon < 100_000  # 66 kB cut from 374 kB (Streamlit 1.67)
