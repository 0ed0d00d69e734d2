"""Manage data (/manage): staff edit, upload, add cities and undo — behind sign-in."""

import streamlit as st

from components.auth import sign_in_panel
from components.datapage import file_errors
from components.editor import add_city_panel, history_panel, notice, table_choice, table_editor, upload_panel
from components.layout import page_setup

ui = page_setup("manage")
st.title(ui.t("page.manage"))
who = sign_in_panel(ui)
if who is None:
    st.stop()
notice()
file_errors(ui)
table = st.selectbox(ui.t("manage.table"), ui.data.spec.table_names, key="m_table",
                     format_func=lambda name: table_choice(name, ui))
edit, upload, city, history = st.tabs([ui.t("manage.edit"), ui.t("manage.upload"), ui.t("manage.add_city"),
                                       ui.t("manage.history")])
with edit:
    table_editor(table, ui, who)
with upload:
    upload_panel(table, ui, who)
with city:
    add_city_panel(ui, who)
with history:
    history_panel(ui, who)
