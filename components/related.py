"""What an initiative's detail view links to."""

from __future__ import annotations

import streamlit as st

from components.cards import challenge_block
from components.layout import UI, params_for
from mc2cm.filters import Selection, answers_to, related_challenges


def back_link(ui: UI, sel: Selection) -> None:
    st.page_link("pages/initiatives.py", label=ui.t("initiatives.back"), query_params=params_for(ui.lang, sel))


def related_panel(initiative_id: str, ui: UI) -> None:
    challenges, recommendations = related_challenges(ui.data, initiative_id)
    if challenges.empty:
        return
    st.subheader(ui.t("detail.related_challenges"))
    st.caption(ui.t("detail.related_help"))
    for challenge_id, challenge in challenges.iterrows():
        challenge_block(challenge, answers_to(recommendations, str(challenge_id)), ui)
