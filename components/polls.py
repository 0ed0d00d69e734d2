"""Polls: the delegate's ballot on a phone, and the live tally on the projector."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.auth import client
from components.charts import show_chart
from components.layout import UI
from components.voter import client_key, voter_id
from mc2cm.charts import Chart, poll_results_view
from mc2cm.export import rows_to_excel_csv
from mc2cm.i18n import join, text
from mc2cm.plaintext import escape_markdown
from mc2cm.scenes import poll_options
from mc2cm.voters import NEW_VOTERS, SUSPICIOUS_PER_CLIENT
from mc2cm.votes import CLOSED, OPEN, PollClosed, VoteStore, shared_vote_store

REFRESH_SECONDS = 3


def vote_store() -> VoteStore:
    """One store per process and location, created on first use (``$MC2CM_VOTES_DB`` or var/votes.sqlite3)."""
    return shared_vote_store()


def poll_row(ui: UI, poll_id: str) -> pd.Series | None:
    polls = ui.data["polls"]
    row = polls.loc[poll_id] if poll_id in polls.index else None
    return row if isinstance(row, pd.Series) else None  # ids are unique: one label, one row


def ballot_form(poll_id: str, ui: UI) -> None:
    """What a delegate sees after scanning the code."""
    poll = poll_row(ui, poll_id)
    if poll is None:
        st.warning(ui.t("poll.unknown"))
        return
    store = vote_store()
    voter = voter_id()
    st.header(escape_markdown(text(poll, "question", ui.lang)))
    options = dict(poll_options(ui.data, str(poll["options"]), ui.lang))
    current = [c for c in store.ballot(poll_id, voter) if c in options]
    if st.session_state.pop("ballot_saved", False):
        st.success(ui.t("poll.saved"), icon=":material/check_circle:")
    if current:
        st.success(ui.t("poll.yours", choices=escape_markdown(join((options[c] for c in current), ui.lang))))
    if store.status(poll_id) != OPEN:
        st.info(ui.t("poll.closed_info"))
        return
    limit = int(poll["max_choices"])
    with st.form(f"ballot-{poll_id}"):
        if poll["kind"] == "single_choice" or limit == 1:
            choice = st.radio(ui.t("poll.choose_one"), list(options), key="ballot_choice",
                              format_func=lambda value: escape_markdown(options[value]),  # radio labels are Markdown
                              index=list(options).index(current[0]) if current else None)
            chosen = [choice] if choice else []
        else:
            chosen = st.multiselect(ui.t("poll.choose", n=limit), list(options), default=current,
                                    format_func=lambda value: options[value], max_selections=limit,
                                    key="ballot_choices")
        sent = st.form_submit_button(ui.t("poll.submit"), type="primary", icon=":material/how_to_vote:")
    if sent:
        if not chosen:
            st.warning(ui.t("poll.pick_something"))
            return
        if not current and not NEW_VOTERS.allow(poll_id, client()):
            st.warning(ui.t("poll.too_many"), icon=":material/hourglass_top:")
            return
        try:
            store.submit(poll_id, voter, chosen, client=client_key())
        except PollClosed:
            st.info(ui.t("poll.closed_info"))
        else:
            st.session_state["ballot_saved"] = True
            st.rerun()


def results_chart(poll_id: str, ui: UI) -> tuple[Chart, int, str]:
    poll = poll_row(ui, poll_id)
    store = vote_store()
    options = poll_options(ui.data, str(poll["options"]), ui.lang) if poll is not None else []
    return poll_results_view(list(options), store.tally(poll_id), ui.lang), store.voters(poll_id), store.status(poll_id)


def live_results(poll_id: str, ui: UI) -> None:
    """Redrawn every few seconds on its own: the rest of the slide does not rerun."""

    @st.fragment(run_every=REFRESH_SECONDS)
    def _results() -> None:
        chart, voters, status = results_chart(poll_id, ui)
        state = ui.t("poll.status_open") if status == OPEN else ui.t("poll.status_closed")
        st.markdown(f"**{state}** · <span data-testid='mc2cm-voters'>{ui.tn('poll.voters', voters)}</span>",
                    unsafe_allow_html=True)
        show_chart(chart, ui, key=f"poll-{poll_id}", config={"displayModeBar": False, "staticPlot": True})

    _results()


def poll_controls(poll_id: str, ui: UI) -> None:
    """Open, close, reset and export: for a signed-in facilitator only."""
    poll = poll_row(ui, poll_id)
    if poll is None:
        return
    store = vote_store()
    status = store.status(poll_id)
    cols = st.columns(4)
    if status != OPEN and cols[0].button(ui.t("poll.open"), key=f"open-{poll_id}", icon=":material/play_arrow:"):
        store.set_status(poll_id, OPEN)
        st.rerun()
    if status == OPEN and cols[0].button(ui.t("poll.close"), key=f"close-{poll_id}", icon=":material/stop:"):
        store.set_status(poll_id, CLOSED)
        st.rerun()
    if cols[1].button(ui.t("poll.reset"), key=f"reset-{poll_id}", icon=":material/restart_alt:"):
        store.reset(poll_id)
        st.rerun()
    options = dict(poll_options(ui.data, str(poll["options"]), ui.lang))
    tally = store.tally(poll_id)
    rows: list[list[object]] = [[value, name, tally.get(value, 0)] for value, name in options.items()]
    crowded = {tag: n for tag, n in store.ballots_per_client(poll_id).items() if n >= SUSPICIOUS_PER_CLIENT}
    if crowded:
        st.warning(ui.t("poll.crowded", n=max(crowded.values()), addresses=len(crowded)), icon=":material/group:")
    cols[2].download_button(ui.t("poll.export"), rows_to_excel_csv(["option", "label", "votes"], rows),
                            file_name=f"{poll_id}-results.csv", mime="text/csv", key=f"export-{poll_id}",
                            icon=":material/download:")
