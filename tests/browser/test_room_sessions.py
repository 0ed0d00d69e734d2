"""The room's session, switched in the presenter view, in a real browser (issue 16).

A presenter (French) moves the room from an earlier session to a new one; the projector (Arabic)
shows the word-free counts of whichever session the room answers into; a phone without JavaScript
answers, and its question lands in the new session, counted on the projector and never shown there.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from mc2cm.votes import OPEN, SQLiteVoteStore
from tests.browser.accessibility import axe_violations
from tests.browser.support import ROOT, screenshot, signed_in_presenter, streamlit_server, wait_idle

pytestmark = pytest.mark.browser
PASSWORD = "facilitator-passphrase"
POLL, SCENE, NEW = "questions-to-the-panel", "questions-in-numbers", "tunis-2027-05"
EARLIER = "An earlier room asked about shelters"
SCAN_OPEN, SCAN_CLOSED = "امسح الرمز للإجابة", "التصويت مغلق"  # the caption under the code, by the poll's state
ASKED = "Qui finance les centres d'accueil de Sfax ?"


def figures(page: Page) -> dict[str, str]:
    """The counts on the slide: what each counts → its figure, as the page shows them."""
    return dict(page.evaluate("""() => [...document.querySelectorAll('dl.mc2cm-figures > div')]
        .map(d => [d.querySelector('dt').innerText.trim(), d.querySelector('dd').innerText.trim()])"""))


def wait_for_counts(page: Page, expected: dict[str, str]) -> None:
    """The counts redraw by themselves every few seconds: wait for them (a deadline, not a timing)."""
    try:
        page.wait_for_function("""expected => {
            const found = Object.fromEntries([...document.querySelectorAll('dl.mc2cm-figures > div')]
              .map(d => [d.querySelector('dt').innerText.trim(), d.querySelector('dd').innerText.trim()]));
            return Object.entries(expected).every(([k, v]) => found[k] === v); }""", arg=expected, timeout=30_000)
    except Exception as exc:
        raise AssertionError(f"counts {figures(page)} never became {expected}") from exc


def test_the_presenter_moves_the_room_to_a_new_session(tmp_path: Path, browser: Browser,
                                                       contexts: list[BrowserContext]) -> None:
    votes_db = tmp_path / "votes.sqlite3"
    earlier = SQLiteVoteStore(votes_db)  # the default session: an earlier room's question, still waiting
    earlier.set_status(POLL, OPEN)
    earlier.add_post(POLL, "earlier-phone", EARLIER)
    env = {"MC2CM_ADMIN_PASSWORD": PASSWORD, "MC2CM_VOTES_DB": str(votes_db),
           "MC2CM_PUBLIC_URL": "http://10.42.0.1:8501", "MC2CM_SECRET": "room-sessions-secret-0123456789abcdef"}
    with streamlit_server(ROOT / "data", env=env) as url:
        presenter = signed_in_presenter(browser, contexts, url, PASSWORD, scene=SCENE)
        session_line = presenter.get_by_test_id("mc2cm-room-session")
        expect(session_line).to_contain_text("Les réponses vont à la session par défaut", timeout=30_000)

        wall = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="ar")
        contexts.append(wall)
        projector = wall.new_page()
        projector.goto(f"{url}/present?lang=ar")  # no scene: the presenter's
        wait_idle(projector)
        projector.wait_for_function(f"() => new URL(location.href).searchParams.get('scene') === '{SCENE}'",
                                    timeout=30_000)
        wait_for_counts(projector, {"الأسئلة المرسلة": "1", "بانتظار المراجعة": "1"})  # the earlier session's
        assert EARLIER not in projector.inner_text("body")

        # the presenter moves the room to a new session
        presenter.get_by_text("Changer de session").click()
        presenter.get_by_role("textbox", name="Ou l'identifiant d'une nouvelle session").fill(NEW)
        switched = presenter.get_by_text(f"Les réponses vont désormais à la session {NEW}.")
        for _ in range(3):  # a click that lands while a live fragment redraws can be dropped: given again, bounded
            presenter.get_by_role("button", name="Passer la salle à cette session").click()
            wait_idle(presenter)
            with contextlib.suppress(AssertionError):
                expect(switched).to_be_visible(timeout=10_000)
                break
        expect(switched).to_be_visible(timeout=30_000)
        expect(session_line).to_contain_text(f"Les réponses vont à la session {NEW}")
        presenter.get_by_text("Changer de session").click()  # the form starts again from the room's session
        expect(presenter.get_by_role("textbox", name="Ou l'identifiant d'une nouvelle session")).to_have_value("")
        expect(presenter.locator(f".st-key-presenter-session-existing-{NEW} input")).to_have_value(re.compile(f"^{NEW} · "))
        presenter.get_by_text("Changer de session").click()
        wait_for_counts(projector, {"الأسئلة المرسلة": "0", "بانتظار المراجعة": "0"})  # followed, untouched

        # a new session's poll starts closed: the presenter opens it, a phone asks
        open_poll = presenter.locator(f".st-key-open-{POLL} button")
        expect(open_poll).to_be_visible(timeout=30_000)
        expect(projector.get_by_text(SCAN_CLOSED)).to_be_visible()  # under the code: this poll takes no answer yet
        open_poll.click()
        expect(presenter.locator(f".st-key-close-{POLL} button")).to_be_visible(timeout=30_000)
        expect(projector.get_by_text(SCAN_OPEN, exact=True)).to_be_visible(timeout=30_000)  # and now it does
        expect(projector.get_by_text(SCAN_CLOSED)).to_have_count(0)
        pocket = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False, locale="fr-FR",
                                     extra_http_headers={"X-Forwarded-For": "10.77.0.1"})
        contexts.append(pocket)
        phone = pocket.new_page()
        phone.goto(f"{url}/ballot?poll={POLL}&lang=fr")
        phone.locator("#post-text").fill(ASKED)
        phone.locator("form.card button[type=submit]").click()
        expect(phone.get_by_role("status")).to_be_visible()

        wait_for_counts(projector, {"الأسئلة المرسلة": "1", "المعروضة بعد المراجعة": "0", "بانتظار المراجعة": "1"})
        assert ASKED not in projector.inner_text("body")  # counted, never shown
        screenshot(projector, "room-session-counts-ar")
        assert [p.text for p in SQLiteVoteStore(votes_db).with_session(NEW).posts(POLL)] == [ASKED]
        assert [p.text for p in SQLiteVoteStore(votes_db).posts(POLL)] == [EARLIER]  # the earlier session kept

        presenter.get_by_text("Changer de session").click()  # open for the check: every control named
        screenshot(presenter, "room-session-presenter-fr")
        assert axe_violations(presenter) == []
        assert axe_violations(projector) == []
