"""Debian's Chromium for Playwright, and the wait that replaces sleeps: the app's own script state.

Streamlit marks its root element with ``data-test-script-state``; a page is idle when
it has connected, drawn its title and no script run is going on.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Page

CHROMIUM = os.environ.get("MC2CM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def wait_idle(page: Page, timeout: float = 60_000) -> None:
    """Wait until the app has connected and finished its script run."""
    page.wait_for_selector(IDLE, timeout=timeout, state="attached")
    page.wait_for_selector("h1", timeout=timeout)  # every page has a title once its first run drew
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stApp\"][data-test-script-state=\"running\"]')",
        timeout=timeout)
