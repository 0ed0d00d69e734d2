"""Issue 15, parts 1 and 2: checksums of the shipped documents, and verbatim Arabic quotes.

    python scripts/source_quotes.py columns [DATA_DIR ...]   # add sha256 to sources.csv, quote_ar to the cited tables
    python scripts/source_quotes.py suggest TABLE [ID]       # print the closest passages of the cited document
    python scripts/source_quotes.py fill QUOTES.json         # write {table: {id: quote}} into data/*.csv

``suggest`` only proposes: each quote was read in its document before it went into the
JSON file, and tests/core/test_quotes.py checks every one is a verbatim passage.
Columns are written with the project's own writer, so a diff shows the new column only.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mc2cm.csvio import write_csv_text  # noqa: E402
from mc2cm.schema import package_spec  # noqa: E402


def quoted_tables(data_dir: Path) -> tuple[str, ...]:
    """The tables whose schema (datapackage.json) has a quote_ar column: the one list, never a copy."""
    return tuple(t.name for t in package_spec(data_dir).tables if t.has("quote_ar"))

TEXT_COLUMNS = ("summary_ar", "description_ar", "text_ar", "title_ar", "name_ar")


def read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline=""))
    return list(reader.fieldnames or []), list(reader)


def write_rows(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    path.write_text(write_csv_text(header, [[r.get(c, "") for c in header] for r in rows]), encoding="utf-8")


def add_column(path: Path, name: str, after: str, values: dict[str, str] | None = None) -> None:
    header, rows = read_rows(path)
    if name not in header:
        header.insert(header.index(after) + 1, name)
    for row in rows:
        row[name] = (values or {}).get(row["id"], row.get(name) or "")
    write_rows(path, header, rows)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def columns(data_dir: Path) -> None:
    _, sources = read_rows(data_dir / "sources.csv")
    sums = {row["id"]: sha256(data_dir / "documents" / row["file"]) for row in sources}
    add_column(data_dir / "sources.csv", "sha256", "file", sums)
    for table in quoted_tables(data_dir):
        add_column(data_dir / f"{table}.csv", "quote_ar", "source_locator_ar")


def document_text(source_id: str) -> str:
    _, sources = read_rows(ROOT / "data" / "sources.csv")
    file = next(r["file"] for r in sources if r["id"] == source_id)
    return (ROOT / "data" / "documents" / file).read_text(encoding="utf-8")


def sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.:؛!؟])\s+|\n+", text) if len(s.strip()) > 15]


def suggest(table: str, only: str | None) -> None:
    _, rows = read_rows(ROOT / "data" / f"{table}.csv")
    for row in rows:
        if only and row["id"] != only:
            continue
        text = next((row[c] for c in TEXT_COLUMNS if row.get(c)), "")
        candidates = sentences(document_text(row["source_id"]))
        scored = sorted(candidates, key=lambda s: difflib.SequenceMatcher(None, text, s).ratio(), reverse=True)
        print(f"## {table}/{row['id']}  [{row['source_id']} · {row['source_locator_ar']}]\n   row: {text[:300]}")
        for candidate in scored[:3]:
            print(f"   - {candidate[:400]}")
        print()


def fill(quotes_file: Path) -> None:
    quotes: dict[str, dict[str, str]] = json.loads(quotes_file.read_text(encoding="utf-8"))
    for table, by_id in quotes.items():
        path = ROOT / "data" / f"{table}.csv"
        header, rows = read_rows(path)
        unknown = set(by_id) - {r["id"] for r in rows}
        if unknown:
            raise SystemExit(f"{table}: no such ids {sorted(unknown)}")
        for row in rows:
            if row["id"] in by_id:
                row["quote_ar"] = by_id[row["id"]]
        write_rows(path, header, rows)


if __name__ == "__main__":
    command, *args = sys.argv[1:] or ["help"]
    if command == "columns":
        for folder in args or [str(ROOT / "data")]:
            columns(Path(folder))
    elif command == "suggest":
        suggest(args[0], args[1] if len(args) > 1 else None)
    elif command == "fill":
        fill(Path(args[0]))
    else:
        print(__doc__)
