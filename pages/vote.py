"""Your view (/vote?poll=…): delegates answer the facilitator's question on their phones."""

import streamlit as st

from components.layout import page_setup
from components.polls import ballot_form

ui = page_setup("vote", layout="centered", keep=("poll",))
st.title(ui.t("page.vote"))
ballot_form(str(st.query_params.get("poll", "")), ui)
