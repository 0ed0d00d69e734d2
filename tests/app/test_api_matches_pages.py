"""The open data API returns the rows the pages show: its counts against the pages' own captions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mc2cm.i18n import tn
from mc2cm.loading import Dataset, load_dataset
from tests.app.support import open_page
from web.api import answer

ROOT = Path(__file__).resolve().parents[2]
COMBINATIONS: list[dict[str, str | list[str]]] = [
    {},
    {"area": "emergency_aid"},
    {"country": "LB"},
    {"q": "Caritas"},
    {"area": ["access_to_services", "intercultural_dialogue"], "actor": "cso"},
    {"source": "sfax-2019-summary", "q": "data"},
]


@pytest.fixture(scope="module")
def data() -> Dataset:
    return load_dataset(ROOT / "data")


def api_count(data: Dataset, table: str, params: dict[str, str | list[str]]) -> int:
    wrapped = {key: value if isinstance(value, list) else [value] for key, value in params.items()}
    response = answer(data, f"{table}.json", wrapped, None, "http://test/")
    assert response.status_code == 200
    return int(json.loads(bytes(response.body))["meta"]["count"])


def captions(page: str, params: dict[str, str | list[str]]) -> list[str]:
    at = open_page(page, params)
    assert not at.exception
    return [c.value for c in at.caption]


def says(texts: list[str], phrase: str) -> bool:
    return any(text == phrase or text.startswith(phrase + " ·") for text in texts)


@pytest.mark.parametrize("params", COMBINATIONS, ids=repr)
def test_initiatives_count_matches_the_page(data: Dataset, params: dict[str, str | list[str]]) -> None:
    count = api_count(data, "initiatives", params)
    shown = captions("pages/initiatives.py", params)
    assert says(shown, tn("count.initiatives", count, "en")), shown
    assert not says(shown, tn("count.initiatives", count + 1, "en"))  # control: another count is not found


@pytest.mark.parametrize("params", [{}, {"source": "sfax-2019-summary"}, {"q": "data"}], ids=repr)
def test_challenges_and_recommendations_match_the_page(data: Dataset, params: dict[str, str | list[str]]) -> None:
    challenges = api_count(data, "challenges", params)
    recommendations = api_count(data, "recommendations", params)
    shown = " ".join(captions("pages/challenges.py", params))
    assert tn("count.challenges", challenges, "en") in shown
    assert tn("count.recommendations", recommendations, "en") in shown


def test_the_combinations_select_different_amounts(data: Dataset) -> None:
    """Control: the filters above do change the count, so matching captions are not a coincidence."""
    counts = {api_count(data, "initiatives", params) for params in COMBINATIONS}
    assert len(counts) >= 4


def test_data_page_offers_citation_api_links_and_offline_copy() -> None:
    at = open_page("pages/data.py", {"lang": "fr", "area": "emergency_aid"})
    assert not at.exception
    codes = [c.value for c in at.code]
    assert any("CC BY 4.0" in code and "Version" in code for code in codes)  # the citation, in French
    html = " ".join(str(h.proto.body) for h in at.get("html"))
    assert "/api/v1/initiatives.json?lang=fr&amp;area=emergency_aid" in html  # this view's filters
    assert "/api/v1/datapackage.zip?lang=fr&amp;area=emergency_aid" in html
    labels = [b.proto.label for b in at.get("download_button")]
    assert "mc2cm-offline.zip" in labels
