"""Facilitator mode: scene navigation, scene URLs, QR codes, the ballot."""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from streamlit.testing.v1 import AppTest

from mc2cm.votes import OPEN, SQLiteVoteStore
from tests.app.support import open_page
from tests.markdown_safety import shown_text

ROOT = Path(__file__).resolve().parents[2]
PUBLIC = "http://10.42.0.1:8501"


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MC2CM_DATA_DIR", str(ROOT / "data"))
    monkeypatch.setenv("MC2CM_PUBLIC_URL", PUBLIC)
    votes = tmp_path / "votes.sqlite3"
    monkeypatch.setenv("MC2CM_VOTES_DB", str(votes))
    return votes



def scene_param(at: AppTest) -> str:
    value = at.query_params.get("scene")
    return value if isinstance(value, str) else value[0]


def test_scene_navigation_forward_and_back(env: Path) -> None:
    at = open_page("pages/present.py", {"lang": "en"})
    assert not at.exception
    assert scene_param(at) == "context-and-participants"
    assert shown_text(at.title[0].value) == "Sfax, 25–26 June 2019: cities and civil society"
    at.button(key="next").click().run()
    assert scene_param(at) == "three-areas-of-work"
    at.button(key="next-page").click().run()  # what a clicker's Page Down triggers
    assert scene_param(at) == "initiatives-on-the-map"
    at.button(key="prev").click().run()
    assert scene_param(at) == "three-areas-of-work"
    at.button(key="prev-page").click().run()
    assert scene_param(at) == "context-and-participants"
    assert at.button(key="prev").disabled


def test_a_scene_url_reopens_that_scene_in_its_language(env: Path) -> None:
    at = open_page("pages/present.py", {"lang": "fr", "scene": "coordination-challenges"})
    assert shown_text(at.title[0].value) == "Cinq grands défis de coordination"
    assert scene_param(at) == "coordination-challenges"
    bad = open_page("pages/present.py", {"lang": "en", "scene": "no-such-scene"})
    assert not bad.exception
    assert scene_param(bad) == "context-and-participants"


@pytest.mark.parametrize(("scene", "front_door", "expected"), [
    ("initiatives-on-the-map", True, f"{PUBLIC}/map?source=sfax-2019-summary"),
    ("recommendations", True, f"{PUBLIC}/ballot?poll=top-three-priorities"),
    ("recommendations", False, f"{PUBLIC}/vote?poll=top-three-priorities"),  # plain `streamlit run app.py`: no /ballot
])
def test_qr_payload_is_the_public_url_of_the_scene(env: Path, monkeypatch: pytest.MonkeyPatch,
                                                    scene: str, front_door: bool, expected: str) -> None:
    if front_door:
        monkeypatch.setenv("MC2CM_FRONT_DOOR", "1")
    at = open_page("pages/present.py", {"lang": "ar", "scene": scene})
    assert not at.exception
    # the QR code is an <img> with a text alternative (st.image writes none): decode its PNG, read its alt
    tags = [m for element in at.get("html") for m in re.findall(r'<img src="data:image/png;base64,([^"]+)"[^>]*alt="([^"]+)"',
                                                                    element.proto.body)]
    images = [base64.b64decode(data) for data, _ in tags]
    assert [alt.endswith(expected) for _, alt in tags] == [True]
    decoded = [r.text for img in images for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(img)))]
    assert decoded == [expected]
    assert any(expected in c.value for c in at.code)  # written beside the code too


def test_a_delegate_answers_and_can_change_the_answer(env: Path) -> None:
    store = SQLiteVoteStore(env)
    store.set_status("top-three-priorities", OPEN)
    at = open_page("pages/vote.py", {"lang": "en", "poll": "top-three-priorities"})
    assert at.header[0].value == "Which three priorities matter most for your city?"
    at.multiselect(key="ballot_choices").set_value(["priority-legal-framework", "priority-pragmatism"])
    at.button[0].click().run()
    assert store.tally("top-three-priorities") == {"priority-legal-framework": 1, "priority-pragmatism": 1}
    at.multiselect(key="ballot_choices").set_value(["priority-pragmatism"])
    at.button[0].click().run()
    assert store.tally("top-three-priorities") == {"priority-pragmatism": 1}
    assert store.voters("top-three-priorities") == 1


def test_a_closed_poll_takes_no_answer(env: Path) -> None:
    at = open_page("pages/vote.py", {"lang": "fr", "poll": "top-three-priorities"})
    assert any("pas ouvert" in i.value for i in at.info)
    assert not at.multiselect


def test_poll_controls_need_sign_in(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MC2CM_ADMIN_PASSWORD", "facilitator passphrase")
    at = open_page("pages/present.py", {"lang": "en", "scene": "recommendations", "view": "presenter"})
    assert not [b for b in at.button if b.key == "open-top-three-priorities"]
    at.text_input(key="auth_name").set_value("Lina")
    at.text_input(key="auth_password").set_value("facilitator passphrase")
    next(b for b in at.button if b.label == "Sign in").click().run()
    at.button(key="open-top-three-priorities").click().run()
    assert SQLiteVoteStore(env).status("top-three-priorities") == OPEN


def test_the_qr_caption_says_whether_the_poll_takes_answers(env: Path) -> None:
    closed = open_page("pages/present.py", {"lang": "en", "scene": "recommendations"})
    assert any("The poll is closed" in c.value for c in closed.caption)
    SQLiteVoteStore(env).set_status("top-three-priorities", OPEN)
    opened = open_page("pages/present.py", {"lang": "en", "scene": "recommendations"})
    assert any(c.value == "Scan to answer" for c in opened.caption)
    assert not any("The poll is closed" in c.value for c in opened.caption)


# --- the projector shows only the scene; the presenter view (issue 16, parts 5 and 6) ---------------------------

NOTE_EN = "Ask the room to scan the code and pick three priorities; results appear here live."


def signed_in_page(page: str, params: dict[str, str]) -> AppTest:
    """A session whose facilitator has signed in (the form itself is driven in test_poll_controls_need_sign_in)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.session_state["mc2cm_staff"] = "Lina"
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page(page)
    return at.run()


def everything_shown(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [h.proto.body for h in at.get("html")]
    return "\n".join(str(p) for p in parts)


def facilitator_things(at: AppTest) -> list[str]:
    """What belongs to the facilitator, found on a page: sign-in fields, poll controls, the scene's notes."""
    found = [f"input:{w.key}" for w in at.text_input if w.key in ("auth_name", "auth_password")]
    found += [f"button:{b.key}" for b in at.button if b.key and b.key.startswith(("open-", "close-", "reset-"))]
    return found + (["notes"] if NOTE_EN in everything_shown(at) else [])


def test_the_projector_shows_only_the_scene_even_to_a_signed_in_facilitator(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MC2CM_ADMIN_PASSWORD", "facilitator passphrase")
    projector = signed_in_page("pages/present.py", {"lang": "en", "scene": "recommendations"})
    assert not projector.exception
    assert facilitator_things(projector) == []
    # its only buttons are the clicker's keys, kept off the slide (a container placed off screen)
    assert {b.key for b in projector.button} == {"prev", "next", "prev-page", "next-page"}
    # control: the same search finds them all where they belong, in the presenter view
    presenter = signed_in_page("pages/present.py", {"lang": "en", "scene": "recommendations", "view": "presenter"})
    assert facilitator_things(presenter) == ["button:open-top-three-priorities", "button:reset-top-three-priorities",
                                             "notes"]


def test_the_presenter_view_needs_sign_in(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MC2CM_ADMIN_PASSWORD", "facilitator passphrase")
    at = open_page("pages/present.py", {"lang": "en", "scene": "recommendations", "view": "presenter"})
    assert not at.exception
    assert facilitator_things(at) == ["input:auth_name", "input:auth_password"]  # the sign-in, never the controls
    assert not [b for b in at.button if b.key and b.key.startswith("presenter-")]


def test_notes_in_french_while_the_projector_speaks_arabic(env: Path) -> None:
    presenter = signed_in_page("pages/present.py", {"lang": "fr", "view": "presenter"})
    presenter.button(key="presenter-next").click().run()
    presenter.button(key="presenter-next").click().run()
    assert scene_param(presenter) == "initiatives-on-the-map"
    shown = everything_shown(presenter)
    assert "La synthèse indique que 10 initiatives ont été présentées" in shown  # the note, in French
    assert "Les pratiques présentées à Sfax" in shown or shown_text(presenter.title[0].value) == "Les pratiques présentées à Sfax"
    assert "Scène suivante" in [shown_text(h.value) for h in presenter.subheader]
    assert "Cinq grands défis de coordination" in shown  # the next scene's title
    projector = open_page("pages/present.py", {"lang": "ar"})  # opened without a scene: the presenter's
    assert scene_param(projector) == "initiatives-on-the-map"
    assert shown_text(projector.title[0].value) == "الممارسات المعروضة في صفاقس"
    assert "يذكر الملخص" not in everything_shown(projector)  # no notes on the projected slide, in any language


def test_the_projector_follows_the_presenter(env: Path) -> None:
    projector = open_page("pages/present.py", {"lang": "ar", "scene": "context-and-participants"})
    presenter = signed_in_page("pages/present.py", {"lang": "fr", "view": "presenter"})
    presenter.button(key="presenter-next").click().run()
    projector.run()  # what the projector's one-second fragment does: ask for the cue
    assert scene_param(projector) == "three-areas-of-work"
    presenter.button(key="presenter-prev").click().run()
    projector.run()
    assert scene_param(projector) == "context-and-participants"


def test_without_following_the_projector_would_stay(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Control of the test above: with the follow fragment gone, the same steps leave the projector behind."""
    from components import present  # noqa: PLC0415

    monkeypatch.setattr(present, "follow_presenter", lambda _scenes: None)
    projector = open_page("pages/present.py", {"lang": "ar", "scene": "context-and-participants"})
    presenter = signed_in_page("pages/present.py", {"lang": "fr", "view": "presenter"})
    presenter.button(key="presenter-next").click().run()
    projector.run()
    assert scene_param(projector) == "context-and-participants"


def test_a_viewer_stepping_alone_is_left_alone_until_the_presenter_moves(env: Path) -> None:
    presenter = signed_in_page("pages/present.py", {"lang": "en", "view": "presenter"})
    projector = open_page("pages/present.py", {"lang": "en"})
    projector.button(key="next").click().run()  # the projector laptop's own clicker: this window only
    assert scene_param(projector) == "three-areas-of-work"
    projector.run()
    assert scene_param(projector) == "three-areas-of-work"  # the cue has not changed: no jump back
    presenter.button(key="presenter-next").click().run()
    presenter.button(key="presenter-next").click().run()
    projector.run()
    assert scene_param(projector) == "initiatives-on-the-map"


@pytest.mark.parametrize(("params", "says"), [
    ({"lang": "en", "view": "speaker"}, "There is no view “speaker”"),
    ({"lang": "fr", "scene": "no-such-scene"}, "Il n'y a pas de scène « no-such-scene »"),
    ({"lang": "ar", "view": "presenter", "scene": "<b>x</b>"}, "لا يوجد مشهد «"),
])
def test_a_wrong_view_or_scene_is_named(env: Path, params: dict[str, str], says: str) -> None:
    opener = signed_in_page if params.get("view") == "presenter" else open_page
    at = opener("pages/present.py", params)
    assert not at.exception
    messages = [m.value for m in (*at.info, *at.warning)]
    assert any(says in shown_text(m) for m in messages), messages
    assert not any("<b>" in m for m in messages)  # escaped
    assert scene_param(at) == "context-and-participants"


def test_the_timer_counts_on_in_the_browser_from_the_shared_start(env: Path) -> None:
    presenter = signed_in_page("pages/present.py", {"lang": "en", "view": "presenter"})
    timers = [m for h in presenter.get("html") for m in re.findall(r'data-testid="mc2cm-timer"[^>]*animation-delay:-(\d+)s',
                                                                    h.proto.body)]
    assert len(timers) == 1
    assert int(timers[0]) < 60  # just started; the browser's CSS animation counts on from here


def two_ballots(env: Path) -> SQLiteVoteStore:
    store = SQLiteVoteStore(env)
    store.set_status("top-three-priorities", OPEN)
    store.submit("top-three-priorities", "phone-1", ["priority-pragmatism"])
    store.submit("top-three-priorities", "phone-2", ["priority-legal-framework"])
    return store


def test_reset_asks_first_and_can_be_undone(env: Path) -> None:
    store = two_ballots(env)
    at = signed_in_page("pages/present.py", {"lang": "fr", "scene": "recommendations", "view": "presenter"})
    at.button(key="reset-top-three-priorities").click().run()
    assert store.voters("top-three-priorities") == 2  # one click wipes nothing: it asks
    assert any("Effacer 2 réponses" in w.value for w in at.warning)
    at.button(key="reset-no-top-three-priorities").click().run()
    assert store.voters("top-three-priorities") == 2
    at.button(key="reset-top-three-priorities").click().run()
    at.button(key="reset-yes-top-three-priorities").click().run()
    assert store.voters("top-three-priorities") == 0
    if not hasattr(store, "undo_reset"):
        pytest.skip("the vote store has no undo_reset yet")
    at.button(key="reset-undo-top-three-priorities").click().run()
    assert store.voters("top-three-priorities") == 2


def test_a_one_click_reset_would_be_caught(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Control of the test above: the old button (one click, no question) fails its first check."""
    from components import polls  # noqa: PLC0415

    def one_click(poll_id: str, store: object, ui: object) -> None:
        import streamlit as st  # noqa: PLC0415

        if st.button("reset", key=f"reset-{poll_id}"):
            store.reset(poll_id)  # type: ignore[attr-defined]

    monkeypatch.setattr(polls, "reset_with_confirmation", one_click)
    store = two_ballots(env)
    at = signed_in_page("pages/present.py", {"lang": "fr", "scene": "recommendations", "view": "presenter"})
    at.button(key="reset-top-three-priorities").click().run()
    assert store.voters("top-three-priorities") == 0  # what the first check of the test above would catch


def test_the_presenter_view_escapes_the_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Notes, titles and the next scene come from data/scenes.csv: markup in them stays text."""
    from tests.markdown_safety import live_on_page, make_markdown_hostile  # noqa: PLC0415

    hostile = make_markdown_hostile(tmp_path / "data")
    monkeypatch.setenv("MC2CM_DATA_DIR", str(hostile))
    scenes = [line.split(",", 1)[0] for line in (hostile / "scenes.csv").read_text(encoding="utf-8").splitlines()[1:]]
    assert scenes
    for scene in scenes:  # a new room each time: the presenter view opens on ?scene= only before the first cue
        monkeypatch.setenv("MC2CM_VOTES_DB", str(tmp_path / f"votes-{scene}.sqlite3"))
        at = signed_in_page("pages/present.py", {"lang": "en", "view": "presenter", "scene": scene})
        assert not at.exception
        assert scene_param(at) == scene
        assert "http://" in everything_shown(at)  # the payload is on the page ...
        assert live_on_page(at) == []  # ... as text


def test_a_room_results_scene_shows_an_earlier_polls_top_ideas_without_a_code(env: Path) -> None:
    """The Claper #225 pattern: ideas come in on one scene, a later scene shows the room's top 5, big,
    with nothing to scan. Only approved ideas show, most upvoted first."""
    from mc2cm.plaintext import escape_markdown  # noqa: PLC0415
    from mc2cm.votes import APPROVED  # noqa: PLC0415

    store = SQLiteVoteStore(env)
    store.set_status("ideas-for-the-priorities", OPEN)
    liked = store.add_post("ideas-for-the-priorities", "phone-1", "A shared migration profile with the CSOs")
    other = store.add_post("ideas-for-the-priorities", "phone-2", "A joint emergency plan")
    pending = store.add_post("ideas-for-the-priorities", "phone-3", "Not yet approved")
    for post in (liked, other):
        store.moderate("ideas-for-the-priorities", post.id, status=APPROVED)
    for phone in ("phone-2", "phone-3", "phone-4"):
        store.upvote("ideas-for-the-priorities", liked.id, phone)
    at = open_page("pages/present.py", {"lang": "en", "scene": "room-top-ideas"})
    assert not at.exception
    shown = everything_shown(at)
    assert [t.value for t in at.title] == [escape_markdown("The room's top 5 ideas")]
    assert shown.index(liked.text) < shown.index(other.text)
    assert pending.text not in shown
    assert not [m for element in at.get("html") for m in re.findall(r'data-testid="mc2cm-qr"', element.proto.body)]
    # control: the scene that takes the ideas shows its code
    voting = open_page("pages/present.py", {"lang": "en", "scene": "ideas-for-the-priorities"})
    assert [m for element in voting.get("html") for m in re.findall(r'data-testid="mc2cm-qr"', element.proto.body)]
