"""The map as the browser receives it: one local HTML document per view, its markers as data, reused."""

from __future__ import annotations

import gc
import re
import weakref
from collections.abc import Iterator
from pathlib import Path

import folium
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from components import map as map_component
from mc2cm.filters import Selection, select_initiatives
from mc2cm.loading import load_dataset
from mc2cm.mapping import MARKERS_ID, STATIC_PREFIX, build_map, document_markers, render_document

ROOT = Path(__file__).resolve().parents[2]


def _document(data_dir: Path, sel: Selection | None = None) -> tuple[str, int]:
    data = load_dataset(data_dir)
    fmap, parts = build_map(data.cities, select_initiatives(data, sel or Selection()), "en")
    return render_document(fmap), len(parts.markers)


def test_document_draws_one_marker_per_city_from_local_files() -> None:
    document, markers = _document(ROOT / "data", Selection(area=("emergency_aid",)))
    assert len(document_markers(document)["markers"]) == markers > 0
    assert document.count("L.circleMarker(") == 1  # one fixed script draws them all
    assets = re.findall(r'<(?:script|link)[^>]*(?:src|href)="([^"]+)"', document)
    assert assets, "the document loads Leaflet"
    assert all(asset.startswith(f"{STATIC_PREFIX}/") for asset in assets), assets
    hrefs = [item["href"] for marker in document_markers(document)["markers"] for item in marker["popup"]["items"]]
    assert "/initiatives?id=brital-syrian-displacement-response&lang=en" in hrefs


def test_document_keeps_markup_as_data(hostile_dir: Path) -> None:
    document, _ = _document(hostile_dir)
    assert document.count("<script") == document.count("</script>")  # no data closes or opens a script
    assert "<script>window.__pwned" not in document
    assert "<img src=x" not in document
    assert f'<script type="application/json" id="{MARKERS_ID}">' in document
    assert "window.__pwned=1</script>" in document_markers(document)["markers"][0]["tooltip"]


def _map_documents(at: AppTest) -> list[str]:
    return [element.proto.srcdoc for element in at.get("iframe") if "L.circleMarker(" in element.proto.srcdoc]


def test_the_map_page_sends_the_same_document_on_every_run_and_session() -> None:
    first = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    first.run()
    first.switch_page("pages/map.py").run()
    assert not first.exception
    documents = _map_documents(first)
    assert len(documents) == 1
    assert document_markers(documents[0])["markers"]
    first.run()  # an unchanged rerun
    second = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    second.switch_page("pages/map.py").run()  # another session
    assert _map_documents(first) == _map_documents(second) == documents


# --- the map cache: keyed on what is drawn, and holding no folium objects ----------------


@pytest.fixture
def map_cache(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[weakref.ref[folium.Map]]]:
    """The component's caches, empty, on the shipped data; yields a weak reference to every map built."""
    monkeypatch.setenv("MC2CM_DATA_DIR", str(ROOT / "data"))
    built: list[weakref.ref[folium.Map]] = []
    real_build_map = map_component.build_map

    def recording_build_map(*args: object) -> tuple[folium.Map, object]:
        fmap, parts = real_build_map(*args)  # type: ignore[arg-type]
        built.append(weakref.ref(fmap))
        return fmap, parts

    monkeypatch.setattr(map_component, "build_map", recording_build_map)
    caches = (map_component._cached_map, map_component._selected_ids, map_component._initiatives)
    for cache in caches:
        cache.clear()
    yield built
    for cache in caches:
        cache.clear()


def test_the_cached_view_is_what_build_map_gives(map_cache: list[weakref.ref[folium.Map]]) -> None:
    sel = Selection(area=("access_to_services",))  # national and regional work among them: an "elsewhere" list
    document, parts = map_component.map_for(sel, "en")
    data = load_dataset(ROOT / "data")
    fmap, expected = build_map(data.cities, select_initiatives(data, sel), "en")
    assert document_markers(document) == document_markers(render_document(fmap))
    pd.testing.assert_frame_equal(parts.markers, expected.markers)
    pd.testing.assert_frame_equal(parts.elsewhere, expected.elsewhere)
    assert not parts.elsewhere.empty


def test_searches_that_keep_the_same_initiatives_share_one_map(map_cache: list[weakref.ref[folium.Map]]) -> None:
    upper, _ = map_component.map_for(Selection(q="Brital"), "en")
    lower, _ = map_component.map_for(Selection(q="brital"), "en")
    assert lower is upper
    assert len(map_cache) == 1  # one build, one cache entry
    # Control: a search that keeps other initiatives is another map.
    other, _ = map_component.map_for(Selection(q="Sfax"), "en")
    assert other is not upper
    assert len(map_cache) == 2


def _selections() -> list[Selection]:
    data = load_dataset(ROOT / "data")
    areas = sorted({a for areas in data.initiatives["areas"] for a in areas})
    countries = sorted(data.cities["country_code"].unique())
    return [Selection(area=(area,), country=(country,)) for area in areas for country in countries]


def test_cached_maps_keep_no_folium_objects_alive(map_cache: list[weakref.ref[folium.Map]]) -> None:
    for sel in _selections():
        map_component.map_for(sel, "en")
    assert len(map_cache) > 5
    gc.collect()
    assert [ref for ref in map_cache if ref() is not None] == []


def test_control_a_map_frozen_while_alive_is_never_freed() -> None:
    """The leak the guard above catches: gc.freeze() while a folium map is alive (as the map
    cache once did) keeps its reference cycles forever."""
    data = load_dataset(ROOT / "data")
    fmap, _ = build_map(data.cities, data.initiatives, "en")
    render_document(fmap)
    ref = weakref.ref(fmap)
    gc.freeze()
    try:
        del fmap
        gc.collect()
        assert ref() is not None
    finally:
        gc.unfreeze()
    gc.collect()
    assert ref() is None
