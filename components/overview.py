"""Blocks of the overview page."""

from __future__ import annotations

from html import escape

import pandas as pd
import streamlit as st

from components.keypoints import remarks
from components.layout import PAGES, UI, current_selection, params_for
from mc2cm.i18n import fmt_date_range, fmt_number, label, text
from mc2cm.mapping import area_colour
from mc2cm.metrics import areas, initiatives_by_area, key_numbers
from mc2cm.plaintext import escape_markdown

WORKSHOP = "sfax-2019-peer-learning-workshop"


def _event(ui: UI) -> pd.Series | None:
    events = ui.data["events"]
    row = events.loc[WORKSHOP] if WORKSHOP in events.index else None
    return row if isinstance(row, pd.Series) else None  # ids are unique: one label, one row


def event_facts(ui: UI) -> None:
    event = _event(ui)
    if event is None:
        return
    cities = ui.data.cities
    city = text(cities.loc[event["city_id"]], "name", ui.lang) if event["city_id"] in cities.index else ""
    when = fmt_date_range(event["start_date"], event["end_date"], ui.lang)
    venue = text(event, "venue", ui.lang)
    cols = st.columns(3)
    with cols[0]:
        st.markdown(f"**{ui.t('overview.when_where')}**")
        st.markdown(escape_markdown(" · ".join(p for p in (when, venue, city) if p)))
    with cols[1]:
        st.markdown(f"**{ui.t('overview.organisers')}**")
        st.markdown(escape_markdown(text(event, "organisers", ui.lang)))
    with cols[2]:
        st.markdown(f"**{ui.t('overview.participants')}**")
        st.markdown(escape_markdown(text(event, "participants", ui.lang)))
    st.markdown(escape_markdown(text(event, "summary", ui.lang)))
    if bool(event.get("chatham_house")):
        st.info(ui.t("overview.chatham"), icon=":material/lock:")


def key_figures(ui: UI) -> None:
    numbers = key_numbers(ui.data, WORKSHOP)
    st.subheader(ui.t("overview.numbers"))
    figures = [
        ("metric.initiatives", numbers.initiatives), ("metric.cities", numbers.places),
        ("metric.countries", numbers.countries), ("metric.challenges", numbers.challenges),
        ("metric.recommendations", numbers.recommendations), ("metric.sources", numbers.sources),
    ]
    if numbers.participants_min is not None:
        figures.insert(0, ("metric.participants", numbers.participants_min))
    cols = st.columns(len(figures))
    for col, (key, value) in zip(cols, figures, strict=True):
        col.metric(ui.t(key), fmt_number(value, ui.lang))


def areas_of_work(ui: UI) -> None:
    st.subheader(ui.t("overview.areas"))
    counts = initiatives_by_area(ui.data.initiatives)
    shown = areas()
    cols = st.columns(len(shown))
    sel = current_selection()
    for col, area in zip(cols, shown, strict=True):
        count = counts[area]
        with col:
            st.html(f'<div class="mc2cm-card" style="border-top:6px solid {area_colour(area)}">'
                    f"<h4>{escape(label('area', area, ui.lang))}</h4>"
                    f"<div class='mc2cm-muted'>{escape(ui.tn('count.initiatives', count))}"
                    "</div></div>")
            st.page_link("pages/map.py", label=ui.t("page.map"), icon=":material/map:",
                         query_params={**params_for(ui.lang, sel.with_(area=(area,)))})


def explore_links(ui: UI) -> None:
    st.subheader(ui.t("overview.explore"))
    cols = st.columns(len(PAGES) - 1)
    sel = current_selection()
    for col, (key, path, icon) in zip(cols, PAGES[1:], strict=True):
        with col:
            st.page_link(path, label=ui.t(f"page.{key}"), icon=icon, query_params=params_for(ui.lang, sel))


def officials(ui: UI) -> None:
    table = ui.data["officials"]
    if table.empty:
        return
    with st.expander(ui.t("overview.officials")):
        if not ui.data["remarks"].empty:
            st.caption(ui.t("overview.remarks_note"))
        for session in ("opening", "concepts", "session_chair", "closing"):
            part = table[table["session"] == session].sort_values("position")
            if part.empty:
                continue
            st.markdown(f"**{label('session', session, ui.lang)}**")
            for _, person in part.iterrows():
                st.markdown(f"- {escape_markdown(text(person, 'name', ui.lang))} — "
                            f"{escape_markdown(text(person, 'role', ui.lang))}")
                remarks(str(person["id"]), ui)
