"""Data and sources (/data): the documents, downloads for Excel, validation status."""

import streamlit as st

from components.datapage import downloads, schema_help, source_documents, validation_status
from components.filters import filter_panel
from components.layout import page_setup
from mc2cm.filters import describe, select_initiatives

ui = page_setup("data")
sel = filter_panel(ui)
shown = select_initiatives(ui.data, sel)
st.title(ui.t("page.data"))
source_documents(ui)
downloads(ui, shown, sel, describe(sel, ui.lang, ui.data, len(shown)))
validation_status(ui)
schema_help(ui)
