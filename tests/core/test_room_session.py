"""The room's session: chosen in the presenter view, followed by every door that takes answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from mc2cm import presenter
from mc2cm.presenter import SESSION, room_session, room_vote_store, set_room_session, shared_board
from mc2cm.tallies import post_counts, tag_counts
from mc2cm.votes import APPROVED, HIDDEN, OPEN, SQLiteVoteStore, shared_vote_store
from tests.core.test_ballot_kinds import QUESTIONS, Phone

POLL = QUESTIONS


@pytest.fixture
def votes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "votes.sqlite3"
    monkeypatch.setenv("MC2CM_VOTES_DB", str(path))
    monkeypatch.delenv("MC2CM_SESSION", raising=False)
    presenter._SESSION_MEMO.forget()
    return path


def test_the_configured_session_until_the_presenter_chooses_one(votes: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert room_session() == "default"
    monkeypatch.setenv("MC2CM_SESSION", "tunis-2026")
    assert room_session() == "tunis-2026"  # the memo is per configured default too: no stale value
    assert set_room_session(" Sfax-2027-03 ") == "sfax-2027-03"
    assert room_session() == "sfax-2027-03"
    assert room_vote_store().session == "sfax-2027-03"


def test_a_bad_session_id_is_refused_and_changes_nothing(votes: Path) -> None:
    set_room_session("sfax-2027-03")
    for bad in ("Sfax 2027!", "-start", "a" * 65, ""):
        with pytest.raises(ValueError, match="session id"):
            set_room_session(bad)
    assert room_session() == "sfax-2027-03"


def test_a_value_put_in_the_database_by_hand_falls_back_to_the_default(votes: Path) -> None:
    shared_board().set_setting(SESSION, "not a slug")
    presenter._SESSION_MEMO.forget()
    assert room_session() == "default"


def test_another_process_sees_the_switch_within_the_memo_time(votes: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert room_session() == "default"  # remembered for a second
    other = presenter.SceneBoard(SQLiteVoteStore(votes))  # another app process on the same database
    other.set_setting(SESSION, "sfax-2027-03")
    assert room_session() == "default"  # within the second: a burst of ballots reads nothing more
    monkeypatch.setattr(presenter, "SESSION_TTL_S", 0.0)
    assert room_session() == "sfax-2027-03"


def test_the_ballot_door_answers_into_the_rooms_session(votes: Path) -> None:
    before = shared_vote_store()
    before.set_status(POLL, OPEN)
    set_room_session("sfax-2027-03")
    room_vote_store().set_status(POLL, OPEN)
    phone = Phone()
    phone.open(POLL)
    status, _ = phone.send(POLL, [("action", "post"), ("text", "Who funds the shelters?")])
    assert status == 303
    assert [p.text for p in room_vote_store().posts(POLL)] == ["Who funds the shelters?"]
    # control: the configured session's store, which the door used before, has nothing
    assert before.session == "default"
    assert before.posts(POLL) == []
    assert dict(before.sessions()) == {"sfax-2027-03": 1}


def test_sessions_are_listed_with_their_devices(votes: Path) -> None:
    store = SQLiteVoteStore(votes)
    assert store.sessions() == []
    store.set_status(POLL, OPEN)
    store.add_post(POLL, "phone-1", "One")
    other = store.with_session("sfax-2027-03")
    other.set_status(POLL, OPEN)
    for phone in ("phone-1", "phone-2"):
        other.add_post(POLL, phone, f"From {phone}", default_moderation="post")
    assert dict(store.sessions()) == {"default": 1, "sfax-2027-03": 2}


def test_counts_without_words(votes: Path) -> None:
    store = SQLiteVoteStore(votes)
    store.set_status(POLL, OPEN)
    shown, waiting, hidden = (store.add_post(POLL, f"phone-{i}", f"Question {i}", tag=tag)
                              for i, tag in ((1, "a"), (2, "b"), (3, "a")))
    store.moderate(POLL, shown.id, status=APPROVED, answered=True)
    store.moderate(POLL, hidden.id, status=HIDDEN)
    store.upvote(POLL, shown.id, "phone-9")
    store.upvote(POLL, shown.id, "phone-8")
    counted = post_counts(store.posts(POLL))
    assert (counted.sent, counted.shown, counted.waiting, counted.set_aside, counted.upvotes, counted.answered) == \
        (3, 1, 1, 1, 2, 1)
    assert waiting.status != APPROVED
    # set-aside posts are not counted for a tag; a tag no one chose is 0; one no longer offered is left out
    assert tag_counts(store.posts(POLL), ["a", "b", "c"]) == [("a", 1), ("b", 1), ("c", 0)]
    assert tag_counts(store.posts(POLL), ["b"]) == [("b", 1)]
