"""Map (/map): cities with initiatives; marker size = count, colour = area of work.

The map is drawn before the sidebar (same layout, earlier in the page's
messages), so a phone that opens /map from a QR code starts loading it first.
"""

import streamlit as st

from components.filters import filter_panel
from components.layout import current_selection, page_setup, page_sidebar
from components.map import elsewhere_panel, legend, map_view, places_list
from mc2cm.filters import describe, select_initiatives
from mc2cm.plaintext import escape_markdown

ui = page_setup("map", sidebar=False)
sel = current_selection()
shown = select_initiatives(ui.data, sel)
st.title(ui.t("page.map"))
st.caption(escape_markdown(describe(sel, ui.lang, ui.data, len(shown))))
legend(ui)
main, side = st.columns([3, 1])
with main:
    parts = map_view(sel, ui)
    places_list(parts, ui, sel)
page_sidebar(ui)
filter_panel(ui)
with side:
    elsewhere_panel(parts.elsewhere, ui, sel)
