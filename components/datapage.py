"""Blocks of the data and sources page."""

from __future__ import annotations

from functools import partial
from html import escape

import pandas as pd
import streamlit as st

from components.layout import UI
from mc2cm.export import download_name, to_excel_csv, zip_tables
from mc2cm.filters import Selection
from mc2cm.i18n import fmt_date, fmt_moment, text
from mc2cm.plaintext import escape_markdown
from mc2cm.validation import Problem


def source_documents(ui: UI) -> None:
    st.subheader(ui.t("data.sources"))
    for _, source in ui.data.sources.iterrows():
        with st.container(border=True):
            st.markdown(f"**{escape_markdown(text(source, 'title', ui.lang))}**")
            if ui.lang != "ar":
                st.html(f'<div dir="rtl" lang="ar" style="text-align:right">{escape(str(source["title_ar"]))}</div>')
            date = source["date"]
            when = fmt_date(date, ui.lang) if date is not None and not pd.isna(date) else ui.t("data.undated")
            st.caption(" · ".join(escape_markdown(part) for part in (text(source, "publisher", ui.lang), when,
                                                                     source["file"])))
            st.markdown(escape_markdown(text(source, "description", ui.lang)))


def downloads(ui: UI, initiatives: pd.DataFrame, selection: Selection, caption: str) -> None:
    """Each file is built only when its button is clicked, so the page stays light.

    The initiatives follow the filters, and then the file is named for them
    (``initiatives-filtered-lebanon.csv``), which the upload on /manage recognises.
    """
    st.subheader(ui.t("data.download"))
    st.caption(ui.t("data.download_help"))
    st.caption(escape_markdown(caption))
    spec = ui.data.spec
    frames = {name: (ui.data[name], spec.table(name)) for name in spec.table_names}
    frames["initiatives"] = (initiatives, spec.table("initiatives"))
    names = {name: tspec.path for name, (_, tspec) in frames.items()}
    names["initiatives"] = download_name(spec.table("initiatives").path, selection)
    st.download_button("mc2cm-data.zip", partial(zip_tables, frames, names), file_name="mc2cm-data.zip",
                       mime="application/zip", icon=":material/download:", key="dl-all", on_click="ignore")
    cols = st.columns(4)
    for i, (name, (frame, tspec)) in enumerate(frames.items()):
        cols[i % 4].download_button(escape_markdown(f"{names[name]} ({len(frame)})"),
                                    partial(to_excel_csv, frame, tspec), file_name=names[name], mime="text/csv",
                                    key=f"dl-{name}", on_click="ignore")


def validation_status(ui: UI) -> None:
    """The problems of the files as they are now (also when the pages serve the last valid version)."""
    st.subheader(ui.t("data.validation"))
    problems = [p for p in ui.data.current_problems if p.severity != "info"]
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    if errors:
        errors_notice(ui, errors)
    else:
        st.success(ui.tn("data.valid", warnings))
    problem_table(problems)
    counts = pd.DataFrame({ui.t("data.file"): [t.path for t in ui.data.spec.tables],
                           ui.t("data.rows"): [len(ui.data[t.name]) for t in ui.data.spec.tables]})
    st.dataframe(counts, hide_index=True)


def errors_notice(ui: UI, errors: int) -> None:
    if ui.data.as_of is not None:
        st.error(ui.tn("data.stale_detail", errors, time=fmt_moment(ui.data.as_of, ui.lang)))
    else:
        st.error(ui.tn("data.invalid", errors))


def file_errors(ui: UI) -> None:
    """For staff (/manage): the errors of the files on disk, if any, each with file, row and fix."""
    problems = [p for p in ui.data.current_problems if p.severity == "error"]
    if problems:
        errors_notice(ui, len(problems))
        problem_table(problems)


def problem_table(problems: list[Problem]) -> None:
    """Each problem with its file, row (as Excel numbers it), column and what to do.

    A plain table, not the canvas grid: the messages are long sentences to read in
    full, and a screen reader (or a search in the page) finds them.
    """
    if problems:
        st.table(pd.DataFrame([{"file": p.file, "row": "" if p.row is None else str(p.row), "column": p.column or "",
                                "severity": p.severity, "message": p.message} for p in problems]))


def schema_help(ui: UI) -> None:
    with st.expander(ui.t("data.schema")):
        for tspec in ui.data.spec.tables:
            st.markdown(f"**{escape_markdown(tspec.path)}** — {escape_markdown(tspec.description)}")
            st.dataframe(pd.DataFrame([{"column": f.name, "title": f.title, "type": f.type,
                                        "required": f.required, "description": f.description}
                                       for f in tspec.fields]), hide_index=True)
