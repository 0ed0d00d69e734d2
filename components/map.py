"""The map on a page: built once per (data, selection, language), drawn offline.

The map is folium's own HTML document shown in an ``st.iframe``: Leaflet and
jQuery load from the app's static folder in parallel, with no component
handshake. Nothing comes back from the map, so panning and zooming never
rerun the script.

``st.iframe`` runs the document's scripts with same-origin access, as the
streamlit-folium component did: every string from the data in it is escaped
by ``mc2cm.mapping.esc`` (tests/app/test_map_component.py, and the browser
test with hostile data).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.cards import place
from components.data import current_stamp, dataset, freeze_long_lived
from components.layout import UI, params_for
from mc2cm.filters import Selection, select_initiatives
from mc2cm.i18n import label, text
from mc2cm.mapping import AREA_COLOURS, MapParts, build_map, render_document


@st.cache_resource(show_spinner=False, max_entries=64)
def _cached_map(stamp: tuple[tuple[str, int, int], ...], query: tuple[tuple[str, tuple[str, ...]], ...],
                lang: str) -> tuple[str, MapParts]:
    del stamp  # part of the key: new data, new map
    data = dataset()
    sel = Selection(**{k: (v[0] if v else "") if k == "q" else v for k, v in query})  # type: ignore[arg-type]
    fmap, parts = build_map(data.cities, select_initiatives(data, sel), lang)
    document = render_document(fmap)
    freeze_long_lived()
    return document, parts


def selection_key(sel: Selection) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return (("area", sel.area), ("role", sel.role), ("country", sel.country), ("actor", sel.actor),
            ("source", sel.source), ("q", (sel.q,) if sel.q else ()))


def map_for(sel: Selection, lang: str) -> tuple[str, MapParts]:
    """The rendered map document of this view, and what it draws and leaves out."""
    return _cached_map(current_stamp(), selection_key(sel), lang)


def legend(ui: UI) -> None:
    chips = "".join(
        f'<span class="mc2cm-chip" style="background:{colour}">'
        f"{label('area', area, ui.lang) if area != 'several' else ui.t('map.several_areas')}</span>"
        for area, colour in AREA_COLOURS.items()
    )
    st.html(f'<div dir="{"rtl" if ui.rtl else "ltr"}">{chips}</div>')
    st.caption(ui.t("map.legend"))


def map_view(sel: Selection, ui: UI, *, height: int = 560) -> MapParts:
    """Draw the map. Pan and zoom never rerun the script: the iframe sends nothing back."""
    document, parts = map_for(sel, ui.lang)
    if parts.markers.empty:
        st.info(ui.t("map.no_cities"))
    st.iframe(document, height=height)
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
