"""Every view as data: the rows a page shows, as CSV, JSON, GeoJSON, XLSX or a Data Package.

The selection is the pages' own (:mod:`mc2cm.filters`): the same URL parameters
pick the same rows. Four tables follow the filters, as their pages do:
``initiatives`` (/initiatives, /map), ``challenges`` and ``recommendations``
(/challenges), ``role_assessments`` (/cso_roles). The others are reference
tables (sources, cities, roles, events…) and come whole, as on /data.

A filtered Data Package keeps its references whole: a row that points at a
record the filters left out (a scene highlighting an initiative not in the
view) is left out too, so the package still validates.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import math
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, cast

import pandas as pd

from mc2cm.csvio import neutralise_formula, write_csv_text
from mc2cm.export import table_rows, to_excel_csv
from mc2cm.filters import (
    MULTI_KEYS,
    Selection,
    select_assessments,
    select_challenges,
    select_initiatives,
    select_recommendations,
)
from mc2cm.i18n import fmt_date, t
from mc2cm.loading import Dataset, data_stamp
from mc2cm.schema import TableSpec

FORMATS = ("csv", "json", "xlsx", "geojson")
GEO_TABLES = frozenset({"cities", "initiatives"})
PUBLISHER = "Mediterranean City-to-City Migration (MC2CM) project – ICMPD and UCLG"

Selector = Callable[[Dataset, Selection], pd.DataFrame]
FILTERED: dict[str, tuple[Selector, tuple[str, ...]]] = {
    # table → (the page's selection, the filters it honours)
    "initiatives": (select_initiatives, (*MULTI_KEYS, "q", "id")),
    "challenges": (select_challenges, ("source", "q")),
    "recommendations": (select_recommendations, ("source", "q")),
    "role_assessments": (select_assessments, ("role", "q")),
}


@dataclass(frozen=True)
class Version:
    """Which data an answer was made from: the package's version, a fingerprint of the files, their date."""

    package: str
    fingerprint: str
    updated: dt.date | None

    def as_dict(self) -> dict[str, str | None]:
        return {"version": self.package, "fingerprint": self.fingerprint,
                "updated": self.updated.isoformat() if self.updated else None}


def data_version(data: Dataset) -> Version:
    """The version of ``data``: its files' names, sizes and times, hashed (cheap: no file is read)."""
    stamp = data_stamp(data.data_dir)
    digest = hashlib.sha256(repr(stamp).encode()).hexdigest()[:12]
    newest = max((mtime for _, mtime, _ in stamp), default=0)
    updated = dt.datetime.fromtimestamp(newest / 1e9, tz=dt.UTC).date() if newest else None
    version = str(data.spec.descriptor.get("version", ""))
    return Version(version, digest, updated)


def applied_filters(table: str, sel: Selection) -> dict[str, Any]:
    """The filters of ``sel`` that ``table`` honours, as they appear in a URL."""
    honoured = FILTERED.get(table, (None, ()))[1]
    out: dict[str, Any] = {}
    for key in honoured:
        value = getattr(sel, key)
        if value:
            out[key] = value if isinstance(value, str) else list(value)
    return out


def view(data: Dataset, table: str, sel: Selection) -> pd.DataFrame:
    """The rows of ``table`` its page shows for ``sel``, with the schema's columns only."""
    spec = data.spec.table(table)
    chooser = FILTERED.get(table)
    frame = chooser[0](data, sel) if chooser else data[table]
    if table == "initiatives" and sel.id:  # /initiatives?id=… shows that one initiative
        frame = frame[frame["id"] == sel.id]
    return frame.loc[:, spec.column_names]


def package_view(data: Dataset, sel: Selection) -> dict[str, pd.DataFrame]:
    """Every table for ``sel``, with rows whose references the filters removed left out too."""
    frames = {name: view(data, name, sel) for name in data.spec.table_names}
    changed = True
    while changed:  # a removal can orphan rows further down (initiative → scene); a few passes at most
        changed = False
        for name, frame in frames.items():
            keep = pd.Series(True, index=frame.index)
            for fk in data.spec.table(name).foreign_keys:
                present = set(frames[fk.table][fk.target_column])
                column = frame[fk.column]
                keep &= column.map(lambda value, present=present: _points_inside(value, present)).astype(bool)
            if not keep.all():
                frames[name] = frame[keep]
                changed = True
    return frames


def _points_inside(value: object, present: set[object]) -> bool:
    """An empty reference, or one to a row that is in the package."""
    if value is None or value == "" or (isinstance(value, float) and math.isnan(value)):
        return True
    return value in present


# --- values as JSON -----------------------------------------------------------------


def _json_value(value: object) -> object:
    if isinstance(value, tuple | list):
        return [_json_value(v) for v in value]
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return _json_value(value.item())
    return value


def records(frame: pd.DataFrame) -> list[dict[str, object]]:
    return [{str(key): _json_value(value) for key, value in row.items()} for row in frame.to_dict("records")]


def citation_text(data: Dataset, lang: str, url: str) -> str:
    """How to cite the dataset, in the reader's language."""
    version = data_version(data)
    when = fmt_date(version.updated, lang) if version.updated else ""
    return t("cite.dataset", lang, title=t("cite.dataset_title", lang), publisher=PUBLISHER,
             version=version.package, date=when, url=url)


def meta(data: Dataset, table: str, sel: Selection, count: int, lang: str, url: str) -> dict[str, object]:
    return {
        "table": table,
        "filters": applied_filters(table, sel),
        "filtered": table in FILTERED,
        "count": count,
        "data": data_version(data).as_dict(),
        "licence": "CC-BY-4.0",
        "citation": citation_text(data, lang, url),
        "served_from_last_good_copy": data.as_of is not None,
    }


def to_json(data: Dataset, table: str, sel: Selection, lang: str, url: str) -> bytes:
    frame = view(data, table, sel)
    body = {"meta": meta(data, table, sel, len(frame), lang, url), "data": records(frame)}
    return json.dumps(body, ensure_ascii=False, indent=1).encode("utf-8")


def to_csv(data: Dataset, table: str, sel: Selection) -> bytes:
    """Excel-ready: UTF-8 with BOM, CRLF, formulas neutralised; lists joined with ``|`` as in the data files."""
    return to_excel_csv(view(data, table, sel), data.spec.table(table))


# --- GeoJSON (RFC 7946: WGS 84 longitude, latitude; no "crs") ------------------------


def _point(cities: pd.DataFrame, city_id: str) -> dict[str, object] | None:
    if city_id not in cities.index:
        return None
    lat, lon = (float(cities[column].get(city_id, math.nan)) for column in ("latitude", "longitude"))
    if math.isnan(lat) or math.isnan(lon):
        return None
    return {"type": "Point", "coordinates": [round(float(lon), 6), round(float(lat), 6)]}


def _points(cities: pd.DataFrame, city_ids: Iterable[str]) -> dict[str, object] | None:
    """One geometry for all of an initiative's cities: a Point for one, a MultiPoint for several."""
    points = [p for p in (_point(cities, c) for c in city_ids) if p is not None]
    if len(points) <= 1:
        return points[0] if points else None
    return {"type": "MultiPoint", "coordinates": [p["coordinates"] for p in points]}


def to_geojson(data: Dataset, table: str, sel: Selection, lang: str, url: str) -> bytes:
    """Cities as points (with how many initiatives of the view each holds), or one feature per initiative at its
    cities (a MultiPoint when the documents place it in several, so it stays one feature with one id).

    Initiatives with no city (national practice, networks) have no place to draw: ``meta.without_place`` lists them.
    """
    cities = data.cities
    features: list[dict[str, object]] = []
    without: list[str] = []
    if table == "initiatives":
        frame = view(data, table, sel)
        for row in records(frame):
            geometry = _points(cities, cast("list[str]", row.get("city_ids") or []))
            if geometry is None:
                without.append(str(row["id"]))
                continue
            features.append({"type": "Feature", "id": row["id"], "geometry": geometry, "properties": row})
        count = len(features)
    else:
        frame = view(data, "cities", sel)
        held = view(data, "initiatives", sel)["city_ids"].explode().value_counts()
        for row in records(frame):
            geometry = _point(cities, str(row["id"]))
            if geometry is None:
                without.append(str(row["id"]))
                continue
            properties = {**row, "initiatives": int(held.get(row["id"], 0))}
            features.append({"type": "Feature", "id": row["id"], "geometry": geometry, "properties": properties})
        count = len(features)
    info = meta(data, table, sel, count, lang, url)
    info["without_place"] = without
    body = {"type": "FeatureCollection", "features": features, "meta": info}
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


# --- XLSX ------------------------------------------------------------------------


def to_xlsx(data: Dataset, table: str, sel: Selection, lang: str, url: str = "") -> bytes:
    """One sheet: the column names, then the rows; header frozen; right to left for Arabic readers.

    Text cells a spreadsheet would run as a formula are neutralised, as in the CSV. The workbook's
    properties (File → Info) carry the title, the filters and how to cite the data.
    """
    from openpyxl import Workbook  # noqa: PLC0415 - only the .xlsx answer needs it
    from openpyxl.styles import Font  # noqa: PLC0415

    spec = data.spec.table(table)
    frame = view(data, table, sel)
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.title = table[:31]
    sheet.append(spec.column_names)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table_rows(frame, spec):
        sheet.append([neutralise_formula(cell) for cell in row])
    for cell in (c for line in sheet.iter_rows(min_row=2) for c in line):
        cell.data_type = "s"  # text as written, never a formula or a guessed date
    sheet.freeze_panes = "A2"
    book.properties.title = f"{data.spec.descriptor.get('title', '')} · {table}"
    book.properties.subject = ", ".join(f"{k}={v}" for k, v in applied_filters(table, sel).items())
    book.properties.description = citation_text(data, lang, url)
    sheet.sheet_view.rightToLeft = lang == "ar"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- the Data Package --------------------------------------------------------------


def _readme(data: Dataset, sel: Selection, frames: Mapping[str, pd.DataFrame], lang: str, url: str) -> str:
    lines = [f"# {data.spec.descriptor.get('title', '')}", "", str(data.spec.descriptor.get('description', '')), ""]
    chosen = {key: value for key in (*MULTI_KEYS, "q", "id") if (value := getattr(sel, key))}
    if chosen:
        lines += ["Filters: " + "; ".join(f"{k}={v if isinstance(v, str) else ','.join(v)}"
                                          for k, v in chosen.items()), ""]
    lines += ["| file | rows |", "|---|---|"]
    lines += [f"| {data.spec.table(name).path} | {len(frame)} |" for name, frame in frames.items()]
    lines += ["", "## How to cite", "", citation_text(data, lang, url), "",
              ("Every row of the curated tables names its source document (`source_id`, see sources.csv) and the place in it "
              "(`source_locator`)."), ""]
    room = [data.spec.table(name).path for name in frames if data.spec.table(name).room_input]
    if room:  # published poll results: what a live room said, not what a document says
        lines += [(f"{', '.join(room)}: room input (aggregated answers of a live session, no names); "
                   "these rows cite no document."), ""]
    lines += ["Licence: CC-BY-4.0.", ""]
    return "\n".join(lines)


def _citation_cff(data: Dataset, url: str) -> str:
    version = data_version(data)
    lines = [
        "cff-version: 1.2.0",
        "message: If you use this dataset, please cite it as below.",
        "type: dataset",
        f"title: {json.dumps(str(data.spec.descriptor.get('title', '')), ensure_ascii=False)}",
        "authors:",
        f"  - name: {json.dumps(PUBLISHER, ensure_ascii=False)}",
        f"version: {json.dumps(version.package)}",
        "license: CC-BY-4.0",
        f"url: {json.dumps(url)}",
    ]
    if version.updated:
        lines.append(f"date-released: {version.updated.isoformat()}")
    return "\n".join(lines) + "\n"


def datapackage_zip(data: Dataset, sel: Selection, lang: str, url: str) -> bytes:
    """The filtered Frictionless Data Package: datapackage.json, the CSVs, README.md and CITATION.cff."""
    frames = package_view(data, sel)
    descriptor = dict(data.spec.descriptor)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("datapackage.json", json.dumps(descriptor, ensure_ascii=False, indent=2))
        for name, frame in frames.items():
            spec: TableSpec = data.spec.table(name)
            archive.writestr(spec.path, write_csv_text(spec.column_names, table_rows(frame, spec)))
        archive.writestr("README.md", _readme(data, sel, frames, lang, url))
        archive.writestr("CITATION.cff", _citation_cff(data, url))
    return buffer.getvalue()
