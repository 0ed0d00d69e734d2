"""Staff editing in a real browser: the gate, and add → see → undo."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import MAP_FRAME, copy_data, screenshot, streamlit_server, wait_idle

pytestmark = pytest.mark.browser
PASSWORD = "sfax-2019-staff-passphrase"


def sign_in(page: Page, name: str = "Amina") -> None:
    page.get_by_label("Your name (for the change log)").fill(name)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text(f"Signed in as {name}")).to_be_visible(timeout=30_000)
    wait_idle(page)


def open_tab(page: Page, name: str) -> None:
    page.get_by_role("tab", name=name).click()
    wait_idle(page)


def markers(page: Page) -> int:
    frame = page.frame_locator(MAP_FRAME)
    frame.locator("path.leaflet-interactive").first.wait_for(timeout=60_000)
    return frame.locator("path.leaflet-interactive").count()


def new_initiative_csv(data_dir: Path) -> bytes:
    text = (data_dir / "initiatives.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    template = dict(rows[0])
    template.update({
        "id": "sousse-test-initiative", "name_en": "Sousse test initiative", "name_fr": "Initiative test de Sousse",
        "name_ar": "مبادرة سوسة التجريبية", "city_ids": "sousse", "scope": "city", "country_codes": "",
        "region_en": "", "region_fr": "", "region_ar": "", "areas": "emergency_aid", "areas_basis": "curator",
        "curator_note": "Browser test row.", "year_start": "", "year_end": "",
    })
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\r\n", delimiter=";")
    writer.writeheader()
    writer.writerows([*rows, template])
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")  # as Excel (French locale) saves it


def test_manage_shows_no_editor_to_a_browser_that_has_not_signed_in(tmp_path: Path, new_page) -> None:  # type: ignore[no-untyped-def]
    data = copy_data(tmp_path / "data")
    with streamlit_server(data, env={"MC2CM_ADMIN_PASSWORD": PASSWORD}) as url:
        staff = new_page().open(f"{url}/manage?lang=en")
        sign_in(staff)
        expect(staff.get_by_role("tab", name="Edit")).to_be_visible()
        visitor = new_page().open(f"{url}/manage?lang=en")
        expect(visitor.get_by_role("button", name="Sign in")).to_be_visible()
        expect(visitor.get_by_role("tab")).to_have_count(0)
        expect(visitor.locator('[data-testid="stDataFrameGlideDataEditor"], [data-testid="stDataFrame"]')).to_have_count(0)
        public = new_page().open(f"{url}/map?lang=en")
        expect(public.locator('[data-testid="stSidebar"]').get_by_text("Manage data")).to_have_count(0)


def test_add_an_initiative_in_a_new_city_see_it_then_undo(tmp_path: Path, new_page) -> None:  # type: ignore[no-untyped-def]
    data = copy_data(tmp_path / "data")
    original = (data / "initiatives.csv").read_bytes()
    with streamlit_server(data, env={"MC2CM_ADMIN_PASSWORD": PASSWORD}) as url:
        before = markers(new_page().open(f"{url}/map?lang=en"))
        page = new_page(height=1400).open(f"{url}/manage?lang=en")
        sign_in(page)
        open_tab(page, "Add a city")
        page.get_by_label("City name (as in the gazetteer, e.g. Nador)").fill("Sousse")
        page.get_by_label("City name (as in the gazetteer, e.g. Nador)").press("Enter")
        expect(page.get_by_text(re.compile(r"Found \d+ match(es)? in the offline gazetteer"))).to_be_visible(timeout=30_000)
        page.get_by_label("Where in the source (source_locator) *").fill("Browser test")
        page.get_by_role("button", name="Add this city").click()
        expect(page.get_by_text("Saved Cities and places: 1 added")).to_be_visible(timeout=30_000)
        assert "sousse,Sousse" in (data / "cities.csv").read_text(encoding="utf-8")

        page.get_by_label("Table").click()
        page.get_by_role("option", name="Initiatives (initiatives.csv)").click()
        wait_idle(page)
        open_tab(page, "Upload a CSV")
        upload = tmp_path / "initiatives-excel.csv"
        upload.write_bytes(new_initiative_csv(data))
        page.locator('input[type="file"]').set_input_files(str(upload))
        expect(page.get_by_text("Preview: 1 added, 0 changed, 0 removed")).to_be_visible(timeout=30_000)
        page.get_by_role("button", name="Replace initiatives.csv with this file").click()
        expect(page.get_by_text("Saved Initiatives: 1 added")).to_be_visible(timeout=30_000)
        screenshot(page, "manage-after-upload-en")

        assert markers(new_page().open(f"{url}/map?lang=en")) == before + 1
        detail = new_page().open(f"{url}/initiatives?lang=en&id=sousse-test-initiative")
        expect(detail.locator("h1").first).to_have_text("Sousse test initiative")

        open_tab(page, "History")
        page.get_by_role("button", name="Restore the version before this save").first.click()
        expect(page.get_by_text("Saved Initiatives: 0 added, 0 changed, 1 removed")).to_be_visible(timeout=30_000)
        assert (data / "initiatives.csv").read_bytes() == original
        gone = new_page().open(f"{url}/initiatives?lang=en&id=sousse-test-initiative")
        expect(gone.get_by_text("There is no initiative with the id")).to_be_visible()
