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
    at = open_page("pages/present.py", {"lang": "en", "scene": "recommendations"})
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
