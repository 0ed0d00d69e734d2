"""Where the room's answers are kept: one small interface, SQLite by default.

One ballot per voter (browser) per poll: submitting again replaces the
earlier ballot, so a reload or a changed mind never counts twice. A closed
poll refuses ballots; a reset clears them. SQLite runs in WAL mode with a
busy timeout and takes writes in ``BEGIN IMMEDIATE`` transactions, so many
sessions (threads or processes) can write at once. A server database can
replace it behind :class:`VoteStore` when several app processes serve one
room (see ``open_vote_store``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sqlite3
from collections import Counter
from collections.abc import Iterator, Sequence
from functools import cache
from pathlib import Path
from typing import Any, Protocol

VOTES_ENV = "MC2CM_VOTES_DB"
DEFAULT_PATH = Path("var") / "votes.sqlite3"
BUSY_TIMEOUT_S = 30.0
OPEN, CLOSED = "open", "closed"


class PollClosed(Exception):
    """The poll is not taking answers."""


class VoteStore(Protocol):
    def status(self, poll_id: str) -> str: ...
    def set_status(self, poll_id: str, status: str) -> None: ...
    def submit(self, poll_id: str, voter: str, choices: Sequence[str], client: str = "") -> None: ...
    def ballot(self, poll_id: str, voter: str) -> tuple[str, ...]: ...
    def tally(self, poll_id: str) -> dict[str, int]: ...
    def voters(self, poll_id: str) -> int: ...
    def reset(self, poll_id: str) -> None: ...
    def ballots(self, poll_id: str) -> list[tuple[str, tuple[str, ...], str]]: ...
    def ballots_per_client(self, poll_id: str) -> dict[str, int]: ...


_SCHEMA = """
CREATE TABLE IF NOT EXISTS polls (
    poll_id TEXT PRIMARY KEY,
    status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    changed_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS ballots (
    poll_id TEXT NOT NULL,
    voter TEXT NOT NULL,
    choices TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    client TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (poll_id, voter)
);
"""
# Stores made before ballots recorded their client (a keyed hash of its address).
_ADD_CLIENT = "ALTER TABLE ballots ADD COLUMN client TEXT NOT NULL DEFAULT ''"


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class _SQLVoteStore:
    """The queries, shared by both databases; subclasses say how to connect."""

    placeholder = "?"

    def _connect(self) -> contextlib.AbstractContextManager[Any]:
        raise NotImplementedError

    def _write(self) -> contextlib.AbstractContextManager[Any]:
        raise NotImplementedError

    def _sql(self, query: str) -> str:
        return query.replace("?", self.placeholder)

    def _one(self, query: str, params: tuple[object, ...]) -> Any:
        with self._connect() as conn:
            return conn.execute(self._sql(query), params).fetchone()

    def status(self, poll_id: str) -> str:
        row = self._one("SELECT status FROM polls WHERE poll_id = ?", (poll_id,))
        return str(row[0]) if row else CLOSED

    def set_status(self, poll_id: str, status: str) -> None:
        if status not in (OPEN, CLOSED):
            raise ValueError(status)
        with self._write() as conn:
            conn.execute(self._sql("INSERT INTO polls (poll_id, status, changed_at) VALUES (?, ?, ?) "
                                   "ON CONFLICT (poll_id) DO UPDATE SET status = excluded.status, "
                                   "changed_at = excluded.changed_at"), (poll_id, status, _now()))

    _status_for_update = "SELECT status FROM polls WHERE poll_id = ?"

    def submit(self, poll_id: str, voter: str, choices: Sequence[str], client: str = "") -> None:
        with self._write() as conn:
            row = conn.execute(self._sql(self._status_for_update), (poll_id,)).fetchone()
            if not row or row[0] != OPEN:
                raise PollClosed(poll_id)
            conn.execute(self._sql("INSERT INTO ballots (poll_id, voter, choices, updated_at, client) "
                                   "VALUES (?, ?, ?, ?, ?) "
                                   "ON CONFLICT (poll_id, voter) DO UPDATE SET choices = excluded.choices, "
                                   "updated_at = excluded.updated_at"),
                         (poll_id, voter, json.dumps(list(dict.fromkeys(choices))), _now(), client))

    def ballot(self, poll_id: str, voter: str) -> tuple[str, ...]:
        row = self._one("SELECT choices FROM ballots WHERE poll_id = ? AND voter = ?", (poll_id, voter))
        return tuple(json.loads(row[0])) if row else ()

    def ballots(self, poll_id: str) -> list[tuple[str, tuple[str, ...], str]]:
        with self._connect() as conn:
            rows = conn.execute(self._sql("SELECT voter, choices, updated_at FROM ballots WHERE poll_id = ? "
                                          "ORDER BY updated_at"), (poll_id,)).fetchall()
        return [(str(v), tuple(json.loads(c)), str(t)) for v, c, t in rows]

    def ballots_per_client(self, poll_id: str) -> dict[str, int]:
        """How many voters each client (keyed hash of an address) brought, most first."""
        with self._connect() as conn:
            rows = conn.execute(self._sql("SELECT client, COUNT(*) FROM ballots WHERE poll_id = ? "
                                          "GROUP BY client ORDER BY COUNT(*) DESC"), (poll_id,)).fetchall()
        return {str(c): int(n) for c, n in rows}

    def tally(self, poll_id: str) -> dict[str, int]:
        counts: Counter[str] = Counter()
        for _, choices, _ in self.ballots(poll_id):
            counts.update(choices)
        return dict(counts)

    def voters(self, poll_id: str) -> int:
        return int(self._one("SELECT COUNT(*) FROM ballots WHERE poll_id = ?", (poll_id,))[0])

    def reset(self, poll_id: str) -> None:
        with self._write() as conn:
            conn.execute(self._sql("DELETE FROM ballots WHERE poll_id = ?"), (poll_id,))


class SQLiteVoteStore(_SQLVoteStore):
    """A file on disk, created on first use. Safe across threads and processes."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.executescript(_SCHEMA)
            columns = {row[1] for row in conn.execute("PRAGMA table_info(ballots)")}
            if "client" not in columns:
                conn.execute(_ADD_CLIENT)

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        # A connection per operation: cheap for SQLite, and never shared between threads.
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        try:
            conn.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
            conn.execute("PRAGMA synchronous=NORMAL")
            yield conn
        finally:
            conn.close()

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._connect() as conn:
            conn.execute("BEGIN IMMEDIATE")  # take the write lock first: no upgrade deadlocks
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")


class PostgresVoteStore(_SQLVoteStore):
    """The same store on PostgreSQL, for app processes on several machines."""

    placeholder = "%s"
    _status_for_update = "SELECT status FROM polls WHERE poll_id = ? FOR SHARE"

    def __init__(self, url: str) -> None:
        import psycopg  # noqa: PLC0415 - only needed when PostgreSQL is configured

        self._psycopg = psycopg
        self.url = url
        with self._write() as conn:
            conn.execute("SELECT pg_advisory_xact_lock(4242)")  # two processes creating tables at once
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(_ADD_CLIENT.replace("ADD COLUMN", "ADD COLUMN IF NOT EXISTS"))

    def _connect(self) -> Any:
        # psycopg's connection context commits on success and rolls back on error.
        return self._psycopg.connect(self.url, autocommit=False, connect_timeout=10)

    def _write(self) -> Any:
        return self._connect()


@cache
def _shared(target: str) -> VoteStore:
    return open_vote_store(target)


def shared_vote_store() -> VoteStore:
    """The process's one store for ``$MC2CM_VOTES_DB`` (else ``var/votes.sqlite3``), for every door that takes answers."""
    return _shared(os.environ.get(VOTES_ENV) or str(DEFAULT_PATH))


def open_vote_store(url: str | None = None) -> VoteStore:
    """``$MC2CM_VOTES_DB``, else ``var/votes.sqlite3``.

    A ``postgresql://`` URL selects PostgreSQL (several app processes, one room);
    a ``sqlite:///`` URL or a plain path selects SQLite.
    """
    target = url or os.environ.get(VOTES_ENV) or str(DEFAULT_PATH)
    if target.startswith(("postgres://", "postgresql://")):
        return PostgresVoteStore(target)
    return SQLiteVoteStore(target.removeprefix("sqlite:///"))
