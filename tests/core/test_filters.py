"""Selections: from the URL, applied to the data, said in words."""

from __future__ import annotations

from pathlib import Path

from mc2cm.filters import Selection, choices, describe, fold, parse_query, select_initiatives
from mc2cm.loading import load_dataset

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "minimal"


def test_parse_query_keeps_known_values_and_reports_the_rest() -> None:
    data = load_dataset(FIXTURE)
    sel, lang, ignored = parse_query(
        {"lang": ["fr"], "area": ["emergency_aid", "housing"], "country": ["lb"], "q": ["  Brital "],
         "utm_source": ["qr"], "role": ["service-provision"]},
        choices(data),
    )
    assert lang == "fr"
    assert sel == Selection(area=("emergency_aid",), country=("LB",), role=("service-provision",), q="Brital")
    assert set(ignored) == {"utm_source", "area=housing"}


def test_parse_query_bad_language_and_repeated_values() -> None:
    data = load_dataset(FIXTURE)
    sel, lang, ignored = parse_query({"lang": ["xx"], "area": ["emergency_aid", "emergency_aid,access_to_services"]},
                                     choices(data))
    assert lang is None
    assert ignored == ["lang=xx"]
    assert sel.area == ("emergency_aid", "access_to_services")


def test_selection_round_trips_through_the_url() -> None:
    data = load_dataset(FIXTURE)
    sel = Selection(area=("emergency_aid",), country=("LB",), q="Brital", id="brital-response")
    params = sel.to_query("ar")
    back, lang, ignored = parse_query(params, choices(data))
    assert (back, lang, ignored) == (sel, "ar", [])


def test_select_and_describe() -> None:
    data = load_dataset(FIXTURE)
    shown = select_initiatives(data, Selection(area=("emergency_aid",), country=("LB",)))
    assert list(shown.index) == ["brital-response"]
    caption = describe(Selection(area=("emergency_aid",), country=("LB",)), "en", data, len(shown))
    assert caption == "1 initiative · Emergency aid · Lebanon"
    assert describe(Selection(country=("LB",)), "fr", data, 2) == "2 initiatives · Liban"


def test_search_works_in_every_language_and_ignores_accents() -> None:
    data = load_dataset(FIXTURE)
    # "d'urgence" (with its apostrophe) is only in the French summary; "Brital d'urgence" needs both words.
    for query in ("brital", "Réponse", "reponse", "بريثال", "الاستجابة", "d'urgence", "Brital d'urgence"):
        assert list(select_initiatives(data, Selection(q=query)).index) == ["brital-response"], query
    assert list(select_initiatives(data, Selection(q="réseau")).index) == ["red-cross-network"]
    assert select_initiatives(data, Selection(q="Brital réseau")).empty  # every word must match
    assert select_initiatives(data, Selection(q="nothing-like-this")).empty


def test_fold_normalises_arabic() -> None:
    assert fold("الإستجابة") == fold("الاستجابة")
    assert fold("Málaga") == "malaga"
