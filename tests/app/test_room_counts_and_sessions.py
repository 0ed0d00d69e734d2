"""The projector's word-free counts scene, and the presenter's session picker (issue 16)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from mc2cm import presenter
from mc2cm.presenter import room_session
from mc2cm.votes import APPROVED, HIDDEN, OPEN, SQLiteVoteStore
from tests.app.support import open_page
from tests.app.test_present import everything_shown, signed_in_page

ROOT = Path(__file__).resolve().parents[2]
QUESTIONS, IDEAS = "questions-to-the-panel", "ideas-for-the-priorities"
WORDS = ("Who funds the shelters?", "Not reviewed yet: a name, perhaps", "Set aside: off topic")


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MC2CM_DATA_DIR", str(ROOT / "data"))
    monkeypatch.setenv("MC2CM_PUBLIC_URL", "http://10.42.0.1:8501")
    monkeypatch.delenv("MC2CM_SESSION", raising=False)
    votes = tmp_path / "votes.sqlite3"
    monkeypatch.setenv("MC2CM_VOTES_DB", str(votes))
    presenter._SESSION_MEMO.forget()
    return votes


def seed(store: SQLiteVoteStore) -> None:
    store.set_status(QUESTIONS, OPEN)
    shown, _, hidden = (store.add_post(QUESTIONS, f"phone-{i}", text) for i, text in enumerate(WORDS, 1))
    store.moderate(QUESTIONS, shown.id, status=APPROVED)
    store.moderate(QUESTIONS, hidden.id, status=HIDDEN)
    for phone in ("phone-7", "phone-8"):
        store.upvote(QUESTIONS, shown.id, phone)


def counts_scene(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, scene: str, poll: str) -> None:
    """A copy of the data whose deck ends with a room_counts scene of ``poll``."""
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    with (data / "scenes.csv").open("a", encoding="utf-8") as scenes:
        scenes.write(f"{scene},15,room_counts,,,{poll},In numbers,En chiffres,بالأرقام,,,\n")
    monkeypatch.setenv("MC2CM_DATA_DIR", str(data))


def figures(at: AppTest) -> dict[str, str]:
    """The key figures on the slide: what each counts → the figure."""
    return {name: value for element in at.get("html")
            for name, value in re.findall(r"<dt>([^<]*)</dt><dd>([^<]*)</dd>", element.proto.body)}


@pytest.mark.parametrize(("lang", "names"), [
    ("en", ("Questions sent", "On screen after review", "Awaiting review", "Set aside", "Upvotes")),
    ("fr", ("Questions envoyées", "Affichées après relecture", "En attente de relecture", "Écartées", "Soutiens")),
    ("ar", ("الأسئلة المرسلة", "المعروضة بعد المراجعة", "بانتظار المراجعة", "المستبعدة", "التأييدات")),
])
def test_the_counts_scene_shows_figures_and_none_of_the_words(env: Path, lang: str, names: tuple[str, ...]) -> None:
    seed(SQLiteVoteStore(env))
    at = open_page("pages/present.py", {"lang": lang, "scene": "questions-in-numbers"})
    assert not at.exception
    assert figures(at) == dict(zip(names, ("3", "1", "1", "1", "2"), strict=True))  # 3 sent = 1 + 1 + 1
    shown = everything_shown(at)
    assert [w for w in WORDS if w in shown] == []
    assert 'data-testid="mc2cm-qr"' in shown  # the room can still answer: its code stays
    # control: the questions scene, on the same answers, does show the approved question's words
    words = everything_shown(open_page("pages/present.py", {"lang": lang, "scene": QUESTIONS}))
    assert [w for w in WORDS if w in words] == [WORDS[0]]


def test_ideas_are_counted_by_what_they_are_tied_to(env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    counts_scene(tmp_path, monkeypatch, "ideas-in-numbers", IDEAS)
    store = SQLiteVoteStore(env)
    store.set_status(IDEAS, OPEN)
    for phone, tag in (("p1", "priority-legal-framework"), ("p2", "priority-legal-framework"),
                       ("p3", "priority-pragmatism"), ("p4", "")):
        store.add_post(IDEAS, phone, f"An idea from {phone}", tag=tag)
    at = open_page("pages/present.py", {"lang": "en", "scene": "ideas-in-numbers"})
    assert not at.exception
    assert figures(at)["Ideas sent"] == "4"
    [listing] = [h.proto.body for h in at.get("html") if 'data-testid="mc2cm-tag-counts"' in h.proto.body]
    counted = re.findall(r"<li><strong>(\d+)</strong><span>([^<]*)</span></li>", listing)
    assert len(counted) == 5  # every priority, in the deck's order, those no idea chose with 0
    assert counted[0][0] == "2"
    assert ("1", next(name for n, name in counted if "ragmati" in name)) in counted
    assert sum(int(n) for n, _ in counted) == 3  # the untied idea is in "sent", not under a priority
    assert "An idea from" not in everything_shown(at)


def test_the_presenter_switches_the_rooms_session_and_everything_follows(env: Path) -> None:
    seed(SQLiteVoteStore(env))
    at = signed_in_page("pages/present.py", {"lang": "en", "view": "presenter", "scene": "questions-in-numbers"})
    assert not at.exception
    assert "Answers go to session <strong dir=\"auto\">default</strong>" in everything_shown(at)
    at.text_input(key="presenter-session-new-default").input("Sfax 2027!")
    at.button(key="FormSubmitter:presenter-session-Switch the room to this session").click().run()
    assert [w.value for w in at.warning] == ["A session id is lower-case letters, digits and hyphens, e.g. sfax-2027-03."]
    assert room_session() == "default"
    assert at.text_input(key="presenter-session-new-default").value == "Sfax 2027!"  # the typing kept, to correct
    at.text_input(key="presenter-session-new-default").input("sfax-2027-03")
    at.button(key="FormSubmitter:presenter-session-Switch the room to this session").click().run()
    assert not at.exception
    assert room_session() == "sfax-2027-03"
    switched = "Answers now go to session sfax-2027-03. The answers of session default are kept."
    assert f"{switched} Its polls start closed: open each one when its scene comes." in [s.value for s in at.success]
    assert at.text_input(key="presenter-session-new-sfax-2027-03").value == ""  # a fresh box for the next switch
    # the projector counts the new session's answers: none yet
    projector = open_page("pages/present.py", {"lang": "en", "scene": "questions-in-numbers"})
    assert figures(projector)["Questions sent"] == "0"
    # and back to the earlier session, picked from the list of sessions with answers
    at.selectbox(key="presenter-session-existing-sfax-2027-03").select("default")
    at.button(key="FormSubmitter:presenter-session-Switch the room to this session").click().run()
    assert room_session() == "default"
    assert figures(open_page("pages/present.py", {"lang": "en", "scene": "questions-in-numbers"}))["Questions sent"] == "3"


def test_the_session_picker_is_for_the_signed_in_presenter_only(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MC2CM_ADMIN_PASSWORD", "facilitator passphrase")
    at = open_page("pages/present.py", {"lang": "en", "view": "presenter"})
    assert not at.exception
    assert not [w for w in at.text_input if str(w.key).startswith("presenter-session-new")]
    projector = signed_in_page("pages/present.py", {"lang": "en", "scene": "questions-in-numbers"})
    assert not [w for w in projector.text_input if str(w.key).startswith("presenter-session-new")]
    # control: the same search finds it in the signed-in presenter view
    presenter_view = signed_in_page("pages/present.py", {"lang": "en", "view": "presenter"})
    assert [w.key for w in presenter_view.text_input if str(w.key).startswith("presenter-session-new")] == \
        ["presenter-session-new-default"]


def test_other_kinds_are_counted_by_the_phones_that_answered(env: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    counts_scene(tmp_path, monkeypatch, "ranking-in-numbers", "rank-the-priorities")
    store = SQLiteVoteStore(env)
    store.set_status("rank-the-priorities", OPEN)
    for phone in ("p1", "p2", "p3"):
        store.submit("rank-the-priorities", phone, ["priority-pragmatism", "priority-legal-framework"])
    at = open_page("pages/present.py", {"lang": "ar", "scene": "ranking-in-numbers"})
    assert not at.exception
    assert figures(at) == {"الهواتف التي أجابت": "3"}
