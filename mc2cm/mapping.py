"""The Mediterranean map, built as a folium object without Streamlit.

Everything is served from this machine: Leaflet from the app's static folder,
the basemap from the shipped Natural Earth layer. Online tiles are an optional
layer, off by default.

No string from the data ever enters a folium element. folium and branca compile
each element's rendered script a second time as a Jinja2 template, so a city
named ``Sfax {{ 7*7 }}`` would show "Sfax 49", and worse would run on the
server. The markers travel as data instead: :func:`render_document` adds them to
the finished HTML as a JSON block, and :class:`MarkerLayer`'s fixed script draws
them, putting every data string into the page with ``textContent``.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import folium
import pandas as pd
from branca.element import Figure, MacroElement
from jinja2 import Template

from mc2cm import geo
from mc2cm.assets import front_door_active
from mc2cm.i18n import is_rtl, join, label, t, text
from mc2cm.metrics import city_summary
from mc2cm.places import place_link
from mc2cm.reader import row_passage_url
from mc2cm.schema import current_package

STATIC_PREFIX = "/app/static/vendor"
LOCAL_JS = [
    ("leaflet", f"{STATIC_PREFIX}/leaflet/leaflet.js"),
]
LOCAL_CSS = [
    ("leaflet_css", f"{STATIC_PREFIX}/leaflet/leaflet.css"),
    ("mc2cm_fonts", f"{STATIC_PREFIX}/fonts/fonts.css"),
]


def area_colour(area: str) -> str:
    """An area's colour on the map and in charts, from the schema (``mc2cm:vocabularies``)."""
    return current_package().vocabulary("area").colour(area)


PREVIEW_COLOUR = "#D55E00"  # the staff's "about to be added" marker: not an area
BASEMAP_URL = f"{STATIC_PREFIX}/basemap/region.geojson"
BASEMAP_STYLE = {"fillColor": "#eef0e8", "color": "#9aa39a", "weight": 0.6, "fillOpacity": 1}
POPUP_LIMIT = 6
MARKERS_ID = "mc2cm-markers"  # the id of the document's JSON block of markers
MARKER_STYLE = {"color": "#222222", "weight": 1, "fill": True, "fillOpacity": 0.85}
TILE_URL = "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png"
TILE_ORIGIN = "https://*.tile.openstreetmap.org"  # the one remote origin the app allows (opt-in layer)


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


class MarkerLayer(MacroElement):
    """Circle markers drawn in the browser from the document's JSON block (``MARKERS_ID``).

    The template is code only: the markers themselves (``self.payload``) are never
    rendered by folium; :func:`render_document` writes them into the finished HTML as
    JSON. The script builds tooltips and popups as DOM nodes and sets every data
    string with ``textContent``, so markup in the data shows as text. A popup is built
    on its first opening. Keep ``{{``, ``{%`` and ``{#`` out of the script: branca
    reads its output as a template once more.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (map) {
            var block = document.getElementById({{ this.block_id|tojson }});
            if (!block) { return; }
            var data = JSON.parse(block.textContent);
            var style = {{ this.style|tojson }};
            function add(parent, tag, words) {
                var node = document.createElement(tag);
                if (words !== undefined) { node.textContent = words; }
                if (parent) { parent.appendChild(node); }
                return node;
            }
            function localised(node, font) {
                node.dir = data.dir;
                node.lang = data.lang;
                if (font) { node.style.fontFamily = "'MC2CM Arabic',system-ui,sans-serif"; }
                return node;
            }
            // A detail link replaces the page around the map, as any link would. st.iframe's
            // sandbox has no allow-top-navigation, so the frame may not navigate the page itself
            // (a plain target="_top" is refused); the page has the same origin, and a link made
            // in it and followed there is the page's own navigation.
            function openInPlace(href) {
                try {
                    var page = window.top.document;
                    var anchor = page.createElement("a");
                    anchor.href = href;
                    page.body.appendChild(anchor);
                    anchor.click();
                    anchor.remove();
                } catch (error) {
                    window.open(href, "_blank", "noopener");
                }
            }
            // On a touch screen (no hover): a finger moves a few pixels during a tap, which
            // Leaflet's 3 px drag threshold took for a drag of the map, swallowing the tap;
            // use Leaflet's own tap tolerance instead. And no tooltip on markers that have a
            // popup: on touch, Leaflet opens the tooltip on the same tap (Leaflet #6122), and
            // iOS treats a first tap that shows hover content as a hover, not a click.
            var touch = window.matchMedia("(hover: none)").matches;
            if (touch && map.dragging && map.dragging._draggable) {
                map.dragging._draggable.options.clickTolerance = map.options.tapTolerance;
            }
            function popup(content) {
                var box = localised(add(null, "div"), true);
                box.className = "mc2cm-popup";
                box.style.maxWidth = "260px";
                add(box, "strong", content.name);
                var list = add(box, "ul");
                list.style.paddingInlineStart = "1.1em";
                list.style.margin = ".4em 0";
                content.items.forEach(function (item) {
                    var entry = add(list, "li");
                    var link = add(entry, "a", item.title);
                    link.setAttribute("href", item.href);
                    link.target = "_top";
                    link.addEventListener("click", function (event) {
                        if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
                        event.preventDefault();
                        openInPlace(item.href);
                    });
                    add(entry, "br");
                    add(entry, "small", item.areas);
                    if (item.source) {  // the passage in the source document (/sources)
                        add(entry, "br");
                        var passage = add(entry, "a", item.source.label);
                        passage.setAttribute("href", item.source.href);
                        passage.target = "_top";
                        passage.style.fontSize = "smaller";
                        passage.addEventListener("click", function (event) {
                            if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
                            event.preventDefault();
                            openInPlace(item.source.href);
                        });
                    }
                });
                if (content.more > 0) { add(list, "li", "+" + content.more); }
                if (content.place) {  // the place page: what the documents say of this city
                    var page = add(box, "a", content.place.label);
                    page.setAttribute("href", content.place.href);
                    page.target = "_top";
                    page.addEventListener("click", function (event) {
                        if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
                        event.preventDefault();
                        openInPlace(content.place.href);
                    });
                }
                return box;
            }
            var layer = L.featureGroup().addTo(map);
            data.markers.forEach(function (m) {
                var options = Object.assign({}, style, {radius: m.radius, fillColor: m.colour});
                var marker = L.circleMarker([m.lat, m.lon], options);
                if (!(touch && m.popup)) {
                    marker.bindTooltip(localised(add(null, "span", m.tooltip), data.dir === "rtl"), {sticky: false});
                }
                if (m.popup) {
                    var built = null;
                    marker.bindPopup(function () { return built || (built = popup(m.popup)); }, {maxWidth: 280});
                }
                marker.addTo(layer);
                // Keyboard and screen readers: a marker is a named button; Enter or Space opens its
                // popup and moves focus to the popup's first link.
                var element = marker.getElement();
                element.setAttribute("aria-label", m.tooltip);
                if (m.popup) {
                    element.setAttribute("role", "button");
                    element.setAttribute("tabindex", "0");
                    L.DomEvent.on(element, "keydown", function (event) {
                        if (event.key !== "Enter" && event.key !== " ") { return; }
                        L.DomEvent.preventDefault(event);
                        marker.once("popupopen", function (opened) {
                            var first = opened.popup.getElement().querySelector("a");
                            if (first) { first.focus(); }
                        });
                        marker.openPopup();
                    });
                }
            });
        })({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, markers: list[dict[str, Any]], lang: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "MarkerLayer"
        self.block_id = MARKERS_ID
        self.style = MARKER_STYLE
        self.payload: dict[str, Any] = {"lang": lang, "dir": "rtl" if is_rtl(lang) else "ltr", "markers": markers}


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


def city_markers(parts: MapParts, cities: pd.DataFrame, initiatives: pd.DataFrame,
                 lang: str) -> list[dict[str, Any]]:
    """The markers as data: place, size, colour, tooltip, and the popup's parts (plain text)."""
    markers = []
    for _, city in parts.markers.iterrows():
        name = text(cities.loc[city["city_id"]], "name", lang)
        ids = city["initiative_ids"]
        items = []
        for initiative_id in ids[:POPUP_LIMIT]:
            row = initiatives.loc[initiative_id]
            item: dict[str, Any] = {"title": text(row, "name", lang), "href": initiative_link(initiative_id, lang),
                                    "areas": join((label("area", a, lang) for a in row["areas"]), lang)}
            if front_door_active():  # the passage in its source: /sources is a route of serve.py
                item["source"] = {"label": t("sources.open_passage", lang),
                                  "href": row_passage_url("initiatives", row, lang)}
            items.append(item)
        markers.append({
            "lat": float(city["latitude"]), "lon": float(city["longitude"]),
            "radius": marker_radius(int(city["count"])), "colour": area_colour(city["area"]),
            "tooltip": f"{name} · {city['count']}",
            "popup": {"name": name, "items": items, "more": max(len(ids) - POPUP_LIMIT, 0),
                      "place": {"label": t("places.open", lang), "href": place_link(str(city["city_id"]), lang)}},
        })
    return markers


def _base_map(location: list[float], zoom: int) -> folium.Map:
    fmap = folium.Map(location=location, zoom_start=zoom, tiles=None, min_zoom=3, max_zoom=12, control_scale=True)
    fmap.default_js = list(LOCAL_JS)
    fmap.default_css = list(LOCAL_CSS)
    root: Figure = fmap.get_root()  # type: ignore[assignment]
    root.header.add_child(folium.Element(
        "<style>.leaflet-container{background:#d4e6f1;font-family:'MC2CM Arabic',system-ui,sans-serif}</style>"))
    BasemapLayer(BASEMAP_URL).add_to(fmap)
    return fmap


def build_map(cities: pd.DataFrame, initiatives: pd.DataFrame, lang: str) -> tuple[folium.Map, MapParts]:
    """The map of the given initiatives' cities, and what it leaves out."""
    parts = split_parts(cities, initiatives)
    south, west, north, east = geo.MAP_BOUNDS
    fmap = _base_map([(south + north) / 2, (west + east) / 2], 4)
    folium.TileLayer(TILE_URL, name=t("map.online_tiles", lang), attr="© OpenStreetMap contributors",
                     show=False, overlay=True, control=True).add_to(fmap)
    MarkerLayer(city_markers(parts, cities, initiatives, lang), lang).add_to(fmap)
    if not parts.markers.empty:
        lat, lon = parts.markers["latitude"], parts.markers["longitude"]
        pad = 1.5
        fmap.fit_bounds([[max(lat.min() - pad, south), max(lon.min() - pad, west)],
                         [min(lat.max() + pad, north), min(lon.max() + pad, east)]])
    else:
        fmap.fit_bounds([[south, west], [north, east]])
    folium.LayerControl(collapsed=True).add_to(fmap)
    return fmap, parts


def preview_map(lat: float, lon: float, name: str, lang: str) -> folium.Map:
    """One marker where a city is about to be added, its name as the tooltip (the editor's check)."""
    fmap = _base_map([lat, lon], 6)
    marker = {"lat": lat, "lon": lon, "radius": 9.0, "colour": PREVIEW_COLOUR, "tooltip": name}
    MarkerLayer([marker], lang).add_to(fmap)
    return fmap


def markers_json(payload: dict[str, Any]) -> str:
    """JSON that cannot end its ``<script>`` block or start markup: ``<``, ``>`` and ``&``
    are written as ``\\u003c`` etc. (still the same JSON), as are the JavaScript line breaks."""
    blob = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    for char in "<>&\u2028\u2029":
        blob = blob.replace(char, f"\\u{ord(char):04x}")
    return blob


def render_document(fmap: folium.Map) -> str:
    """The map as one self-contained HTML document (local scripts, no CDN), for an iframe.

    folium renders code only; the markers' data is added to the finished HTML as a
    JSON block, which nothing reads as a template. Rendered once per view and reused
    as is: an identical document makes an identical Streamlit message, which the
    browser then gets as a short cache reference.
    """
    root: Figure = fmap.get_root()  # type: ignore[assignment]
    html: str = root.render()
    layer = next((child for child in fmap._children.values() if isinstance(child, MarkerLayer)), None)
    if layer is None:
        return html
    head, body, rest = html.partition("<body>")
    if not body:
        raise ValueError("folium's document has no <body>")
    block = f'<script type="application/json" id="{MARKERS_ID}">{markers_json(layer.payload)}</script>'
    return f"{head}{body}\n{block}{rest}"


def document_markers(document: str) -> dict[str, Any]:
    """The markers a document carries, decoded (the reverse of :func:`render_document`'s block)."""
    opening = f'<script type="application/json" id="{MARKERS_ID}">'
    start = document.index(opening) + len(opening)
    payload: dict[str, Any] = json.loads(document[start:document.index("</script>", start)])
    return payload
