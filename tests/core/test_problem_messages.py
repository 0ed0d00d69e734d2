"""Problems, refusals and column titles in the reader's language (mc2cm/problem_text.py, mc2cm/titles.py).

The core keeps a problem as values; the staff pages say it through the catalogs. A problem
the catalogs cannot word keeps its English sentence, which a French reader would see: the
tests below make the validator produce each kind of problem and ask that none falls back.
"""

from __future__ import annotations

import copy
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from mc2cm import problem_text
from mc2cm.i18n import messages, t
from mc2cm.problem_text import problem_message, refusal_message
from mc2cm.schema import package_spec, parse_descriptor
from mc2cm.store import SaveRefused, plan_save, read_upload, restore, save_table
from mc2cm.titles import column_key, column_label, column_title, table_key, table_title, title_keys
from mc2cm.validation import Problem, read_data_dir, validate_files

ROOT = Path(__file__).resolve().parents[2]
MINIMAL = ROOT / "tests" / "fixtures" / "minimal"
SPEC = package_spec()
LEFT_OVER = re.compile(r"\{[a-z_]+\}|\bproblem\.[a-z_]+")


@pytest.fixture
def data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(MINIMAL, target)
    return target


def edited(data: Path, table: str, old: str, new: str) -> dict[str, bytes | None]:
    files = read_data_dir(data)
    text = (files[table] or b"").decode("utf-8")
    assert old in text, old
    files[table] = text.replace(old, new, 1).encode("utf-8")
    return files


def broken_datasets(data: Path) -> list[dict[str, bytes | None]]:
    """One edit per kind of mistake staff make, each on its own copy of the fixture."""
    cities = "cities"
    header = (data / "cities.csv").read_text(encoding="utf-8").splitlines()[0]
    return [
        edited(data, "initiatives", ",brital,city,", ",nowhere,city,"),                 # dangling reference
        edited(data, "initiatives", "emergency_aid,", "emergency_aid;shelter,"),        # ; in a list, unknown item
        edited(data, "initiatives", ",brital,city,", ",,city,"),                         # scope needs a city
        edited(data, "initiatives", "red-cross-network,", "brital-response,"),           # duplicate id
        edited(data, "initiatives", ",1997,", ",nineteen,"),                             # not an integer
        edited(data, cities, "34.7406", "134.7406"),                                     # out of range
        edited(data, cities, "34.7406,10.7603", "10.7603,34.7406"),                      # swapped
        edited(data, cities, "34.7406,10.7603", "33.85,35.9"),                           # in another country
        edited(data, cities, ",TN,", ",XX,"),                                            # pattern / unknown country
        edited(data, cities, ",true,sfax", ",maybe,sfax"),                               # not a boolean
        edited(data, cities, "Sfax,Sfax,صفاقس", "Sfax,Sfax,"),                          # required translation
        edited(data, cities, "Sfax,Sfax,صفاقس", "Sfax,Sfax,????"),                      # lost Arabic
        edited(data, cities, "Sfax,Sfax,صفاقس", "Sfax,Sfax,=صفاقس"),                    # formula start
        edited(data, cities, "Sfax,Sfax,صفاقس", "Sfax,Sfax,\u202eصفاقس"),               # direction control
        edited(data, cities, "sfax,Sfax", ",Sfax"),                                      # blank id
        edited(data, cities, header, header.replace(",curator_note", ",curator_notes")),  # unknown + missing column
        edited(data, cities, header, header + ",notes"),                                 # helper column
        edited(data, "initiatives", ",city_ids,", ",city_id,"),                          # a column's former name
        edited(data, "initiatives", ",city_ids,", ",city_ids,city_id,") | {              # former and new name
            "initiatives": (data / "initiatives.csv").read_text(encoding="utf-8").replace(",city_ids,", ",city_ids,city_id,")
            .replace(",brital,city,", ",brital,sfax,city,").replace(",,multi_country,", ",,,multi_country,").encode()},
        edited(data, "events", "2019-06-25", "31/02/2019"),                              # impossible date
        edited(data, "events", "2019-06-25", "03/04/2019"),                              # ambiguous date
        edited(data, "events", "2019-06-25", "a day"),                                   # not a date
        edited(data, "events", ",true,", ",true,extra,"),                                # extra cells
        {**read_data_dir(data), cities: b""},                                            # empty file
        {**read_data_dir(data), cities: None},                                           # missing file
        {**read_data_dir(data), cities: b'id,name_en\n"sfax,Sfax\n'},                    # unclosed quote
        {**read_data_dir(data), cities: b"\x00\x01\xff\xfe\x00binary"},                  # not a text file
    ]


def every_problem(data: Path) -> list[Problem]:
    found: list[Problem] = []
    for files in broken_datasets(data):
        _, problems = validate_files(files, SPEC, None)
        found.extend(p for p in problems if p.file != "datapackage.json")
    return found


def test_the_broken_datasets_make_many_kinds_of_problem(data: Path) -> None:
    codes = {p.code for p in every_problem(data)}
    assert len(codes) >= 20, codes


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_every_problem_the_validator_makes_is_said_in_the_readers_language(data: Path, lang: str) -> None:
    problems = every_problem(data)
    assert problems
    in_english = [(p.code, p.params.get("kind"), p.message) for p in problems
                  if p.code != "basemap-missing" and problem_message(p, lang, SPEC) == p.message]
    assert in_english == []
    unfilled = [problem_message(p, lang, SPEC) for p in problems if LEFT_OVER.search(problem_message(p, lang, SPEC))]
    assert unfilled == []


def test_control_a_problem_without_values_keeps_its_english_and_is_caught(data: Path) -> None:
    """Control for the test above: a problem made without params (the old way) is said in English."""
    bare = Problem("cities.csv", 3, "city_id", "dangling-reference", "'x' is not an id in cities.csv.")
    assert problem_message(bare, "fr", SPEC) == bare.message
    unknown = Problem("cities.csv", 3, None, "a-code-nobody-words", "Something in English.")
    assert problem_message(unknown, "ar", SPEC) == unknown.message


def test_what_a_french_and_an_arabic_reader_see(data: Path) -> None:
    files = edited(data, "events", "ورشة,sfax,", "ورشة,nowhere,")  # events.city_id: a foreign key
    [problem] = [p for p in validate_files(files, SPEC, None)[1] if p.severity == "error"]
    assert problem_message(problem, "fr", SPEC) == ("« nowhere » n'est pas un identifiant de cities.csv. Utilisez un "
                                                    "identifiant existant, ou ajoutez d'abord cette ligne à cities.csv.")
    assert problem_message(problem, "ar", SPEC).startswith("«nowhere» ليس معرّفاً في cities.csv.")
    assert problem_message(problem, "en", SPEC) == problem.message  # the catalog's English is the validator's


def test_values_are_written_the_readers_way(data: Path) -> None:
    files = edited(data, "cities", "34.7406,10.7603", "33.85,35.9")
    [problem] = [p for p in validate_files(files, SPEC, None)[1] if p.code == "outside-country"]
    french = problem_message(problem, "fr", SPEC)
    assert french.startswith("Le point (33.85, 35.9) se trouve à 2\u202f")  # 2 2xx km, the French way
    assert "hors de Tunisie (TN). Ce point se trouve dans ce pays : Liban (LB)." in french
    assert "لبنان (LB)" in problem_message(problem, "ar", SPEC)
    required = edited(data, "cities", "Sfax,Sfax,صفاقس", "Sfax,Sfax,")
    [empty] = [p for p in validate_files(required, SPEC, None)[1] if p.column == "name_ar"]
    assert problem_message(empty, "fr", SPEC) == "« Nom (arabe) » est obligatoire mais vide. Remplissez-le."


def test_read_notes_are_counted_with_the_languages_plurals(data: Path) -> None:
    text = (data / "cities.csv").read_text(encoding="utf-8")
    excel = ("\ufeff" + text.replace(",", ";").replace("34.7406", "34,7406").replace("34.1167", "34,1167")
             .replace("\n", "\r\n")).encode("utf-8")
    _, problems = read_upload(SPEC, "cities", excel)
    notes = {p.params.get("kind"): problem_message(p, "ar", SPEC) for p in problems if p.severity == "info"}
    assert set(notes) == {"bom", "separator", "crlf", "rewrite-number"}
    assert notes["rewrite-number"] == "قُرئت فاصلتان عشريتان نقطتين عشريتين"
    assert [problem_message(p, "fr", SPEC) for p in problems if p.params.get("kind") == "separator"] == [
        "Séparateurs « ; » lus"]


def test_the_refusals_of_a_save(data: Path) -> None:
    with pytest.raises(SaveRefused) as conflict:
        save_table(data, "cities", (data / "cities.csv").read_bytes(), who="A", expected_version="stale")
    assert refusal_message(conflict.value, "fr") == t("manage.refused_conflict", "fr")
    header, first, _ = (data / "initiatives.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    with pytest.raises(SaveRefused) as removals:
        save_table(data, "initiatives", (header + first).encode("utf-8"), who="A")
    assert refusal_message(removals.value, "ar").startswith("سيحذف هذا الملف صفاً واحداً من initiatives.csv")
    assert [problem_message(p, "fr", SPEC) for p in removals.value.problems] == [
        "La ligne « red-cross-network » (A network) serait supprimée."]
    with pytest.raises(SaveRefused) as nothing:
        restore(data, "cities", who="A")
    assert refusal_message(nothing.value, "fr") == "Il n'y a pas de version antérieure de cities.csv à restaurer."
    assert refusal_message(SaveRefused("unheard-of", "In English."), "fr") == "In English."  # control: no words


def test_a_deleted_row_still_used_is_said_in_french(data: Path) -> None:
    header, first, _ = (data / "cities.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    new_table, _ = read_upload(SPEC, "cities", (header + first).encode("utf-8"))
    assert new_table is not None
    plan = plan_save(data, "cities", new_table, current=(data / "cities.csv").read_bytes())
    assert next(problem_message(p, "fr", SPEC) for p in plan.referenced).startswith(
        "« brital » ne peut pas être supprimé de cities.csv : la ligne « brital-response » de initiatives.csv")


def test_the_command_line_keeps_english() -> None:
    problem = Problem("cities.csv", 3, "latitude", "range", "134 is out of range.", params={"value": "134"})
    assert str(problem) == "ERROR: cities.csv, row 3, column latitude: 134 is out of range."


def test_every_key_the_problem_text_names_is_in_the_catalog() -> None:
    """The catalog test sees these keys as used (they are quoted); this sees that they exist."""
    named = {*problem_text._KEYS.values(), *problem_text._OUTSIDE_HINTS.values(), *problem_text._STARTS.values(),
             *problem_text.SEVERITY_KEYS.values(), *problem_text._REFUSALS.values(), "problem.unknown_column",
             "problem.unnamed_column", "problem.unknown_column_close", "problem.unknown_column_notes",
             "problem.unconfirmed_removal", "problem.unconfirmed_removal_named", "problem.refused_removals",
             "problem.refused_no_version", "problem.refused_no_earlier"}
    english = messages("en")
    assert sorted(k for k in named if k not in english.singular and k not in english.plural) == []


# --- titles -----------------------------------------------------------------------


def title_drift(spec_descriptor: dict[str, Any]) -> list[str]:
    """Keys whose English catalog text is not the schema's title (a title changed, translations to redo)."""
    spec = parse_descriptor(spec_descriptor)
    english = messages("en").singular
    drift = [table_key(tspec.name) for tspec in spec.tables if english.get(table_key(tspec.name)) != tspec.title]
    drift += [column_key(tspec.name, f.name) for tspec in spec.tables for f in tspec.fields
              if english.get(column_key(tspec.name, f.name)) != f.title]
    return drift


def test_the_english_catalog_says_the_schemas_titles() -> None:
    assert len(title_keys(SPEC)) > 100
    assert title_drift(SPEC.descriptor) == []


def test_control_a_title_changed_in_the_schema_is_flagged() -> None:
    descriptor = copy.deepcopy(SPEC.descriptor)
    descriptor["resources"][1]["schema"]["fields"][0]["title"] = "City identifier"
    assert title_drift(descriptor) == [column_key(descriptor["resources"][1]["name"], "id")]


def test_titles_in_the_readers_language() -> None:
    cities = SPEC.table("cities")
    assert column_title(cities, "source_locator", "fr") == "Emplacement dans la source"
    assert column_title(cities, "source_locator", "ar") == "الموضع في المصدر"
    assert column_label(cities, "source_locator", "fr") == "Emplacement dans la source (source_locator) *"
    assert column_label(cities, "aliases", "ar") == "تهجئات أخرى (aliases)"
    assert table_title(cities, "fr") == "Villes et lieux"


def test_a_column_the_catalogs_do_not_know_yet_shows_its_schema_title() -> None:
    descriptor = {"resources": [{"name": "cities", "path": "cities.csv", "schema": {"fields": [
        {"name": "id", "title": "Identifier"}, {"name": "brand_new", "title": "Brand new column"}]}}]}
    cities = parse_descriptor(descriptor).table("cities")
    assert column_title(cities, "brand_new", "fr") == "Brand new column"
    assert column_title(cities, "id", "fr") == "Identifiant"
