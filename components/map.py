"""The map on a page: built once per (data, selection, language), drawn offline."""

from __future__ import annotations

import folium
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from components.cards import place
from components.data import dataset
from components.layout import UI, params_for
from mc2cm.filters import Selection, select_initiatives
from mc2cm.i18n import label, text
from mc2cm.mapping import AREA_COLOURS, MapParts, build_map


def map_for(sel: Selection, lang: str) -> tuple[folium.Map, MapParts]:
    """A new map object per run: st_folium alters the object it renders, so one
    cached map cannot be drawn twice. Selecting is cheap; the data is cached."""
    data = dataset()
    return build_map(data.cities, select_initiatives(data, sel), lang, data.data_dir)


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
    fmap, parts = map_for(sel, ui.lang)
    if parts.markers.empty:
        st.info(ui.t("map.no_cities"))
    st_folium(fmap, key=f"{key}-{ui.lang}", height=height, use_container_width=True, returned_objects=[])
    return parts


def elsewhere_panel(elsewhere: pd.DataFrame, ui: UI, sel: Selection) -> None:
    """Initiatives the Mediterranean frame does not draw: far places, countries, networks."""
    st.subheader(ui.t("map.elsewhere"))
    st.caption(ui.t("map.elsewhere_help"))
    for initiative_id, row in elsewhere.iterrows():
        st.page_link("pages/initiatives.py", label=text(row, "name", ui.lang), icon=":material/open_in_new:",
                     query_params=params_for(ui.lang, sel, id=str(initiative_id)), width="stretch")
        st.caption(place(row, ui))
