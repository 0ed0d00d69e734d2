"""The light ballot (``/ballot?poll=…``): one server-rendered HTML form a phone loads over anything.

Every kind of poll: tick options, pick one, rank them (a select per option), rate them (a row of
radio buttons per option), or send a question or an idea and upvote the room's (one small form per
button). No Streamlit session and no JavaScript needed: the answer is a plain form POST,
then a redirect back to the page (a reload does not send it again). The same
voter cookie, vote store and new-voter limit as the Streamlit ``/vote`` page, so
both doors see one voter and one count.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from mc2cm.auth import client_address, trusted_proxies
from mc2cm.i18n import fmt_number, is_rtl, join, request_lang, t, tn
from mc2cm.polls import (
    RANK_FIELD,
    RANKING,
    RATING,
    SCORE_FIELD,
    PollSpec,
    poll_spec,
    post_problem,
    problem_message,
    ranking_from_form,
    scores_from_form,
)
from mc2cm.presenter import room_vote_store
from mc2cm.tallies import top_posts
from mc2cm.templating import environment
from mc2cm.voters import NEW_VOTERS, client_tag, form_token, form_token_valid, new_token, shared_secret, verified_voter
from mc2cm.votes import APPROVED, OPEN, PollClosed, Post, TooManyPosts, UnknownPost, VoteStore
from web.data import dataset

log = logging.getLogger(__name__)

COOKIE = "mc2cm_voter"  # the Streamlit /vote page's cookie (components/voter.py): one voter for both doors
COOKIE_MAX_AGE = 31_536_000
MAX_BODY = 16_384  # a ballot is a few short fields
POST_ID = re.compile(r"[0-9a-f]{1,32}")  # what the store makes; anything else never reaches a Location header
TEMPLATES = environment(Path(__file__).with_name("templates"))


# The words that differ between a questions poll and an ideas poll (literal keys: the catalog check finds them).
POST_WORDS = {
    "questions": {"label": "ballot.your_question", "send": "ballot.send_question", "heading": "ballot.room_questions",
                  "none": "ballot.no_questions", "sent": "ballot.question_sent", "pending": "ballot.question_pending"},
    "ideas": {"label": "ballot.your_idea", "send": "ballot.send_idea", "heading": "ballot.room_ideas",
              "none": "ballot.no_ideas", "sent": "ballot.idea_sent", "pending": "ballot.idea_pending"},
}


@dataclass
class Ballot:
    """What one ballot page shows."""

    lang: str
    poll_id: str
    question: str = ""
    options: list[tuple[str, str]] = field(default_factory=list)
    limit: int = 1
    single: bool = True
    open: bool = False
    recorded: tuple[str, ...] = ()
    ticked: tuple[str, ...] = ()
    token: str = ""
    message: str = ""
    problem: bool = False
    kind: str = "dot_vote"
    places: int = 1  # ranking
    ranks: dict[str, int] = field(default_factory=dict)  # ranking: option -> rank shown in its select
    scale: int = 5  # rating
    scores: dict[str, int] = field(default_factory=dict)  # rating: option -> score shown as checked
    max_length: int = 280  # questions and ideas
    tags: list[tuple[str, str]] = field(default_factory=list)
    posts: list[Post] = field(default_factory=list)  # approved, in the room's order
    waiting: list[Post] = field(default_factory=list)  # this device's own posts not approved (yet)
    draft: str = ""
    draft_tag: str = ""

    def context(self) -> dict[str, Any]:
        names = dict(self.options)
        tag_names = dict(self.tags)
        values: dict[str, Any] = {
            "b": self,
            "yours": "",
            "hint": t("poll.choose_one", self.lang) if self.single else t("poll.choose", self.lang, n=self.limit),
            "counts": [tn("ballot.count", n, self.lang, limit=self.limit) for n in range(self.limit + 1)],
            "action": "?" + urlencode({"poll": self.poll_id, "lang": self.lang}),
        }
        if self.kind == RANKING:
            values["hint"] = t("ballot.rank_hint", self.lang, places=self.places)
            values["rank_labels"] = {r: fmt_number(r, self.lang) for r in range(1, self.places + 1)}
            if self.recorded:
                values["yours"] = t("ballot.your_ranking", self.lang, ranking=join(
                    (names[c] for c in self.recorded if c in names), self.lang))
        elif self.kind == RATING:
            values["hint"] = t("ballot.rate_hint", self.lang, scale=fmt_number(self.scale, self.lang))
            values["score_labels"] = {s: fmt_number(s, self.lang) for s in range(1, self.scale + 1)}
        elif self.kind in POST_WORDS:
            words = POST_WORDS[self.kind]
            values["words"] = {key: t(words[key], self.lang) for key in ("label", "send", "heading", "none")}
            values["length_hint"] = t("ballot.post_hint", self.lang, limit=fmt_number(self.max_length, self.lang))
            values["upvote_counts"] = {p.id: tn("ballot.upvotes", p.upvotes, self.lang) for p in self.posts}
            values["tag_names"] = tag_names
        elif self.recorded:
            values["yours"] = t("poll.yours", self.lang, choices=join((names[c] for c in self.recorded if c in names),
                                                                       self.lang))
        return values


def _page(template: str, lang: str, status: int = 200, **values: Any) -> HTMLResponse:
    html = TEMPLATES.get_template(template).render(lang=lang, rtl=is_rtl(lang), t=lambda key, **v: t(key, lang, **v),
                                                   **values)
    return HTMLResponse(html, status_code=status, headers={"cache-control": "no-store"})


def _notice(lang: str, status: int, title: str, message: str, back: str = "") -> HTMLResponse:
    return _page("notice.html", lang, status, title=title, message=message, back=back)


def _back_link(poll_id: str, lang: str) -> str:
    return "?" + urlencode({"poll": poll_id, "lang": lang})


def _with_voter(response: Response, token: str | None, secure: bool) -> Response:
    if token:
        response.set_cookie(COOKIE, token, max_age=COOKIE_MAX_AGE, path="/", samesite="lax", httponly=True, secure=secure)
    return response


def _fields(body: bytes) -> dict[str, list[str]]:
    try:
        return parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True, max_num_fields=200)
    except ValueError:
        return {}


def _redirect(poll_id: str, lang: str, saved: str, anchor: str = "") -> Response:
    where = "?" + urlencode({"poll": poll_id, "lang": lang, "saved": saved}) + (f"#{anchor}" if anchor else "")
    return RedirectResponse(where, status_code=303, headers={"cache-control": "no-store"})


def _handle(request_lang_: str, poll_id: str, voter_token: str | None, method: str, body: bytes, client: str,
            saved: str, cross_site: bool) -> tuple[Response, str | None]:
    """The ballot's work, off the event loop (the store and the data are blocking). Returns the answer and a new cookie."""
    lang = request_lang_
    data = dataset()
    spec = poll_spec(data, poll_id, lang)
    if spec is None:
        return _notice(lang, 404, t("ballot.not_found", lang), t("poll.unknown", lang)), None
    secret = shared_secret()
    voter = verified_voter(voter_token, secret)
    new_cookie = None
    if voter is None:
        if method == "POST":  # no signed cookie: the form did not come from this browser's page
            return _notice(lang, 403, t("ballot.problem", lang), t("ballot.refused", lang), _back_link(poll_id, lang)), None
        new_cookie = new_token(secret)
        voter = verified_voter(new_cookie, secret)
        assert voter is not None  # noqa: S101 - a token we just signed verifies
    store = room_vote_store()
    names = dict(spec.options)
    ballot = Ballot(lang=lang, poll_id=poll_id, question=spec.question, options=spec.options, limit=spec.max_choices,
                    single=spec.single, open=store.status(poll_id) == OPEN, token=form_token(secret, voter, poll_id),
                    kind=spec.kind, places=spec.places, scale=spec.scale, max_length=spec.max_length, tags=spec.tags)
    if spec.kind == RATING:
        ballot.scores = {o: s for o, s in store.scores(poll_id, voter).items() if o in names}
        ballot.recorded = tuple(ballot.scores)
    elif spec.takes_posts:
        posts = store.posts(poll_id, viewer=voter)
        ballot.posts = top_posts(posts)
        ballot.waiting = [p for p in posts if p.mine and p.status != APPROVED]
    else:
        ballot.recorded = tuple(c for c in store.ballot(poll_id, voter) if c in names)
        ballot.ranks = {c: rank for rank, c in enumerate(ballot.recorded, start=1)} if spec.kind == RANKING else {}
    ballot.ticked = ballot.recorded
    if method != "POST":
        if saved == "1" and ballot.recorded:
            ballot.message = t("poll.saved", lang)
        elif saved in ("post", "pending") and spec.kind in POST_WORDS:
            ballot.message = t(POST_WORDS[spec.kind]["sent" if saved == "post" else "pending"], lang)
        if not ballot.open:
            ballot.message = t("poll.closed_info", lang)
        return _page("ballot.html", lang, **ballot.context()), new_cookie

    fields = _fields(body)
    token = (fields.get("token") or [""])[0]
    if cross_site or not form_token_valid(token, secret, voter, poll_id):
        return _notice(lang, 403, t("ballot.problem", lang), t("ballot.refused", lang), _back_link(poll_id, lang)), None
    sent = _Sent(spec, ballot, store, voter, client, client_tag(secret, client), fields)
    if not ballot.open:
        outcome: Response | int = sent.refuse(t("poll.closed_info", lang), 409)
    elif spec.takes_posts:
        outcome = _send_post_or_upvote(sent)
    elif spec.kind in (RANKING, RATING):
        outcome = _send_ranking_or_rating(sent)
    else:
        outcome = _send_choices(sent)
    if isinstance(outcome, Response):
        return outcome, None
    ballot.problem = True
    return _page("ballot.html", lang, outcome, **ballot.context()), None


@dataclass
class _Sent:
    """One form sent: what, by whom, to which poll."""

    spec: PollSpec
    ballot: Ballot
    store: VoteStore
    voter: str
    client: str  # the address, for the new-voter limit
    client_tag: str  # its keyed hash, kept with the answer
    fields: dict[str, list[str]]

    @property
    def lang(self) -> str:
        return self.ballot.lang

    def value(self, name: str) -> str:
        return (self.fields.get(name) or [""])[0]

    def values(self) -> dict[str, str]:
        return {name: values[0] for name, values in self.fields.items() if values}

    def refuse(self, message: str, status: int = 400) -> int:
        self.ballot.message = message
        return status

    def may_answer(self) -> bool:
        """The new-voter limit, for a device's first answer to this poll."""
        return self.store.has_answered(self.spec.id, self.voter) or NEW_VOTERS.allow(self.spec.id, self.client)

    def closed(self) -> int:
        self.ballot.open = False
        return self.refuse(t("poll.closed_info", self.lang), 409)


def _send_post_or_upvote(sent: _Sent) -> Response | int:
    spec, ballot, lang, action = sent.spec, sent.ballot, sent.lang, sent.value("action")
    if action not in ("post", "upvote", "withdraw"):
        return sent.refuse(t("ballot.unknown_option", lang))
    ballot.draft, ballot.draft_tag = sent.value("text")[:2 * spec.max_length], sent.value("tag")
    problem = post_problem(ballot.draft, ballot.draft_tag, spec) if action == "post" else None
    if problem is not None:
        return sent.refuse(problem_message(problem, lang))
    if not sent.may_answer():
        return sent.refuse(t("poll.too_many", lang), 429)
    try:
        if action == "post":
            post = sent.store.add_post(spec.id, sent.voter, ballot.draft, ballot.draft_tag,
                                       default_moderation=spec.moderation, max_length=spec.max_length,
                                       client=sent.client_tag)
            return _redirect(spec.id, lang, "post" if post.status == APPROVED else "pending")
        target = sent.value("post")
        if action == "upvote":
            sent.store.upvote(spec.id, target, sent.voter)
        else:
            sent.store.withdraw_upvote(spec.id, target, sent.voter)
        return _redirect(spec.id, lang, "vote", anchor=f"p-{target}" if POST_ID.fullmatch(target) else "")
    except TooManyPosts as wait:
        return sent.refuse(tn("ballot.post_wait", max(1, -(-wait.retry_after // 60)), lang), 429)
    except UnknownPost:
        return sent.refuse(t("ballot.post_gone", lang), 404)
    except PollClosed:
        return sent.closed()


def _send_ranking_or_rating(sent: _Sent) -> Response | int:
    spec, ballot, single = sent.spec, sent.ballot, sent.values()
    ranked: list[str] = []
    scores: dict[str, int] = {}
    if spec.kind == RANKING:
        ranked, problem = ranking_from_form(single, spec)
        ballot.ranks = {name.removeprefix(RANK_FIELD): int(v) for name, v in single.items()
                        if name.startswith(RANK_FIELD) and v.isdigit()}
    else:
        scores, problem = scores_from_form(single, spec)
        ballot.scores = {name.removeprefix(SCORE_FIELD): int(v) for name, v in single.items()
                         if name.startswith(SCORE_FIELD) and v.isdigit()}
    if problem is not None:
        return sent.refuse(problem_message(problem, sent.lang))
    if not sent.may_answer():
        return sent.refuse(t("poll.too_many", sent.lang), 429)
    try:
        if spec.kind == RANKING:
            sent.store.submit(spec.id, sent.voter, ranked, client=sent.client_tag)
        else:
            sent.store.submit_scores(spec.id, sent.voter, scores, client=sent.client_tag)
    except PollClosed:
        return sent.closed()
    return _redirect(spec.id, sent.lang, "1")


def _send_choices(sent: _Sent) -> Response | int:
    """A dot vote or a single choice: the ticked ``choice`` values."""
    spec, ballot, lang = sent.spec, sent.ballot, sent.lang
    chosen = [c for c in dict.fromkeys(sent.fields.get("choice", [])) if c]
    known = [c for c in chosen if c in dict(spec.options)]
    ballot.ticked = tuple(known)
    limit = spec.max_choices
    if len(known) != len(chosen):
        return sent.refuse(t("ballot.unknown_option", lang))
    if not known:
        return sent.refuse(t("poll.pick_something", lang))
    if len(known) > limit:
        return sent.refuse(t("ballot.over_limit", lang, n=len(known), limit=limit, extra=len(known) - limit))
    if not ballot.recorded and not NEW_VOTERS.allow(spec.id, sent.client):
        return sent.refuse(t("poll.too_many", lang), 429)
    try:
        sent.store.submit(spec.id, sent.voter, known, client=sent.client_tag)
    except PollClosed:
        return sent.closed()
    return _redirect(spec.id, lang, "1")


async def _body(request: Request) -> bytes | None:
    """The request body, or None past MAX_BODY."""
    chunks = bytearray()
    async for chunk in request.stream():
        chunks += chunk
        if len(chunks) > MAX_BODY:
            return None
    return bytes(chunks)


async def ballot(request: Request) -> Response:
    """``GET``: the question and the form. ``POST``: check, save, redirect back (303)."""
    lang = request_lang(request.query_params.get("lang"), request.headers.get("accept-language"))
    poll_id = request.query_params.get("poll", "")
    try:
        body = b""
        if request.method == "POST":
            received = await _body(request)
            if received is None:
                return _notice(lang, 413, t("ballot.problem", lang), t("ballot.refused", lang), _back_link(poll_id, lang))
            body = received
        peer = request.client.host if request.client else None
        client = client_address(peer, request.headers.get("x-forwarded-for"), trusted_proxies())
        response, cookie = await run_in_threadpool(
            _handle, lang, poll_id, request.cookies.get(COOKIE), request.method, body, client,
            request.query_params.get("saved", ""), request.headers.get("sec-fetch-site") == "cross-site")
        return _with_voter(response, cookie, secure=request.url.scheme == "https")
    except Exception:
        log.exception("ballot page failed (poll %r)", poll_id)
        try:
            return _notice(lang, 500, t("ballot.problem", lang), t("ballot.error", lang))
        except Exception:
            log.exception("ballot error page failed")
            return Response(t("ballot.error", lang), status_code=500, media_type="text/plain",
                            headers={"cache-control": "no-store"})
