"""Every ``quote_ar`` is a verbatim passage of the document its row cites.

The quote is compared with the shipped document (data/documents/, whose checksums
tests/core/test_documents.py checks against the seeds) after one normalisation only:
runs of whitespace collapse to one space. Anything else — a letter, a hamza, a
diacritic, the document's ``**`` bold marks — must be as the document writes it.
"""

from __future__ import annotations

import csv
import re
from functools import cache
from pathlib import Path

import pytest

from mc2cm.schema import package_spec

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
# Every table whose schema has a quote_ar column is checked; it must be at least these (issue 15, parts 2 and 5,
# and the cited places, officials and events, so that their citations open a highlight too).
EXPECTED_QUOTED = {"initiatives", "challenges", "recommendations", "role_assessments", "frameworks", "cso_roles",
                   "key_points", "guiding_questions", "remarks", "events", "officials", "cities"}
QUOTED_TABLES = tuple(t.name for t in package_spec(DATA).tables if t.has("quote_ar"))
# Rows left without a quote, and why (a quote is never guessed). Empty: every row has one.
KNOWN_GAPS: dict[str, set[str]] = {table: set() for table in QUOTED_TABLES}

_SPACE = re.compile(r"\s+")


def test_the_quoted_tables_are_found_from_the_schema() -> None:
    assert set(QUOTED_TABLES) >= EXPECTED_QUOTED


def normalise(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def rows(table: str) -> list[dict[str, str]]:
    with (DATA / f"{table}.csv").open(encoding="utf-8", newline="") as fh:
        found = list(csv.DictReader(fh))
    assert found, f"no rows in {table}.csv"
    return found


@cache
def document(source_id: str) -> str:
    files = {r["id"]: r["file"] for r in rows("sources")}
    return normalise((DATA / "documents" / files[source_id]).read_text(encoding="utf-8"))


def misquoted(table_rows: list[dict[str, str]]) -> list[str]:
    """``id`` of each row whose quote is not a verbatim passage of its cited document."""
    return [r["id"] for r in table_rows if r["quote_ar"] and normalise(r["quote_ar"]) not in document(r["source_id"])]


@pytest.mark.parametrize("table", QUOTED_TABLES)
def test_every_quote_is_a_verbatim_passage_of_its_cited_document(table: str) -> None:
    table_rows = rows(table)
    quoted = [r for r in table_rows if r["quote_ar"]]
    assert quoted, f"no quotes in {table}.csv: the test would check nothing"
    assert misquoted(table_rows) == []


def unexplained_gaps(table: str, table_rows: list[dict[str, str]]) -> set[str]:
    """Rows without a quote that KNOWN_GAPS does not name."""
    return {r["id"] for r in table_rows if not r["quote_ar"].strip()} - KNOWN_GAPS[table]


@pytest.mark.parametrize("table", QUOTED_TABLES)
def test_every_row_has_a_quote_or_is_a_named_gap(table: str) -> None:
    table_rows = rows(table)
    assert unexplained_gaps(table, table_rows) == set()
    quoted = {r["id"] for r in table_rows if r["quote_ar"].strip()}
    assert KNOWN_GAPS[table] - quoted == KNOWN_GAPS[table]  # a gap since filled is taken off the list


SHORTEST = {"cso_roles": 20}  # a role's quote is its name in the closing table, a short phrase by nature


@pytest.mark.parametrize("table", QUOTED_TABLES)
def test_quotes_are_short_passages(table: str) -> None:
    shortest = SHORTEST.get(table, 40)
    long_or_tiny = [(r["id"], len(r["quote_ar"])) for r in rows(table)
                    if r["quote_ar"] and not shortest <= len(normalise(r["quote_ar"])) <= 300]
    assert long_or_tiny == []


def test_the_key_messages_are_quoted_too() -> None:
    kinds = {r["kind"] for r in rows("recommendations") if r["quote_ar"]}
    assert {"priority", "key_message"} <= kinds


def test_whitespace_alone_may_differ() -> None:
    row = next(r for r in rows("challenges") if r["quote_ar"])
    spread = {**row, "quote_ar": row["quote_ar"].replace(" ", "\n  ", 3)}
    assert misquoted([spread]) == []


# --- controls: a quote that is not the document's is caught -----------------------


def test_control_one_letter_changed_is_caught() -> None:
    row = next(r for r in rows("initiatives") if r["id"] == "brital-syrian-displacement-response")
    assert "للنازحين" in row["quote_ar"]
    changed = {**row, "quote_ar": row["quote_ar"].replace("للنازحين", "للنازحون", 1)}
    assert misquoted([row]) == []
    assert misquoted([changed]) == [row["id"]]


def test_control_a_quote_from_another_document_is_caught() -> None:
    adana = next(r for r in rows("initiatives") if r["source_id"] == "uclg-mewa-adana-2018" and r["quote_ar"])
    summary_row = next(r for r in rows("challenges") if r["source_id"] == "sfax-2019-summary")
    borrowed = {**summary_row, "quote_ar": adana["quote_ar"]}
    assert normalise(adana["quote_ar"]) in document("uclg-mewa-adana-2018")
    assert misquoted([borrowed]) == [summary_row["id"]]


def test_control_normalising_more_than_whitespace_would_hide_a_change() -> None:
    """Dropping the bold marks or the diacritics would let an altered quote through; only spaces are forgiven."""
    row = next(r for r in rows("challenges") if "**" in r["quote_ar"])
    unbolded = {**row, "quote_ar": row["quote_ar"].replace("**", "")}
    assert misquoted([unbolded]) == [row["id"]]


def test_control_a_missing_quote_is_reported_by_the_completeness_test() -> None:
    table_rows = rows("frameworks")
    emptied = [{**table_rows[0], "quote_ar": " "}, *table_rows[1:]]
    assert unexplained_gaps("frameworks", emptied) == {table_rows[0]["id"]}


def test_control_a_new_table_quote_altered_is_caught() -> None:
    """The new tables are checked like the others: one letter changed in a guiding question is caught."""
    row = next(r for r in rows("guiding_questions") if r["id"] == "promising-consultation-mechanisms")
    changed = {**row, "quote_ar": row["quote_ar"].replace("واعدة", "واعده", 1)}
    assert misquoted([row]) == []
    assert misquoted([changed]) == [row["id"]]


def test_control_a_remark_quoted_from_the_wrong_document_is_caught() -> None:
    remark = next(r for r in rows("remarks") if r["id"] == "aidi-opening-sfax-hosting-2011")
    moved = {**remark, "source_id": "sfax-2019-background-paper"}
    assert misquoted([remark]) == []
    assert misquoted([moved]) == [remark["id"]]


def test_control_an_official_quoted_with_a_misspelled_name_is_caught() -> None:
    """The document spells the closing speaker 'لمنين' (for لمين): the quote keeps the typo, and a corrected one fails."""
    row = next(r for r in rows("officials") if r["id"] == "lamine-abbad-closing")
    corrected = {**row, "quote_ar": row["quote_ar"].replace("لمنين", "لمين", 1)}
    assert "لمنين" in row["quote_ar"]
    assert misquoted([row]) == []
    assert misquoted([corrected]) == [row["id"]]


def test_control_a_place_quoted_from_another_document_is_caught() -> None:
    """Nador is named in the summary and in the news article; a city row's quote must come from the document it cites."""
    nador = next(r for r in rows("cities") if r["id"] == "nador")
    consultation = next(r for r in rows("events") if r["id"] == "asticude-nador-regional-consultation")
    borrowed = {**nador, "quote_ar": consultation["quote_ar"]}
    assert nador["source_id"] != consultation["source_id"]
    assert misquoted([nador, consultation]) == []
    assert misquoted([borrowed]) == [nador["id"]]
