"""The Mediterranean map, built as a folium object without Streamlit.

Everything is served from this machine: Leaflet and jQuery from the app's
static folder, the basemap from the shipped Natural Earth layer. Online tiles
are an optional layer, off by default. Every string from the data is
HTML-escaped before it reaches a popup or tooltip.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from html import escape
from pathlib import Path
from urllib.parse import urlencode

import folium
import pandas as pd
from branca.element import Figure, MacroElement
from jinja2 import Template

from mc2cm import geo
from mc2cm.i18n import is_rtl, join, label, t, text
from mc2cm.metrics import city_summary

STATIC_PREFIX = "/app/static/vendor"
LOCAL_JS = [
    ("leaflet", f"{STATIC_PREFIX}/leaflet/leaflet.js"),
    ("jquery", f"{STATIC_PREFIX}/jquery/jquery.min.js"),  # folium's Popup needs it
]
LOCAL_CSS = [
    ("leaflet_css", f"{STATIC_PREFIX}/leaflet/leaflet.css"),
    ("mc2cm_fonts", f"{STATIC_PREFIX}/fonts/fonts.css"),
]
# Okabe–Ito colours: distinguishable with the common colour-vision deficiencies.
AREA_COLOURS = {
    "emergency_aid": "#D55E00",
    "access_to_services": "#0072B2",
    "intercultural_dialogue": "#009E73",
    "several": "#CC79A7",
}
BASEMAP_URL = f"{STATIC_PREFIX}/basemap/region.geojson"
BASEMAP_STYLE = {"fillColor": "#eef0e8", "color": "#9aa39a", "weight": 0.6, "fillOpacity": 1}
POPUP_LIMIT = 6
TILE_URL = "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png"


@dataclass(frozen=True)
class MapParts:
    """What the map shows, for tests and for the list beside it."""

    markers: pd.DataFrame      # one row per city drawn
    elsewhere: pd.DataFrame    # initiatives not drawn (outside the frame, or no city)


class BasemapLayer(MacroElement):
    """The country outlines, fetched from the app's static folder and drawn beneath the markers.

    Not embedded in the map: the same 150 kB would otherwise travel with every view, and
    the markers draw without waiting for it; the browser caches the file across views.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        fetch({{ this.url|tojson }})
            .then(function (response) { return response.json(); })
            .then(function (data) {
                L.geoJSON(data, {style: {{ this.style|tojson }}, interactive: false})
                    .addTo({{ this._parent.get_name() }}).bringToBack();
            });
        {% endmacro %}
    """)

    def __init__(self, url: str, style: dict[str, object] | None = None) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "BasemapLayer"
        self.url = url
        self.style = style or BASEMAP_STYLE


def esc(value: object) -> str:
    """HTML-escape a data string, and defuse JavaScript template-literal syntax.

    folium puts popup and tooltip HTML inside backtick strings, where a
    backtick or ``${`` from the data would otherwise break out.
    """
    return escape(str(value), quote=True).replace("`", "&#96;").replace("$", "&#36;")


def marker_radius(count: int) -> float:
    """Area grows with the number of initiatives."""
    return 7.0 + 5.0 * math.sqrt(max(count, 1))


@cache
def _region_geojson(path: Path, _mtime: float) -> dict[str, object]:
    with path.open(encoding="utf-8") as fh:
        data: dict[str, object] = json.load(fh)
    return data


def region_layer(data_dir: Path | None = None) -> dict[str, object]:
    path = geo.basemap_path(data_dir, geo.REGION_FILE).resolve()
    return _region_geojson(path, path.stat().st_mtime)


def split_parts(cities: pd.DataFrame, initiatives: pd.DataFrame) -> MapParts:
    summary = city_summary(cities, initiatives)
    inside = summary.apply(lambda r: geo.in_map_frame(r["latitude"], r["longitude"]), axis=1) \
        if not summary.empty else pd.Series(dtype=bool)
    markers = summary[inside] if not summary.empty else summary
    drawn = {i for ids in markers["initiative_ids"] for i in ids}
    elsewhere = initiatives[~initiatives["id"].isin(drawn)]
    return MapParts(markers=markers.reset_index(drop=True), elsewhere=elsewhere)


def initiative_link(initiative_id: str, lang: str) -> str:
    return "/initiatives?" + urlencode({"id": initiative_id, "lang": lang})


def popup_html(city: pd.Series, city_row: pd.Series, initiatives: pd.DataFrame, lang: str) -> str:
    """A short popup: the city, and up to a few initiatives linking to their detail."""
    direction = "rtl" if is_rtl(lang) else "ltr"
    name = esc(text(city_row, "name", lang))
    items = []
    for initiative_id in city["initiative_ids"][:POPUP_LIMIT]:
        row = initiatives.loc[initiative_id]
        title = esc(text(row, "name", lang))
        href = esc(initiative_link(initiative_id, lang))
        areas = join((esc(label("area", a, lang)) for a in row["areas"]), lang)
        items.append(
            f'<li><a href="{href}" target="_blank" rel="noopener">{title}</a>'
            f'<br><small>{areas}</small></li>'
        )
    more = len(city["initiative_ids"]) - POPUP_LIMIT
    if more > 0:
        items.append(f"<li>+{more}</li>")
    return (
        f'<div dir="{direction}" lang="{lang}" class="mc2cm-popup" '
        f"style=\"font-family:'MC2CM Arabic',system-ui,sans-serif;max-width:260px\">"
        f"<strong>{name}</strong><ul style=\"padding-inline-start:1.1em;margin:.4em 0\">"
        f"{''.join(items)}</ul></div>"
    )


def build_map(cities: pd.DataFrame, initiatives: pd.DataFrame, lang: str) -> tuple[folium.Map, MapParts]:
    """The map of the given initiatives' cities, and what it leaves out."""
    parts = split_parts(cities, initiatives)
    south, west, north, east = geo.MAP_BOUNDS
    fmap = folium.Map(location=[(south + north) / 2, (west + east) / 2], zoom_start=4, tiles=None,
                      min_zoom=3, max_zoom=12, control_scale=True)
    fmap.default_js = list(LOCAL_JS)
    fmap.default_css = list(LOCAL_CSS)
    root: Figure = fmap.get_root()  # type: ignore[assignment]
    root.header.add_child(folium.Element(
        "<style>.leaflet-container{background:#d4e6f1;font-family:'MC2CM Arabic',system-ui,sans-serif}</style>"))
    BasemapLayer(BASEMAP_URL).add_to(fmap)
    folium.TileLayer(TILE_URL, name=t("map.online_tiles", lang), attr="© OpenStreetMap contributors",
                     show=False, overlay=True, control=True).add_to(fmap)
    markers = folium.FeatureGroup(name=t("page.initiatives", lang), control=False).add_to(fmap)
    for _, city in parts.markers.iterrows():
        city_row = cities.loc[city["city_id"]]
        colour = AREA_COLOURS[city["area"]]
        tooltip = esc(f"{text(city_row, 'name', lang)} · {city['count']}")
        folium.CircleMarker(
            location=[city["latitude"], city["longitude"]],
            radius=marker_radius(int(city["count"])),
            color="#222222", weight=1, fill=True, fill_color=colour, fill_opacity=0.85,
            tooltip=folium.Tooltip(tooltip, sticky=False),
            # lazy: the popup's HTML is parsed on the first click, not for every city at load
            popup=folium.Popup(popup_html(city, city_row, initiatives, lang), max_width=280, lazy=True),
        ).add_to(markers)
    if not parts.markers.empty:
        lat, lon = parts.markers["latitude"], parts.markers["longitude"]
        pad = 1.5
        fmap.fit_bounds([[max(lat.min() - pad, south), max(lon.min() - pad, west)],
                         [min(lat.max() + pad, north), min(lon.max() + pad, east)]])
    else:
        fmap.fit_bounds([[south, west], [north, east]])
    folium.LayerControl(collapsed=True).add_to(fmap)
    return fmap, parts


def render_document(fmap: folium.Map) -> str:
    """The map as one self-contained HTML document (local scripts, no CDN), for an iframe.

    Rendered once per view and reused as is: an identical document makes an
    identical Streamlit message, which the browser then gets as a short cache reference.
    """
    root: Figure = fmap.get_root()  # type: ignore[assignment]
    html: str = root.render()
    return html
