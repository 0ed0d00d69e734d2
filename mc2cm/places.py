"""Places as the documents name them: where an initiative happens, and what a place page says.

``initiative_place`` is shared by the cards, the map list, the briefs and the offline
site. The rest serves ``/places``: for one city, the initiatives the documents place
there (``initiatives.city_ids``), the events held there, the challenges its initiatives'
recommendations answer, and the passages of the source texts that name it (its names
and aliases from ``cities.csv``, matched as whole words); and a side-by-side comparison
of two to four places.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlencode

import pandas as pd
from babel import Locale

from mc2cm.i18n import RowLike, babel_locale, comma, country_name, join, label, text
from mc2cm.schema import split_list
from mc2cm.validation import DOCUMENTS_DIR

if TYPE_CHECKING:
    from mc2cm.loading import Dataset


def city_ids_of(row: RowLike) -> tuple[str, ...]:
    """An initiative's cities: a tuple as loaded, or the ``|`` cell of a CSV row."""
    value = row.get("city_ids")
    if isinstance(value, str):
        return split_list(value)
    return tuple(str(v) for v in value or ())


def initiative_place(row: RowLike, cities: pd.DataFrame, lang: str) -> str:
    """Its cities and countries ("Brital, Lebanon"; "Calais and Paris, France"; "Athens, Tangier and Tunis ·
    Greece, Morocco and Tunisia"), else its region and countries, else its scope."""
    known = [c for c in city_ids_of(row) if c in cities.index]
    if known:
        names = join((text(cities.loc[c], "name", lang) for c in known), lang)
        codes = dict.fromkeys(str(cities.at[c, "country_code"]) for c in known)
        countries = join((country_name(code, lang) for code in codes), lang)
        return comma((names, countries), lang) if len(codes) == 1 else f"{names} · {countries}"
    region = text(row, "region", lang)
    countries = join((country_name(code, lang) for code in _codes(row.get("countries"))), lang)
    parts = [region] if region else []
    if countries and countries != region:
        parts.append(countries)
    return " · ".join(parts) or label("scope", str(row.get("scope", "")), lang)


def _codes(value: object) -> Sequence[str]:
    if isinstance(value, str):
        return split_list(value)
    return [str(v) for v in value or ()] if isinstance(value, Iterable) else []


# --- where the documents name a place ----------------------------------------------------------------

# Short vowels, shadda, sukun, dagger alif and tatweel: a name is matched however it is vowelled
# (عمّان is عمان), and the alif forms as one (أثينا is اثينا).
_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_ALIFS = str.maketrans("أإآ", "ااا")
# Arabic letters only: the Arabic comma, digits and footnote numbers end a word as a space does.
ARABIC_LETTERS = "\u0621-\u063a\u0641-\u064a\u066e\u066f\u0671-\u06d3\u06d5\u06ee\u06ef\u06fa-\u06fc\u06ff"
# One or two letters Arabic writes on the front of a word: و and, ف so, ب in, ك like, ل for (وتونس, كأثينا,
# بالناظور). Nothing may follow the name: التونسية (Tunisian) is not تونس.
_PROCLITICS = "[وفبكل]{1,2}"
_SENTENCE_END = re.compile(r"[.!?؟؛\n]")
COMPARE_MIN, COMPARE_MAX = 2, 4


def _normalised(text_: str) -> tuple[str, list[int]]:
    """The text without vowel marks, alifs as one, and for each character kept its position in ``text_``."""
    kept: list[str] = []
    where: list[int] = []
    for position, char in enumerate(text_):
        if _MARKS.match(char):
            continue
        kept.append(char.translate(_ALIFS))
        where.append(position)
    return "".join(kept), where


def place_names_ar(city: RowLike) -> tuple[str, ...]:
    """The Arabic names a place goes by in the documents: ``name_ar`` and its ``aliases``."""
    aliases = city.get("aliases")
    listed = split_list(aliases) if isinstance(aliases, str) else tuple(str(a) for a in aliases or ())
    return tuple(dict.fromkeys(n for n in (str(city.get("name_ar") or ""), *listed) if n.strip()))


def name_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    """Whole words only: a name, perhaps with a one- or two-letter prefix, and no Arabic letter either side."""
    spellings = sorted({_normalised(n.strip())[0] for n in names if n.strip()}, key=len, reverse=True)
    if not spellings:
        return None
    alternatives = "|".join(re.escape(s) for s in spellings)
    return re.compile(rf"(?<![{ARABIC_LETTERS}])(?:{_PROCLITICS})??(?:{alternatives})(?![{ARABIC_LETTERS}])")


def name_spans(pattern: re.Pattern[str] | None, text_: str) -> tuple[tuple[int, int], ...]:
    """Where ``pattern`` names the place in ``text_``, as positions in the text as written."""
    if pattern is None:
        return ()
    normal, where = _normalised(text_)
    return tuple((where[m.start()], where[m.end() - 1] + 1) for m in pattern.finditer(normal))


@dataclass(frozen=True)
class Passage:
    """A paragraph of a source document that names a place."""

    source_id: str
    paragraph: int  # 1-based, counting the document's non-empty lines
    text: str  # the paragraph as the document writes it
    spans: tuple[tuple[int, int], ...]  # where the place is named

    def excerpt(self) -> tuple[tuple[str, bool], ...]:
        """The sentences that name the place, as ``(text, is_the_name)`` pieces, in order, joined by " … "."""
        pieces: list[tuple[str, bool]] = []
        covered = -1
        for start, end in self.spans:
            if start < covered:
                continue
            begin = max((m.end() for m in _SENTENCE_END.finditer(self.text, 0, start)), default=0)
            stop_match = _SENTENCE_END.search(self.text, end)
            stop = stop_match.end() if stop_match else len(self.text)
            inside = [(s, e) for s, e in self.spans if begin <= s and e <= stop]
            if pieces:
                pieces.append((" … ", False))
            cursor = begin
            for s, e in inside:
                pieces.append((self.text[cursor:s], False))
                pieces.append((self.text[s:e], True))
                cursor = e
            pieces.append((self.text[cursor:stop].rstrip(), False))
            covered = stop
        return tuple((p, named) for p, named in pieces if p)


def document_paragraphs(data: Dataset) -> dict[str, tuple[str, ...]]:
    """Each source's document as its non-empty lines (its paragraphs), by source id; a missing file gives none."""
    found: dict[str, tuple[str, ...]] = {}
    folder = Path(data.data_dir) / DOCUMENTS_DIR
    for source_id, source in data.sources.iterrows():
        file = str(source.get("file") or "")
        path = folder / file
        if file and Path(file).name == file and path.is_file():
            lines = path.read_text(encoding="utf-8").splitlines()
            found[str(source_id)] = tuple(line.strip() for line in lines if line.strip())
    return found


def place_passages(city: RowLike, paragraphs: Mapping[str, Sequence[str]]) -> tuple[Passage, ...]:
    """Every paragraph of the documents that names the place, in document order."""
    pattern = name_pattern(place_names_ar(city))
    found = []
    for source_id, lines in paragraphs.items():
        for number, line in enumerate(lines, start=1):
            spans = name_spans(pattern, line)
            if spans:
                found.append(Passage(source_id, number, line, spans))
    return tuple(found)


def countries_also_named(city: RowLike) -> tuple[str, ...]:
    """Countries whose Arabic name is also a name of this place (تونس, عمان): a passage may mean the country."""
    names = {_normalised(n)[0] for n in place_names_ar(city)}
    territories = Locale.parse(babel_locale("ar")).territories
    return tuple(code for code, name in territories.items()
                 if len(code) == 2 and code.isalpha() and _normalised(str(name))[0] in names)


# --- what happens at a place ---------------------------------------------------------------------


def place_initiatives(data: Dataset, city_id: str) -> pd.DataFrame:
    """The initiatives the documents place in this city (one of their ``city_ids``)."""
    inits = data.initiatives
    return inits[inits["city_ids"].map(lambda ids: city_id in ids)] if not inits.empty else inits


def place_events(data: Dataset, city_id: str) -> pd.DataFrame:
    events = data["events"]
    return events[events["city_id"] == city_id] if not events.empty else events


def _quote_paragraph(row: RowLike, paragraphs: Mapping[str, Sequence[str]]) -> str:
    """The paragraph of its document a row's ``quote_ar`` comes from (whitespace aside), or ``""``."""
    quote = " ".join(str(row.get("quote_ar") or "").split())
    if not quote:
        return ""
    for line in paragraphs.get(str(row.get("source_id") or ""), ()):
        if quote in " ".join(line.split()):
            return line
    return ""


def place_challenges(data: Dataset, city: RowLike, paragraphs: Mapping[str, Sequence[str]]) -> pd.DataFrame:
    """The challenges whose quoted passage sits in a paragraph that names the place.

    The documents link no challenge to a city; this is the one link they make: the place is named in the
    very paragraph the challenge is quoted from.
    """
    pattern = name_pattern(place_names_ar(city))
    challenges = data.challenges
    if challenges.empty or pattern is None:
        return challenges
    keep = [bool(name_spans(pattern, _quote_paragraph(row, paragraphs))) for _, row in challenges.iterrows()]
    return challenges[pd.Series(keep, index=challenges.index, dtype=bool)]


@dataclass(frozen=True)
class PlaceSummary:
    city_id: str
    initiatives: pd.DataFrame
    events: pd.DataFrame
    challenges: pd.DataFrame
    passages: tuple[Passage, ...]
    also_countries: tuple[str, ...]  # country codes whose Arabic name is this place's too

    @property
    def sources(self) -> tuple[str, ...]:
        """The sources that name the place, in the order their passages come."""
        return tuple(dict.fromkeys(p.source_id for p in self.passages))


def place_summary(data: Dataset, city_id: str, paragraphs: Mapping[str, Sequence[str]]) -> PlaceSummary:
    city = data.cities.loc[city_id]
    return PlaceSummary(
        city_id=city_id,
        initiatives=place_initiatives(data, city_id),
        events=place_events(data, city_id),
        challenges=place_challenges(data, city, paragraphs),
        passages=place_passages(city, paragraphs),
        also_countries=countries_also_named(city),
    )


def places_overview(data: Dataset, paragraphs: Mapping[str, Sequence[str]], lang: str) -> pd.DataFrame:
    """One row per place in ``cities.csv``, by name in ``lang``: its country and how much the documents say."""
    rows = []
    for city_id, city in data.cities.iterrows():
        summary = place_summary(data, str(city_id), paragraphs)
        rows.append({
            "id": city_id, "name": text(city, "name", lang), "country": country_name(str(city["country_code"]), lang),
            "initiatives": len(summary.initiatives), "events": len(summary.events),
            "challenges": len(summary.challenges), "sources": len(summary.sources),
        })
    columns = ["id", "name", "country", "initiatives", "events", "challenges", "sources"]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values(["initiatives", "name"], ascending=[False, True], kind="stable").reset_index(drop=True)


# --- comparing places --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CompareRequest:
    """The places a ``compare`` URL asks for, or why it cannot be shown (``problem``: a catalog key)."""

    ids: tuple[str, ...]
    problem: str = ""
    unknown: tuple[str, ...] = ()


def parse_compare(values: Iterable[str], known: Collection[str]) -> CompareRequest:
    """``compare=a,b`` (and repeated ``compare``): two to four distinct known place ids, in the order given."""
    ids = tuple(dict.fromkeys(part.strip() for value in values for part in str(value).split(",") if part.strip()))
    unknown = tuple(i for i in ids if i not in known)
    if unknown:
        return CompareRequest(ids, "places.compare_unknown", unknown)
    if len(ids) < COMPARE_MIN:
        return CompareRequest(ids, "places.compare_too_few")
    if len(ids) > COMPARE_MAX:
        return CompareRequest(ids, "places.compare_too_many")
    return CompareRequest(ids)


def compare_counts(data: Dataset, ids: Sequence[str], column: str, codes: Sequence[str]) -> pd.DataFrame:
    """How many initiatives at each place (columns, in order) hold each code of a list column (rows, in
    ``codes`` order); codes no place has are left out."""
    counts = {
        city_id: Counter(code for listed in place_initiatives(data, city_id)[column] for code in listed)
        for city_id in ids
    }
    frame = pd.DataFrame({city_id: [counts[city_id].get(code, 0) for code in codes] for city_id in ids},
                         index=pd.Index(list(codes), name=column), dtype="int64")
    return frame[frame.sum(axis=1) > 0] if not frame.empty else frame


def compare_areas(data: Dataset, ids: Sequence[str]) -> pd.DataFrame:
    """Initiatives per area of work (the schema's order) at each place."""
    return compare_counts(data, ids, "areas", [term.code for term in data.spec.vocabulary("area").terms])


def compare_roles(data: Dataset, ids: Sequence[str]) -> pd.DataFrame:
    """Initiatives per CSO role (the order of ``cso_roles.csv``) at each place."""
    return compare_counts(data, ids, "cso_roles", [str(i) for i in data.cso_roles.index])


def place_link(city_id: str, lang: str) -> str:
    return "/places?" + urlencode({"id": city_id, "lang": lang})


def compare_link(ids: Sequence[str], lang: str, page: str = "places") -> str:
    """The shareable address of a comparison: ``/places?compare=a,b`` (or ``/brief?...``)."""
    return f"/{page}?" + urlencode({"compare": ",".join(ids), "lang": lang}, safe=",")

