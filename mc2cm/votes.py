"""Where the room's answers are kept: one small interface, SQLite by default.

One answer set per voter (browser) per poll: submitting again replaces the
earlier ballot, so a reload or a changed mind never counts twice. A ballot is
the ordered tuple of choices (a ranking is its order) or, for a rating, one
score per option. Questions and ideas are posts: a voter may send a few (a
per-device rate limit), each shown once approved (pre-moderation, the default)
or at once (post-moderation), and upvoted once per voter. A closed poll refuses
answers; a reset keeps what it wipes, so :meth:`undo_reset` brings it back.

Everything is stored under a session id (``$MC2CM_SESSION``, else ``default``):
the same deck run in another room, or again later, keeps its answers apart.

SQLite runs in WAL mode with a busy timeout and takes writes in ``BEGIN
IMMEDIATE`` transactions, so many sessions (threads or processes) can write at
once. PostgreSQL replaces it behind :class:`VoteStore` when several app
processes serve one room (see ``open_vote_store``).
"""

from __future__ import annotations

import atexit
import contextlib
import copy
import datetime as dt
import json
import os
import re
import secrets
import sqlite3
import threading
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from psycopg_pool import ConnectionPool

VOTES_ENV = "MC2CM_VOTES_DB"
SESSION_ENV = "MC2CM_SESSION"
DEFAULT_SESSION = "default"
SESSION_PATTERN = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
DEFAULT_PATH = Path("var") / "votes.sqlite3"
BUSY_TIMEOUT_S = 30.0
OPEN, CLOSED = "open", "closed"
PRE, POST = "pre", "post"  # moderation: shown once approved, or at once
PENDING, APPROVED, HIDDEN = "pending", "approved", "hidden"
POST_STATUSES = (PENDING, APPROVED, HIDDEN)
DEFAULT_MAX_LENGTH = 280
POSTS_PER_WINDOW = 3  # a device sends at most this many posts to one poll ...
POST_WINDOW_S = 300  # ... in this many seconds


class PollClosed(Exception):
    """The poll is not taking answers."""


class TooManyPosts(Exception):
    """This device sent its posts for now; ``retry_after`` seconds until the next one."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


class UnknownPost(Exception):
    """No such post in this poll (or not one a delegate may upvote)."""


@dataclass(frozen=True)
class Post:
    """A question or an idea, as a reader may see it: no voter, no address."""

    id: str
    poll_id: str
    text: str
    tag: str
    status: str
    answered: bool
    pinned: bool
    created: str  # ISO time, UTC
    upvotes: int
    upvoted: bool = False  # by the voter who asks
    mine: bool = False  # sent by the voter who asks


def clean_post_text(text: str) -> str:
    """A post as kept: control characters gone (a NUL would break PostgreSQL), line breaks kept, ends trimmed."""
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc").strip()


def session_id(value: str | None = None) -> str:
    """The session answers are stored under: ``value``, else ``$MC2CM_SESSION``, else ``default``.

    A short readable slug (``sfax-2027-03``): lower-case letters, digits and hyphens.
    """
    chosen = (value or os.environ.get(SESSION_ENV) or DEFAULT_SESSION).strip().lower()
    if not SESSION_PATTERN.fullmatch(chosen) or len(chosen) > 64:
        raise ValueError(f"A session id is lower-case letters, digits and hyphens, e.g. sfax-2027-03 (got {chosen!r}).")
    return chosen


class VoteStore(Protocol):
    session: str

    def with_session(self, session: str) -> VoteStore: ...
    def status(self, poll_id: str) -> str: ...
    def set_status(self, poll_id: str, status: str) -> None: ...
    def submit(self, poll_id: str, voter: str, choices: Sequence[str], client: str = "") -> None: ...
    def ballot(self, poll_id: str, voter: str) -> tuple[str, ...]: ...
    def tally(self, poll_id: str) -> dict[str, int]: ...
    def voters(self, poll_id: str) -> int: ...
    def sessions(self) -> list[tuple[str, int]]: ...
    def has_answered(self, poll_id: str, voter: str) -> bool: ...
    def reset(self, poll_id: str) -> None: ...
    def undo_reset(self, poll_id: str) -> int: ...
    def can_undo_reset(self, poll_id: str) -> bool: ...
    def ballots(self, poll_id: str) -> list[tuple[str, tuple[str, ...], str]]: ...
    def ballots_per_client(self, poll_id: str) -> dict[str, int]: ...
    def submit_scores(self, poll_id: str, voter: str, scores: Mapping[str, int], client: str = "") -> None: ...
    def scores(self, poll_id: str, voter: str) -> dict[str, int]: ...
    def all_scores(self, poll_id: str) -> list[dict[str, int]]: ...
    def moderation(self, poll_id: str, default: str = PRE) -> str: ...
    def set_moderation(self, poll_id: str, mode: str) -> None: ...
    def add_post(self, poll_id: str, voter: str, text: str, tag: str = "", *, default_moderation: str = PRE,
                 max_length: int = DEFAULT_MAX_LENGTH, client: str = "") -> Post: ...
    def posts(self, poll_id: str, viewer: str = "") -> list[Post]: ...
    def moderate(self, poll_id: str, post_id: str, *, status: str | None = None, answered: bool | None = None,
                 pinned: bool | None = None) -> None: ...
    def upvote(self, poll_id: str, post_id: str, voter: str) -> None: ...
    def withdraw_upvote(self, poll_id: str, post_id: str, voter: str) -> None: ...


_SCHEMA = """
CREATE TABLE IF NOT EXISTS polls (
    session TEXT NOT NULL DEFAULT 'default',
    poll_id TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    changed_at TEXT NOT NULL,
    moderation TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (session, poll_id)
);
CREATE TABLE IF NOT EXISTS ballots (
    session TEXT NOT NULL DEFAULT 'default',
    poll_id TEXT NOT NULL,
    voter TEXT NOT NULL,
    choices TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    client TEXT NOT NULL DEFAULT '',
    scores TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (session, poll_id, voter)
);
CREATE TABLE IF NOT EXISTS posts (
    post_id TEXT PRIMARY KEY,
    session TEXT NOT NULL,
    poll_id TEXT NOT NULL,
    voter TEXT NOT NULL,
    client TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL,
    tag TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'hidden')),
    answered INTEGER NOT NULL DEFAULT 0,
    pinned INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS posts_by_poll ON posts (session, poll_id, voter, created_at);
CREATE TABLE IF NOT EXISTS upvotes (
    post_id TEXT NOT NULL,
    voter TEXT NOT NULL,
    session TEXT NOT NULL,
    poll_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (post_id, voter)
);
CREATE INDEX IF NOT EXISTS upvotes_by_poll ON upvotes (session, poll_id);
CREATE TABLE IF NOT EXISTS wiped (
    reset_id TEXT NOT NULL,
    session TEXT NOT NULL,
    poll_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    wiped_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS wiped_by_poll ON wiped (session, poll_id, reset_id);
"""
# What each wiped row held, in this order (the payload of table ``wiped``).
_COLUMNS = {
    "ballots": ("session", "poll_id", "voter", "choices", "updated_at", "client", "scores"),
    "posts": ("post_id", "session", "poll_id", "voter", "client", "body", "tag", "status", "answered", "pinned",
              "created_at"),
    "upvotes": ("post_id", "voter", "session", "poll_id", "created_at"),
}
_POST_COLUMNS = "p.post_id, p.poll_id, p.body, p.tag, p.status, p.answered, p.pinned, p.created_at"


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class _SQLVoteStore:
    """The queries, shared by both databases; subclasses say how to connect."""

    placeholder = "?"
    session: str = DEFAULT_SESSION
    clock: Callable[[], dt.datetime] = staticmethod(_utc_now)  # replaced in tests: no waiting
    posts_per_window = POSTS_PER_WINDOW
    post_window_s = POST_WINDOW_S

    def _connect(self) -> contextlib.AbstractContextManager[Any]:
        raise NotImplementedError

    def _write(self) -> contextlib.AbstractContextManager[Any]:
        raise NotImplementedError

    def _sql(self, query: str) -> str:
        return query.replace("?", self.placeholder)

    def _one(self, query: str, params: tuple[object, ...]) -> Any:
        with self._connect() as conn:
            return conn.execute(self._sql(query), params).fetchone()

    def _all(self, query: str, params: tuple[object, ...]) -> list[Any]:
        with self._connect() as conn:
            return list(conn.execute(self._sql(query), params).fetchall())

    def with_session(self, session: str) -> VoteStore:
        """The same database, answers of another session (a facilitator's choice)."""
        other = copy.copy(self)
        other.session = session_id(session)
        return other

    # --- the poll ---------------------------------------------------------------------------------------------

    def status(self, poll_id: str) -> str:
        row = self._one("SELECT status FROM polls WHERE session = ? AND poll_id = ?", (self.session, poll_id))
        return str(row[0]) if row else CLOSED

    def set_status(self, poll_id: str, status: str) -> None:
        if status not in (OPEN, CLOSED):
            raise ValueError(status)
        with self._write() as conn:
            conn.execute(self._sql("INSERT INTO polls (session, poll_id, status, changed_at) VALUES (?, ?, ?, ?) "
                                   "ON CONFLICT (session, poll_id) DO UPDATE SET status = excluded.status, "
                                   "changed_at = excluded.changed_at"), (self.session, poll_id, status, _now()))

    def moderation(self, poll_id: str, default: str = PRE) -> str:
        """``pre`` or ``post``: what the facilitator switched to, else the poll's default from polls.csv."""
        row = self._one("SELECT moderation FROM polls WHERE session = ? AND poll_id = ?", (self.session, poll_id))
        chosen = str(row[0]) if row else ""
        return chosen if chosen in (PRE, POST) else (default if default in (PRE, POST) else PRE)

    def set_moderation(self, poll_id: str, mode: str) -> None:
        if mode not in (PRE, POST):
            raise ValueError(mode)
        with self._write() as conn:
            conn.execute(self._sql("INSERT INTO polls (session, poll_id, status, changed_at, moderation) "
                                   "VALUES (?, ?, ?, ?, ?) ON CONFLICT (session, poll_id) DO UPDATE SET "
                                   "moderation = excluded.moderation"),
                         (self.session, poll_id, CLOSED, _now(), mode))

    _status_for_update = "SELECT status FROM polls WHERE session = ? AND poll_id = ?"

    def _require_open(self, conn: Any, poll_id: str) -> None:
        row = conn.execute(self._sql(self._status_for_update), (self.session, poll_id)).fetchone()
        if not row or row[0] != OPEN:
            raise PollClosed(poll_id)

    # --- ballots: choices in order, or scores ------------------------------------------------------------------

    def _save_ballot(self, poll_id: str, voter: str, choices: list[str], scores: dict[str, int], client: str) -> None:
        with self._write() as conn:
            self._require_open(conn, poll_id)
            conn.execute(self._sql("INSERT INTO ballots (session, poll_id, voter, choices, updated_at, client, scores) "
                                   "VALUES (?, ?, ?, ?, ?, ?, ?) "
                                   "ON CONFLICT (session, poll_id, voter) DO UPDATE SET choices = excluded.choices, "
                                   "scores = excluded.scores, updated_at = excluded.updated_at"),
                         (self.session, poll_id, voter, json.dumps(choices), _now(), client, json.dumps(scores)))

    def submit(self, poll_id: str, voter: str, choices: Sequence[str], client: str = "") -> None:
        """A dot vote, a single choice or a ranking (the order is kept: first = ranked 1st)."""
        self._save_ballot(poll_id, voter, list(dict.fromkeys(choices)), {}, client)

    def submit_scores(self, poll_id: str, voter: str, scores: Mapping[str, int], client: str = "") -> None:
        """A rating: one score per option the voter rated (replacing the voter's earlier scores)."""
        clean = {str(option): int(score) for option, score in scores.items()}
        self._save_ballot(poll_id, voter, list(clean), clean, client)

    def ballot(self, poll_id: str, voter: str) -> tuple[str, ...]:
        row = self._one("SELECT choices FROM ballots WHERE session = ? AND poll_id = ? AND voter = ?",
                        (self.session, poll_id, voter))
        return tuple(json.loads(row[0])) if row else ()

    def scores(self, poll_id: str, voter: str) -> dict[str, int]:
        row = self._one("SELECT scores FROM ballots WHERE session = ? AND poll_id = ? AND voter = ?",
                        (self.session, poll_id, voter))
        return {str(k): int(v) for k, v in json.loads(row[0]).items()} if row else {}

    def all_scores(self, poll_id: str) -> list[dict[str, int]]:
        rows = self._all("SELECT scores FROM ballots WHERE session = ? AND poll_id = ? ORDER BY updated_at",
                         (self.session, poll_id))
        return [{str(k): int(v) for k, v in json.loads(s).items()} for (s,) in rows]

    def ballots(self, poll_id: str) -> list[tuple[str, tuple[str, ...], str]]:
        rows = self._all("SELECT voter, choices, updated_at FROM ballots WHERE session = ? AND poll_id = ? "
                         "ORDER BY updated_at", (self.session, poll_id))
        return [(str(v), tuple(json.loads(c)), str(t)) for v, c, t in rows]

    def ballots_per_client(self, poll_id: str) -> dict[str, int]:
        """How many voters each client (keyed hash of an address) brought, most first."""
        rows = self._all("SELECT client, COUNT(*) FROM ballots WHERE session = ? AND poll_id = ? "
                         "GROUP BY client ORDER BY COUNT(*) DESC", (self.session, poll_id))
        return {str(c): int(n) for c, n in rows}

    def tally(self, poll_id: str) -> dict[str, int]:
        counts: Counter[str] = Counter()
        for _, choices, _ in self.ballots(poll_id):
            counts.update(choices)
        return dict(counts)

    def voters(self, poll_id: str) -> int:
        """Devices that answered: a ballot, a post or an upvote, each counted once."""
        row = self._one("SELECT COUNT(*) FROM (SELECT voter FROM ballots WHERE session = ? AND poll_id = ? "
                        "UNION SELECT voter FROM posts WHERE session = ? AND poll_id = ? "
                        "UNION SELECT voter FROM upvotes WHERE session = ? AND poll_id = ?) AS answered",
                        (self.session, poll_id) * 3)
        return int(row[0])

    def sessions(self) -> list[tuple[str, int]]:
        """Every session that holds answers, with how many devices answered in it; the latest first."""
        rows = self._all("SELECT session, COUNT(DISTINCT voter), MAX(at) FROM ("
                         "SELECT session, voter, updated_at AS at FROM ballots "
                         "UNION ALL SELECT session, voter, created_at AS at FROM posts "
                         "UNION ALL SELECT session, voter, created_at AS at FROM upvotes) AS answered "
                         "GROUP BY session ORDER BY MAX(at) DESC, session", ())
        return [(str(r[0]), int(r[1])) for r in rows]

    def has_answered(self, poll_id: str, voter: str) -> bool:
        row = self._one("SELECT 1 FROM ballots WHERE session = ? AND poll_id = ? AND voter = ? "
                        "UNION SELECT 1 FROM posts WHERE session = ? AND poll_id = ? AND voter = ? "
                        "UNION SELECT 1 FROM upvotes WHERE session = ? AND poll_id = ? AND voter = ?",
                        (self.session, poll_id, voter) * 3)
        return row is not None

    # --- posts: questions and ideas ------------------------------------------------------------------------------

    def add_post(self, poll_id: str, voter: str, text: str, tag: str = "", *, default_moderation: str = PRE,
                 max_length: int = DEFAULT_MAX_LENGTH, client: str = "") -> Post:
        """Keep a question or an idea: pending under pre-moderation, approved under post-moderation.

        Raises ``ValueError`` for an empty or too long text, :class:`TooManyPosts` past the
        device's rate limit, :class:`PollClosed` when the poll is closed.
        """
        body = clean_post_text(text)
        if not body or len(body) > max_length:
            raise ValueError("empty" if not body else "too long")
        now = self.clock()
        since = (now - dt.timedelta(seconds=self.post_window_s)).isoformat(timespec="microseconds")
        with self._write() as conn:
            self._require_open(conn, poll_id)
            recent = [str(r[0]) for r in conn.execute(self._sql(
                "SELECT created_at FROM posts WHERE session = ? AND poll_id = ? AND voter = ? AND created_at > ? "
                "ORDER BY created_at"), (self.session, poll_id, voter, since)).fetchall()]
            if len(recent) >= self.posts_per_window:
                oldest = dt.datetime.fromisoformat(recent[-self.posts_per_window])
                wait = (oldest + dt.timedelta(seconds=self.post_window_s) - now).total_seconds()
                raise TooManyPosts(max(1, int(wait + 0.999)))
            row = conn.execute(self._sql("SELECT moderation FROM polls WHERE session = ? AND poll_id = ?"),
                               (self.session, poll_id)).fetchone()
            mode = str(row[0]) if row and row[0] in (PRE, POST) else default_moderation
            status = APPROVED if mode == POST else PENDING
            post = Post(id=secrets.token_hex(8), poll_id=poll_id, text=body, tag=tag, status=status, answered=False,
                        pinned=False, created=now.isoformat(timespec="microseconds"), upvotes=0, mine=True)
            conn.execute(self._sql("INSERT INTO posts (post_id, session, poll_id, voter, client, body, tag, status, "
                                   "answered, pinned, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?)"),
                         (post.id, self.session, poll_id, voter, client, body, tag, status, post.created))
        return post

    def posts(self, poll_id: str, viewer: str = "") -> list[Post]:
        """Every post of the poll, oldest first, with its upvotes (and whether ``viewer`` upvoted or sent it)."""
        rows = self._all(f"SELECT {_POST_COLUMNS}, p.voter = ?, "  # noqa: S608 - a fixed list of columns
                         "(SELECT COUNT(*) FROM upvotes u WHERE u.post_id = p.post_id), "
                         "(SELECT COUNT(*) FROM upvotes u WHERE u.post_id = p.post_id AND u.voter = ?) "
                         "FROM posts p WHERE p.session = ? AND p.poll_id = ? ORDER BY p.created_at, p.post_id",
                         (viewer, viewer, self.session, poll_id))
        return [Post(id=str(r[0]), poll_id=str(r[1]), text=str(r[2]), tag=str(r[3]), status=str(r[4]),
                     answered=bool(r[5]), pinned=bool(r[6]), created=str(r[7]), upvotes=int(r[9]),
                     upvoted=bool(r[10]), mine=bool(r[8]) and bool(viewer)) for r in rows]

    def moderate(self, poll_id: str, post_id: str, *, status: str | None = None, answered: bool | None = None,
                 pinned: bool | None = None) -> None:
        """The facilitator's hand: approve, hide or restore (``status``), mark answered, pin."""
        changes: list[tuple[str, object]] = []
        if status is not None:
            if status not in POST_STATUSES:
                raise ValueError(status)
            changes.append(("status", status))
        if answered is not None:
            changes.append(("answered", int(answered)))
        if pinned is not None:
            changes.append(("pinned", int(pinned)))
        if not changes:
            return
        sets = ", ".join(f"{column} = ?" for column, _ in changes)
        with self._write() as conn:
            cursor = conn.execute(self._sql(f"UPDATE posts SET {sets} WHERE session = ? AND poll_id = ? "  # noqa: S608 - fixed column names
                                            "AND post_id = ?"),
                                  (*(value for _, value in changes), self.session, poll_id, post_id))
            if cursor.rowcount == 0:
                raise UnknownPost(post_id)

    def upvote(self, poll_id: str, post_id: str, voter: str) -> None:
        """One upvote per voter and post (again is a no-op); only approved posts of an open poll."""
        with self._write() as conn:
            self._require_open(conn, poll_id)
            row = conn.execute(self._sql("SELECT status FROM posts WHERE session = ? AND poll_id = ? AND post_id = ?"),
                               (self.session, poll_id, post_id)).fetchone()
            if not row or row[0] != APPROVED:
                raise UnknownPost(post_id)
            conn.execute(self._sql("INSERT INTO upvotes (post_id, voter, session, poll_id, created_at) "
                                   "VALUES (?, ?, ?, ?, ?) ON CONFLICT (post_id, voter) DO NOTHING"),
                         (post_id, voter, self.session, poll_id, _now()))

    def withdraw_upvote(self, poll_id: str, post_id: str, voter: str) -> None:
        with self._write() as conn:
            self._require_open(conn, poll_id)
            conn.execute(self._sql("DELETE FROM upvotes WHERE session = ? AND poll_id = ? AND post_id = ? "
                                   "AND voter = ?"), (self.session, poll_id, post_id, voter))

    # --- reset, and its undo ---------------------------------------------------------------------------------------

    def reset(self, poll_id: str) -> None:
        """Clear the poll's answers (ballots, posts, upvotes), keeping them aside for :meth:`undo_reset`."""
        reset_id = f"{_utc_now().isoformat(timespec='microseconds')}-{secrets.token_hex(4)}"
        with self._write() as conn:
            for table, columns in _COLUMNS.items():
                where = "WHERE session = ? AND poll_id = ?"
                rows = conn.execute(self._sql(f"SELECT {', '.join(columns)} FROM {table} {where}"),  # noqa: S608 - fixed names
                                    (self.session, poll_id)).fetchall()
                for row in rows:
                    conn.execute(self._sql("INSERT INTO wiped (reset_id, session, poll_id, kind, payload, wiped_at) "
                                           "VALUES (?, ?, ?, ?, ?, ?)"),
                                 (reset_id, self.session, poll_id, table, json.dumps(list(row)), _now()))
                conn.execute(self._sql(f"DELETE FROM {table} {where}"), (self.session, poll_id))  # noqa: S608

    def can_undo_reset(self, poll_id: str) -> bool:
        return self._one("SELECT 1 FROM wiped WHERE session = ? AND poll_id = ?", (self.session, poll_id)) is not None

    def undo_reset(self, poll_id: str) -> int:
        """Bring back what the last reset wiped; returns how many rows came back.

        An answer given since the reset is kept where it collides with a wiped one (the same voter's
        ballot, the same upvote): the newer answer wins.
        """
        with self._write() as conn:
            last = conn.execute(self._sql("SELECT MAX(reset_id) FROM wiped WHERE session = ? AND poll_id = ?"),
                                (self.session, poll_id)).fetchone()
            if not last or last[0] is None:
                return 0
            rows = conn.execute(self._sql("SELECT kind, payload FROM wiped WHERE session = ? AND poll_id = ? "
                                          "AND reset_id = ?"), (self.session, poll_id, last[0])).fetchall()
            restored = 0
            for kind in ("ballots", "posts", "upvotes"):  # posts before their upvotes
                columns = _COLUMNS[kind]
                insert = self._sql(f"INSERT INTO {kind} ({', '.join(columns)}) VALUES "  # noqa: S608 - fixed names
                                   f"({', '.join('?' * len(columns))}) ON CONFLICT DO NOTHING")
                for wiped_kind, payload in rows:
                    if wiped_kind == kind:
                        restored += conn.execute(insert, tuple(json.loads(payload))).rowcount
            conn.execute(self._sql("DELETE FROM wiped WHERE session = ? AND poll_id = ? AND reset_id = ?"),
                         (self.session, poll_id, last[0]))
        return int(restored)


def _sqlite_columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}


# Stores made before answers were kept per session: rebuilt with the session in the key (SQLite cannot
# change a primary key in place). Their answers become the default session's.
_SQLITE_UPGRADE = {
    "polls": "INSERT INTO polls (session, poll_id, status, changed_at) "
             "SELECT 'default', poll_id, status, changed_at FROM polls_before_sessions",
    "ballots": "INSERT INTO ballots (session, poll_id, voter, choices, updated_at, client) "
               "SELECT 'default', poll_id, voter, choices, updated_at, client FROM ballots_before_sessions",
}


class SQLiteVoteStore(_SQLVoteStore):
    """A file on disk, created on first use. Safe across threads and processes."""

    def __init__(self, path: Path | str, session: str | None = None) -> None:
        self.path = Path(path)
        self.session = session_id(session)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as conn:
            conn.execute("PRAGMA journal_mode=WAL")
        with self._write() as conn:
            renamed = []
            for table in _SQLITE_UPGRADE:
                columns = _sqlite_columns(conn, table)
                if columns and "session" not in columns:
                    if table == "ballots" and "client" not in columns:
                        conn.execute("ALTER TABLE ballots ADD COLUMN client TEXT NOT NULL DEFAULT ''")
                    conn.execute(f"ALTER TABLE {table} RENAME TO {table}_before_sessions")
                    renamed.append(table)
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    conn.execute(statement)
            for table in renamed:
                conn.execute(_SQLITE_UPGRADE[table])
                conn.execute(f"DROP TABLE {table}_before_sessions")

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


POOL_MAX_ENV = "MC2CM_VOTES_POOL_MAX"
DEFAULT_POOL_MAX = 8  # connections per process and database; a 2-core app server rarely needs more than a few
CONNECT_TIMEOUT_S = 10
_POOLS: dict[str, ConnectionPool[Any]] = {}
_POOLS_LOCK = threading.Lock()


def _pool_max() -> int:
    raw = os.environ.get(POOL_MAX_ENV, "").strip() or str(DEFAULT_POOL_MAX)
    if not raw.isdigit() or int(raw) < 1:
        raise ValueError(f"{POOL_MAX_ENV} is the most connections a process keeps open, 1 or more (got {raw!r}).")
    return int(raw)


def _close_pools() -> None:
    with _POOLS_LOCK:
        for pool in _POOLS.values():
            pool.close(timeout=1.0)
        _POOLS.clear()


def _pool(url: str) -> ConnectionPool[Any]:
    """The process's one connection pool for ``url``: every store on that database (and every copy) shares it."""
    from psycopg_pool import ConnectionPool  # noqa: PLC0415 - only needed when PostgreSQL is configured

    with _POOLS_LOCK:
        pool = _POOLS.get(url)
        if pool is None or pool.closed:
            pool = ConnectionPool(url, kwargs={"autocommit": False, "connect_timeout": CONNECT_TIMEOUT_S},
                                  min_size=1, max_size=_pool_max(), open=True, timeout=BUSY_TIMEOUT_S,
                                  check=ConnectionPool.check_connection,  # a connection the server dropped is replaced
                                  name="mc2cm-votes")
            pool.wait(timeout=CONNECT_TIMEOUT_S)  # unreachable: PoolTimeout (an OperationalError), pool closed
            if not _POOLS:
                atexit.register(_close_pools)
            _POOLS[url] = pool
        return pool


class PostgresVoteStore(_SQLVoteStore):
    """The same store on PostgreSQL, for app processes on several machines.

    Connections come from one pool per database URL and process (``$MC2CM_VOTES_POOL_MAX``, default 8),
    so an answer costs a query, not a new server process; copies (``with_session``) share it.
    """

    placeholder = "%s"
    _status_for_update = "SELECT status FROM polls WHERE session = ? AND poll_id = ? FOR SHARE"

    def __init__(self, url: str, session: str | None = None) -> None:
        self.url = url
        self.session = session_id(session)
        self._pool = _pool(url)
        with self._write() as conn:
            conn.execute("SELECT pg_advisory_xact_lock(4242)")  # two processes creating tables at once
            old = {str(r[0]) for r in conn.execute(
                "SELECT table_name FROM information_schema.columns WHERE table_schema = current_schema() "
                "AND table_name IN ('polls', 'ballots') GROUP BY table_name "
                "HAVING SUM(CASE WHEN column_name = 'session' THEN 1 ELSE 0 END) = 0").fetchall()}
            if "ballots" in old:
                conn.execute("ALTER TABLE ballots ADD COLUMN IF NOT EXISTS client TEXT NOT NULL DEFAULT ''")
            for table, key in (("polls", "session, poll_id"), ("ballots", "session, poll_id, voter")):
                if table in old:  # made before sessions: the session joins the key, old answers are the default's
                    conn.execute(f"ALTER TABLE {table} ADD COLUMN session TEXT NOT NULL DEFAULT 'default'")
                    conn.execute(f"ALTER TABLE {table} DROP CONSTRAINT {table}_pkey, ADD PRIMARY KEY ({key})")
            conn.execute("ALTER TABLE IF EXISTS polls ADD COLUMN IF NOT EXISTS moderation TEXT NOT NULL DEFAULT ''")
            conn.execute("ALTER TABLE IF EXISTS ballots ADD COLUMN IF NOT EXISTS scores TEXT NOT NULL DEFAULT '{}'")
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    conn.execute(statement)

    def _connect(self) -> contextlib.AbstractContextManager[Any]:
        # A pooled connection: the block commits on success, rolls back on error, then the connection goes back.
        return self._pool.connection()

    def _write(self) -> contextlib.AbstractContextManager[Any]:
        return self._connect()


@cache
def _shared(target: str, session: str) -> VoteStore:
    return open_vote_store(target, session)


def shared_vote_store() -> VoteStore:
    """The process's one store for ``$MC2CM_VOTES_DB`` (else ``var/votes.sqlite3``) and ``$MC2CM_SESSION``,
    for every door that takes answers."""
    return _shared(os.environ.get(VOTES_ENV) or str(DEFAULT_PATH), session_id())


def open_vote_store(url: str | None = None, session: str | None = None) -> VoteStore:
    """``$MC2CM_VOTES_DB``, else ``var/votes.sqlite3``; answers of ``session`` (else ``$MC2CM_SESSION``).

    A ``postgresql://`` URL selects PostgreSQL (several app processes, one room);
    a ``sqlite:///`` URL or a plain path selects SQLite.
    """
    target = url or os.environ.get(VOTES_ENV) or str(DEFAULT_PATH)
    if target.startswith(("postgres://", "postgresql://")):
        return PostgresVoteStore(target, session)
    return SQLiteVoteStore(target.removeprefix("sqlite:///"), session)
