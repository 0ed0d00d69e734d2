"""/map's list of places: exactly the cities and initiatives the map draws, as links, in the reader's language."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from streamlit.testing.v1 import AppTest

from mc2cm.filters import Selection, select_initiatives
from mc2cm.i18n import t
from mc2cm.loading import load_dataset
from mc2cm.mapping import build_map, document_markers, render_document
from tests.app.support import open_page

ROOT = Path(__file__).resolve().parents[2]
VIEWS = [
    ("en", {}, Selection()),
    ("ar", {"area": "emergency_aid"}, Selection(area=("emergency_aid",))),
    ("fr", {"country": "LB"}, Selection(country=("LB",))),
]


def _places_list(at: AppTest) -> str:
    found = [element.proto.body for element in at.get("html") if 'class="mc2cm-places"' in element.proto.body]
    assert len(found) == 1, "one list of places"
    return found[0]


def _listed(body: str) -> dict[str, list[str]]:
    """City id -> the initiative ids its entry links to, in order."""
    listed: dict[str, list[str]] = {}
    for city, inner in re.findall(r'<li data-city="([^"]+)">(.*?)</ul></li>', body, flags=re.S):
        hrefs = re.findall(r'<a href="([^"]+)"', inner.split("<ul>", 1)[1])  # the initiatives, not the place page
        listed[unescape(city)] = [parse_qs(urlparse(unescape(h)).query)["id"][0] for h in hrefs]
    return listed


@pytest.mark.parametrize(("lang", "params", "sel"), VIEWS, ids=["all-en", "emergency-aid-ar", "lebanon-fr"])
def test_the_list_has_the_cities_and_initiatives_the_map_draws(lang: str, params: dict[str, str],
                                                              sel: Selection) -> None:
    at = open_page("pages/map.py", {"lang": lang, **params})
    assert not at.exception
    data = load_dataset(ROOT / "data")
    fmap, parts = build_map(data.cities, select_initiatives(data, sel), lang)
    drawn = {str(row["city_id"]): list(row["initiative_ids"]) for _, row in parts.markers.iterrows()}
    assert drawn, "the view draws some cities"
    listed = _listed(_places_list(at))
    assert {city: sorted(ids) for city, ids in listed.items()} == {city: sorted(ids) for city, ids in drawn.items()}
    assert len(listed) == len(document_markers(render_document(fmap))["markers"])  # one entry per marker
    assert [e.label for e in at.expander if e.label == t("map.list_heading", lang)], "the list's heading"


def test_the_list_is_in_the_readers_language_and_keeps_the_filters() -> None:
    at = open_page("pages/map.py", {"lang": "ar", "area": "emergency_aid"})
    body = _places_list(at)
    assert 'dir="rtl"' in body
    assert 'lang="ar"' in body
    assert "<bdi>بريثال، لبنان</bdi>" in body
    hrefs = [unescape(h) for h in re.findall(r'<a href="([^"]+)"', body)]
    places = [h for h in hrefs if urlparse(h).path == "/places"]  # each city's place page, in the reader's language
    assert len(places) == body.count("<li data-city=")
    assert all(parse_qs(urlparse(h).query)["lang"] == ["ar"] for h in places)
    hrefs = [h for h in hrefs if h not in places]
    assert hrefs
    for href in hrefs:
        query = parse_qs(urlparse(href).query)
        assert urlparse(href).path == "/initiatives"
        assert query["lang"] == ["ar"]
        assert query["area"] == ["emergency_aid"]
    assert 'target="_blank"' not in body  # in place


def test_control_the_comparison_catches_a_missing_city() -> None:
    at = open_page("pages/map.py", {"lang": "en"})
    listed = _listed(_places_list(at))
    data = load_dataset(ROOT / "data")
    _, parts = build_map(data.cities, select_initiatives(data, Selection(area=("emergency_aid",))), "en")
    drawn = {str(row["city_id"]): sorted(row["initiative_ids"]) for _, row in parts.markers.iterrows()}
    assert {city: sorted(ids) for city, ids in listed.items()} != drawn  # another view's markers differ
    listed.pop(next(iter(listed)))
    _, everything = build_map(data.cities, select_initiatives(data, Selection()), "en")
    assert len(listed) != len(everything.markers)
