"""Validate the dataset: everything the schema says, and what it cannot say.

A validation report is a list of :class:`Problem` rows, so tests and the UI
can assert on them. Frictionless checks types and constraints; this module
adds the message layer (plain words, spreadsheet row numbers) and the
cross-table rules: references, ``|`` list items, coordinates inside their
country, scope consistency, Arabic lost to an encoding, and the source
documents in ``documents/`` matching their checksums.

Parity with the reference tool. ``python -m mc2cm validate`` never calls valid
what ``frictionless validate data/datapackage.json`` calls invalid in the
content of a table: a Frictionless error is dropped only where one of our own
errors names the same cell (:func:`unexplained_reference_problems`). What we
accept and Frictionless does not is the *form* Excel writes, which a save turns
into the canonical form (UTF-8, ``,``, LF, schema column order): a BOM, ``;`` or
tab separators, CRLF, cp1256, decimal commas, day-first dates, ``VRAI``/``FAUX``,
spaces around a cell, blank lines, empty cells or nameless empty columns beyond
the last column. Columns the schema does not know are a warning on both sides
(``"fieldsMatch": "subset"`` in the schema; see :func:`read_table`).
"""

from __future__ import annotations

import difflib
import hashlib
import logging
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import parse_qs

from frictionless import Resource, Schema

from mc2cm import geo
from mc2cm.csvio import _FORMULA_START as FORMULA_START  # what the CSV export neutralises
from mc2cm.csvio import (
    CellValueError,
    CSVReadError,
    ReadTable,
    arabic_loss,
    has_arabic,
    is_day_first_locale,
    normalise_cell,
    read_csv_bytes,
    shows_day_first,
)
from mc2cm.schema import DESCRIPTOR_NAME as DESCRIPTOR
from mc2cm.schema import LANGS, FieldSpec, PackageSpec, TableSpec, package_spec, vocabulary_problems

Severity = Literal["error", "warning", "info"]

_LANG_NAMES = {"en": "English", "fr": "French", "ar": "Arabic"}
_TYPE_HINTS = {
    "number": "Write a number such as 36.7167 (a decimal point or a decimal comma).",
    "integer": "Write a whole number such as 2019.",
    "date": "Write the date as YEAR-MONTH-DAY, for example 2019-06-25 (25/06/2019, day first, is read too).",
    "boolean": "Write true or false (VRAI/FAUX and صحيح/خطأ are read too).",
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
    """One thing wrong (or worth knowing) about the data, in plain words.

    ``message`` is the English sentence (the command line prints it); ``params`` are
    the values that sentence names, so that :func:`mc2cm.problem_text.problem_message`
    can say it in the reader's language. ``params["kind"]`` tells variants of one code apart.
    """

    file: str
    row: int | None
    column: str | None
    code: str
    message: str
    severity: Severity = "error"
    params: Mapping[str, object] = field(default_factory=dict, compare=False)

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
    # Header names the schema does not know: warned about, left out of ``rows``.
    ignored_columns: list[str] = field(default_factory=list)

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
    """Read one table's bytes into a CheckedTable, reporting what stops it.

    Cells come back in the schema's canonical form (:func:`mc2cm.csvio.normalise_cell`):
    decimal commas, day-first dates and French or Arabic booleans are rewritten, so
    whoever reads ``rows`` (the checks, the loader, the editor, a save) sees one form.

    Columns the schema does not know (a ``notes`` column added in Excel) are a
    warning and are left out of ``rows``; the known columns are read and checked as
    usual. This matches the schema's ``"fieldsMatch": "subset"`` (Table Schema v2:
    the file must hold every field of the schema and may hold more), so the
    reference tool agrees. A missing column is still an error.
    """
    file = spec.path
    if data is None:
        return None, [
            Problem(file, None, None, "missing-file",
                    f"The file {file} is missing. Restore it from history or the repository.", params={"file": file})
        ]
    try:
        read = read_csv_bytes(data)
    except CSVReadError as exc:
        return None, [Problem(file, exc.row, None, exc.code, exc.message)]

    header, renamed = _former_names_read(spec, read)
    problems: list[Problem] = [*(Problem(file, None, None, "read-note", note, "info", params=params)
                                 for note, params in zip(read.notes, _read_note_params(read), strict=False)), *renamed]
    expected = spec.column_names
    seen: set[str] = set()
    for name in header:
        if name in seen and name:  # nameless columns are judged by their cells below
            problems.append(Problem(file, 1, name, "duplicate-column",
                                    f"The column '{name}' appears twice in the header row. Delete one.",
                                    params={"column": name}))
        seen.add(name)
    missing = [c for c in expected if c not in header]
    for name in missing:
        problems.append(Problem(file, 1, name, "missing-column",
                                f"The column '{name}' is missing from the header row. "
                                "Add it (it may stay empty if it is optional).", params={"column": name}))
    ignored = _unknown_columns(header, read.rows, expected)
    for name in ignored:
        problems.append(Problem(file, 1, name or "(blank)", "unknown-column",
                                _unknown_column_message(name, expected), "warning",
                                params=_unknown_column_params(name, expected)))
    known_order = [c for c in header if c in expected]
    if strict_order and not missing and known_order != expected and len(known_order) == len(expected):
        problems.append(Problem(file, 1, None, "column-order",
                                "The columns are not in the schema's order "
                                f"({', '.join(expected)}). Put them back in that order.",
                                params={"columns": ", ".join(expected)}))
    if has_errors(problems):
        return None, problems

    index = {name: i for i, name in enumerate(header)}
    width = len(header)
    date_columns = [index[f.name] for f in spec.fields if f.type == "date"]
    day_first = is_day_first_locale(read) or shows_day_first(
        record[i] for record in read.rows for i in date_columns if i < len(record))
    rows: list[dict[str, str]] = []
    numbers: list[int] = []
    rewritten: dict[str, int] = {}
    for record, number in zip(read.rows, read.row_numbers, strict=True):
        if len(record) > width and any(c.strip() for c in record[width:]):
            problems.append(Problem(file, number, None, "extra-cells",
                                    f"This row has {len(record)} cells but the header has {width} "
                                    "columns. A separator inside a text may need quotes.",
                                    params={"cells": len(record), "width": width}))
            continue
        if len(record) < width:
            problems.append(Problem(file, number, None, "missing-cells",
                                    f"This row has {len(record)} cells but the header has {width} "
                                    "columns. Some cells are missing.", params={"cells": len(record), "width": width}))
            continue
        problems.extend(_cell_problems(spec, number, {name: record[index[name]] for name in expected}))
        row = {name: record[index[name]].strip() for name in expected}
        for fspec in spec.fields:
            value = row[fspec.name]
            try:
                canonical = normalise_cell(value, fspec.type, day_first=day_first)
            except CellValueError as exc:
                problems.append(Problem(file, number, fspec.name, exc.code, exc.message,
                                        params={"value": value.strip()}))
                continue
            if canonical != value:
                row[fspec.name] = canonical
                kind = "number" if fspec.type == "integer" else fspec.type
                rewritten[kind] = rewritten.get(kind, 0) + 1
        rows.append(row)
        numbers.append(number)
    notes = [*read.notes, *(_REWRITE_NOTES[kind].format(n=n) for kind, n in sorted(rewritten.items()))]
    problems.extend(Problem(file, None, None, "read-note", _REWRITE_NOTES[kind].format(n=n), "info",
                            params={"kind": f"rewrite-{kind}", "n": n})
                    for kind, n in sorted(rewritten.items()))
    return CheckedTable(spec, expected, rows, numbers, notes, ignored), problems


def _former_names_read(spec: TableSpec, read: ReadTable) -> tuple[list[str], list[Problem]]:
    """The header with each column's former name (``mc2cm:formerNames``) read as the column, and a note for each.

    A spreadsheet saved before a column was renamed (``city_id``, now ``city_ids``) stays readable and
    nothing in it is lost: the old cells are the new column's values, and a save through the app writes
    the new name. A file holding both names, the old one with values, is an error: which to keep is the
    staff member's call.
    """
    header = list(read.header)
    problems: list[Problem] = []
    for fspec in spec.fields:
        for old in fspec.former_names:
            if old not in header:
                continue
            if fspec.name not in header:
                header[header.index(old)] = fspec.name
                problems.append(Problem(spec.path, 1, fspec.name, "renamed-column",
                                        f"The column '{old}' now has the name '{fspec.name}': its values were "
                                        f"read as {fspec.name}. Rename the column in the header row, or save "
                                        "through the app, which writes the new name.", "info",
                                        params={"old": old, "new": fspec.name}))
                continue
            position = header.index(old)
            if any(len(record) > position and record[position].strip() for record in read.rows):
                problems.append(Problem(spec.path, 1, old, "renamed-column-both",
                                        f"The file has both '{old}', the former name of '{fspec.name}', and "
                                        f"'{fspec.name}'. Move the values of {old} into {fspec.name} (several "
                                        f"separated by |), then delete the column {old}.",
                                        params={"old": old, "new": fspec.name}))
    return header, problems


_REWRITE_NOTES = {
    "number": "{n} decimal comma(s) read as decimal points",
    "date": "{n} date(s) written day first (DD/MM/YYYY) read as YEAR-MONTH-DAY",
    "boolean": "{n} yes/no value(s) such as VRAI/FAUX or صحيح/خطأ read as true/false",
}


def _read_note_params(read: ReadTable) -> list[dict[str, object]]:
    """What each of ``read.notes`` says, as values (same conditions, same order as :func:`read_csv_bytes`)."""
    kinds: list[dict[str, object]] = []
    if read.had_bom:
        kinds.append({"kind": "bom"})
    if read.encoding == "cp1256":
        kinds.append({"kind": "cp1256"})
    elif read.encoding == "cp1252":
        kinds.append({"kind": "cp1252"})
    if read.delimiter != ",":
        kinds.append({"kind": "tab-separator"} if read.delimiter == "\t"
                     else {"kind": "separator", "separator": read.delimiter})
    if read.had_crlf:
        kinds.append({"kind": "crlf"})
    # a note this list does not know keeps its English words (no params) rather than another note's
    return kinds if len(kinds) == len(read.notes) else [{} for _ in read.notes]


def _unknown_columns(header: list[str], records: list[list[str]], expected: list[str]) -> list[str]:
    """Header names the schema does not know; a nameless column counts only when it holds values."""
    unknown: list[str] = []
    for position, name in enumerate(header):
        if name in expected or name in unknown:
            continue
        if not name and not any(len(r) > position and r[position].strip() for r in records):
            continue  # stray separators at the end of Excel's header row: nothing is lost
        unknown.append(name)
    return unknown


def _unknown_column_message(name: str, expected: list[str]) -> str:
    what = f"The column '{name}' is not in the schema" if name else "A column without a name holds values"
    close = difflib.get_close_matches(name, expected, n=1, cutoff=0.75) if name else []
    hint = (f"If it is meant to be '{close[0]}', correct the spelling." if close
            else "Keep such notes in curator_note, or delete the column.")
    return (f"{what}: the app ignores it and reads the other columns as usual, and a save through the app "
            f"(editor or import) leaves it out. {hint}")


def _unknown_column_params(name: str, expected: list[str]) -> dict[str, object]:
    close = difflib.get_close_matches(name, expected, n=1, cutoff=0.75) if name else []
    return {"name": name, "close": close[0] if close else ""}


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
                                    "without it.", params={"controls": ", ".join(hidden)}))
        if fspec.type != "string":
            continue  # numbers and dates: a minus sign is no formula
        start = value[:1] if value.startswith(FORMULA_START) else value.strip()[:1]
        if start and start in FORMULA_START:
            what = _FORMULA_START_NAMES.get(start, f"'{start}'")
            problems.append(Problem(spec.path, number, fspec.name, "formula-like",
                                    f"The text starts with {what}: Excel may run it as a formula when someone "
                                    f"opens {spec.path}. Start the text with a letter or a word.", "warning",
                                    params={"start": start, "file": spec.path}))
    return problems


def _frictionless_problems(table: CheckedTable) -> list[Problem]:
    spec = table.spec
    descriptor = dict(spec.descriptor["schema"])
    descriptor.pop("foreignKeys", None)
    schema = Schema.from_descriptor(descriptor)
    resource = Resource(data=[spec.column_names, *table.as_lists()], schema=schema)
    report = resource.validate()
    problems: list[Problem] = []
    ids_seen: dict[str, int] = {}
    for position, row in enumerate(table.rows):
        if row.get("id"):
            ids_seen.setdefault(row["id"], table.row_numbers[position])
    for error in report.flatten(["type", "rowNumber", "fieldName", "cell", "note"]):
        etype, row_pos, field_name, cell, note = error
        row_no = table.row_numbers[row_pos - 2] if row_pos and row_pos >= 2 else None
        fspec = spec.field(field_name) if field_name and spec.has(field_name) else None
        described = _describe(etype, fspec, cell, note, table, row_pos, ids_seen)
        if described is None:
            continue  # the same fault as another reference error (a blank id is also a primary-key error)
        message, params = described
        problems.append(Problem(spec.path, row_no, field_name or None, etype, message, params=params))
    return problems


# A reference (Frictionless) error is left out only where one of our own errors on the
# same cell says the same thing more precisely; every other reference error is kept.
_SAME_FAULT: dict[str, frozenset[str]] = {
    # a list cell breaking its pattern: our item checks name the bad item
    "constraint-error": frozenset({"unknown-list-item", "list-item-pattern", "list-separator"}),
    # a date in a form we read, that does not exist or could mean two days
    "type-error": frozenset({"impossible-date", "ambiguous-date"}),
}


def unexplained_reference_problems(reference: Iterable[Problem], ours: Iterable[Problem]) -> list[Problem]:
    """The reference tool's problems that none of ours already states for the same cell.

    This is the parity guard: the validator never calls valid a table the reference
    calls invalid, because a reference error is only dropped when one of our own
    errors covers it (same file, row and column, a code listed in ``_SAME_FAULT``).
    """
    covered = {(p.file, p.row, p.column, p.code) for p in ours if p.severity == "error"}
    kept = []
    for problem in reference:
        codes = _SAME_FAULT.get(problem.code, frozenset())
        if not any((problem.file, problem.row, problem.column, code) in covered for code in codes):
            kept.append(problem)
    return kept


def _describe(
    etype: str, fspec: FieldSpec | None, cell: object, note: str,
    table: CheckedTable, row_pos: int | None, ids_seen: dict[str, int],
) -> tuple[str, dict[str, object]] | None:
    """The English sentence of a reference error, and its values (``kind`` names the variant)."""
    value = "" if cell is None else str(cell)
    if etype == "type-error" and fspec is not None:
        return (f"'{cell}' is not a valid {fspec.type}. {_TYPE_HINTS.get(fspec.type, '')}".strip(),
                {"kind": fspec.type, "value": value})
    if etype == "constraint-error" and fspec is not None:
        if '"required"' in note:
            if fspec.name == "id":
                return ("The id is blank. Every row needs a unique id (lower-case words joined by hyphens).",
                        {"kind": "required-id"})
            title = _column_title(fspec)
            return f"{title[:1].upper()}{title[1:]} is required but empty. Fill it in.", {"kind": "required"}
        if '"minimum"' in note or '"maximum"' in note:
            return ((f"{cell} is out of range: {fspec.title.lower()} must be between "
                    f"{_fmt(fspec.minimum)} and {_fmt(fspec.maximum)}."),
                    {"kind": "range", "value": value, "minimum": _fmt(fspec.minimum), "maximum": _fmt(fspec.maximum)})
        if '"enum"' in note:
            return (f"'{cell}' is not an allowed value. Use one of: {', '.join(fspec.enum)}.",
                    {"kind": "enum", "value": value, "allowed": ", ".join(fspec.enum)})
        if '"pattern"' in note and fspec.is_list:
            return ((f"'{cell}' is not written as a list the schema accepts. Separate the values with | "
                    "alone, without spaces around it or empty values between two bars."),
                    {"kind": "list-pattern", "value": value})
        if '"pattern"' in note:
            hint = _PATTERN_HINTS.get(fspec.name, f"It must match the pattern {fspec.pattern}.")
            kind = f"pattern-{fspec.name}" if fspec.name in _PATTERN_HINTS else "pattern"
            return (f"'{cell}' is not written as expected. {hint}",
                    {"kind": kind, "value": value, "pattern": fspec.pattern or ""})
        return f"'{cell}' breaks a rule of the schema ({note}).", {}
    if etype in ("unique-error", "primary-key"):
        if etype == "primary-key" and fspec is None and "None" in note:
            return None  # blank id: already reported as a required id
        if etype == "unique-error" and fspec is not None and fspec.name == "id":
            return None  # the primary-key error says the same thing
        row = table.rows[row_pos - 2] if row_pos and row_pos >= 2 else {}
        ident = row.get("id", "")
        first = ids_seen.get(ident)
        return ((f"The id '{ident}' is used twice (first in row {first}). "
                "Each row needs its own id: rename one."), {"kind": "duplicate-id", "id": ident, "first": first})
    return note or etype, {}


ARABIC_LOST_ADVICE = "this file was saved in a format that cannot hold Arabic; in Excel choose CSV UTF-8"
_LATIN_WORD = re.compile(r"[A-Za-zÀ-ÿ]{2,}")
_LOWER_RUN = re.compile(r"[a-zà-ÿ]{3}")


def _looks_like_latin_prose(text: str) -> bool:
    """Two Latin words or more, in lower-case letters: a sentence or a name, not an acronym (MC2CM, UNHCR)."""
    words = _LATIN_WORD.findall(text)
    return len(words) >= 2 and any(_LOWER_RUN.search(w) for w in words)


def lost_arabic_problems(table: CheckedTable, previous: CheckedTable | None = None) -> list[Problem]:
    """Arabic text (``_ar`` columns) a save destroyed: one error per row and cause, naming the columns.

    The causes: every Arabic letter became ``?`` (an "ANSI" CSV such as French Excel's
    "CSV (séparateur : point-virgule)"), mojibake (``Ø§Ù„``: UTF-8 read as Windows-1252
    and saved again), or Latin letters only where the previous version of the row had
    Arabic — or, without a previous version, a Latin sentence in a table that otherwise
    has Arabic (acronyms such as ``MC2CM`` stay allowed).
    """
    columns = [f.name for f in table.spec.fields if f.name.endswith("_ar") and f.type == "string"]
    if not columns:
        return []
    before = {r.get("id", ""): r for r in previous.rows} if previous is not None else {}
    table_has_arabic = any(has_arabic(row.get(c, "")) for row in table.rows for c in columns)
    problems: list[Problem] = []
    for row, number in zip(table.rows, table.row_numbers, strict=True):
        found: dict[str, list[tuple[str, str]]] = {}
        old_row = before.get(row.get("id", ""), {})
        for column in columns:
            value = row.get(column, "")
            cause = arabic_loss(value)
            if cause is None and value and not has_arabic(value):
                if has_arabic(old_row.get(column, "")):
                    cause = "latin-was-arabic"
                elif table_has_arabic and _looks_like_latin_prose(value):
                    cause = "latin"
            if cause:
                found.setdefault(cause, []).append((column, value))
        for cause, cells in found.items():
            problems.append(Problem(table.spec.path, number, cells[0][0], _LOST_ARABIC_CODES[cause],
                                    _lost_arabic_message(cause, cells),
                                    params={"kind": cause, "columns": [c for c, _ in cells],
                                            "sample": _sample(cells[0][1])}))
    return problems


_LOST_ARABIC_CODES = {"question-marks": "lost-arabic-question-marks", "mojibake": "lost-arabic-mojibake",
                      "latin-was-arabic": "lost-arabic-latin", "latin": "lost-arabic-latin"}


def _lost_arabic_message(cause: str, cells: list[tuple[str, str]]) -> str:
    names = [c for c, _ in cells]
    where = ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else names[0]
    sample = _sample(cells[0][1])
    if cause == "question-marks":
        return f"The Arabic text in {where} shows as question marks ('{sample}'): {ARABIC_LOST_ADVICE}."
    if cause == "mojibake":
        return f"The Arabic text in {where} is garbled ('{sample}'): {ARABIC_LOST_ADVICE}."
    had = "the previous version of this row had Arabic" if cause == "latin-was-arabic" else "the rest of the table is Arabic"
    return (f"{where} should be Arabic but holds Latin letters only ('{sample}') where {had}: write the Arabic "
            f"text, or, if {ARABIC_LOST_ADVICE}.")


def _sample(text: str) -> str:
    return text if len(text) <= 30 else text[:30] + "…"


def _fmt(value: float | None) -> str:
    if value is None:
        return "?"
    return str(int(value)) if float(value).is_integer() else str(value)


def _id_index(table: CheckedTable | None) -> set[str]:
    return {r["id"] for r in table.rows if r.get("id")} if table else set()


def cross_check(tables: Mapping[str, CheckedTable | None], spec: PackageSpec,
                basemap: Path | None = None, documents: Path | None = None) -> list[Problem]:
    """Rules that span tables or need geography; with ``documents``, the source documents too."""
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
                                            f"Use an existing id, or add that row to {target_title} first.",
                                            params={"value": value, "target": target_title}))
        problems.extend(_list_item_problems(tspec, table, spec, tables, ids))
    problems.extend(_scope_rules(tables))
    problems.extend(_required_when_rules(tables, spec))
    problems.extend(_scene_rules(tables, ids, spec))
    problems.extend(_geography(tables, basemap))
    if documents is not None:
        problems.extend(document_problems(tables.get("sources"), documents))
    return problems


DOCUMENTS_DIR = "documents"  # beside the CSVs: the source documents, unchanged


def document_problems(sources: CheckedTable | None, documents: Path) -> list[Problem]:
    """Each source's document must be in ``documents`` with the SHA-256 that ``sources.csv`` gives it.

    The quotes and locators point into these files, so an edited, replaced or lost
    document is an error on the source's row. The schema cannot say this (Frictionless
    reads the tables only), so it is one of our cross-table rules.
    """
    if sources is None:
        return []
    problems: list[Problem] = []
    for row, number in zip(sources.rows, sources.row_numbers, strict=True):
        file, expected = row.get("file", ""), row.get("sha256", "")
        if not file or Path(file).name != file:
            continue  # blank or not a plain file name: the schema's pattern reports it
        path = documents / file
        if not path.is_file():
            problems.append(Problem(sources.spec.path, number, "file", "missing-document",
                                    f"The document {file} is missing from the {documents.name}/ folder. "
                                    "Put the original file back there, unchanged and under this name.",
                                    params={"document": file, "folder": documents.name}))
            continue
        found = hashlib.sha256(path.read_bytes()).hexdigest()
        if expected and found != expected:
            problems.append(Problem(sources.spec.path, number, "sha256", "document-changed",
                                    f"The document {documents.name}/{file} does not match its checksum: it has been "
                                    f"edited or replaced (SHA-256 {found}, expected {expected}). Put the original "
                                    "file back; if the change is deliberate, write the new checksum in sha256.",
                                    params={"document": file, "folder": documents.name, "found": found,
                                            "expected": expected}))
    return problems


_WRONG_SEPARATOR = re.compile(r"[;,]")
_ANY_SEPARATOR = re.compile(r"[|;,]")
_LIST_BAR = re.compile(r"\|")
_ITEM_HINTS = {
    "country_codes": "Use two-letter ISO country codes in capitals, e.g. TN for Tunisia, LB for Lebanon.",
}


def _list_item_problems(tspec: TableSpec, table: CheckedTable, spec: PackageSpec,
                        tables: Mapping[str, CheckedTable | None], ids: Mapping[str, set[str]]) -> list[Problem]:
    """Each ``|`` item of every list column, checked as the schema says: enum, reference or pattern.

    A list written with ``;`` or ``,`` is an error of its own, and its items are
    still checked one by one, so the message names the value to fix.
    """
    problems: list[Problem] = []
    for fspec in tspec.fields:
        if not fspec.is_list or not fspec.has_item_rules:
            continue  # free lists (partner names) may hold commas
        for row, number in zip(table.rows, table.row_numbers, strict=True):
            raw = row.get(fspec.name, "")
            if not raw:
                continue
            separated = bool(_WRONG_SEPARATOR.search(raw))
            if separated:
                problems.append(Problem(tspec.path, number, fspec.name, "list-separator",
                                        "Separate the values with | (a vertical bar), not ; or ,."))
            for item in (i.strip() for i in (_ANY_SEPARATOR if separated else _LIST_BAR).split(raw)):
                fault = _item_fault(fspec, item, spec, tables, ids) if item else None
                if fault:
                    code, message, params = fault
                    problems.append(Problem(tspec.path, number, fspec.name, code, message, params=params))
    return problems


def _item_fault(fspec: FieldSpec, item: str, spec: PackageSpec, tables: Mapping[str, CheckedTable | None],
                ids: Mapping[str, set[str]]) -> tuple[str, str, dict[str, object]] | None:
    """``(code, message, params)`` when one list item breaks the schema, else ``None``."""
    if fspec.item_enum:
        if item in fspec.item_enum:
            return None
        message = (f"'{item}' is not one of: {', '.join(fspec.item_enum)}. "
                   "Separate several values with | and no other character.")
        return "unknown-list-item", message, {"kind": "enum", "value": item, "allowed": ", ".join(fspec.item_enum)}
    target = fspec.item_reference
    if target and tables.get(target) is not None:
        if item in ids.get(target, set()):
            return None
        path = spec.table(target).path
        message = (f"'{item}' is not an id in {path}. Use an id that exists there, and separate "
                   "several values with | and no other character.")
        return "unknown-list-item", message, {"kind": "reference", "value": item, "target": path}
    if fspec.item_pattern and not re.fullmatch(fspec.item_pattern, item):
        hint = _ITEM_HINTS.get(fspec.name, f"Each value must match the pattern {fspec.item_pattern}.")
        kind = f"pattern-{fspec.name}" if fspec.name in _ITEM_HINTS else "pattern"
        return ("list-item-pattern", f"'{item}' is not written as expected. {hint}",
                {"kind": kind, "value": item, "pattern": fspec.item_pattern})
    return None


def _scope_rules(tables: Mapping[str, CheckedTable | None]) -> list[Problem]:
    table = tables.get("initiatives")
    if table is None:
        return []
    problems = []
    for row, number in zip(table.rows, table.row_numbers, strict=True):
        scope, city = row.get("scope", ""), row.get("city_ids", "")
        if scope == "city" and not city:
            problems.append(Problem("initiatives.csv", number, "city_ids", "scope-needs-city",
                                    "The scope is 'city' but no city is given in city_ids. Give the city, "
                                    "or change the scope to national, regional or multi_country."))
        if scope and scope != "city" and not city and not row.get("country_codes") and not row.get("region_en"):
            problems.append(Problem("initiatives.csv", number, "region_en", "scope-needs-place",
                                    "Work that is not tied to one city needs country_codes or a region.",
                                    "warning"))
    return problems


def _required_when_rules(tables: Mapping[str, CheckedTable | None], spec: PackageSpec) -> list[Problem]:
    """A column the schema marks ``mc2cm:requiredWhen`` (``{column: [values]}``) must be filled on those rows:
    a key point of kind ``expected_result`` names the initiative it details, or no page would show it."""
    problems = []
    for tspec in spec.tables:
        table = tables.get(tspec.name)
        if table is None:
            continue
        for fdesc in tspec.descriptor.get("schema", {}).get("fields", []):
            for column, values in dict(fdesc.get("mc2cm:requiredWhen", {})).items():
                for row, number in zip(table.rows, table.row_numbers, strict=True):
                    value = row.get(column, "")
                    if value in values and not row.get(fdesc["name"], ""):
                        problems.append(Problem(
                            tspec.path, number, fdesc["name"], "required-when",
                            f"{fdesc['name']} is required when {column} is '{value}'. Fill it in, or change {column}.",
                            params={"field": fdesc["name"], "other": column, "value": value}))
    return problems


def _scene_rules(tables: Mapping[str, CheckedTable | None], ids: Mapping[str, set[str]],
                 spec: PackageSpec) -> list[Problem]:
    """A scene's filters must be ones the app understands, with values that exist."""
    table = tables.get("scenes")
    if table is None:
        return []
    problems = []
    for row, number in zip(table.rows, table.row_numbers, strict=True):
        for key, values in parse_qs(row.get("filters", ""), keep_blank_values=True).items():
            if key not in spec.filters:
                problems.append(Problem("scenes.csv", number, "filters", "unknown-filter",
                                        f"'{key}' is not a filter. Use: {', '.join(spec.filters)}.",
                                        params={"key": key, "filters": ", ".join(spec.filters)}))
                continue
            target, column = spec.filters[key].get("table"), spec.filters[key].get("column")
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
                                                f"'{item}' is not a known value for {key}.",
                                                params={"value": item, "key": key}))
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
                        "warning", params={"error": str(exc)})]
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
                                        "Use the two-letter ISO code, e.g. TN, MA, LB.", params={"code": code}))
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
                                "Check the coordinates (decimal degrees, city centre).", severity,
                                params={"kind": "swapped" if swapped else "in-country" if found else "nowhere",
                                        "latitude": lat, "longitude": lon, "distance": round(distance),
                                        "code": code, "found": found or ""}))
    return problems


def validate_files(files: Mapping[str, bytes | None], spec: PackageSpec | None = None,
                   basemap: Path | None = None, *,
                   previous: Mapping[str, CheckedTable | None] | None = None,
                   documents: Path | None = None,
                   ) -> tuple[dict[str, CheckedTable | None], list[Problem]]:
    """Validate tables given as raw bytes (``None`` = missing), keyed by table name.

    ``previous`` holds the tables as they were before an edit (the save path and the
    upload preview know them): an Arabic cell that had Arabic there and now holds
    Latin letters only is then an error too (see :func:`lost_arabic_problems`).
    ``documents`` is the folder of the source documents; given, each one's checksum is
    checked (see :func:`document_problems`).
    """
    spec = spec or package_spec()
    tables: dict[str, CheckedTable | None] = {}
    per_table: list[tuple[list[Problem], list[Problem]]] = []  # (ours, the reference tool's)
    for tspec in spec.tables:
        table, ours = read_table(tspec, files.get(tspec.name))
        reference: list[Problem] = []
        if table is not None:
            ours.extend(lost_arabic_problems(table, (previous or {}).get(tspec.name)))
            try:
                reference = _frictionless_problems(table)
            except Exception as exc:  # a library failure must not become a traceback
                logging.getLogger(__name__).exception("frictionless failed on %s", tspec.path)
                ours.append(Problem(tspec.path, None, None, "check-failed",
                                    f"The schema check could not run on this file ({exc}).",
                                    params={"error": str(exc)}))
        tables[tspec.name] = table
        per_table.append((ours, reference))
    cross = cross_check(tables, spec, basemap, documents)
    all_ours = [p for ours, _ in per_table for p in ours] + cross
    problems: list[Problem] = []
    for ours, reference in per_table:
        problems.extend(ours)
        problems.extend(unexplained_reference_problems(reference, all_ours))
    problems.extend(cross)
    problems.extend(Problem(DESCRIPTOR, None, column, "vocabulary", message)
                    for column, message in vocabulary_problems(spec))
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
                                 geo.basemap_path(data_dir), documents=data_dir / DOCUMENTS_DIR)
    return problems
