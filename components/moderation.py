"""The facilitator's moderation of a questions or ideas poll: approve, hide, restore, mark answered, pin.

Behind the facilitator sign-in. Pre-moderation (nothing shown until approved) is the poll's default
from polls.csv; the switch here stores post-moderation (shown at once, hideable) for this session.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from components.auth import sign_in_panel, signed_in
from components.layout import UI
from mc2cm.i18n import fmt_moment, label
from mc2cm.plaintext import escape_markdown
from mc2cm.polls import poll_spec
from mc2cm.presenter import room_vote_store
from mc2cm.votes import APPROVED, HIDDEN, PENDING, POST, PRE, Post, VoteStore

# Pending first (they wait for a decision), then what the room sees, then what was hidden.
_ORDER = {PENDING: 0, APPROVED: 1, HIDDEN: 2}
STATUS_KEYS = {PENDING: "moderation.status_pending", APPROVED: "moderation.status_approved",
               HIDDEN: "moderation.status_hidden"}


def _when(post: Post, ui: UI) -> str:
    try:
        return fmt_moment(dt.datetime.fromisoformat(post.created), ui.lang)
    except ValueError:
        return ""


def _post_row(post: Post, poll_id: str, store: VoteStore, ui: UI, tags: dict[str, str]) -> None:
    with st.container(border=True):
        st.markdown(escape_markdown(post.text))
        facts = [ui.t(STATUS_KEYS.get(post.status, "moderation.status_pending")), ui.tn("ballot.upvotes", post.upvotes),
                 _when(post, ui)]
        if post.tag in tags:
            facts.append(tags[post.tag])
        if post.pinned:
            facts.append(ui.t("ballot.pinned"))
        if post.answered:
            facts.append(ui.t("ballot.answered"))
        st.caption(escape_markdown(" · ".join(f for f in facts if f)))
        cols = st.columns(4)
        key = f"mod-{poll_id}-{post.id}"
        if post.status != APPROVED and cols[0].button(
                ui.t("moderation.approve") if post.status == PENDING else ui.t("moderation.restore"),
                key=f"{key}-approve", icon=":material/check:", type="primary" if post.status == PENDING else "secondary"):
            store.moderate(poll_id, post.id, status=APPROVED)
            st.rerun()
        if post.status != HIDDEN and cols[1].button(ui.t("moderation.hide"), key=f"{key}-hide",
                                                    icon=":material/visibility_off:"):
            store.moderate(poll_id, post.id, status=HIDDEN)
            st.rerun()
        if cols[2].button(ui.t("moderation.unpin") if post.pinned else ui.t("moderation.pin"), key=f"{key}-pin",
                          icon=":material/keep:", disabled=post.status != APPROVED):
            store.moderate(poll_id, post.id, pinned=not post.pinned)
            st.rerun()
        if cols[3].button(ui.t("moderation.not_answered") if post.answered else ui.t("moderation.answered"),
                          key=f"{key}-answered", icon=":material/task_alt:", disabled=post.status != APPROVED):
            store.moderate(poll_id, post.id, answered=not post.answered)
            st.rerun()


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
    posts = sorted(store.posts(poll_id), key=lambda p: (_ORDER.get(p.status, 3), not p.pinned, -p.upvotes, p.created))
    waiting = sum(p.status == PENDING for p in posts)
    st.caption(ui.tn("moderation.waiting", waiting) + " · " + ui.tn("moderation.posts", len(posts)))
    if not posts:
        st.info(ui.t("moderation.empty"))
        return
    tags = dict(spec.tags)
    for post in posts:
        _post_row(post, poll_id, store, ui, tags)
