"""Published room results on the record pages, and the publish panel behind the facilitator sign-in."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from mc2cm import room_results as rr
from mc2cm import store
from mc2cm.loading import load_dataset
from mc2cm.votes import CLOSED, OPEN, SQLiteVoteStore
from tests.app.support import open_page
from tests.markdown_safety import shown_text

ROOT = Path(__file__).resolve().parents[2]
POLL = "top-three-priorities"


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    target = tmp_path / "data"
    shutil.copytree(ROOT / "data", target, ignore=shutil.ignore_patterns(".history", ".lock"))
    monkeypatch.setenv("MC2CM_DATA_DIR", str(target))
    monkeypatch.setenv("MC2CM_VOTES_DB", str(tmp_path / "votes.sqlite3"))
    return target


def priorities(data_dir: Path) -> list[str]:
    return [value for value, _ in rr.poll_options(load_dataset(data_dir), "priorities", "en")]


def page_text(at: AppTest) -> str:
    return shown_text("\n".join(m.value for m in at.markdown)).replace("\u2068", "").replace("\u2069", "")


EXPECTED = {"en": "Sfax: ranked 1st of 5 by 42 delegates",
            "fr": "Sfax : au 1er rang sur 5, selon 42 délégués",
            "ar": "Sfax: المرتبة 1 من 5 بحسب 42 مندوبًا"}


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_the_record_page_shows_a_published_result_in_its_language(data_dir: Path, lang: str) -> None:
    before = open_page("pages/challenges.py", {"lang": lang})
    assert not before.exception
    assert EXPECTED[lang] not in page_text(before)  # control: nothing is shown before publishing
    data = load_dataset(data_dir)
    first = priorities(data_dir)[0]
    results = rr.PollResults(POLL, "dot_vote", 42, scores=rr.votes_scores(priorities(data_dir), {first: 40}),
                             option_column=rr.subject_column(data.spec, "priorities"))
    rr.publish(data_dir, rr.result_rows(results, rr.Session("sfax-2027-03", "Sfax"), dt.date(2027, 3, 4)),
               "sfax-2027-03", POLL, who="test")
    at = open_page("pages/challenges.py", {"lang": lang})
    assert not at.exception
    assert EXPECTED[lang] in page_text(at)
    assert any("Chatham House" in c.value or "تشاتام" in c.value for c in at.caption)  # marked as room input


def panel(poll_id: str) -> None:
    import streamlit as st  # noqa: PLC0415 - AppTest runs this function as a script of its own

    from components.data import dataset  # noqa: PLC0415
    from components.layout import UI  # noqa: PLC0415
    from components.publishing import publish_panel  # noqa: PLC0415
    from mc2cm.votes import shared_vote_store  # noqa: PLC0415

    st.session_state.setdefault("mc2cm_staff", st.session_state.get("staff_name"))
    publish_panel(poll_id, UI("present", "en", dataset()), shared_vote_store())


def open_panel(staff: str | None) -> AppTest:
    at = AppTest.from_function(panel, args=(POLL,), default_timeout=90)
    if staff:
        at.session_state["staff_name"] = staff
    return at.run()


def answered(data_dir: Path, votes_db: Path, *, close: bool) -> None:
    votes = SQLiteVoteStore(votes_db)
    first, second = priorities(data_dir)[:2]
    votes.set_status(POLL, OPEN)
    for voter, choices in {"v1": [first, second], "v2": [first], "v3": [second]}.items():
        votes.submit(POLL, voter, choices)
    if close:
        votes.set_status(POLL, CLOSED)


def test_publishing_needs_the_sign_in(data_dir: Path) -> None:
    answered(data_dir, data_dir.parent / "votes.sqlite3", close=True)
    at = open_panel(None)
    assert not at.exception
    assert [i.value for i in at.info] == ["Sign in as staff on /manage to publish the results."]
    assert not [b for b in at.button if b.label == "Publish"]


def test_an_open_poll_is_not_published(data_dir: Path) -> None:
    answered(data_dir, data_dir.parent / "votes.sqlite3", close=False)
    at = open_panel("Facilitator")
    assert [i.value for i in at.info] == [
        "Close the poll before publishing: results are published once the room has finished answering."]
    assert not [b for b in at.button if b.label == "Publish"]


def test_a_signed_in_facilitator_previews_then_publishes_through_the_save_path(data_dir: Path) -> None:
    answered(data_dir, data_dir.parent / "votes.sqlite3", close=True)
    at = open_panel("Facilitator")
    assert [w.value for w in at.warning] == [
        "Give a session id of lower-case letters, digits and hyphens, e.g. sfax-2027-03."]
    at.text_input(key=f"room-session-{POLL}").set_value("sfax-2027-03").run()
    at.text_input(key=f"room-session-name-{POLL}").set_value("Sfax").run()
    assert not at.warning
    [preview] = at.dataframe
    assert len(preview.value) == 5
    # the facilitator reads words, not the file's column names ("Value (value)" was shown before)
    assert not [c for c in preview.value.columns if "(" in c or c in ("value", "rank", "n", "measure")]
    [publish] = [b for b in at.button if b.label == "Publish"]
    publish.click().run()
    assert not at.exception
    with (data_dir / "room_results.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["session_id"], r["n"], r["rank"]) for r in rows][:2] == [("sfax-2027-03", "3", "1"), ("sfax-2027-03", "3", "1")]
    [entry] = store.history(data_dir)
    assert (entry.who, entry.table) == ("Facilitator", "room_results")
    assert any("5 rows published to room_results.csv." in s.value for s in at.success)
    # publishing again replaces; the panel says so before the click
    [publish] = [b for b in at.button if b.label == "Publish"]
    assert any("Replaces the 5 rows" in c.value for c in at.caption)
    publish.click().run()
    with (data_dir / "room_results.csv").open(encoding="utf-8", newline="") as fh:
        assert len(list(csv.DictReader(fh))) == 5


def test_a_hostile_idea_or_session_name_is_text_on_the_page(data_dir: Path) -> None:
    from tests.markdown_safety import PAYLOAD, live_markdown  # noqa: PLC0415

    target = priorities(data_dir)[0]
    results = rr.PollResults("ideas-for-the-priorities", "ideas", 4, posts=(rr.KeptPost(PAYLOAD, "en", 3, target),),
                             tag_column="recommendation_id")
    rr.publish(data_dir, rr.result_rows(results, rr.Session("s1", PAYLOAD[:60]), dt.date(2027, 3, 4)),
               "s1", "ideas-for-the-priorities", who="test")
    at = open_page("pages/challenges.py", {"lang": "en"})
    shown = [m.value for m in at.markdown if "idea from the room" in m.value]
    assert shown  # control: the payload reached the page
    assert [live_markdown(body) for body in shown] == [[] for _ in shown]
