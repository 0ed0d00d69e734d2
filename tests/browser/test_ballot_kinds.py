"""The light ballot without JavaScript, in a real browser: a ranking in Arabic, then a question and its upvote."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from mc2cm.votes import APPROVED, OPEN, SQLiteVoteStore
from tests.browser.support import ROOT, screenshot, streamlit_server

pytestmark = pytest.mark.browser
RANKING, QUESTIONS = "rank-the-priorities", "questions-to-the-panel"
SECRET = "ballot-kinds-test-secret-0123456789"


@pytest.fixture(scope="module")
def votes_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("ballot-kinds") / "votes.sqlite3"


@pytest.fixture(scope="module")
def url(votes_db: Path) -> Iterator[str]:
    with streamlit_server(ROOT / "data", env={"MC2CM_VOTES_DB": str(votes_db), "MC2CM_SECRET": SECRET}) as address:
        yield address


@pytest.fixture
def store(votes_db: Path, url: str) -> SQLiteVoteStore:
    del url
    made = SQLiteVoteStore(votes_db)
    for poll in (RANKING, QUESTIONS):
        made.reset(poll)
        made.set_status(poll, OPEN)
    return made


def phone(browser: Browser, made: list[BrowserContext], address: str, locale: str = "en-GB") -> Page:
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False, locale=locale,
                                  extra_http_headers={"X-Forwarded-For": address})
    made.append(context)
    return context.new_page()


def test_a_ranking_in_arabic_without_javascript(browser: Browser, contexts: list[BrowserContext],
                                                store: SQLiteVoteStore, url: str) -> None:
    page = phone(browser, contexts, "10.77.0.1", "ar")
    page.goto(f"{url}/ballot?poll={RANKING}")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    selects = page.locator("select")
    expect(selects).to_have_count(5)
    names = [page.locator(f"label[for=rank-{i}]").inner_text() for i in range(1, 6)]
    for index, place in ((4, 1), (3, 2), (2, 3), (1, 3), (0, 5)):  # place 3 twice, place 4 never
        page.get_by_label(names[index], exact=True).select_option(str(place))
    page.get_by_role("button", name="إرسال إجابتي").click()
    expect(page.get_by_role("status")).to_contain_text("المرتبة 3 أُعطيت مرتين")
    assert store.ballots(RANKING) == []
    expect(page.get_by_label(names[1], exact=True)).to_have_value("3")  # what the delegate chose stays
    page.get_by_label(names[1], exact=True).select_option("4")
    page.get_by_role("button", name="إرسال إجابتي").click()
    expect(page.get_by_role("status")).to_contain_text("تم حفظ إجابتك")
    assert "saved=1" in page.url
    [(_, order, _)] = store.ballots(RANKING)
    values = [page.get_by_label(n, exact=True).get_attribute("name").removeprefix("rank-") for n in names]  # type: ignore[union-attr]
    assert list(order) == [values[4], values[3], values[2], values[1], values[0]]
    expect(page.get_by_label(names[4], exact=True)).to_have_value("1")  # the page shows the saved ranking back
    screenshot(page, "ballot-ranking-ar-nojs")


def test_a_question_is_sent_approved_and_upvoted_once_without_javascript(
        browser: Browser, contexts: list[BrowserContext], store: SQLiteVoteStore, url: str) -> None:
    author = phone(browser, contexts, "10.77.0.2")
    author.goto(f"{url}/ballot?poll={QUESTIONS}&lang=en")
    expect(author.get_by_text("The Chatham House rule applies")).to_be_visible()
    author.get_by_label("Your question to the panel").fill("<b>Who</b> pays for the coordination office?")
    author.get_by_role("button", name="Send my question").click()
    expect(author.get_by_role("status")).to_contain_text("once the facilitator approves it")
    [post] = store.posts(QUESTIONS)
    store.moderate(QUESTIONS, post.id, status=APPROVED)

    voter = phone(browser, contexts, "10.77.0.3")
    voter.goto(f"{url}/ballot?poll={QUESTIONS}&lang=en")
    item = voter.locator(f"#p-{post.id}")
    expect(item).to_contain_text("<b>Who</b> pays for the coordination office?")  # shown as typed, never as markup
    expect(item).to_contain_text("0 upvotes")
    item.get_by_role("button", name="Upvote").click()
    item = voter.locator(f"#p-{post.id}")
    expect(item).to_contain_text("1 upvote")
    voter.reload()  # a reload after the redirect sends nothing again
    expect(voter.locator(f"#p-{post.id}")).to_contain_text("1 upvote")
    assert store.posts(QUESTIONS)[0].upvotes == 1
    screenshot(voter, "ballot-question-upvoted-en-nojs")
    voter.locator(f"#p-{post.id}").get_by_role("button", name="Take back my upvote").click()
    expect(voter.locator(f"#p-{post.id}")).to_contain_text("0 upvotes")
    assert store.posts(QUESTIONS)[0].upvotes == 0


def test_with_javascript_a_question_or_upvote_lost_to_the_network_keeps_what_was_typed(
        browser: Browser, contexts: list[BrowserContext], store: SQLiteVoteStore, url: str) -> None:
    """Bad venue Wi-Fi: a failed send says so and keeps the question; sent again, it goes without a reload."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR",
                                  extra_http_headers={"X-Forwarded-For": "10.77.0.9"})
    contexts.append(context)
    page = context.new_page()
    page.goto(f"{url}/ballot?poll={QUESTIONS}&lang=fr")
    page.evaluate("window.__sameDocument = true")
    asked = "Qui paie le bureau de coordination ?"
    page.locator("#post-text").fill(asked)
    context.set_offline(True)  # the venue Wi-Fi drops
    page.locator("form.card button[type=submit]").click()
    expect(page.get_by_role("status")).to_contain_text("Non envoyé : la connexion a échoué. Votre texte est conservé")
    expect(page.locator("#post-text")).to_have_value(asked)  # nothing typed is lost
    assert page.evaluate("window.__sameDocument === true"), "the browser's error page replaced the ballot"
    assert store.posts(QUESTIONS) == []
    context.set_offline(False)
    page.locator("form.card button[type=submit]").click()
    expect(page.get_by_role("status")).to_contain_text("dès que l'animateur l'aura approuvée")
    assert page.evaluate("window.__sameDocument === true")
    [post] = store.posts(QUESTIONS)
    assert post.text == asked
    store.moderate(QUESTIONS, post.id, status=APPROVED)
    page.reload()
    item = page.locator(f"#p-{post.id}")
    context.set_offline(True)
    item.get_by_role("button").click()  # an upvote lost to the network: said, nothing counted
    expect(page.get_by_role("status")).to_contain_text("Non envoyé : la connexion a échoué. Réessayez.")
    assert store.posts(QUESTIONS)[0].upvotes == 0
    context.set_offline(False)
    page.evaluate("window.__sameDocument = true")
    page.locator(f"#p-{post.id}").get_by_role("button").click()
    expect(page.locator(f"#p-{post.id}")).to_contain_text("1 soutien")
    assert page.evaluate("window.__sameDocument === true")
    assert store.posts(QUESTIONS)[0].upvotes == 1
