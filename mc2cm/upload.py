"""What an uploaded CSV is, before anything is saved: which table, which rows.

Three mistakes lose data or hide behind a wall of messages, and each is
recognised here:

- a file of another table (``cities.csv`` chosen as initiatives) is told by its
  header, which fits that other table better (:func:`wrong_table`);
- a filtered download from ``/data`` (``initiatives-filtered-lebanon.csv``) holds
  some rows only; saved as the whole table it would delete the others. It is
  recognised by the name ``/data`` gives it (:func:`is_filtered_name`, the name is
  made by :func:`mc2cm.export.download_name`), or, renamed, because its ids are a
  strict subset of the table's (:func:`looks_filtered`). Such a file *updates* the
  rows it holds (:func:`merge_rows`) instead of replacing the table;
- rows a replacement deletes are listed (:func:`removed_rows`) so that a person
  confirms them, one by one, before a save may delete them.

The filter travels in the file name, not in the file: a comment line above the
header would not survive Excel, and would break the header for every other reader.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath

from mc2cm.csvio import CSVReadError, read_csv_bytes
from mc2cm.export import FILTERED_MARK
from mc2cm.schema import LANGS, PackageSpec, TableSpec
from mc2cm.validation import CheckedTable

# Below this share of columns in common, a header is no table's at all: say "column missing" as usual.
WRONG_TABLE_MIN_FIT = 0.6
_LABEL_COLUMNS = ("name", "title", "question", "text")


@dataclass(frozen=True)
class RemovedRow:
    """A row a save would delete: its id, a name people recognise, its row in the current file."""

    id: str
    label: str
    row: int | None


def header_of(data: bytes) -> list[str] | None:
    """The header row of a CSV as Excel may have saved it; ``None`` when it cannot be read."""
    try:
        return read_csv_bytes(data).header
    except CSVReadError:
        return None


def _fit(header: set[str], tspec: TableSpec) -> float:
    columns = set(tspec.column_names)
    return len(header & columns) / len(header | columns) if header | columns else 0.0


def wrong_table(spec: PackageSpec, chosen: str, data: bytes) -> TableSpec | None:
    """The table this file belongs to when it is not ``chosen``: its header fits that one better.

    A header that lacks columns of ``chosen`` and shares more of its columns with
    another table is that table's; so is a header that is exactly another table's
    (officials.csv holds every column of cso_roles, and more). ``None`` when the file
    cannot be read or fits no table well, and for ``chosen``'s own columns plus
    helper columns (only a warning).
    """
    header = header_of(data)
    if header is None:
        return None
    names = {name for name in header if name}
    target = spec.table(chosen)
    best = max(spec.tables, key=lambda t: _fit(names, t))
    fit = _fit(names, best)
    if best.name == chosen or fit < WRONG_TABLE_MIN_FIT or fit <= _fit(names, target):
        return None
    if set(target.column_names) <= names and fit < 1.0:
        return None
    return best


def wrong_table_message(found: TableSpec, chosen: TableSpec) -> str:
    return (f"This looks like {found.path}, not {chosen.path}: choose the {found.title} table "
            f"({found.name}), or pick the right file.")


def is_filtered_name(file_name: str, table_path: str) -> bool:
    """Whether ``/data`` named this file as a filtered download of that table.

    A browser's " (1)" for a second download, or Excel's own saving, keeps the start of the name.
    """
    stem = PurePath(file_name).stem.lower()
    return stem.startswith(PurePath(table_path).stem.lower() + FILTERED_MARK)


def _ids(table: CheckedTable | None) -> set[str]:
    return {row.get("id", "") for row in table.rows} - {""} if table is not None else set()


def missing_ids(current: CheckedTable | None, update: CheckedTable) -> list[str]:
    """Ids of the current table that the file does not hold, in the table's order."""
    held = _ids(update)
    return [row.get("id", "") for row in (current.rows if current else []) if row.get("id", "") not in held]


def looks_filtered(file_name: str, update: CheckedTable, current: CheckedTable | None) -> bool:
    """A part of the table: named so by ``/data``, or holding only existing ids, fewer than all."""
    if current is None:
        return False
    return is_filtered_name(file_name, update.spec.path) or _ids(update) < _ids(current)


def merge_rows(current: CheckedTable | None, update: CheckedTable) -> CheckedTable:
    """The current table with the file's rows in place of those with the same id, and new ids added.

    No row of the current table is deleted. Rows keep the current order; new ids
    follow, in the file's order. A row keeps the number it has where staff see it:
    the file's Excel row for a row from the file, the table's for a row kept as it was.
    A duplicated id in the file stays duplicated, so validation reports it.
    """
    positions: dict[str, list[int]] = {}
    for position, row in enumerate(update.rows):
        positions.setdefault(row.get("id", ""), []).append(position)
    rows: list[dict[str, str]] = []
    numbers: list[int] = []
    placed: set[str] = set()

    def take(ident: str) -> None:
        for position in positions[ident]:
            rows.append(dict(update.rows[position]))
            numbers.append(update.row_numbers[position])
        placed.add(ident)

    if current is not None:
        for row, number in zip(current.rows, current.row_numbers, strict=True):
            ident = row.get("id", "")
            if ident and ident in positions:
                if ident not in placed:
                    take(ident)
            else:
                rows.append(dict(row))
                numbers.append(number)
    for position, row in enumerate(update.rows):
        ident = row.get("id", "")
        if not ident:
            rows.append(dict(row))
            numbers.append(update.row_numbers[position])
        elif ident not in placed:
            take(ident)
    return CheckedTable(update.spec, list(update.spec.column_names), rows, numbers, list(update.notes),
                        list(update.ignored_columns))


def row_label(row: dict[str, str], lang: str = "en") -> str:
    """A name people know a row by: its name, title, question or text, in ``lang`` first."""
    for base in _LABEL_COLUMNS:
        for candidate in (lang, *LANGS):
            value = row.get(f"{base}_{candidate}", "")
            if value:
                return value
    return ""


def removed_rows(current: CheckedTable | None, removed: Sequence[str], lang: str = "en") -> list[RemovedRow]:
    """The rows (id, name, row number) of ``current`` whose ids are in ``removed``."""
    gone = set(removed)
    if current is None or not gone:
        return []
    return [RemovedRow(row.get("id", ""), row_label(row, lang), number)
            for row, number in zip(current.rows, current.row_numbers, strict=True) if row.get("id", "") in gone]
