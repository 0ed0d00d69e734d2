"""The PostgreSQL vote store behaves like the SQLite one, under concurrency too."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mc2cm.votes import (
    CLOSED,
    DEFAULT_POOL_MAX,
    OPEN,
    POOL_MAX_ENV,
    PollClosed,
    PostgresVoteStore,
    open_vote_store,
)
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


# --- connections: one pool per database and process -------------------------------------------------------------

OPERATIONS = 40


def _database(pg_url: str, name: str) -> str:
    """A database of its own on the test cluster: its own URL, so its own pool, and its own rows in pg_stat_activity."""
    import psycopg  # noqa: PLC0415

    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return pg_url.rsplit("/", 1)[0] + "/" + name


def _pid(store: PostgresVoteStore) -> int:
    with store._connect() as conn:
        return int(conn.execute("SELECT pg_backend_pid()").fetchone()[0])


def _backends_over(store: PostgresVoteStore, operations: int = OPERATIONS) -> set[int]:
    """The server processes that served ``operations`` rounds of two writes and a look at the backend's pid."""
    pids = set()
    for i in range(operations):
        store.set_status("poll", OPEN)
        store.submit("poll", f"voter-{i}", ["a"])
        pids.add(_pid(store))
    return pids


def _reused(pids: set[int]) -> bool:
    return len(pids) <= OPERATIONS // 10


class _ConnectionPerOperation(PostgresVoteStore):
    """The control: the store as it was before the pool, a new server connection for every operation."""

    def _connect(self) -> Any:
        import psycopg  # noqa: PLC0415

        return psycopg.connect(self.url, autocommit=False, connect_timeout=10)


def test_connections_are_reused(pg_url: str) -> None:
    url = _database(pg_url, "reuse")
    store = open_vote_store(url)
    assert isinstance(store, PostgresVoteStore)
    pooled = _backends_over(store)
    control = _backends_over(_ConnectionPerOperation(url))
    assert _reused(pooled), pooled  # one after another: the same connection again and again
    assert not _reused(control), control  # the same check fails without the pool
    assert len(control) >= OPERATIONS // 2  # (a pid may come back once its process ended)
    assert store.tally("poll") == {"a": OPERATIONS}
    copy = store.with_session("elsewhere")  # a copy for another session, a store opened again: the same pool
    assert isinstance(copy, PostgresVoteStore)
    again = open_vote_store(url)
    assert isinstance(again, PostgresVoteStore)
    assert copy._pool is store._pool is again._pool


def test_concurrent_sessions_stay_within_the_pool(pg_url: str) -> None:
    import psycopg  # noqa: PLC0415

    url = _database(pg_url, "concurrent")
    store = open_vote_store(url)
    assert isinstance(store, PostgresVoteStore)
    store.set_status("poll", OPEN)
    seen: list[int] = []
    peak: list[int] = []

    def phone(t: int) -> None:
        for k in range(10):
            store.submit("poll", f"p{t}-{k}", ["a", "b"])
            seen.append(_pid(store))

    def watch(stop: threading.Event) -> None:
        with psycopg.connect(pg_url, autocommit=True) as conn:
            while not stop.is_set():
                peak.append(int(conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = 'concurrent'")
                                .fetchone()[0]))
                time.sleep(0.01)

    stop = threading.Event()
    watcher = threading.Thread(target=watch, args=(stop,))
    watcher.start()
    workers = [threading.Thread(target=phone, args=(t,)) for t in range(16)]
    [w.start() for w in workers]
    [w.join() for w in workers]
    stop.set()
    watcher.join()
    assert store.voters("poll") == 160
    assert len(set(seen)) <= DEFAULT_POOL_MAX
    assert peak
    assert max(peak) <= DEFAULT_POOL_MAX


def test_the_pool_size_is_configurable(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(POOL_MAX_ENV, "2")
    store = open_vote_store(_database(pg_url, "small"))
    assert isinstance(store, PostgresVoteStore)
    assert store._pool.max_size == 2
    monkeypatch.setenv(POOL_MAX_ENV, "none")
    with pytest.raises(ValueError, match=POOL_MAX_ENV):
        open_vote_store(pg_url + "?application_name=other")


def test_a_connection_the_server_dropped_is_replaced(pg_url: str) -> None:
    import psycopg  # noqa: PLC0415

    url = _database(pg_url, "dropped")
    store = open_vote_store(url)
    assert isinstance(store, PostgresVoteStore)
    store.set_status("poll", OPEN)
    before = _pid(store)
    with psycopg.connect(pg_url, autocommit=True) as admin:
        pids = [r[0] for r in admin.execute("SELECT pid FROM pg_stat_activity WHERE datname = 'dropped'").fetchall()]
        assert before in pids
        for pid in pids:  # what a server restart or an idle timeout does to the pool's connections
            assert admin.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone()[0]
        for _ in range(100):  # the backends exit a moment after the signal
            if not admin.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = 'dropped'").fetchone()[0]:
                break
            time.sleep(0.05)
        else:
            pytest.fail("the terminated backends did not exit")
    store.submit("poll", "after", ["a"])  # the next operation does not fail
    assert store.tally("poll") == {"a": 1}
    assert _pid(store) != before


def _insert(store: PostgresVoteStore, *poll_ids: str, fail: bool = False) -> None:
    with store._write() as conn:
        for poll_id in poll_ids:
            conn.execute("INSERT INTO polls (session, poll_id, status, changed_at) VALUES ('default', %s, 'open', 'now')",
                         (poll_id,))
        if fail:
            raise RuntimeError(poll_ids)


def test_a_pooled_block_commits_or_rolls_back(pg_url: str) -> None:
    import psycopg  # noqa: PLC0415

    url = _database(pg_url, "blocks")
    store = open_vote_store(url)
    assert isinstance(store, PostgresVoteStore)
    with pytest.raises(RuntimeError):
        _insert(store, "raised", fail=True)
    with pytest.raises(psycopg.errors.UniqueViolation):
        _insert(store, "twice", "twice")
    _insert(store, "kept")  # on a connection the pool got back after an error
    with psycopg.connect(url) as other:  # what another process sees
        rows = other.execute("SELECT poll_id FROM polls ORDER BY poll_id").fetchall()
    assert rows == [("kept",)]
    assert (store.status("raised"), store.status("twice"), store.status("kept")) == (CLOSED, CLOSED, OPEN)
