"""The offline gazetteer: exact names per country, never substrings."""

from __future__ import annotations

from mc2cm.gazetteer import find, slug


def test_exact_name_and_country_only() -> None:
    [nador] = find("Nador", "MA")
    assert (nador.latitude, nador.longitude) == (35.1681, -2.9335)
    assert find("Gobernador", "MA") == []  # "Nador" must not be found by substring either way
    assert find("Nador", "ES") == []


def test_accents_case_and_arabic_names() -> None:
    assert find("malaga", "es")[0].name == "Málaga"
    assert find("صفاقس", "TN")[0].name == "Sfax"


def test_arabic_suggestions_are_written_in_arabic_letters() -> None:
    sousse = find("Sousse", "TN")[0]
    assert sousse.arabic_names[0] == "سوسة"
    assert all(not any("a" <= c.lower() <= "z" for c in n) for n in sousse.arabic_names)


def test_slug() -> None:
    assert slug("Beni Ansar") == "beni-ansar"
    assert slug("Málaga") == "malaga"
