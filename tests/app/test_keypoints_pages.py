"""Issue 15, part 5 in the app: key concepts, remarks, guiding questions, consultative bodies,
migrants' needs and the Adana details show where a reader expects them, in three languages,
each with its citation, and never as a raw code."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from mc2cm.assets import FRONT_DOOR_ENV
from mc2cm.bidi import strip_isolates
from mc2cm.i18n import LANGS, label
from mc2cm.loading import load_dataset
from tests.app.support import open_page
from tests.app.test_manage import PASSWORD, open_manage, sign_in
from tests.app.test_no_raw_separators import visible_strings

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
DATASET = load_dataset(DATA)
CODES = DATASET.spec.vocabulary("key_point").codes


@pytest.fixture(autouse=True)
def shipped_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MC2CM_DATA_DIR", str(DATA))
    monkeypatch.setenv("MC2CM_VOTES_DB", str(tmp_path / "votes.sqlite3"))


def page_text(at: AppTest) -> str:
    assert not at.exception, [e.value for e in at.exception]
    return "\n".join(strip_isolates(html.unescape(s)) for s in visible_strings(at))


def raw_codes(shown: str) -> list[str]:
    """Codes of the key-point vocabulary (and of the new poll source) written as such on a page."""
    return [code for code in (*CODES, "guiding_questions") if re.search(rf"(?<![\w-]){code}(?![\w-])", shown)]


def texts(table: str, lang: str, **where: str) -> list[str]:
    frame = DATASET[table]
    for column, value in where.items():
        frame = frame[frame[column] == value]
    assert not frame.empty
    return list(frame[f"text_{lang}"])


def citation_lines(shown: str, source_title: str) -> int:
    return shown.count(source_title)


@pytest.mark.parametrize("lang", LANGS)
def test_the_overview_shows_key_concepts_guiding_questions_and_remarks(lang: str) -> None:
    shown = page_text(open_page("app.py", {"lang": lang}))
    for kind in ("csos_contribution", "cooperation_area", "difficulty_source"):
        assert label("key_point", kind, lang) in shown
        assert all(t in shown for t in texts("key_points", lang, kind=kind))
    assert all(t in shown for t in texts("guiding_questions", lang))
    assert all(t in shown for t in texts("remarks", lang))
    summary = str(DATASET.sources.loc["sfax-2019-summary", f"title_{lang}"])
    assert citation_lines(shown, summary) >= 10 + 12  # a citation under each key concept and each remark
    assert raw_codes(shown) == []


@pytest.mark.parametrize("lang", LANGS)
def test_the_challenges_page_shows_consultative_bodies_and_migrants_needs(lang: str) -> None:
    shown = page_text(open_page("pages/challenges.py", {"lang": lang}))
    for kind in ("consultative_body_finding", "migrant_need"):
        assert label("key_point", kind, lang) in shown
        assert all(t in shown for t in texts("key_points", lang, kind=kind))
    assert raw_codes(shown) == []


def test_the_challenges_page_source_filter_applies_to_the_points() -> None:
    shown = page_text(open_page("pages/challenges.py", {"lang": "en", "source": "sfax-2019-summary"}))
    assert label("key_point", "migrant_need", "en") in shown
    assert label("key_point", "consultative_body_finding", "en") not in shown  # from the background paper


@pytest.mark.parametrize("lang", LANGS)
def test_the_adana_page_shows_the_assemblys_details(lang: str) -> None:
    shown = page_text(open_page("pages/initiatives.py", {"lang": lang,
                                                         "id": "adana-migrants-refugees-assembly-project"}))
    for kind in ("purpose", "membership", "equality_provision", "expected_result", "planned_team"):
        assert label("key_point", kind, lang) in shown
    assert all(t in shown for t in texts("key_points", lang, initiative_id="adana-migrants-refugees-assembly-project"))
    assert raw_codes(shown) == []


@pytest.mark.parametrize("lang", LANGS)
def test_present_shows_the_guiding_questions(lang: str) -> None:
    shown = page_text(open_page("pages/present.py", {"lang": lang, "scene": "guiding-questions"}))
    assert all(t in shown for t in texts("guiding_questions", lang))
    assert raw_codes(shown) == []


def test_control_a_page_without_the_points_fails_the_check() -> None:
    """The detail page of another initiative has none of Adana's details, and a raw code is caught."""
    shown = page_text(open_page("pages/initiatives.py", {"lang": "en", "id": "brital-syrian-displacement-response"}))
    assert not any(t in shown for t in texts("key_points", "en", kind="expected_result"))
    assert raw_codes(shown) == []
    assert raw_codes(shown + "\nexpected_result") == ["expected_result"]


# --- staff edit the new tables on /manage like the others ---------------------------


def test_staff_edit_a_remark_on_the_manage_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "data"
    shutil.copytree(ROOT / "tests" / "fixtures" / "minimal", target)
    monkeypatch.setenv("MC2CM_DATA_DIR", str(target))
    monkeypatch.setenv("MC2CM_ADMIN_PASSWORD", PASSWORD)
    at = sign_in(open_manage())
    for table in ("key_points", "guiding_questions", "remarks"):
        at.selectbox(key="m_table").set_value(table).run()
        assert not at.exception, table
    at.session_state["m_editor_remarks"] = {"edited_rows": {0: {"text_en": "Stressed Sfax's role (edited)."}},
                                            "added_rows": [], "deleted_rows": []}
    at.run()
    at.button(key="save_remarks").click().run()
    assert not at.exception
    assert "Stressed Sfax's role (edited)." in (target / "remarks.csv").read_text(encoding="utf-8")


@pytest.mark.parametrize(("page", "params", "wanted"), [
    ("app.py", {"lang": "fr"}, ("at=key_points%3Acsos-contribute-rights-awareness", "at=guiding_questions%3A",
                                "at=remarks%3Aaidi-opening-sfax-hosting-2011")),
    ("pages/challenges.py", {"lang": "ar"}, ("at=key_points%3Aconsultative-bodies-lack-resources",
                                             "at=key_points%3Amigrants-on-the-move-needs")),
    ("pages/initiatives.py", {"lang": "en", "id": "adana-migrants-refugees-assembly-project"},
     ("at=key_points%3Aadana-result-joint-decision-making",)),
])
def test_each_point_links_to_its_passage_behind_the_front_door(monkeypatch: pytest.MonkeyPatch, page: str,
                                                              params: dict[str, str], wanted: tuple[str, ...]) -> None:
    monkeypatch.setenv(FRONT_DOOR_ENV, "1")
    at = open_page(page, params)
    assert not at.exception
    captions = "\n".join(str(c.value) for c in at.caption)
    assert all(link in captions for link in wanted)
    monkeypatch.delenv(FRONT_DOOR_ENV)  # control: a plain `streamlit run` shows no dead link
    assert "/sources?" not in "\n".join(str(c.value) for c in open_page(page, params).caption)
