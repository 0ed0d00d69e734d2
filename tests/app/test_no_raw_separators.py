"""No `|` of a CSV list cell reaches a reader (issue 13, item 2).

Every page (found by glob), the detail page of every initiative whose lead or partners
hold several names, every /present scene and the map's markers are rendered on the
shipped data, and every string a person can see is scanned. Left out on purpose: code
blocks (copyable citations), the map document's scripts (its markers are scanned from
their JSON), download bytes (the CSVs keep `|`: they are for re-import), and the
schema reference table on /data, whose descriptions explain the `|` to staff.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from google.protobuf.json_format import MessageToDict
from streamlit.testing.v1 import AppTest

from mc2cm.bidi import strip_isolates
from mc2cm.filters import Selection, select_initiatives
from mc2cm.i18n import LANGS, t
from mc2cm.loading import load_dataset
from mc2cm.mapping import MARKERS_ID, build_map, document_markers, render_document
from tests.app.support import open_page
from tests.markdown_safety import shown_text

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
PAGES = ["app.py", *sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py"))]
# The schema's own table on /data documents the file format, "|" included, in any language.
SCHEMA_TABLE_KEYS = ("manage.col_column", "manage.col_title", "manage.col_type", "manage.col_required",
                     "manage.col_description")
SCHEMA_TABLE_COLUMNS = [[t(key, lang) for key in SCHEMA_TABLE_KEYS] for lang in LANGS]
LIST_FIELDS = ("lead", "partners")


@pytest.fixture(autouse=True)
def shipped_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MC2CM_DATA_DIR", str(DATA))
    monkeypatch.setenv("MC2CM_VOTES_DB", str(tmp_path / "votes.sqlite3"))



def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, str):
        yield value


def _nodes(node: Any) -> Iterator[Any]:
    yield node
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            yield from _nodes(child)



def visible_strings(at: AppTest) -> list[str]:
    """The texts of a rendered page a person can read (see the module docstring for what is left out)."""
    found: list[str] = []
    for node in _nodes(at._tree):
        kind = getattr(node, "type", "")
        if kind == "code":
            continue
        if kind in ("dataframe", "table", "arrow_data_frame", "arrow_table"):
            frame = node.value
            if list(frame.columns) in SCHEMA_TABLE_COLUMNS:
                continue
            found.extend(str(c) for c in frame.columns)
            found.extend(str(v) for column in frame.columns for v in frame[column])
            continue
        proto = getattr(node, "proto", None)
        if proto is None or not hasattr(proto, "DESCRIPTOR"):
            continue
        if kind == "iframe" or proto.DESCRIPTOR.name == "IFrame":
            document = getattr(proto, "srcdoc", "")
            if MARKERS_ID in document:
                found.extend(_strings(document_markers(document)))
            continue
        found.extend(shown_text(s) for s in _strings(MessageToDict(proto)))
    return found


def raw_separators(at: AppTest) -> list[str]:
    assert not at.exception, [e.value for e in at.exception]
    texts = visible_strings(at)
    assert texts, "the scan found no text at all"
    return [s for s in texts if "|" in s]


def initiatives_with_lists() -> list[str]:
    inits = load_dataset(DATA).initiatives
    ids = [i for i, row in inits.iterrows()
           if any(len(row[f"{field}_{lang}"]) > 1 for field in LIST_FIELDS for lang in LANGS)]
    assert ids, "the shipped data should have initiatives with several lead organisations or partners"
    return ids


def scene_ids() -> list[str]:
    ids = list(load_dataset(DATA)["scenes"]["id"])
    assert ids
    return ids


@pytest.mark.parametrize("lang", ["fr", "ar"])
@pytest.mark.parametrize("page", PAGES)
def test_no_raw_separator_on_any_page(page: str, lang: str) -> None:
    assert len(PAGES) > 5
    assert raw_separators(open_page(page, {"lang": lang})) == []


@pytest.mark.parametrize("lang", ["en", "ar"])  # a dataframe left to right, st.table right to left
def test_no_raw_separator_in_the_initiatives_table(lang: str) -> None:
    at = open_page("pages/initiatives.py", {"lang": lang})
    at.button_group(key="w_view").set_value("table").run()
    assert any(getattr(node, "type", "") in ("dataframe", "table") for node in _nodes(at._tree))
    assert raw_separators(at) == []


@pytest.mark.parametrize("initiative_id", initiatives_with_lists())
def test_no_raw_separator_on_detail_pages(initiative_id: str) -> None:
    for lang in LANGS:
        assert raw_separators(open_page("pages/initiatives.py", {"lang": lang, "id": initiative_id})) == []


@pytest.mark.parametrize("scene", scene_ids())
def test_no_raw_separator_in_present_scenes(scene: str) -> None:
    assert raw_separators(open_page("pages/present.py", {"lang": "en", "scene": scene})) == []


def test_detail_page_joins_lead_organisations_in_words() -> None:
    at = open_page("pages/initiatives.py", {"lang": "en", "id": "vienna-amsterdam-berlin-ngo-service-contracting"})
    texts = visible_strings(at)
    assert any("Municipality of Vienna" in s and "Municipality of Berlin" in s for s in texts)


def bare_join(items: Iterable[str], _lang: str) -> str:
    """``join`` gone: the list cell as the CSV writes it."""
    return "|".join(items)


def test_control_the_scan_sees_a_separator_when_the_join_is_gone(monkeypatch: pytest.MonkeyPatch) -> None:
    import components.cards  # noqa: PLC0415 - the module whose join the control removes

    monkeypatch.setattr(components.cards, "join", bare_join)
    detail = open_page("pages/initiatives.py", {"lang": "en", "id": "vienna-amsterdam-berlin-ngo-service-contracting"})
    assert any("Municipality of Vienna|Municipality of Amsterdam" in strip_isolates(s) for s in raw_separators(detail))
    cards = open_page("pages/initiatives.py", {"lang": "en"})
    assert raw_separators(cards)


def map_strings(lang: str) -> list[str]:
    data = load_dataset(DATA)
    shown = select_initiatives(data, Selection())
    fmap, _ = build_map(data.cities, shown, lang)
    payload = document_markers(render_document(fmap))
    texts = list(_strings(payload))
    assert any("·" in s for s in texts), "the scan should reach the markers' tooltips"
    return texts


@pytest.mark.parametrize("lang", LANGS)
def test_no_raw_separator_in_map_markers(lang: str) -> None:
    assert [s for s in map_strings(lang) if "|" in s] == []


def test_control_map_scan_sees_a_separator_when_the_join_is_gone(monkeypatch: pytest.MonkeyPatch) -> None:
    import mc2cm.mapping  # noqa: PLC0415

    monkeypatch.setattr(mc2cm.mapping, "join", bare_join)
    assert [s for s in map_strings("en") if "|" in s]
