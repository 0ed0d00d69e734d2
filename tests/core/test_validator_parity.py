"""Our validator never calls valid what the reference tool (frictionless) calls invalid.

Each breakage below is one broken copy of the minimal fixture, one kind of fault
per copy. For every one, ``mc2cm.validation`` gives the expected error and the
``frictionless`` library, reading the same files with ``data/datapackage.json``,
says invalid. ``ONLY_OURS`` lists what the schema cannot say (so the reference
accepts it) and only our rules refuse. Controls show the parity guard is what
makes these tests pass: remove it and a broken list slips through again.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from frictionless import Package

from mc2cm import validation
from mc2cm.schema import package_spec
from mc2cm.validation import Problem, validate_dir

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "minimal"
DESCRIPTOR = ROOT / "data" / "datapackage.json"
DELETE = b"<delete the file>"

Located = tuple[str, int | None, str | None, str]


@dataclass(frozen=True)
class Breakage:
    """One broken copy of the fixture: text edits of one file (or its new bytes) and our expected error."""

    name: str
    file: str
    edits: tuple[tuple[str, str], ...]
    expected: Located
    data: bytes | None = None

    def apply(self, folder: Path) -> None:
        path = folder / self.file
        if self.data == DELETE:
            path.unlink()
            return
        if self.data is not None:
            path.write_bytes(self.data)
            return
        text = path.read_text(encoding="utf-8")
        for old, new in self.edits:
            assert old in text, f"{old!r} not in {self.file}"
            text = text.replace(old, new)
        path.write_text(text, encoding="utf-8")


def broken(name: str, file: str, old: str, new: str, expected: Located) -> Breakage:
    return Breakage(name, file, ((old, new),), expected)


BOTH_REFUSE = [
    # list columns: each item is checked, and the whole cell too
    broken("list item against its pattern", "initiatives.csv", "multi_country,,Europe", "multi_country,lb;Tunisia,Europe",
           ("initiatives.csv", 3, "country_codes", "list-item-pattern")),
    broken("list item in lower case", "initiatives.csv", "multi_country,,Europe", "multi_country,TN|lb,Europe",
           ("initiatives.csv", 3, "country_codes", "list-item-pattern")),
    broken("list with an empty item", "initiatives.csv", "multi_country,,Europe", "multi_country,TN|LB|,Europe",
           ("initiatives.csv", 3, "country_codes", "constraint-error")),
    broken("list with spaces around |", "initiatives.csv", "access_to_services|intercultural_dialogue",
           "access_to_services | intercultural_dialogue", ("initiatives.csv", 3, "areas", "constraint-error")),
    broken("list item outside its vocabulary", "initiatives.csv", "emergency_aid,document", "emergency_aid|housing,document",
           ("initiatives.csv", 2, "areas", "unknown-list-item")),
    broken("list written with ;", "initiatives.csv", "access_to_services|intercultural_dialogue",
           "access_to_services;intercultural_dialogue", ("initiatives.csv", 3, "areas", "list-separator")),
    # one value per cell
    broken("value outside its vocabulary", "initiatives.csv", "brital,city,", "brital,town,",
           ("initiatives.csv", 2, "scope", "constraint-error")),
    broken("code against its pattern", "cities.csv", "TN,34.7406", "Tn,34.7406",
           ("cities.csv", 2, "country_code", "constraint-error")),
    broken("id against its pattern", "frameworks.csv", "new-urban-agenda,", "New_Urban_Agenda,",
           ("frameworks.csv", 2, "id", "constraint-error")),
    broken("unknown foreign key", "events.csv", "ورشة,sfax,2019", "ورشة,baalbek,2019",
           ("events.csv", 2, "city_id", "dangling-reference")),
    broken("duplicate id", "cities.csv", "brital,Brital,Brital", "sfax,Brital,Brital", ("cities.csv", 3, None, "primary-key")),
    broken("blank id", "challenges.csv", "lack-of-data,1", ",1", ("challenges.csv", 2, "id", "constraint-error")),
    broken("missing required value", "challenges.csv", "Lack of data,Manque de données", "Lack of data,",
           ("challenges.csv", 2, "title_fr", "constraint-error")),
    broken("date that does not exist", "events.csv", "2019-06-25,2019-06-26", "2019-06-31,2019-06-26",
           ("events.csv", 2, "start_date", "impossible-date")),
    broken("date in no known form", "events.csv", "2019-06-25,2019-06-26", "June 2019,2019-06-26",
           ("events.csv", 2, "start_date", "type-error")),
    broken("number in no known form", "cities.csv", "34.7406,10.7603", "34.74.06,10.7603",
           ("cities.csv", 2, "latitude", "type-error")),
    broken("number out of range", "cities.csv", "34.7406,10.7603", "134.7406,10.7603",
           ("cities.csv", 2, "latitude", "constraint-error")),
    broken("whole number with a fraction", "frameworks.csv", "الجديدة,2016,", "الجديدة,2016.5,",
           ("frameworks.csv", 2, "year", "type-error")),
    broken("boolean in no known form", "cities.csv", "10.7603,true", "10.7603,maybe",
           ("cities.csv", 2, "mediterranean", "type-error")),
    # the file itself
    Breakage("missing column", "cities.csv", ((",quote_ar,curator_note\n", ",quote_ar\n"),
                                              ("Context,,,,\n", "Context,,,\n"), ("Annex,,,,\n", "Annex,,,\n")),
             ("cities.csv", 1, "curator_note", "missing-column")),
    broken("duplicate column", "cities.csv", "name_en,name_fr", "name_en,name_en",
           ("cities.csv", 1, "name_en", "duplicate-column")),
    broken("row with an extra value", "cities.csv", "Annex,,,,\n", "Annex,,,,,extra\n", ("cities.csv", 3, None, "extra-cells")),
    broken("unclosed quote", "cities.csv", "brital,Brital", 'brital,"Brital', ("cities.csv", 3, None, "malformed")),
    Breakage("empty file", "sources.csv", (), ("sources.csv", None, None, "empty"), data=b""),
    Breakage("missing file", "sources.csv", (), ("sources.csv", None, None, "missing-file"), data=DELETE),
]

ONLY_OURS = [
    # mc2cm:items references are ours: the pattern [a-z0-9-]+ accepts any id-shaped word
    broken("list item that is no id", "initiatives.csv", "document,service-provision", "document,service-provision|watchdog",
           ("initiatives.csv", 2, "cso_roles", "unknown-list-item")),
    # we strip cells; frictionless takes three spaces as a value
    broken("required value of spaces", "challenges.csv", "Lack of data,Manque de données", "Lack of data,   ",
           ("challenges.csv", 2, "title_fr", "constraint-error")),
    broken("city scope without a city", "initiatives.csv", "مبادرة بريثال,brital,city", "مبادرة بريثال,,city",
           ("initiatives.csv", 2, "city_ids", "scope-needs-city")),
    # a list of cities: each item must be a city (a Table Schema foreign key cannot say this of a list)
    broken("list item that is no city", "initiatives.csv", "مبادرة بريثال,brital,city", "مبادرة بريثال,brital|baalbek,city",
           ("initiatives.csv", 2, "city_ids", "unknown-list-item")),
    broken("coordinates in another country", "cities.csv", "TN,34.7406,10.7603", "TN,36.7213,-4.4214",
           ("cities.csv", 2, "latitude", "outside-country")),
    broken("direction control", "cities.csv", "brital,Brital,Brital", "brital,\u202eBrital,Brital",
           ("cities.csv", 3, "name_en", "bidi-control")),
    broken("Arabic lost to question marks", "cities.csv", "صفاقس", "?????",
           ("cities.csv", 2, "name_ar", "lost-arabic-question-marks")),
    broken("scene filter value", "scenes.csv", "area=emergency_aid", "area=housing",
           ("scenes.csv", 3, "filters", "unknown-filter-value")),
    # the documents are not tables: their checksums are ours (tests/core/test_documents.py)
    broken("checksum that does not match its document", "sources.csv", ".txt,db2fd702", ".txt,ab2fd702",
           ("sources.csv", 2, "sha256", "document-changed")),
]


def copy_with_schema(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    shutil.copy(DESCRIPTOR, target / "datapackage.json")
    return target


def errors(problems: list[Problem]) -> list[Located]:
    return [(p.file, p.row, p.column, p.code) for p in problems if p.severity == "error"]


def reference_errors(folder: Path, table: str | None = None) -> list[tuple[str, int | None, str]]:
    """(file, row, type) of every error frictionless reports: for one table, or the whole package."""
    package = Package(str(folder / "datapackage.json"))
    resources = [package.get_resource(table)] if table else list(package.resources)
    found = []
    for resource in resources:
        report = resource.validate()
        found.extend((str(resource.path), row, kind) for row, kind in report.flatten(["rowNumber", "type"]))
    return found


@pytest.fixture
def fixture_copy(tmp_path: Path) -> Path:
    return copy_with_schema(FIXTURE, tmp_path / "data")


@pytest.mark.parametrize("case", BOTH_REFUSE, ids=lambda c: c.name)
def test_both_refuse(fixture_copy: Path, case: Breakage) -> None:
    case.apply(fixture_copy)
    ours = errors(validate_dir(fixture_copy))
    theirs = reference_errors(fixture_copy, case.file.removesuffix(".csv"))
    assert case.expected in ours
    assert theirs, "frictionless accepted the broken file: the case tests nothing"
    # each reference error has one of ours on the same row of the same file (or on the file)
    ours_at = {(file, row) for file, row, _, _ in ours}
    ours_files = {file for file, _, _, _ in ours}
    for file, row, kind in theirs:
        assert ((file, row) in ours_at) if row is not None else (file in ours_files), (kind, row, ours)


@pytest.mark.parametrize("case", ONLY_OURS, ids=lambda c: c.name)
def test_only_ours_refuse_what_the_schema_cannot_say(fixture_copy: Path, case: Breakage) -> None:
    """If frictionless learns one of these, move the case to BOTH_REFUSE."""
    case.apply(fixture_copy)
    assert case.expected in errors(validate_dir(fixture_copy))
    assert reference_errors(fixture_copy, case.file.removesuffix(".csv")) == []


def test_both_accept_the_fixture(fixture_copy: Path) -> None:
    assert len(list(fixture_copy.glob("*.csv"))) >= 10
    assert errors(validate_dir(fixture_copy)) == []
    assert reference_errors(fixture_copy) == []


def test_both_accept_the_shipped_data() -> None:
    data = ROOT / "data"
    assert len(list(data.glob("*.csv"))) >= 10
    assert errors(validate_dir(data)) == []
    assert reference_errors(data) == []


def test_every_list_column_has_its_items_checked() -> None:
    """Every list column with a pattern, vocabulary or reference gets item rules (none is skipped)."""
    spec = package_spec()
    lists = [(t.name, f) for t in spec.tables for f in t.fields if f.is_list]
    assert lists
    for table, fspec in lists:
        if fspec.pattern or fspec.item_enum or fspec.item_reference:
            assert fspec.has_item_rules, f"{table}.{fspec.name} has a list pattern but no item rule"
    assert spec.table("initiatives").field("country_codes").item_pattern == "[A-Z]{2}"


def test_the_country_list_message_names_each_bad_item(fixture_copy: Path) -> None:
    BOTH_REFUSE[0].apply(fixture_copy)
    messages = [p.message for p in validate_dir(fixture_copy) if p.column == "country_codes"]
    assert any("'lb'" in m and "two-letter ISO country codes" in m for m in messages)
    assert any("'Tunisia'" in m for m in messages)
    assert any("not ; or ," in m for m in messages)


# --- controls: without the guard, the broken list is called valid ---------------


def _drop_list_pattern_errors(reference: list[Problem], ours: list[Problem]) -> list[Problem]:
    """The rule before issue 12: every pattern error in a list column was dropped."""
    lists = {(t.path, f.name) for t in package_spec().tables for f in t.fields if f.is_list}
    return [p for p in reference if not (p.code == "constraint-error" and (p.file, p.column) in lists)]


def _case(name: str) -> Breakage:
    return next(c for c in BOTH_REFUSE if c.name == name)


def test_control_without_the_parity_guard_a_spaced_list_slips_through(
        fixture_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _case("list with spaces around |").apply(fixture_copy)
    assert ("initiatives.csv", 3, "areas", "constraint-error") in errors(validate_dir(fixture_copy))
    monkeypatch.setattr(validation, "unexplained_reference_problems", _drop_list_pattern_errors)
    assert errors(validate_dir(fixture_copy)) == []  # what test_both_refuse would catch


def test_control_without_either_guard_the_issue_12_list_slips_through(
        fixture_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``lb;Tunisia``: 0 errors once both the item check and the parity guard are gone (the bug as filed)."""
    _case("list item against its pattern").apply(fixture_copy)
    monkeypatch.setattr(validation, "unexplained_reference_problems", _drop_list_pattern_errors)
    monkeypatch.setattr(validation, "_list_item_problems", lambda *_args: [])
    assert errors(validate_dir(fixture_copy)) == []


def test_each_guard_alone_still_refuses_the_bad_list(fixture_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _case("list item against its pattern").apply(fixture_copy)
    with monkeypatch.context() as patch:
        patch.setattr(validation, "_list_item_problems", lambda *_args: [])
        assert ("initiatives.csv", 3, "country_codes", "constraint-error") in errors(validate_dir(fixture_copy))
    with monkeypatch.context() as patch:
        patch.setattr(validation, "unexplained_reference_problems", _drop_list_pattern_errors)
        assert ("initiatives.csv", 3, "country_codes", "list-item-pattern") in errors(validate_dir(fixture_copy))


def test_a_reference_error_is_dropped_only_for_one_of_ours_on_the_same_cell() -> None:
    theirs = Problem("initiatives.csv", 3, "areas", "constraint-error", "pattern")
    same_cell = Problem("initiatives.csv", 3, "areas", "unknown-list-item", "'housing' is not …")
    other_row = Problem("initiatives.csv", 2, "areas", "unknown-list-item", "'housing' is not …")
    as_warning = Problem("initiatives.csv", 3, "areas", "unknown-list-item", "…", "warning")
    assert validation.unexplained_reference_problems([theirs], [same_cell]) == []
    assert validation.unexplained_reference_problems([theirs], [other_row]) == [theirs]
    assert validation.unexplained_reference_problems([theirs], [as_warning]) == [theirs]


# --- columns the schema does not know ----------------------------------------------


def add_column(path: Path, name: str, value: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([f"{lines[0]},{name}", *(f"{line},{value}" for line in lines[1:])]) + "\n",
                    encoding="utf-8")


def test_a_helper_column_warns_and_both_accept(fixture_copy: Path) -> None:
    add_column(fixture_copy / "initiatives.csv", "notes", "check with Sara")
    problems = validate_dir(fixture_copy)
    assert errors(problems) == []
    warned = [p for p in problems if p.severity == "warning"]
    assert [(p.file, p.row, p.column, p.code) for p in warned] == [("initiatives.csv", 1, "notes", "unknown-column")]
    assert "'notes'" in warned[0].message
    assert reference_errors(fixture_copy, "initiatives") == []


def test_control_without_fields_match_the_reference_refuses_a_helper_column(fixture_copy: Path) -> None:
    """``"fieldsMatch": "subset"`` in datapackage.json is what makes frictionless agree with the warning."""
    descriptor = json.loads(DESCRIPTOR.read_text(encoding="utf-8"))
    assert {r["schema"].get("fieldsMatch") for r in descriptor["resources"]} == {"subset"}
    for resource in descriptor["resources"]:
        resource["schema"].pop("fieldsMatch")
    (fixture_copy / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    add_column(fixture_copy / "initiatives.csv", "notes", "check with Sara")
    assert [kind for _, _, kind in reference_errors(fixture_copy, "initiatives")] == ["extra-label"]


def test_the_known_columns_still_validate_beside_a_helper_column(fixture_copy: Path) -> None:
    add_column(fixture_copy / "initiatives.csv", "notes", "")
    _case("value outside its vocabulary").apply(fixture_copy)
    assert ("initiatives.csv", 2, "scope", "constraint-error") in errors(validate_dir(fixture_copy))


def test_a_helper_column_is_not_read_into_the_table(fixture_copy: Path) -> None:
    add_column(fixture_copy / "cities.csv", "notes", "to check")
    tables, _ = validation.validate_files(validation.read_data_dir(fixture_copy))
    cities = tables["cities"]
    assert cities is not None
    assert cities.ignored_columns == ["notes"]
    assert all("notes" not in row for row in cities.rows)


def test_a_nameless_empty_column_from_excel_is_silent_and_one_with_values_warns(fixture_copy: Path) -> None:
    add_column(fixture_copy / "cities.csv", "", "")
    assert [p for p in validate_dir(fixture_copy) if p.severity != "info"] == []
    add_column(fixture_copy / "sources.csv", "", "kept aside")
    problems = validate_dir(fixture_copy)
    assert errors(problems) == []
    assert [(p.file, p.column, p.code) for p in problems if p.severity == "warning"] == [
        ("sources.csv", "(blank)", "unknown-column")]


def test_a_missing_column_stays_an_error_beside_a_helper_column(fixture_copy: Path) -> None:
    _case("missing column").apply(fixture_copy)
    add_column(fixture_copy / "cities.csv", "notes", "")
    assert ("cities.csv", 1, "curator_note", "missing-column") in errors(validate_dir(fixture_copy))
