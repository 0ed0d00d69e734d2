"""Downloads open safely in Excel."""

from __future__ import annotations

from pathlib import Path

from mc2cm.csvio import read_csv_bytes
from mc2cm.export import to_excel_csv
from mc2cm.loading import load_dataset

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "minimal"


def test_excel_csv_has_bom_crlf_and_round_trips() -> None:
    data = load_dataset(FIXTURE)
    blob = to_excel_csv(data.initiatives, data.spec.table("initiatives"))
    assert blob.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in blob
    table = read_csv_bytes(blob)
    assert table.header == data.spec.table("initiatives").column_names
    row = dict(zip(table.header, table.rows[0], strict=True))
    assert row["partners_ar"] == "منظمات المجتمع المدني|الجهات المانحة"
    assert row["year_start"] in ("", "1997")


def test_formulas_are_neutralised_in_text_columns_only() -> None:
    data = load_dataset(FIXTURE)
    frame = data.cities.copy()
    frame.loc["sfax", "name_en"] = "=HYPERLINK(\"http://x\")"
    frame.loc["brital", "name_fr"] = "@SUM(A1)"
    frame.loc["brital", "name_ar"] = "\tx"
    blob = to_excel_csv(frame, data.spec.table("cities")).decode("utf-8-sig")
    assert "'=HYPERLINK" in blob
    assert "'@SUM(A1)" in blob
    assert "'\tx" in blob
    assert ",34.7406,10.7603," in blob  # numbers stay numbers
