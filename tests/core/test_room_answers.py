"""Rankings, ratings, questions and ideas in the vote store: the same behaviour in SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from mc2cm.votes import (
    APPROVED,
    HIDDEN,
    OPEN,
    PENDING,
    POST,
    PollClosed,
    SQLiteVoteStore,
    TooManyPosts,
    UnknownPost,
    VoteStore,
    open_vote_store,
    session_id,
)
from tests.postgres import pg_bin, temporary_postgres


class Clock:
    """A clock the test moves by hand: the rate limit is checked without waiting."""

    def __init__(self) -> None:
        self.now = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    if pg_bin() is None:
        pytest.skip("PostgreSQL is not installed (bash scripts/setup.sh --dev installs it)")
    with temporary_postgres() as url:
        yield url


_counter = iter(range(10_000))


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> VoteStore:
    """A fresh store of each kind (on PostgreSQL: a session of its own in the module's database)."""
    if request.param == "sqlite":
        made: VoteStore = SQLiteVoteStore(tmp_path / "v.sqlite3")
    else:
        made = open_vote_store(request.getfixturevalue("pg_url"), f"test-{next(_counter)}")
    made.clock = Clock()  # type: ignore[attr-defined]
    made.set_status("q", OPEN)
    return made


def test_a_ranking_keeps_its_order_and_one_ballot_per_device(store: VoteStore) -> None:
    store.submit("q", "phone-1", ["c", "a", "b"])
    store.submit("q", "phone-1", ["b", "c", "a"])  # changed mind: replaces
    assert store.ballot("q", "phone-1") == ("b", "c", "a")
    assert [choices for _, choices, _ in store.ballots("q")] == [("b", "c", "a")]


def test_a_rating_is_one_score_per_option_and_replaces(store: VoteStore) -> None:
    store.submit_scores("q", "phone-1", {"a": 5, "b": 2})
    store.submit_scores("q", "phone-1", {"a": 4})
    store.submit_scores("q", "phone-2", {"b": 1, "c": 3})
    assert store.scores("q", "phone-1") == {"a": 4}
    assert sorted(store.all_scores("q"), key=len) == [{"a": 4}, {"b": 1, "c": 3}]
    assert store.voters("q") == 2


def test_pre_moderation_keeps_a_post_pending_until_approved(store: VoteStore) -> None:
    post = store.add_post("q", "phone-1", "  What budget?  ")
    assert (post.status, post.text) == (PENDING, "What budget?")
    [seen] = store.posts("q", viewer="phone-1")
    assert (seen.status, seen.mine) == (PENDING, True)
    assert store.posts("q", viewer="phone-2")[0].mine is False
    with pytest.raises(UnknownPost):
        store.upvote("q", post.id, "phone-2")  # not approved yet: nobody sees it
    store.moderate("q", post.id, status=APPROVED)
    store.upvote("q", post.id, "phone-2")
    assert store.posts("q")[0].upvotes == 1


def test_post_moderation_is_stored_per_poll_and_shows_at_once(store: VoteStore) -> None:
    assert store.moderation("q") == "pre"
    assert store.moderation("q", default=POST) == POST  # the poll's default from polls.csv
    store.set_moderation("q", POST)
    assert store.moderation("q") == POST
    assert store.add_post("q", "phone-1", "An idea", tag="priority-pragmatism").status == APPROVED
    assert store.posts("q")[0].tag == "priority-pragmatism"
    assert store.status("q") == OPEN  # switching moderation does not close the poll
    store.set_moderation("fresh", POST)
    assert store.status("fresh") == "closed"


def test_one_upvote_per_device_and_it_can_be_withdrawn(store: VoteStore) -> None:
    store.set_moderation("q", POST)
    post = store.add_post("q", "author", "Question")
    for _ in range(3):
        store.upvote("q", post.id, "phone-1")
    store.upvote("q", post.id, "phone-2")
    assert store.posts("q")[0].upvotes == 2
    assert store.posts("q", viewer="phone-1")[0].upvoted is True
    store.withdraw_upvote("q", post.id, "phone-1")
    store.withdraw_upvote("q", post.id, "phone-1")  # twice: still one less, never below
    [after] = store.posts("q", viewer="phone-1")
    assert (after.upvotes, after.upvoted) == (1, False)
    assert store.voters("q") == 2  # the author and the upvoter who kept it


def test_moderation_hides_restores_answers_and_pins(store: VoteStore) -> None:
    post = store.add_post("q", "phone-1", "Question")
    store.moderate("q", post.id, status=HIDDEN)
    assert store.posts("q")[0].status == HIDDEN
    store.moderate("q", post.id, status=APPROVED, answered=True, pinned=True)
    [seen] = store.posts("q")
    assert (seen.status, seen.answered, seen.pinned) == (APPROVED, True, True)
    store.moderate("q", post.id, pinned=False)
    assert store.posts("q")[0].pinned is False
    with pytest.raises(UnknownPost):
        store.moderate("q", "no-such-post", status=APPROVED)
    with pytest.raises(ValueError, match="deleted"):
        store.moderate("q", post.id, status="deleted")


def test_a_post_has_a_length_limit_and_is_not_empty(store: VoteStore) -> None:
    with pytest.raises(ValueError, match="too long"):
        store.add_post("q", "phone-1", "x" * 41, max_length=40)
    with pytest.raises(ValueError, match="empty"):
        store.add_post("q", "phone-1", "   ")
    assert store.add_post("q", "phone-1", "x" * 40, max_length=40).text == "x" * 40


def test_the_rate_limit_counts_a_devices_posts_in_a_window(store: VoteStore) -> None:
    clock = store.clock  # type: ignore[attr-defined]
    for i in range(3):
        store.add_post("q", "phone-1", f"question {i}")
        clock.advance(10)
    with pytest.raises(TooManyPosts) as refused:
        store.add_post("q", "phone-1", "a fourth")
    assert refused.value.retry_after == 300 - 30  # the first post leaves the window then
    store.add_post("q", "phone-2", "another device is not held back")
    clock.advance(270)
    store.add_post("q", "phone-1", "a fourth, later")
    assert len([p for p in store.posts("q", viewer="phone-1") if p.mine]) == 4


def test_control_without_the_clock_moving_the_limit_holds(store: VoteStore) -> None:
    """Control for the test above: the fourth post goes through only because time passed."""
    for i in range(3):
        store.add_post("q", "phone-1", f"question {i}")
    store.clock.advance(269)  # type: ignore[attr-defined]
    with pytest.raises(TooManyPosts):
        store.add_post("q", "phone-1", "a fourth")


def test_a_closed_poll_refuses_posts_and_upvotes(store: VoteStore) -> None:
    store.set_moderation("q", POST)
    post = store.add_post("q", "phone-1", "Question")
    store.set_status("q", "closed")
    with pytest.raises(PollClosed):
        store.add_post("q", "phone-2", "late")
    with pytest.raises(PollClosed):
        store.upvote("q", post.id, "phone-2")
    with pytest.raises(PollClosed):
        store.submit_scores("q", "phone-2", {"a": 3})


def test_a_reset_can_be_undone(store: VoteStore) -> None:
    store.set_moderation("q", POST)
    store.submit("q", "phone-1", ["a", "b"])
    post = store.add_post("q", "phone-2", "Question")
    store.upvote("q", post.id, "phone-1")
    assert not store.can_undo_reset("q")
    store.reset("q")
    assert (store.voters("q"), store.posts("q"), store.tally("q")) == (0, [], {})
    assert store.can_undo_reset("q")
    store.submit("q", "phone-3", ["c"])  # an answer given after the reset stays
    assert store.undo_reset("q") == 3
    assert store.tally("q") == {"a": 1, "b": 1, "c": 1}
    [back] = store.posts("q", viewer="phone-1")
    assert (back.id, back.upvotes, back.upvoted) == (post.id, 1, True)
    assert not store.can_undo_reset("q")
    assert store.undo_reset("q") == 0  # nothing more to undo


def test_a_newer_answer_wins_over_an_undone_reset(store: VoteStore) -> None:
    store.submit("q", "phone-1", ["a"])
    store.reset("q")
    store.submit("q", "phone-1", ["b"])
    store.undo_reset("q")
    assert store.ballot("q", "phone-1") == ("b",)


def test_sessions_keep_the_same_deck_apart(store: VoteStore) -> None:
    store.submit("q", "phone-1", ["a"])
    other = store.with_session("tunis-2027")
    assert other.status("q") == "closed"
    other.set_status("q", OPEN)
    other.submit("q", "phone-1", ["b"])
    assert (store.tally("q"), other.tally("q")) == ({"a": 1}, {"b": 1})
    other.reset("q")
    assert store.tally("q") == {"a": 1}


def test_the_session_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MC2CM_SESSION", raising=False)
    assert session_id() == "default"
    monkeypatch.setenv("MC2CM_SESSION", "Sfax-2027-03")
    assert session_id() == "sfax-2027-03"
    assert session_id("tunis") == "tunis"
    with pytest.raises(ValueError, match="lower-case letters"):
        session_id("sfax 2027")


def test_a_store_made_before_sessions_keeps_its_answers(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as conn:  # the layout of the store before sessions and ratings
        conn.executescript("""
            CREATE TABLE polls (poll_id TEXT PRIMARY KEY, status TEXT NOT NULL, changed_at TEXT NOT NULL);
            CREATE TABLE ballots (poll_id TEXT NOT NULL, voter TEXT NOT NULL, choices TEXT NOT NULL,
                                  updated_at TEXT NOT NULL, PRIMARY KEY (poll_id, voter));
            INSERT INTO polls VALUES ('q', 'open', '2026-01-01T00:00:00+00:00');
            INSERT INTO ballots VALUES ('q', 'phone-1', '["a"]', '2026-01-01T00:00:00+00:00');
        """)
    store = SQLiteVoteStore(path)
    assert (store.status("q"), store.tally("q")) == (OPEN, {"a": 1})
    assert store.with_session("elsewhere").tally("q") == {}
    SQLiteVoteStore(path)  # opening again changes nothing
    assert store.tally("q") == {"a": 1}


def test_an_old_postgres_store_keeps_its_answers(pg_url: str) -> None:
    import psycopg  # noqa: PLC0415

    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA old_layout")
        conn.execute("SET search_path TO old_layout")
        conn.execute("CREATE TABLE polls (poll_id TEXT PRIMARY KEY, status TEXT NOT NULL, changed_at TEXT NOT NULL)")
        conn.execute("CREATE TABLE ballots (poll_id TEXT NOT NULL, voter TEXT NOT NULL, choices TEXT NOT NULL, "
                     "updated_at TEXT NOT NULL, client TEXT NOT NULL DEFAULT '', PRIMARY KEY (poll_id, voter))")
        conn.execute("INSERT INTO polls VALUES ('q', 'open', 'x')")
        conn.execute("INSERT INTO ballots VALUES ('q', 'phone-1', '[\"a\"]', 'x', '')")
    url = pg_url + ("&" if "?" in pg_url else "?") + "options=-csearch_path%3Dold_layout"
    store = open_vote_store(url)
    assert (store.status("q"), store.tally("q")) == (OPEN, {"a": 1})
    other = store.with_session("elsewhere")
    other.set_status("q", OPEN)
    other.submit("q", "phone-1", ["b"])  # the same voter and poll in another session: no key clash
    assert store.tally("q") == {"a": 1}


BURST_WORKER = """
import sys, threading
from mc2cm.votes import open_vote_store
target, session, process, threads = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
store = open_vote_store(target, session)
posts = sys.argv[5].split(",")
options = ["a", "b", "c", "d", "e"]
def phone(t):
    voter = f"p{process}-t{t}"
    store.add_post("q", voter, f"question from {voter}")
    for k in range(3):
        store.upvote("q", posts[(process * 7 + t + k) % len(posts)], voter)
    store.upvote("q", posts[(process * 7 + t) % len(posts)], voter)  # twice: still one
    store.submit("q", voter, options[t % 5:] + options[:t % 5])
workers = [threading.Thread(target=phone, args=(t,)) for t in range(threads)]
[w.start() for w in workers]; [w.join() for w in workers]
"""


def test_a_room_burst_across_processes_counts_exactly(store: VoteStore, tmp_path: Path) -> None:
    """60 phones in 6 processes: each posts, upvotes three approved posts (one of them twice) and ranks."""
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    store.set_moderation("q", POST)
    seeded = [store.add_post("q", f"seed-{i}", f"seed {i}").id for i in range(5)]
    target = str(store.path) if isinstance(store, SQLiteVoteStore) else store.url  # type: ignore[attr-defined]
    root = Path(__file__).resolve().parents[2]
    procs = [subprocess.Popen([sys.executable, "-c", BURST_WORKER, target, store.session, str(p), "10", ",".join(seeded)],
                              cwd=root) for p in range(6)]
    assert [p.wait(timeout=180) for p in procs] == [0] * 6
    expected: dict[str, int] = dict.fromkeys(seeded, 0)
    for p in range(6):
        for t in range(10):
            for k in range(3):
                expected[seeded[(p * 7 + t + k) % 5]] += 1
    posts = store.posts("q")
    assert len(posts) == 5 + 60
    assert {p.id: p.upvotes for p in posts if p.id in seeded} == expected
    assert sum(p.upvotes for p in posts) == 180
    assert len(store.ballots("q")) == 60
    assert store.voters("q") == 5 + 60


def test_control_characters_are_dropped_from_a_post(store: VoteStore) -> None:
    post = store.add_post("q", "phone-1", "Budget\x00?\r\nLine two\x1b[31m ")
    assert post.text == "Budget?\nLine two[31m"
    assert store.posts("q")[0].text == post.text
    with pytest.raises(ValueError, match="empty"):
        store.add_post("q", "phone-2", "\x00\x07 ")
