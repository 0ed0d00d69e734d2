"""Overview (/): the Sfax workshop at a glance, and a way into every page."""

import streamlit as st

from components.keypoints import guiding_questions_section, key_concepts
from components.layout import page_setup
from components.overview import areas_of_work, event_facts, explore_links, key_figures, officials

ui = page_setup("overview")
st.title(ui.t("app.title"))
st.caption(ui.t("app.tagline"))
event_facts(ui)
key_figures(ui)
areas_of_work(ui)
explore_links(ui)
key_concepts(ui)
guiding_questions_section(ui)
officials(ui)
