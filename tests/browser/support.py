"""Real-browser fixtures (a plugin of tests/conftest.py): a Streamlit server per need, and Debian's Chromium.

Waits use the server's ``/_stcore/health`` and the app's script state
(``data-test-script-state``), never fixed sleeps.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "tests" / "browser" / "screenshots"
CHROMIUM = os.environ.get("MC2CM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_healthy(url: str, process: subprocess.Popen[bytes], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"{url} did not become healthy in {timeout}s")


@contextmanager
def streamlit_server(data_dir: Path, env: dict[str, str] | None = None, entry: str = "serve.py") -> Iterator[str]:
    """A fresh server on a free loopback port; nothing has been requested from it yet.

    ``entry`` is the README's entry point (the app behind its front door) unless a
    test asks for the plain ``app.py``.
    """
    port = free_port()
    command = [sys.executable, "-m", "streamlit", "run", str(ROOT / entry), "--server.port", str(port),
               "--server.address", "127.0.0.1", "--server.headless", "true", "--server.fileWatcherType", "none"]
    full_env = {**os.environ, "MC2CM_DATA_DIR": str(data_dir), **(env or {})}
    log = (ROOT / "tests" / "browser" / "screenshots")
    log.mkdir(parents=True, exist_ok=True)
    with (log / f"server-{port}.log").open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=full_env, stdout=out, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            wait_healthy(url, process)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


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


def wait_idle(page: Page, timeout: float = 60_000) -> None:
    """Wait until the app has connected and finished its script run."""
    page.wait_for_selector(IDLE, timeout=timeout, state="attached")
    page.wait_for_selector("h1", timeout=timeout)  # every page has a title once its first run drew
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stApp\"][data-test-script-state=\"running\"]')",
        timeout=timeout)


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
