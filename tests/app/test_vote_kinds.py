"""/vote for every kind of poll, in three languages, and the facilitator's moderation panel (AppTest)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from mc2cm.votes import APPROVED, HIDDEN, OPEN, PENDING, POST, SQLiteVoteStore
from tests.app.support import open_page
from tests.markdown_safety import shown_text

ROOT = Path(__file__).resolve().parents[2]
RANKING, RATING, QUESTIONS, IDEAS = ("rank-the-priorities", "rate-the-key-messages", "questions-to-the-panel",
                                     "ideas-for-the-priorities")
PRIORITIES = ["priority-legal-framework", "priority-coordination-partnerships", "priority-capacity-building",
              "priority-host-communities-vulnerable-groups", "priority-pragmatism"]
LANGS = ["en", "fr", "ar"]
CHATHAM = {"en": "Chatham House rule", "fr": "règle de Chatham House", "ar": "قاعدة تشاتام هاوس"}
SAVED = {"en": "Your answer is saved", "fr": "Votre réponse est enregistrée", "ar": "تم حفظ إجابتك"}


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> SQLiteVoteStore:
    monkeypatch.setenv("MC2CM_DATA_DIR", str(ROOT / "data"))
    monkeypatch.setenv("MC2CM_VOTES_DB", str(tmp_path / "votes.sqlite3"))
    monkeypatch.delenv("MC2CM_SESSION", raising=False)
    made = SQLiteVoteStore(tmp_path / "votes.sqlite3")
    for poll in (RANKING, RATING, QUESTIONS, IDEAS):
        made.set_status(poll, OPEN)
    return made


def submit(at: AppTest) -> AppTest:
    return next(b for b in at.button if b.proto.is_form_submitter).click().run()


def texts(at: AppTest) -> str:
    return " ".join([*(m.value for m in at.markdown), *(s.value for s in at.success), *(w.value for w in at.warning),
                     *(i.value for i in at.info), *(c.value for c in at.caption)])


@pytest.mark.parametrize("lang", LANGS)
def test_a_ranking_on_vote(store: SQLiteVoteStore, lang: str) -> None:
    at = open_page("pages/vote.py", {"lang": lang, "poll": RANKING})
    assert not at.exception
    for place, option in enumerate(reversed(PRIORITIES), start=1):
        at.selectbox(key=f"rank-{option}").set_value(place)
    submit(at)
    assert not at.exception
    assert [c for _, c, _ in store.ballots(RANKING)] == [tuple(reversed(PRIORITIES))]
    assert SAVED[lang] in texts(at)
    at.selectbox(key=f"rank-{PRIORITIES[0]}").set_value(2)  # place 2 twice, place 1 not at all
    submit(at)
    assert "2" in texts(at)
    assert len(at.warning) == 1
    assert [c for _, c, _ in store.ballots(RANKING)] == [tuple(reversed(PRIORITIES))]  # unchanged


@pytest.mark.parametrize("lang", LANGS)
def test_a_rating_on_vote(store: SQLiteVoteStore, lang: str) -> None:
    at = open_page("pages/vote.py", {"lang": lang, "poll": RATING})
    assert not at.exception
    at.radio(key="score-key-message-1-legal-frameworks").set_value(5)
    at.radio(key="score-key-message-3-service-delivery").set_value(2)
    submit(at)
    assert store.all_scores(RATING) == [{"key-message-1-legal-frameworks": 5, "key-message-3-service-delivery": 2}]
    at.radio(key="score-key-message-1-legal-frameworks").set_value(4)
    submit(at)
    assert store.all_scores(RATING) == [{"key-message-1-legal-frameworks": 4, "key-message-3-service-delivery": 2}]


@pytest.mark.parametrize("lang", LANGS)
def test_a_question_on_vote_waits_then_is_upvoted_once(store: SQLiteVoteStore, lang: str) -> None:
    at = open_page("pages/vote.py", {"lang": lang, "poll": QUESTIONS})
    assert not at.exception
    assert CHATHAM[lang] in texts(at)
    at.text_area(key="post_text").input("*Who* funds <b>this</b>?")
    submit(at)
    [post] = store.posts(QUESTIONS)
    assert (post.text, post.status) == ("*Who* funds <b>this</b>?", PENDING)
    assert at.text_area(key="post_text").value in ("", None)  # an empty box for the next one
    store.moderate(QUESTIONS, post.id, status=APPROVED)
    at.run()
    assert any(shown_text(m.value) == "*Who* funds <b>this</b>?" for m in at.markdown)  # shown as typed, not as markup
    at.button(key=f"up-{post.id}").click().run()
    assert store.posts(QUESTIONS)[0].upvotes == 1
    at.button(key=f"up-{post.id}").click().run()  # the same button now takes it back
    assert store.posts(QUESTIONS)[0].upvotes == 0


@pytest.mark.parametrize("lang", LANGS)
def test_an_idea_on_vote_with_a_tag(store: SQLiteVoteStore, lang: str) -> None:
    store.set_moderation(IDEAS, POST)
    at = open_page("pages/vote.py", {"lang": lang, "poll": IDEAS})
    at.text_area(key="post_text").input("A single desk for newcomers")
    at.selectbox(key="post_tag").set_value("priority-pragmatism")
    submit(at)
    [post] = store.posts(IDEAS)
    assert (post.tag, post.status) == ("priority-pragmatism", APPROVED)
    assert not at.exception


def test_a_too_long_or_rate_limited_post_gets_a_message(store: SQLiteVoteStore) -> None:
    at = open_page("pages/vote.py", {"lang": "en", "poll": QUESTIONS})
    for i in range(3):
        at.text_area(key="post_text").input(f"Question {i}")
        submit(at)
    at.text_area(key="post_text").input("A fourth")
    submit(at)
    assert any("You can send another in 5 minutes." in w.value for w in at.warning)
    assert len(store.posts(QUESTIONS)) == 3


def moderation_script() -> None:
    import streamlit as st  # noqa: PLC0415 - AppTest runs this function's body as a script

    from components.data import dataset  # noqa: PLC0415
    from components.layout import UI  # noqa: PLC0415
    from components.moderation import moderation_panel  # noqa: PLC0415

    moderation_panel(str(st.query_params.get("poll")), UI("present", str(st.query_params.get("lang")), dataset()))


def moderation(lang: str, *, signed_in: bool = True) -> AppTest:
    at = AppTest.from_function(moderation_script, default_timeout=60)
    if signed_in:
        at.session_state["mc2cm_staff"] = "Lina"
    at.query_params["poll"], at.query_params["lang"] = QUESTIONS, lang
    return at.run()


@pytest.mark.parametrize("lang", LANGS)
def test_moderation_approves_hides_restores_pins_and_answers(store: SQLiteVoteStore, lang: str) -> None:
    post = store.add_post(QUESTIONS, "phone-1", "What budget?")
    at = moderation(lang)
    assert not at.exception
    at.button(key=f"mod-{QUESTIONS}-{post.id}-approve").click().run()
    assert store.posts(QUESTIONS)[0].status == APPROVED
    at.button(key=f"mod-{QUESTIONS}-{post.id}-pin").click().run()
    at.button(key=f"mod-{QUESTIONS}-{post.id}-answered").click().run()
    [seen] = store.posts(QUESTIONS)
    assert (seen.pinned, seen.answered) == (True, True)
    at.button(key=f"mod-{QUESTIONS}-{post.id}-hide").click().run()
    assert store.posts(QUESTIONS)[0].status == HIDDEN
    at.button(key=f"mod-{QUESTIONS}-{post.id}-approve").click().run()  # restore
    assert store.posts(QUESTIONS)[0].status == APPROVED


def test_moderation_switches_to_post_moderation_and_back(store: SQLiteVoteStore) -> None:
    at = moderation("en")
    [switch] = at.radio
    assert switch.value == "pre"
    switch.set_value("post").run()
    assert store.moderation(QUESTIONS) == POST
    assert store.add_post(QUESTIONS, "phone-1", "Shown at once").status == APPROVED


def test_moderation_needs_the_sign_in(store: SQLiteVoteStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MC2CM_ADMIN_PASSWORD", "facilitator passphrase")
    post = store.add_post(QUESTIONS, "phone-1", "What budget?")
    at = moderation("en", signed_in=False)
    assert not [b for b in at.button if b.key and b.key.startswith("mod-")]
    assert [w.key for w in at.text_input] == ["auth_name", "auth_password"]
    assert "What budget?" not in texts(at)
    del post


def test_control_signed_in_the_same_page_shows_the_buttons(store: SQLiteVoteStore) -> None:
    """Control for the test above: the buttons it looks for are there once signed in."""
    store.add_post(QUESTIONS, "phone-1", "What budget?")
    assert [b for b in moderation("en").button if b.key and b.key.startswith("mod-")]


def results_script() -> None:
    import streamlit as st  # noqa: PLC0415 - AppTest runs this function's body as a script

    from components.data import dataset  # noqa: PLC0415
    from components.layout import UI  # noqa: PLC0415
    from components.polls import live_results  # noqa: PLC0415

    live_results(str(st.query_params.get("poll")), UI("present", str(st.query_params.get("lang")), dataset()))


def projector(poll: str, lang: str) -> AppTest:
    at = AppTest.from_function(results_script, default_timeout=60)
    at.query_params["poll"], at.query_params["lang"] = poll, lang
    return at.run()


@pytest.mark.parametrize("lang", LANGS)
def test_the_projector_shows_a_ranking_chart_with_its_text_alternative(store: SQLiteVoteStore, lang: str) -> None:
    store.submit(RANKING, "phone-1", PRIORITIES)
    store.submit(RANKING, "phone-2", [PRIORITIES[1], PRIORITIES[0], *PRIORITIES[2:]])
    store.submit(RANKING, "phone-3", PRIORITIES)
    at = projector(RANKING, lang)
    assert not at.exception
    assert len(at.get("plotly_chart")) == 1
    summary = " ".join(c.value for c in at.caption)
    first = {"en": "Ranked first by the room", "fr": "Classée première par la salle", "ar": "في المرتبة الأولى"}[lang]
    assert first in summary
    assert {"en": "Legal framework", "fr": "Cadre juridique", "ar": "الإطار القانوني"}[lang] in summary


def test_the_projector_shows_a_rating_chart(store: SQLiteVoteStore) -> None:
    store.submit_scores(RATING, "phone-1", {"key-message-2-information-sharing": 5})
    at = projector(RATING, "en")
    assert not at.exception
    assert "Highest mean score: \u2068CSOs as key players in information sharing\u2069 (5)." in \
        shown_text(" ".join(c.value for c in at.caption))


def test_the_projector_shows_the_top_questions_escaped(store: SQLiteVoteStore) -> None:
    store.set_moderation(QUESTIONS, POST)
    low = store.add_post(QUESTIONS, "phone-1", "<img src=x onerror=alert(1)> low\n\n![p](http://evil.example/p.png)")
    top = store.add_post(QUESTIONS, "phone-2", "Top question")
    hidden = store.add_post(QUESTIONS, "phone-3", "Hidden one")
    store.upvote(QUESTIONS, top.id, "phone-4")
    store.moderate(QUESTIONS, hidden.id, status=HIDDEN)
    at = projector(QUESTIONS, "en")
    assert not [m.value for m in at.markdown if "evil.example" in m.value]  # a blank line in a post is no way out
    [listing] = [h.proto.body for h in at.get("html") if "mc2cm-top-posts" in h.proto.body]
    assert listing.index("Top question") < listing.index("low")
    assert "Hidden one" not in listing
    assert "&lt;img src=x onerror=alert(1)&gt; low" in listing
    assert "<img" not in listing
    assert "1 upvote" in listing
    del low


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_every_word_of_the_new_kinds_comes_from_a_catalog(store: SQLiteVoteStore, lang: str,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Under the pseudo-locale, /vote for each new kind, the projector and the moderation panel show no hard-coded word."""
    import streamlit as st  # noqa: PLC0415

    from tests.app.test_pseudo_locale import words_outside_catalogs  # noqa: PLC0415

    monkeypatch.setenv("MC2CM_PSEUDO", "1")
    st.cache_data.clear()
    store.set_moderation(IDEAS, POST)
    store.add_post(IDEAS, "phone-1", "2027", tag="priority-pragmatism")  # a delegate's words are no interface
    store.submit(RANKING, "phone-1", PRIORITIES)
    store.submit_scores(RATING, "phone-1", {"key-message-1-legal-frameworks": 3})
    store.add_post(QUESTIONS, "phone-2", "1 2 3 ?")
    views = {poll: open_page("pages/vote.py", {"lang": lang, "poll": poll}) for poll in (RANKING, RATING, QUESTIONS, IDEAS)}
    views |= {f"projector-{poll}": projector(poll, lang) for poll in (RANKING, RATING, IDEAS)}
    views["moderation"] = moderation(lang)
    try:
        assert {name: words_outside_catalogs(at, lang) for name, at in views.items()} == {name: [] for name in views}
    finally:
        st.cache_data.clear()
