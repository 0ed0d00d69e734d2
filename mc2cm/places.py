"""Where an initiative happens, in words: shared by the cards, the map list, the briefs and the offline site."""

from __future__ import annotations

import pandas as pd

from mc2cm.i18n import RowLike, comma, country_name, join, label, text


def initiative_place(row: RowLike, cities: pd.DataFrame, lang: str) -> str:
    """Its city and country ("Brital, Lebanon"), else its region and countries, else its scope."""
    city = row.get("city_id") or ""
    if city and city in cities.index:
        c = cities.loc[city]
        return comma((text(c, "name", lang), country_name(str(c["country_code"]), lang)), lang)
    region = text(row, "region", lang)
    countries = join((country_name(code, lang) for code in row.get("countries", ()) or ()), lang)
    parts = [region] if region else []
    if countries and countries != region:
        parts.append(countries)
    return " · ".join(parts) or label("scope", str(row.get("scope", "")), lang)
