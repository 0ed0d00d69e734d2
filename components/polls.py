"""Polls: the delegate's ballot on a phone (every kind), and the live results on the projector."""

from __future__ import annotations

from html import escape

import pandas as pd
import streamlit as st

from components.auth import client
from components.charts import show_chart
from components.layout import UI
from components.moderation import moderation_panel
from components.publishing import publish_panel
from components.voter import client_key, voter_id
from mc2cm.charts import Chart, poll_results_view
from mc2cm.export import rows_to_excel_csv
from mc2cm.i18n import fmt_number, join, text
from mc2cm.plaintext import escape_markdown
from mc2cm.poll_charts import ranking_view, rating_view
from mc2cm.polls import (
    RANKING,
    RATING,
    PollSpec,
    poll_spec,
    post_problem,
    problem_message,
    ranking_from_form,
    results_rows,
    scores_from_form,
)
from mc2cm.presenter import room_vote_store
from mc2cm.scenes import poll_options
from mc2cm.tallies import ranking_results, rating_results, top_posts
from mc2cm.voters import NEW_VOTERS, SUSPICIOUS_PER_CLIENT
from mc2cm.votes import APPROVED, CLOSED, OPEN, PollClosed, TooManyPosts, UnknownPost, VoteStore

REFRESH_SECONDS = 3
TOP_POSTS = 5  # questions or ideas on the projector: the room's top five
LONG_OPTION_CHARS = 90  # a choice longer than this (a whole question) is written out above its bar, not beside it
POST_WORDS = {  # literal keys: the catalog check finds them
    "questions": {"label": "ballot.your_question", "send": "ballot.send_question", "heading": "ballot.room_questions",
                  "none": "ballot.no_questions", "sent": "ballot.question_sent", "pending": "ballot.question_pending"},
    "ideas": {"label": "ballot.your_idea", "send": "ballot.send_idea", "heading": "ballot.room_ideas",
              "none": "ballot.no_ideas", "sent": "ballot.idea_sent", "pending": "ballot.idea_pending"},
}


def vote_store() -> VoteStore:
    """One store per process and location, created on first use (``$MC2CM_VOTES_DB`` or var/votes.sqlite3)."""
    return room_vote_store()


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
    spec = poll_spec(ui.data, poll_id, ui.lang)
    if spec is not None and spec.takes_posts:
        _posts_ballot(spec, store, voter, ui)
        return
    if spec is not None and spec.kind in (RANKING, RATING):
        _scored_ballot(spec, store, voter, ui)
        return
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


def _saved_notice(ui: UI) -> None:
    if st.session_state.pop("ballot_saved", False):
        st.success(ui.t("poll.saved"), icon=":material/check_circle:")


def _may_answer(spec: PollSpec, store: VoteStore, voter: str, ui: UI) -> bool:
    """The new-voter brake for a device's first answer to this poll (a script minting cookies, not a room)."""
    if not store.has_answered(spec.id, voter) and not NEW_VOTERS.allow(spec.id, client()):
        st.warning(ui.t("poll.too_many"), icon=":material/hourglass_top:")
        return False
    return True


def _scored_ballot(spec: PollSpec, store: VoteStore, voter: str, ui: UI) -> None:
    """A ranking (a place per option, each place once) or a rating (a score per option)."""
    names = dict(spec.options)
    _saved_notice(ui)
    if spec.kind == RANKING:
        current = {c: rank for rank, c in enumerate((c for c in store.ballot(spec.id, voter) if c in names), 1)}
        if current:
            ranked = sorted(current, key=lambda c: current[c])
            st.success(ui.t("ballot.your_ranking", ranking=escape_markdown(join((names[c] for c in ranked), ui.lang))))
    else:
        current = {c: s for c, s in store.scores(spec.id, voter).items() if c in names}
    if store.status(spec.id) != OPEN:
        st.info(ui.t("poll.closed_info"))
        return
    picked: dict[str, int | None] = {}
    with st.form(f"ballot-{spec.id}"):
        if spec.kind == RANKING:
            st.caption(ui.t("ballot.rank_hint", places=spec.places))
            places = [0, *range(1, spec.places + 1)]
            for value, name in spec.options:
                picked[value] = st.selectbox(escape_markdown(name), places, index=current.get(value, 0),
                                             key=f"rank-{value}", format_func=lambda r: ui.t("ballot.rank_none")
                                             if r == 0 else fmt_number(r, ui.lang))
        else:
            st.caption(ui.t("ballot.rate_hint", scale=spec.scale))
            scale = list(range(1, spec.scale + 1))
            for value, name in spec.options:
                picked[value] = st.radio(escape_markdown(name), scale, horizontal=True, key=f"score-{value}",
                                         index=current[value] - 1 if value in current else None,
                                         format_func=lambda s: fmt_number(s, ui.lang))
        sent = st.form_submit_button(ui.t("poll.submit"), type="primary", icon=":material/how_to_vote:")
    if not sent:
        return
    prefix = "rank-" if spec.kind == RANKING else "score-"
    fields = {f"{prefix}{value}": str(v) if v else "" for value, v in picked.items()}
    if spec.kind == RANKING:
        ranked_now, problem = ranking_from_form(fields, spec)
    else:
        scores, problem = scores_from_form(fields, spec)
    if problem is not None:
        st.warning(escape_markdown(problem_message(problem, ui.lang)))
        return
    if not _may_answer(spec, store, voter, ui):
        return
    try:
        if spec.kind == RANKING:
            store.submit(spec.id, voter, ranked_now, client=client_key())
        else:
            store.submit_scores(spec.id, voter, scores, client=client_key())
    except PollClosed:
        st.info(ui.t("poll.closed_info"))
    else:
        st.session_state["ballot_saved"] = True
        st.rerun()


def _posts_ballot(spec: PollSpec, store: VoteStore, voter: str, ui: UI) -> None:
    """A question or an idea to send, and the room's approved ones to upvote. No names asked or shown."""
    words = POST_WORDS[spec.kind]
    st.info(ui.t("ballot.chatham"), icon=":material/groups:")
    sent_status = st.session_state.pop("post_saved", None)
    if sent_status:
        st.success(ui.t(words["sent"] if sent_status == APPROVED else words["pending"]), icon=":material/check_circle:")
    is_open = store.status(spec.id) == OPEN
    if is_open:
        tags = dict(spec.tags)
        with st.form(f"post-{spec.id}"):
            body = st.text_area(ui.t(words["label"]), max_chars=spec.max_length, key="post_text",
                                help=ui.t("ballot.post_hint", limit=spec.max_length))
            tag = st.selectbox(ui.t("ballot.tag"), ["", *tags], key="post_tag",
                               format_func=lambda v: tags[v] if v else ui.t("ballot.no_tag")) if tags else ""
            sent = st.form_submit_button(ui.t(words["send"]), type="primary", icon=":material/send:")
        if sent:
            _send_post(spec, store, voter, str(body or ""), str(tag or ""), ui)
    else:
        st.info(ui.t("poll.closed_info"))
    posts = store.posts(spec.id, viewer=voter)
    waiting = [p for p in posts if p.mine and p.status != APPROVED]
    if waiting:
        st.subheader(ui.t("ballot.yours_waiting"))
        for post in waiting:
            st.markdown(f"> {escape_markdown(post.text)}")
    st.subheader(ui.t(words["heading"]))
    shown = top_posts(posts)
    if not shown:
        st.caption(ui.t(words["none"]))
    for post in shown:
        with st.container(border=True):
            st.markdown(escape_markdown(post.text))
            facts = [ui.tn("ballot.upvotes", post.upvotes)]
            if post.tag in dict(spec.tags):
                facts.append(dict(spec.tags)[post.tag])
            facts += [ui.t("ballot.pinned")] * post.pinned + [ui.t("ballot.answered")] * post.answered
            st.caption(escape_markdown(" · ".join(facts)))
            if is_open and st.button(ui.t("ballot.withdraw") if post.upvoted else ui.t("ballot.upvote"),
                                     key=f"up-{post.id}", icon=":material/thumb_up:",
                                     type="secondary" if post.upvoted else "primary"):
                _toggle_upvote(spec, store, voter, post.id, not post.upvoted, ui)


def _send_post(spec: PollSpec, store: VoteStore, voter: str, body: str, tag: str, ui: UI) -> None:
    problem = post_problem(body, tag, spec)
    if problem is not None:
        st.warning(escape_markdown(problem_message(problem, ui.lang)))
        return
    if not _may_answer(spec, store, voter, ui):
        return
    try:
        post = store.add_post(spec.id, voter, body, tag, default_moderation=spec.moderation,
                              max_length=spec.max_length, client=client_key())
    except TooManyPosts as wait:
        st.warning(ui.tn("ballot.post_wait", max(1, -(-wait.retry_after // 60))), icon=":material/hourglass_top:")
    except PollClosed:
        st.info(ui.t("poll.closed_info"))
    else:
        st.session_state.pop("post_text", None)  # an empty box for the next one
        st.session_state["post_saved"] = post.status
        st.rerun()


def _toggle_upvote(spec: PollSpec, store: VoteStore, voter: str, post_id: str, up: bool, ui: UI) -> None:
    if not _may_answer(spec, store, voter, ui):
        return
    try:
        if up:
            store.upvote(spec.id, post_id, voter)
        else:
            store.withdraw_upvote(spec.id, post_id, voter)
    except UnknownPost:
        st.warning(ui.t("ballot.post_gone"))
    except PollClosed:
        st.info(ui.t("poll.closed_info"))
    else:
        st.rerun()


def results_chart(poll_id: str, ui: UI) -> tuple[Chart, int, str]:
    """The chart of a dot vote, a single choice, a ranking or a rating; the devices that answered; open or closed."""
    store = vote_store()
    spec = poll_spec(ui.data, poll_id, ui.lang)
    options = spec.options if spec is not None else []
    values, names = [v for v, _ in options], dict(options)
    voters = store.voters(poll_id)
    if spec is not None and spec.kind == RANKING:
        ballots = [choices for _, choices, _ in store.ballots(poll_id)]
        chart = ranking_view(ranking_results(values, ballots), names, len(ballots), ui.lang)
    elif spec is not None and spec.kind == RATING:
        chart = rating_view(rating_results(values, store.all_scores(poll_id), spec.scale), names, spec.scale, voters,
                            ui.lang)
    else:
        chart = poll_results_view(list(options), store.tally(poll_id), ui.lang)
    return chart, voters, store.status(poll_id)


def top_posts_list(poll_id: str, ui: UI, n: int = TOP_POSTS) -> None:
    """The room's top ``n`` questions or ideas, big: pinned first, then by upvotes (with their count)."""
    store = vote_store()
    posts = top_posts(store.posts(poll_id), n)
    if not posts:
        spec = poll_spec(ui.data, poll_id, ui.lang)
        words = POST_WORDS.get(spec.kind if spec else "", POST_WORDS["questions"])
        st.html(f"<p style='font-size:1.75rem'>{escape(ui.t(words['none']))}</p>")
        return
    items = "".join(
        f"<li style='margin:0 0 .75rem'><span dir='auto'>{escape(p.text)}</span> "
        f"<strong style='white-space:nowrap'>· {escape(ui.tn('ballot.upvotes', p.upvotes))}</strong>"
        f"{' · ' + escape(ui.t('ballot.answered')) if p.answered else ''}</li>" for p in posts)
    # st.html, not Markdown: a post keeps its line breaks, and a blank line would end an HTML block and
    # let the rest be read as Markdown (an image from anywhere, a link)
    # dir=auto: a French question keeps its own order in an Arabic slide (its "?" at its end)
    st.html(f"<ol data-testid='mc2cm-top-posts' class='mc2cm-top-posts' style='line-height:1.35;color:#000'>{items}</ol>")


def live_results(poll_id: str, ui: UI, top: int = TOP_POSTS) -> None:
    """Redrawn every few seconds on its own: the rest of the slide does not rerun.

    A chart for choices, rankings and ratings; the top ``top`` approved posts for questions and ideas.
    """

    @st.fragment(run_every=REFRESH_SECONDS)
    def _results() -> None:
        spec = poll_spec(ui.data, poll_id, ui.lang)
        store = vote_store()
        voters, status = store.voters(poll_id), store.status(poll_id)
        state = ui.t("poll.status_open") if status == OPEN else ui.t("poll.status_closed")
        st.markdown(f"**{state}** · <span data-testid='mc2cm-voters'>{ui.tn('poll.voters', voters)}</span>",
                    unsafe_allow_html=True)
        if spec is not None and spec.takes_posts:
            top_posts_list(poll_id, ui, top)
            return
        chart, _, _ = results_chart(poll_id, ui)
        if spec is not None and spec.kind not in (RANKING, RATING) and \
                max((len(name) for _, name in spec.options), default=0) > LONG_OPTION_CHARS:
            text_bars(spec.options, store.tally(poll_id), ui)  # whole questions do not fit beside a bar
            st.caption(escape_markdown(chart.summary))
            return
        show_chart(chart, ui, key=f"poll-{poll_id}", config={"displayModeBar": False, "staticPlot": True})

    _results()


def text_bars(options: list[tuple[str, str]], tally: dict[str, int], ui: UI) -> None:
    """A choice poll whose options are whole sentences: each written out in full, its bar and count under it.

    HTML, so a sentence wraps as text does (a Plotly axis label of five lines overlaps its neighbours);
    the bar's length is the count's share of the largest, and the count is written beside it.
    """
    counts = [int(tally.get(value, 0)) for value, _ in options]
    most = max([*counts, 1])
    items = "".join(
        f'<li><p>{escape(name)}</p><div class="mc2cm-bar"><span style="width:{round(100 * n / most)}%"></span>'
        f"<strong>{escape(fmt_number(n, ui.lang))}</strong></div></li>"
        for (_, name), n in zip(options, counts, strict=True))
    st.html(f'<ol class="mc2cm-text-bars" dir="{"rtl" if ui.rtl else "ltr"}" data-testid="mc2cm-text-bars">{items}</ol>')


def results_csv(poll_id: str, ui: UI) -> bytes:
    """The results export of any kind of poll: the question, each option (or post), n and the time."""
    store = vote_store()
    spec = poll_spec(ui.data, poll_id, ui.lang)
    if spec is None:
        return b""
    columns, rows = results_rows(spec, store.session, store.voters(poll_id), tally=store.tally(poll_id),
                                 rankings=[c for _, c, _ in store.ballots(poll_id)] if spec.kind == RANKING else (),
                                 ratings=store.all_scores(poll_id) if spec.kind == RATING else (),
                                 posts=store.posts(poll_id) if spec.takes_posts else ())
    return rows_to_excel_csv(columns, rows)


def reset_with_confirmation(poll_id: str, store: VoteStore, ui: UI) -> None:
    """Clearing the answers takes a second click that says how many go, and can be undone."""
    asked, cleared = f"reset-asked-{poll_id}", f"reset-cleared-{poll_id}"
    answers = store.voters(poll_id)
    if st.session_state.get(asked):
        st.warning(ui.tn("presenter.reset_confirm", answers), icon=":material/warning:")
        yes, no = st.columns(2)
        if yes.button(ui.t("presenter.reset_yes"), key=f"reset-yes-{poll_id}", type="primary"):
            store.reset(poll_id)
            st.session_state[asked], st.session_state[cleared] = False, answers
            st.rerun()
        if no.button(ui.t("presenter.reset_no"), key=f"reset-no-{poll_id}"):
            st.session_state[asked] = False
            st.rerun()
        return
    can_undo = getattr(store, "can_undo_reset", None)
    undo = getattr(store, "undo_reset", None)
    if callable(undo) and callable(can_undo) and can_undo(poll_id):  # also after a reload, or from another device
        done = st.session_state.get(cleared)
        st.info(ui.tn("presenter.reset_done", int(done)) if done is not None else ui.t("presenter.reset_undoable"),
                icon=":material/delete_sweep:")
        if st.button(ui.t("presenter.reset_undo"), key=f"reset-undo-{poll_id}", icon=":material/undo:"):
            undo(poll_id)
            st.session_state.pop(cleared, None)
            st.rerun()
    if st.button(ui.t("poll.reset"), key=f"reset-{poll_id}", icon=":material/delete_sweep:", disabled=answers == 0):
        st.session_state[asked] = True
        st.rerun()


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
    crowded = {tag: n for tag, n in store.ballots_per_client(poll_id).items() if n >= SUSPICIOUS_PER_CLIENT}
    if crowded:
        st.warning(ui.t("poll.crowded", n=max(crowded.values()), addresses=len(crowded)), icon=":material/group:")
    cols[2].download_button(ui.t("poll.export"), results_csv(poll_id, ui),
                            file_name=f"{poll_id}-results.csv", mime="text/csv", key=f"export-{poll_id}",
                            icon=":material/download:")
    reset_with_confirmation(poll_id, store, ui)  # apart from close: a slip of the hand must not wipe answers
    moderation_panel(poll_id, ui, store)  # questions and ideas: approve, hide, pin, answered; pre or post
    publish_panel(poll_id, ui, store)  # a closed poll's results into data/room_results.csv
