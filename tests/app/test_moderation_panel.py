"""The facilitator's moderation list refreshes itself (a fragment with ``run_every``); its buttons act by post id.

AppTest runs the whole script on each ``run()``: the refresh itself is checked in a real browser
(tests/browser/test_moderation_refresh.py). Here: the interval and its switch, the buttons' callbacks
(the right post, a target state rather than a toggle), the "new since your last click" cue and escaping.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components import moderation
from mc2cm.bidi import strip_isolates
from mc2cm.votes import APPROVED, HIDDEN, OPEN, PENDING, SQLiteVoteStore
from tests.markdown_safety import EVIL, PAYLOAD, live_markdown, shown_text

ROOT = Path(__file__).resolve().parents[2]
QUESTIONS = "questions-to-the-panel"


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> SQLiteVoteStore:
    monkeypatch.setenv("MC2CM_DATA_DIR", str(ROOT / "data"))
    monkeypatch.setenv("MC2CM_VOTES_DB", str(tmp_path / "votes.sqlite3"))
    monkeypatch.delenv("MC2CM_SESSION", raising=False)
    made = SQLiteVoteStore(tmp_path / "votes.sqlite3")
    made.set_status(QUESTIONS, OPEN)
    return made


def panel_script() -> None:
    import streamlit as st  # noqa: PLC0415 - AppTest runs this function's body as a script

    from components.data import dataset  # noqa: PLC0415
    from components.layout import UI  # noqa: PLC0415
    from components.moderation import moderation_panel  # noqa: PLC0415

    moderation_panel(str(st.query_params.get("poll")), UI("present", str(st.query_params.get("lang")), dataset()))


def list_script() -> None:
    """The fragment's body alone, as a refresh runs it (a full run of the panel marks everything seen)."""
    import streamlit as st  # noqa: PLC0415

    from components.data import dataset  # noqa: PLC0415
    from components.layout import UI  # noqa: PLC0415
    from components.moderation import _post_list  # noqa: PLC0415
    from mc2cm.presenter import room_vote_store  # noqa: PLC0415

    _post_list(str(st.query_params.get("poll")), UI("present", str(st.query_params.get("lang")), dataset()),
               room_vote_store(), {})


def opened(script, lang: str = "en", **state: object) -> AppTest:  # type: ignore[no-untyped-def]
    at = AppTest.from_function(script, default_timeout=60)
    at.session_state["mc2cm_staff"] = "Lina"
    for key, value in state.items():
        at.session_state[key] = value
    at.query_params["poll"], at.query_params["lang"] = QUESTIONS, lang
    return at.run()


@pytest.mark.parametrize(("raw", "seconds"), [(None, 3.0), ("", 3.0), ("5", 5.0), ("2.5", 2.5), ("0", None),
                                               ("-1", None), ("0.01", 1.0), ("soon", 3.0), ("inf", 3.0), ("nan", 3.0)])
def test_the_refresh_interval_and_its_switch(raw: str | None, seconds: float | None,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    if raw is None:
        monkeypatch.delenv(moderation.REFRESH_ENV, raising=False)
    else:
        monkeypatch.setenv(moderation.REFRESH_ENV, raw)
    assert moderation.refresh_seconds() == seconds
    assert moderation.MODERATION_REFRESH_S == 3.0


def test_the_list_is_a_fragment_with_the_interval(store: SQLiteVoteStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """The panel asks Streamlit for a fragment refreshed every ``refresh_seconds()``; none when switched off."""
    import streamlit as st  # noqa: PLC0415

    asked: list[object] = []
    real = st.fragment

    def spy(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        asked.append(kwargs.get("run_every"))
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(st, "fragment", spy)
    store.add_post(QUESTIONS, "phone-1", "What budget?")
    monkeypatch.setenv(moderation.REFRESH_ENV, "4")
    assert not opened(panel_script).exception
    monkeypatch.setenv(moderation.REFRESH_ENV, "0")
    assert not opened(panel_script).exception
    assert asked == [4.0, None]


def test_each_button_acts_on_its_own_post(store: SQLiteVoteStore) -> None:
    first = store.add_post(QUESTIONS, "phone-1", "First question")
    second = store.add_post(QUESTIONS, "phone-2", "Second question")
    at = opened(panel_script)
    assert not at.exception
    at.button(key=f"mod-{QUESTIONS}-{second.id}-approve").click().run()
    assert {p.id: p.status for p in store.posts(QUESTIONS)} == {first.id: PENDING, second.id: APPROVED}
    # the approved one moved below the pending one: the keys follow the post, not the place
    assert [b.key for b in at.button if b.key and b.key.endswith("-hide")] == \
        [f"mod-{QUESTIONS}-{first.id}-hide", f"mod-{QUESTIONS}-{second.id}-hide"]
    at.button(key=f"mod-{QUESTIONS}-{first.id}-hide").click().run()
    assert {p.id: p.status for p in store.posts(QUESTIONS)} == {first.id: HIDDEN, second.id: APPROVED}


def test_a_button_asks_for_a_state_not_a_toggle(store: SQLiteVoteStore) -> None:
    """A click given twice (a retried gesture, a second facilitator) pins once; it does not unpin."""
    post = store.add_post(QUESTIONS, "phone-1", "What budget?")
    store.moderate(QUESTIONS, post.id, status=APPROVED)
    at = opened(panel_script)
    pin = f"mod-{QUESTIONS}-{post.id}-pin"
    store.moderate(QUESTIONS, post.id, pinned=True)  # pinned elsewhere after this page drew its "Pin" button
    at.button(key=pin).click().run()
    assert store.posts(QUESTIONS)[0].pinned
    assert at.button(key=pin).label == "Unpin"
    at.button(key=pin).click().run()
    assert not store.posts(QUESTIONS)[0].pinned


def test_a_post_gone_meanwhile_is_no_error(store: SQLiteVoteStore) -> None:
    post = store.add_post(QUESTIONS, "phone-1", "What budget?")
    at = opened(panel_script)
    store.reset(QUESTIONS)  # cleared from the presenter's other window
    at.button(key=f"mod-{QUESTIONS}-{post.id}-approve").click().run()
    assert not at.exception
    assert not [b for b in at.button if b.key and b.key.startswith("mod-")]


@pytest.mark.parametrize(("lang", "cue", "badge"), [("en", "1 new since your last click", "New"),
                                                    ("fr", "1 nouvelle depuis votre dernier clic", "Nouvelle"),
                                                    ("ar", "مشاركة جديدة واحدة منذ نقرتك الأخيرة", "جديدة")])
def test_a_refresh_marks_what_came_in_since_the_last_click(store: SQLiteVoteStore, lang: str, cue: str,
                                                           badge: str) -> None:
    old = store.add_post(QUESTIONS, "phone-1", "Seen already")
    store.add_post(QUESTIONS, "phone-2", "Just in")
    at = opened(list_script, lang, **{f"moderation-seen-{QUESTIONS}": frozenset({old.id})})
    assert not at.exception
    counts, seen_row, new_row = (c.value for c in at.caption)  # the counts, then one line per post, oldest first
    assert cue in counts
    assert badge in new_row.split(" · ")
    assert badge not in seen_row.split(" · ")
    assert [strip_isolates(m.value) for m in at.markdown][-2:] == ["Seen already", "Just in"]


def test_control_a_full_run_marks_everything_seen(store: SQLiteVoteStore) -> None:
    """Control of the cue above: after a full run of the panel (or a click) nothing is new."""
    store.add_post(QUESTIONS, "phone-1", "Seen already")
    at = opened(panel_script, **{f"moderation-seen-{QUESTIONS}": frozenset()})
    assert not [c.value for c in at.caption if "new since" in c.value or c.value.startswith("New")]
    assert len(at.session_state[f"moderation-seen-{QUESTIONS}"]) == 1


def test_posts_stay_text(store: SQLiteVoteStore) -> None:
    """A delegate's words are untrusted: no link, image, maths or directive comes alive in the list."""
    store.add_post(QUESTIONS, "phone-1", f"{PAYLOAD}\n\n**bold** <script>alert(1)</script>")
    at = opened(panel_script)
    assert not at.exception
    [shown] = [m.value for m in at.markdown if EVIL in shown_text(m.value)]
    assert live_markdown(shown) == []
    assert "<script>" in shown_text(shown)  # shown as the words it is
