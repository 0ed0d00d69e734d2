"""/manage in French and Arabic: every word staff see comes from a catalog, columns go by their titles.

The pseudo-locale run (MC2CM_PSEUDO=1 wraps each catalog message in ⟦…⟧) of
tests/app/test_pseudo_locale.py, taken further: signed in, a CSV uploaded with errors,
warnings and notes (its preview's tables, cell by cell), the grid's column headers and the
add-a-city form. Each check has a control that puts one English string back and is caught.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block, ElementTree, Node

from mc2cm.i18n import messages
from mc2cm.schema import package_spec
from mc2cm.titles import column_key
from tests.app.support import open_page
from tests.app.test_pseudo_locale import DATA, PASSWORD, residue, sign_in, words_outside_catalogs
from tests.markdown_safety import shown_text

SPEC = package_spec(DATA)
CITIES = SPEC.table("cities")
HELPER = "notes"  # a column staff added in Excel: the file's own word, which the problem table names


@pytest.fixture
def staff_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy, ignore=shutil.ignore_patterns(".history"))
    st.cache_data.clear()
    monkeypatch.setenv("MC2CM_DATA_DIR", str(copy))
    monkeypatch.setenv("MC2CM_ADMIN_PASSWORD", PASSWORD)
    monkeypatch.setenv("MC2CM_VOTES_DB", str(tmp_path / "votes.sqlite3"))
    yield copy
    st.cache_data.clear()


@pytest.fixture
def pseudo(staff_data: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MC2CM_PSEUDO", "1")
    return staff_data


def broken_cities(data: Path) -> bytes:
    """cities.csv as Excel saves it (BOM, CRLF) with a helper column and a source that does not exist."""
    header, first, *rest = (data / "cities.csv").read_text(encoding="utf-8").splitlines()
    wrong = first.replace(",sfax-2019-summary,", ",sfax,", 1)  # an id of cities, not of sources
    assert wrong != first
    text = "\r\n".join([f"{header},{HELPER}", wrong + ",", *(row + "," for row in rest)]) + "\r\n"
    return b"\xef\xbb\xbf" + text.encode("utf-8")


def staff_page(lang: str, data: Path) -> AppTest:
    """/manage signed in, cities chosen, a broken file uploaded, a city typed in the add-a-city tab."""
    at = sign_in(open_page("pages/manage.py", {"lang": lang}), lang)
    assert len(at.tabs) >= 3, "not signed in"
    at.selectbox(key="m_table").set_value("cities").run()
    at.file_uploader(key="upload_cities").set_value(("cities.csv", broken_cities(data), "text/csv")).run()
    at.text_input(key="city_name").set_value("Sousse").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _elements(node: Node | ElementTree, kind: str) -> Iterator[Node]:
    if isinstance(node, ElementTree | Block):
        for child in node.children.values():
            yield from _elements(child, kind)
    elif node.type == kind:
        yield node


def grid_labels(at: AppTest) -> dict[str, str]:
    """The editor grid's column headers: column name → the header a reader sees."""
    [grid] = [e for e in _elements(at._tree, "dataframe") if e.proto.editing_mode]
    config = json.loads(grid.proto.columns)
    return {name: shown_text(str(column.get("label", name))) for name, column in config.items()
            if not name.startswith("_")}  # "_index": the hidden row index


def table_texts(at: AppTest) -> Iterator[str]:
    """Every header and cell of the page's tables (the upload's preview, the problems), the editor grid's aside."""
    grids = [e for e in _elements(at._tree, "dataframe") if not e.proto.editing_mode]
    for table in [*at.table, *grids]:
        frame = table.value
        yield from (shown_text(str(column)) for column in frame.columns)
        yield from (shown_text(str(cell)) for cell in frame.to_numpy().ravel())


def english_left(at: AppTest, lang: str) -> list[tuple[str, str, list[str]]]:
    """Words outside the catalogs and the data, in the elements, the tables and the grid's headers."""
    found = words_outside_catalogs(at, lang)
    texts = [("table", text) for text in table_texts(at) if text != HELPER]
    texts += [("grid", label) for label in grid_labels(at).values()]
    found += [(kind, text[:120], words) for kind, text in texts if (words := residue(text, lang))]
    return found


def untitled_headers(labels: dict[str, str], lang: str) -> list[str]:
    """Columns whose header is not "<title in lang> (<name>)": a raw name alone, or the schema's English title."""
    catalog = messages(lang).singular
    wrong = []
    for name, label in labels.items():
        title = catalog.get(column_key("cities", name))
        if title is None or not label.startswith(f"{title} ({name})") or label.strip(" *") == name:
            wrong.append(name)
    return wrong


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_manage_signed_in_with_an_upload_shows_no_english(pseudo: Path, lang: str) -> None:
    at = staff_page(lang, pseudo)
    assert at.table, "the upload's preview shows its tables"
    assert any("cities.csv" in text for text in table_texts(at)), "the problems of the upload are listed"
    assert at.button(key="save_upload_cities").disabled  # the upload has errors
    assert english_left(at, lang) == []


def test_control_an_english_problem_message_is_caught(pseudo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Control: the preview's problems as the validator's English sentences are found."""
    monkeypatch.setattr("components.editor.problem_message", lambda problem, *_: problem.message)
    found = english_left(staff_page("fr", pseudo), "fr")
    assert any("is not an id in sources.csv" in text for _, text, _ in found), found


def test_control_a_raw_form_label_is_caught(pseudo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Control: the add-a-city form labelled with raw column names, as before, is found."""
    monkeypatch.setattr("components.editor.column_label", lambda _tspec, column, *_, **__: f"{column} *")
    found = english_left(staff_page("ar", pseudo), "ar")
    assert any(text == "source_locator *" for _, text, _ in found), found


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_grids_columns_go_by_their_translated_titles(staff_data: Path, lang: str) -> None:
    at = sign_in(open_page("pages/manage.py", {"lang": lang}), lang)
    at.selectbox(key="m_table").set_value("cities").run()
    labels = grid_labels(at)
    assert set(labels) == set(CITIES.column_names)
    assert untitled_headers(labels, lang) == []
    assert labels["source_locator"] == {"fr": "Emplacement dans la source (source_locator) *",
                                        "ar": "الموضع في المصدر (source_locator) *"}[lang]
    assert {"fr": "Villes et lieux (cities.csv)", "ar": "المدن والأماكن (cities.csv)"}[lang] in at.selectbox(
        key="m_table").options


def test_control_raw_names_and_english_titles_are_caught() -> None:
    """Control for the check above: the old headers (names) and the schema's English titles are both refused."""
    raw = {f.name: f"{f.name} *" if f.required else f.name for f in CITIES.fields}
    assert untitled_headers(raw, "fr") == CITIES.column_names
    english = {f.name: f"{f.title} ({f.name})" for f in CITIES.fields}
    assert "source_locator" in untitled_headers(english, "fr")
    assert set(untitled_headers(english, "ar")) == set(CITIES.column_names)
