"""Publishing a closed poll's results to ``room_results.csv``: signed-in staff only, through the one save path."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from components import data as data_cache
from components.auth import signed_in
from components.layout import UI
from mc2cm import room_results, store
from mc2cm.i18n import LANGUAGE_NAMES, label
from mc2cm.plaintext import escape_markdown
from mc2cm.presenter import room_vote_store
from mc2cm.problem_text import problem_message, refusal_message
from mc2cm.titles import column_title
from mc2cm.votes import APPROVED, CLOSED, DEFAULT_SESSION, SESSION_PATTERN, VoteStore

NOTICE_KEY = "mc2cm_room_published"


def _preview(rows: list[dict[str, str]], ui: UI) -> pd.DataFrame:
    tspec = ui.data.spec.table(room_results.TABLE)

    def head(column: str) -> str:  # words for the facilitator; the file's column names are for /manage
        return column_title(tspec, column, ui.lang)

    return pd.DataFrame({
        ui.t("room.heading"): [room_results.subject_label(ui.data, row, ui.lang) for row in rows],
        head("measure"): [label("room_measure", row["measure"], ui.lang) for row in rows],
        head("value"): [row["value"] for row in rows],
        head("rank"): [row["rank"] for row in rows],
        head("n"): [row["n"] for row in rows],
    })


def _kept_posts(poll_id: str, votes: VoteStore, ui: UI) -> list[str]:
    approved = [p for p in votes.posts(poll_id) if p.status == APPROVED]
    if not approved:  # no empty list with the widget's own English ("No options to select")
        st.caption(ui.t("room.publish.none_approved"))
        return []
    labels = {p.id: f"{p.text} · {p.upvotes}" for p in approved}
    return st.multiselect(ui.t("room.publish.keep"), list(labels), format_func=lambda pid: labels[pid],
                          help=ui.t("room.publish.keep_help"), key=f"room-keep-{poll_id}",
                          placeholder=ui.t("room.publish.keep_placeholder"))


def publish_panel(poll_id: str, ui: UI, votes: VoteStore | None = None) -> None:
    """Preview a closed poll's aggregated results, then publish them as rows of room_results.csv."""
    message = st.session_state.pop(NOTICE_KEY, None)
    with st.expander(ui.t("room.publish.title"), icon=":material/publish:", expanded=bool(message)):
        if message:
            st.success(message, icon=":material/check_circle:")
            st.caption(ui.t("room.publish.undo_hint"))
        _panel(poll_id, ui, votes)


def _panel(poll_id: str, ui: UI, votes: VoteStore | None) -> None:
    who = signed_in()
    if not who:
        st.info(ui.t("room.publish.sign_in"), icon=":material/lock:")
        return
    polls = ui.data["polls"]
    if poll_id not in polls.index:
        st.warning(ui.t("room.publish.unknown_poll"))
        return
    votes = votes or room_vote_store()
    if votes.status(poll_id) != CLOSED:
        st.info(ui.t("room.publish.close_first"), icon=":material/stop_circle:")
        return
    st.caption(ui.t("room.publish.intro"))
    current_session = getattr(votes, "session", DEFAULT_SESSION)
    left, right = st.columns(2)
    session_id = left.text_input(ui.t("room.publish.session_id"), help=ui.t("room.publish.session_id_help"),
                                 value="" if current_session == DEFAULT_SESSION else current_session,
                                 max_chars=64, key=f"room-session-{poll_id}").strip().lower()
    session_name = right.text_input(ui.t("room.publish.session_name"), help=ui.t("room.publish.session_name_help"),
                                    max_chars=80, key=f"room-session-name-{poll_id}").strip()
    events = ui.data["events"]
    event_id = st.selectbox(ui.t("room.publish.event"), ["", *events.index], key=f"room-event-{poll_id}",
                            format_func=lambda eid: room_results.session_label({"event_id": eid}, events, ui.lang)
                            if eid else ui.t("room.publish.no_event"))
    kind = str(polls.loc[poll_id, "kind"])
    keep: list[str] = []
    latin = ui.lang if ui.lang != "ar" else "fr"
    if kind in room_results.POST_KINDS:
        keep = _kept_posts(poll_id, votes, ui)
        latin = st.selectbox(ui.t("room.publish.latin_lang"), ["en", "fr"], index=["en", "fr"].index(latin),
                             format_func=lambda code: LANGUAGE_NAMES[code], key=f"room-latin-{poll_id}")
    if not session_id or not SESSION_PATTERN.fullmatch(session_id):
        st.warning(ui.t("room.publish.session_bad"))
        return
    results = room_results.gather(ui.data, poll_id, votes, keep, latin)
    session = room_results.Session(session_id, session_name, str(event_id or ""))
    rows = room_results.result_rows(results, session, dt.date.today())
    if not rows or results.n == 0:
        st.info(ui.t("room.publish.nothing"))
        return
    existing, version = room_results.current_rows(data_cache.data_dir())
    replaced = sum(1 for r in existing if r.get("session_id") == session_id and r.get("poll_id") == poll_id)
    st.markdown(f"**{escape_markdown(ui.tn('room.publish.preview', len(rows)))}**")
    preview = _preview(rows, ui)
    if ui.rtl:  # st.dataframe's canvas grid does not run right to left, and its toolbar covered the heading
        st.table(preview.set_index(preview.columns[0]))
    else:
        st.dataframe(preview, hide_index=True, width="stretch")
    if replaced:
        st.caption(ui.tn("room.publish.replaces", replaced))
    if st.button(ui.t("room.publish.button"), type="primary", key=f"room-publish-{poll_id}", icon=":material/publish:"):
        try:
            room_results.publish(data_cache.data_dir(), rows, session_id, poll_id, who=who, expected_version=version)
        except store.SaveRefused as exc:
            st.error(f"{ui.t('room.publish.refused')} {escape_markdown(refusal_message(exc, ui.lang))}")
            for problem in exc.problems:
                st.caption(escape_markdown(problem_message(problem, ui.lang, ui.data.spec)))
            return
        data_cache.clear()
        st.session_state[NOTICE_KEY] = ui.tn("room.publish.done", len(rows))
        st.rerun()
