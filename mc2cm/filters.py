"""What the user chose (from widgets or the URL), and what it selects.

The same :class:`Selection` drives every page. It round-trips through the URL
query string (``lang``, ``area``, ``role``, ``country``, ``actor``, ``source``,
``q``, ``id``; repeated keys for several values), so a copied link or a QR
code reopens the same view. Unknown values are dropped and reported, never
raised.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import pandas as pd

from mc2cm.i18n import LANGS, country_name, label, normalise_lang, t, tn
from mc2cm.loading import Dataset

MULTI_KEYS = ("area", "role", "country", "actor", "source")
KNOWN_KEYS = frozenset({"lang", *MULTI_KEYS, "q", "id", "view", "scene", "poll", "compare"})
MAX_QUERY_LENGTH = 200


@dataclass(frozen=True)
class Selection:
    """Filter state. Empty tuples mean "all"."""

    area: tuple[str, ...] = ()
    role: tuple[str, ...] = ()
    country: tuple[str, ...] = ()
    actor: tuple[str, ...] = ()
    source: tuple[str, ...] = ()
    q: str = ""
    id: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.area or self.role or self.country or self.actor or self.source or self.q)

    def with_(self, **changes: object) -> Selection:
        return replace(self, **changes)  # type: ignore[arg-type]

    def to_query(self, lang: str | None = None) -> dict[str, str | list[str]]:
        """Query parameters for this selection (what ``st.query_params`` takes)."""
        params: dict[str, str | list[str]] = {}
        if lang:
            params["lang"] = lang
        for key in MULTI_KEYS:
            values = list(getattr(self, key))
            if values:
                params[key] = values
        if self.q:
            params["q"] = self.q
        if self.id:
            params["id"] = self.id
        return params


@dataclass(frozen=True)
class Choices:
    """The values each filter can take, from the data."""

    area: tuple[str, ...]
    role: tuple[str, ...]
    country: tuple[str, ...]
    actor: tuple[str, ...]
    source: tuple[str, ...]
    ids: frozenset[str] = field(default_factory=frozenset)


def choices(data: Dataset) -> Choices:
    spec = data.spec
    return Choices(
        area=spec.table("initiatives").field("areas").item_enum,
        role=tuple(data.cso_roles["id"]),
        country=tuple(sorted(set(initiative_countries(data).explode().dropna()))),
        actor=spec.table("initiatives").field("actor_type").enum,
        source=tuple(data.sources["id"]),
        ids=frozenset(data.initiatives["id"]),
    )


def _values(params: Mapping[str, Sequence[str] | str], key: str) -> list[str]:
    raw = params.get(key, [])
    items = [raw] if isinstance(raw, str) else list(raw)
    out: list[str] = []
    for item in items:
        out.extend(part.strip() for part in str(item).split(",") if part.strip())
    return out


def parse_query(params: Mapping[str, Sequence[str] | str], available: Choices) -> tuple[Selection, str | None, list[str]]:
    """URL parameters → (selection, language or None, what was ignored)."""
    ignored: list[str] = [f"{key}" for key in params if key not in KNOWN_KEYS]
    lang_values = _values(params, "lang")
    lang = normalise_lang(lang_values[0]) if lang_values else None
    if lang_values and lang is None:
        ignored.append(f"lang={lang_values[0]}")
    picked: dict[str, tuple[str, ...]] = {}
    for key in MULTI_KEYS:
        allowed = getattr(available, key)
        kept: list[str] = []
        for value in _values(params, key):
            normal = value.upper() if key == "country" else value
            if normal in kept:
                continue
            if normal in allowed:
                kept.append(normal)
            else:
                ignored.append(f"{key}={value}")
        picked[key] = tuple(kept)
    raw_q = params.get("q", "")
    q = (raw_q if isinstance(raw_q, str) else (raw_q[0] if raw_q else "")).strip()
    if len(q) > MAX_QUERY_LENGTH:
        ignored.append("q (too long)")
        q = q[:MAX_QUERY_LENGTH]
    raw_id = params.get("id", "")
    ident = (raw_id if isinstance(raw_id, str) else (raw_id[0] if raw_id else "")).strip()
    return Selection(q=q, id=ident, **picked), lang, ignored


# --- searching ------------------------------------------------------------------

_ARABIC_MARKS = re.compile(r"[\u064B-\u065F\u0670\u0640]")  # harakat, dagger alef, tatweel
_ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي"})
# Phone keyboards type "d’Asile" where the data has "d'Asile".
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})


def fold(text: str) -> str:
    """Lower-case, accent-free, Arabic-normalised text for matching.

    Only spelling variants that are one letter to a reader fold together (hamza
    seats, ta marbuta, alif maqsura, diacritics, tatweel). Other spellings of a
    name, such as بريثال for بريتال, are data: the ``aliases`` columns.
    """
    text = _ARABIC_MARKS.sub("", text).translate(_ARABIC_FOLD).translate(_APOSTROPHES)
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _search_blob(frame: pd.DataFrame, columns: Iterable[str]) -> pd.Series:
    parts = []
    for col in columns:
        if col in frame.columns:
            parts.append(frame[col].map(lambda v: " ".join(v) if isinstance(v, tuple) else str(v or "")))
    if not parts:
        return pd.Series("", index=frame.index)
    blob = parts[0]
    for part in parts[1:]:
        blob = blob + " " + part
    return blob.map(fold)


def text_columns(bases: Iterable[str]) -> list[str]:
    return [f"{base}_{lang}" for base in bases for lang in LANGS]


def matches_query(frame: pd.DataFrame, q: str, bases: Iterable[str], extra: Iterable[str] = (),
                  spellings: Mapping[str, tuple[str, ...]] | None = None) -> pd.Series:
    """Rows whose ``<base>_<lang>`` columns (and the ``extra`` columns) hold every word of ``q``.

    A word (or the whole query) that is a known spelling of a place (``spellings``, from
    :func:`place_spellings`) also matches the place's other spellings, as whole words:
    "ناضور" finds a text that writes "الناظور".
    """
    if not q.strip():
        return pd.Series(True, index=frame.index)
    blob = _search_blob(frame, [*text_columns(bases), *extra, "id"])
    terms = [fold(term) for term in q.split() if term.strip()]
    known = spellings or {}
    if len(terms) > 1 and " ".join(terms) in known:
        terms = [" ".join(terms)]
    mask = pd.Series(True, index=frame.index)
    for term in terms:
        hit = blob.str.contains(term, regex=False)
        others = [s for s in known.get(term, ()) if s != term]
        if others:
            words = "|".join(re.escape(s) for s in sorted(others, key=len, reverse=True))
            hit |= blob.str.contains(rf"(?:^|\W){_PROCLITICS}(?:{words})", regex=True)
        mask &= hit
    return mask


# Arabic writes "and", "in", "the" … as part of the next word: وبريثال, بالناظور.
_PROCLITICS = "(?:و|ف|ب|ك|ل|ال|وال|بال|فال|كال|لل)?"


def place_spellings(cities: pd.DataFrame) -> dict[str, tuple[str, ...]]:
    """Every known spelling of each city (names in all languages and ``aliases``), folded,
    mapped to all the spellings of that city."""
    columns = [c for c in (*text_columns(["name"]), "aliases") if c in cities.columns]
    found: dict[str, tuple[str, ...]] = {}
    for _, city in cities.iterrows():
        names: list[str] = []
        for column in columns:
            value = city[column]
            names.extend(value if isinstance(value, tuple) else [str(value or "")])
        group = tuple(dict.fromkeys(f for f in (fold(n).strip() for n in names) if f))
        for spelling in group:
            found[spelling] = tuple(dict.fromkeys((*found.get(spelling, ()), *group)))
    return found


# --- selecting ------------------------------------------------------------------


def initiative_countries(data: Dataset) -> pd.Series:
    """Each initiative's country codes: its cities' first, then its ``country_codes``."""
    inits = data.initiatives
    if inits.empty:
        return pd.Series([], dtype=object)
    cities = data.cities
    codes = [
        tuple(dict.fromkeys((*(str(cities.at[c, "country_code"]) for c in city_ids if c in cities.index),
                             *listed)))
        for city_ids, listed in zip(inits["city_ids"], inits["country_codes"], strict=True)
    ]
    return pd.Series(codes, index=inits.index, dtype=object)


def _any_in(series: pd.Series, wanted: tuple[str, ...]) -> pd.Series:
    wanted_set = set(wanted)
    return series.map(lambda values: bool(wanted_set.intersection(values)))


def select_initiatives(data: Dataset, sel: Selection) -> pd.DataFrame:
    """The initiatives the selection keeps, with their city and countries joined."""
    frame = data.initiatives.copy()
    frame["countries"] = initiative_countries(data) if not frame.empty else pd.Series(dtype=object)
    mask = pd.Series(True, index=frame.index)
    if sel.area:
        mask &= _any_in(frame["areas"], sel.area)
    if sel.role:
        mask &= _any_in(frame["cso_roles"], sel.role)
    if sel.country:
        mask &= _any_in(frame["countries"], sel.country)
    if sel.actor:
        mask &= frame["actor_type"].isin(sel.actor)
    if sel.source:
        mask &= frame["source_id"].isin(sel.source)
    if sel.q:
        searchable = frame.assign(places=place_names(data, frame))
        mask &= matches_query(searchable, sel.q, ["name", "summary", "lead", "partners", "region", "figures"],
                              extra=["lead_aliases", "places"], spellings=place_spellings(data.cities))
    return frame[mask]


def place_names(data: Dataset, frame: pd.DataFrame) -> pd.Series:
    """Each initiative's places as a searcher may type them: its cities' names and aliases,
    and its countries' names, in every language."""
    cities = data.cities
    city_columns = [c for c in (*text_columns(["name"]), "aliases") if c in cities.columns]

    def names(city_ids: tuple[str, ...], countries: tuple[str, ...]) -> tuple[str, ...]:
        found: list[str] = []
        for city_id in (c for c in city_ids if c in cities.index):
            for column in city_columns:
                value = cities.at[city_id, column]
                found.extend(value if isinstance(value, tuple) else [str(value or "")])
        found.extend(country_name(code, lang) for code in countries for lang in LANGS)
        return tuple(found)

    return pd.Series([names(c, k) for c, k in zip(frame["city_ids"], frame["countries"], strict=True)],
                     index=frame.index, dtype=object)


def _mask(frame: pd.DataFrame, q: str, bases: list[str], **within: tuple[str, ...]) -> pd.Series:
    """Rows whose columns hold one of the chosen values (``column=values``) and match the search."""
    mask = pd.Series(True, index=frame.index)
    for column, values in within.items():
        if values:
            mask &= frame[column].isin(values)
    if q:
        mask &= matches_query(frame, q, bases)
    return mask


def select_challenges(data: Dataset, sel: Selection) -> pd.DataFrame:
    frame = data.challenges
    shown = frame[_mask(frame, sel.q, ["title", "description"], source_id=sel.source)]
    return shown.sort_values(["source_id", "position"], kind="stable")


def select_recommendations(data: Dataset, sel: Selection) -> pd.DataFrame:
    frame = data.recommendations
    return frame[_mask(frame, sel.q, ["title", "text"], source_id=sel.source)]


def select_assessments(data: Dataset, sel: Selection) -> pd.DataFrame:
    frame = data.role_assessments
    return frame[_mask(frame, sel.q, ["text"], role_id=sel.role)]


# --- describing -----------------------------------------------------------------


def describe(sel: Selection, lang: str, data: Dataset, count: int, noun: str = "initiatives") -> str:
    """A caption in words, e.g. ``"7 initiatives · Emergency aid · Lebanon"``."""
    parts = [tn(f"count.{noun}", count, lang)]
    parts.extend(label("area", a, lang) for a in sel.area)
    roles = data.cso_roles
    for role in sel.role:
        if role in roles.index:
            parts.append(str(roles.loc[role, f"name_{lang}"] or role))
    parts.extend(country_name(c, lang) for c in sel.country)
    parts.extend(label("actor_type", a, lang) for a in sel.actor)
    sources = data.sources
    for source in sel.source:
        if source in sources.index:
            parts.append(str(sources.loc[source, f"title_{lang}"] or source))
    if sel.q:
        parts.append(t("caption.search", lang, q=sel.q))
    return " · ".join(parts)


def answers_to(recommendations: pd.DataFrame, challenge_id: str) -> pd.DataFrame:
    """The recommendations whose ``challenge_ids`` name this challenge."""
    return recommendations[recommendations["challenge_ids"].map(lambda ids: challenge_id in ids)]


def related_challenges(data: Dataset, initiative_id: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Challenges and recommendations related to an initiative.

    The documents do not link initiatives to challenges directly; the link is
    made through the recommendations' ``challenge_ids`` and the initiative's
    source: challenges from the same document, and the recommendations that
    answer them.
    """
    if initiative_id not in data.initiatives.index:
        return data.challenges.iloc[0:0], data.recommendations.iloc[0:0]
    source = data.initiatives.loc[initiative_id, "source_id"]
    challenges = data.challenges[data.challenges["source_id"] == source]
    wanted = set(challenges["id"])
    recs = data.recommendations[
        data.recommendations["challenge_ids"].map(lambda ids: bool(wanted.intersection(ids)))
    ]
    return challenges, recs
