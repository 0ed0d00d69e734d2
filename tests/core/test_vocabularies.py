"""Labels, order and colours of every coded value come from the schema (issue 12, "one contract").

A new area and a new theme added to a copy of ``datapackage.json`` (and used in
the data) show up in the filter, the map, the legend and the charts with no
code change. Controls: a value the schema allows without labels is an error.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from mc2cm.bidi import strip_isolates
from mc2cm.charts import area_bar, role_balance_chart
from mc2cm.filters import MULTI_KEYS, Selection, choices, select_initiatives
from mc2cm.i18n import label
from mc2cm.loading import load_dataset
from mc2cm.mapping import build_map, document_markers, render_document
from mc2cm.metrics import areas, initiatives_by_area, role_balance
from mc2cm.scenes import poll_options
from mc2cm.schema import (
    current_package,
    list_pattern,
    package_spec,
    parse_descriptor,
    vocabulary_problems,
    with_vocabulary_docs,
)
from mc2cm.validation import validate_dir

ROOT = Path(__file__).resolve().parents[2]
HOUSING = {"value": "housing", "labels": {"en": "Housing", "fr": "Logement", "ar": "السكن"}, "colour": "#117733"}
TRUST = {"value": "trust", "labels": {"en": "Trust", "fr": "Confiance", "ar": "الثقة"}}  # no colour given


def field(descriptor: dict[str, Any], table: str, column: str) -> dict[str, Any]:
    resource = next(r for r in descriptor["resources"] if r["name"] == table)
    found: dict[str, Any] = next(f for f in resource["schema"]["fields"] if f["name"] == column)
    return found


def rewrite_column(folder: Path, file: str, row_id: str, column: str, value: str) -> None:
    import csv  # noqa: PLC0415
    import io  # noqa: PLC0415

    path = folder / file
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    header = rows[0]
    for row in rows[1:]:
        if row[header.index("id")] == row_id:
            row[header.index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


@pytest.fixture
def extended(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The shipped data with a new area and a new theme, each used by one row; served as the app's data."""
    folder = tmp_path / "data"
    shutil.copytree(ROOT / "data", folder, ignore=shutil.ignore_patterns(".history", ".lock"))
    path = folder / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    descriptor["mc2cm:vocabularies"]["area"]["values"].append(HOUSING)
    areas_field = field(descriptor, "initiatives", "areas")
    areas_field["mc2cm:items"]["enum"].append("housing")
    areas_field["constraints"]["pattern"] = list_pattern(areas_field["mc2cm:items"]["enum"])  # as the check says
    descriptor["mc2cm:vocabularies"]["theme"]["values"].append(TRUST)
    field(descriptor, "role_assessments", "theme")["constraints"]["enum"].append("trust")
    path.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False), encoding="utf-8")
    data = load_dataset(ROOT / "data")
    at_city = data.initiatives.assign(city=data.initiatives["city_ids"]).explode("city")
    lonely = at_city.dropna(subset=["city"]).groupby("city").filter(lambda g: len(g) == 1)
    lonely = lonely[lonely["city_ids"].map(len) == 1]  # one initiative at one city: the marker is its colour
    rewrite_column(folder, "initiatives.csv", str(lonely.index[0]), "areas", "housing")
    rewrite_column(folder, "role_assessments.csv", str(data.role_assessments.index[0]), "theme", "trust")
    monkeypatch.setenv("MC2CM_DATA_DIR", str(folder))
    return folder


def test_the_shipped_schema_labels_every_allowed_code() -> None:
    spec = package_spec(ROOT / "data")
    assert len(spec.vocabularies) >= 6
    assert vocabulary_problems(spec) == []
    assert spec.vocabulary("area").codes == ("emergency_aid", "access_to_services", "intercultural_dialogue")
    assert label("area", "access_to_services", "fr") == "Accès aux services de base"


def test_a_new_area_and_theme_need_a_schema_edit_only(extended: Path) -> None:
    assert [p for p in validate_dir(extended) if p.severity == "error"] == []
    data = load_dataset(extended)
    assert "housing" in areas()
    assert "housing" in choices(data).area  # the filter offers it
    assert label("area", "housing", "ar") == "السكن"
    assert initiatives_by_area(data.initiatives)["housing"] == 1
    # the map: the city whose one initiative is about housing is drawn in housing's colour, not "several areas"
    housing_rows = data.initiatives[data.initiatives["areas"].map(lambda a: "housing" in a)]
    city = str(housing_rows["city_ids"].iloc[0][0])
    fmap, parts = build_map(data.cities, select_initiatives(data, Selection()), "en")
    assert parts.markers.set_index("city_id").at[city, "area"] == "housing"
    colours = {m["tooltip"].split(" ·")[0]: m["colour"] for m in document_markers(render_document(fmap))["markers"]}
    assert HOUSING["colour"] in colours.values()
    assert current_package().vocabulary("area").palette()["housing"] == HOUSING["colour"]  # the legend's chips
    bar = area_bar(initiatives_by_area(data.initiatives), "en")
    assert "Housing" in [strip_isolates(y) for y in bar.data[0].y]  # chart labels are bidi-isolated
    # the role chart: the new theme is a trace of its own, in a colour the schema did not need to give
    chart = role_balance_chart(role_balance(data.role_assessments), data.cso_roles, "en")
    names = [strip_isolates(trace.name) for trace in chart.data]
    assert "Trust" in names
    assert len({trace.marker.color for trace in chart.data}) == len(names)


def test_control_an_allowed_code_without_labels_is_an_error(tmp_path: Path) -> None:
    descriptor = json.loads((ROOT / "data" / "datapackage.json").read_text(encoding="utf-8"))
    field(descriptor, "initiatives", "areas")["mc2cm:items"]["enum"].append("housing")  # allowed, never labelled
    descriptor["mc2cm:vocabularies"]["kind"]["values"][0]["labels"].pop("ar")
    problems = vocabulary_problems(parse_descriptor(descriptor))
    assert [where for where, _ in problems] == ["mc2cm:vocabularies.kind", "initiatives.areas", "initiatives.areas"]
    assert list_pattern(["emergency_aid", "access_to_services", "intercultural_dialogue", "housing"]) in problems[1][1]
    assert "housing" in problems[2][1]
    folder = tmp_path / "data"
    shutil.copytree(ROOT / "data", folder, ignore=shutil.ignore_patterns(".history", ".lock"))
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    assert [p.code for p in validate_dir(folder) if p.severity == "error"] == ["vocabulary"] * 3


def test_the_data_readme_shows_the_schemas_vocabularies() -> None:
    readme = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    spec = package_spec(ROOT / "data")
    assert with_vocabulary_docs(readme, spec) == readme, "run `python -m mc2cm docs` after editing the vocabularies"
    # the control: a label changed in the schema alone makes the README out of date
    descriptor = json.loads((ROOT / "data" / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["mc2cm:vocabularies"]["area"]["values"][0]["labels"]["fr"] = "Secours d'urgence"
    assert with_vocabulary_docs(readme, parse_descriptor(descriptor)) != readme


def test_a_new_source_of_poll_options_is_a_schema_edit() -> None:
    descriptor = json.loads((ROOT / "data" / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["mc2cm:vocabularies"]["poll_options"]["values"].append({
        "value": "challenges", "labels": {"en": "The challenges", "fr": "Les défis", "ar": "التحديات"},
        "mc2cm:rows": {"table": "challenges", "order": "position", "label": "title"}})
    field(descriptor, "polls", "options")["constraints"]["enum"].append("challenges")
    spec = parse_descriptor(descriptor)
    assert vocabulary_problems(spec) == []
    data = load_dataset(ROOT / "data")
    data = type(data)(tables=data.tables, problems=data.problems, spec=spec, data_dir=data.data_dir)
    offered = poll_options(data, "challenges", "fr")
    assert [value for value, _ in offered] == list(data.challenges.sort_values("position")["id"])
    assert all(name for _, name in offered)
    # the control: a description naming a column that does not exist is refused by the check
    descriptor["mc2cm:vocabularies"]["poll_options"]["values"][-1]["mc2cm:rows"]["label"] = "headline"
    assert [m for _, m in vocabulary_problems(parse_descriptor(descriptor))] == \
        ["'challenges': challenges.csv has no column 'headline_en'"]


def test_the_schemas_filters_are_the_pages_filters() -> None:
    spec = package_spec(ROOT / "data")
    assert set(spec.filters) == {*MULTI_KEYS, "q"}
    for key, target in spec.filters.items():
        if "column" in target:
            assert spec.table(target["table"]).has(target["column"]), key
        elif "table" in target:
            assert target["table"] in spec.table_names, key
