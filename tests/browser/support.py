"""Real-browser fixtures (a plugin of tests/conftest.py): a Streamlit server per need, and Debian's Chromium.

Servers are started, waited for (``/_stcore/health``) and stopped by the harness
(``harness/server.py``), the same code the benchmark and ``deploy/`` use; pages are
waited for on the app's script state (``data-test-script-state``), never fixed sleeps.
"""

from __future__ import annotations

import contextlib
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, FrameLocator, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from harness import server as harness
from harness.browser import CHROMIUM, CHROMIUM_ARGS, wait_idle
from mc2cm.mapping import MARKERS_ID

ROOT = harness.ROOT
SCREENSHOTS = ROOT / "tests" / "browser" / "screenshots"

MAP_FRAME = f'iframe[srcdoc*="{MARKERS_ID}"]'  # the map: folium's document in st.iframe


@contextmanager
def streamlit_server(data_dir: Path, env: dict[str, str] | None = None, entry: str = "serve.py") -> Iterator[str]:
    """A fresh server on a free loopback port, on ``data_dir``; nothing has been requested from it yet.

    ``entry`` is the README's entry point (the app behind its front door) unless a
    test asks for the plain ``app.py``. The server's log lands beside the screenshots.
    """
    with harness.streamlit_server(entry, data_dir=data_dir, env=env, log_dir=SCREENSHOTS) as server:
        yield server.url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `bash scripts/setup.sh --dev` (it installs Debian's chromium)")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """One server on the shipped data, shared by a module's tests."""
    with streamlit_server(ROOT / "data") as url:
        yield url


@pytest.fixture
def contexts(browser: Browser) -> Iterator[list[BrowserContext]]:
    """Browser contexts a test opens (append to the list); all closed when it ends."""
    made: list[BrowserContext] = []
    yield made
    for context in made:
        context.close()


@pytest.fixture
def fresh_server() -> Callable[..., object]:
    return streamlit_server


class OfflinePage:
    """A page whose every request outside loopback is blocked and recorded."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.blocked: list[str] = []
        self.errors: list[str] = []
        page.route("**/*", self._route)
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def _route(self, route, request) -> None:  # type: ignore[no-untyped-def]
        if request.url.startswith(("http://127.0.0.1", "http://localhost", "data:", "blob:", "about:")):
            route.continue_()
        else:
            self.blocked.append(request.url)
            route.abort()

    def open(self, url: str, timeout: float = 60_000) -> Page:
        self.page.goto(url)
        wait_idle(self.page, timeout)
        return self.page


@pytest.fixture
def new_page(browser: Browser) -> Iterator[Callable[..., OfflinePage]]:
    contexts = []

    def make(width: int = 1280, height: int = 900, locale: str = "en-GB") -> OfflinePage:
        context = browser.new_context(viewport={"width": width, "height": height}, locale=locale)
        contexts.append(context)
        return OfflinePage(context.new_page())

    yield make
    for context in contexts:
        context.close()


def screenshot(page: Page, name: str) -> Path:
    """A full-page screenshot once lazily loaded elements have replaced their placeholders."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(PlaywrightError):  # a slow element still gets photographed, placeholder and all
        page.wait_for_function(
            "() => !document.querySelector('[data-testid=\"stSkeleton\"], [data-testid=\"stSkeletonElement\"]')",
            timeout=20_000)
        page.evaluate("() => document.fonts.ready")
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def copy_data(target: Path) -> Path:
    shutil.copytree(ROOT / "data", target)
    return target


# Folium fits the map to its markers just after load, and Leaflet may animate that zoom: a marker
# measured or tapped then is half its size, or somewhere else. Wait until the markers stand still.
_MARKER_STILL = """(marker) => new Promise((done) => {
    const before = marker.getBoundingClientRect();
    setTimeout(() => {
        const after = marker.getBoundingClientRect();
        done(!marker.closest('.leaflet-zoom-anim') && before.x === after.x && before.y === after.y
             && before.width === after.width);
    }, 300);
})"""


def wait_map_settled(frame: FrameLocator, marker: str = "path.leaflet-interactive", timeout: float = 30.0) -> None:
    """Return once the map's first marker has kept its place and size for 300 ms (a wait, not a check)."""
    deadline = time.monotonic() + timeout
    first = frame.locator(marker).first
    first.wait_for(timeout=timeout * 1000)
    while not first.evaluate(_MARKER_STILL):
        if time.monotonic() > deadline:
            raise AssertionError(f"the map's markers were still moving after {timeout:.0f} s")


SIGN_IN_WORDS = {"en": ("en-GB", "Your name (for the change log)", "Password", "Sign in"),
                 "fr": ("fr-FR", "Votre nom (pour le journal des modifications)", "Mot de passe", "Se connecter")}


def signed_in_presenter(browser: Browser, contexts: list[BrowserContext], url: str, password: str, *,
                        lang: str = "fr", scene: str = "") -> Page:
    """The facilitator's laptop (1400 x 900) on the presenter view in ``lang``, signed in with the form."""
    locale, name, password_label, button = SIGN_IN_WORDS[lang]
    laptop = browser.new_context(viewport={"width": 1400, "height": 900}, locale=locale)
    contexts.append(laptop)
    page = laptop.new_page()
    page.goto(f"{url}/present?view=presenter&lang={lang}" + (f"&scene={scene}" if scene else ""))
    wait_idle(page)
    page.get_by_label(name).fill("Lina")
    page.get_by_label(password_label, exact=True).fill(password)
    page.get_by_role("button", name=button).click()
    wait_idle(page)
    return page
