"""The open data API's core (mc2cm/opendata.py) and its HTTP answers (web/api.py), without a server."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from frictionless import validate
from openpyxl import load_workbook

from mc2cm import opendata
from mc2cm.filters import Selection, select_assessments, select_challenges, select_initiatives, select_recommendations
from mc2cm.loading import Dataset, load_dataset
from web.api import answer

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "data"
SELECTIONS = [
    Selection(),
    Selection(area=("emergency_aid",)),
    Selection(country=("LB",)),
    Selection(q="Caritas"),
    Selection(actor=("cso",), area=("access_to_services",)),
    Selection(source=("sfax-2019-summary",), q="data"),
    Selection(role=("service-provision",)),
]


@pytest.fixture(scope="module")
def data() -> Dataset:
    loaded = load_dataset(SHIPPED)
    assert len(loaded.initiatives) > 10
    return loaded


def body(data: Dataset, name: str, **params: str | list[str]) -> tuple[int, dict[str, str], bytes]:
    wrapped = {key: value if isinstance(value, list) else [value] for key, value in params.items()}
    response = answer(data, name, wrapped, None, "http://dash.example/")
    return response.status_code, dict(response.headers), bytes(response.body)


@pytest.mark.parametrize("sel", SELECTIONS, ids=repr)
def test_each_filtered_table_has_the_rows_of_its_page(data: Dataset, sel: Selection) -> None:
    pages = {"initiatives": select_initiatives, "challenges": select_challenges,
             "recommendations": select_recommendations, "role_assessments": select_assessments}
    for table, select in pages.items():
        assert list(opendata.view(data, table, sel)["id"]) == list(select(data, sel)["id"]), table


def test_the_filters_change_the_answer(data: Dataset) -> None:
    """Control for the comparison above: a filter does select fewer rows, so equal lists are not equal by accident."""
    every = len(opendata.view(data, "initiatives", Selection()))
    assert 0 < len(opendata.view(data, "initiatives", Selection(country=("LB",)))) < every
    assert len(opendata.view(data, "challenges", Selection(q="data"))) < len(data.challenges)


def test_reference_tables_come_whole(data: Dataset) -> None:
    sel = Selection(country=("LB",), q="Brital")
    for table in ("sources", "cities", "cso_roles", "events"):
        assert len(opendata.view(data, table, sel)) == len(data[table])


def test_json_has_records_and_a_meta_block(data: Dataset) -> None:
    status, headers, raw = body(data, "initiatives.json", area="emergency_aid", lang="fr")
    assert status == 200
    assert headers["access-control-allow-origin"] == "*"
    doc = json.loads(raw)
    shown = select_initiatives(data, Selection(area=("emergency_aid",)))
    assert doc["meta"]["count"] == len(doc["data"]) == len(shown)
    assert doc["meta"]["filters"] == {"area": ["emergency_aid"]}
    assert doc["meta"]["data"]["version"] == data.spec.descriptor["version"]
    assert "Version" in doc["meta"]["citation"]
    assert "données du" in doc["meta"]["citation"]
    first = doc["data"][0]
    assert isinstance(first["areas"], list)
    assert "|" not in json.dumps(first["areas"])
    assert set(first) == set(data.spec.table("initiatives").column_names)


def test_an_id_answers_the_one_initiative_the_detail_page_shows(data: Dataset) -> None:
    status, _, raw = body(data, "initiatives.json", id="brital-syrian-displacement-response")
    assert status == 200
    assert [r["id"] for r in json.loads(raw)["data"]] == ["brital-syrian-displacement-response"]
    assert body(data, "initiatives.json", id="no-such-initiative")[0] == 400


def test_csv_is_excel_ready(data: Dataset) -> None:
    status, headers, raw = body(data, "initiatives.csv", country="LB")
    assert status == 200
    assert headers["content-type"].startswith("text/csv")
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel reads the Arabic
    text = raw.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("id,name_en")
    assert len(text.strip().splitlines()) - 1 == len(select_initiatives(data, Selection(country=("LB",))))
    assert "بلدية بريثال" in text


def test_geojson_is_rfc7946_points_at_the_cities(data: Dataset) -> None:
    """One feature per initiative: a Point at its city, a MultiPoint at each of several (``city_ids``)."""
    status, headers, raw = body(data, "initiatives.geojson")
    assert status == 200
    assert headers["content-type"].startswith("application/geo+json")
    doc = json.loads(raw)
    assert doc["type"] == "FeatureCollection"
    assert "crs" not in doc
    assert doc["features"]
    kinds = set()
    for feature in doc["features"]:
        geometry, cities = feature["geometry"], feature["properties"]["city_ids"]
        kinds.add(geometry["type"])
        points = [geometry["coordinates"]] if geometry["type"] == "Point" else geometry["coordinates"]
        assert geometry["type"] == ("Point" if len(cities) == 1 else "MultiPoint")
        assert len(points) == len(cities)
        for (lon, lat), city_id in zip(points, cities, strict=True):
            city = data.cities.loc[city_id]
            assert (lat, lon) == (pytest.approx(city["latitude"]), pytest.approx(city["longitude"]))  # lon, lat order
            assert -180 <= lon <= 180
            assert -90 <= lat <= 90
    assert kinds == {"Point", "MultiPoint"}
    # every initiative is a feature or listed as having no place
    assert len(doc["features"]) + len(doc["meta"]["without_place"]) == len(data.initiatives)
    assert "perco-european-red-cross-migration-platform" in doc["meta"]["without_place"]


def test_cities_geojson_counts_the_initiatives_of_the_view(data: Dataset) -> None:
    doc = json.loads(body(data, "cities.geojson", area="emergency_aid")[2])
    held = {f["id"]: f["properties"]["initiatives"] for f in doc["features"]}
    assert held["brital"] == 1
    assert sum(held.values()) == sum(len(c) for c in select_initiatives(data, Selection(area=("emergency_aid",)))["city_ids"])


def test_xlsx_is_one_sheet_with_a_frozen_header_right_to_left_in_arabic(data: Dataset) -> None:
    for lang, rtl in (("ar", True), ("en", False)):
        status, _, raw = body(data, "initiatives.xlsx", lang=lang)
        assert status == 200
        book = load_workbook(io.BytesIO(raw))
        assert len(book.worksheets) == 1
        sheet = book.worksheets[0]
        assert sheet.freeze_panes == "A2"
        assert bool(sheet.sheet_view.rightToLeft) is rtl
        assert sheet.max_row - 1 == len(data.initiatives)
        assert "CC BY 4.0" in str(book.properties.description)  # how to cite, in the file's properties


def test_xlsx_neutralises_formulas(tmp_path: Path) -> None:
    folder = shutil.copytree(SHIPPED, tmp_path / "data", ignore=shutil.ignore_patterns(".history"))
    path = folder / "initiatives.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("Municipality of Brital", "=1+1", 1), encoding="utf-8")
    hostile = load_dataset(folder)
    sheet = load_workbook(io.BytesIO(opendata.to_xlsx(hostile, "initiatives", Selection(), "en"))).worksheets[0]
    cells = [c for row in sheet.iter_rows() for c in row if str(c.value).endswith("=1+1")]
    assert cells, "the hostile cell is in the sheet"
    assert all(c.data_type == "s" and str(c.value).startswith("'") for c in cells)


def test_control_openpyxl_alone_would_write_a_formula() -> None:
    from openpyxl import Workbook  # noqa: PLC0415

    sheet = Workbook().worksheets[0]
    sheet.append(["=1+1"])
    assert sheet["A1"].data_type == "f"  # what the neutralising above prevents


def _validate_zip(raw: bytes, target: Path) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        archive.extractall(target)
        names = set(archive.namelist())
    assert {"datapackage.json", "README.md", "CITATION.cff", "initiatives.csv"} <= names
    report = validate(str(target / "datapackage.json"))
    return [str(error) for error in report.flatten(["type"])]


def test_the_data_package_validates_filtered_or_not(data: Dataset, tmp_path: Path) -> None:
    for index, params in enumerate(({}, {"country": "LB"}, {"q": "no such words anywhere"})):
        status, _, raw = body(data, "datapackage.zip", **params)
        assert status == 200
        assert _validate_zip(raw, tmp_path / str(index)) == []


@pytest.fixture
def highlighted(tmp_path: Path) -> Dataset:
    """The shipped data with a scene highlighting Brital (an emergency-aid initiative)."""
    folder = shutil.copytree(SHIPPED, tmp_path / "data", ignore=shutil.ignore_patterns(".history"))
    path = folder / "scenes.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("three-areas-of-work,2,areas,,,", "three-areas-of-work,2,areas,,"
                                 "brital-syrian-displacement-response,", 1), encoding="utf-8")
    loaded = load_dataset(folder)
    assert loaded.valid
    assert "brital-syrian-displacement-response" in set(loaded["scenes"]["highlight"])
    return loaded


def test_a_filtered_package_drops_rows_pointing_outside_it(highlighted: Dataset, tmp_path: Path) -> None:
    sel = Selection(area=("intercultural_dialogue",))
    frames = opendata.package_view(highlighted, sel)
    assert "three-areas-of-work" not in set(frames["scenes"]["id"])
    assert _validate_zip(opendata.datapackage_zip(highlighted, sel, "en", "u"), tmp_path / "z") == []


def test_control_without_the_cascade_the_package_breaks(highlighted: Dataset, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(opendata, "package_view",
                        lambda data, sel: {n: opendata.view(data, n, sel) for n in data.spec.table_names})
    raw = opendata.datapackage_zip(highlighted, Selection(area=("intercultural_dialogue",)), "en", "u")
    assert "foreign-key" in " ".join(_validate_zip(raw, tmp_path / "z"))


@pytest.mark.parametrize(("name", "params", "status", "word"), [
    ("initiatives.json", {"foo": "1"}, 400, "Unknown parameter"),
    ("initiatives.json", {"area": "bogus"}, 400, "Unknown value"),
    ("initiatives.json", {"lang": "xx"}, 400, "Unknown value"),
    ("nope.csv", {}, 404, "Unknown table"),
    ("challenges.geojson", {}, 404, "Unknown format"),
    ("initiatives.pdf", {}, 404, "Unknown format"),
    ("initiatives", {}, 404, "Not found"),
])
def test_bad_requests_get_a_clear_json_error(data: Dataset, name: str, params: dict[str, str], status: int,
                                             word: str) -> None:
    got, headers, raw = body(data, name, **params)
    assert got == status
    assert headers["content-type"].startswith("application/json")
    assert headers["access-control-allow-origin"] == "*"
    assert word in json.loads(raw)["error"]["message"]
