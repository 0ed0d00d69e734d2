"""The map on a page: built once per (data, initiatives drawn, language), drawn offline.

The map is folium's own HTML document shown in an ``st.iframe``: Leaflet and
jQuery load from the app's static folder in parallel, with no component
handshake. Nothing comes back from the map, so panning and zooming never
rerun the script.

``st.iframe`` runs the document's scripts with same-origin access, as the
streamlit-folium component did: no string from the data is in its HTML or
scripts, only in a JSON block that the map's script reads into text nodes
(``mc2cm.mapping``; tests/security).

The cache is keyed on what the map draws (the selected initiatives' ids), not on
the filters that chose them, so its size is bounded by the data: many searches
that keep the same initiatives share one document.
"""

from __future__ import annotations

from html import escape
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from components.cards import place
from components.data import current_stamp, dataset
from components.layout import UI, params_for
from mc2cm.assets import ASSETS_FIX, missing_assets
from mc2cm.bidi import bdi
from mc2cm.colours import text_on
from mc2cm.filters import Selection, select_initiatives
from mc2cm.i18n import comma, country_name, label, text
from mc2cm.mapping import MapParts, build_map, render_document
from mc2cm.places import place_link
from mc2cm.plaintext import escape_markdown
from mc2cm.schema import current_package


@st.cache_resource(show_spinner=False, max_entries=4)
def _initiatives(stamp: tuple[tuple[str, int, int], ...]) -> pd.DataFrame:
    """Every initiative, as ``select_initiatives`` gives them (countries joined), once per data version."""
    del stamp  # part of the key: new data, new frame
    return select_initiatives(dataset(), Selection())


@st.cache_resource(show_spinner=False, max_entries=64)
def _cached_map(stamp: tuple[tuple[str, int, int], ...], ids: tuple[str, ...],
                lang: str) -> tuple[str, pd.DataFrame, tuple[str, ...]]:
    """The document, the cities drawn, and the ids of the initiatives left out.

    No gc.freeze() here: the folium objects of a build are reference cycles, and frozen
    ones were never freed. The entries hold ids rather than a copy of the initiatives
    left out: Streamlit's collection after every run scans what is not frozen, and 64
    full-width frames doubled the objects it scans.
    """
    fmap, parts = build_map(dataset().cities, _initiatives(stamp).loc[list(ids)], lang)
    return render_document(fmap), parts.markers, tuple(parts.elsewhere["id"])


@st.cache_resource(show_spinner=False, max_entries=256)
def _selected_ids(stamp: tuple[tuple[str, int, int], ...],
                  query: tuple[tuple[str, tuple[str, ...]], ...]) -> tuple[str, ...]:
    """Which initiatives a selection keeps: a few bytes per entry, and a search costs ~50 ms a run."""
    del stamp  # part of the key: new data, new answer
    sel = Selection(**{k: (v[0] if v else "") if k == "q" else v for k, v in query})  # type: ignore[arg-type]
    return tuple(select_initiatives(dataset(), sel)["id"])


def selection_key(sel: Selection) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return (("area", sel.area), ("role", sel.role), ("country", sel.country), ("actor", sel.actor),
            ("source", sel.source), ("q", (sel.q,) if sel.q else ()))


def map_for(sel: Selection, lang: str) -> tuple[str, MapParts]:
    """The rendered map document of this view, and what it draws and leaves out."""
    stamp = current_stamp()
    document, markers, elsewhere = _cached_map(stamp, _selected_ids(stamp, selection_key(sel)), lang)
    return document, MapParts(markers=markers, elsewhere=_initiatives(stamp).loc[list(elsewhere)])


def legend(ui: UI) -> None:
    chips = "".join(
        f'<span class="mc2cm-chip" style="background:{colour};color:{text_on(colour)}">'
        f"{escape(label('area', area, ui.lang))}</span>"
        for area, colour in current_package().vocabulary("area").palette().items()
    )
    st.html(f'<div dir="{"rtl" if ui.rtl else "ltr"}">{chips}</div>')
    st.caption(ui.t("map.legend"))


def map_view(sel: Selection, ui: UI, *, height: int = 560) -> MapParts:
    """Draw the map. Pan and zoom never rerun the script: the iframe sends nothing back."""
    missing = missing_assets()
    if missing:
        st.warning(ui.t("map.assets_missing", files=", ".join(missing)), icon=":material/map:")
        st.code(ASSETS_FIX, language=None, wrap_lines=True)
    document, parts = map_for(sel, ui.lang)
    if parts.markers.empty:
        st.info(ui.t("map.no_cities"))
    # The iframe's title is its accessible name (screen readers, axe's frame-title rule).
    st.iframe(document, height=height, alt=ui.tn("map.frame_title", len(parts.markers)))
    return parts


def places_list(parts: MapParts, ui: UI, sel: Selection) -> None:
    """The places the map draws, as a list: each city with its initiatives as links to their pages.

    For whoever cannot use the map (a screen reader, a keyboard, a small screen): the same
    cities and initiatives as the markers (``parts``, no second selection), in nested lists,
    every data string escaped and isolated. The links open in place and keep the filters.
    """
    if parts.markers.empty:
        return
    initiatives = _initiatives(current_stamp())
    entries = []
    for _, city in parts.markers.iterrows():
        ids = [str(i) for i in city["initiative_ids"]]
        city_row = ui.data.cities.loc[str(city["city_id"])]  # "Sfax, Tunisia": the city, also for a multi-city initiative
        where = comma((text(city_row, "name", ui.lang), country_name(str(city_row["country_code"]), ui.lang)), ui.lang)
        links = "".join(f'<li><a href="{escape(initiative_href(i, ui, sel))}">'
                        f'{bdi(text(initiatives.loc[i], "name", ui.lang))}</a></li>' for i in ids)
        count = escape(ui.tn("count.initiatives", len(ids)))
        entry = (f'<li data-city="{escape(str(city["city_id"]))}"><strong>{bdi(where)}</strong> ({count}) · '
                 f'<a href="{escape(place_link(str(city["city_id"]), ui.lang))}" target="_self">'
                 f'{escape(ui.t("places.open_named", place=text(city_row, "name", ui.lang)))}</a><ul>{links}</ul></li>')
        entries.append((where.casefold(), entry))
    items = "".join(entry for _, entry in sorted(entries))
    with st.expander(ui.t("map.list_heading"), icon=":material/list:"):
        st.html(f'<ul class="mc2cm-places" dir="{"rtl" if ui.rtl else "ltr"}" lang="{ui.lang}">{items}</ul>')


def initiative_href(initiative_id: str, ui: UI, sel: Selection) -> str:
    """The URL of an initiative's detail view, with the reader's language and filters."""
    return "/initiatives?" + urlencode(params_for(ui.lang, sel, id=initiative_id), doseq=True)


ELSEWHERE_LIMIT = 12


def elsewhere_panel(elsewhere: pd.DataFrame, ui: UI, sel: Selection) -> None:
    """Initiatives the Mediterranean frame does not draw: far places, countries, networks.

    A short list: the rest is one link away, so the page stays light at any data size.
    """
    st.subheader(ui.t("map.elsewhere"))
    st.caption(ui.t("map.elsewhere_help"))
    for initiative_id, row in elsewhere.head(ELSEWHERE_LIMIT).iterrows():
        st.page_link("pages/initiatives.py", label=escape_markdown(text(row, "name", ui.lang)),
                     icon=":material/open_in_new:", query_params=params_for(ui.lang, sel, id=str(initiative_id)),
                     width="stretch")
        st.caption(escape_markdown(place(row, ui)))
    more = len(elsewhere) - ELSEWHERE_LIMIT
    if more > 0:
        st.page_link("pages/initiatives.py", label=ui.tn("map.more", more), icon=":material/more_horiz:",
                     query_params=params_for(ui.lang, sel))
