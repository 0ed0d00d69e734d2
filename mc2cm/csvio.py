"""Reading CSV files as staff really save them, and writing them back.

Excel writes UTF-8 with a BOM, or cp1256 for Arabic in older versions; French
locales use ``;`` separators and decimal commas; Windows uses CRLF. Everything
here turns such bytes into a clean table of strings, or says precisely why it
cannot. Nothing falls back to latin-1: that would silently garble Arabic.

Cell values in a spreadsheet's locale become the schema's canonical form with
:func:`normalise_cell` (one pure function the validator, the loader and the
editor can all call): decimal commas, day-first dates (``25/06/2019``) and the
booleans French and Arabic Excel write (``VRAI``/``FAUX``, ``صحيح``/``خطأ``).
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
import re
from collections.abc import Iterable
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
    elif encoding == "cp1252":
        notes.append("Western Windows encoding (cp1252, Excel's plain 'CSV') read; it cannot hold Arabic")
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


class CellValueError(ValueError):
    """A cell in a form we recognise that still cannot be read: a date that does not
    exist, or one that could be read two ways. ``code`` names the kind."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
_ISO_DATE = re.compile(r"^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})$")
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})([-/.])(\d{1,2})\2(\d{4})$")
# What Excel writes for TRUE and FALSE in English, French and Arabic, and the
# yes/no words of the same languages; compared case-insensitively.
TRUE_WORDS = frozenset({"true", "1", "yes", "vrai", "oui", "صحيح"})
FALSE_WORDS = frozenset({"false", "0", "no", "faux", "non", "خطأ"})


def _existing_date(year: int, month: int, day: int, written: str) -> str:
    """``YYYY-MM-DD`` of a date given by its parts, or why no such day exists."""
    def impossible(why: str) -> CellValueError:
        return CellValueError("impossible-date", f"The date '{written}' does not exist: {why}. "
                                                 "Check the day and the month, or write it as YEAR-MONTH-DAY (2019-06-25).")
    if year < 1:
        raise impossible(f"there is no year {year}")
    if not 1 <= month <= 12:
        raise impossible(f"there is no month {month}")
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise impossible(f"{_MONTHS[month - 1]} {year} has {last} days" if day else "there is no day 0")
    return dt.date(year, month, day).isoformat()


def normalise_date(value: str, *, day_first: bool = False) -> str:
    """A date as Excel may write it → ``YYYY-MM-DD``; a shape we do not know is returned unchanged.

    ``2019-06-25`` (also with ``/`` or ``.``) is year-month-day. ``25/06/2019``,
    ``25-06-2019`` and ``25.06.2019`` are day first, the order French and Arabic
    Excel write. Such a date is read when it can only mean one thing: the day is
    above 12, or day and month are equal, or ``day_first`` says the file comes from
    a day-first spreadsheet (see :func:`is_day_first_locale`). ``03/04/2019`` in a
    file that gives no such sign could be 3 April or 4 March and is refused, as is a
    date that does not exist (``31/02/2020``, ``2020-02-31``) or reads as month first
    (``06/25/2019``: there is no month 25). Raises :class:`CellValueError`.
    """
    text = value.strip()
    if iso := _ISO_DATE.match(text):
        return _existing_date(int(iso[1]), int(iso[3]), int(iso[4]), text)
    found = _DAY_MONTH_YEAR.match(text)
    if not found:
        return value
    first, second, year = int(found[1]), int(found[3]), int(found[4])
    if second > 12 and 1 <= first <= 12:
        raise CellValueError("impossible-date",
                             f"The date '{text}' does not exist when read day first (DD{found[2]}MM{found[2]}YYYY, "
                             f"as French and Arabic Excel write it): there is no month {second}. Write it as "
                             f"YEAR-MONTH-DAY, e.g. {year}-{first:02d}-{second:02d} for {second} {_MONTHS[first - 1]}.")
    if 1 <= first <= 12 and 1 <= second <= 12 and first != second and not day_first:
        raise CellValueError("ambiguous-date",
                             f"The date '{text}' can be read two ways: {first} {_MONTHS[second - 1]} or "
                             f"{second} {_MONTHS[first - 1]} {year}. Write it as YEAR-MONTH-DAY: "
                             f"{year}-{second:02d}-{first:02d} for {first} {_MONTHS[second - 1]}.")
    return _existing_date(year, second, first, text)


def normalise_boolean(value: str) -> str:
    """``VRAI``/``FAUX``, ``صحيح``/``خطأ``, ``oui``/``non``, ``TRUE``, ``yes``, ``1`` … → ``true``/``false``.

    Anything else is returned unchanged (the schema check then says it is not a boolean).
    """
    word = value.strip().casefold()
    if word in TRUE_WORDS:
        return "true"
    if word in FALSE_WORDS:
        return "false"
    return value


def normalise_cell(value: str, field_type: str, *, day_first: bool = False) -> str:
    """One cell as the schema's canonical text for its Table Schema ``type``.

    Numbers lose a decimal comma, dates become ``YYYY-MM-DD``, booleans ``true`` or
    ``false``; strings and unknown shapes come back unchanged. Raises
    :class:`CellValueError` for a date that does not exist or could mean two days.
    """
    if not value.strip():
        return value
    if field_type in ("number", "integer"):
        return normalise_decimal_comma(value)
    if field_type == "date":
        return normalise_date(value, day_first=day_first)
    if field_type == "boolean":
        return normalise_boolean(value)
    return value


# UTF-8 Arabic letters are two bytes, D8-DB then 80-BF. Read as Windows-1252 or
# latin-1 they show as Ø, Ù, Ú or Û followed by one of these (� where 1252 has no letter).
_CONTINUATION_AS_1252 = "".join(
    sorted({bytes([b]).decode("cp1252", errors="replace") for b in range(0x80, 0xC0)}
           | {chr(b) for b in range(0x80, 0xC0)}))
_ARABIC_AS_1252 = re.compile("[\u00d8-\u00db][" + re.escape(_CONTINUATION_AS_1252) + "]")
_QUESTION_RUN = re.compile(r"\?{2,}")


def has_arabic(text: str) -> bool:
    return bool(_ARABIC.search(text))


def arabic_loss(text: str) -> str | None:
    """How Arabic was lost from ``text``, if it shows: ``"question-marks"`` or ``"mojibake"``.

    Saved in a Windows-1252 ("ANSI", French Excel's "CSV (séparateur : point-virgule)")
    file, every Arabic letter becomes ``?``. UTF-8 opened as Windows-1252 and saved
    again turns ``ال`` into ``Ø§Ù„``. A text that still holds Arabic letters lost nothing.
    """
    if not text or has_arabic(text):
        return None
    if len(_ARABIC_AS_1252.findall(text)) >= 2:
        return "mojibake"
    visible = [c for c in text if not c.isspace()]
    if _QUESTION_RUN.search(text) or (visible and visible.count("?") * 2 >= len(visible)):
        return "question-marks"
    return None


def is_day_first_locale(read: ReadTable) -> bool:
    """Whether the file came from a spreadsheet that writes dates day first.

    Excel uses ``;`` between cells where the locale's decimal mark is a comma
    (French and most European locales), and cp1256 in Arabic Windows: both
    write ``DD/MM/YYYY``. A plain comma file from an English Excel gives no sign.
    """
    return read.delimiter == ";" or read.encoding == "cp1256"


def shows_day_first(values: Iterable[str]) -> bool:
    """Whether some date among ``values`` can only be day first (``25/06/2019``)."""
    for value in values:
        found = _DAY_MONTH_YEAR.match(value.strip())
        if found and int(found[1]) > 12 >= int(found[3]):
            return True
    return False


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
