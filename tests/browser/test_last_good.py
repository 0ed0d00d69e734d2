"""A hand edit that breaks a row, under a running server: the room keeps every initiative, staff see the row.

The control is the same break on a server with no earlier good version (a first
start on the broken files): there the row is missing from /map.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from mc2cm.i18n import t
from mc2cm.loading import load_dataset
from tests.browser.support import ROOT, streamlit_server, wait_idle
from tests.core.test_lastgood import break_city_reference

pytestmark = pytest.mark.browser


def copy_of_data(folder: Path) -> Path:
    shutil.copytree(ROOT / "data", folder, ignore=shutil.ignore_patterns(".history", ".lock"))
    return folder


def initiatives_shown(page: Page) -> int:
    """The count /map states for the whole view ("39 initiatives")."""
    caption = page.get_by_text(re.compile(r"^\d+ initiatives$")).first
    caption.wait_for(timeout=60_000)
    return int(caption.inner_text().split()[0])


def test_a_broken_row_under_a_running_server_keeps_the_map_whole(tmp_path: Path, new_page: Callable) -> None:  # type: ignore[type-arg]
    data = copy_of_data(tmp_path / "data")
    count = len(load_dataset(data).initiatives)
    with streamlit_server(data) as url:
        before = new_page().open(f"{url}/map?lang=en")
        assert initiatives_shown(before) == count
        row = break_city_reference(data)
        after = new_page().open(f"{url}/map?lang=en")
        assert initiatives_shown(after) == count
        expect(after.get_by_text(re.compile(r"^Data as of \d\d:\d\d"))).to_be_visible()
        staff = new_page().open(f"{url}/data?lang=en")
        wait_idle(staff)
        expect(staff.get_by_text(re.compile(r"The files on disk have 1 error"))).to_be_visible()
        table = staff.locator("[data-testid=stTable]").first
        table.wait_for()
        cells = [cell.strip() for cell in table.locator("td").all_inner_texts()]
        assert "initiatives.csv" in cells
        assert str(row) in cells
        assert "Cities (city_ids)" in cells


def test_control_a_first_start_on_the_broken_row_leaves_it_out(tmp_path: Path, new_page: Callable) -> None:  # type: ignore[type-arg]
    data = copy_of_data(tmp_path / "data")
    count = len(load_dataset(data).initiatives)
    break_city_reference(data)
    with streamlit_server(data) as url:
        page = new_page().open(f"{url}/map?lang=en")
        assert initiatives_shown(page) == count - 1
        expect(page.get_by_text(t("data.problem_banner", "en")[:40], exact=False)).to_be_visible()
