"""The validator: each kind of bad input gives the expected, plain message."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mc2cm.loading import load_dataset
from mc2cm.validation import Problem, validate_dir

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "minimal"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(FIXTURE, target)
    return target


def errors(problems: list[Problem]) -> list[tuple[str, int | None, str | None, str]]:
    return [(p.file, p.row, p.column, p.code) for p in problems if p.severity == "error"]


def rewrite(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_fixture_is_valid(data: Path) -> None:
    assert list(data.glob("*.csv")), "fixture has no CSV files"
    assert errors(validate_dir(data)) == []


# --- what Excel really produces is accepted -------------------------------------


def test_excel_utf8_bom_crlf_semicolon_decimal_comma_is_accepted(data: Path) -> None:
    path = data / "cities.csv"
    text = path.read_text(encoding="utf-8")
    lines = []
    for line in text.splitlines():
        cells = line.split(",")
        cells = [c.replace(".", ",") if c[:1].isdigit() else c for c in cells]
        lines.append(";".join(cells))
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(lines).encode("utf-8") + b"\r\n")
    problems = validate_dir(data)
    assert errors(problems) == []
    notes = " ".join(p.message for p in problems if p.severity == "info")
    assert "BOM" in notes
    assert "';' separators" in notes
    assert "CRLF" in notes


def test_cp1256_arabic_is_detected_not_garbled(data: Path) -> None:
    path = data / "cities.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1256"))
    problems = validate_dir(data)
    assert errors(problems) == []
    assert any("cp1256" in p.message for p in problems)


def test_cp1256_text_reads_back_as_arabic(data: Path) -> None:
    path = data / "cities.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1256"))
    cities = load_dataset(data).cities
    assert cities.loc["sfax", "name_ar"] == "صفاقس"


# --- what is refused, and how it is said ---------------------------------------


def test_missing_file(data: Path) -> None:
    (data / "challenges.csv").unlink()
    problems = validate_dir(data)
    assert ("challenges.csv", None, None, "missing-file") in errors(problems)


def test_empty_file(data: Path) -> None:
    (data / "sources.csv").write_bytes(b"")
    problems = validate_dir(data)
    assert ("sources.csv", None, None, "empty") in errors(problems)
    assert "empty" in next(p.message for p in problems if p.code == "empty")


def test_binary_bytes_are_not_csv(data: Path) -> None:
    (data / "cities.csv").write_bytes(b"PK\x03\x04\x00\x00\x08\x00\xff\xfe\x00binary")
    assert ("cities.csv", None, None, "not-csv") in errors(validate_dir(data))


def test_unclosed_quote(data: Path) -> None:
    rewrite(data / "cities.csv", "brital,Brital", 'brital,"Brital')
    found = errors(validate_dir(data))
    assert [e for e in found if e[0] == "cities.csv"] == [("cities.csv", 3, None, "malformed")]


def test_rows_are_counted_as_excel_counts_them(data: Path) -> None:
    rewrite(data / "cities.csv", "sfax,Sfax,Sfax", 'sfax,"Sfax\nwith a line break",Sfax')
    rewrite(data / "cities.csv", "brital,Brital,Brital,بريثال,,LB", "brital,Brital,Brital,بريثال,,ZZ")
    assert ("cities.csv", 3, "country_code", "unknown-country") in errors(validate_dir(data))


def test_ragged_row(data: Path) -> None:
    rewrite(data / "cities.csv", "brital,Brital,Brital", "brital,Brital")
    assert ("cities.csv", 3, None, "missing-cells") in errors(validate_dir(data))


def test_blank_id(data: Path) -> None:
    rewrite(data / "challenges.csv", "lack-of-data,1", ",1")
    problems = validate_dir(data)
    assert ("challenges.csv", 2, "id", "constraint-error") in errors(problems)
    assert any("id is blank" in p.message for p in problems)


def test_duplicate_id(data: Path) -> None:
    rewrite(data / "cities.csv", "brital,Brital", "sfax,Brital")
    problems = validate_dir(data)
    assert ("cities.csv", 3, None, "primary-key") in errors(problems)
    assert any("used twice (first in row 2)" in p.message for p in problems)


def test_dangling_reference(data: Path) -> None:
    rewrite(data / "initiatives.csv", "brital-response,Brital response,Réponse de Brital,مبادرة بريثال,brital",
            "brital-response,Brital response,Réponse de Brital,مبادرة بريثال,baalbek")
    problems = validate_dir(data)
    assert ("initiatives.csv", 2, "city_ids", "unknown-list-item") in errors(problems)
    assert any("'baalbek' is not an id in cities.csv" in p.message for p in problems)


def test_unknown_list_item_and_area(data: Path) -> None:
    rewrite(data / "initiatives.csv", "emergency_aid,document,service-provision",
            "emergency_aid|housing,document,service-provision|watchdog")
    found = errors(validate_dir(data))
    assert ("initiatives.csv", 2, "areas", "unknown-list-item") in found
    assert ("initiatives.csv", 2, "cso_roles", "unknown-list-item") in found


def test_out_of_range_coordinates(data: Path) -> None:
    rewrite(data / "cities.csv", "34.7406,10.7603", "134.7406,10.7603")
    problems = validate_dir(data)
    assert ("cities.csv", 2, "latitude", "constraint-error") in errors(problems)
    assert any("between -90 and 90" in p.message for p in problems)


def test_coordinates_outside_country_and_swapped(data: Path) -> None:
    rewrite(data / "cities.csv", "34.7406,10.7603", "10.7603,34.7406")
    problems = validate_dir(data)
    assert ("cities.csv", 2, "latitude", "outside-country") in errors(problems)
    assert any("swapped" in p.message for p in problems)


def test_coordinates_in_another_country(data: Path) -> None:
    rewrite(data / "cities.csv", "TN,34.7406,10.7603", "TN,36.7213,-4.4214")
    problems = validate_dir(data)
    assert ("cities.csv", 2, "latitude", "outside-country") in errors(problems)
    assert any("That point is in ES" in p.message for p in problems)


def test_empty_required_translation(data: Path) -> None:
    rewrite(data / "challenges.csv", "Manque de données,نقص البيانات", "   ,نقص البيانات")
    problems = validate_dir(data)
    assert ("challenges.csv", 2, "title_fr", "constraint-error") in errors(problems)
    assert any("French text is required" in p.message for p in problems)


def test_wrong_type_and_date(data: Path) -> None:
    rewrite(data / "events.csv", "2019-06-25,2019-06-26", "June 2019,2019-06-26")
    problems = validate_dir(data)
    assert ("events.csv", 2, "start_date", "type-error") in errors(problems)
    assert any("YEAR-MONTH-DAY" in p.message for p in problems)


def test_unknown_and_missing_column(data: Path) -> None:
    """A misspelt column: the missing one is an error, the unknown one a warning."""
    rewrite(data / "cities.csv", "latitude,longitude", "lat,longitude")
    problems = validate_dir(data)
    assert ("cities.csv", 1, "latitude", "missing-column") in errors(problems)
    assert ("cities.csv", 1, "lat", "unknown-column") in warnings(problems)


def test_scope_city_needs_city(data: Path) -> None:
    rewrite(data / "initiatives.csv", "مبادرة بريثال,brital,city", "مبادرة بريثال,,city")
    assert ("initiatives.csv", 2, "city_ids", "scope-needs-city") in errors(validate_dir(data))


# --- the command line -----------------------------------------------------------


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mc2cm", *args], capture_output=True, text=True,
                          cwd=ROOT, check=False, timeout=120)


def test_cli_valid_exit_zero(data: Path) -> None:
    result = run_cli("validate", str(data))
    assert result.returncode == 0, result.stdout
    assert "valid" in result.stdout


def test_cli_invalid_exit_one_no_traceback_no_change(data: Path) -> None:
    (data / "cities.csv").write_bytes(b"\x00\x01\x02garbage")
    (data / "challenges.csv").write_text('id,position\n"unclosed,1\n', encoding="utf-8")
    before = {p.name: p.read_bytes() for p in data.glob("*.csv")}
    result = run_cli("validate", str(data))
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert "cities.csv" in result.stdout
    assert "NOT valid" in result.stdout
    assert {p.name: p.read_bytes() for p in data.glob("*.csv")} == before


def test_cli_missing_folder() -> None:
    result = run_cli("validate", "/nonexistent/folder")
    assert result.returncode == 1
    assert "not a folder" in result.stdout
    assert "Traceback" not in result.stderr


# --- what a cell holds that people cannot see -----------------------------------

BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]


def warnings(problems: list[Problem]) -> list[tuple[str, int | None, str | None, str]]:
    return [(p.file, p.row, p.column, p.code) for p in problems if p.severity == "warning"]


@pytest.mark.parametrize("control", BIDI, ids=lambda c: f"U+{ord(c):04X}")
def test_direction_controls_are_refused_with_file_row_and_column(data: Path, control: str) -> None:
    rewrite(data / "cities.csv", "brital,Brital,Brital", f"brital,{control}livE\u202c Brital,Brital")
    problems = validate_dir(data)
    assert ("cities.csv", 3, "name_en", "bidi-control") in errors(problems)
    problem = next(p for p in problems if p.code == "bidi-control")
    assert str(problem).startswith("ERROR: cities.csv, row 3, column name_en: ")
    assert f"U+{ord(control):04X}" in problem.message


def test_direction_controls_are_reported_in_excel_rows(data: Path) -> None:
    """A line break inside a cell does not shift the row: Excel counts records, not lines."""
    rewrite(data / "cities.csv", "sfax,Sfax,Sfax", 'sfax,"Sfax\nwith a line break",Sfax')
    rewrite(data / "cities.csv", "Brital,Brital,", "Brital,Bri\u202etal,")
    rewrite(data / "initiatives.csv", "Emergency response.", "Emergency \u2067response\u2069.")
    problems = validate_dir(data)
    assert [e for e in errors(problems) if e[3] == "bidi-control"] == [
        ("cities.csv", 3, "name_fr", "bidi-control"), ("initiatives.csv", 2, "summary_en", "bidi-control")]
    assert "(U+2067, U+2069)" in next(p.message for p in problems if p.file == "initiatives.csv")


def test_control_arabic_and_its_direction_marks_pass(data: Path) -> None:
    """The clean value passes: Arabic text, and the marks U+200E, U+200F and U+061C, are not controls."""
    rewrite(data / "cities.csv", "بريثال", "بريثال \u200fلبنان\u200e \u061c(2019)")
    problems = validate_dir(data)
    assert [p for p in problems if p.code == "bidi-control"] == []
    assert errors(problems) == []


@pytest.mark.parametrize(("cell", "shown"), [("=HYPERLINK(\"\"http://evil\"\")", "'='"), ("+33 1 23", "'+'"),
                                              ("-2+3", "'-'"), ("@SUM(A1)", "'@'"), ("\tSfax", "a tab"),
                                              ("\r=1+1", "a carriage return"), ("  =1+1", "'='")])
def test_formula_starts_in_text_cells_are_warned(data: Path, cell: str, shown: str) -> None:
    rewrite(data / "cities.csv", "TN,34.7406,10.7603,true,sfax-2019-summary,Context,,,,",
            f'TN,34.7406,10.7603,true,sfax-2019-summary,Context,,,,"{cell}"')
    problems = validate_dir(data)
    assert warnings(problems) == [("cities.csv", 2, "curator_note", "formula-like")]
    assert errors(problems) == []
    assert shown in next(p.message for p in problems if p.code == "formula-like")


def test_control_numbers_dates_and_plain_text_are_not_formulas(data: Path) -> None:
    rewrite(data / "cities.csv", "34.1167,36.1167", "-34.1167,-36.1167")  # negative coordinates are numbers
    rewrite(data / "cities.csv", "sfax-2019-summary,Annex,,,,", "sfax-2019-summary,Annex,,,,Sfax = Safaqis - 2019 @MC2CM")
    problems = validate_dir(data)
    assert [p for p in problems if p.code == "formula-like"] == []


def test_the_shipped_data_has_no_hidden_controls_or_formulas() -> None:
    problems = validate_dir(ROOT / "data")
    assert list((ROOT / "data").glob("*.csv"))
    assert [str(p) for p in problems if p.code in ("bidi-control", "formula-like")] == []
