"""The map's content, checked without a browser."""

from __future__ import annotations

from pathlib import Path

import folium

from mc2cm.filters import Selection, select_initiatives
from mc2cm.loading import load_dataset
from mc2cm.mapping import LOCAL_CSS, LOCAL_JS, build_map, esc

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "minimal"


def _markers(fmap: folium.Map) -> list[folium.CircleMarker]:
    found = []
    def walk(element: folium.Element) -> None:
        for child in element._children.values():
            if isinstance(child, folium.CircleMarker):
                found.append(child)
            walk(child)
    walk(fmap)
    return found


def test_markers_and_elsewhere() -> None:
    data = load_dataset(FIXTURE)
    fmap, parts = build_map(data.cities, select_initiatives(data, Selection()), "en")
    assert len(_markers(fmap)) == 1 == len(parts.markers)
    assert list(parts.elsewhere["id"]) == ["red-cross-network"]


def test_map_uses_only_local_assets() -> None:
    data = load_dataset(FIXTURE)
    fmap, _ = build_map(data.cities, data.initiatives, "en")
    html = fmap.get_root().render()
    assert fmap.default_js == LOCAL_JS
    assert fmap.default_css == LOCAL_CSS
    assert "cdn." not in html
    assert "/app/static/vendor/leaflet/leaflet.js" in html


def test_filtered_out_cities_have_no_marker() -> None:
    data = load_dataset(FIXTURE)
    fmap, parts = build_map(data.cities, select_initiatives(data, Selection(area=("intercultural_dialogue",))), "en")
    assert _markers(fmap) == []
    assert parts.markers.empty


def test_popup_and_tooltip_escape_markup(hostile_dir: Path) -> None:
    data = load_dataset(hostile_dir)
    fmap, _ = build_map(data.cities, data.initiatives, "en")
    html = fmap.get_root().render()
    assert "window.__pwned" in html
    assert "<script>window.__pwned" not in html
    assert "<img src=x" not in html
    assert "${window" not in html
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
    arabic, _ = build_map(data.cities, data.initiatives, "ar")
    assert 'dir="rtl"' in arabic.get_root().render()


def test_esc_defuses_template_literals() -> None:
    assert esc("`${x}`<b>") == "&#96;&#36;{x}&#96;&lt;b&gt;"
