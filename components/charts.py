"""Charts on a page, cached per (data, language), each with its summary and its table alternative."""

from __future__ import annotations

from html import escape
from typing import Any

import pandas as pd
import streamlit as st

from components.cards import room_lines, source_link
from components.layout import UI, params_for
from mc2cm.bidi import bdi
from mc2cm.charts import Chart, challenge_matrix_view, role_balance_view
from mc2cm.colours import text_on
from mc2cm.filters import Selection
from mc2cm.i18n import label, text
from mc2cm.metrics import initiatives_per_role, role_balance
from mc2cm.plaintext import escape_markdown
from mc2cm.schema import current_package

CONFIG = {"displaylogo": False, "responsive": True, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}


# The figure, its summary and its table come from one cached call: they cannot disagree.
@st.cache_data(show_spinner=False, max_entries=128)
def _role_chart(assessments: pd.DataFrame, roles: pd.DataFrame, lang: str) -> Chart:
    return role_balance_view(role_balance(assessments), roles, lang)


@st.cache_data(show_spinner=False, max_entries=128)
def _matrix_chart(challenges: pd.DataFrame, recommendations: pd.DataFrame, lang: str) -> Chart:
    return challenge_matrix_view(challenges, recommendations, lang)


def chart_legend(chart: Chart, ui: UI) -> None:
    """The legend as chips that wrap in the reader's direction (Plotly's own rows always run left to right)."""
    if not chart.legend:
        return
    chips = " ".join(f'<span class="mc2cm-chip" style="background:{colour};color:{text_on(colour)}">{bdi(name)}</span>'
                     for name, colour in chart.legend)
    st.html(f'<div class="mc2cm-legend" dir="{"rtl" if ui.rtl else "ltr"}">'
            f'<span class="mc2cm-muted">{escape(chart.legend_title)}</span> {chips}</div>')


def show_chart(chart: Chart, ui: UI, key: str, config: dict[str, Any] | None = None) -> None:
    """The legend, the figure, then what it shows in one sentence, then the same numbers as a table (folded)."""
    chart_legend(chart, ui)
    st.plotly_chart(chart.figure, width="stretch", config=CONFIG if config is None else config, key=key)
    st.caption(escape_markdown(chart.summary))
    with st.expander(ui.t("chart.as_table"), icon=":material/table_chart:"):
        if ui.rtl:  # st.dataframe's canvas grid does not run right to left
            st.table(chart.table.set_index(chart.table.columns[0]))
        else:
            st.dataframe(chart.table, hide_index=True, width="stretch")


def role_balance_figure(assessments: pd.DataFrame, ui: UI) -> None:
    show_chart(_role_chart(assessments, ui.data.cso_roles, ui.lang), ui, key=f"roles-{ui.lang}")


def challenge_matrix_chart(challenges: pd.DataFrame, recommendations: pd.DataFrame, ui: UI) -> None:
    show_chart(_matrix_chart(challenges, recommendations, ui.lang), ui, key=f"matrix-{ui.lang}")


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
            room_lines("cso_roles", str(role_id), ui)
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
                            f"{escape(text(item, 'text', ui.lang))} {source_link('role_assessments', item, ui)}</div>")
