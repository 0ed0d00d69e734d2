"""Map (/map): cities with initiatives; marker size = count, colour = area of work."""

import streamlit as st

from components.filters import filter_panel
from components.layout import page_setup
from components.map import elsewhere_panel, legend, map_view
from mc2cm.filters import describe, select_initiatives

ui = page_setup("map")
sel = filter_panel(ui)
shown = select_initiatives(ui.data, sel)
st.title(ui.t("page.map"))
st.caption(describe(sel, ui.lang, ui.data, len(shown)))
legend(ui)
main, side = st.columns([3, 1])
with main:
    parts = map_view(sel, ui)
with side:
    elsewhere_panel(parts.elsewhere, ui, sel)
