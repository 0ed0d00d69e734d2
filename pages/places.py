"""Places (/places): ?id=… is one place as the documents name it; ?compare=a,b sets two to four side by side."""

import streamlit as st

from components.layout import page_setup
from components.places import compare_picker, comparison, paragraphs, place_page, places_list
from mc2cm.places import parse_compare, place_summary, places_overview
from mc2cm.plaintext import escape_markdown

ui = page_setup("places", keep=("id", "compare"))
texts = paragraphs(ui)
place_id = st.query_params.get("id", "").strip()
request = parse_compare(st.query_params.get_all("compare"), ui.data.cities.index)
if request.ids and not request.problem:
    comparison(list(request.ids), [place_summary(ui.data, c, texts) for c in request.ids], ui)
elif not request.ids and place_id in ui.data.cities.index:
    place_page(place_summary(ui.data, place_id, texts), ui)
else:
    if request.ids:
        st.warning(ui.t(request.problem, ids=escape_markdown(", ".join(request.unknown or request.ids)),
                        n=len(request.ids)), icon=":material/warning:")
    elif place_id:
        st.warning(ui.t("places.unknown_id", id=escape_markdown(place_id)), icon=":material/warning:")
    st.title(ui.t("page.places"))
    st.caption(ui.t("places.intro"))
    places_list(places_overview(ui.data, texts, ui.lang), ui)
    st.subheader(ui.t("places.compare"))
    compare_picker(ui)
