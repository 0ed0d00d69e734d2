"""Shared fixtures: fixture datasets, including one full of hostile markup."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import pytest

# The real-browser fixtures (one Chromium per test session), for tests/browser and tests/security.
pytest_plugins = ["tests.browser.support"]

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = ROOT / "tests" / "fixtures" / "minimal"
SHIPPED = ROOT / "data"
T = TypeVar("T")
HOSTILE_NAME = "<script>window.__pwned=1</script><img src=x onerror=\"window.__pwned=2\">`${window.__pwned=3}`"


def make_hostile(target: Path) -> Path:
    """The minimal dataset with markup injected into every text users see."""
    shutil.copytree(MINIMAL, target)
    for name in ("cities.csv", "initiatives.csv"):
        path = target / name
        text = path.read_text(encoding="utf-8")
        quoted = '"' + HOSTILE_NAME.replace('"', '""') + '"'
        text = text.replace("Brital response", quoted, 1).replace("Brital,Brital", f"{quoted},Brital", 1)
        path.write_text(text, encoding="utf-8")
    return target


@pytest.fixture
def hostile_dir(tmp_path: Path) -> Path:
    return make_hostile(tmp_path / "hostile")


@pytest.fixture(autouse=True)
def _fresh_sign_in_brake() -> None:
    """The brakes are process-wide on purpose; each test starts with clean ones."""
    from mc2cm.auth import BRAKE  # noqa: PLC0415 - keep the fixture self-contained
    from mc2cm.voters import NEW_VOTERS  # noqa: PLC0415

    BRAKE.reset()
    NEW_VOTERS.reset()


def run_coroutine(coroutine: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run`` in a thread of its own: a session's Playwright browser may already run a loop in this one."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
