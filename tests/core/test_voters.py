"""Voter tokens the server signs, the new-voter limit, and ballots per client."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from mc2cm.voters import NewVoterLimit, client_tag, load_secret, new_token, verified_voter
from mc2cm.votes import OPEN, SQLiteVoteStore

SECRET = b"k" * 32


def test_a_signed_token_names_its_voter_and_a_forged_one_names_nobody() -> None:
    token = new_token(SECRET)
    voter = verified_voter(token, SECRET)
    assert voter is not None
    assert token.startswith(voter)
    assert verified_voter(token, b"another secret" * 3) is None       # signed by someone else
    assert verified_voter(voter, SECRET) is None                         # the old bare-id cookie
    assert verified_voter("a" * 32 + "." + "0" * 32, SECRET) is None     # made up
    other = "b" * 32
    assert verified_voter(other + "." + token.split(".")[1], SECRET) is None  # someone else's id, my signature
    for junk in (None, "", ".", "x.y.z", "A" * 32 + ".", 42):
        assert verified_voter(junk, SECRET) is None


def test_the_secret_is_made_once_kept_private_and_stable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MC2CM_SECRET", raising=False)
    path = tmp_path / "var" / "secret.key"
    first = load_secret(path)
    assert load_secret(path) == first
    assert len(first) >= 32
    assert path.stat().st_mode & 0o777 == 0o600
    monkeypatch.setenv("MC2CM_SECRET", "from the environment")
    assert load_secret(path) == b"from the environment"


def test_client_tags_are_stable_and_do_not_show_the_address() -> None:
    tag = client_tag(SECRET, "192.168.1.20")
    assert tag == client_tag(SECRET, "192.168.1.20") != client_tag(SECRET, "192.168.1.21")
    assert "192" not in tag


class Clock:
    now = 0.0

    def __call__(self) -> float:
        return self.now


def test_new_voters_from_one_client_get_a_burst_then_a_trickle() -> None:
    clock = Clock()
    limit = NewVoterLimit(burst=10, every=6.0, clock=clock)
    allowed = [limit.allow("poll", "127.0.0.1") for _ in range(20)]  # a script: 20 sessions at once
    assert sum(allowed) == 10
    assert limit.allow("poll", "10.0.0.2")          # another phone is not held up
    assert limit.allow("other-poll", "127.0.0.1")   # nor another poll
    clock.now += 6.0
    assert limit.allow("poll", "127.0.0.1")
    assert not limit.allow("poll", "127.0.0.1")


def test_ballots_are_counted_per_client(tmp_path: Path) -> None:
    store = SQLiteVoteStore(tmp_path / "votes.sqlite3")
    store.set_status("p", OPEN)
    for i in range(3):
        store.submit("p", f"voter{i}", ["a"], client="tag-a")
    store.submit("p", "voter9", ["b"], client="tag-b")
    store.submit("p", "voter0", ["b"], client="tag-a")  # a changed answer is not a new voter
    assert store.ballots_per_client("p") == {"tag-a": 3, "tag-b": 1}


def test_a_store_made_before_clients_were_recorded_is_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.executescript("""
            CREATE TABLE polls (poll_id TEXT PRIMARY KEY, status TEXT NOT NULL, changed_at TEXT NOT NULL);
            CREATE TABLE ballots (poll_id TEXT NOT NULL, voter TEXT NOT NULL, choices TEXT NOT NULL,
                                  updated_at TEXT NOT NULL, PRIMARY KEY (poll_id, voter));
            INSERT INTO polls VALUES ('p', 'open', '2019-06-25');
            INSERT INTO ballots VALUES ('p', 'old-voter', '["a"]', '2019-06-25');
        """)
    store = SQLiteVoteStore(path)
    store.submit("p", "new-voter", ["b"], client="tag")
    assert store.tally("p") == {"a": 1, "b": 1}
    assert store.ballots_per_client("p") == {"": 1, "tag": 1}
