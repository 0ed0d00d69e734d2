"""HTML to PDF with the browser the machine already has: Chromium, Google Chrome or Microsoft Edge.

Why a browser: an Arabic PDF must be shaped on the page *and* searchable and copyable in
reading order. WeasyPrint draws Arabic correctly here but writes a text layer that
``pdftotext`` reads as scattered or reversed letters; Chromium's print-to-PDF keeps the
logical order. A facilitator's laptop already has one of these browsers (Edge ships with
Windows; Debian and Ubuntu: ``apt install chromium``), so nothing else is installed.
``MC2CM_BROWSER`` names another executable.

The browser runs headless, on a file this process wrote, with the network off: a brief
uses only local files (its fonts), so nothing leaves the machine.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

BROWSER_ENV = "MC2CM_BROWSER"
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "microsoft-edge",
              "msedge", "chrome")
WINDOWS_PATHS = (
    r"C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe",
    r"C:\Program Files\Microsoft\Edge\Application\msedge.exe",
    r"C:\Program Files\Google\Chrome\Application\chrome.exe",
    r"C:\Program Files (x86)\Google\Chrome\Application\chrome.exe",
)
MAC_PATHS = (
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
)
TIMEOUT_S = 90
FLAGS = ("--headless", "--disable-gpu", "--no-sandbox", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--no-default-browser-check",
         "--no-pdf-header-footer", "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>")


class PdfUnavailable(RuntimeError):
    """No browser to print with, or it failed: the caller says so and offers the HTML brief."""


def find_browser() -> str | None:
    """The browser to print with, or None."""
    named = os.environ.get(BROWSER_ENV)
    if named:
        return named if Path(named).exists() or shutil.which(named) else None
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    for path in (*WINDOWS_PATHS, *MAC_PATHS):
        if Path(path).exists():
            return path
    return None


def html_to_pdf(html: str, assets: Path | None = None) -> bytes:
    """The PDF of an HTML document; ``assets`` is a folder copied beside it (its fonts), if any.

    Raises :class:`PdfUnavailable` when no browser is found or it does not produce a PDF.
    """
    browser = find_browser()
    if browser is None:
        raise PdfUnavailable("no Chromium, Chrome or Edge found")
    with tempfile.TemporaryDirectory(prefix="mc2cm-pdf-") as folder:
        work = Path(folder)
        if assets is not None:
            shutil.copytree(assets, work / assets.name)
        page = work / "brief.html"
        page.write_text(html, encoding="utf-8")
        target = work / "brief.pdf"
        profile = work / "profile"
        command = [browser, *FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={target}", page.as_uri()]
        try:
            subprocess.run(command, check=False, capture_output=True, timeout=TIMEOUT_S)
        except (OSError, subprocess.TimeoutExpired) as failure:
            raise PdfUnavailable(f"the browser did not print: {failure}") from None
        if not target.exists() or target.stat().st_size == 0:
            raise PdfUnavailable("the browser wrote no PDF")
        return target.read_bytes()
