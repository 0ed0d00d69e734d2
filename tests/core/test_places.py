"""Places as the documents name them (issue 15, part 4): several cities per initiative, old files with
``city_id``, markers at each city, place pages and comparisons, built without a browser."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from mc2cm import store
from mc2cm.brief import brief_context
from mc2cm.csvio import read_csv_bytes, write_csv_text
from mc2cm.filters import Selection, select_initiatives
from mc2cm.i18n import LANGS
from mc2cm.loading import Dataset, load_dataset
from mc2cm.mapping import MapParts, split_parts
from mc2cm.metrics import city_summary
from mc2cm.opendata import to_json
from mc2cm.places import (
    ARABIC_LETTERS,
    city_ids_of,
    compare_areas,
    compare_link,
    compare_roles,
    countries_also_named,
    document_paragraphs,
    initiative_place,
    name_pattern,
    name_spans,
    parse_compare,
    place_initiatives,
    place_summary,
    places_overview,
)
from mc2cm.problem_text import problem_message
from mc2cm.schema import PackageSpec, package_spec
from mc2cm.upload import wrong_table
from mc2cm.validation import read_data_dir, validate_files
from web.brief import brief_html

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "data"
FIXTURE = ROOT / "tests" / "fixtures" / "minimal"
MULTI_CITY = {
    "athens-tangier-tunis-language-classes": ("athens", "tangier", "tunis"),
    "vienna-amsterdam-berlin-ngo-service-contracting": ("vienna", "amsterdam", "berlin"),
    "calais-paris-ngo-monitoring": ("calais", "paris"),
}


@pytest.fixture(scope="module")
def data() -> Dataset:
    return load_dataset(SHIPPED)


@pytest.fixture(scope="module")
def paragraphs(data: Dataset) -> dict[str, tuple[str, ...]]:
    found = document_paragraphs(data)
    assert len(found) == len(data.sources) >= 5
    return found


# --- city_ids: a list ---------------------------------------------------------------------------------


def test_city_ids_are_a_list_of_cities(data: Dataset) -> None:
    inits = data.initiatives
    assert inits["city_ids"].map(lambda ids: isinstance(ids, tuple)).all()
    for initiative_id, cities in MULTI_CITY.items():
        assert inits.at[initiative_id, "city_ids"] == cities
    assert inits.at["brital-syrian-displacement-response", "city_ids"] == ("brital",)
    assert inits.at["perco-european-red-cross-migration-platform", "city_ids"] == ()
    assert {c for ids in inits["city_ids"] for c in ids} <= set(data.cities.index)
    assert city_ids_of({"city_ids": "calais| paris"}) == ("calais", "paris")  # a CSV cell, as written
    assert city_ids_of({"city_ids": ("calais",)}) == ("calais",)


def edited(folder: Path, table: str, old: str, new: str) -> dict[str, bytes | None]:
    files = read_data_dir(folder)
    text = (files[table] or b"").decode("utf-8")
    assert old in text, old
    files[table] = text.replace(old, new, 1).encode("utf-8")
    return files


def test_each_city_of_the_list_must_be_a_city() -> None:
    spec = package_spec(FIXTURE)
    files = edited(FIXTURE, "initiatives", ",brital,city,", ",brital|baalbek,multi_city,")
    errors = [(p.file, p.row, p.column, p.code) for p in validate_files(files, spec, None)[1] if p.severity == "error"]
    assert errors == [("initiatives.csv", 2, "city_ids", "unknown-list-item")]


# --- an old file with city_id -------------------------------------------------------------------------


def old_file(folder: Path) -> bytes:
    """initiatives.csv as a staff member's Excel copy from before the rename: a ``city_id`` column."""
    read = read_csv_bytes((folder / "initiatives.csv").read_bytes())
    header = ["city_id" if name == "city_ids" else name for name in read.header]
    return write_csv_text(header, read.rows, "\r\n").encode("utf-8-sig")


def without_former_names(spec: PackageSpec) -> PackageSpec:
    """The schema as if it did not know that city_ids was called city_id."""
    table = spec.table("initiatives")
    fields = tuple(dataclasses.replace(f, former_names=()) for f in table.fields)
    tables = tuple(dataclasses.replace(t, fields=fields) if t.name == "initiatives" else t for t in spec.tables)
    return dataclasses.replace(spec, tables=tables)


def test_an_old_city_id_file_is_read_as_city_ids_with_a_note() -> None:
    spec = package_spec(FIXTURE)
    files = read_data_dir(FIXTURE)
    files["initiatives"] = old_file(FIXTURE)
    checked, problems = validate_files(files, spec, None)
    assert [p for p in problems if p.severity == "error"] == []
    [note] = [p for p in problems if p.code == "renamed-column"]
    assert (note.file, note.row, note.column, note.severity) == ("initiatives.csv", 1, "city_ids", "info")
    table = checked["initiatives"]
    assert table is not None
    assert [row["city_ids"] for row in table.rows] == ["brital", ""]  # nothing lost
    assert "city_id" not in table.ignored_columns
    # said in the reader's language, naming both columns by name and title
    assert problem_message(note, "fr", spec).startswith("La colonne « city_id » (Ville) s'appelle désormais « city_ids » "
                                                        "(Villes)")
    assert problem_message(note, "ar", spec).startswith("أصبح اسم العمود «city_id» (المدينة)")
    assert problem_message(note, "en", spec).startswith("The column 'city_id' (City) now has the name 'city_ids' (Cities)")


def test_control_without_the_former_name_an_old_file_is_refused() -> None:
    """Control: the same file against a schema that does not know the former name stops at a missing column."""
    spec = without_former_names(package_spec(FIXTURE))
    files = read_data_dir(FIXTURE)
    files["initiatives"] = old_file(FIXTURE)
    problems = validate_files(files, spec, None)[1]
    assert ("initiatives.csv", 1, "city_ids", "missing-column") in [(p.file, p.row, p.column, p.code) for p in problems]
    assert not [p for p in problems if p.code == "renamed-column"]


def test_an_old_file_uploaded_is_saved_with_the_new_name(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(FIXTURE, data, ignore=shutil.ignore_patterns(".history"))
    spec = package_spec(data)
    table, problems = store.read_upload(spec, "initiatives", old_file(data))
    assert table is not None
    assert wrong_table(spec, "initiatives", old_file(data)) is None  # still the initiatives, not another table
    assert [p for p in problems if p.severity == "error"] == []
    store.save_table(data, "initiatives", old_file(data), who="Amina")
    saved = read_csv_bytes((data / "initiatives.csv").read_bytes())
    assert "city_ids" in saved.header
    assert "city_id" not in saved.header
    assert load_dataset(data).initiatives.at["brital-response", "city_ids"] == ("brital",)


def test_a_file_with_both_names_is_an_error_not_a_loss() -> None:
    spec = package_spec(FIXTURE)
    files = read_data_dir(FIXTURE)
    text = (files["initiatives"] or b"").decode("utf-8").splitlines()
    text = [text[0] + ",city_id", text[1] + ",sfax", text[2] + ","]
    files["initiatives"] = ("\n".join(text) + "\n").encode("utf-8")
    errors = [(p.column, p.code) for p in validate_files(files, spec, None)[1] if p.severity == "error"]
    assert errors == [("city_id", "renamed-column-both")]
    # an empty old column beside the new one loses nothing: a warning, as any helper column
    files["initiatives"] = ("\n".join([text[0], text[1][:-len(",sfax")] + ",", text[2]]) + "\n").encode("utf-8")
    problems = validate_files(files, spec, None)[1]
    assert [p for p in problems if p.severity == "error"] == []
    assert ("city_id", "unknown-column") in [(p.column, p.code) for p in problems]


# --- the map: a marker at every city of a multi-city initiative -------------------------------------------


def unmarked(parts: MapParts, initiatives: pd.DataFrame) -> list[tuple[str, str]]:
    """(initiative, city) pairs the map does not draw at that city."""
    drawn = {(i, str(city)) for city, ids in zip(parts.markers["city_id"], parts.markers["initiative_ids"], strict=True)
             for i in ids}
    return [(str(i), c) for i, ids in initiatives["city_ids"].items() for c in ids if (str(i), c) not in drawn]


def test_every_city_of_a_multi_city_initiative_has_its_marker(data: Dataset) -> None:
    shown = select_initiatives(data, Selection())
    parts = split_parts(data.cities, shown)
    assert unmarked(parts, shown.loc[list(MULTI_CITY)]) == []
    for initiative_id, cities in MULTI_CITY.items():
        for city in cities:
            marker = parts.markers[parts.markers["city_id"] == city]
            assert len(marker) == 1
            assert initiative_id in marker["initiative_ids"].iloc[0]
    assert not set(MULTI_CITY) & set(parts.elsewhere["id"])
    # Tunis and Tangier are on the map through the language classes; Amman is not (no example there)
    assert {"tunis", "tangier", "grande-synthe"} <= set(parts.markers["city_id"])
    assert "amman" not in set(parts.markers["city_id"])


def test_control_markers_at_the_first_city_only_are_caught(data: Dataset) -> None:
    """Control: a map that drew each initiative at its first city only would miss Tangier, Tunis and the rest."""
    shown = select_initiatives(data, Selection())
    first_only = shown.assign(city_ids=shown["city_ids"].map(lambda ids: ids[:1]))
    parts = MapParts(markers=city_summary(data.cities, first_only), elsewhere=shown.iloc[0:0])
    missing = unmarked(parts, shown.loc[list(MULTI_CITY)])
    assert ("athens-tangier-tunis-language-classes", "tunis") in missing
    assert len(missing) == sum(len(c) - 1 for c in MULTI_CITY.values())


def test_a_multi_city_place_is_named_in_words(data: Dataset) -> None:
    row = data.initiatives.loc["calais-paris-ngo-monitoring"]
    assert initiative_place(row, data.cities, "en") == "Calais and Paris, France"
    assert initiative_place(row, data.cities, "fr") == "Calais et Paris, France"
    assert initiative_place(row, data.cities, "ar") == "كاليه وباريس، فرنسا"
    three = data.initiatives.loc["athens-tangier-tunis-language-classes"]
    assert initiative_place(three, data.cities, "en") == "Athens, Tangier and Tunis · Greece, Morocco and Tunisia"
    assert "|" not in initiative_place({"city_ids": "calais|paris"}, data.cities, "fr")


# --- what the documents say of a place ------------------------------------------------------------------


def test_whole_words_only() -> None:
    tunis = name_pattern(["تونس"])
    assert name_spans(tunis, "في أثينا وطنجة وتونس، تقدّم") != ()  # with the conjunction و written on
    assert name_spans(tunis, "الرابطة التونسية للدفاع") == ()  # "Tunisian" is not Tunis
    assert name_spans(name_pattern(["ليون"]), "أكثر من مليون شخص") == ()  # "million" is not Lyon
    assert name_spans(name_pattern(["عمان"]), "كأثينا أو عمّان أو بيروت") != ()  # however it is vowelled
    text = "المدن ذات الموارد المحدودة كأثينا¹⁹ أو عمان"
    [(start, end)] = name_spans(name_pattern(["أثينا"]), text)
    assert text[start:end] == "كأثينا"  # a position in the text as written (footnote numbers end a word)


def test_control_a_substring_search_would_find_the_country_adjective() -> None:
    """Control: without the word boundaries the pattern would take "Tunisian" for Tunis."""
    tunis = name_pattern(["تونس"])
    assert tunis is not None
    loose = re.compile(tunis.pattern.replace(f"(?![{ARABIC_LETTERS}])", "").replace(f"(?<![{ARABIC_LETTERS}])", ""))
    assert loose.pattern != tunis.pattern
    assert name_spans(loose, "الرابطة التونسية للدفاع") != ()


def test_a_place_page_summary(data: Dataset, paragraphs: dict[str, tuple[str, ...]]) -> None:
    athens = place_summary(data, "athens", paragraphs)
    assert "athens-tangier-tunis-language-classes" in athens.initiatives.index
    assert "athens-open-schools" in athens.initiatives.index
    assert athens.sources == ("sfax-2019-background-paper",)
    assert all(any(named for _, named in p.excerpt()) for p in athens.passages)
    sfax = place_summary(data, "sfax", paragraphs)
    assert list(sfax.events.index) == ["sfax-2019-peer-learning-workshop"]
    amman = place_summary(data, "amman", paragraphs)
    assert amman.initiatives.empty  # named only as a city where NGOs fund themselves: no example there
    assert len(amman.passages) == 1
    assert amman.also_countries == ("OM",)  # عمان is also Oman
    assert place_summary(data, "tunis", paragraphs).also_countries == ("TN",)
    assert countries_also_named(data.cities.loc["paris"]) == ()


def test_challenges_are_those_quoted_from_a_paragraph_that_names_the_place(
        data: Dataset, paragraphs: dict[str, tuple[str, ...]]) -> None:
    amsterdam = place_summary(data, "amsterdam", paragraphs)
    assert list(amsterdam.challenges.index) == ["paper-flexibility-responsiveness"]
    pattern = name_pattern(["أمستردام"])
    [quoted_in] = [line for line in paragraphs["sfax-2019-background-paper"]
                   if " ".join(str(amsterdam.challenges.iloc[0]["quote_ar"]).split()) in " ".join(line.split())]
    assert name_spans(pattern, quoted_in)
    assert place_summary(data, "brital", paragraphs).challenges.empty


def test_the_list_of_places_counts_what_each_holds(data: Dataset, paragraphs: dict[str, tuple[str, ...]]) -> None:
    overview = places_overview(data, paragraphs, "fr").set_index("id")
    assert len(overview) == len(data.cities)
    assert overview.at["athens", "name"] == "Athènes"
    assert overview.at["athens", "initiatives"] == len(place_initiatives(data, "athens"))
    assert overview.at["amman", "initiatives"] == 0
    assert overview.at["amman", "sources"] == 1
    assert (overview["sources"] >= 1).all()  # every place in cities.csv comes from a document that names it


# --- comparing places ------------------------------------------------------------------------------------


def test_compare_parameters() -> None:
    known = {"athens", "tunis", "paris", "berlin", "calais"}
    assert parse_compare(["athens,tunis"], known).ids == ("athens", "tunis")
    assert parse_compare(["athens", "tunis", "athens"], known).ids == ("athens", "tunis")  # repeated, once each
    assert parse_compare(["athens"], known).problem == "places.compare_too_few"
    assert parse_compare(["athens,tunis,paris,berlin,calais"], known).problem == "places.compare_too_many"
    unknown = parse_compare(["athens,atlantis"], known)
    assert (unknown.problem, unknown.unknown) == ("places.compare_unknown", ("atlantis",))
    assert parse_compare([], known).ids == ()
    assert compare_link(["athens", "tunis"], "ar") == "/places?compare=athens,tunis&lang=ar"


def test_places_side_by_side(data: Dataset) -> None:
    ids = ["athens", "paris", "tunis"]
    areas = compare_areas(data, ids)
    assert list(areas.columns) == ids
    order = list(data.spec.vocabulary("area").codes)
    assert list(areas.index) == [a for a in order if a in areas.index]
    for city in ids:
        counted = sum(len(a) for a in place_initiatives(data, city)["areas"])
        assert int(areas[city].sum()) == counted
    assert areas.at["emergency_aid", "paris"] == 1
    roles = compare_roles(data, ids)
    assert set(roles.index) <= set(data.cso_roles.index)
    assert roles.at["socio-economic-inclusion", "tunis"] == 1


@pytest.mark.parametrize("lang", LANGS)
def test_the_brief_of_a_comparison(data: Dataset, lang: str) -> None:
    context = brief_context(data, Selection(), lang, "http://example.org/", compare=("athens", "tunis"))
    comparison = context["comparison"]
    assert [p["initiatives"] for p in comparison["places"]] == [4, 1]
    assert {i["id"] for i in context["initiatives"]} == set(place_initiatives(data, "athens").index) | set(
        place_initiatives(data, "tunis").index)
    assert "compare=athens%2Ctunis" in context["made"]
    assert all("_" not in area["label"] for area in comparison["areas"])  # labels, not codes
    assert context["challenges"] == []  # the view is the places, not the whole dataset's challenges


def test_the_brief_door_answers_a_bad_comparison_clearly(data: Dataset) -> None:
    good = brief_html(data, {"compare": ["athens,tunis"], "lang": ["en"]}, None, "http://example.org/")
    assert good.status_code == 200
    assert b"Places side by side" in good.body
    bad = brief_html(data, {"compare": ["athens,atlantis"], "lang": ["fr"]}, None, "http://example.org/")
    assert bad.status_code == 400
    assert "Ces lieux ne sont pas dans les données : atlantis." in bytes(bad.body).decode()
    many = brief_html(data, {"compare": ["athens,tunis,paris,berlin,calais"], "lang": ["en"]}, None, "")
    assert many.status_code == 400
    assert b"at most four places" in many.body


def test_the_api_gives_city_ids_as_a_json_array(data: Dataset) -> None:
    rows = {r["id"]: r for r in json.loads(to_json(data, "initiatives", Selection(), "en", ""))["data"]}
    assert rows["calais-paris-ngo-monitoring"]["city_ids"] == ["calais", "paris"]
    assert rows["perco-european-red-cross-migration-platform"]["city_ids"] == []
    assert "city_id" not in rows["calais-paris-ngo-monitoring"]
