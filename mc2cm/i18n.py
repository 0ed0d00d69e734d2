"""UI text in English, French and Arabic, and locale-aware formatting.

Interface sentences are gettext messages, one catalog per language:
``mc2cm/locale/<lang>/LC_MESSAGES/messages.po`` (``messages.pot`` is the template).
The msgid is the key code uses (``t("map.legend", lang)``); the English text
lives in the English catalog like any other translation. Counted messages are
plural entries (``tn("count.initiatives", n, lang)``) chosen by the catalog's
``Plural-Forms``: CLDR's rules, in CLDR's order of forms (Arabic: zero, one,
two, few, many, other; tests/core/test_catalogs.py checks every catalog's
expression against Babel's CLDR rules for 0…1000). The Arabic header carries
gettext's expression: Babel's built-in table (``babel.messages.plurals``, what
``pybabel init -l ar`` writes) sends 11–99 to form 5 and 100–102 to form 4,
the reverse of CLDR's many/other.

Content (names, summaries) is translated in the data itself (``_en``/``_fr``/
``_ar`` columns), and the labels of the controlled vocabularies live in the
schema (:func:`label`); neither is in the catalogs. Numbers, dates, lists and
country names are formatted by Babel (CLDR data).

The ``.po`` files are read with Babel once per process and language, into
plain dicts: there is no compile step and no ``.mo`` file to commit, to build
at set-up or to forget to rebuild, so what runs is always what the ``.po``
says (reading all three takes about a tenth of a second, once). ``t`` is then
two dict look-ups (a few microseconds).

``MC2CM_PSEUDO=1`` turns on a pseudo-locale: every catalog message comes out
wrapped in ``⟦…⟧``, so a page shows at a glance (and tests/app/test_pseudo_locale.py
asserts) which of its words do not come from a catalog.
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.lists import format_list
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

from mc2cm.schema import current_package

# The languages, one line each: code → (its name in itself, Babel locale for numbers and dates, right-to-left).
# A language also needs its catalog, locale/<code>/LC_MESSAGES/messages.po (see README, "Adding a language").
LANGUAGES: dict[str, tuple[str, str, bool]] = {
    "en": ("English", "en_GB", False),
    "fr": ("Français", "fr_FR", False),
    "ar": ("العربية", "ar", True),  # Babel's "ar": يونيو, as the documents write it
}
LANGS = tuple(LANGUAGES)
DEFAULT_LANG = "en"
LANGUAGE_NAMES = {code: name for code, (name, _, _) in LANGUAGES.items()}
RTL_LANGS = frozenset(code for code, (_, _, rtl) in LANGUAGES.items() if rtl)
_BABEL_LOCALE = {code: locale for code, (_, locale, _) in LANGUAGES.items()}

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
PSEUDO_ENV = "MC2CM_PSEUDO"
PSEUDO_OPEN, PSEUDO_CLOSE = "⟦", "⟧"


class RowLike(Protocol):
    """A table row: a dict or a pandas Series."""

    def get(self, key: str, default: Any = ..., /) -> Any: ...


def normalise_lang(value: object) -> str | None:
    """``"fr-FR"`` → ``"fr"``; anything unknown → ``None``."""
    if not isinstance(value, str) or not value:
        return None
    code = value.strip().lower().replace("_", "-").split("-")[0]
    return code if code in LANGS else None


def accepted_lang(header: str | None) -> str | None:
    """The best of our languages in an ``Accept-Language`` header (q-values honoured), else None."""
    best: tuple[float, int, str] | None = None
    for position, part in enumerate((header or "").split(",")[:50]):
        tag, _, params = part.partition(";")
        lang = normalise_lang(tag)
        if lang is None:
            continue
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0 and (best is None or (quality, -position) > best[:2]):
            best = (quality, -position, lang)
    return best[2] if best else None


def request_lang(param: object, accept_language: str | None) -> str:
    """A web door's language: the ``lang`` parameter, else the browser's ``Accept-Language``, else English."""
    return normalise_lang(param) or accepted_lang(accept_language) or DEFAULT_LANG


@dataclass(frozen=True)
class Messages:
    """One language's catalog, read from its ``.po``: plain messages, plural messages and the plural rule."""

    singular: dict[str, str]
    plural: dict[str, tuple[str, ...]]
    plural_forms: str
    plural_index: Callable[[int], int]


def catalog_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"


@functools.cache
def messages(lang: str) -> Messages:
    """The catalog of ``lang`` (read once per process); an empty translation counts as missing."""
    with catalog_path(lang if lang in LANGUAGES else DEFAULT_LANG).open("rb") as fh:
        catalog = read_po(fh)
    singular: dict[str, str] = {}
    plural: dict[str, tuple[str, ...]] = {}
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple | list):
            forms = tuple(str(form) for form in message.string or ())
            if forms and all(forms):
                plural[message.id[0]] = forms
        elif message.string:
            singular[message.id] = str(message.string)
    return Messages(singular, plural, catalog.plural_forms, gettext.c2py(catalog.plural_expr))


def _pseudo(text: str) -> str:
    return f"{PSEUDO_OPEN}{text}{PSEUDO_CLOSE}" if os.environ.get(PSEUDO_ENV) else text


def _filled(text: str, lang: str, values: dict[str, object]) -> str:
    """``text`` with its ``{placeholders}``; whole numbers are written in the reader's locale (``1 234``)."""
    if not values:
        return text
    return text.format(**{name: fmt_number(value, lang) if isinstance(value, int) and not isinstance(value, bool)
                          else value for name, value in values.items()})


def t(key: str, lang: str, **values: object) -> str:
    """The UI text ``key`` in ``lang`` (English if untranslated), with ``{values}`` filled in."""
    text = messages(lang).singular.get(key) or messages(DEFAULT_LANG).singular.get(key)
    if text is None:
        return key
    return _pseudo(_filled(text, lang, values))


def tn(key: str, n: int, lang: str, **values: object) -> str:
    """The counted UI text ``key`` for ``n`` things, by the language's plural rule (ngettext).

    ``{n}`` is the count, written like every whole number in the reader's locale (``1 234``/``1,234``),
    unless ``n=`` is given.
    """
    catalog = messages(lang)
    forms = catalog.plural.get(key)
    if forms is None:
        catalog = messages(DEFAULT_LANG)
        forms = catalog.plural.get(key)
        if forms is None:
            return key
    text = forms[min(catalog.plural_index(n), len(forms) - 1)]
    return _pseudo(_filled(text, lang, {"n": n, **values}))


def label(vocab: str, code: str, lang: str) -> str:
    """The label of a controlled-vocabulary code, from the schema: ``label("area", "emergency_aid", "fr")``."""
    term = current_package().vocabulary(vocab).term(code)
    return term.label(lang) if term is not None else code.replace("_", " ")


def join(items: Iterable[str], lang: str) -> str:
    """A list in words, by CLDR: "A, B and C", "A, B et C", «A وB وC»."""
    return str(format_list([item for item in items if item], locale=babel_locale(lang)))


def comma(items: Iterable[str], lang: str) -> str:
    """Parts of one thing (a city, its country) with the language's comma: "Sfax, Tunisia", «صفاقس، تونس»."""
    return ("، " if lang == "ar" else ", ").join(item for item in items if item)


def is_rtl(lang: str) -> bool:
    return lang in RTL_LANGS


def babel_locale(lang: str) -> str:
    return _BABEL_LOCALE.get(lang, _BABEL_LOCALE[DEFAULT_LANG])


def fmt_number(value: float, lang: str) -> str:
    return str(format_decimal(value, locale=babel_locale(lang)))


def fmt_date(value: dt.date, lang: str, fmt: str = "long") -> str:
    return str(format_date(value, format=fmt, locale=babel_locale(lang)))


def fmt_moment(value: dt.datetime, lang: str) -> str:
    """A time of day, with the date if it is not today: "14:02", or "3 déc. 2026, 14:02"."""
    if value.date() == dt.datetime.now(value.tzinfo).date():
        return str(format_datetime(value, format="HH:mm", locale=babel_locale(lang)))
    return str(format_datetime(value, format="medium", locale=babel_locale(lang)))


def fmt_date_range(start: dt.date | None, end: dt.date | None, lang: str) -> str:
    if start is None:
        return ""
    if end is None or end == start:
        return fmt_date(start, lang)
    return f"{fmt_date(start, lang)} – {fmt_date(end, lang)}"


def country_name(code: str, lang: str) -> str:
    """CLDR country name, e.g. ``country_name("LB", "ar")`` → ``"لبنان"``."""
    try:
        return str(Locale.parse(babel_locale(lang)).territories.get(code.upper(), code))
    except (ValueError, TypeError):
        return code


def text(row: RowLike, base: str, lang: str) -> str:
    """A row's ``base_<lang>`` text, falling back to English, then French, then Arabic."""
    for candidate in (lang, "en", "fr", "ar"):
        value = row.get(f"{base}_{candidate}")
        if isinstance(value, str) and value:
            return value
    return ""


def text_list(row: RowLike, base: str, lang: str) -> tuple[str, ...]:
    for candidate in (lang, "en", "fr", "ar"):
        value = row.get(f"{base}_{candidate}")
        if isinstance(value, tuple) and value:
            return tuple(str(v) for v in value)
    return ()
