"""The PostgreSQL vote store behaves like the SQLite one, under concurrency too."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from mc2cm.votes import CLOSED, OPEN, PollClosed, PostgresVoteStore, open_vote_store
from tests.core.test_votes import expected_counts
from tests.postgres import pg_bin, temporary_postgres

ROOT = Path(__file__).resolve().parents[2]
WORKER = """
import sys, threading
from mc2cm.votes import open_vote_store
url, process, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
store = open_vote_store(url)
options = ["a", "b", "c", "d", "e"]
def vote(t):
    voter = f"p{process}-t{t}"
    store.submit("poll", voter, ["e"])
    store.submit("poll", voter, [options[(process + t) % 5], options[(process + t + 1) % 5]])
workers = [threading.Thread(target=vote, args=(t,)) for t in range(threads)]
[w.start() for w in workers]; [w.join() for w in workers]
"""


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    if pg_bin() is None:
        pytest.skip("PostgreSQL is not installed (bash scripts/setup.sh --dev installs it)")
    with temporary_postgres() as url:
        yield url


def test_url_selects_postgres(pg_url: str) -> None:
    assert isinstance(open_vote_store(pg_url), PostgresVoteStore)


def test_sixty_concurrent_writers(pg_url: str) -> None:
    store = open_vote_store(pg_url)
    store.reset("poll")
    store.set_status("poll", OPEN)
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, pg_url, str(p), "10"], cwd=ROOT) for p in range(6)]
    assert [p.wait(timeout=120) for p in procs] == [0] * 6
    assert store.voters("poll") == 60
    assert store.tally("poll") == expected_counts(6, 10)


def test_reload_close_and_reset(pg_url: str) -> None:
    store = open_vote_store(pg_url)
    with pytest.raises(PollClosed):
        store.submit("fresh", "x", ["a"])
    store.set_status("fresh", OPEN)
    store.submit("fresh", "x", ["a", "b"])
    store.submit("fresh", "x", ["b"])
    assert store.tally("fresh") == {"b": 1}
    store.set_status("fresh", CLOSED)
    with pytest.raises(PollClosed):
        store.submit("fresh", "y", ["a"])
    store.reset("fresh")
    assert store.voters("fresh") == 0
