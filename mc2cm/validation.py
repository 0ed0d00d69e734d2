"""Validate the dataset: everything the schema says, and what it cannot say.

A validation report is a list of :class:`Problem` rows, so tests and the UI
can assert on them. Frictionless checks types and constraints; this module
adds the message layer (plain words, spreadsheet row numbers) and the
cross-table rules: references, ``|`` list items, coordinates inside their
country, scope consistency.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import parse_qs

from frictionless import Resource, Schema

from mc2cm import geo
from mc2cm.csvio import _FORMULA_START as FORMULA_START  # what the CSV export neutralises
from mc2cm.csvio import CSVReadError, normalise_decimal_comma, read_csv_bytes
from mc2cm.schema import LANGS, FieldSpec, PackageSpec, TableSpec, package_spec, split_list

Severity = Literal["error", "warning", "info"]

_LANG_NAMES = {"en": "English", "fr": "French", "ar": "Arabic"}
_TYPE_HINTS = {
    "number": "Write a number such as 36.7167 (a decimal point or a decimal comma).",
    "integer": "Write a whole number such as 2019.",
    "date": "Write the date as YEAR-MONTH-DAY, for example 2019-06-25.",
    "boolean": "Write true or false.",
}
_PATTERN_HINTS = {
    "id": "Ids use lower-case letters, digits and hyphens only, e.g. 'sfax' or "
    "'brital-syrian-displacement-response'.",
    "country_code": "Use the two-letter ISO country code in capitals, e.g. TN for Tunisia.",
    "file": "Give the document's file name, e.g. 000_038a1b11c4fce8c1.txt.",
}
# Direction controls reorder what people see ("evil" can show as "live"): embeddings,
# overrides and isolates. The marks U+200E, U+200F and U+061C stay allowed.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_FORMULA_START_NAMES = {"\t": "a tab", "\r": "a carriage return"}
# Coastal cities can fall just outside a 1:50m coastline.
COUNTRY_TOLERANCE_KM = 15.0
COUNTRY_WARNING_KM = 60.0


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth knowing) about the data, in plain words."""

    file: str
    row: int | None
    column: str | None
    code: str
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column}")
        label = {"error": "ERROR", "warning": "warning", "info": "note"}[self.severity]
        return f"{label}: {', '.join(where)}: {self.message}"


@dataclass
class CheckedTable:
    """A table after reading: cells stripped, columns in schema order."""

    spec: TableSpec
    header: list[str]
    rows: list[dict[str, str]]
    row_numbers: list[int]
    notes: list[str] = field(default_factory=list)

    def as_lists(self) -> list[list[str]]:
        return [[row.get(col, "") for col in self.spec.column_names] for row in self.rows]


def has_errors(problems: Iterable[Problem]) -> bool:
    return any(p.severity == "error" for p in problems)


def _column_title(spec: FieldSpec) -> str:
    for lang in LANGS:
        if spec.name.endswith(f"_{lang}"):
            return f"the {_LANG_NAMES[lang]} text"
    return spec.title


def read_table(
    spec: TableSpec, data: bytes | None, *, strict_order: bool = True
) -> tuple[CheckedTable | None, list[Problem]]:
    """Read one table's bytes into a CheckedTable, reporting what stops it."""
    file = spec.path
    if data is None:
        return None, [
            Problem(file, None, None, "missing-file",
                    f"The file {file} is missing. Restore it from history or the repository.")
        ]
    try:
        read = read_csv_bytes(data)
    except CSVReadError as exc:
        return None, [Problem(file, exc.row, None, exc.code, exc.message)]

    problems: list[Problem] = [Problem(file, None, None, "read-note", n, "info") for n in read.notes]
    expected = spec.column_names
    seen: set[str] = set()
    for name in read.header:
        if name in seen:
            problems.append(Problem(file, 1, name, "duplicate-column",
                                    f"The column '{name}' appears twice in the header row. Delete one."))
        seen.add(name)
    missing = [c for c in expected if c not in read.header]
    unknown = [c for c in read.header if c not in expected]
    for name in missing:
        problems.append(Problem(file, 1, name, "missing-column",
                                f"The column '{name}' is missing from the header row. "
                                "Add it (it may stay empty if it is optional)."))
    for name in unknown:
        label = name or "(blank)"
        problems.append(Problem(file, 1, label, "unknown-column",
                                f"The header has a column '{label}' that the schema does not know. "
                                f"Check its spelling; the columns are: {', '.join(expected)}."))
    if (strict_order and not missing and not unknown
            and read.header != expected and len(read.header) == len(expected)):
        problems.append(Problem(file, 1, None, "column-order",
                                "The columns are not in the schema's order "
                                f"({', '.join(expected)}). Put them back in that order."))
    if has_errors(problems):
        return None, problems

    index = {name: i for i, name in enumerate(read.header)}
    rows: list[dict[str, str]] = []
    numbers: list[int] = []
    width = len(read.header)
    for record, number in zip(read.rows, read.row_numbers, strict=True):
        if len(record) > width and any(c.strip() for c in record[width:]):
            problems.append(Problem(file, number, None, "extra-cells",
                                    f"This row has {len(record)} cells but the header has {width} "
                                    "columns. A separator inside a text may need quotes."))
            continue
        if len(record) < width:
            problems.append(Problem(file, number, None, "missing-cells",
                                    f"This row has {len(record)} cells but the header has {width} "
                                    "columns. Some cells are missing."))
            continue
        problems.extend(_cell_problems(spec, number, {name: record[i] for name, i in index.items()}))
        row = {name: record[i].strip() for name, i in index.items()}
        for fspec in spec.fields:
            if fspec.type in ("number", "integer") and row.get(fspec.name):
                row[fspec.name] = normalise_decimal_comma(row[fspec.name])
        rows.append(row)
        numbers.append(number)
    return CheckedTable(spec, expected, rows, numbers, read.notes), problems


def _cell_problems(spec: TableSpec, number: int, cells: Mapping[str, str]) -> list[Problem]:
    """What a cell holds that the schema cannot see: direction controls, formula starts."""
    problems: list[Problem] = []
    for fspec in spec.fields:
        value = cells.get(fspec.name, "")
        hidden = sorted({f"U+{ord(c):04X}" for c in value if c in BIDI_CONTROLS})
        if hidden:
            problems.append(Problem(spec.path, number, fspec.name, "bidi-control",
                                    f"The text holds an invisible direction control ({', '.join(hidden)}) that "
                                    "makes it show in a different order than it is written. Retype the text "
                                    "without it."))
        if fspec.type != "string":
            continue  # numbers and dates: a minus sign is no formula
        start = value[:1] if value.startswith(FORMULA_START) else value.strip()[:1]
        if start and start in FORMULA_START:
            what = _FORMULA_START_NAMES.get(start, f"'{start}'")
            problems.append(Problem(spec.path, number, fspec.name, "formula-like",
                                    f"The text starts with {what}: Excel may run it as a formula when someone "
                                    f"opens {spec.path}. Start the text with a letter or a word.", "warning"))
    return problems


def _frictionless_problems(table: CheckedTable) -> list[Problem]:
    spec = table.spec
    descriptor = dict(spec.descriptor["schema"])
    descriptor.pop("foreignKeys", None)
    schema = Schema.from_descriptor(descriptor)
    resource = Resource(data=[spec.column_names, *table.as_lists()], schema=schema)
    report = resource.validate()
    problems: list[Problem] = []
    list_fields = {f.name for f in spec.fields if f.is_list}
    ids_seen: dict[str, int] = {}
    for position, row in enumerate(table.rows):
        if row.get("id"):
            ids_seen.setdefault(row["id"], table.row_numbers[position])
    for error in report.flatten(["type", "rowNumber", "fieldName", "cell", "note"]):
        etype, row_pos, field_name, cell, note = error
        row_no = table.row_numbers[row_pos - 2] if row_pos and row_pos >= 2 else None
        fspec = spec.field(field_name) if field_name and spec.has(field_name) else None
        message = _describe(etype, fspec, cell, note, table, row_pos, ids_seen)
        if message is None or (fspec is not None and fspec.name in list_fields and "pattern" in note):
            continue  # list items get precise messages from the cross checks
        problems.append(Problem(spec.path, row_no, field_name or None, etype, message))
    return problems


def _describe(
    etype: str, fspec: FieldSpec | None, cell: object, note: str,
    table: CheckedTable, row_pos: int | None, ids_seen: dict[str, int],
) -> str | None:
    if etype == "type-error" and fspec is not None:
        return f"'{cell}' is not a valid {fspec.type}. {_TYPE_HINTS.get(fspec.type, '')}".strip()
    if etype == "constraint-error" and fspec is not None:
        if '"required"' in note:
            if fspec.name == "id":
                return "The id is blank. Every row needs a unique id (lower-case words joined by hyphens)."
            title = _column_title(fspec)
            return f"{title[:1].upper()}{title[1:]} is required but empty. Fill it in."
        if '"minimum"' in note or '"maximum"' in note:
            return (f"{cell} is out of range: {fspec.title.lower()} must be between "
                    f"{_fmt(fspec.minimum)} and {_fmt(fspec.maximum)}.")
        if '"enum"' in note:
            return f"'{cell}' is not an allowed value. Use one of: {', '.join(fspec.enum)}."
        if '"pattern"' in note:
            hint = _PATTERN_HINTS.get(fspec.name, f"It must match the pattern {fspec.pattern}.")
            return f"'{cell}' is not written as expected. {hint}"
        return f"'{cell}' breaks a rule of the schema ({note})."
    if etype in ("unique-error", "primary-key"):
        if etype == "primary-key" and fspec is None and "None" in note:
            return None  # blank id: already reported as a required id
        if etype == "unique-error" and fspec is not None and fspec.name == "id":
            return None  # the primary-key error says the same thing
        row = table.rows[row_pos - 2] if row_pos and row_pos >= 2 else {}
        ident = row.get("id", "")
        first = ids_seen.get(ident)
        return (f"The id '{ident}' is used twice (first in row {first}). "
                "Each row needs its own id: rename one.")
    return note or etype


def _fmt(value: float | None) -> str:
    if value is None:
        return "?"
    return str(int(value)) if float(value).is_integer() else str(value)


def _id_index(table: CheckedTable | None) -> set[str]:
    return {r["id"] for r in table.rows if r.get("id")} if table else set()


def cross_check(tables: Mapping[str, CheckedTable | None], spec: PackageSpec,
                basemap: Path | None = None) -> list[Problem]:
    """Rules that span tables or need geography."""
    problems: list[Problem] = []
    ids = {name: _id_index(tables.get(name)) for name in spec.table_names}
    for tspec in spec.tables:
        table = tables.get(tspec.name)
        if table is None:
            continue
        for fk in tspec.foreign_keys:
            if tables.get(fk.table) is None:
                continue
            target_title = spec.table(fk.table).path
            for row, number in zip(table.rows, table.row_numbers, strict=True):
                value = row.get(fk.column, "")
                if value and value not in ids[fk.table]:
                    problems.append(Problem(tspec.path, number, fk.column, "dangling-reference",
                                            f"'{value}' is not an id in {target_title}. "
                                            f"Use an existing id, or add that row to {target_title} first."))
        for fspec in tspec.fields:
            if not fspec.is_list or not (fspec.item_enum or fspec.item_reference):
                continue
            allowed = set(fspec.item_enum) if fspec.item_enum else ids.get(fspec.item_reference or "", set())
            if fspec.item_reference and tables.get(fspec.item_reference) is None:
                continue
            where = (f"one of: {', '.join(fspec.item_enum)}" if fspec.item_enum
                     else f"an id in {spec.table(fspec.item_reference or '').path}")
            for row, number in zip(table.rows, table.row_numbers, strict=True):
                raw = row.get(fspec.name, "")
                for item in split_list(raw):
                    if item not in allowed:
                        problems.append(Problem(tspec.path, number, fspec.name, "unknown-list-item",
                                                f"'{item}' is not {where}. Separate several values "
                                                "with | and no other character."))
                if raw and any(sep in raw for sep in (";", ",")) and not fspec.name.startswith("partners_"):
                    problems.append(Problem(tspec.path, number, fspec.name, "list-separator",
                                            "Separate the values with | (a vertical bar), not ; or ,."))
    problems.extend(_scope_rules(tables))
    problems.extend(_scene_rules(tables, ids, spec))
    problems.extend(_geography(tables, basemap))
    return problems


def _scope_rules(tables: Mapping[str, CheckedTable | None]) -> list[Problem]:
    table = tables.get("initiatives")
    if table is None:
        return []
    problems = []
    for row, number in zip(table.rows, table.row_numbers, strict=True):
        scope, city = row.get("scope", ""), row.get("city_id", "")
        if scope == "city" and not city:
            problems.append(Problem("initiatives.csv", number, "city_id", "scope-needs-city",
                                    "The scope is 'city' but no city_id is given. Give the city, "
                                    "or change the scope to national, regional or multi_country."))
        if scope and scope != "city" and not city and not row.get("country_codes") and not row.get("region_en"):
            problems.append(Problem("initiatives.csv", number, "region_en", "scope-needs-place",
                                    "Work that is not tied to one city needs country_codes or a region.",
                                    "warning"))
    return problems


SCENE_FILTER_KEYS = {"area": ("initiatives", "areas"), "role": ("cso_roles", None), "country": (None, None),
                     "actor": ("initiatives", "actor_type"), "source": ("sources", None), "q": (None, None)}


def _scene_rules(tables: Mapping[str, CheckedTable | None], ids: Mapping[str, set[str]],
                 spec: PackageSpec) -> list[Problem]:
    """A scene's filters must be ones the app understands, with values that exist."""
    table = tables.get("scenes")
    if table is None:
        return []
    problems = []
    for row, number in zip(table.rows, table.row_numbers, strict=True):
        for key, values in parse_qs(row.get("filters", ""), keep_blank_values=True).items():
            if key not in SCENE_FILTER_KEYS:
                problems.append(Problem("scenes.csv", number, "filters", "unknown-filter",
                                        f"'{key}' is not a filter. Use: {', '.join(SCENE_FILTER_KEYS)}."))
                continue
            target, column = SCENE_FILTER_KEYS[key]
            if target is None:
                continue
            if column is None:
                allowed = ids.get(target, set())
            else:
                fspec = spec.table(target).field(column)
                allowed = set(fspec.item_enum or fspec.enum)
            for value in values:
                for item in value.split(","):
                    if item not in allowed:
                        problems.append(Problem("scenes.csv", number, "filters", "unknown-filter-value",
                                                f"'{item}' is not a known value for {key}."))
    return problems


def _geography(tables: Mapping[str, CheckedTable | None], basemap: Path | None) -> list[Problem]:
    cities = tables.get("cities")
    if cities is None:
        return []
    try:
        countries = geo.country_shapes(basemap)
    except (OSError, ValueError) as exc:
        return [Problem("cities.csv", None, None, "basemap-missing",
                        f"Coordinates could not be checked: the country layer cannot be read ({exc}).",
                        "warning")]
    problems = []
    for row, number in zip(cities.rows, cities.row_numbers, strict=True):
        code = row.get("country_code", "")
        try:
            lat, lon = float(row.get("latitude", "")), float(row.get("longitude", ""))
        except ValueError:
            continue  # a type error is reported already
        if not (math.isfinite(lat) and math.isfinite(lon)) or abs(lat) > 90 or abs(lon) > 180:
            continue
        if code not in countries:
            if code:
                problems.append(Problem("cities.csv", number, "country_code", "unknown-country",
                                        f"'{code}' is not a country code the map knows. "
                                        "Use the two-letter ISO code, e.g. TN, MA, LB."))
            continue
        distance = geo.distance_to_country_km(countries, code, lat, lon)
        if distance <= COUNTRY_TOLERANCE_KM:
            continue
        found = geo.country_at(countries, lat, lon)
        swapped = geo.distance_to_country_km(countries, code, lon, lat) <= COUNTRY_TOLERANCE_KM
        hint = (" Latitude and longitude look swapped." if swapped
                else f" That point is in {found}." if found else " That point is at sea or outside every country.")
        severity: Severity = "warning" if distance <= COUNTRY_WARNING_KM and not swapped else "error"
        problems.append(Problem("cities.csv", number, "latitude", "outside-country",
                                f"The point ({lat}, {lon}) lies {distance:.0f} km outside {code}.{hint} "
                                "Check the coordinates (decimal degrees, city centre).", severity))
    return problems


def validate_files(files: Mapping[str, bytes | None], spec: PackageSpec | None = None,
                   basemap: Path | None = None) -> tuple[dict[str, CheckedTable | None], list[Problem]]:
    """Validate tables given as raw bytes (``None`` = missing), keyed by table name."""
    spec = spec or package_spec()
    tables: dict[str, CheckedTable | None] = {}
    problems: list[Problem] = []
    for tspec in spec.tables:
        table, read_problems = read_table(tspec, files.get(tspec.name))
        problems.extend(read_problems)
        if table is not None:
            try:
                problems.extend(_frictionless_problems(table))
            except Exception as exc:  # a library failure must not become a traceback
                logging.getLogger(__name__).exception("frictionless failed on %s", tspec.path)
                problems.append(Problem(tspec.path, None, None, "check-failed",
                                        f"The schema check could not run on this file ({exc})."))
        tables[tspec.name] = table
    problems.extend(cross_check(tables, spec, basemap))
    return tables, problems


def read_data_dir(data_dir: Path | str) -> dict[str, bytes | None]:
    """Raw bytes of each table in ``data_dir`` (``None`` when missing)."""
    data_dir = Path(data_dir)
    spec = package_spec(data_dir)
    files: dict[str, bytes | None] = {}
    for tspec in spec.tables:
        path = data_dir / tspec.path
        files[tspec.name] = path.read_bytes() if path.is_file() else None
    return files


def validate_dir(data_dir: Path | str) -> list[Problem]:
    """Validate a data folder. Never writes."""
    data_dir = Path(data_dir)
    _, problems = validate_files(read_data_dir(data_dir), package_spec(data_dir),
                                 geo.basemap_path(data_dir))
    return problems
