"""Charts on a page, cached per (data, filter state, language)."""

from __future__ import annotations

from html import escape

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components.layout import UI, params_for
from mc2cm.charts import challenge_matrix, role_balance_chart
from mc2cm.colours import text_on
from mc2cm.filters import Selection
from mc2cm.i18n import label, text
from mc2cm.metrics import initiatives_per_role, role_balance
from mc2cm.plaintext import escape_markdown
from mc2cm.schema import current_package

CONFIG = {"displaylogo": False, "responsive": True, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}


@st.cache_data(show_spinner=False, max_entries=128)
def _role_figure(assessments: pd.DataFrame, roles: pd.DataFrame, lang: str) -> go.Figure:
    return role_balance_chart(role_balance(assessments), roles, lang)


@st.cache_data(show_spinner=False, max_entries=128)
def _matrix_figure(challenges: pd.DataFrame, recommendations: pd.DataFrame, lang: str) -> go.Figure:
    return challenge_matrix(challenges, recommendations, lang)


def role_balance_figure(assessments: pd.DataFrame, ui: UI) -> None:
    fig = _role_figure(assessments, ui.data.cso_roles, ui.lang)
    st.plotly_chart(fig, width="stretch", config=CONFIG, key=f"roles-{ui.lang}")


def challenge_matrix_chart(challenges: pd.DataFrame, recommendations: pd.DataFrame, ui: UI) -> None:
    fig = _matrix_figure(challenges, recommendations, ui.lang)
    st.plotly_chart(fig, width="stretch", config=CONFIG, key=f"matrix-{ui.lang}")


def role_texts(assessments: pd.DataFrame, initiatives: pd.DataFrame, ui: UI, sel: Selection) -> None:
    """Every strength and weakness in full, role by role, with how many initiatives play it."""
    playing = initiatives_per_role(initiatives)
    roles = ui.data.cso_roles.sort_values("position")
    shown = [(rid, role) for rid, role in roles.iterrows()
             if not (sel.role and assessments[assessments["role_id"] == rid].empty)]
    columns = st.columns(min(len(shown), 3) or 1)
    for index, (role_id, role) in enumerate(shown):
        part = assessments[assessments["role_id"] == role_id]
        with columns[index % len(columns)], st.container(border=True):
            st.markdown(f"**{escape_markdown(text(role, 'name', ui.lang))}**")
            st.page_link("pages/initiatives.py", label=ui.t("roles.initiatives_playing", n=playing.get(str(role_id), 0)),
                         icon=":material/diversity_3:", query_params=params_for(ui.lang, sel.with_(role=(str(role_id),))))
            for kind in ("strength", "weakness"):
                rows = part[part["kind"] == kind]
                if rows.empty:
                    continue
                st.markdown(f"**{ui.t('roles.strengths' if kind == 'strength' else 'roles.weaknesses')}**")
                for _, item in rows.iterrows():
                    colour = current_package().vocabulary("theme").colour(str(item["theme"]))
                    st.html(f'<div dir="{"rtl" if ui.rtl else "ltr"}" style="margin:.2rem 0">'
                            f'<span class="mc2cm-chip" style="background:{colour};color:{text_on(colour)}">'
                            f"{escape(label('theme', str(item['theme']), ui.lang))}</span> "
                            f"{escape(text(item, 'text', ui.lang))}</div>")
