"""Replays of the security review's findings against a running server, each with its control.

- headers and the metrics endpoint (control: the plain ``streamlit run app.py`` has neither guard);
- anonymous uploads (control: without the front door any session may upload, up to the size cap);
- the sign-in brake against ``clear_cache`` and parallel sessions;
- ballot stuffing with fresh sessions and forged voter cookies.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.sync.client import ClientConnection, connect

from mc2cm.votes import OPEN, SQLiteVoteStore
from tests.browser.support import CHROMIUM_ARGS, ROOT, copy_data, streamlit_server, wait_idle

pytestmark = pytest.mark.browser
PASSWORD = "sfax-2019-staff-passphrase"
POLL = "top-three-priorities"


def fetch(url: str, *, method: str = "GET", headers: dict[str, str] | None = None,
          data: bytes | None = None) -> tuple[int, dict[str, str]]:
    request = urllib.request.Request(url, method=method, headers=headers or {}, data=data)  # noqa: S310 - loopback
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, {k.lower(): v for k, v in response.headers.items()}
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}


def has_security_headers(headers: dict[str, str]) -> bool:
    csp = headers.get("content-security-policy", "")
    return ("img-src 'self' data:" in csp and "frame-ancestors 'self'" in csp
            and headers.get("referrer-policy") == "no-referrer" and headers.get("x-content-type-options") == "nosniff")


# --- headers and internal endpoints ---------------------------------------------------


def test_every_response_carries_the_security_headers(server: str) -> None:
    for path in ("/", "/map?lang=ar", "/app/static/vendor/leaflet/leaflet.js", "/_stcore/health", "/no-such-page"):
        status, headers = fetch(server + path)
        assert status in (200, 404), path
        assert has_security_headers(headers), (path, headers)


def test_metrics_answer_this_machine_only(server: str) -> None:
    assert fetch(server + "/_stcore/metrics")[0] == 200
    for header in ({"X-Forwarded-For": "203.0.113.7"}, {"Forwarded": "for=203.0.113.7"}, {"X-Real-IP": "203.0.113.7"}):
        assert fetch(server + "/_stcore/metrics", headers=header)[0] == 403, header


# --- uploads ------------------------------------------------------------------------------


def open_session(url: str) -> ClientConnection:
    """A websocket session as a browser opens one (synchronous client: Playwright owns the event loop)."""
    ws = connect(url.replace("http://", "ws://") + "/_stcore/stream", subprotocols=["streamlit"],  # type: ignore[list-item]
                 max_size=None, close_timeout=1)
    back = BackMsg()
    back.rerun_script.query_string = ""
    back.rerun_script.page_name = ""
    ws.send(back.SerializeToString())
    return ws


def session_id(ws: ClientConnection) -> str:
    while True:
        raw = ws.recv(timeout=60)
        if isinstance(raw, bytes):
            msg = ForwardMsg()
            msg.ParseFromString(raw)
            if msg.WhichOneof("type") == "new_session":
                return msg.new_session.initialize.session_id


def _xsrf_token(url: str) -> str:
    """The XSRF cookie any visitor gets, which Streamlit's upload endpoint then accepts as a header."""
    _, headers = fetch(url + "/_stcore/health")
    cookie = headers.get("set-cookie", "")
    assert "_streamlit_xsrf=" in cookie, headers
    return cookie.split("_streamlit_xsrf=", 1)[1].split(";", 1)[0]


def _put_file(url: str, session_id: str, size: int) -> int:
    token = _xsrf_token(url)
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.csv\"\r\n"
            f"Content-Type: text/csv\r\n\r\n").encode() + b"a" * size + f"\r\n--{boundary}--\r\n".encode()
    status, _ = fetch(f"{url}/_stcore/upload_file/{session_id}/{uuid.uuid4().hex}", method="PUT", data=body,
                      headers={"Content-Type": f"multipart/form-data; boundary={boundary}",
                               "X-Xsrftoken": token, "Cookie": f"_streamlit_xsrf={token}"})
    return status


def _anonymous_uploads(url: str, sizes: tuple[int, ...]) -> list[int]:
    ws = open_session(url)
    try:
        session = session_id(ws)
        return [_put_file(url, session, size) for size in sizes]
    finally:
        ws.close()


def test_anonymous_sessions_cannot_upload_files(server: str) -> None:
    assert _anonymous_uploads(server, (10_000, 3_000_000)) == [403, 403]


def test_control_without_the_front_door_anyone_uploads_but_only_up_to_the_cap(tmp_path: Path) -> None:
    """The control: the plain app takes an anonymous upload; the size cap (server.maxUploadSize) still holds."""
    with streamlit_server(copy_data(tmp_path / "data"), entry="app.py") as plain:
        small, large = _anonymous_uploads(plain, (10_000, 3_000_000))
        assert small in (200, 204)
        assert large == 413
        status, headers = fetch(plain + "/")
        assert status == 200
        assert not has_security_headers(headers)
        assert fetch(plain + "/_stcore/metrics", headers={"X-Forwarded-For": "203.0.113.7"})[0] == 200


# --- the sign-in brake --------------------------------------------------------------------


def try_password(page: Page, password: str) -> None:
    page.get_by_label("Your name (for the change log)").fill("Someone")
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def answer(page: Page) -> str:
    wait_idle(page)
    alert = page.locator('[data-testid="stAlertContentError"]')
    alert.first.wait_for(timeout=30_000)
    return alert.first.inner_text()


def seconds_in(message: str) -> int:
    return int(re.search(r"(\d+) s", message)[1])  # type: ignore[index]


def fail_until_a_long_wait(page: Page, at_least: int) -> None:
    """Guess (waiting out each pause) until the brake holds this client for ``at_least`` seconds."""
    while True:
        try_password(page, "guess")
        message = answer(page)
        if message.startswith("Wrong password") and "try again in" in message and seconds_in(message) >= at_least:
            return
        if message.startswith("Too many failed attempts"):
            page.wait_for_timeout(seconds_in(message) * 1000 + 200)


def clear_caches(ws: ClientConnection) -> None:
    """What any websocket client may send: Streamlit empties every cache, for everyone."""
    back = BackMsg()
    back.clear_cache = True
    ws.send(back.SerializeToString())


def test_the_brake_holds_against_clear_cache_and_parallel_sessions(tmp_path: Path, browser: Browser) -> None:
    env = {"MC2CM_ADMIN_PASSWORD": PASSWORD}
    with streamlit_server(copy_data(tmp_path / "data"), env=env) as url:
        pages = []
        for _ in range(6):
            page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
            page.goto(f"{url}/manage?lang=en")
            wait_idle(page)
            pages.append(page)
        answers: list[str] = []
        for _ in range(3):  # three rounds of six sessions guessing at once
            for page in pages:
                try_password(page, "guess")
            answers.extend(answer(page) for page in pages)
        checked = [a for a in answers if a.startswith("Wrong password")]
        refused = [a for a in answers if a.startswith("Too many failed attempts")]
        assert len(checked) + len(refused) == 18
        assert len(checked) <= 5, answers   # two free typos, then one check per doubling wait
        attacker = open_session(url)
        session_id(attacker)
        fail_until_a_long_wait(pages[0], at_least=8)
        clear_caches(attacker)
        attacker.close()
        try_password(pages[0], PASSWORD)
        assert answer(pages[0]).startswith("Too many failed attempts"), "clear_cache released the brake"
        for page in pages:
            page.context.close()


# --- ballots ------------------------------------------------------------------------------


def ready_ballot(browser: Browser, url: str, cookie: str | None = None) -> Page:
    """A phone (its own cookies) with an answer picked, not yet sent."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    if cookie:
        context.add_cookies([{"name": "mc2cm_voter", "value": cookie, "url": url}])
    page = context.new_page()
    page.goto(f"{url}/vote?poll={POLL}&lang=en")
    wait_idle(page)
    box = page.get_by_role("combobox")
    box.click()
    box.fill("Pragmatism")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    return page


def outcome(page: Page) -> str:
    saved, limited = page.get_by_text("Your answer is saved"), page.get_by_text("Many new answers")
    expect(saved.or_(limited)).to_be_visible(timeout=30_000)
    result = "saved" if saved.is_visible() else "limited"
    page.context.close()
    return result


def send(page: Page) -> Page:
    page.get_by_role("button", name="Send my answer").click()
    return page


def test_one_client_cannot_stuff_the_ballot_box(tmp_path: Path, browser: Browser) -> None:
    votes = tmp_path / "votes.sqlite3"
    store = SQLiteVoteStore(votes)
    store.set_status(POLL, OPEN)
    with streamlit_server(copy_data(tmp_path / "data"), env={"MC2CM_VOTES_DB": str(votes),
                                                             "MC2CM_SECRET": "test-secret-" + "x" * 20}) as url:
        forged = "f" * 32  # the old cookie format: any 32 hex digits named a voter
        store.submit(POLL, forged, ["legal-framework"])
        assert outcome(send(ready_ballot(browser, url, cookie=forged))) == "saved"
        assert store.ballot(POLL, forged) == ("legal-framework",), "a forged cookie replaced someone's ballot"
        # A script opening fresh sessions: fourteen ballots sent within a few seconds.
        phones = [ready_ballot(browser, url) for _ in range(14)]
        outcomes = [outcome(page) for page in [send(page) for page in phones]]
        assert outcomes.count("limited") >= 3, outcomes   # a burst of ten (less the forged one), then a trickle
        assert store.voters(POLL) == 1 + 1 + outcomes.count("saved")


def test_chromium_args_are_the_suites() -> None:
    assert "--no-sandbox" in CHROMIUM_ARGS
    assert ROOT.is_dir()
