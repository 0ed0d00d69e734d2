"""Arabic that a save destroyed is an error naming the cause, before anything is saved.

French Excel's "CSV (séparateur : point-virgule)" writes Windows-1252, which has no
Arabic letters: every one becomes ``?``. UTF-8 opened as Windows-1252 and saved
again turns ``ال`` into ``Ø§Ù„``. Both are caught per row, with the advice to
save as CSV UTF-8.
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from mc2cm import store, validation
from mc2cm.csvio import arabic_loss
from mc2cm.schema import package_spec
from mc2cm.validation import ARABIC_LOST_ADVICE, Problem, lost_arabic_problems, read_table, validate_dir

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
FIXTURE = ROOT / "tests" / "fixtures" / "minimal"


def errors(problems: list[Problem]) -> list[tuple[str, int | None, str | None, str]]:
    return [(p.file, p.row, p.column, p.code) for p in problems if p.severity == "error"]


def as_french_ansi_csv(text: str) -> bytes:
    """What French Excel's 'CSV (séparateur : point-virgule)' writes: cp1252, ';', CRLF; Arabic becomes '?'."""
    rows = list(csv.reader(io.StringIO(text)))
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("cp1252", errors="replace")


@pytest.fixture
def shipped_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def initiative_rows() -> int:
    return len(list(csv.DictReader(io.StringIO((DATA / "initiatives.csv").read_text(encoding="utf-8")))))


def test_an_ansi_saved_table_is_refused_for_lost_arabic(shipped_copy: Path) -> None:
    path = shipped_copy / "initiatives.csv"
    path.write_bytes(as_french_ansi_csv(path.read_text(encoding="utf-8")))
    problems = validate_dir(shipped_copy)
    lost = [p for p in problems if p.code == "lost-arabic-question-marks"]
    assert initiative_rows() >= 30
    assert [(p.file, p.row, p.column) for p in lost] == [
        ("initiatives.csv", row, "name_ar") for row in range(2, initiative_rows() + 2)]
    assert all(p.severity == "error" for p in lost)
    assert f"{ARABIC_LOST_ADVICE}." in lost[0].message
    assert "question marks" in lost[0].message
    assert "name_ar" in lost[0].message
    assert ARABIC_LOST_ADVICE == "this file was saved in a format that cannot hold Arabic; in Excel choose CSV UTF-8"


def test_control_the_genuine_utf8_table_has_no_lost_arabic(shipped_copy: Path) -> None:
    problems = validate_dir(shipped_copy)
    assert [p for p in problems if p.code.startswith("lost-arabic")] == []
    assert errors(problems) == []


def test_control_without_the_check_the_ansi_table_is_called_valid(
        shipped_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The bug as filed: the question marks pass every other check."""
    path = shipped_copy / "initiatives.csv"
    path.write_bytes(as_french_ansi_csv(path.read_text(encoding="utf-8")))
    monkeypatch.setattr(validation, "lost_arabic_problems", lambda *_args: [])
    assert errors(validate_dir(shipped_copy)) == []


def test_an_ansi_upload_is_refused_before_anything_is_saved(shipped_copy: Path) -> None:
    path = shipped_copy / "initiatives.csv"
    before = path.read_bytes()
    with pytest.raises(store.SaveRefused) as refused:
        store.save_table(shipped_copy, "initiatives", as_french_ansi_csv(before.decode("utf-8")), who="test")
    assert any(p.code == "lost-arabic-question-marks" for p in refused.value.problems)
    assert path.read_bytes() == before
    assert store.history(shipped_copy) == []


@pytest.mark.parametrize("misread_as", ["cp1252", "latin-1"])
def test_mojibake_is_refused(shipped_copy: Path, misread_as: str) -> None:
    """UTF-8 opened as a Western encoding, then saved again as UTF-8."""
    path = shipped_copy / "cities.csv"
    garbled = path.read_bytes().decode(misread_as, errors="replace")
    path.write_text(garbled, encoding="utf-8")
    problems = validate_dir(shipped_copy)
    lost = [p for p in problems if p.code == "lost-arabic-mojibake"]
    assert lost
    assert lost[0].row == 2
    assert lost[0].column == "name_ar"
    assert "garbled" in lost[0].message
    assert ARABIC_LOST_ADVICE in lost[0].message


def _table(text: str) -> validation.CheckedTable:
    table, problems = read_table(package_spec().table("cities"), text.encode("utf-8"))
    assert table is not None, problems
    return table


def test_latin_where_the_previous_version_had_arabic() -> None:
    old = (FIXTURE / "cities.csv").read_text(encoding="utf-8")
    new = old.replace("صفاقس", "Sfax")
    assert lost_arabic_problems(_table(new)) == []  # one Latin word alone may be a name
    found = lost_arabic_problems(_table(new), previous=_table(old))
    assert [(p.row, p.column, p.code) for p in found] == [(2, "name_ar", "lost-arabic-latin")]
    assert "previous version" in found[0].message


def test_a_latin_sentence_in_an_arabic_table_and_acronyms_that_stay_allowed() -> None:
    text = (FIXTURE / "cities.csv").read_text(encoding="utf-8")
    sentence = _table(text.replace("صفاقس", "City of Sfax"))
    assert [(p.row, p.code) for p in lost_arabic_problems(sentence)] == [(2, "lost-arabic-latin")]
    acronym = _table(text.replace("صفاقس", "UNHCR MC2CM"))
    assert lost_arabic_problems(acronym) == []


@pytest.mark.parametrize(("text", "cause"), [
    ("بلدية صفاقس", None),
    ("MC2CM", None),
    ("UNHCR (المفوضية)", None),
    ("????? ?????", "question-marks"),
    ("?", "question-marks"),
    ("????? ASTICUDE", "question-marks"),
    ("Ø¨Ù„Ø¯ÙŠØ©", "mojibake"),
    ("What is it?", None),
    ("", None),
])
def test_arabic_loss_names_the_cause(text: str, cause: str | None) -> None:
    assert arabic_loss(text) == cause
