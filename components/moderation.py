"""The facilitator's moderation of a questions or ideas poll: approve, hide, restore, mark answered, pin.

Behind the facilitator sign-in. Pre-moderation (nothing shown until approved) is the poll's default
from polls.csv; the switch here stores post-moderation (shown at once, hideable) for this session.

The list of posts (and its "N waiting · N sent" line) is a fragment that looks at the store again every
:data:`MODERATION_REFRESH_S` seconds, so a question sent from a phone shows without a click. Its buttons
act in their ``on_click`` callback, keyed by post id and carrying the post id and the state they ask for
(approve, pin, not "toggle"): Streamlit runs a click's callback before the script body, also when the click
landed during a refresh (the click's run is queued behind it), so the change reaches the store and the
right post even if a later run redraws the list in another order.

A refresh draws the whole list again even when nothing changed: a fragment run that draws nothing clears
what the fragment drew before, so it cannot skip. The browser keeps the unchanged rows' elements (same
keys, same places): the facilitator's focus and scroll stay where they were
(tests/browser/test_moderation_refresh.py checks both).
"""

from __future__ import annotations

import datetime as dt
import math
import os
from contextlib import suppress

import streamlit as st

from components.auth import sign_in_panel, signed_in
from components.layout import UI
from mc2cm.bidi import isolate
from mc2cm.i18n import fmt_moment, label
from mc2cm.plaintext import escape_markdown
from mc2cm.polls import poll_spec
from mc2cm.presenter import room_vote_store
from mc2cm.votes import APPROVED, HIDDEN, PENDING, POST, PRE, Post, UnknownPost, VoteStore

# Pending first (they wait for a decision), then what the room sees, then what was hidden.
_ORDER = {PENDING: 0, APPROVED: 1, HIDDEN: 2}
STATUS_KEYS = {PENDING: "moderation.status_pending", APPROVED: "moderation.status_approved",
               HIDDEN: "moderation.status_hidden"}

MODERATION_REFRESH_S = 3.0  # seconds between two looks at the store (the projector's and the count's pace)
MIN_REFRESH_S = 1.0  # a shorter interval given in the environment is taken as this
REFRESH_ENV = "MC2CM_MODERATION_REFRESH_S"  # seconds; 0 turns the refresh off (the browser test's control)


def refresh_seconds() -> float | None:
    """The list's refresh interval, read at each call: ``MC2CM_MODERATION_REFRESH_S`` if set, else 3 s.

    ``None`` (no refresh: the list changes on the facilitator's next click) for 0 or less.
    """
    raw = os.environ.get(REFRESH_ENV, "").strip()
    if not raw:
        return MODERATION_REFRESH_S
    try:
        seconds = float(raw)
    except ValueError:
        return MODERATION_REFRESH_S
    if not math.isfinite(seconds):
        return MODERATION_REFRESH_S
    return max(seconds, MIN_REFRESH_S) if seconds > 0 else None


def _seen_key(poll_id: str) -> str:
    return f"moderation-seen-{poll_id}"


def _mark_seen(poll_id: str, posts: list[Post]) -> None:
    """What the facilitator had in front of them when they last acted (a click, any full run of the page)."""
    st.session_state[_seen_key(poll_id)] = frozenset(p.id for p in posts)


def _new_ids(poll_id: str, posts: list[Post]) -> frozenset[str]:
    """Posts that came in by a refresh since then: nothing before the first full run."""
    seen = st.session_state.get(_seen_key(poll_id))
    if not isinstance(seen, frozenset):
        return frozenset()
    return frozenset(p.id for p in posts) - seen


def _act(store: VoteStore, poll_id: str, post_id: str, *, status: str | None = None, pinned: bool | None = None,
         answered: bool | None = None) -> None:
    """A button's callback: the post named when the button was drawn gets the state the button showed.

    A target state, not a toggle, so a click given twice (or retried) does the same once. Then the whole
    page reruns, as before the list refreshed itself: the publishing panel lists the approved posts too.
    """
    if not signed_in():
        return
    with suppress(UnknownPost):  # gone meanwhile (the answers were reset): the rerun drops its row
        store.moderate(poll_id, post_id, status=status, pinned=pinned, answered=answered)
    _mark_seen(poll_id, store.posts(poll_id))
    st.rerun()


def _when(post: Post, ui: UI) -> str:
    try:
        return fmt_moment(dt.datetime.fromisoformat(post.created), ui.lang)
    except ValueError:
        return ""


def _post_row(post: Post, poll_id: str, store: VoteStore, ui: UI, tags: dict[str, str], new: bool) -> None:
    key = f"mod-{poll_id}-{post.id}"  # by post id, never by place: the order changes as posts come in
    with st.container(border=True, key=f"{key}-row"):
        st.markdown(escape_markdown(isolate(post.text)))  # a French question keeps its "?" at its end in Arabic
        facts = [ui.t("moderation.new_post") if new else "",
                 ui.t(STATUS_KEYS.get(post.status, "moderation.status_pending")), ui.tn("ballot.upvotes", post.upvotes),
                 _when(post, ui)]
        if post.tag in tags:
            facts.append(tags[post.tag])
        if post.pinned:
            facts.append(ui.t("ballot.pinned"))
        if post.answered:
            facts.append(ui.t("ballot.answered"))
        st.caption(escape_markdown(" · ".join(f for f in facts if f)))
        cols = st.columns(4)
        args = (store, poll_id, post.id)
        if post.status != APPROVED:
            cols[0].button(ui.t("moderation.approve") if post.status == PENDING else ui.t("moderation.restore"),
                           key=f"{key}-approve", icon=":material/check:", on_click=_act, args=args,
                           kwargs={"status": APPROVED}, type="primary" if post.status == PENDING else "secondary")
        if post.status != HIDDEN:
            cols[1].button(ui.t("moderation.hide"), key=f"{key}-hide", icon=":material/visibility_off:", on_click=_act,
                           args=args, kwargs={"status": HIDDEN})
        cols[2].button(ui.t("moderation.unpin") if post.pinned else ui.t("moderation.pin"), key=f"{key}-pin",
                       icon=":material/keep:", on_click=_act, args=args, kwargs={"pinned": not post.pinned},
                       disabled=post.status != APPROVED)
        cols[3].button(ui.t("moderation.not_answered") if post.answered else ui.t("moderation.answered"),
                       key=f"{key}-answered", icon=":material/task_alt:", on_click=_act, args=args,
                       kwargs={"answered": not post.answered}, disabled=post.status != APPROVED)


def _sorted_posts(store: VoteStore, poll_id: str) -> list[Post]:
    return sorted(store.posts(poll_id), key=lambda p: (_ORDER.get(p.status, 3), not p.pinned, -p.upvotes, p.created))


def _post_list(poll_id: str, ui: UI, store: VoteStore, tags: dict[str, str]) -> None:
    """The counts and every post with its buttons (drawn again by each refresh of the fragment)."""
    if not signed_in():  # signed out meanwhile: the next full run draws the sign-in form
        return
    posts = _sorted_posts(store, poll_id)
    waiting = sum(p.status == PENDING for p in posts)
    new = _new_ids(poll_id, posts)
    counts = [ui.tn("moderation.waiting", waiting), ui.tn("moderation.posts", len(posts))]
    if new:
        counts.append(ui.tn("moderation.new", len(new)))  # the cue: what came in since the facilitator last acted
    st.caption(escape_markdown(" · ".join(counts)))
    if not posts:
        st.info(ui.t("moderation.empty"))
        return
    for post in posts:
        _post_row(post, poll_id, store, ui, tags, post.id in new)


def moderation_panel(poll_id: str, ui: UI, store: VoteStore | None = None) -> None:
    """Every post of a questions or ideas poll with its moderation buttons, and the pre/post switch.

    Draws the sign-in form instead when nobody is signed in; nothing for other kinds of poll.
    """
    spec = poll_spec(ui.data, poll_id, ui.lang)
    if spec is None or not spec.takes_posts:
        return
    if not signed_in():
        sign_in_panel(ui)
        return
    given = store
    store = store or room_vote_store()
    st.markdown(f"**{escape_markdown(ui.t('moderation.title'))}**")
    mode = store.moderation(poll_id, default=spec.moderation)
    modes = [PRE, POST]
    chosen = st.radio(ui.t("moderation.mode"), modes, index=modes.index(mode), horizontal=True,
                      key=f"moderation-mode-{poll_id}-{mode}",
                      format_func=lambda code: label("moderation", code, ui.lang))  # the schema's own words
    if chosen != mode:
        store.set_moderation(poll_id, str(chosen))
        st.rerun()
    _mark_seen(poll_id, store.posts(poll_id))  # a full run of the page: the facilitator has it all in view
    tags = dict(spec.tags)

    @st.fragment(run_every=refresh_seconds())
    def _refreshed() -> None:
        room = room_vote_store()  # each refresh: the room's session may have changed since the page's full run
        _post_list(poll_id, ui, given if given is not None and given.session == room.session else room, tags)

    _refreshed()
