"""The vote store: exact counts under concurrency, no double counting, close and reset."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest

from mc2cm.votes import CLOSED, OPEN, PollClosed, SQLiteVoteStore, open_vote_store

ROOT = Path(__file__).resolve().parents[2]
OPTIONS = ["a", "b", "c", "d", "e"]
WORKER = """
import sys, threading
from mc2cm.votes import SQLiteVoteStore
path, process, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
store = SQLiteVoteStore(path)
options = ["a", "b", "c", "d", "e"]
def vote(t):
    voter = f"p{process}-t{t}"
    store.submit("poll", voter, ["e"])                      # a first answer...
    store.submit("poll", voter, [options[(process + t) % 5], options[(process + t + 1) % 5]])  # ...changed
workers = [threading.Thread(target=vote, args=(t,)) for t in range(threads)]
[w.start() for w in workers]; [w.join() for w in workers]
"""


def expected_counts(processes: int, threads: int) -> dict[str, int]:
    counts: dict[str, int] = {}
    for p in range(processes):
        for t in range(threads):
            for choice in (OPTIONS[(p + t) % 5], OPTIONS[(p + t + 1) % 5]):
                counts[choice] = counts.get(choice, 0) + 1
    return counts


def test_sixty_concurrent_writers_across_processes_and_threads(tmp_path: Path) -> None:
    path = tmp_path / "votes.sqlite3"
    store = SQLiteVoteStore(path)
    store.set_status("poll", OPEN)
    processes, threads = 6, 10  # 60 writers, several threads per process
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, str(path), str(p), str(threads)], cwd=ROOT)
             for p in range(processes)]
    assert [p.wait(timeout=120) for p in procs] == [0] * processes
    assert store.voters("poll") == 60
    assert store.tally("poll") == expected_counts(processes, threads)
    assert sum(store.tally("poll").values()) == 120


def test_threads_in_one_process(tmp_path: Path) -> None:
    store = SQLiteVoteStore(tmp_path / "v.sqlite3")
    store.set_status("poll", OPEN)
    workers = [threading.Thread(target=store.submit, args=("poll", f"v{i}", ["a"])) for i in range(30)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert store.tally("poll") == {"a": 30}


def test_a_reload_does_not_double_count(tmp_path: Path) -> None:
    store = SQLiteVoteStore(tmp_path / "v.sqlite3")
    store.set_status("poll", OPEN)
    for _ in range(3):  # the same browser submits again after reloads
        store.submit("poll", "browser-1", ["a", "b"])
    store.submit("poll", "browser-1", ["b", "b", "c"])  # changed mind, duplicate choice ignored
    assert store.tally("poll") == {"b": 1, "c": 1}
    assert store.ballot("poll", "browser-1") == ("b", "c")
    assert store.voters("poll") == 1


def test_closed_poll_refuses_and_reset_clears(tmp_path: Path) -> None:
    store = SQLiteVoteStore(tmp_path / "v.sqlite3")
    with pytest.raises(PollClosed):
        store.submit("poll", "x", ["a"])  # never opened
    store.set_status("poll", OPEN)
    store.submit("poll", "x", ["a"])
    store.set_status("poll", CLOSED)
    with pytest.raises(PollClosed):
        store.submit("poll", "y", ["b"])
    assert store.tally("poll") == {"a": 1}
    store.reset("poll")
    assert store.tally("poll") == {}
    assert store.status("poll") == CLOSED
    store.set_status("other", OPEN)
    assert store.status("other") == OPEN


def test_store_is_created_on_first_use_in_wal_mode(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "var" / "nested" / "votes.sqlite3"
    monkeypatch.setenv("MC2CM_VOTES_DB", str(target))
    store = open_vote_store()
    assert target.exists()
    import sqlite3  # noqa: PLC0415

    with sqlite3.connect(target) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.status("p") == CLOSED
