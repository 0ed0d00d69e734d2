"""The light ballot (``/ballot?poll=…``): one server-rendered HTML form a phone loads over anything.

No Streamlit session and no JavaScript needed: the answer is a plain form POST,
then a redirect back to the page (a reload does not send it again). The same
voter cookie, vote store and new-voter limit as the Streamlit ``/vote`` page, so
both doors see one voter and one count.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from mc2cm.auth import client_address, trusted_proxies
from mc2cm.i18n import is_rtl, join, request_lang, t, text, tn
from mc2cm.scenes import poll_options
from mc2cm.templating import environment
from mc2cm.voters import NEW_VOTERS, client_tag, form_token, form_token_valid, new_token, shared_secret, verified_voter
from mc2cm.votes import OPEN, PollClosed, shared_vote_store
from web.data import dataset

log = logging.getLogger(__name__)

COOKIE = "mc2cm_voter"  # the Streamlit /vote page's cookie (components/voter.py): one voter for both doors
COOKIE_MAX_AGE = 31_536_000
MAX_BODY = 16_384  # a ballot is a few short fields
TEMPLATES = environment(Path(__file__).with_name("templates"))


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

    def context(self) -> dict[str, Any]:
        names = dict(self.options)
        return {
            "b": self,
            "yours": t("poll.yours", self.lang, choices=join((names[c] for c in self.recorded if c in names), self.lang))
            if self.recorded else "",
            "hint": t("poll.choose_one", self.lang) if self.single else t("poll.choose", self.lang, n=self.limit),
            "counts": [tn("ballot.count", n, self.lang, limit=self.limit) for n in range(self.limit + 1)],
            "action": "?" + urlencode({"poll": self.poll_id, "lang": self.lang}),
        }


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


def _choices(body: bytes) -> tuple[list[str], str]:
    """The ticked values (in order, once each) and the form token of a urlencoded body."""
    try:
        fields = parse_qs(body.decode("utf-8", "replace"), max_num_fields=200)
    except ValueError:
        return [], ""
    chosen = list(dict.fromkeys(fields.get("choice", [])))
    return chosen, (fields.get("token") or [""])[0]


def _handle(request_lang_: str, poll_id: str, voter_token: str | None, method: str, body: bytes, client: str,
            saved: bool, cross_site: bool) -> tuple[Response, str | None]:
    """The ballot's work, off the event loop (the store and the data are blocking). Returns the answer and a new cookie."""
    lang = request_lang_
    data = dataset()
    polls = data["polls"]
    if not poll_id or poll_id not in polls.index:
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
    poll = polls.loc[poll_id]
    store = shared_vote_store()
    options = poll_options(data, str(poll["options"]), lang)
    names = dict(options)
    max_choices: Any = poll["max_choices"]
    limit = max(1, int(max_choices))
    ballot = Ballot(lang=lang, poll_id=poll_id, question=text(poll, "question", lang), options=options, limit=limit,
                    single=poll["kind"] == "single_choice" or limit == 1, open=store.status(poll_id) == OPEN,
                    recorded=tuple(c for c in store.ballot(poll_id, voter) if c in names),
                    token=form_token(secret, voter, poll_id))
    ballot.ticked = ballot.recorded
    if method != "POST":
        if saved and ballot.recorded:
            ballot.message = t("poll.saved", lang)
        if not ballot.open:
            ballot.message = t("poll.closed_info", lang)
        return _page("ballot.html", lang, **ballot.context()), new_cookie

    chosen, token = _choices(body)
    if cross_site or not form_token_valid(token, secret, voter, poll_id):
        return _notice(lang, 403, t("ballot.problem", lang), t("ballot.refused", lang), _back_link(poll_id, lang)), None
    known = [c for c in chosen if c in names]
    ballot.ticked = tuple(known)
    status = 400
    if not ballot.open:
        ballot.message, status = t("poll.closed_info", lang), 409
    elif len(known) != len(chosen):
        ballot.message = t("ballot.unknown_option", lang)
    elif not known:
        ballot.message = t("poll.pick_something", lang)
    elif len(known) > limit:
        ballot.message = t("ballot.over_limit", lang, n=len(known), limit=limit, extra=len(known) - limit)
    elif not ballot.recorded and not NEW_VOTERS.allow(poll_id, client):
        ballot.message, status = t("poll.too_many", lang), 429
    else:
        try:
            store.submit(poll_id, voter, known, client=client_tag(secret, client))
        except PollClosed:
            ballot.open = False
            ballot.message, status = t("poll.closed_info", lang), 409
        else:
            where = "?" + urlencode({"poll": poll_id, "lang": lang, "saved": "1"})
            return RedirectResponse(where, status_code=303, headers={"cache-control": "no-store"}), None
    ballot.problem = True
    return _page("ballot.html", lang, status, **ballot.context()), None


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
            request.query_params.get("saved") == "1", request.headers.get("sec-fetch-site") == "cross-site")
        return _with_voter(response, cookie, secure=request.url.scheme == "https")
    except Exception:
        log.exception("ballot page failed (poll %r)", poll_id)
        try:
            return _notice(lang, 500, t("ballot.problem", lang), t("ballot.error", lang))
        except Exception:
            log.exception("ballot error page failed")
            return Response(t("ballot.error", lang), status_code=500, media_type="text/plain",
                            headers={"cache-control": "no-store"})
