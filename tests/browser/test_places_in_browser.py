"""A multi-city initiative is drawn at each of its cities on /map, and its popup there lists it (issue 15, part 4)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Frame, Page

from mc2cm.loading import load_dataset
from tests.browser.support import MAP_FRAME, ROOT

pytestmark = pytest.mark.browser

INITIATIVE = "athens-tangier-tunis-language-classes"

# The Leaflet map folium made (a global named map_<hash>) and its circle markers: where, and the popup each opens.
MARKERS = """() => {
    const map = Object.values(window).find(v => v instanceof L.Map);
    const found = [];
    map.eachLayer(layer => {
        if (!(layer instanceof L.CircleMarker)) return;
        const at = layer.getLatLng();
        layer.openPopup();
        const box = layer.getPopup() && layer.getPopup().getElement();
        found.push({lat: at.lat, lon: at.lng, popup: box ? box.innerText : ""});
        layer.closePopup();
    });
    return found;
}"""


def map_document(page: Page) -> Frame:
    page.wait_for_selector(MAP_FRAME, timeout=60_000)
    handle = page.locator(MAP_FRAME).element_handle()
    assert handle is not None
    frame = handle.content_frame()
    assert frame is not None
    frame.wait_for_selector("path.leaflet-interactive", timeout=60_000)
    return frame


def drawn_at(markers: list[dict[str, object]], lat: float, lon: float) -> list[dict[str, object]]:
    return [m for m in markers if abs(float(m["lat"]) - lat) < 1e-6 and abs(float(m["lon"]) - lon) < 1e-6]  # type: ignore[arg-type]


def test_a_multi_city_initiative_has_a_marker_at_each_city(server: str, new_page) -> None:  # type: ignore[no-untyped-def]
    data = load_dataset(ROOT / "data")
    row = data.initiatives.loc[INITIATIVE]
    assert len(row["city_ids"]) == 3
    page = new_page().open(f"{server}/map?lang=en")
    markers = map_document(page).evaluate(MARKERS)
    assert markers
    for city_id in row["city_ids"]:
        city = data.cities.loc[city_id]
        [marker] = drawn_at(markers, float(city["latitude"]), float(city["longitude"]))
        assert row["name_en"] in str(marker["popup"]), city_id
        assert "What the documents say of this place" in str(marker["popup"])  # the link to /places


def test_control_a_city_without_an_example_has_no_marker(server: str, new_page) -> None:  # type: ignore[no-untyped-def]
    """Control: the check finds nothing where nothing is drawn (Amman: named, no example there)."""
    amman = load_dataset(ROOT / "data").cities.loc["amman"]
    markers = map_document(new_page().open(f"{server}/map?lang=en")).evaluate(MARKERS)
    assert drawn_at(markers, float(amman["latitude"]), float(amman["longitude"])) == []
