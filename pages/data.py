"""Data and sources (/data): the documents, downloads for Excel, how to cite, the API, the offline copy, validation."""

import streamlit as st

from components.datapage import (
    downloads,
    how_to_cite,
    offline_copy,
    open_data,
    schema_help,
    source_documents,
    validation_status,
)
from components.filters import filter_panel
from components.layout import page_setup
from mc2cm.filters import describe, select_initiatives

ui = page_setup("data")
sel = filter_panel(ui)
shown = select_initiatives(ui.data, sel)
st.title(ui.t("page.data"))
source_documents(ui)
downloads(ui, shown, sel, describe(sel, ui.lang, ui.data, len(shown)))
how_to_cite(ui)
open_data(ui, sel)
offline_copy(ui)
validation_status(ui)
schema_help(ui)
