"""A room in a real browser: one presenter, three phones voting, a live tally."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import ROOT, screenshot, streamlit_server, wait_idle

pytestmark = pytest.mark.browser
PASSWORD = "facilitator-passphrase"


def vote(page: Page, options: list[str]) -> None:
    box = page.get_by_role("combobox")
    for option in options:  # type to filter, Enter to pick: as a keyboard user would
        box.click()
        box.fill(option)
        page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_text("Your answer is saved")).to_be_visible(timeout=30_000)


def test_presenter_sees_votes_from_three_phones(tmp_path: Path, new_page) -> None:  # type: ignore[no-untyped-def]
    env = {"MC2CM_ADMIN_PASSWORD": PASSWORD, "MC2CM_VOTES_DB": str(tmp_path / "votes.sqlite3"),
           "MC2CM_PUBLIC_URL": "http://10.42.0.1:8501"}
    with streamlit_server(ROOT / "data", env=env) as url:
        # The controls are in the presenter view (signed in); the projector shows the scene only.
        controls = new_page(width=1440, height=900).open(f"{url}/present?view=presenter&lang=en&scene=recommendations")
        controls.get_by_label("Your name (for the change log)").fill("Lina")
        controls.get_by_label("Password", exact=True).fill(PASSWORD)
        controls.get_by_role("button", name="Sign in").click()
        controls.get_by_role("button", name="Open the poll").click()
        wait_idle(controls)
        presenter = new_page(width=1920, height=1080).open(f"{url}/present?lang=en&scene=recommendations")
        voters = presenter.get_by_test_id("mc2cm-voters")
        expect(voters).to_have_text("0 people answered", timeout=30_000)
        expect(presenter.get_by_text("http://10.42.0.1:8501/ballot?poll=top-three-priorities")).to_be_visible()

        choices = [["Legal framework", "Pragmatism"], ["Pragmatism"],
                   ["Legal framework", "Capacity building of local actors working on migration"]]
        phones = []
        for picked in choices:
            phone = new_page(width=390, height=844).open(f"{url}/vote?poll=top-three-priorities&lang=en")
            vote(phone, picked)
            phones.append(phone)
        expect(voters).to_have_text("3 people answered", timeout=30_000)  # refreshed by itself

        again = phones[1]
        again.reload()
        wait_idle(again)
        expect(again.get_by_text("Your answer: Pragmatism")).to_be_visible(timeout=30_000)  # same browser, same ballot
        again.get_by_role("button", name="Clear all").click()
        vote(again, ["Legal framework"])
        expect(voters).to_have_text("3 people answered", timeout=30_000)
        screenshot(presenter, "present-poll-en")

        presenter.keyboard.press("ArrowRight")
        presenter.wait_for_function("() => new URL(location.href).searchParams.get('scene') === 'key-messages'",
                                    timeout=30_000)
        wait_idle(presenter)  # the new scene's run has drawn its buttons before the next key
        presenter.keyboard.press("PageUp")
        presenter.wait_for_function("() => new URL(location.href).searchParams.get('scene') === 'recommendations'",
                                    timeout=30_000)
