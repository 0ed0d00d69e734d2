"""Initiatives (/initiatives): peer practices as cards or a table; ?id=… opens one."""

import streamlit as st

from components.cards import initiative_cards, initiative_detail, initiative_table, paginate
from components.filters import filter_panel
from components.keypoints import initiative_points_section
from components.layout import page_setup
from components.related import back_link, related_panel
from mc2cm.filters import describe, select_initiatives
from mc2cm.plaintext import escape_markdown

ui = page_setup("initiatives")
sel = filter_panel(ui, keep_id=True, search_in_view=True)
if sel.id and sel.id in ui.data.initiatives.index:
    back_link(ui, sel)
    initiative_detail(ui.data.initiatives.loc[sel.id], ui)
    initiative_points_section(sel.id, ui)
    related_panel(sel.id, ui)
else:
    if sel.id:
        st.info(ui.t("initiatives.unknown_id", id=escape_markdown(sel.id)))
    shown = select_initiatives(ui.data, sel)
    st.title(ui.t("page.initiatives"))
    st.caption(escape_markdown(describe(sel, ui.lang, ui.data, len(shown))))
    view = st.segmented_control(ui.t("initiatives.view"), ["cards", "table"], default="cards", key="w_view",
                                format_func=lambda v: ui.t(f"initiatives.{v}"))
    if shown.empty:
        st.info(ui.t("initiatives.none"))
    elif view == "table":
        initiative_table(paginate(shown, ui, 100, "page_table"), ui)
    else:
        initiative_cards(paginate(shown, ui, 24, "page_cards"), ui, sel)
