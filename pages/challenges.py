"""Challenges and recommendations (/challenges): which recommendation answers which challenge."""

import streamlit as st

from components.cards import challenge_block, recommendation_line
from components.charts import challenge_matrix_chart
from components.filters import filter_panel
from components.keypoints import points_section
from components.layout import page_setup
from mc2cm.filters import answers_to, describe, select_challenges, select_recommendations
from mc2cm.plaintext import escape_markdown

ui = page_setup("challenges")
sel = filter_panel(ui, applies=frozenset({"source", "q"}))
challenges = select_challenges(ui.data, sel)
recommendations = select_recommendations(ui.data, sel)
st.title(ui.t("page.challenges"))
st.caption(escape_markdown(describe(sel, ui.lang, ui.data, len(challenges), noun="challenges")
                           + " · " + ui.tn("count.recommendations", len(recommendations))))
if challenges.empty:
    st.info(ui.t("challenges.none"))
else:
    st.subheader(ui.t("challenges.matrix"))
    challenge_matrix_chart(challenges, ui.data.recommendations, ui)
    st.subheader(ui.t("challenges.list"))
    for challenge_id, challenge in challenges.iterrows():
        challenge_block(challenge, answers_to(ui.data.recommendations, str(challenge_id)), ui)
unlinked = recommendations[recommendations["challenge_ids"].map(len) == 0]
if not unlinked.empty:
    st.subheader(ui.t("challenges.other_recs"))
    for _, rec in unlinked.iterrows():
        recommendation_line(rec, ui)
points_section("consultative_body_finding", "challenges.consultative_intro", ui, sel.source)
points_section("migrant_need", "challenges.needs_intro", ui, sel.source)
