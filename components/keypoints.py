"""Key points, guiding questions and officials' remarks, each with its citation (tables in data/README.md)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.cards import citation, source_markdown
from components.layout import UI
from mc2cm import citations
from mc2cm.bidi import isolate
from mc2cm.i18n import label, text
from mc2cm.keypoints import KEY_CONCEPTS, guiding_questions, initiative_points, points_of_kind, remarks_of
from mc2cm.plaintext import escape_markdown


def cite(table: str, row: pd.Series, ui: UI) -> None:
    """The row's citation under its text, with the link to its passage in the source reader."""
    st.caption(escape_markdown(citations.short_text(citation(row, ui))) + source_markdown(table, row, ui))


def cited_items(frame: pd.DataFrame, table: str, ui: UI, *, numbered: bool = True) -> None:
    """Each row's text (``text_<lang>``), numbered in order, with its citation under it."""
    for number, (_, row) in enumerate(frame.iterrows(), start=1):
        lead = f"**{number}.** " if numbered else "- "
        st.markdown(lead + escape_markdown(isolate(text(row, "text", ui.lang))))
        cite(table, row, ui)


def key_concepts(ui: UI) -> None:
    """The summary's key concepts: how CSOs contribute, the areas of cooperation, the sources of difficulty."""
    groups = [(kind, points_of_kind(ui.data, kind)) for kind in KEY_CONCEPTS]
    if all(frame.empty for _, frame in groups):
        return
    st.subheader(ui.t("overview.key_concepts"))
    st.caption(ui.t("overview.key_concepts_intro"))
    for kind, frame in groups:
        if frame.empty:
            continue
        with st.container(border=True):
            st.markdown(f"**{escape_markdown(label('key_point', kind, ui.lang))}**")
            cited_items(frame, "key_points", ui)


def guiding_questions_section(ui: UI) -> None:
    questions = guiding_questions(ui.data)
    if questions.empty:
        return
    st.subheader(ui.t("overview.guiding_questions"))
    st.caption(ui.t("overview.guiding_intro"))
    cited_items(questions, "guiding_questions", ui)


def remarks(official_id: str, ui: UI) -> None:
    """What one official said, under their name in the officials' list."""
    said = remarks_of(ui.data, official_id)
    for _, row in said.iterrows():
        st.markdown("  - " + escape_markdown(isolate(text(row, "text", ui.lang))))
        cite("remarks", row, ui)


def points_section(kind: str, intro_key: str, ui: UI, sources: tuple[str, ...] = ()) -> None:
    """One kind of general point (consultative bodies, migrants' needs…) as a titled, cited list."""
    frame = points_of_kind(ui.data, kind, sources)
    if frame.empty:
        return
    st.subheader(label("key_point", kind, ui.lang))
    st.caption(ui.t(intro_key))
    cited_items(frame, "key_points", ui, numbered=False)


def initiative_points_section(initiative_id: str, ui: UI) -> None:
    """The details a document gives about one initiative (Adana: purpose, membership, expected results…)."""
    groups = initiative_points(ui.data, initiative_id)
    if not groups:
        return
    st.subheader(ui.t("detail.points"))
    for kind, frame in groups:
        st.markdown(f"**{escape_markdown(label('key_point', kind, ui.lang))}**")
        cited_items(frame, "key_points", ui, numbered=kind == "expected_result")
