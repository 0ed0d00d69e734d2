"""Blocks of the data and sources page."""

from __future__ import annotations

import tempfile
from functools import partial
from html import escape
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pandas as pd
import streamlit as st

from components.data import current_stamp, dataset
from components.layout import UI
from mc2cm.assets import front_door_active
from mc2cm.citations import estimate_text
from mc2cm.export import download_name, to_excel_csv, zip_tables
from mc2cm.filters import Selection
from mc2cm.i18n import fmt_date, fmt_moment, text
from mc2cm.opendata import citation_text
from mc2cm.plaintext import escape_markdown
from mc2cm.problem_text import problem_message, severity_label
from mc2cm.reader import document_url
from mc2cm.site import export_site
from mc2cm.titles import column_title, file_column_label
from mc2cm.validation import Problem


def source_documents(ui: UI) -> None:
    st.subheader(ui.t("data.sources"))
    for source_id, source in ui.data.sources.iterrows():
        with st.container(border=True):
            st.markdown(f"**{escape_markdown(text(source, 'title', ui.lang))}**")
            if ui.lang != "ar":
                st.html(f'<div dir="rtl" lang="ar" style="text-align:right">{escape(str(source["title_ar"]))}</div>')
            date, estimate = source["date"], estimate_text(source.get("date_estimate"), ui.lang)
            when = (fmt_date(date, ui.lang) if date is not None and not pd.isna(date)
                    else ui.t("data.undated_estimate", estimate=estimate) if estimate else ui.t("data.undated"))
            st.caption(" · ".join(escape_markdown(part) for part in (text(source, "publisher", ui.lang), when,
                                                                     source["file"])))
            st.markdown(escape_markdown(text(source, "description", ui.lang)))
            if front_door_active():  # the reader is a route of serve.py, as /brief is
                st.markdown(f"[{escape_markdown(ui.t('sources.read_document'))}]"
                            f"({document_url(str(source_id), ui.lang)})")


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
    problem_table(problems, ui)
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
        problem_table(problems, ui)


def problem_table(problems: list[Problem], ui: UI) -> None:
    """Each problem with its file, row (as Excel numbers it), column and what to do.

    A plain table, not the canvas grid: the messages are long sentences to read in
    full, and a screen reader (or a search in the page) finds them.
    """
    if not problems:
        return
    spec = ui.data.spec
    st.table(pd.DataFrame([{ui.t("manage.col_file"): p.file, ui.t("manage.col_row"): "" if p.row is None else str(p.row),
                            ui.t("manage.col_column"): escape_markdown(file_column_label(spec, p.file, p.column, ui.lang)),
                            ui.t("manage.col_severity"): severity_label(p, ui.lang),
                            ui.t("manage.col_problem"): escape_markdown(problem_message(p, ui.lang, spec))}
                           for p in problems]))


def schema_help(ui: UI) -> None:
    with st.expander(ui.t("data.schema")):
        for tspec in ui.data.spec.tables:
            st.markdown(f"**{escape_markdown(tspec.path)}** — {escape_markdown(tspec.description)}")
            st.dataframe(pd.DataFrame([{ui.t("manage.col_column"): f.name,
                                        ui.t("manage.col_title"): column_title(tspec, f.name, ui.lang),
                                        ui.t("manage.col_type"): f.type, ui.t("manage.col_required"): f.required,
                                        ui.t("manage.col_description"): f.description}
                                       for f in tspec.fields]), hide_index=True)


def base_url() -> str:
    """This server's address as the reader's browser sees it (``http://host:port/``)."""
    parts = urlsplit(st.context.url or "")
    return f"{parts.scheme}://{parts.netloc}/" if parts.netloc else "/"


def how_to_cite(ui: UI) -> None:
    """The dataset's citation in the reader's language, with Streamlit's copy button."""
    st.subheader(ui.t("data.cite"))
    st.caption(ui.t("data.cite_help"))
    st.code(citation_text(ui.data, ui.lang, base_url() + "data"), language=None, wrap_lines=True)


def open_data(ui: UI, selection: Selection) -> None:
    """Links to this view as data (web/api.py): the same filters, every format."""
    st.subheader(ui.t("data.api"))
    st.caption(ui.t("data.api_help"))
    query = urlencode(selection.with_(id="").to_query(ui.lang), doseq=True)
    links = [f"/api/v1/initiatives.{fmt}?{query}" for fmt in ("csv", "json", "xlsx", "geojson")]
    links += [f"/api/v1/challenges.json?{query}", f"/api/v1/datapackage.zip?{query}"]
    here = base_url().rstrip("/")  # the full address, for another tool to use as it is
    st.html('<ul dir="ltr" style="margin:0">'
            + "".join(f'<li><a href="{escape(link)}" style="display:inline-block;min-height:24px">'
                      f"{escape(here + link)}</a></li>" for link in links) + "</ul>")


@st.cache_resource(show_spinner=False, max_entries=1)
def _offline_zip(stamp: tuple[tuple[str, int, int], ...], url: str) -> bytes:
    del stamp  # part of the key: new data, new copy
    with tempfile.TemporaryDirectory(prefix="mc2cm-site-") as folder:
        report = export_site(dataset(), Path(folder) / "mc2cm-offline", url)
        return report.zip_path.read_bytes()


def offline_copy(ui: UI) -> None:
    """The offline copy (mc2cm/site.py) as a zip, made when asked for and kept until the data changes."""
    st.subheader(ui.t("data.offline"))
    st.caption(ui.t("data.offline_help"))
    st.download_button("mc2cm-offline.zip", partial(_offline_zip, current_stamp(), base_url()),
                       file_name="mc2cm-offline.zip", mime="application/zip", icon=":material/download:",
                       key="dl-offline", on_click="ignore")
