"""The map's content, checked without a browser."""

from __future__ import annotations

import json
from pathlib import Path

import folium

from mc2cm.filters import Selection, select_initiatives
from mc2cm.loading import load_dataset
from mc2cm.mapping import (
    LOCAL_CSS,
    LOCAL_JS,
    MARKERS_ID,
    POPUP_LIMIT,
    build_map,
    document_markers,
    initiative_link,
    marker_radius,
    markers_json,
    preview_map,
    render_document,
)
from mc2cm.schema import current_package

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "minimal"
SHIPPED = Path(__file__).resolve().parents[2] / "data"


def _folium_markers(fmap: folium.Map) -> list[folium.Element]:
    found = []
    def walk(element: folium.Element) -> None:
        for child in element._children.values():
            if isinstance(child, (folium.CircleMarker, folium.Marker, folium.Tooltip, folium.Popup)):
                found.append(child)
            walk(child)
    walk(fmap)
    return found


def _markers(data_dir: Path, sel: Selection | None = None, lang: str = "en") -> list[dict[str, object]]:
    data = load_dataset(data_dir)
    fmap, parts = build_map(data.cities, select_initiatives(data, sel or Selection()), lang)
    markers: list[dict[str, object]] = document_markers(render_document(fmap))["markers"]
    assert len(markers) == len(parts.markers)
    return markers


def test_markers_and_elsewhere() -> None:
    data = load_dataset(FIXTURE)
    fmap, parts = build_map(data.cities, select_initiatives(data, Selection()), "en")
    assert _folium_markers(fmap) == []  # no data inside folium elements: the markers are data
    payload = document_markers(render_document(fmap))
    assert payload["markers"] == [{
        "lat": 34.1167, "lon": 36.1167, "radius": marker_radius(1), "colour": "#D55E00",
        "tooltip": "Brital · 1",
        "popup": {"name": "Brital", "more": 0, "items": [
            {"title": "Brital response", "href": initiative_link("brital-response", "en"), "areas": "Emergency aid"}],
            "place": {"label": "What the documents say of this place", "href": "/places?id=brital&lang=en"}},
    }]
    assert list(parts.elsewhere["id"]) == ["red-cross-network"]


def test_popup_lists_a_few_initiatives_and_counts_the_rest() -> None:
    markers = _markers(SHIPPED)
    assert markers, "the shipped data draws markers"
    for marker in markers:
        popup = marker["popup"]
        assert isinstance(popup, dict)
        count = int(str(marker["tooltip"]).rsplit("· ", 1)[1])
        assert len(popup["items"]) == min(count, POPUP_LIMIT)
        assert popup["more"] == max(count - POPUP_LIMIT, 0)
        assert all(item["href"].startswith("/initiatives?id=") for item in popup["items"])
        assert marker["colour"] in current_package().vocabulary("area").palette().values()


def test_map_uses_only_local_assets() -> None:
    data = load_dataset(FIXTURE)
    fmap, _ = build_map(data.cities, data.initiatives, "en")
    html = render_document(fmap)
    assert fmap.default_js == LOCAL_JS
    assert fmap.default_css == LOCAL_CSS
    assert "cdn." not in html
    assert "/app/static/vendor/leaflet/leaflet.js" in html


def test_filtered_out_cities_have_no_marker() -> None:
    assert _markers(FIXTURE, Selection(area=("intercultural_dialogue",))) == []


def test_hostile_markup_is_data_not_html(hostile_dir: Path) -> None:
    data = load_dataset(hostile_dir)
    fmap, _ = build_map(data.cities, data.initiatives, "en")
    html = render_document(fmap)
    opening = f'<script type="application/json" id="{MARKERS_ID}">'
    start = html.index(opening) + len(opening)
    end = html.index("</script>", start)
    block, outside = html[start:end], html[:start] + html[end:]
    assert "window.__pwned" in block
    assert "__pwned" not in outside  # no data string in folium's HTML or scripts
    assert not any(char in block for char in "<>&")
    marker = document_markers(html)["markers"][0]
    assert marker["popup"]["name"].startswith("<script>window.__pwned=1</script><img src=x")  # shown as text
    arabic, _ = build_map(data.cities, data.initiatives, "ar")
    assert document_markers(render_document(arabic))["dir"] == "rtl"


def test_markers_json_cannot_close_its_script_block() -> None:
    payload = {"s": "</script><!-- & \u2028\u2029 >"}
    blob = markers_json(payload)
    assert not any(char in blob for char in "<>&\u2028\u2029")
    assert json.loads(blob) == payload


def test_the_city_preview_carries_the_typed_name_as_data() -> None:
    fmap = preview_map(34.7, 10.7, "Sfax {{ 7*7 }}", "en")
    assert _folium_markers(fmap) == []
    (marker,) = document_markers(render_document(fmap))["markers"]
    assert marker["tooltip"] == "Sfax {{ 7*7 }}"
    assert "popup" not in marker


def test_the_smallest_marker_is_a_24_px_target() -> None:
    """WCAG 2.5.8: a city with one initiative is still a 24 x 24 CSS px target (measured in tests/browser)."""
    assert 2 * marker_radius(1) >= 24
    assert 2 * marker_radius(0) >= 24  # the radius never shrinks below one initiative's


def test_the_map_script_opens_details_in_place_and_serves_touch_and_keyboard() -> None:
    """What tests/browser/test_phone_navigation.py and test_targets_and_keyboard.py check in a browser,
    here as the script's parts, so a change that drops one fails without a browser too."""
    data = load_dataset(FIXTURE)
    fmap, _ = build_map(data.cities, select_initiatives(data, Selection()), "ar")
    document = render_document(fmap)
    assert 'link.target = "_blank"' not in document  # no new tabs (unless the page is out of reach)
    assert 'link.target = "_top";' in document
    assert "openInPlace(item.href)" in document
    assert 'window.matchMedia("(hover: none)")' in document  # touch: the popup alone, Leaflet's tap tolerance
    assert "if (!(touch && m.popup))" in document
    assert 'element.setAttribute("role", "button")' in document  # keyboard: markers are named buttons
    assert 'element.setAttribute("aria-label", m.tooltip)' in document
