"""Every citation links to its passage in the source reader (/sources), where that route exists.

One function makes the link (:func:`mc2cm.reader.passage_url`); the map's popups, the cards, the
briefs and the offline copy use it. The reader is a route of serve.py (the front door), like /brief:
under a plain ``streamlit run app.py`` the pages show no link rather than a dead one.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mc2cm.assets import FRONT_DOOR_ENV
from mc2cm.brief import Layout, brief_context
from mc2cm.filters import Selection
from mc2cm.loading import Dataset, load_dataset
from mc2cm.mapping import city_markers, split_parts
from mc2cm.reader import offline_passage_href, passage_url

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def data() -> Dataset:
    return load_dataset(ROOT / "data")


def popup_sources(data: Dataset) -> list[str]:
    parts = split_parts(data.cities, data.initiatives)
    markers = city_markers(parts, data.cities, data.initiatives, "fr")
    return [item["source"]["href"] for m in markers for item in m["popup"]["items"] if item.get("source")]


def test_map_popups_link_each_initiative_to_its_passage(data: Dataset, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(FRONT_DOOR_ENV, "1")
    links = popup_sources(data)
    assert links
    brital = data.initiatives.loc["brital-syrian-displacement-response"]
    assert passage_url("initiatives", "brital-syrian-displacement-response", str(brital["source_id"]), "fr") in links
    assert all(link.startswith("/sources?id=") and link.endswith("#passage") for link in links)


def test_control_without_the_front_door_the_popups_have_no_dead_link(data: Dataset,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(FRONT_DOOR_ENV, raising=False)
    assert popup_sources(data) == []


def test_brief_footnotes_link_to_passages_absolute_when_the_address_is_known(data: Dataset) -> None:
    notes = brief_context(data, Selection(), "en", "http://10.42.0.1:8501/")["notes"]
    assert notes
    assert all(n["href"].startswith("http://10.42.0.1:8501/sources?id=") for n in notes)
    assert all(n["href"].endswith("#passage") for n in notes)


def test_control_a_brief_with_no_address_has_no_link(data: Dataset) -> None:
    notes = brief_context(data, Selection(), "en", "")["notes"]
    assert notes
    assert all(n["href"] == "" for n in notes)


def test_the_offline_copy_links_to_its_own_reader_pages(data: Dataset) -> None:
    layout = Layout(passage_href=lambda table, row_id, source_id: offline_passage_href(table, row_id, source_id, "../"))
    notes = brief_context(data, Selection(id="brital-syrian-displacement-response"), "ar", "", layout=layout)["notes"]
    assert "../sources/sfax-2019-summary.html#q-initiatives--brital-syrian-displacement-response" in \
        [n["href"] for n in notes]
