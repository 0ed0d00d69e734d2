"""Where a row comes from, written for the reader: in their language, every part isolated.

A citation names the document in the reader's language with its original Arabic title beside it
(the documents are all Arabic), the file it is kept in, its publisher and date, and the place in
it (``source_locator_<lang>``, the English ``source_locator`` when that is missing). Each part is
isolated (:mod:`mc2cm.bidi`), so a file name or an English title inside an Arabic line keeps its
own direction and its brackets stay where they belong: never «(038a1b11c4fce8c1.txt_000».
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html import escape

from babel.dates import format_skeleton

from mc2cm.bidi import LRI, PDI, RLI, bdi, isolate
from mc2cm.i18n import RowLike, babel_locale, fmt_date, is_rtl, t, text

# Catalog keys of the labelled parts, in reading order.
LABELS = {
    "title": "citation.document",
    "original_title": "citation.original_title",
    "publisher": "citation.publisher",
    "date": "citation.date",
    "file": "citation.file",
    "locator": "citation.locator",
}


@dataclass(frozen=True)
class Citation:
    lang: str
    title: str  # the document's title in the reader's language
    original_title: str  # the Arabic title, when the reader's language is not Arabic
    file: str
    publisher: str
    date: str  # in the reader's locale
    locator: str  # the place in the document, in the reader's language when the data has it

    def parts(self) -> list[tuple[str, str]]:
        """``(label, value)`` of the parts that have a value, in reading order."""
        return [(t(key, self.lang), getattr(self, name)) for name, key in LABELS.items() if getattr(self, name)]


def _date(value: object, lang: str) -> str:
    if isinstance(value, dt.date) and value == value:  # noqa: PLR0124 (NaT is not equal to itself)
        return fmt_date(value, lang)
    if isinstance(value, str) and value:
        try:
            return fmt_date(dt.date.fromisoformat(value), lang)
        except ValueError:
            return value
    return ""


def estimate_text(value: object, lang: str) -> str:
    """A curator's estimate of a date, written ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, in the reader's locale:
    ``2019``, ``June 2019``, ``25 June 2019``. Anything else is shown as written; nothing gives ``""``."""
    if not isinstance(value, str) or not value.strip():
        return ""
    value = value.strip()
    parts = value.split("-")
    try:
        numbers = [int(part) for part in parts]
        if len(numbers) == 1:
            return str(format_skeleton("y", dt.date(numbers[0], 1, 1), locale=babel_locale(lang)))
        if len(numbers) == 2:
            return str(format_skeleton("yMMMM", dt.date(numbers[0], numbers[1], 1), locale=babel_locale(lang)))
        return fmt_date(dt.date.fromisoformat(value), lang)
    except ValueError:
        return value


def source_date(source: RowLike, lang: str) -> str:
    """The date a document gives itself; for a document the text does not date, "n.d." in the reader's
    language, with the curator's estimate (``date_estimate``) beside it, labelled as an estimate."""
    given = _date(source.get("date"), lang)
    if given:
        return given
    estimate = estimate_text(source.get("date_estimate"), lang)
    return t("citation.undated_estimate", lang, estimate=estimate) if estimate else t("citation.undated", lang)


def locator(row: RowLike, lang: str) -> str:
    """``source_locator_<lang>``, or the English ``source_locator`` when it is empty."""
    for column in (f"source_locator_{lang}", "source_locator"):
        value = row.get(column)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def citation_for(row: RowLike, sources: object, lang: str) -> Citation:
    """The citation of ``row`` (it has ``source_id``) from the sources table (indexed by id)."""
    source_id = str(row.get("source_id") or "")
    index = getattr(sources, "index", ())
    if source_id and source_id in index:
        source = sources.loc[source_id]  # type: ignore[attr-defined]
        title = text(source, "title", lang)
        original = str(source.get("title_ar") or "")
        return Citation(
            lang=lang, title=title, original_title="" if lang == "ar" or original == title else original,
            file=str(source.get("file") or ""), publisher=text(source, "publisher", lang),
            date=source_date(source, lang), locator=locator(row, lang),
        )
    return Citation(lang=lang, title=source_id, original_title="", file="", publisher="", date="",
                    locator=locator(row, lang))


def _line(value: str, lang: str) -> str:
    """A whole line kept in the reader's direction, whatever the paragraph around it."""
    return f"{RLI if is_rtl(lang) else LRI}{value}{PDI}"


def plain_text(citation: Citation) -> str:
    """One copyable line, ``Document: FSI…PDI; Original title: FSI…PDI; …``: every value isolated."""
    lang = citation.lang
    fields = [t("citation.field", lang, label=label, value=isolate(value)) for label, value in citation.parts()]
    return _line(t("citation.separator", lang).join(fields), lang)


def short_text(citation: Citation) -> str:
    """The document, the file and the place, isolated and unlabelled: for captions under a text."""
    parts = (citation.title, citation.original_title, citation.file, citation.locator)
    separator = t("citation.separator", citation.lang)
    return _line(separator.join(isolate(part) for part in parts if part), citation.lang)


def html(citation: Citation) -> str:
    """The citation as a small definition list: labels from the catalog, each value in ``<bdi>``.

    Each label sits beside its value where there is room and above it on a phone (the row wraps),
    so a long title never pushes the block off the screen.
    """
    lang = citation.lang
    direction = "rtl" if is_rtl(lang) else "ltr"
    rows = "".join(
        f'<div style="display:flex;flex-wrap:wrap;gap:0 .8rem;margin-bottom:.25rem">'
        f'<dt style="flex:1 0 11rem;font-weight:600">{escape(label)}</dt>'
        f'<dd style="flex:1000 1 14rem;min-width:0;margin:0;overflow-wrap:anywhere" data-part="{name}">'
        f"{bdi(value)}</dd></div>"
        for (label, value), name in zip(citation.parts(), _names(citation), strict=True)
    )
    return f'<dl class="mc2cm-citation" dir="{direction}" lang="{escape(lang)}" style="margin:0 0 .5rem 0">{rows}</dl>'


def _names(citation: Citation) -> list[str]:
    return [name for name in LABELS if getattr(citation, name)]
