"""The room end to end (issue 16): a presenter, a projector and three phones.

Ideas come in from the phones, the facilitator moderates them in the presenter view, the phones
upvote, the projector shows the room's top ideas on a later scene, and the facilitator closes the
poll and publishes: the kept ideas appear on /challenges next to their priority and in the API.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import urllib.request
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect
from playwright.sync_api import Error as PlaywrightError

from mc2cm.votes import SQLiteVoteStore
from tests.browser.support import ROOT, screenshot, signed_in_presenter, streamlit_server, wait_idle

pytestmark = pytest.mark.browser
PASSWORD = "facilitator-passphrase"
SESSION = "sfax-room-e2e"
IDEAS, TOP_SCENE = "ideas-for-the-priorities", "room-top-ideas"
PRIORITY = "priority-host-communities-vulnerable-groups"  # answers one challenge only: its line shows once
PRIORITY_TITLE = "Engaging host communities and helping all vulnerable groups"
LEADER = "Open a joint city and CSO help desk in every district"
SECOND = "Publish one shared map of services for newcomers"
HIDDEN_IDEA = "Zorblax shuttle vans paid by nobody"  # a word found nowhere else in the data


def wait_for_scene(page: Page, scene: str, timeout: float = 30_000) -> None:
    page.wait_for_function(f"() => new URL(location.href).searchParams.get('scene') === '{scene}'", timeout=timeout)
    wait_idle(page)


def scene_of(page: Page) -> str:
    return str(page.evaluate("() => new URL(location.href).searchParams.get('scene')"))


def keyed(page: Page, key: str):  # type: ignore[no-untyped-def]
    return page.locator(f".st-key-{key} button")


def phone(browser: Browser, made: list[BrowserContext], address: str) -> Page:
    """A delegate's phone: its own context (its own device cookie), no JavaScript, its own address."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False, locale="en-GB",
                                  extra_http_headers={"X-Forwarded-For": address})
    made.append(context)
    return context.new_page()


def step(page: Page, scene: str) -> None:
    """Next scene, and wait until the presenter shows ``scene``; a click lost in a redraw is given again."""
    before = scene_of(page)
    for _ in range(3):
        keyed(page, "presenter-next").click()
        with contextlib.suppress(PlaywrightError):
            wait_for_scene(page, scene, timeout=15_000)
            return
        if scene_of(page) != before:
            break
    wait_for_scene(page, scene)


def press(page: Page, key: str) -> None:
    """Click a button that goes away once its action is done (approve, hide, open, close), and wait for that.

    wait_idle can look before the click's rerun has started, and a click that lands while a rerun
    redraws the button can be lost: the click is tried again, a bounded number of times, until it took.
    """
    button = keyed(page, key)
    expect(button).to_have_count(1, timeout=30_000)
    for _ in range(3):
        if button.count():
            button.click()
        wait_idle(page)
        try:
            expect(button).to_have_count(0, timeout=10_000)
            return
        except AssertionError:
            continue
    expect(button).to_have_count(0)


def pick(page: Page, select: Locator, name: str) -> None:
    """Open a multiselect's list and click one option. A live fragment's redraw can close the list just
    opened, so the opening is tried again (a bounded retry of the gesture, not a sleep)."""
    option = page.get_by_role("option").filter(has_text=name)
    for attempt in range(4):
        select.locator("input").click()
        try:
            expect(option).to_have_count(1, timeout=5_000)
        except AssertionError:
            print(f"option list for {name!r} not open (attempt {attempt + 1}):",
                  page.get_by_role("option").all_inner_texts())
            page.keyboard.press("Escape")
            wait_idle(page)
            continue
        option.click()
        return
    raise AssertionError(f"no option {name!r} in the list")


def get_json(url: str) -> dict:  # type: ignore[type-arg]
    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - loopback test server
        assert response.status == 200
        return json.loads(response.read())


def test_ideas_from_phones_are_moderated_projected_and_published(
        tmp_path: Path, browser: Browser, contexts: list[BrowserContext]) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(ROOT / "data", data_dir)  # publishing writes room_results.csv here, never in the repo
    votes_db = tmp_path / "votes.sqlite3"
    env = {"MC2CM_ADMIN_PASSWORD": PASSWORD, "MC2CM_VOTES_DB": str(votes_db), "MC2CM_SESSION": SESSION,
           "MC2CM_PUBLIC_URL": "http://10.42.0.1:8501", "MC2CM_SECRET": "room-end-to-end-secret-0123456789"}
    with streamlit_server(data_dir, env=env) as url:
        # the presenter, in French, signs in and steps to the ideas scene
        presenter = signed_in_presenter(browser, contexts, url, PASSWORD)
        expect(keyed(presenter, "presenter-next")).to_be_visible(timeout=30_000)

        wall = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="ar")
        contexts.append(wall)
        projector = wall.new_page()
        projector.goto(f"{url}/present?lang=ar")
        wait_idle(projector)

        order = list(pd.read_csv(data_dir / "scenes.csv").sort_values("position")["id"])
        assert scene_of(presenter) == order[0]
        for upcoming in order[1:order.index(IDEAS) + 1]:  # one click, one scene: wait for each before the next
            step(presenter, upcoming)
        wait_for_scene(projector, IDEAS)
        press(presenter, f"open-{IDEAS}")
        expect(keyed(presenter, f"close-{IDEAS}")).to_be_visible()

        # three phones, each posts an idea tagged to a priority
        phones = [phone(browser, contexts, f"10.88.0.{i}") for i in (1, 2, 3)]
        for page, idea, tag in ((phones[0], LEADER, PRIORITY), (phones[1], SECOND, "priority-coordination-partnerships"),
                                (phones[2], HIDDEN_IDEA, "priority-legal-framework")):
            page.goto(f"{url}/ballot?poll={IDEAS}&lang=en")
            expect(page.locator(".chatham")).to_contain_text("Chatham House rule")
            page.locator("#post-text").fill(idea)
            page.locator("#post-tag").select_option(tag)
            page.locator("form.card button[type=submit]").click()
            expect(page.get_by_role("status")).to_contain_text("once the facilitator approves it")
            expect(page.locator("ol.posts")).to_have_count(0)  # pre-moderation: nothing public yet
        screenshot(phones[2], "room-e2e-phone-idea-sent")

        ids = {post.text: post.id for post in SQLiteVoteStore(votes_db, session=SESSION).posts(IDEAS)}
        assert set(ids) == {LEADER, SECOND, HIDDEN_IDEA}

        # the facilitator moderates: the list shows the phones' ideas by itself (it refreshes every few seconds)
        expect(keyed(presenter, f"mod-{IDEAS}-{ids[HIDDEN_IDEA]}-hide")).to_have_count(1, timeout=30_000)
        for idea, action in ((LEADER, "approve"), (SECOND, "approve"), (HIDDEN_IDEA, "hide")):
            press(presenter, f"mod-{IDEAS}-{ids[idea]}-{action}")  # done when the button has gone
        for idea in (LEADER, SECOND):
            expect(keyed(presenter, f"mod-{IDEAS}-{ids[idea]}-approve")).to_have_count(0)
        expect(keyed(presenter, f"mod-{IDEAS}-{ids[HIDDEN_IDEA]}-hide")).to_have_count(0)
        expect(keyed(presenter, f"mod-{IDEAS}-{ids[HIDDEN_IDEA]}-approve")).to_have_count(1)  # "restore"
        # control of the "nowhere public" checks below: the text is on screen where it belongs, for staff
        expect(presenter.locator("[data-testid=stMain]")).to_contain_text(HIDDEN_IDEA)

        # the phones see the approved ideas and upvote: two for the leader, one for the second
        for page, idea in ((phones[0], SECOND), (phones[1], LEADER), (phones[2], LEADER)):
            page.goto(f"{url}/ballot?poll={IDEAS}&lang=en")
            expect(page.locator("ol.posts > li")).to_have_count(2)
            expect(page.locator("ol.posts")).not_to_contain_text(HIDDEN_IDEA)
            page.locator(f"#p-{ids[idea]} button[type=submit]").click()
            expect(page.locator(f"#p-{ids[idea]}")).to_contain_text("1 upvote" if idea == SECOND else "upvote")
        expect(phones[2].locator(f"#p-{ids[LEADER]}")).to_contain_text("2 upvotes")
        expect(phones[2].locator("ol.posts > li").first).to_contain_text(LEADER)
        screenshot(phones[2], "room-e2e-phone-upvoted")

        # the presenter steps on; the projector follows and shows the leading idea first, never the hidden one
        step(presenter, TOP_SCENE)
        wait_for_scene(projector, TOP_SCENE)
        top = projector.get_by_test_id("mc2cm-top-posts").locator("li")
        expect(top).to_have_count(2, timeout=30_000)
        expect(top.first).to_contain_text(LEADER)
        expect(top.nth(1)).to_contain_text(SECOND)
        expect(projector.locator("[data-testid=stMain]")).not_to_contain_text(HIDDEN_IDEA)
        assert projector.get_by_test_id("mc2cm-qr").count() == 0
        screenshot(projector, "room-e2e-projector-top-ideas-ar")

        # the facilitator closes the poll and publishes the kept ideas
        press(presenter, f"close-{IDEAS}")
        expect(keyed(presenter, f"open-{IDEAS}")).to_be_visible()
        session_box = presenter.locator(f".st-key-room-session-{IDEAS} input")
        for _ in range(3):  # open the publish panel (a click during a redraw may not take)
            if session_box.is_visible():
                break
            presenter.get_by_test_id("stExpander").filter(has_text="Publier les résultats dans les données") \
                .locator("summary").click()
            with contextlib.suppress(AssertionError):
                expect(session_box).to_be_visible(timeout=10_000)
        expect(session_box).to_be_visible()
        expect(session_box).to_have_value(SESSION)
        keep = presenter.locator(f".st-key-room-keep-{IDEAS}")
        for idea in (LEADER, SECOND):  # open the list, pick the idea, close the list; then the script reruns
            pick(presenter, keep, idea)
            presenter.keyboard.press("Escape")
            wait_idle(presenter)
            expect(keep).to_contain_text(idea)
        expect(presenter.get_by_role("option")).to_have_count(0)
        expect(presenter.get_by_test_id("stExpander").get_by_test_id("stDataFrame")).to_be_visible()  # the preview
        done = presenter.get_by_text("2 lignes publiées dans room_results.csv.")
        for _ in range(3):  # publishing again replaces the same rows: a retried click is harmless
            keyed(presenter, f"room-publish-{IDEAS}").click()
            wait_idle(presenter)
            with contextlib.suppress(AssertionError):
                expect(done).to_be_visible(timeout=20_000)
                break
        expect(done).to_be_visible()
        screenshot(presenter, "room-e2e-presenter-published-fr")

        # /challenges: the line sits with the priority it was tagged to
        reader = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
        contexts.append(reader)
        page = reader.new_page()
        page.goto(f"{url}/challenges?lang=en")
        wait_idle(page)
        lines = page.locator("[data-testid=stMain] [data-testid=stMarkdownContainer] li")
        line = lines.filter(has_text=LEADER)  # the text is isolated (FSI … PDI) inside the sentence
        expect(line).to_have_count(1, timeout=30_000)
        expect(line).to_contain_text("idea from the room")
        expect(line).to_contain_text("(2 upvotes)")
        # right after its priority's line, in the one challenge that priority answers
        before = line.evaluate("li => li.closest('[data-testid=stElementContainer]').previousElementSibling.innerText")
        assert PRIORITY_TITLE in before
        challenge = line.evaluate("li => li.closest('[data-testid=stVerticalBlock]').innerText")
        assert "Policy coherence" in challenge  # the one challenge this priority answers
        expect(lines.filter(has_text=SECOND).first).to_contain_text("(1 upvote)")
        expect(page.locator("[data-testid=stMain]")).not_to_contain_text(HIDDEN_IDEA)
        screenshot(page, "room-e2e-challenges-en")

        # the API: the published rows, aggregates only
        doc = get_json(f"{url}/api/v1/room_results.json")
        rows = [r for r in doc["data"] if r.get("session_id") == SESSION]
        assert len(rows) == 2
        by_text = {r["text"]: r for r in rows}
        assert set(by_text) == {LEADER, SECOND}
        assert by_text[LEADER]["recommendation_id"] == PRIORITY
        assert (int(by_text[LEADER]["value"]), int(by_text[LEADER]["rank"])) == (2, 1)
        assert all(r["poll_id"] == IDEAS and int(r["n"]) >= 1 for r in rows)
        keys = {k.lower() for r in doc["data"] for k in r}
        assert not {k for k in keys if any(w in k for w in ("voter", "device", "client", "address", "token"))}
        raw = json.dumps(doc, ensure_ascii=False)
        assert HIDDEN_IDEA not in raw
