"""Tables as CSV files that Excel opens safely, named for what they hold."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Mapping
from pathlib import PurePath
from typing import TYPE_CHECKING

import pandas as pd

from mc2cm.csvio import neutralise_formula, write_csv_text
from mc2cm.i18n import country_name
from mc2cm.schema import LIST_SEPARATOR, TableSpec

if TYPE_CHECKING:
    from mc2cm.filters import Selection

BOM = "\ufeff"
# "initiatives-filtered-lebanon.csv": the upload knows such a file holds part of a table (mc2cm.upload).
FILTERED_MARK = "-filtered"
MAX_NAME_LENGTH = 80


def _cell(value: object) -> str:
    if isinstance(value, tuple):
        return LIST_SEPARATOR.join(str(v) for v in value)
    if value is None or (not isinstance(value, str) and pd.isna(value)):  # type: ignore[call-overload]
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return repr(value)
    return str(value)


def table_rows(frame: pd.DataFrame, spec: TableSpec) -> list[list[str]]:
    """Frame → rows of strings in schema order, lists joined with ``|``."""
    columns = spec.column_names
    return [[_cell(row.get(col)) for col in columns] for row in frame.to_dict("records")]


def to_excel_csv(frame: pd.DataFrame, spec: TableSpec) -> bytes:
    """UTF-8 with BOM and CRLF; text cells that a spreadsheet would run are neutralised."""
    text_columns = {f.name for f in spec.fields if f.type == "string"}
    rows = [
        [str(neutralise_formula(cell)) if col in text_columns else cell
         for col, cell in zip(spec.column_names, row, strict=True)]
        for row in table_rows(frame, spec)
    ]
    text = write_csv_text(spec.column_names, rows, line_end="\r\n")
    return (BOM + text).encode("utf-8")


def rows_to_excel_csv(header: list[str], rows: list[list[object]]) -> bytes:
    """Any small table (e.g. poll results) as an Excel-safe CSV."""
    safe = [[str(neutralise_formula(_cell(cell))) for cell in row] for row in rows]
    return (BOM + write_csv_text(header, safe, line_end="\r\n")).encode("utf-8")


def zip_tables(frames: dict[str, tuple[pd.DataFrame, TableSpec]],
               file_names: Mapping[str, str] | None = None) -> bytes:
    """The tables in one zip; ``file_names`` names a table that is filtered (see :func:`download_name`)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, (frame, spec) in sorted(frames.items()):
            archive.writestr((file_names or {}).get(name, spec.path), to_excel_csv(frame, spec))
    return buffer.getvalue()


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def download_name(table_path: str, selection: Selection) -> str:
    """The file name of a table download: ``initiatives-filtered-lebanon.csv`` when filters apply.

    The name says what the file holds, and tells the upload that it is part of the
    table (:func:`mc2cm.upload.is_filtered_name`), so it updates rows instead of
    deleting the ones it lacks. Country codes read as English country names, other
    codes as written; the search text as a slug. Unfiltered: the table's own name.
    """
    if selection.is_empty:
        return table_path
    parts = [*selection.area, *(country_name(code, "en") for code in selection.country), *selection.role,
             *selection.actor, *selection.source, selection.q]
    words = "-".join(s for s in (_slug(part) for part in parts) if s)
    stem = f"{PurePath(table_path).stem}{FILTERED_MARK}"
    if words:
        stem = f"{stem}-{words}"
    if len(stem) > MAX_NAME_LENGTH:
        stem = stem[:MAX_NAME_LENGTH].rsplit("-", 1)[0]
    return f"{stem}{PurePath(table_path).suffix or '.csv'}"
