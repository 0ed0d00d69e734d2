"""The presenter's cue: which scene the room sees, shared by the presenter view and the projector.

One row per room in a small table beside the answers (the vote store's database and
connection setup, :mod:`mc2cm.votes`), so a laptop, a phone acting as clicker and the
projector window, in any session or app process, agree on the scene. Every step adds one
to ``step``: a projector follows a change it has not seen yet, also back to a scene it
already shows, and leaves a scene a viewer stepped to locally until the presenter moves.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from dataclasses import dataclass
from functools import cache
from typing import Any

from mc2cm.votes import DEFAULT_PATH, SESSION_ENV, VOTES_ENV, VoteStore, open_vote_store, session_id, shared_vote_store

ROOM = "main"  # one deck, one room per app; the column leaves space for more
FOLLOW_SECONDS = 1.0  # how often a projector window asks for the cue

_SCHEMA = """
CREATE TABLE IF NOT EXISTS presenter_cue (
    room TEXT PRIMARY KEY,
    scene_id TEXT NOT NULL,
    step INTEGER NOT NULL,
    started_at TEXT NOT NULL,
    changed_at TEXT NOT NULL
)"""
_SETTINGS = """
CREATE TABLE IF NOT EXISTS presenter_settings (
    room TEXT NOT NULL,
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (room, name)
)"""
PUBLIC_BASE = "public_base"  # the address phones reach, typed by the presenter, shown by the projector
SESSION = "session"  # the session the room answers into, chosen in the presenter view
SESSION_TTL_S = 1.0  # another app process sees a switch of session within this long


@dataclass(frozen=True)
class Cue:
    scene_id: str
    step: int
    started_at: dt.datetime  # when the presenter started the talk: the timer counts from here

    def elapsed(self, now: dt.datetime | None = None) -> int:
        """Whole seconds since the start, never negative (a clock set back)."""
        moment = now or dt.datetime.now(dt.UTC)
        return max(0, int((moment - self.started_at).total_seconds()))


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


class SceneBoard:
    """The cue of each room, in the vote store's database (SQLite or PostgreSQL)."""

    def __init__(self, store: Any) -> None:
        # The store's own connections: WAL and busy timeout on SQLite, psycopg on PostgreSQL.
        self._store = store
        with store._write() as conn:  # the one connection setup, shared on purpose
            conn.execute(_SCHEMA)
            conn.execute(_SETTINGS)

    def _sql(self, query: str) -> str:
        return str(self._store._sql(query))

    def cue(self, room: str = ROOM) -> Cue | None:
        """The scene the presenter shows, or None before anyone presented."""
        with self._store._connect() as conn:
            row = conn.execute(self._sql("SELECT scene_id, step, started_at FROM presenter_cue WHERE room = ?"),
                               (room,)).fetchone()
        if not row:
            return None
        return Cue(scene_id=str(row[0]), step=int(row[1]), started_at=dt.datetime.fromisoformat(str(row[2])))

    def show(self, scene_id: str, room: str = ROOM) -> Cue:
        """Put ``scene_id`` on the projector; the first cue of a room starts its timer."""
        now = _now().isoformat()
        with self._store._write() as conn:
            conn.execute(self._sql("INSERT INTO presenter_cue (room, scene_id, step, started_at, changed_at) "
                                   "VALUES (?, ?, 1, ?, ?) ON CONFLICT (room) DO UPDATE SET "
                                   "scene_id = excluded.scene_id, step = presenter_cue.step + 1, "
                                   "changed_at = excluded.changed_at"), (room, scene_id, now, now))
        cue = self.cue(room)
        assert cue is not None  # noqa: S101 - written just above
        return cue

    def restart_timer(self, room: str = ROOM) -> None:
        with self._store._write() as conn:
            conn.execute(self._sql("UPDATE presenter_cue SET started_at = ? WHERE room = ?"), (_now().isoformat(), room))


    def setting(self, name: str, room: str = ROOM) -> str:
        with self._store._connect() as conn:
            row = conn.execute(self._sql("SELECT value FROM presenter_settings WHERE room = ? AND name = ?"),
                               (room, name)).fetchone()
        return str(row[0]) if row else ""

    def set_setting(self, name: str, value: str, room: str = ROOM) -> None:
        with self._store._write() as conn:
            conn.execute(self._sql("INSERT INTO presenter_settings (room, name, value) VALUES (?, ?, ?) "
                                   "ON CONFLICT (room, name) DO UPDATE SET value = excluded.value"), (room, name, value))


@cache
def _board(target: str) -> SceneBoard:
    return SceneBoard(open_vote_store(target))


def shared_board() -> SceneBoard:
    """The process's board, in the vote store's database (``$MC2CM_VOTES_DB``, else var/votes.sqlite3)."""
    return _board(_target())


def timer_text(seconds: int) -> str:
    """``12:05`` or ``1:02:05``: how a presenter reads elapsed time."""
    hours, rest = divmod(max(0, seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


class _SessionMemo:
    """The room's session, read at most once a second per process and database: a burst of ballots costs
    no extra reads. Keyed by the database and the configured default, so two stores never mix."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: dict[tuple[str, str], tuple[float, str]] = {}

    def get(self, target: str, board: SceneBoard) -> str:
        key = (target, os.environ.get(SESSION_ENV, ""))
        with self._lock:
            held = self._values.get(key)
            if held and time.monotonic() - held[0] < SESSION_TTL_S:
                return held[1]
        chosen = board.setting(SESSION)
        try:
            value = session_id(chosen or None)
        except ValueError:  # a value typed into the database by hand: the configured default
            value = session_id()
        with self._lock:
            self._values[key] = (time.monotonic(), value)
        return value

    def forget(self) -> None:
        with self._lock:
            self._values.clear()


_SESSION_MEMO = _SessionMemo()


def _target() -> str:
    return os.environ.get(VOTES_ENV) or str(DEFAULT_PATH)


def room_session() -> str:
    """The session answers go to now: the presenter's choice, else ``$MC2CM_SESSION``, else ``default``."""
    target = _target()
    return _SESSION_MEMO.get(target, _board(target))


def set_room_session(value: str) -> str:
    """Switch the room to session ``value`` (checked; ``ValueError`` if it is not a session id)."""
    typed = value.strip().lower()
    if not typed:  # an empty box is not "the default": say so
        raise ValueError("A session id is lower-case letters, digits and hyphens, e.g. sfax-2027-03 (got '').")
    chosen = session_id(typed)
    shared_board().set_setting(SESSION, chosen)
    _SESSION_MEMO.forget()
    return chosen


def room_vote_store() -> VoteStore:
    """The process's vote store, answering into the room's current session: every door takes answers here."""
    store = shared_vote_store()
    current = room_session()
    return store if store.session == current else store.with_session(current)
