"""Staff sign-in: a shared password compared in constant time, and a brake on guessing.

The app keeps who is signed in in the browser session only. An organisation
with an identity provider can replace this with Streamlit's ``st.login``
(OIDC); see README.md, "Staff sign-in".
"""

from __future__ import annotations

import hmac
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

PASSWORD_ENV = "MC2CM_ADMIN_PASSWORD"  # noqa: S105 - the variable's name, not a password
MIN_PASSWORD_LENGTH = 8


def password_matches(given: str, expected: str) -> bool:
    """Constant-time comparison (no early exit that would leak how much matched)."""
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


@dataclass
class Throttle:
    """Slows down repeated failures from one source: 0 s, then 1, 2, 4 … up to ``cap`` seconds.

    Shared by every session of the process, so opening a new tab does not
    reset the brake. A success clears it.
    """

    base: float = 1.0
    cap: float = 30.0
    forget_after: float = 900.0
    clock: Callable[[], float] = time.monotonic
    _failures: dict[str, tuple[int, float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def failures(self, source: str) -> int:
        with self._lock:
            count, last = self._failures.get(source, (0, 0.0))
            if count and self.clock() - last > self.forget_after:
                self._failures.pop(source, None)
                return 0
            return count

    def delay(self, source: str) -> float:
        """How long to wait before answering the next attempt from ``source``."""
        count = self.failures(source)
        return 0.0 if count == 0 else min(self.cap, self.base * 2 ** (count - 1))

    def failed(self, source: str) -> None:
        with self._lock:
            count, _ = self._failures.get(source, (0, 0.0))
            self._failures[source] = (count + 1, self.clock())

    def succeeded(self, source: str) -> None:
        with self._lock:
            self._failures.pop(source, None)
