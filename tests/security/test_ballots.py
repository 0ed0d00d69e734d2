"""Ballot stuffing, in the app: the limit on new voters per client, and what the facilitator is told."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from mc2cm.voters import NEW_VOTERS, SUSPICIOUS_PER_CLIENT
from mc2cm.votes import OPEN, SQLiteVoteStore

ROOT = Path(__file__).resolve().parents[2]
POLL = "top-three-priorities"


@pytest.fixture
def votes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MC2CM_DATA_DIR", str(ROOT / "data"))
    monkeypatch.setenv("MC2CM_VOTES_DB", str(tmp_path / "votes.sqlite3"))
    monkeypatch.setenv("MC2CM_SECRET", "a test secret of some length")
    monkeypatch.setenv("MC2CM_ADMIN_PASSWORD", "facilitator passphrase")
    store = SQLiteVoteStore(tmp_path / "votes.sqlite3")
    store.set_status(POLL, OPEN)
    return tmp_path / "votes.sqlite3"


def ballot(at_options: list[str] | None = None) -> str:
    """One fresh session (a new websocket: a new voter) answering; what it was told."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params.update({"lang": "en", "poll": POLL})
    at.switch_page("pages/vote.py").run()
    at.multiselect(key="ballot_choices").set_value(at_options or ["priority-pragmatism"])
    at.button[0].click().run()
    if any("saved" in s.value for s in at.success):
        return "saved"
    return "limited" if any("Many new answers" in w.value for w in at.warning) else "?"


def test_fresh_sessions_from_one_client_get_a_burst_then_wait(votes: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(NEW_VOTERS, "clock", lambda: 0.0)  # the burst comes at once; no refill while the test runs
    outcomes = [ballot() for _ in range(12)]
    assert outcomes[:10] == ["saved"] * 10
    assert outcomes[10:] == ["limited", "limited"]
    assert SQLiteVoteStore(votes).voters(POLL) == 10


def facilitator_panel() -> AppTest:
    """/present's poll scene, signed in as the facilitator."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params.update({"lang": "en", "scene": "recommendations", "view": "presenter"})
    at.switch_page("pages/present.py").run()
    at.text_input(key="auth_name").set_value("Lina")
    at.text_input(key="auth_password").set_value("facilitator passphrase")
    return next(b for b in at.button if b.label == "Sign in").click().run()


def test_the_facilitator_is_told_when_one_address_brings_many_ballots(votes: Path) -> None:
    store = SQLiteVoteStore(votes)
    for i in range(SUSPICIOUS_PER_CLIENT):
        store.submit(POLL, f"voter{i}", ["priority-pragmatism"], client="one-address")
    store.submit(POLL, "someone-else", ["priority-pragmatism"], client="another-address")
    warnings = [w.value for w in facilitator_panel().warning]
    assert any(f"{SUSPICIOUS_PER_CLIENT} answers came from one network address" in w for w in warnings), warnings


def test_control_an_ordinary_room_raises_no_warning(votes: Path) -> None:
    store = SQLiteVoteStore(votes)
    for i in range(SUSPICIOUS_PER_CLIENT * 2):
        store.submit(POLL, f"voter{i}", ["priority-pragmatism"], client=f"phone-{i}")
    assert not any("network address" in w.value for w in facilitator_panel().warning)
