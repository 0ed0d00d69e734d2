"""Who is voting: a voter token the server signs, and a brake on new voters per client.

A delegate's browser keeps a token ``<id>.<signature>`` in a cookie; the server
signs the random id with a secret only it knows (HMAC-SHA256), so a made-up or
copied-and-edited cookie is not a voter: it cannot take over someone else's
ballot, and it does not get a ballot of its own without a fresh token. A fresh
token is cheap, so new voters are also rate-limited per client address and poll:
a script opening sessions in a loop gets a burst, then one new voter every few
seconds. A room of phones on the venue network comes from as many addresses.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

SECRET_ENV = "MC2CM_SECRET"  # noqa: S105 - the variable's name, not a secret
SECRET_FILE = Path("var") / "secret.key"
_ID_HEX = 32
_SIG_HEX = 32


def load_secret(path: Path | str = SECRET_FILE) -> bytes:
    """``$MC2CM_SECRET``, else a random key kept in ``var/secret.key`` (made on first use, mode 600).

    Kept on disk so that a restart does not turn every delegate into a new voter.
    """
    configured = os.environ.get(SECRET_ENV)
    if configured:
        return configured.encode("utf-8")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(32))
    key = path.read_text(encoding="ascii").strip()
    if len(key) < 32:  # an empty file from a crash mid-write: start again
        path.unlink(missing_ok=True)
        return load_secret(path)
    return key.encode("ascii")


@cache
def shared_secret() -> bytes:
    """:func:`load_secret`, read once per process (not in a Streamlit cache, which any browser may clear)."""
    return load_secret()


def _signature(secret: bytes, voter: str) -> str:
    return hmac.new(secret, voter.encode("ascii"), hashlib.sha256).hexdigest()[:_SIG_HEX]


def new_token(secret: bytes) -> str:
    voter = secrets.token_hex(_ID_HEX // 2)
    return f"{voter}.{_signature(secret, voter)}"


def verified_voter(token: object, secret: bytes) -> str | None:
    """The voter id in a token the server signed, else None."""
    if not isinstance(token, str) or token.count(".") != 1:
        return None
    voter, signature = token.split(".")
    if len(voter) != _ID_HEX or any(c not in "0123456789abcdef" for c in voter):
        return None
    return voter if hmac.compare_digest(signature, _signature(secret, voter)) else None


def client_tag(secret: bytes, client: str) -> str:
    """A short keyed hash of a client address: enough to count ballots per address, not to find it."""
    return hmac.new(secret, b"client:" + client.encode("utf-8"), hashlib.sha256).hexdigest()[:12]


@dataclass
class _Bucket:
    tokens: float
    at: float


@dataclass
class NewVoterLimit:
    """A token bucket per (poll, client): ``burst`` new voters at once, then one per ``every`` seconds."""

    burst: int = 10
    every: float = 6.0
    clock: Callable[[], float] = time.monotonic
    _buckets: dict[tuple[str, str], _Bucket] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def allow(self, poll_id: str, client: str) -> bool:
        with self._lock:
            now = self.clock()
            if len(self._buckets) > 10_000:  # forget full buckets: memory stays bounded
                self._buckets = {k: b for k, b in self._buckets.items()
                                 if b.tokens + (now - b.at) / self.every < self.burst}
            bucket = self._buckets.setdefault((poll_id, client), _Bucket(float(self.burst), now))
            bucket.tokens = min(float(self.burst), bucket.tokens + (now - bucket.at) / self.every)
            bucket.at = now
            if bucket.tokens < 1:
                return False
            bucket.tokens -= 1
            return True

    def reset(self) -> None:
        with self._lock:
            self._buckets.clear()


NEW_VOTERS = NewVoterLimit()
"""The process's one limit (every session)."""

SUSPICIOUS_PER_CLIENT = 8
"""Ballots from one address that the facilitator is told about."""


def form_token(secret: bytes, voter: str, poll_id: str) -> str:
    """A ballot form's hidden token: only a page the server made for this voter and poll carries it."""
    message = f"form:{voter}:{poll_id}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:_SIG_HEX]


def form_token_valid(token: object, secret: bytes, voter: str, poll_id: str) -> bool:
    return isinstance(token, str) and hmac.compare_digest(token.encode("utf-8", "replace"),
                                                          form_token(secret, voter, poll_id).encode("ascii"))
