"""Shared by the AppTest modules: open a page of the app the way a link does."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]


def open_page(page: str, params: dict[str, str] | dict[str, str | list[str]] | None = None) -> AppTest:
    """``page`` (``app.py`` or ``pages/x.py``) run once with ``params`` as its query string, as a deep link."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    if page != "app.py":
        at.switch_page(page)
    return at.run()
