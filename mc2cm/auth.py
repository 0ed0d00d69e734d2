"""Staff sign-in: a shared password compared in constant time, and a brake on guessing.

The brake is security state, so it lives in this module (one per process), never in a
Streamlit cache: any browser may ask Streamlit to clear its caches. Checks are
serialised process-wide, a wrong password makes its client (and the account named)
wait before the next attempt is even looked at, and a global ceiling bounds the
guesses of all clients together. A right password from a client that is not
waiting is never delayed.

The app keeps who is signed in in the browser session only. An organisation
with an identity provider can replace this with Streamlit's ``st.login``
(OIDC); see README.md, "Staff sign-in".
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

PASSWORD_ENV = "MC2CM_ADMIN_PASSWORD"  # noqa: S105 - the variable's name, not a password
TRUSTED_PROXIES_ENV = "MC2CM_TRUSTED_PROXIES"
DEFAULT_TRUSTED_PROXIES = "127.0.0.0/8,::1"
MIN_PASSWORD_LENGTH = 8
LOOPBACK = "127.0.0.1"

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# Characters that reorder or hide what people see: bidi embeddings, overrides and isolates,
# and other controls. Never useful in a name typed into a form.
_UNSAFE_IN_NAMES = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\x00-\x1f\x7f]")


def password_matches(given: str, expected: str) -> bool:
    """Constant-time comparison (no early exit that would leak how much matched)."""
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def clean_name(name: str) -> str:
    """A staff name as typed, without characters that reorder or hide text."""
    return " ".join(_UNSAFE_IN_NAMES.sub("", name).split())


# --- who is asking ------------------------------------------------------------------


def trusted_proxies(spec: str | None = None) -> tuple[Network, ...]:
    """``$MC2CM_TRUSTED_PROXIES`` (addresses or networks, comma separated); loopback by default.

    Only a request that reaches the app from one of these may name its client in
    ``X-Forwarded-For``; anyone else's header is ignored.
    """
    raw = spec if spec is not None else os.environ.get(TRUSTED_PROXIES_ENV, DEFAULT_TRUSTED_PROXIES)
    networks = []
    for part in raw.split(","):
        if part.strip():
            try:
                networks.append(ipaddress.ip_network(part.strip(), strict=False))
            except ValueError:
                continue
    return tuple(networks)


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip().strip("[]"))
    except ValueError:
        return None


def client_address(peer: str | None, forwarded_for: str | None, trusted: Iterable[Network]) -> str:
    """The address a request really comes from.

    ``peer`` is the connection's address (Streamlit reports ``None`` for loopback).
    ``X-Forwarded-For`` is followed from the right, one trusted proxy at a time: the
    first address that is not a trusted proxy is the client. A header from an
    untrusted peer is ignored, so a visitor cannot pick their own identity.
    """
    networks = tuple(trusted)
    current = _address(peer) if peer else _address(LOOPBACK)
    if current is None:
        return str(peer)

    def is_trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
        return any(address in network for network in networks)

    if forwarded_for:
        for hop in reversed(forwarded_for.split(",")):
            if not is_trusted(current):
                break
            address = _address(hop)
            if address is None:
                break
            current = address
    return str(current)


# --- the brake ------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    """The answer to one sign-in attempt."""

    accepted: bool
    checked: bool   # False: refused without looking at the password (the client must wait)
    wait: float     # seconds before this client's next attempt is looked at


@dataclass
class _Record:
    failures: int = 0
    last: float = 0.0
    until: float = 0.0


@dataclass
class SignInBrake:
    """Slows password guessing down, process-wide.

    A client's first ``free`` failures cost nothing (a typo is not an attack); after
    ``n`` failures it waits ``base * 2**(n-free-1)`` seconds (up to ``cap``) before its
    next attempt is checked; so does the account named. Attempts that
    come while waiting are refused unchecked, however many sessions send them. At
    most ``ceiling`` failures are checked per ``window`` seconds, whoever sends them.
    """

    free: int = 2
    base: float = 1.0
    cap: float = 60.0
    forget_after: float = 900.0
    ceiling: int = 30
    window: float = 60.0
    clock: Callable[[], float] = time.monotonic
    checked_count: int = 0
    _clients: dict[str, _Record] = field(default_factory=dict)
    _accounts: dict[str, _Record] = field(default_factory=dict)
    _recent: deque[float] = field(default_factory=deque)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _forget(self, now: float) -> None:
        for table in (self._clients, self._accounts):
            for key in [k for k, r in table.items() if now - r.last > self.forget_after and now >= r.until]:
                del table[key]
        while self._recent and now - self._recent[0] > self.window:
            self._recent.popleft()

    def _wait(self, client: str, account: str, now: float) -> float:
        waits = [r.until - now for r in (self._clients.get(client), self._accounts.get(account)) if r]
        if len(self._recent) >= self.ceiling:
            waits.append(self._recent[0] + self.window - now)
        return max([0.0, *waits])

    def _fail(self, table: dict[str, _Record], key: str, now: float) -> None:
        record = table.setdefault(key, _Record())
        record.failures += 1
        record.last = now
        over = record.failures - self.free
        record.until = now + (min(self.cap, self.base * 2 ** (over - 1)) if over > 0 else 0.0)

    def attempt(self, client: str, account: str, check: Callable[[], bool]) -> Verdict:
        """Check a password (``check``) unless ``client`` or ``account`` must wait first."""
        account = account.casefold()
        with self._lock:
            now = self.clock()
            self._forget(now)
            wait = self._wait(client, account, now)
            if wait > 0:
                return Verdict(accepted=False, checked=False, wait=wait)
            self.checked_count += 1
            if check():
                self._clients.pop(client, None)
                self._accounts.pop(account, None)
                return Verdict(accepted=True, checked=True, wait=0.0)
            self._fail(self._clients, client, now)
            self._fail(self._accounts, account, now)
            self._recent.append(now)
            return Verdict(accepted=False, checked=True, wait=self._wait(client, account, now))

    def reset(self) -> None:
        with self._lock:
            self._clients.clear()
            self._accounts.clear()
            self._recent.clear()
            self.checked_count = 0


BRAKE = SignInBrake()
"""The process's one brake (every session, every page)."""


class SessionSet:
    """Ids of the sessions signed in as staff, for the HTTP front door (uploads)."""

    def __init__(self) -> None:
        self._ids: set[str] = set()
        self._lock = threading.Lock()

    def add(self, session_id: str) -> None:
        with self._lock:
            self._ids.add(session_id)

    def discard(self, session_id: str) -> None:
        with self._lock:
            self._ids.discard(session_id)

    def __contains__(self, session_id: object) -> bool:
        with self._lock:
            return session_id in self._ids


STAFF_SESSIONS = SessionSet()
