"""The sign-in brake and the client address, without Streamlit."""

from __future__ import annotations

import threading

import pytest

from mc2cm.auth import SignInBrake, clean_name, client_address, trusted_proxies


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def brake(**options: float) -> tuple[SignInBrake, Clock]:
    clock = Clock()
    return SignInBrake(clock=clock, **options), clock  # type: ignore[arg-type]


def test_a_wrong_password_makes_the_client_wait_and_waiting_attempts_are_not_checked() -> None:
    b, clock = brake(free=0)
    checks: list[str] = []

    def wrong() -> bool:
        checks.append("x")
        return False

    first = b.attempt("10.0.0.1", "amina", wrong)
    assert (first.accepted, first.checked, first.wait) == (False, True, 1.0)
    refused = b.attempt("10.0.0.1", "amina", lambda: True)  # even the right password waits its turn
    assert (refused.accepted, refused.checked) == (False, False)
    assert len(checks) == 1
    clock.now += 1.0
    second = b.attempt("10.0.0.1", "amina", wrong)
    assert second.wait == 2.0  # doubles
    clock.now += 2.0
    assert b.attempt("10.0.0.1", "amina", lambda: True).accepted


def test_a_right_password_is_never_delayed_and_clears_the_record() -> None:
    b, _ = brake()
    verdict = b.attempt("10.0.0.1", "amina", lambda: True)
    assert (verdict.accepted, verdict.wait) == (True, 0.0)
    for _ in range(2):  # two typos are free
        assert b.attempt("10.0.0.1", "amina", lambda: False).wait == 0.0
    assert b.attempt("10.0.0.1", "amina", lambda: True).accepted
    assert b.attempt("10.0.0.1", "amina", lambda: False).wait == 0.0  # the success reset it


def test_other_clients_are_not_held_up_by_one_clients_failures_but_the_account_is() -> None:
    b, _ = brake(free=0)
    b.attempt("10.0.0.1", "amina", lambda: False)
    assert b.attempt("10.0.0.2", "karim", lambda: True).accepted
    assert not b.attempt("10.0.0.3", "AMINA", lambda: True).checked  # the account named waits too


def test_a_global_ceiling_bounds_guesses_from_many_clients() -> None:
    b, clock = brake(free=0, ceiling=5, window=60.0)
    verdicts = [b.attempt(f"10.0.1.{i}", f"user{i}", lambda: False) for i in range(20)]
    assert sum(v.checked for v in verdicts) == 5
    clock.now += 61
    assert b.attempt("10.0.2.1", "someone", lambda: True).accepted


def test_parallel_sessions_of_one_client_get_one_check_between_waits() -> None:
    b, _ = brake(free=0)
    barrier = threading.Barrier(20)
    verdicts = []

    def guess() -> None:
        barrier.wait()
        verdicts.append(b.attempt("127.0.0.1", "amina", lambda: False))

    threads = [threading.Thread(target=guess) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(v.checked for v in verdicts) == 1
    assert b.checked_count == 1


def test_control_without_serialising_parallel_guesses_all_get_checked() -> None:
    """The control: a brake that looks and writes without the lock lets parallel guesses through."""

    class Unlocked:
        def __enter__(self) -> None: ...
        def __exit__(self, *args: object) -> None: ...

    b, _ = brake(free=0)
    b._lock = Unlocked()  # type: ignore[assignment]
    barrier = threading.Barrier(10)
    checked = []

    def slow_wrong() -> bool:
        barrier.wait()  # every guess is inside the check at once, as with real parallel sessions
        return False

    def guess() -> None:
        checked.append(b.attempt("127.0.0.1", "amina", slow_wrong).checked)

    threads = [threading.Thread(target=guess) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(checked) == 10


@pytest.mark.parametrize(("peer", "forwarded", "expected"), [
    (None, None, "127.0.0.1"),                               # loopback, no proxy
    (None, "203.0.113.7", "203.0.113.7"),                     # nginx on loopback names the client
    (None, "198.51.100.1, 203.0.113.7", "203.0.113.7"),       # the client cannot prepend a fake hop
    ("203.0.113.9", "198.51.100.1", "203.0.113.9"),           # an untrusted peer's header is ignored
    (None, "not-an-address", "127.0.0.1"),
    ("192.168.1.20", None, "192.168.1.20"),
])
def test_client_address_honours_forwarded_for_only_from_trusted_proxies(
        peer: str | None, forwarded: str | None, expected: str) -> None:
    assert client_address(peer, forwarded, trusted_proxies("127.0.0.0/8,::1")) == expected


def test_a_configured_proxy_network_is_followed_hop_by_hop() -> None:
    trusted = trusted_proxies("127.0.0.1, 10.0.0.0/8, nonsense")
    assert client_address(None, "203.0.113.7, 10.1.2.3", trusted) == "203.0.113.7"


def test_names_lose_characters_that_reorder_text() -> None:
    assert clean_name("\u202eevil\u202c") == "evil"
    assert clean_name("  Amina\u2066 \u2069 B.\n") == "Amina B."
    assert clean_name("أمينة") == "أمينة"
