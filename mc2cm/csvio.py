"""Reading CSV files as staff really save them, and writing them back.

Excel writes UTF-8 with a BOM, or cp1256 for Arabic in older versions; French
locales use ``;`` separators and decimal commas; Windows uses CRLF. Everything
here turns such bytes into a clean table of strings, or says precisely why it
cannot. Nothing falls back to latin-1: that would silently garble Arabic.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from charset_normalizer import from_bytes

ACCEPTED_DELIMITERS = (",", ";", "\t")
# Encodings a staff member's spreadsheet can plausibly produce. A guess outside
# this list is reported, never used.
_ACCEPTED_ENCODINGS = {"utf_8", "cp1256", "windows_1256", "iso8859_6", "cp1252", "ascii"}
_ARABIC = re.compile(r"[\u0600-\u06FF]")
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")


class CSVReadError(Exception):
    """The bytes cannot be read as a table. ``code`` names the kind."""

    def __init__(self, code: str, message: str, row: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.row = row


@dataclass
class ReadTable:
    """A decoded, parsed CSV: header and rows of strings, plus what was normalised."""

    header: list[str]
    rows: list[list[str]]
    encoding: str
    delimiter: str
    had_bom: bool = False
    had_crlf: bool = False
    notes: list[str] = field(default_factory=list)
    # Spreadsheet row number (header = 1) of each parsed record: records are
    # counted, not lines, since a quoted cell may span several lines.
    row_numbers: list[int] = field(default_factory=list)


def decode(data: bytes) -> tuple[str, str, bool]:
    """Return ``(text, encoding, had_bom)``. Raise CSVReadError when unsure."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8", True
        except UnicodeDecodeError as exc:
            raise CSVReadError(
                "encoding",
                "The file starts like UTF-8 but contains bytes that are not UTF-8 "
                f"(at byte {exc.start}). Save it again as 'CSV UTF-8'.",
            ) from exc
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16", True
        except UnicodeDecodeError as exc:
            raise CSVReadError(
                "encoding", "The file looks like UTF-16 but cannot be read. Save it as 'CSV UTF-8'."
            ) from exc
    try:
        return data.decode("utf-8"), "utf-8", False
    except UnicodeDecodeError:
        pass
    if b"\x00" in data:
        raise CSVReadError(
            "not-csv",
            "This is not a text file (it contains binary data). "
            "If it is an Excel workbook, use File > Save As > 'CSV UTF-8'.",
        )
    best = from_bytes(data, cp_isolation=["cp1256", "cp1252"]).best()
    if best is None:
        raise CSVReadError(
            "encoding",
            "The file's character encoding cannot be recognised. Save it as 'CSV UTF-8'.",
        )
    encoding = best.encoding
    text = str(best)
    if encoding in ("cp1256", "windows_1256") or _ARABIC.search(text):
        if encoding not in ("cp1256", "windows_1256"):
            text = data.decode("cp1256", errors="strict")
        return text, "cp1256", False
    if encoding in _ACCEPTED_ENCODINGS:
        return text, encoding, False
    raise CSVReadError(
        "encoding",
        f"The file is not UTF-8 (it looks like {encoding}). Save it as 'CSV UTF-8' so "
        "that Arabic and French letters survive.",
    )


def sniff_delimiter(text: str) -> str:
    """The separator of the header line: ``,``, ``;`` or tab."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: first.count(d) for d in ACCEPTED_DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def parse(text: str, delimiter: str) -> tuple[list[list[str]], list[int]]:
    """Parse strictly; an unclosed quote or a stray character is an error."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records: list[list[str]] = []
    row_numbers: list[int] = []
    start = 1
    try:
        for record in reader:
            records.append(record)
            # Excel shows one row per record, even when a quoted cell holds line breaks.
            row_numbers.append(len(records))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise CSVReadError(
            "malformed",
            f"The file cannot be read as CSV from line {start}: a quote (\") is "
            "probably not closed. Check that cell, or save the file again from Excel.",
            row=start,
        ) from exc
    return records, row_numbers


def read_csv_bytes(data: bytes) -> ReadTable:
    """Decode and parse bytes. Rows are returned as read (no padding)."""
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise CSVReadError("empty", "The file is empty: it needs at least a header row.")
    text, encoding, had_bom = decode(data)
    had_crlf = "\r\n" in text
    delimiter = sniff_delimiter(text)
    records, row_numbers = parse(text, delimiter)
    # Blank lines between records are harmless; drop them but keep numbering.
    kept = [
        (rec, num)
        for rec, num in zip(records, row_numbers, strict=True)
        if any(cell.strip() for cell in rec)
    ]
    if not kept:
        raise CSVReadError("empty", "The file is empty: it needs at least a header row.")
    header = [h.strip() for h in kept[0][0]]
    notes: list[str] = []
    if had_bom:
        notes.append("UTF-8 with BOM (Excel) read as UTF-8")
    if encoding == "cp1256":
        notes.append("Arabic Windows encoding (cp1256) converted to UTF-8")
    if delimiter != ",":
        notes.append(f"'{'tab' if delimiter == chr(9) else delimiter}' separators read")
    if had_crlf:
        notes.append("Windows line ends (CRLF) read")
    return ReadTable(
        header=header,
        rows=[rec for rec, _ in kept[1:]],
        encoding=encoding,
        delimiter=delimiter,
        had_bom=had_bom,
        had_crlf=had_crlf,
        notes=notes,
        row_numbers=[num for _, num in kept[1:]],
    )


def normalise_decimal_comma(value: str) -> str:
    """``"36,72"`` → ``"36.72"``; anything else unchanged."""
    stripped = value.strip()
    if _DECIMAL_COMMA.match(stripped):
        return stripped.replace(",", ".")
    return value


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value: object) -> object:
    """Prefix a text cell that a spreadsheet would run as a formula with ``'``.

    Numbers stay numbers: only strings are touched (OWASP CSV injection).
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def restore_neutralised(value: str) -> str:
    """Undo :func:`neutralise_formula` on a cell read back from one of our exports."""
    if value.startswith("'") and value[1:].startswith(_FORMULA_START):
        return value[1:]
    return value


def write_csv_text(header: list[str], rows: list[list[str]], line_end: str = "\n") -> str:
    """The canonical form of a table: UTF-8 text, commas, LF, minimal quoting."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator=line_end, quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()
