"""/brief.pdf prints each view once per data version, and never more than two at a time."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mc2cm.loading import load_dataset
from web import brief as door

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def printed(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    calls: list[str] = []

    def fake_pdf(html: str, _assets: Path | None = None) -> bytes:
        assert door.PDF_SLOTS._value < 2
        calls.append(html)
        return b"%PDF-fake"

    monkeypatch.setattr(door, "html_to_pdf", fake_pdf)
    monkeypatch.setattr(door, "dataset", lambda: load_dataset(ROOT / "data"))
    door._pdf.cache_clear()
    yield calls
    door._pdf.cache_clear()  # no fake PDF stays behind for other tests


def test_the_same_view_is_printed_once(printed: list[str]) -> None:
    data = load_dataset(ROOT / "data")
    for _ in range(3):
        response = door.brief_pdf(data, {"lang": ["ar"], "area": ["emergency_aid"]}, None, "http://x/")
        assert response.status_code == 200
        assert bytes(response.body) == b"%PDF-fake"
    assert len(printed) == 1


def test_control_another_view_or_language_is_printed_again(printed: list[str]) -> None:
    data = load_dataset(ROOT / "data")
    door.brief_pdf(data, {"lang": ["ar"], "area": ["emergency_aid"]}, None, "http://x/")
    door.brief_pdf(data, {"lang": ["fr"], "area": ["emergency_aid"]}, None, "http://x/")
    door.brief_pdf(data, {"lang": ["ar"], "country": ["LB"]}, None, "http://x/")
    assert len(printed) == 3
