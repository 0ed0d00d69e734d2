"""The light ballot page (/ballot) against a real server: no JavaScript needed, no vote lost, one voter per browser.

Every browser context and crafted request names its own client address in
``X-Forwarded-For`` (believed from loopback, the default trusted proxy), so the
new-voter limit sees a room of phones rather than one address.
"""

from __future__ import annotations

import http.client
import itertools
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from mc2cm.votes import CLOSED, OPEN, SQLiteVoteStore
from tests.browser.accessibility import axe_violations
from tests.browser.support import ROOT, screenshot, streamlit_server, wait_idle

pytestmark = pytest.mark.browser
POLL = "top-three-priorities"  # dot vote, up to 3
SINGLE = "first-key-message"   # one choice
SECRET = "ballot-page-test-secret-0123456789"
_ADDRESSES = (f"10.9.{i // 250}.{i % 250 + 1}" for i in itertools.count())


@pytest.fixture(scope="module")
def votes_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("ballot") / "votes.sqlite3"


@pytest.fixture(scope="module")
def url(votes_db: Path) -> Iterator[str]:
    with streamlit_server(ROOT / "data", env={"MC2CM_VOTES_DB": str(votes_db), "MC2CM_SECRET": SECRET}) as address:
        yield address


@pytest.fixture
def store(votes_db: Path, url: str) -> SQLiteVoteStore:
    del url
    store = SQLiteVoteStore(votes_db)
    for poll in (POLL, SINGLE):
        store.reset(poll)
        store.set_status(poll, OPEN)
    return store


def phone(browser: Browser, made: list[BrowserContext], *, js: bool = True, locale: str = "en-GB") -> Page:
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=js, locale=locale,
                                  extra_http_headers={"X-Forwarded-For": next(_ADDRESSES)})
    made.append(context)
    return context.new_page()


# --- crafted requests ---------------------------------------------------------------


class Client:
    """One browser, by hand: keeps its cookie, never follows redirects."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.cookie = ""
        self.address = next(_ADDRESSES)

    def request(self, method: str, path: str, body: str = "",
                headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
        parts = urlsplit(self.base)
        conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
        sent = {"X-Forwarded-For": self.address, **({"Cookie": self.cookie} if self.cookie else {}), **(headers or {})}
        if method == "POST":
            sent.setdefault("Content-Type", "application/x-www-form-urlencoded")
        conn.request(method, path, body=body.encode("utf-8") if body else None, headers=sent)
        response = conn.getresponse()
        got = {k.lower(): v for k, v in response.getheaders()}
        text = response.read().decode("utf-8")
        conn.close()
        if "set-cookie" in got:
            self.cookie = got["set-cookie"].split(";")[0]
        return response.status, got, text

    def page(self, poll: str = POLL, lang: str = "en") -> str:
        status, _, html = self.request("GET", f"/ballot?{urlencode({'poll': poll, 'lang': lang})}")
        assert status == 200
        return html

    def post(self, choices: list[str], token: str | None, poll: str = POLL,
             headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
        fields = [("choice", c) for c in choices] + ([("token", token)] if token is not None else [])
        return self.request("POST", f"/ballot?{urlencode({'poll': poll, 'lang': 'en'})}", urlencode(fields), headers)


def form_token(html: str) -> str:
    found = re.search(r'name="token" value="([0-9a-f]+)"', html)
    assert found
    return found[1]


def value_of(page: Page, name: str) -> str:
    return page.get_by_label(name, exact=True).get_attribute("value") or ""


def option_values(html: str) -> list[str]:
    return re.findall(r'name="choice" value="([^"]+)"', html)


# --- the tests ----------------------------------------------------------------------


def test_with_javascript_off_a_vote_is_saved_and_can_be_changed(browser: Browser, contexts: list[BrowserContext],
                                                                 store: SQLiteVoteStore, url: str) -> None:
    page = phone(browser, contexts, js=False)
    page.goto(f"{url}/ballot?poll={POLL}&lang=en")
    expect(page.locator("fieldset legend")).to_have_text("Which three priorities matter most for your city?")
    expect(page.locator("#count")).to_have_text("0 of 3 chosen")  # written by the server, no script needed
    page.get_by_label("Legal framework", exact=True).check()
    page.get_by_label("Pragmatism", exact=True).check()
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_role("status")).to_contain_text("Your answer is saved")
    expect(page.get_by_text("Your answer: Legal framework and Pragmatism")).to_be_visible()
    assert "saved=1" in page.url  # redirect after POST: a reload does not send the form again
    [(voter, choices, _)] = store.ballots(POLL)
    assert sorted(choices) == sorted(value_of(page, name) for name in ("Legal framework", "Pragmatism"))
    page.reload()
    assert store.voters(POLL) == 1

    page.get_by_label("Pragmatism", exact=True).uncheck()
    page.get_by_label("Capacity building of local actors working on migration", exact=True).check()
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_text("Your answer: Legal framework and Capacity building of local actors working on migration"))\
        .to_be_visible()
    [(same_voter, changed, _)] = store.ballots(POLL)
    assert same_voter == voter
    assert sorted(changed) == sorted(value_of(page, name) for name in
                                     ("Legal framework", "Capacity building of local actors working on migration"))
    assert store.voters(POLL) == 1
    screenshot(page, "ballot-saved-en-nojs")


def test_each_browser_is_one_voter_and_a_forged_cookie_is_nobody(browser: Browser, contexts: list[BrowserContext],
                                                                  store: SQLiteVoteStore, url: str) -> None:
    for _ in range(2):
        page = phone(browser, contexts)
        page.goto(f"{url}/ballot?poll={SINGLE}&lang=en")
        page.locator("input[name=choice]").first.check()
        page.get_by_role("button", name="Send my answer").click()
        expect(page.get_by_role("status")).to_contain_text("Your answer is saved")
    assert store.voters(SINGLE) == 2
    first, first_choices, _ = store.ballots(SINGLE)[0]

    forger = phone(browser, contexts)
    forger.context.add_cookies([{"name": "mc2cm_voter", "value": f"{first}.{'0' * 32}", "url": url}])
    forger.goto(f"{url}/ballot?poll={SINGLE}&lang=en")
    expect(forger.get_by_text("Your answer:")).to_have_count(0)  # not the first voter's ballot
    forger.locator("input[name=choice]").last.check()
    forger.get_by_role("button", name="Send my answer").click()
    expect(forger.get_by_role("status")).to_contain_text("Your answer is saved")
    ballots = {voter: choices for voter, choices, _ in store.ballots(SINGLE)}
    assert len(ballots) == 3                      # a new voter, not the forged one
    assert ballots[first] == first_choices        # whose ballot is untouched


def test_a_closed_poll_says_so_and_keeps_nothing(browser: Browser, contexts: list[BrowserContext],
                                                 store: SQLiteVoteStore, url: str) -> None:
    client = Client(url)
    html = client.page()                           # the form was loaded while the poll was open
    token, values = form_token(html), option_values(html)
    store.set_status(POLL, CLOSED)
    page = phone(browser, contexts, js=False)
    page.goto(f"{url}/ballot?poll={POLL}&lang=en")
    expect(page.get_by_role("status")).to_have_text("This poll is not open at the moment.")
    expect(page.locator("form")).to_have_count(0)
    status, _, html = client.post(values[:1], token)
    assert status == 409
    assert "This poll is not open at the moment." in html
    assert store.voters(POLL) == 0
    store.set_status(POLL, OPEN)                   # control: the same answer is taken once it opens
    status, _, _ = client.post(values[:1], token)
    assert status == 303
    assert store.voters(POLL) == 1


def test_the_server_refuses_what_the_form_would_not_send(store: SQLiteVoteStore, url: str) -> None:
    client = Client(url)
    html = client.page()
    token, values = form_token(html), option_values(html)
    assert len(values) > 3

    status, _, page = client.post(values[:4], token)
    assert status == 400
    assert "You chose 4; this question takes at most 3. Untick 1 and send again." in page
    assert page.count(" checked") == 4             # what they ticked is kept
    assert client.post([], token)[0] == 400
    status, _, page = client.post([values[0], "not-an-option"], token)
    assert status == 400
    assert "not an option of this question" in page
    assert store.voters(POLL) == 0

    assert client.post(values[:3], None)[0] == 403                         # no form token
    assert client.post(values[:3], "0" * 32)[0] == 403                     # a made-up one
    assert client.post(values[:3], form_token(Client(url).page()))[0] == 403  # another voter's
    assert client.post(values[:3], token, headers={"Sec-Fetch-Site": "cross-site"})[0] == 403
    stranger = Client(url)                                                  # no cookie at all
    assert stranger.post(values[:3], token)[0] == 403
    assert store.voters(POLL) == 0

    status, headers, _ = client.post(values[:3], token)                    # control: the same POST, in order
    assert status == 303
    assert headers["location"].endswith("saved=1")
    assert sorted(store.ballots(POLL)[0][1]) == sorted(values[:3])


def test_new_voters_from_one_address_get_a_burst_then_wait(store: SQLiteVoteStore, url: str) -> None:
    address = next(_ADDRESSES)
    results = []
    for _ in range(11):
        client = Client(url)
        client.address = address
        html = client.page(SINGLE)
        status, _, page = client.post(option_values(html)[:1], form_token(html), poll=SINGLE)
        results.append(status)
    assert results == [303] * 10 + [429]
    assert "Many new answers are coming from your network" in page
    other = Client(url)                                                     # control: another phone is not held up
    html = other.page(SINGLE)
    assert other.post(option_values(html)[:1], form_token(html), poll=SINGLE)[0] == 303
    assert store.voters(SINGLE) == 11


def test_arabic_phones_get_arabic_right_to_left(browser: Browser, contexts: list[BrowserContext],
                                                store: SQLiteVoteStore, url: str) -> None:
    del store
    page = phone(browser, contexts, locale="ar")  # Accept-Language: ar
    page.goto(f"{url}/ballot?poll={POLL}")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.locator("legend")).to_have_text("ما هي الأولويات الثلاث الأكثر أهمية لمدينتك؟")
    page.locator("input[name=choice]").nth(1).check()
    page.locator("input[name=choice]").nth(3).check()
    screenshot(page, "ballot-ar")
    client = Client(url)
    status, _, html = client.request("GET", "/ballot?poll=no-such-poll", headers={"Accept-Language": "ar"})
    assert status == 404
    assert 'dir="rtl"' in html
    assert "هذا الرابط لا يشير إلى أي تصويت." in html


def test_the_page_is_light_and_counts_without_a_framework(browser: Browser, contexts: list[BrowserContext],
                                                          store: SQLiteVoteStore, url: str) -> None:
    del store
    sizes: dict[str, dict[str, int]] = {}
    for lang in ("en", "ar"):
        page = phone(browser, contexts)
        received: dict[str, int] = {}
        page.on("response", lambda response, received=received: received.__setitem__(response.url, len(response.body())))
        page.goto(f"{url}/ballot?poll={POLL}&lang={lang}")
        page.evaluate("() => document.fonts.ready")
        page.wait_for_load_state("networkidle")
        sizes[lang] = received
        if lang == "en":
            boxes = page.locator("input[name=choice]")
            for i in range(3):
                boxes.nth(i).check()
            expect(page.locator("#count")).to_have_text("3 of 3 chosen")
            expect(boxes.nth(3)).to_be_disabled()                           # the limit, live
            boxes.nth(0).uncheck()
            expect(boxes.nth(3)).to_be_enabled()
            expect(page.locator("#count")).to_have_text("2 of 3 chosen")
            screenshot(page, "ballot-en")
    for lang, received in sizes.items():
        fonts = sum(n for u, n in received.items() if u.endswith(".woff2"))
        rest = sum(n for u, n in received.items() if not u.endswith(".woff2"))
        print(f"/ballot ({lang}): {rest / 1024:.1f} kB without fonts, {(rest + fonts) / 1024:.1f} kB with fonts;"
              f" {len(received)} responses")
        assert rest + fonts <= 60 * 1024                                  # the whole first visit, font included
        assert not any("/static/js/" in u or "_stcore" in u for u in received)  # no Streamlit session
    assert [u for u in sizes["ar"] if u.endswith(".woff2")] == [             # the shipped Arabic font, one file
        u for u in sizes["ar"] if u.endswith("noto-naskh-arabic-arabic-400-normal.woff2")]
    assert any(u.endswith(".woff2") for u in sizes["ar"])
    assert not any(u.endswith(".woff2") for u in sizes["en"])


def test_the_streamlit_vote_page_sees_the_same_voter(browser: Browser, contexts: list[BrowserContext],
                                                     store: SQLiteVoteStore, url: str) -> None:
    page = phone(browser, contexts)
    page.goto(f"{url}/ballot?poll={SINGLE}&lang=en")
    page.locator("input[name=choice]").first.check()
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_role("status")).to_contain_text("Your answer is saved")
    mine = page.locator(".yours").inner_text()
    page.goto(f"{url}/vote?poll={SINGLE}&lang=en")                        # the old link, HttpOnly cookie and all
    wait_idle(page)
    expect(page.get_by_text(mine)).to_be_visible(timeout=30_000)
    assert store.voters(SINGLE) == 1


def test_with_javascript_the_answer_goes_without_a_reload_and_a_failed_send_loses_nothing(
        browser: Browser, contexts: list[BrowserContext], store: SQLiteVoteStore, url: str) -> None:
    page = phone(browser, contexts)
    page.goto(f"{url}/ballot?poll={POLL}&lang=en")
    page.evaluate("window.__sameDocument = true")
    page.get_by_label("Legal framework", exact=True).check()
    page.context.set_offline(True)  # the venue Wi-Fi drops
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_role("status")).to_contain_text("Not sent")
    assert page.get_by_label("Legal framework", exact=True).is_checked()
    assert store.voters(POLL) == 0
    page.context.set_offline(False)
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_role("status")).to_contain_text("Your answer is saved")
    expect(page.get_by_text("Your answer: Legal framework")).to_be_visible()
    assert page.evaluate("window.__sameDocument === true"), "the page was reloaded"
    assert "saved=1" in page.url
    assert store.voters(POLL) == 1
    page.get_by_label("Pragmatism", exact=True).check()  # the new form's script is live: count and resend work
    expect(page.locator("#count")).to_have_text("2 of 3 chosen")
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_text("Your answer: Legal framework and Pragmatism")).to_be_visible()
    assert page.evaluate("window.__sameDocument === true")
    assert store.voters(POLL) == 1


@pytest.mark.parametrize("locale", ["en-GB", "ar", "fr"])
def test_the_ballot_has_no_serious_accessibility_violation(browser: Browser, contexts: list[BrowserContext],
                                                           store: SQLiteVoteStore, url: str, locale: str) -> None:
    """axe-core, WCAG 2.2 A/AA, on a phone: the question, the answer sent, and a closed poll."""
    page = phone(browser, contexts, locale=locale)
    page.goto(f"{url}/ballot?poll={POLL}")
    assert axe_violations(page) == []
    page.locator("input[name=choice]").nth(0).check()
    page.locator("form button[type=submit]").click()
    page.wait_for_load_state()
    assert axe_violations(page) == []
    store.set_status(SINGLE, CLOSED)
    try:
        page.goto(f"{url}/ballot?poll={SINGLE}")
        assert axe_violations(page) == []
    finally:
        store.set_status(SINGLE, OPEN)


def test_control_axe_finds_what_it_should(browser: Browser, contexts: list[BrowserContext], url: str) -> None:
    page = phone(browser, contexts)
    page.goto(f"{url}/ballot?poll={POLL}")
    page.evaluate("() => { const img = document.createElement('img'); img.src = 'data:,';"
                  " document.body.append(img); document.body.style.color = '#bbb'; }")
    found = {violation["id"] for violation in axe_violations(page)}
    assert {"image-alt", "color-contrast"} <= found  # an unlabelled image and grey text are caught
