"""Tables as CSV files that Excel opens safely."""

from __future__ import annotations

import io
import zipfile

import pandas as pd

from mc2cm.csvio import neutralise_formula, write_csv_text
from mc2cm.schema import LIST_SEPARATOR, TableSpec

BOM = "\ufeff"


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


def zip_tables(frames: dict[str, tuple[pd.DataFrame, TableSpec]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for _, (frame, spec) in sorted(frames.items()):
            archive.writestr(spec.path, to_excel_csv(frame, spec))
    return buffer.getvalue()
