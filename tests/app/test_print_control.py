"""Every page offers "Print / PDF": the brief of the view the reader is on (web/brief.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from mc2cm.assets import FRONT_DOOR_ENV
from mc2cm.i18n import t
from tests.app.support import open_page

ROOT = Path(__file__).resolve().parents[2]
PAGES = ["app.py", *sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py"))]


def print_links(at: AppTest, lang: str) -> list[str]:
    assert not at.exception, [e.value for e in at.exception]
    return [node.proto.url for node in at.get("link_button") if node.proto.label == t("brief.print", lang)]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_opens_the_brief_of_its_view(page: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert len(PAGES) > 5
    monkeypatch.setenv(FRONT_DOOR_ENV, "1")
    links = print_links(open_page(page, {"lang": "ar", "area": "emergency_aid"}), "ar")
    assert links == ["/brief?lang=ar&area=emergency_aid"]


def test_the_detail_page_prints_its_initiative(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(FRONT_DOOR_ENV, "1")
    at = open_page("pages/initiatives.py", {"lang": "fr", "id": "brital-syrian-displacement-response"})
    assert print_links(at, "fr") == ["/brief?lang=fr&id=brital-syrian-displacement-response"]


def test_control_without_the_front_door_there_is_no_brief_to_open(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(FRONT_DOOR_ENV, raising=False)
    assert print_links(open_page("pages/map.py", {"lang": "en"}), "en") == []
