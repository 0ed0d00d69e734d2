"""Pages link each citation to its passage in /sources behind the front door, and show no dead link without it."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from mc2cm.assets import FRONT_DOOR_ENV
from tests.app.support import open_page

BRITAL = "/sources?id=sfax-2019-summary&amp;at=initiatives%3Abrital-syrian-displacement-response&amp;lang=fr#passage"


def page_text(at: AppTest) -> str:
    """Everything the page wrote: Markdown, captions and HTML blocks."""
    parts = [str(e.value) for e in (*at.markdown, *at.caption)]
    parts += [str(getattr(e, "proto", "")) for e in at.get("html")]
    return "\n".join(parts)


@pytest.mark.parametrize(("page", "params", "wanted"), [
    ("pages/initiatives.py", {"id": "brital-syrian-displacement-response", "lang": "fr"}, BRITAL),
    ("pages/challenges.py", {"lang": "en"}, "/sources?id=sfax-2019-summary&at=challenges%3A"),
    ("pages/cso_roles.py", {"lang": "ar"}, "at=role_assessments%3A"),
    ("pages/data.py", {"lang": "fr"}, "(/sources?id=sfax-2019-background-paper&lang=fr)"),
    ("pages/present.py", {"lang": "fr", "scene": "coordination-challenges"}, "at=challenges%3A"),
    ("pages/present.py", {"lang": "en", "scene": "guiding-questions"}, "at=guiding_questions%3A"),
])
def test_citations_link_to_their_passage(monkeypatch: pytest.MonkeyPatch, page: str, params: dict[str, str],
                                         wanted: str) -> None:
    monkeypatch.setenv(FRONT_DOOR_ENV, "1")
    at = open_page(page, params)
    assert not at.exception
    assert wanted in page_text(at)


def test_control_no_front_door_no_link(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(FRONT_DOOR_ENV, raising=False)
    at = open_page("pages/initiatives.py", {"id": "brital-syrian-displacement-response", "lang": "fr"})
    assert not at.exception
    assert "/sources?" not in page_text(at)
