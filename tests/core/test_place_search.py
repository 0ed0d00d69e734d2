"""Search that knows places (issue 13, item 3), on the shipped data.

Each guard has a control: the same search with the guard removed finds less.
"""

from __future__ import annotations

import dataclasses
from functools import cache
from pathlib import Path

import pandas as pd
import pytest

from mc2cm import filters
from mc2cm.filters import Selection, fold, place_spellings, select_initiatives
from mc2cm.gazetteer import find
from mc2cm.loading import Dataset, load_dataset

ROOT = Path(__file__).resolve().parents[2]
LEBANON = {"brital-syrian-displacement-response", "beirut-ngo-education-migrant-children"}
NADOR = {"nador-africa-intercultural-fair", "al-madina-inclusive-cities-project",
         "beni-ansar-migrants-economic-cultural-rights"}
CARITAS = {"douala-caritas-decent-housing", "sfax-caritas-access-to-services"}
BRITAL = {"brital-syrian-displacement-response"}


@cache
def shipped() -> Dataset:
    data = load_dataset(ROOT / "data")
    assert len(data.initiatives) > 20
    assert data.valid
    return data


def found(q: str, data: Dataset | None = None) -> set[str]:
    return set(select_initiatives(data or shipped(), Selection(q=q)).index)


def without_aliases() -> Dataset:
    data = shipped()
    tables = dict(data.tables)
    tables["cities"] = tables["cities"].assign(aliases=[()] * len(tables["cities"]))
    tables["initiatives"] = tables["initiatives"].assign(lead_aliases=[()] * len(tables["initiatives"]))
    return dataclasses.replace(data, tables=tables)


def no_place_names(_data: Dataset, frame: pd.DataFrame) -> pd.Series:
    return pd.Series([()] * len(frame), index=frame.index, dtype=object)


def no_spellings(_cities: pd.DataFrame) -> dict[str, tuple[str, ...]]:
    return {}


# --- countries and cities in three languages -------------------------------------------


@pytest.mark.parametrize("q", ["Lebanon", "Liban", "لبنان"])
def test_country_names_in_three_languages(q: str) -> None:
    lebanese = {i for i, codes in filters.initiative_countries(shipped()).items() if "LB" in codes}
    assert lebanese == LEBANON
    assert found(q) == LEBANON


def test_control_country_names_come_from_the_places_not_the_texts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(filters, "place_names", no_place_names)
    assert found("Liban") != LEBANON
    assert found("لبنان") != LEBANON


@pytest.mark.parametrize(("q", "city"), [("Vienna", "vienna"), ("Vienne", "vienna"), ("فيينا", "vienna"),
                                          ("Beirut", "beirut"), ("Beyrouth", "beirut"), ("بيروت", "beirut")])
def test_city_names_in_three_languages(q: str, city: str) -> None:
    inits = shipped().initiatives
    in_city = set(inits.index[inits["city_ids"].map(lambda ids: city in ids)])
    assert in_city
    assert in_city <= found(q)


def with_city_name(city: str, column: str, name: str) -> Dataset:
    data = shipped()
    tables = dict(data.tables)
    cities = tables["cities"].copy()
    cities.loc[city, column] = name
    tables["cities"] = cities
    return dataclasses.replace(data, tables=tables)


def test_city_names_come_from_cities_csv(monkeypatch: pytest.MonkeyPatch) -> None:
    # No text says "Wien": only cities.csv can lead the search there.
    renamed = with_city_name("vienna", "name_fr", "Wien")
    inits = shipped().initiatives
    vienna = set(inits.index[inits["city_ids"].map(lambda ids: "vienna" in ids)])
    assert vienna
    assert vienna <= found("Wien", renamed)
    monkeypatch.setattr(filters, "place_names", no_place_names)
    monkeypatch.setattr(filters, "place_spellings", no_spellings)
    assert found("Wien", renamed) == set()


# --- Arabic: diacritics, tatweel and letter variants ---------------------------------------


@pytest.mark.parametrize(("q", "expected"), [
    ("لُبْنَان", LEBANON),                  # tashkeel
    ("بريـــثال", BRITAL),                  # tatweel
    ("اضنه", {"adana-migrants-refugees-assembly-project"}),  # أضنة typed with ا and ه
])
def test_arabic_ignores_diacritics_and_letter_variants(q: str, expected: set[str]) -> None:
    assert expected <= found(q)


def test_arabic_letter_variants_fold_together() -> None:
    assert fold("أإآا") == "اااا"
    assert fold("مدرسة") == fold("مدرسه")
    assert fold("مستشفى") == fold("مستشفي")
    assert fold("بريتال") != fold("بريثال")  # ت/ث are two letters: that spelling is an alias (data)


def test_control_without_folding_arabic_variants_are_missed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(filters, "fold", lambda text: text)
    assert found("لُبْنَان") == set()
    assert found("اضنه") == set()


# --- French and Latin: accents, case, apostrophes ----------------------------------------


@pytest.mark.parametrize(("q", "expected"), [
    ("Malaga", {"malaga-be-a-migrant-citizenship"}),
    ("MÁLAGA", {"malaga-be-a-migrant-citizenship"}),
    ("medecins sans frontieres", {"paris-csos-unaccompanied-minors"}),
    ("Athenes", {"athens-open-schools"}),
])
def test_latin_ignores_accents_and_case(q: str, expected: set[str]) -> None:
    assert expected <= found(q)


def test_curly_apostrophe_matches_the_straight_one() -> None:
    assert fold("Terre d’Asile") == fold("Terre d'Asile")
    assert "terre-dasile-tunisie-migrant-accompaniment" in found("Terre d’Asile")


def test_control_without_folding_accents_and_apostrophes_are_missed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(filters, "_APOSTROPHES", str.maketrans({}))
    assert "terre-dasile-tunisie-migrant-accompaniment" not in found("Terre d’Asile")
    monkeypatch.setattr(filters, "fold", lambda text: text)
    assert "athens-open-schools" not in found("Athenes")


# --- aliases (data) ------------------------------------------------------------------


@pytest.mark.parametrize("q", ["Nador", "ناضور", "الناظور"])
def test_nador_in_every_spelling_finds_the_same_three(q: str) -> None:
    assert found(q) == NADOR


@pytest.mark.parametrize("q", ["Caritas", "كاريتاس", "كارياس", "كارييتاس"])
def test_caritas_in_every_spelling_finds_the_same_two(q: str) -> None:
    assert found(q) == CARITAS


@pytest.mark.parametrize("q", ["Brital", "بريتال", "بريثال"])
def test_brital_in_every_spelling(q: str) -> None:
    assert found(q) == BRITAL


def test_control_without_aliases_the_spellings_split() -> None:
    bare = without_aliases()
    assert found("الناظور", bare) != NADOR
    assert found("كاريتاس", bare) == set()
    assert found("بريتال", bare) == set()


def test_other_spellings_match_whole_words_only() -> None:
    # "ليون" (Lyon) is inside "مليون" (million): typing Lyon must not find every text with a figure.
    inits = shipped().initiatives
    assert found("Lyon") == set(inits.index[inits["city_ids"].map(lambda ids: "lyon" in ids)])


def test_the_gazetteer_uses_the_cities_aliases() -> None:
    spellings = place_spellings(shipped().cities)
    assert find("ناضور", "MA") == []  # geonames does not know the summary's spelling
    assert [p.name for p in find("ناضور", "MA", spellings)] == ["Nador"]
    assert [p.name for p in find("الناظور", "MA", spellings)] == ["Nador"]
    assert find("Nador", "ES", spellings) == []
