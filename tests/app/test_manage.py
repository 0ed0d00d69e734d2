"""The staff page: sign-in, editing through the grid, conflicts, references."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from mc2cm.store import history, save_table

ROOT = Path(__file__).resolve().parents[2]
MINIMAL = ROOT / "tests" / "fixtures" / "minimal"
PASSWORD = "correct horse battery staple"


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    target = tmp_path / "data"
    shutil.copytree(MINIMAL, target)
    monkeypatch.setenv("MC2CM_DATA_DIR", str(target))
    monkeypatch.setenv("MC2CM_ADMIN_PASSWORD", PASSWORD)
    return target


def open_manage() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params["lang"] = "en"
    at.switch_page("pages/manage.py")
    return at.run()


def sign_in(at: AppTest, password: str = PASSWORD, name: str = "Amina") -> AppTest:
    at.text_input(key="auth_name").set_value(name)
    at.text_input(key="auth_password").set_value(password)
    return at.button[0].click().run()


def signed_in(at: AppTest) -> bool:
    return any("Signed in as" in c.value for c in at.caption)


def test_no_password_configured_keeps_editing_off(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MC2CM_ADMIN_PASSWORD")
    at = open_manage()
    assert not at.exception
    assert any("MC2CM_ADMIN_PASSWORD" in w.value for w in at.warning)
    assert len(at.text_input) == 0  # no sign-in form, no editor
    assert not at.tabs


def test_wrong_password_is_refused_then_the_right_one_accepted(data: Path) -> None:
    at = open_manage()
    assert not at.tabs
    assert "Manage data" not in [link.label for link in at.sidebar.get("page_link")]
    sign_in(at, password="wrong password")
    assert any("Wrong password" in e.value for e in at.error)
    assert not signed_in(at)
    assert not at.tabs
    sign_in(at)
    assert signed_in(at)
    assert [tab.label for tab in at.tabs] == ["Edit", "Upload a CSV", "Add a city", "History"]
    assert "Manage data" in [link.label for link in at.sidebar.get("page_link")]


def test_an_edit_through_the_editor_state_is_saved(data: Path) -> None:
    at = sign_in(open_manage())
    at.selectbox(key="m_table").set_value("cities").run()
    at.session_state["m_editor_cities"] = {"edited_rows": {0: {"name_en": "Sfax (city)"}},
                                           "added_rows": [], "deleted_rows": []}
    at.run()
    assert any("1 changed" in c.value for c in at.caption)
    at.button(key="save_cities").click().run()
    assert not at.exception
    assert any("Saved Cities and places" in s.value for s in at.success)  # the table's title
    assert "sfax,Sfax (city),Sfax" in (data / "cities.csv").read_text(encoding="utf-8")
    [entry] = history(data)
    assert (entry.who, entry.changed) == ("Amina", 1)


def test_a_conflicting_save_is_refused(data: Path) -> None:
    at = sign_in(open_manage())
    at.selectbox(key="m_table").set_value("cities").run()
    # Someone else saves the same table after this editor opened it.
    text = (data / "cities.csv").read_text(encoding="utf-8").replace("Brital,Brital", "Brital,Brital (LB)")
    save_table(data, "cities", text.encode("utf-8"), who="Other")
    at.session_state["m_editor_cities"] = {"edited_rows": {0: {"name_en": "Sfax (city)"}},
                                           "added_rows": [], "deleted_rows": []}
    at.run()
    at.button(key="save_cities").click().run()
    assert any("changed by someone else" in e.value for e in at.error)
    saved = (data / "cities.csv").read_text(encoding="utf-8")
    assert "Brital (LB)" in saved
    assert "Sfax (city)" not in saved


def test_deleting_a_referenced_city_is_refused(data: Path) -> None:
    at = sign_in(open_manage())
    at.selectbox(key="m_table").set_value("cities").run()
    before = (data / "cities.csv").read_bytes()
    at.session_state["m_editor_cities"] = {"edited_rows": {}, "added_rows": [], "deleted_rows": [1]}
    at.run()
    at.button(key="save_cities").click().run()
    assert any("still used" in e.value for e in at.error)
    problems = at.dataframe[-1].value
    assert "brital-response" in " ".join(problems["problem"])
    assert (data / "cities.csv").read_bytes() == before


def test_saved_change_shows_on_other_pages_without_restart(data: Path) -> None:
    at = sign_in(open_manage())
    at.selectbox(key="m_table").set_value("initiatives").run()
    at.session_state["m_editor_initiatives"] = {"edited_rows": {0: {"name_en": "Brital response, renamed"}},
                                                "added_rows": [], "deleted_rows": []}
    at.run()
    at.button(key="save_initiatives").click().run()
    assert not at.exception
    at.switch_page("pages/initiatives.py").run()
    assert any("Brital response, renamed" in h.value for h in at.get("html")) or any(
        "Brital response, renamed" in str(el.value) for el in at.markdown)
