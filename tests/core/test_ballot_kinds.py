"""The light ballot in-process, for every kind of poll: ranking, rating, questions and ideas (and the old kinds).

Each test runs against its own vote database; a ``Phone`` keeps its voter cookie like a browser.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlencode

import pytest
from starlette.requests import Request
from starlette.responses import Response

from mc2cm.voters import NEW_VOTERS
from mc2cm.votes import OPEN, POST, VoteStore, shared_vote_store
from tests.conftest import run_coroutine
from web.ballot import ballot

RANKING, RATING, QUESTIONS, IDEAS = "rank-the-priorities", "rate-the-key-messages", "questions-to-the-panel", \
    "ideas-for-the-priorities"
PRIORITIES = ["priority-legal-framework", "priority-coordination-partnerships", "priority-capacity-building",
              "priority-host-communities-vulnerable-groups", "priority-pragmatism"]
HOSTILE = '<script>window.__pwned=1</script><img src=x onerror="alert(1)"> & {{ 7*7 }}'


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> VoteStore:
    monkeypatch.setenv("MC2CM_VOTES_DB", str(tmp_path / "votes.sqlite3"))
    monkeypatch.delenv("MC2CM_SESSION", raising=False)
    made = shared_vote_store()
    for poll in (RANKING, RATING, QUESTIONS, IDEAS, "top-three-priorities"):
        made.set_status(poll, OPEN)
    return made


class Phone:
    _addresses = iter(range(1, 100_000))

    def __init__(self, lang: str = "en") -> None:
        self.cookie = ""
        self.lang = lang
        self.address = f"10.1.{next(self._addresses) // 250}.{next(self._addresses) % 250 + 1}"
        self.html = ""

    def request(self, method: str, poll: str, fields: list[tuple[str, str]] | None = None,
                query: dict[str, str] | None = None) -> Response:
        body = urlencode(fields or []).encode()
        headers = [(b"content-type", b"application/x-www-form-urlencoded")]
        if self.cookie:
            headers.append((b"cookie", self.cookie.encode()))
        qs = urlencode({"poll": poll, "lang": self.lang, **(query or {})})
        scope = {"type": "http", "method": method, "path": "/ballot", "query_string": qs.encode(), "headers": headers,
                 "client": (self.address, 5000), "scheme": "http", "server": ("127.0.0.1", 8501), "root_path": ""}
        sent = False

        async def receive() -> dict[str, object]:
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        response = run_coroutine(ballot(Request(scope, receive)))
        cookie = response.headers.get("set-cookie")
        if cookie:
            self.cookie = cookie.split(";")[0]
        return response

    def open(self, poll: str, **query: str) -> str:
        response = self.request("GET", poll, query=query)
        assert response.status_code == 200
        self.html = bytes(response.body).decode()
        return self.html

    def send(self, poll: str, fields: list[tuple[str, str]]) -> tuple[int, str]:
        """Post a form of the page last opened (its token), as the browser would."""
        token = re.search(r'name="token" value="([0-9a-f]+)"', self.html)
        assert token, "open the page first"
        response = self.request("POST", poll, [("token", token[1]), *fields])
        return response.status_code, bytes(response.body).decode() if response.status_code != 303 else \
            response.headers["location"]


def ranks(*order: str) -> list[tuple[str, str]]:
    return [(f"rank-{option}", str(place)) for place, option in enumerate(order, start=1)]


# --- ranking ------------------------------------------------------------------------


def test_a_ranking_is_saved_in_order_and_shown_back(store: VoteStore) -> None:
    phone = Phone()
    html = phone.open(RANKING)
    assert html.count("<select") == 5
    # one script only, the optional send without reload; the form itself posts without it
    # (tests/browser/test_ballot_kinds.py ranks with JavaScript off)
    assert html.count("<script") == 1
    assert 'form method="post"' in html
    status, where = phone.send(RANKING, ranks(*reversed(PRIORITIES)))
    assert status == 303
    assert "saved=1" in where
    assert [c for _, c, _ in store.ballots(RANKING)] == [tuple(reversed(PRIORITIES))]
    html = phone.open(RANKING, saved="1")
    assert "Your answer is saved" in html
    assert re.search(r'name="rank-priority-pragmatism"[^>]*>\s*<option value="">[^<]*</option>\s*'
                     r'<option value="1" selected>', html)
    phone.send(RANKING, ranks(*PRIORITIES))  # changed mind: one answer set per device
    assert [c for _, c, _ in store.ballots(RANKING)] == [tuple(PRIORITIES)]


@pytest.mark.parametrize(("fields", "message"), [
    ([*ranks(*PRIORITIES[:4]), (f"rank-{PRIORITIES[4]}", "2")], "Place 2 is given twice"),
    (ranks(*PRIORITIES[:3]), "No option has place 4"),
    ([], "Pick at least one option."),
    ([("rank-not-a-priority", "1")], "not an option of this question"),
    ([*ranks(*PRIORITIES[:4]), (f"rank-{PRIORITIES[4]}", "9")], "not an option of this question"),
])
def test_a_ranking_with_duplicates_or_gaps_is_refused_with_a_clear_message(
        store: VoteStore, fields: list[tuple[str, str]], message: str) -> None:
    phone = Phone()
    phone.open(RANKING)
    status, html = phone.send(RANKING, fields)
    assert status == 400
    assert message in html
    assert "Traceback" not in html
    assert store.ballots(RANKING) == []


def test_a_ranking_refused_keeps_what_the_delegate_chose(store: VoteStore) -> None:
    del store
    phone = Phone()
    phone.open(RANKING)
    _, html = phone.send(RANKING, ranks(*PRIORITIES[:3]))
    assert re.search(rf'name="rank-{PRIORITIES[2]}"[^>]*>.*?<option value="3" selected>', html, re.S)


# --- rating -------------------------------------------------------------------------


def test_a_rating_is_one_score_per_option_and_replaces(store: VoteStore) -> None:
    phone = Phone()
    html = phone.open(RATING)
    assert html.count('type="radio"') == 5 * 5
    status, _ = phone.send(RATING, [("score-key-message-1-legal-frameworks", "5"),
                                    ("score-key-message-2-information-sharing", "2")])
    assert status == 303
    phone.open(RATING)
    status, _ = phone.send(RATING, [("score-key-message-1-legal-frameworks", "4")])
    assert store.all_scores(RATING) == [{"key-message-1-legal-frameworks": 4}]
    assert 'name="score-key-message-1-legal-frameworks" value="4" checked' in phone.open(RATING)


@pytest.mark.parametrize("fields", [[("score-key-message-1-legal-frameworks", "6")],
                                    [("score-key-message-1-legal-frameworks", "0")],
                                    [("score-nope", "3")], []])
def test_a_rating_off_the_scale_or_empty_is_refused(store: VoteStore, fields: list[tuple[str, str]]) -> None:
    phone = Phone()
    phone.open(RATING)
    status, _ = phone.send(RATING, fields)
    assert status == 400
    assert store.all_scores(RATING) == []


# --- questions and ideas ------------------------------------------------------------


def approve_all(store: VoteStore, poll: str) -> None:
    for post in store.posts(poll):
        store.moderate(poll, post.id, status="approved")


def test_a_question_waits_for_approval_then_the_room_sees_and_upvotes_it(store: VoteStore) -> None:
    author, other = Phone(), Phone()
    html = author.open(QUESTIONS)
    assert "Chatham House rule" in html
    assert "<textarea" in html
    assert re.findall(r'<(?:input|textarea|select)[^>]*name="([^"]+)"', html) == ["token", "action", "text"]  # no name asked
    status, where = author.send(QUESTIONS, [("action", "post"), ("text", "Who funds the coordination?")])
    assert status == 303
    assert "saved=pending" in where
    assert "It will be shown once the facilitator approves it" in author.open(QUESTIONS, saved="pending")
    assert "Who funds the coordination?" in author.html  # the author sees it, waiting
    assert "Who funds the coordination?" not in other.open(QUESTIONS)  # nobody else does yet
    approve_all(store, QUESTIONS)
    html = other.open(QUESTIONS)
    assert "Who funds the coordination?" in html
    assert "0 upvotes" in html
    [post] = store.posts(QUESTIONS)
    status, where = other.send(QUESTIONS, [("action", "upvote"), ("post", post.id)])
    assert status == 303
    assert where.endswith(f"#p-{post.id}")
    other.open(QUESTIONS)
    other.send(QUESTIONS, [("action", "upvote"), ("post", post.id)])  # again: still one
    assert store.posts(QUESTIONS)[0].upvotes == 1
    html = other.open(QUESTIONS)
    assert "1 upvote" in html
    assert "Take back my upvote" in html
    other.send(QUESTIONS, [("action", "withdraw"), ("post", post.id)])
    assert store.posts(QUESTIONS)[0].upvotes == 0


def test_a_hostile_post_is_escaped(store: VoteStore) -> None:
    store.set_moderation(QUESTIONS, POST)
    phone = Phone()
    phone.open(QUESTIONS)
    phone.send(QUESTIONS, [("action", "post"), ("text", HOSTILE)])
    html = phone.open(QUESTIONS)
    assert HOSTILE not in html
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;&lt;img src=x onerror=&#34;alert(1)&#34;&gt; &amp; {{ 7*7 }}" \
        in html
    assert "<script>window.__pwned" not in html


def test_control_the_escaping_check_sees_raw_markup() -> None:
    """Control for the test above: its assertion fails on a page that writes the text raw."""
    raw = f"<p>{HOSTILE}</p>"
    assert HOSTILE in raw
    assert "<script>window.__pwned" in raw


def test_too_long_or_empty_posts_are_refused_and_the_text_kept(store: VoteStore) -> None:
    phone = Phone()
    phone.open(QUESTIONS)
    status, html = phone.send(QUESTIONS, [("action", "post"), ("text", "x" * 281)])
    assert status == 400
    assert "Your text has 281 characters; at most 280 fit." in html
    assert "x" * 281 in html  # kept in the box to shorten
    status, html = phone.send(QUESTIONS, [("action", "post"), ("text", "   ")])
    assert status == 400
    assert "Write your text first" in html
    assert store.posts(QUESTIONS) == []


def test_a_device_that_posts_too_often_is_told_when_it_can_again(store: VoteStore) -> None:
    phone = Phone()
    for i in range(3):
        phone.open(QUESTIONS)
        assert phone.send(QUESTIONS, [("action", "post"), ("text", f"Question {i}")])[0] == 303
    phone.open(QUESTIONS)
    status, html = phone.send(QUESTIONS, [("action", "post"), ("text", "A fourth")])
    assert status == 429
    assert "You can send another in 5 minutes." in html
    assert len(store.posts(QUESTIONS)) == 3
    other = Phone()  # another device is not held back
    other.open(QUESTIONS)
    assert other.send(QUESTIONS, [("action", "post"), ("text", "Mine")])[0] == 303


def test_an_idea_can_be_tagged_to_a_priority_and_the_tag_is_shown(store: VoteStore) -> None:
    store.set_moderation(IDEAS, POST)
    phone = Phone("fr")
    html = phone.open(IDEAS)
    assert '<option value="priority-pragmatism">Pragmatisme</option>' in html
    assert phone.send(IDEAS, [("action", "post"), ("text", "Un guichet unique"), ("tag", "priority-pragmatism")])[0] == 303
    assert "Votre idée est envoyée et affichée pour la salle." in phone.open(IDEAS, saved="post")
    assert '<p class="tag">Pragmatisme</p>' in phone.html
    status, _ = phone.send(IDEAS, [("action", "post"), ("text", "Autre"), ("tag", "not-a-row")])
    assert status == 400


def test_an_upvote_on_a_hidden_or_unknown_post_is_a_clear_message(store: VoteStore) -> None:
    store.set_moderation(QUESTIONS, POST)
    author = Phone()
    author.open(QUESTIONS)
    author.send(QUESTIONS, [("action", "post"), ("text", "Question")])
    [post] = store.posts(QUESTIONS)
    voter = Phone()
    voter.open(QUESTIONS)
    store.moderate(QUESTIONS, post.id, status="hidden")
    status, html = voter.send(QUESTIONS, [("action", "upvote"), ("post", post.id)])
    assert status == 404
    assert "no longer shown" in html


def test_a_closed_poll_shows_the_posts_without_forms(store: VoteStore) -> None:
    store.set_moderation(QUESTIONS, POST)
    phone = Phone("ar")
    phone.open(QUESTIONS)
    phone.send(QUESTIONS, [("action", "post"), ("text", "سؤال عن التمويل")])
    store.set_status(QUESTIONS, "closed")
    html = phone.open(QUESTIONS)
    assert 'dir="rtl"' in html
    assert "سؤال عن التمويل" in html
    assert "<form" not in html
    assert "تشاتام هاوس" in html


def test_the_new_voter_limit_also_holds_for_posts(store: VoteStore) -> None:
    del store
    NEW_VOTERS.reset()
    address = "10.200.0.1"
    outcomes = []
    for i in range(12):  # fresh cookies from one address: a script, not a room
        phone = Phone()
        phone.address = address
        phone.open(QUESTIONS)
        outcomes.append(phone.send(QUESTIONS, [("action", "post"), ("text", f"spam {i}")])[0])
    assert outcomes == [303] * 10 + [429] * 2


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
@pytest.mark.parametrize("poll", [RANKING, RATING, QUESTIONS, IDEAS])
def test_every_kind_in_every_language_has_no_raw_code(store: VoteStore, poll: str, lang: str) -> None:
    del store
    html = Phone(lang).open(poll)
    visible = re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S))
    assert "|" not in visible
    assert not re.search(r"\b(ballot|poll|moderation)\.[a-z_]+\b", visible), visible
    assert (f'lang="{lang}"' in html)
    assert (('dir="rtl"' in html) == (lang == "ar"))


def test_a_made_up_post_id_never_reaches_the_redirect(store: VoteStore) -> None:
    del store
    phone = Phone()
    phone.open(QUESTIONS)
    status, where = phone.send(QUESTIONS, [("action", "withdraw"), ("post", "x\r\nSet-Cookie: a=b")])
    assert status == 303
    assert "#" not in where
    assert "Set-Cookie" not in where
    phone.open(QUESTIONS)
    status, where = phone.send(QUESTIONS, [("action", "withdraw"), ("post", "0123abcd")])
    assert where.endswith("#p-0123abcd")  # control: a well-formed id keeps its anchor
