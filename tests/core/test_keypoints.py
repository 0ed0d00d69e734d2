"""Issue 15, part 5: what the data missed is in it, cited, and tied to the rows it belongs to.

Key points (the summary's key concepts, the paper's findings on consultative bodies, the needs
of migrants on the move, the Adana Assembly's details), the paper's guiding questions and the
officials' public remarks. Quotes are checked verbatim by tests/core/test_quotes.py.
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from mc2cm.keypoints import KEY_CONCEPTS, guiding_questions, initiative_points, points_of_kind, remarks_of
from mc2cm.loading import Dataset, load_dataset
from mc2cm.scenes import deck, poll_options, public_url
from mc2cm.validation import validate_dir
from mc2cm.votes import OPEN, SQLiteVoteStore

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
ADANA = "adana-migrants-refugees-assembly-project"
NEW_TABLES = ("key_points", "guiding_questions", "remarks")


@pytest.fixture(scope="module")
def data() -> Dataset:
    return load_dataset(DATA)


def test_the_new_tables_load_without_problems(data: Dataset) -> None:
    assert all(len(data[name]) > 0 for name in NEW_TABLES)
    assert [p for p in data.problems if p.file in {f"{name}.csv" for name in NEW_TABLES}] == []
    assert data.valid


def test_every_row_cites_a_document_with_locators_in_three_languages(data: Dataset) -> None:
    for name in NEW_TABLES:
        frame = data[name]
        for column in ("source_id", "source_locator", "source_locator_fr", "source_locator_ar", "quote_ar",
                       "text_en", "text_fr", "text_ar"):
            assert (frame[column].str.strip() != "").all(), (name, column)
        assert frame["source_id"].isin(data.sources.index).all(), name


def test_the_summarys_key_concepts(data: Dataset) -> None:
    counts = {kind: len(points_of_kind(data, kind)) for kind in KEY_CONCEPTS}
    assert counts == {"csos_contribution": 3, "cooperation_area": 2, "difficulty_source": 5}
    assert {*points_of_kind(data, "difficulty_source")["source_id"]} == {"sfax-2019-summary"}
    assert list(points_of_kind(data, "cooperation_area")["text_en"]) == [
        "Sharing information.", "Contributing to the design of processes and policies."]


def test_consultative_bodies_and_migrants_needs(data: Dataset) -> None:
    findings = points_of_kind(data, "consultative_body_finding")
    assert {*findings["source_id"]} == {"sfax-2019-background-paper"}
    text = " ".join(findings["text_en"])
    assert all(word in text for word in ("representative", "resources", "outside the municipal mandate"))
    needs = " ".join(points_of_kind(data, "migrant_need")["text_en"])
    assert all(word in needs for word in ("shelter", "food", "legal advice", "children and women"))
    # A source filter narrows them (the challenges page passes its own).
    assert points_of_kind(data, "migrant_need", ("sfax-2019-background-paper",)).empty


def test_the_adana_assembly_details_belong_to_the_initiative(data: Dataset) -> None:
    groups = dict(initiative_points(data, ADANA))
    assert list(groups) == ["purpose", "membership", "equality_provision", "expected_result", "planned_team"]
    assert len(groups["expected_result"]) == 4
    assert list(groups["expected_result"]["position"]) == [1, 2, 3, 4]
    assert "Gender equality" in groups["equality_provision"].iloc[0]["text_en"]
    assert initiative_points(data, "brital-syrian-displacement-response") == []
    # Points that detail an initiative are not shown as general points, and vice versa.
    assert not points_of_kind(data, "expected_result").shape[0]


def test_the_four_guiding_questions_as_a_poll_and_scenes(data: Dataset) -> None:
    questions = guiding_questions(data)
    assert len(questions) == 4
    options = poll_options(data, "guiding_questions", "fr")
    assert [value for value, _ in options] == list(questions.index)
    assert options[2][1].startswith("D'après votre expérience")
    scenes = {s.id: s for s in deck(data)}
    assert scenes["guiding-questions"].view == "guiding_questions"
    assert scenes["guiding-question-vote"].poll_id == "first-guiding-question"
    assert public_url(scenes["guiding-question-vote"], "http://10.0.0.2:8501") == \
        "http://10.0.0.2:8501/ballot?poll=first-guiding-question"
    assert public_url(scenes["guiding-questions"], "http://10.0.0.2:8501") == "http://10.0.0.2:8501/"


def test_the_officials_public_remarks(data: Dataset) -> None:
    remarks = data["remarks"]
    assert remarks["official_id"].isin(data["officials"].index).all()
    sessions = set(data["officials"].loc[list(remarks["official_id"]), "session"])
    assert sessions <= {"opening", "concepts", "closing"}  # public remarks; chairs' discussions are not attributed
    opening = " ".join(remarks_of(data, "mohamed-aidi-opening")["text_en"])
    assert "2011" in opening
    assert "Libyan" in opening
    assert "formal coordination mechanisms" in " ".join(remarks_of(data, "lamine-abbad-closing")["text_en"])
    assert remarks_of(data, "lina-gast-session-chair").empty


# --- controls: a broken reference is caught by the checker --------------------------


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder, ignore=shutil.ignore_patterns(".history", ".lock"))
    return folder


def _set(folder: Path, file: str, row_id: str, column: str, value: str) -> None:
    path = folder / file
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    header = rows[0]
    hit = [row for row in rows[1:] if row[0] == row_id]
    assert hit, row_id
    hit[0][header.index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


@pytest.mark.parametrize(("file", "row_id", "column", "value"), [
    ("key_points.csv", "adana-result-reduce-risks", "initiative_id", "adana-nowhere"),
    ("remarks.csv", "abbad-closing-formal-coordination", "official_id", "someone-else"),
    ("key_points.csv", "adana-assembly-purpose", "kind", "gossip"),
    ("polls.csv", "first-guiding-question", "options", "questions"),
])
def test_control_a_broken_reference_or_code_is_an_error(tmp_path: Path, file: str, row_id: str, column: str,
                                                         value: str) -> None:
    folder = _copy(tmp_path)
    assert [p for p in validate_dir(folder) if p.severity == "error"] == []
    _set(folder, file, row_id, column, value)
    errors = [(p.file, p.column) for p in validate_dir(folder) if p.severity == "error"]
    assert (file, column) in errors


def test_a_detail_point_must_name_its_initiative(tmp_path: Path) -> None:
    """An expected result without its initiative would show on no page: the checker refuses it."""
    from mc2cm.problem_text import problem_message  # noqa: PLC0415

    folder = _copy(tmp_path)
    _set(folder, "key_points.csv", "difficulty-policy-inconsistencies", "initiative_id", "")  # control: a concept
    assert [p for p in validate_dir(folder) if p.severity == "error"] == []
    _set(folder, "key_points.csv", "adana-result-reduce-risks", "initiative_id", "")
    [problem] = [p for p in validate_dir(folder) if p.severity == "error"]
    assert (problem.file, problem.column, problem.code) == ("key_points.csv", "initiative_id", "required-when")
    assert problem_message(problem, "fr").startswith("initiative_id est obligatoire lorsque kind vaut « expected_result »")


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_the_light_ballot_offers_the_guiding_questions(lang: str, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch, data: Dataset) -> None:
    import html  # noqa: PLC0415

    from tests.core.test_ballot_door import get  # noqa: PLC0415

    monkeypatch.setenv("MC2CM_DATA_DIR", str(DATA))
    monkeypatch.setenv("MC2CM_VOTES_DB", str(tmp_path / "votes.sqlite3"))
    monkeypatch.setenv("MC2CM_SECRET", "in-process-secret-0123456789abcdef")
    SQLiteVoteStore(tmp_path / "votes.sqlite3").set_status("first-guiding-question", OPEN)
    response = get(f"poll=first-guiding-question&lang={lang}")
    body = html.unescape(bytes(response.body).decode())
    assert response.status_code == 200
    assert all(question in body for question in guiding_questions(data)[f"text_{lang}"])
    assert "guiding_questions" not in body
