"""The projector at 1920 x 1080 shows the scene only, read from the back row; the presenter view steps it.

Two browser contexts (two windows that share nothing but the server): the presenter on a laptop in
French, the projector in Arabic, and a phone as the clicker.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from mc2cm.scenes import qr_side_px
from tests.browser.accessibility import axe_violations
from tests.browser.support import ROOT, screenshot, streamlit_server, wait_idle

pytestmark = pytest.mark.browser
PASSWORD = "facilitator-passphrase"
BODY_MIN_PX = 28  # README, "Presenting with the room": nothing on the slide under 28 px on 1080 lines
NOTE_FR = "La synthèse indique que 10 initiatives ont été présentées"


def env(tmp_path: Path) -> dict[str, str]:
    return {"MC2CM_ADMIN_PASSWORD": PASSWORD, "MC2CM_VOTES_DB": str(tmp_path / "votes.sqlite3"),
            "MC2CM_PUBLIC_URL": "http://10.42.0.1:8501"}


def sign_in(page: Page, name: str = "Votre nom (pour le journal des modifications)") -> None:
    page.get_by_label(name).fill("Lina")
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    wait_idle(page)


def scene_of(page: Page) -> str:
    return str(page.evaluate("() => new URL(location.href).searchParams.get('scene')"))


def wait_for_scene(page: Page, scene: str) -> None:
    """The projector follows by itself: wait for it (a deadline, not a measured time)."""
    page.wait_for_function(f"() => new URL(location.href).searchParams.get('scene') === '{scene}'", timeout=30_000)
    wait_idle(page)


VISIBLE_BUTTONS = """() => [...document.querySelectorAll('button, [role=button], input, select, textarea, summary')]
  .filter(el => { const r = el.getBoundingClientRect(), s = getComputedStyle(el);
                  return r.width > 0 && r.height > 0 && s.visibility !== 'hidden'
                         && r.right > 0 && r.bottom > 0 && r.left < innerWidth && r.top < innerHeight; })
  .map(el => (el.innerText || el.getAttribute('aria-label') || el.tagName).trim())"""

SMALL_TEXT = """(least) => {
  const small = [];
  const walker = document.createTreeWalker(document.querySelector('[data-testid="stMain"]'), NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.textContent.trim() || el.closest('svg, .mc2cm-slide-foot, .st-key-clicker-keys')) continue;
    const r = el.getBoundingClientRect(), s = getComputedStyle(el);
    if (r.width === 0 || s.visibility === 'hidden' || s.display === 'none') continue;
    if (parseFloat(s.fontSize) < least) small.push(`${parseFloat(s.fontSize)}px ${node.textContent.trim().slice(0, 40)}`);
  }
  return small; }"""


SMALL_CHART_TEXT = """(least) => [...document.querySelectorAll('[data-testid="stMain"] .main-svg text')]
  .filter(t => t.textContent.trim() && parseFloat(getComputedStyle(t).fontSize) < least)
  .map(t => `${parseFloat(getComputedStyle(t).fontSize)}px (chart) ${t.textContent.trim().slice(0, 40)}`)"""


def px(page: Page, selector: str, prop: str = "font-size") -> float:
    return float(page.locator(selector).first.evaluate(f"el => parseFloat(getComputedStyle(el)['{prop}'])"))


def slide_checks(page: Page) -> dict[str, Any]:
    qr = page.get_by_test_id("mc2cm-qr").bounding_box()
    return {"buttons": page.evaluate(VISIBLE_BUTTONS),
            "small": page.evaluate(SMALL_TEXT, BODY_MIN_PX) + page.evaluate(SMALL_CHART_TEXT, BODY_MIN_PX),
            "qr": round(qr["width"]) if qr else 0, "password": page.locator("input[type=password]").count(),
            "fits": page.evaluate("() => { const m = document.querySelector('[data-testid=\"stMain\"]'), "
                                  "f = document.querySelector('.mc2cm-slide-foot').getBoundingClientRect();"
                                  " return m.scrollHeight <= m.clientHeight && f.bottom <= innerHeight; }")}


def test_the_projector_at_1080p_is_the_scene_only(tmp_path: Path, new_page) -> None:  # type: ignore[no-untyped-def]
    with streamlit_server(ROOT / "data", env=env(tmp_path)) as url:
        projector = new_page(width=1920, height=1080).page
        for lang, scene in (*(("en", s) for s in ("context-and-participants", "initiatives-on-the-map",
                                                     "coordination-challenges", "recommendations", "questions-in-numbers",
                                                     "guiding-question-vote", "rank-the-priorities",
                                                     "rate-the-key-messages")),
                            ("fr", "guiding-question-vote"), ("ar", "guiding-question-vote")):
            projector.goto(f"{url}/present?lang={lang}&scene={scene}")
            wait_idle(projector)
            projector.wait_for_function("() => !document.querySelector('[data-stale=\"true\"]')", timeout=30_000)
            projector.evaluate("() => document.fonts.ready")
            screenshot(projector, f"projector-1080p-{scene}-{lang}")
            checks = slide_checks(projector)
            print(lang, scene, checks)
            # no sign-in, no notes, no controls: the only thing to click is a quiet link to the presenter view
            assert checks["buttons"] == []
            assert checks["password"] == 0
            assert projector.get_by_text("Ask the room to scan the code").count() == 0
            expect(projector.get_by_test_id("mc2cm-presenter-link")).to_be_visible()
            # the QR code as large as designed for the back row (13 m), its address in body type
            assert checks["qr"] == qr_side_px() == 648
            assert px(projector, '[data-testid="stCode"] code') >= BODY_MIN_PX
            assert checks["small"] == []
            assert checks["fits"]  # the slide fills the screen and no more: the foot line is in view, nothing scrolls
            assert axe_violations(projector) == []
            if scene == "context-and-participants":  # key figures above the subtitle in the type scale
                assert px(projector, ".mc2cm-figures dd") > px(projector, '[data-testid="stMain"] h3') >= 40
            if scene == "initiatives-on-the-map":  # the legend: every area colour of the schema
                expect(projector.locator(".mc2cm-legend i")).to_have_count(4)
        # Controls of the checks above: each finds what it looks for where it is.
        assert projector.evaluate(SMALL_CHART_TEXT, 100) == []  # the whole questions are text, no chart
        projector.goto(f"{url}/present?lang=en&scene=rank-the-priorities")
        wait_idle(projector)
        expect(projector.locator(".main-svg text").first).to_be_attached(timeout=30_000)
        assert projector.evaluate(SMALL_CHART_TEXT, BODY_MIN_PX) == []
        assert len(projector.evaluate(SMALL_CHART_TEXT, 100)) >= 5  # the chart's words are measured: its 5 labels
        projector.evaluate("() => document.querySelector('.mc2cm-qr').style.setProperty('--mc2cm-qr', '260px')")
        assert slide_checks(projector)["qr"] == 260
        projector.evaluate("() => document.querySelector('[data-testid=\"stMain\"] [data-testid=\"stCaptionContainer\"] p')"
                           ".style.setProperty('font-size', '14px', 'important')")
        assert slide_checks(projector)["small"] != []
        projector.goto(f"{url}/present?lang=en&view=presenter")
        wait_idle(projector)
        expect(projector.locator("input[type=password]")).to_have_count(1, timeout=30_000)
        assert any("Sign in" in shown for shown in projector.evaluate(VISIBLE_BUTTONS))


def test_the_projector_follows_the_presenter_in_its_own_language(tmp_path: Path, new_page) -> None:  # type: ignore[no-untyped-def]
    with streamlit_server(ROOT / "data", env=env(tmp_path)) as url:
        presenter = new_page(width=1440, height=900, locale="fr-FR").open(f"{url}/present?view=presenter&lang=fr")
        sign_in(presenter)
        forward = presenter.locator(".st-key-presenter-next button")  # by key: the clicker's Page Down twin shares its name
        expect(forward).to_be_visible()
        projector = new_page(width=1920, height=1080, locale="ar").open(f"{url}/present?lang=ar")
        assert scene_of(projector) == "context-and-participants"

        for _ in range(2):
            forward.click()
            wait_idle(presenter)
        assert scene_of(presenter) == "initiatives-on-the-map"
        expect(presenter.get_by_test_id("mc2cm-notes")).to_contain_text(NOTE_FR)  # the notes, in French
        expect(presenter.get_by_test_id("mc2cm-next-scene")).to_contain_text("Cinq grands défis de coordination")

        wait_for_scene(projector, "initiatives-on-the-map")  # followed, without a touch
        expect(projector.locator("h1")).to_have_text("الممارسات المعروضة في صفاقس")
        assert projector.evaluate("() => getComputedStyle(document.querySelector('[data-testid=\"stMain\"]')).direction") \
            == "rtl"
        assert projector.get_by_text(NOTE_FR).count() == 0

        # the timer counts in the browser (a CSS animation of the seconds): it moves with no run of the script
        seconds = "() => getComputedStyle(document.querySelector('[data-testid=\"mc2cm-timer\"]')).getPropertyValue('--mc2cm-s')"
        first = presenter.evaluate(seconds)
        presenter.wait_for_function(f"first => ({seconds})() !== first", arg=first, timeout=10_000)
        screenshot(presenter, "presenter-view-fr")
        assert axe_violations(presenter) == []
        screenshot(projector, "projector-follows-ar")

        # a phone signed in as facilitator is the clicker: big buttons side by side at 390 px
        phone = new_page(width=390, height=844, locale="fr-FR").open(f"{url}/present?view=presenter&lang=fr")
        sign_in(phone)
        back, forward = phone.locator(".st-key-presenter-prev button"), phone.locator(".st-key-presenter-next button")
        back_box, forward_box = back.bounding_box(), forward.bounding_box()
        assert back_box
        assert forward_box
        assert min(back_box["height"], forward_box["height"]) >= 88
        assert abs(back_box["y"] - forward_box["y"]) < 2  # one row: a thumb moves across, not down
        assert forward_box["y"] + forward_box["height"] <= 844  # in view without scrolling
        screenshot(phone, "presenter-phone-fr")
        assert axe_violations(phone) == []
        forward.click()
        wait_idle(phone)
        wait_for_scene(projector, "coordination-challenges")
        wait_for_scene(presenter, "coordination-challenges")  # the laptop's presenter view follows the phone too
