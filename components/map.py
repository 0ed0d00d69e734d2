"""The map on a page: built once per (data, selection, language), drawn offline."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import folium
import pandas as pd
import streamlit as st
from streamlit_folium import _component_func, _get_header, _get_html, _get_map_string, generate_js_hash, get_full_id

from components.cards import place
from components.data import current_stamp, dataset, freeze_long_lived
from components.layout import UI, params_for
from mc2cm.filters import Selection, select_initiatives
from mc2cm.i18n import label, text
from mc2cm.mapping import AREA_COLOURS, MapParts, build_map


@dataclass(frozen=True)
class RenderedMap:
    """What the streamlit-folium component receives: rendered once, then reused.

    Reusing the same strings makes the element identical from rerun to rerun and
    session to session, so the browser gets a short cache reference instead of
    the whole map again, and no run pays for folium's rendering.
    """

    script: str
    header: str
    html: str
    map_id: str
    css_links: tuple[str, ...]
    js_links: tuple[str, ...]


def render_map(fmap: folium.Map) -> RenderedMap:
    """The steps ``st_folium`` takes before calling its component (streamlit-folium 0.27)."""
    fmap.get_root().render()
    fmap.render()
    html = _get_html(fmap)          # before _get_map_string, which alters the map
    header = _get_header(fmap)
    script = _get_map_string(fmap)
    css: list[str] = []
    js: list[str] = []

    def walk(element: Any) -> None:
        css.extend(href for _, href in getattr(element, "default_css", []))
        js.extend(src for _, src in getattr(element, "default_js", []))
        for child in getattr(element, "_children", {}).values():
            walk(child)

    walk(fmap)
    return RenderedMap(script=script, header=header, html=html, map_id=get_full_id(fmap),
                       css_links=tuple(dict.fromkeys(css)), js_links=tuple(dict.fromkeys(js)))


@st.cache_resource(show_spinner=False, max_entries=64)
def _cached_map(stamp: tuple[tuple[str, int, int], ...], query: tuple[tuple[str, tuple[str, ...]], ...],
                lang: str) -> tuple[RenderedMap, MapParts]:
    del stamp  # part of the key: new data, new map
    data = dataset()
    sel = Selection(**{k: (v[0] if v else "") if k == "q" else v for k, v in query})  # type: ignore[arg-type]
    fmap, parts = build_map(data.cities, select_initiatives(data, sel), lang)
    rendered = render_map(fmap)
    freeze_long_lived()
    return rendered, parts


def selection_key(sel: Selection) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return (("area", sel.area), ("role", sel.role), ("country", sel.country), ("actor", sel.actor),
            ("source", sel.source), ("q", (sel.q,) if sel.q else ()))


def map_for(sel: Selection, lang: str) -> tuple[RenderedMap, MapParts]:
    return _cached_map(current_stamp(), selection_key(sel), lang)


def legend(ui: UI) -> None:
    chips = "".join(
        f'<span class="mc2cm-chip" style="background:{colour}">'
        f"{label('area', area, ui.lang) if area != 'several' else ui.t('map.several_areas')}</span>"
        for area, colour in AREA_COLOURS.items()
    )
    st.html(f'<div dir="{"rtl" if ui.rtl else "ltr"}">{chips}</div>')
    st.caption(ui.t("map.legend"))


def map_view(sel: Selection, ui: UI, *, height: int = 560, key: str = "map") -> MapParts:
    """Draw the map. Pan and zoom never rerun the script: nothing is returned."""
    rendered, parts = map_for(sel, ui.lang)
    if parts.markers.empty:
        st.info(ui.t("map.no_cities"))
    hash_key = generate_js_hash(rendered.script, f"{key}-{ui.lang}", False)
    _component_func(  # streamlit-folium's own component, as st_folium calls it
        script=rendered.script, header=rendered.header, html=rendered.html, id=rendered.map_id, key=hash_key,
        height=height, width=None, returned_objects=[], default={}, zoom=None, center=None,
        feature_group=None, return_on_hover=False, layer_control=None, pixelated=False,
        css_links=list(rendered.css_links), js_links=list(rendered.js_links), wrap_longitude=False,
    )
    return parts


ELSEWHERE_LIMIT = 12


def elsewhere_panel(elsewhere: pd.DataFrame, ui: UI, sel: Selection) -> None:
    """Initiatives the Mediterranean frame does not draw: far places, countries, networks.

    A short list: the rest is one link away, so the page stays light at any data size.
    """
    st.subheader(ui.t("map.elsewhere"))
    st.caption(ui.t("map.elsewhere_help"))
    for initiative_id, row in elsewhere.head(ELSEWHERE_LIMIT).iterrows():
        st.page_link("pages/initiatives.py", label=text(row, "name", ui.lang), icon=":material/open_in_new:",
                     query_params=params_for(ui.lang, sel, id=str(initiative_id)), width="stretch")
        st.caption(place(row, ui))
    more = len(elsewhere) - ELSEWHERE_LIMIT
    if more > 0:
        st.page_link("pages/initiatives.py", label=ui.t("map.more", n=more), icon=":material/more_horiz:",
                     query_params=params_for(ui.lang, sel))
