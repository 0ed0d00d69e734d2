"""/places in three languages: the list, a place page, a comparison, and bad addresses; no raw code reaches a reader."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from mc2cm.i18n import LANGS, country_name, t, tn
from mc2cm.loading import load_dataset
from tests.app.support import open_page
from tests.app.test_no_raw_separators import visible_strings

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
TAGS = re.compile(r"<[^>]+>")
# Codes a reader must never see: vocabularies (areas, roles), ids of initiatives and places, the list bar.
RAW = re.compile(r"\|\b|\b(?:access_to_services|emergency_aid|intercultural_dialogue|socio-economic-inclusion"
                 r"|service-provision|athens-tangier-tunis-language-classes|grande-synthe)\b")


@pytest.fixture(autouse=True)
def shipped_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MC2CM_DATA_DIR", str(DATA))
    monkeypatch.setenv("MC2CM_VOTES_DB", str(tmp_path / "votes.sqlite3"))


def shown(at: AppTest) -> list[str]:
    """What a person reads: markup and link targets dropped."""
    assert not at.exception, [e.value for e in at.exception]
    return [html.unescape(TAGS.sub(" ", s)) for s in visible_strings(at)]


def raw_codes(at: AppTest) -> list[str]:
    return [s for s in shown(at) if RAW.search(s)]


def test_control_the_raw_code_check_sees_a_code() -> None:
    assert RAW.search("Athens · access_to_services")
    assert RAW.search("calais|paris")
    assert not RAW.search("Accès aux services de base")


@pytest.mark.parametrize("lang", LANGS)
def test_a_place_page(lang: str) -> None:
    at = open_page("pages/places.py", {"lang": lang, "id": "tunis"})
    data = load_dataset(DATA)
    assert [x.value for x in at.title] == [data.cities.at["tunis", "name_" + lang]]
    headings = [x.value for x in at.subheader]
    assert headings[:3] == [t("places.happens", lang), t("places.challenges", lang), t("places.sources", lang)]
    text = " ".join(shown(at))
    assert data.initiatives.at["athens-tangier-tunis-language-classes", f"name_{lang}"] in text
    assert tn("places.passages", 5, lang) in text
    assert "<mark>" in " ".join(visible_strings(at))  # the name highlighted in its passage
    assert any(country_name("TN", lang) in x.value for x in at.info)  # تونس is also the country's name: said
    assert raw_codes(at) == []


@pytest.mark.parametrize("lang", LANGS)
def test_a_comparison(lang: str) -> None:
    at = open_page("pages/places.py", {"lang": lang, "compare": "athens,tunis,paris"})
    data = load_dataset(DATA)
    names = [data.cities.at[c, f"name_{lang}"] for c in ("athens", "tunis", "paris")]
    assert all(name in at.title[0].value for name in names)
    assert [x.value for x in at.subheader] == [t("places.compare_areas", lang), t("places.compare_roles", lang)]
    tables = [*at.dataframe, *at.table]
    assert len(tables) >= 3  # the counts, the chart's text alternative, the roles
    assert at.get("plotly_chart")  # the chart, whose table is one of the above
    assert raw_codes(at) == []


@pytest.mark.parametrize("lang", LANGS)
def test_the_list_of_places(lang: str) -> None:
    at = open_page("pages/places.py", {"lang": lang})
    assert at.title[0].value == t("page.places", lang)
    body = " ".join(visible_strings(at))
    assert len(re.findall(r"data-place=", body)) == len(load_dataset(DATA).cities)
    assert raw_codes(at) == []


@pytest.mark.parametrize(("params", "key"), [
    ({"id": "atlantis"}, "places.unknown_id"),
    ({"compare": "athens"}, "places.compare_too_few"),
    ({"compare": "athens,tunis,paris,berlin,calais"}, "places.compare_too_many"),
    ({"compare": "athens,atlantis"}, "places.compare_unknown"),
])
def test_bad_addresses_get_a_clear_message(params: dict[str, str], key: str) -> None:
    at = open_page("pages/places.py", {"lang": "fr", **params})
    assert not at.exception
    [warning] = at.warning
    expected = t(key, "fr", id="atlantis", ids="atlantis", n=len(params.get("compare", "").split(",")))
    assert warning.value.replace("\\", "") == expected
    assert at.title[0].value == t("page.places", "fr")  # and the list to choose from


def test_an_initiative_page_links_to_each_of_its_places() -> None:
    at = open_page("pages/initiatives.py", {"lang": "ar", "id": "athens-tangier-tunis-language-classes"})
    assert not at.exception
    links = [(p.proto.label, p.proto.query_string) for p in at.get("page_link")
             if p.proto.page == "places" and "id=" in p.proto.query_string]
    assert links == [(t("places.open_named", "ar", place=name), f"id={city}&lang=ar")
                     for city, name in (("athens", "أثينا"), ("tangier", "طنجة"), ("tunis", "تونس"))]


def test_the_language_switch_keeps_the_shareable_address() -> None:
    at = open_page("pages/places.py", {"lang": "en", "compare": "athens,tunis"})
    at.button_group(key="w_lang").set_value("ar").run()
    assert not at.exception
    assert dict(at.query_params)["compare"] == "athens,tunis"
    assert at.title[0].value.replace("\\", "") == t("places.compare_title", "ar", places="أثينا وتونس")
