"""Values as French and Arabic Excel write them: day-first dates, VRAI/FAUX, صحيح/خطأ.

They are read when they can only mean one thing, rewritten to the schema's
canonical form (``2019-06-25``, ``true``), and refused with a plain reason when a
date does not exist or could be two days.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import shutil
from pathlib import Path

import pytest

from mc2cm import csvio, store, validation
from mc2cm.csvio import CellValueError, normalise_boolean, normalise_cell, normalise_date
from mc2cm.loading import load_dataset
from mc2cm.validation import Problem, read_data_dir, validate_dir, validate_files

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"


def errors(problems: list[Problem]) -> list[tuple[str, int | None, str | None, str]]:
    return [(p.file, p.row, p.column, p.code) for p in problems if p.severity == "error"]


# --- the pure functions ------------------------------------------------------------


@pytest.mark.parametrize(("written", "day_first", "iso"), [
    ("2019-06-25", False, "2019-06-25"),
    ("2019/06/25", False, "2019-06-25"),
    ("25/06/2019", False, "2019-06-25"),
    ("25-06-2019", False, "2019-06-25"),
    ("25.06.2019", False, "2019-06-25"),
    ("5/6/2019", True, "2019-06-05"),
    ("03/03/2019", False, "2019-03-03"),   # the same either way
    ("03/04/2019", True, "2019-04-03"),    # a day-first file: 3 April
    ("29/02/2020", False, "2020-02-29"),
    (" 25/06/2019 ", False, "2019-06-25"),
])
def test_dates_that_can_only_mean_one_day_are_read(written: str, day_first: bool, iso: str) -> None:
    assert normalise_date(written, day_first=day_first) == iso


@pytest.mark.parametrize(("written", "code", "says"), [
    ("31/02/2020", "impossible-date", "does not exist: February 2020 has 29 days"),
    ("2020-02-31", "impossible-date", "does not exist: February 2020 has 29 days"),
    ("29/02/2019", "impossible-date", "February 2019 has 28 days"),
    ("31.04.2019", "impossible-date", "April 2019 has 30 days"),
    ("2019-13-01", "impossible-date", "there is no month 13"),
    ("00/06/2019", "impossible-date", "there is no day 0"),
    ("06/25/2019", "impossible-date", "there is no month 25"),     # US month-first: not read
    ("03/04/2019", "ambiguous-date", "3 April or 4 March 2019"),
])
def test_dates_that_do_not_exist_or_could_be_two_days_say_so(written: str, code: str, says: str) -> None:
    with pytest.raises(CellValueError) as raised:
        normalise_date(written)
    assert raised.value.code == code
    assert says in raised.value.message


@pytest.mark.parametrize("written", ["June 2019", "2019", "25/06/19", "n/a"])
def test_other_shapes_are_left_for_the_type_check(written: str) -> None:
    assert normalise_date(written) == written


@pytest.mark.parametrize(("written", "canonical"), [
    ("VRAI", "true"), ("FAUX", "false"), ("vrai", "true"), ("faux", "false"), ("Vrai", "true"),
    ("TRUE", "true"), ("False", "false"), ("oui", "true"), ("Non", "false"), ("yes", "true"), ("0", "false"),
    ("صحيح", "true"), ("خطأ", "false"), (" VRAI ", "true"),
    ("maybe", "maybe"), ("peut-être", "peut-être"), ("", ""),
])
def test_booleans_in_three_languages(written: str, canonical: str) -> None:
    assert normalise_boolean(written) == canonical


def test_normalise_cell_goes_by_the_schema_type() -> None:
    assert normalise_cell("36,72", "number") == "36.72"
    assert normalise_cell("25/06/2019", "date") == "2019-06-25"
    assert normalise_cell("FAUX", "boolean") == "false"
    assert normalise_cell("VRAI", "string") == "VRAI"
    assert normalise_cell("25/06/2019", "string") == "25/06/2019"
    assert normalise_cell("", "date") == ""


# --- a French-locale round trip of the shipped events.csv ------------------------


def as_french_excel(text: str) -> bytes:
    """What French Excel's 'CSV UTF-8' writes: BOM, ';', CRLF, dd/mm/yyyy dates, VRAI/FAUX."""
    def cell(value: str) -> str:
        found = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", value)
        if found:
            return f"{found[3]}/{found[2]}/{found[1]}"
        return {"true": "VRAI", "false": "FAUX"}.get(value, value)

    rows = list(csv.reader(io.StringIO(text)))
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows([rows[0], *([cell(c) for c in r] for r in rows[1:])])
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


@pytest.fixture
def french_events(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    original = (DATA / "events.csv").read_text(encoding="utf-8")
    french = as_french_excel(original)
    assert b"25/06/2019" in french
    assert b"09/07/2018" in french  # a date that only the file's locale makes readable
    assert b"VRAI" in french
    (target / "events.csv").write_bytes(french)
    return target


def test_french_round_trip_of_events_is_valid(french_events: Path) -> None:
    problems = validate_dir(french_events)
    assert errors(problems) == []
    notes = " ".join(p.message for p in problems if p.file == "events.csv")
    assert "day first" in notes
    assert "true/false" in notes


def test_french_round_trip_reads_the_same_rows_as_the_original(french_events: Path) -> None:
    french, _ = validate_files(read_data_dir(french_events))
    shipped, _ = validate_files(read_data_dir(DATA))
    assert french["events"] is not None
    assert shipped["events"] is not None
    assert french["events"].rows == shipped["events"].rows


def test_the_loader_gets_dates_and_booleans_from_a_french_file(french_events: Path) -> None:
    events = load_dataset(french_events).tables["events"]
    assert events.loc["sfax-2019-peer-learning-workshop", "start_date"] == dt.date(2019, 6, 25)
    assert bool(events.loc["sfax-2019-peer-learning-workshop", "chatham_house"]) is True


def test_control_without_normalising_the_french_file_is_refused(
        french_events: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Only decimal commas normalised (the reading before issue 12): the 5 errors of the issue come back."""
    def numbers_only(value: str, field_type: str, *, day_first: bool = False) -> str:
        return csvio.normalise_decimal_comma(value) if field_type in ("number", "integer") else value

    monkeypatch.setattr(validation, "normalise_cell", numbers_only)
    found = [e for e in errors(validate_dir(french_events)) if e[0] == "events.csv"]
    assert sorted(e[2] or "" for e in found) == ["chatham_house", "end_date", "end_date", "start_date", "start_date"]


# --- day first: when a file says so, and when it does not -------------------------

FIXTURE = ROOT / "tests" / "fixtures" / "minimal"


@pytest.fixture
def fixture_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(FIXTURE, target)
    return target


def write_events(folder: Path, start: str, end: str, delimiter: str = ",") -> None:
    path = folder / "events.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    header = rows[0]
    rows[1][header.index("start_date")], rows[1][header.index("end_date")] = start, end
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def test_an_ambiguous_date_in_a_plain_comma_file_is_refused_with_both_readings(fixture_copy: Path) -> None:
    write_events(fixture_copy, "03/04/2019", "")
    problems = validate_dir(fixture_copy)
    assert errors(problems) == [("events.csv", 2, "start_date", "ambiguous-date")]
    message = next(p.message for p in problems if p.code == "ambiguous-date")
    assert "3 April or 4 March 2019" in message
    assert "2019-04-03" in message


def test_a_semicolon_file_is_read_day_first(fixture_copy: Path) -> None:
    write_events(fixture_copy, "03/04/2019", "", delimiter=";")
    tables, problems = validate_files(read_data_dir(fixture_copy))
    assert errors(problems) == []
    assert tables["events"] is not None
    assert tables["events"].rows[0]["start_date"] == "2019-04-03"


def test_a_file_with_an_unmistakable_day_first_date_is_read_day_first(fixture_copy: Path) -> None:
    write_events(fixture_copy, "25/06/2019", "03/07/2019")
    tables, problems = validate_files(read_data_dir(fixture_copy))
    assert errors(problems) == []
    assert tables["events"] is not None
    assert tables["events"].rows[0]["end_date"] == "2019-07-03"


def test_control_without_the_day_first_evidence_the_same_date_is_ambiguous(
        fixture_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_events(fixture_copy, "25/06/2019", "03/07/2019")
    monkeypatch.setattr(validation, "shows_day_first", lambda _values: False)
    assert errors(validate_dir(fixture_copy)) == [("events.csv", 2, "end_date", "ambiguous-date")]


@pytest.mark.parametrize("written", ["31/02/2020", "2020-02-31"])
def test_an_impossible_date_says_it_does_not_exist(fixture_copy: Path, written: str) -> None:
    write_events(fixture_copy, written, "")
    problems = validate_dir(fixture_copy)
    assert errors(problems) == [("events.csv", 2, "start_date", "impossible-date")]
    message = next(p.message for p in problems if p.code == "impossible-date")
    assert "does not exist" in message
    assert "February 2020 has 29 days" in message


def test_arabic_excel_booleans_are_read(fixture_copy: Path) -> None:
    path = fixture_copy / "cities.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("10.7603,true", "10.7603,صحيح").replace("36.1167,true", "36.1167,خطأ"), encoding="utf-8")
    tables, problems = validate_files(read_data_dir(fixture_copy))
    assert errors(problems) == []
    assert tables["cities"] is not None
    assert [r["mediterranean"] for r in tables["cities"].rows] == ["true", "false"]


def test_saving_the_french_file_writes_back_the_canonical_table(french_events: Path) -> None:
    """Import of the French round trip: the stored file is the shipped one again, byte for byte."""
    result = store.save_table(french_events, "events", (french_events / "events.csv").read_bytes(), who="test")
    assert (french_events / "events.csv").read_bytes() == (DATA / "events.csv").read_bytes()
    assert result.diff.is_empty
