"""A brief of any view: the print-ready document behind ``/brief``, ``/brief.pdf`` and the offline site.

It takes the pages' selection (:class:`mc2cm.filters.Selection`) and writes what the
pages show for it, in the reader's language: the initiatives with their essentials,
the challenges with the recommendations that answer them, the CSO roles, a static map,
and numbered footnotes that cite each record's document and place in it
(:mod:`mc2cm.citations`) with the record's original Arabic wording.

The HTML comes from a Jinja2 template with autoescaping on (``mc2cm/templates/``);
every data string reaches it as a plain value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import pandas as pd

from mc2cm.bidi import LRI, PDI, isolate
from mc2cm.citations import citation_for
from mc2cm.colours import text_on
from mc2cm.filters import (
    Selection,
    answers_to,
    describe,
    related_challenges,
    select_assessments,
    select_challenges,
    select_initiatives,
    select_recommendations,
)
from mc2cm.i18n import country_name, fmt_date, is_rtl, join, label, t, text, text_list, tn
from mc2cm.loading import Dataset
from mc2cm.mapping import area_colour, split_parts
from mc2cm.metrics import initiatives_per_role
from mc2cm.opendata import citation_text, data_version
from mc2cm.places import compare_areas, compare_roles, document_paragraphs, initiative_place, place_summary
from mc2cm.reader import row_passage_url
from mc2cm.room_results import result_line, results_about
from mc2cm.staticmap import static_map
from mc2cm.templating import environment

TEMPLATES = environment(Path(__file__).with_name("templates"))


SUMMARY_LIMIT = 230  # characters of a long text in a brief; its link and footnote lead to the rest
SHORT_LIMIT = 150  # of a recommendation's text, below its title


def shorten(value: str, limit: int | None) -> str:
    """The start of a long text, cut at a word, with an ellipsis (``None``: all of it)."""
    if limit is None or len(value) <= limit:
        return value
    return value[:limit].rsplit(" ", 1)[0] + "…"


SECTIONS = frozenset({"map", "initiatives", "challenges", "roles", "sources"})


@dataclass(frozen=True)
class Layout:
    """What a brief shows and how it links: the whole brief by default; a page of the offline site otherwise."""

    sections: frozenset[str] = SECTIONS
    all_roles_in_full: bool = False
    initiative_href: Callable[[str], str] | None = None  # the offline site links each initiative to its page
    passage_href: Callable[[str, str, str], str] | None = None  # (table, row id, source id) → the offline reader's page
    nav: tuple[dict[str, str], ...] = ()  # the offline site's pages: label, href, current ("1" or "")
    languages: tuple[dict[str, str], ...] = ()  # the offline site's language switch: label, href, lang
    files: tuple[dict[str, str], ...] = ()  # the offline site's data files: label, href
    full_texts: bool = False  # summaries and recommendations uncut (a page, not a few printed sheets)


@dataclass
class Footnotes:
    """Numbered citations, one per record, in the order the brief first needs them.

    The documents are listed once (D1, D2…); a footnote names its document by that
    number, the place in it, and the record's original Arabic wording.
    """

    lang: str
    sources: pd.DataFrame
    notes: list[dict[str, Any]] = field(default_factory=list)
    documents: list[dict[str, Any]] = field(default_factory=list)
    _numbers: dict[tuple[str, str], int] = field(default_factory=dict)
    _documents: dict[str, int] = field(default_factory=dict)
    href: Callable[[str, pd.Series], str] | None = None  # a record's passage in the source reader

    def passage(self, table: str, row: pd.Series) -> str:
        return self.href(table, row) if self.href else ""

    def add(self, table: str, row: pd.Series, original: str) -> int:
        key = (table, str(row.get("id", "")))
        if key in self._numbers:
            return self._numbers[key]
        cited = citation_for(row, self.sources, self.lang)
        source_id = str(row.get("source_id") or "")
        if source_id not in self._documents:
            self._documents[source_id] = len(self.documents) + 1
            self.documents.append({"number": len(self.documents) + 1, "title": cited.title,
                                   "original_title": cited.original_title, "file": cited.file,
                                   "publisher": cited.publisher, "date": cited.date})
        number = len(self.notes) + 1
        self.notes.append({"number": number, "document": self._documents[source_id], "locator": cited.locator,
                           "original": original if self.lang != "ar" else "", "href": self.passage(table, row)})
        self._numbers[key] = number
        return number


def short_url(base_url: str, path: str, params: dict[str, str]) -> str:
    """``host/path?…``: what a printed page can show and a reader can type."""
    host = urlsplit(base_url).netloc or base_url.rstrip("/")
    query = urlencode(params)
    return f"{host}{path}" + (f"?{query}" if query else "")


def _chips(codes: tuple[str, ...], lang: str) -> list[dict[str, str]]:
    return [{"label": label("area", code, lang), "colour": area_colour(code), "text": text_on(area_colour(code))}
            for code in codes]


def _initiatives(data: Dataset, shown: pd.DataFrame, lang: str, notes: Footnotes,
                 base_url: str, href: Callable[[str], str] | None, limit: int | None) -> list[dict[str, Any]]:
    out = []
    for initiative_id, row in shown.iterrows():
        years = [int(y) for y in (row["year_start"], row["year_end"]) if not pd.isna(y)]
        out.append({
            "id": str(initiative_id),
            "name": text(row, "name", lang),
            "place": initiative_place(row, data.cities, lang),
            "lead": join(text_list(row, "lead", lang), lang),
            "partners": join(text_list(row, "partners", lang), lang),
            "actor": label("actor_type", str(row["actor_type"]), lang),
            "areas": _chips(tuple(row["areas"]), lang),
            "years": " – ".join(str(y) for y in dict.fromkeys(years)),
            "figures": text(row, "figures", lang),
            "summary": shorten(text(row, "summary", lang), limit),
            "link": short_url(base_url, "/initiatives", {"id": str(initiative_id), "lang": lang}) if not href else "",
            "href": href(str(initiative_id)) if href else "",
            "note": notes.add("initiatives", row, str(row.get("name_ar") or "")),
        })
    return out


def _challenges(data: Dataset, sel: Selection, lang: str, notes: Footnotes,
                full: bool) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The challenges of the view, each with the titles of the recommendations that answer it;
    and those recommendations (plus the view's others) once each, in full."""
    if sel.id and sel.id in data.initiatives.index:
        challenges, recommendations = related_challenges(data, sel.id)
    else:
        challenges, recommendations = select_challenges(data, sel), select_recommendations(data, sel)
    # The challenges' own texts when the view is about them (a source, a search, one initiative);
    # otherwise their titles and answers, and the recommendations in full once.
    focused = bool(sel.source or sel.q or sel.id or full)
    letters: dict[str, str] = {}
    written: list[dict[str, Any]] = []

    def recommendation(rec_id: str, rec: pd.Series) -> str:
        if rec_id not in letters:
            letters[rec_id] = str(len(letters) + 1)
            written.append({"ref": letters[rec_id], "kind": label("kind", str(rec["kind"]), lang),
                            "title": text(rec, "title", lang),
                            "text": shorten(text(rec, "text", lang), None if full else SHORT_LIMIT),
                            "note": notes.add("recommendations", rec, str(rec.get("title_ar") or "")),
                            "room": room_lines(data, "recommendations", rec_id, lang)})
        return letters[rec_id]

    out = []
    for challenge_id, row in challenges.iterrows():
        note = notes.add("challenges", row, str(row.get("title_ar") or ""))
        answers = [{"ref": recommendation(str(rec_id), rec), "title": text(rec, "title", lang)}
                   for rec_id, rec in answers_to(data.recommendations, str(challenge_id)).iterrows()]
        out.append({"title": text(row, "title", lang),
                    "description": shorten(text(row, "description", lang), None if full else SUMMARY_LIMIT)
                    if focused else "",
                    "note": note, "answers": answers, "room": room_lines(data, "challenges", str(challenge_id), lang)})
    for rec_id, rec in recommendations.iterrows():
        recommendation(str(rec_id), rec)
    return out, written


def room_lines(data: Dataset, table: str, record_id: str, lang: str) -> list[str]:
    """What live rooms said about a record (published results, room input): one line per session and poll."""
    return [result_line(data, row, lang) for _, row in results_about(data, table, record_id).iterrows()]


def _roles(data: Dataset, sel: Selection, shown: pd.DataFrame, lang: str, notes: Footnotes,
           all_in_full: bool) -> dict[str, Any]:
    """A line per role; the strengths and weaknesses in full for the roles the view is about."""
    assessments = select_assessments(data, sel.with_(q=""))
    playing = initiatives_per_role(shown)
    focus = set(sel.role)
    if sel.id and sel.id in data.initiatives.index:
        focus |= set(data.initiatives.at[sel.id, "cso_roles"] or ())  # type: ignore[arg-type]
    table, detail = [], []
    for role_id, role in data.cso_roles.sort_values("position").iterrows():
        part = assessments[assessments["role_id"] == role_id]
        if part.empty and sel.role:
            continue
        strengths, weaknesses = part[part["kind"] == "strength"], part[part["kind"] == "weakness"]
        table.append({"name": text(role, "name", lang), "strengths": len(strengths), "weaknesses": len(weaknesses),
                      "initiatives": playing.get(str(role_id), 0)})
        if role_id in focus or all_in_full:
            def cited(rows: pd.DataFrame) -> list[dict[str, Any]]:
                return [{"text": text(r, "text", lang),
                         "note": notes.add("role_assessments", r, str(r.get("text_ar") or ""))}
                        for _, r in rows.iterrows()]

            detail.append({"name": text(role, "name", lang), "strengths": cited(strengths),
                           "weaknesses": cited(weaknesses)})
    return {"table": table, "detail": detail}


def _comparison(data: Dataset, ids: Sequence[str], lang: str) -> dict[str, Any]:
    """Places side by side, as /places?compare=… shows them: what the documents hold for each, and its
    initiatives by area of work (the schema's labels and colours) and by CSO role."""
    paragraphs = document_paragraphs(data)
    summaries = [place_summary(data, city_id, paragraphs) for city_id in ids]
    areas, roles = compare_areas(data, ids), compare_roles(data, ids)
    return {
        "places": [{"name": text(data.cities.loc[s.city_id], "name", lang),
                    "country": country_name(str(data.cities.at[s.city_id, "country_code"]), lang),
                    "initiatives": len(s.initiatives), "events": len(s.events), "challenges": len(s.challenges),
                    "sources": len(s.sources)} for s in summaries],
        "areas": [{**_chips((str(code),), lang)[0], "counts": [int(v) for v in counts]}
                  for code, counts in areas.iterrows()],
        "roles": [{"label": text(data.cso_roles.loc[str(code)], "name", lang), "counts": [int(v) for v in counts]}
                  for code, counts in roles.iterrows()],
    }


def _passage_href(lang: str, base_url: str, layout: Layout | None) -> Callable[[str, pd.Series], str] | None:
    """How a footnote links to its passage: the offline copy's reader pages; else the server's ``/sources``,
    absolute (a PDF or a saved page still leads there); with no address known, no link."""
    if layout is not None and layout.passage_href is not None:
        offline = layout.passage_href
        return lambda table, row: offline(table, str(row.get("id") or row.name), str(row.get("source_id") or ""))
    if base_url:
        return lambda table, row: row_passage_url(table, row, lang, base_url)
    return None


def brief_context(data: Dataset, sel: Selection, lang: str, base_url: str,
                  today: dt.date | None = None, layout: Layout | None = None,
                  compare: Sequence[str] = ()) -> dict[str, Any]:
    """Everything the brief template shows, as plain values (no HTML).

    ``compare`` (two to four city ids, :func:`mc2cm.places.parse_compare`): the brief of /places?compare=…,
    the places side by side, then the initiatives at them, on a map of those places.
    """
    layout = layout or Layout()
    shown = select_initiatives(data, sel)
    if sel.id:
        shown = shown[shown["id"] == sel.id]
    if compare:
        shown = shown[shown["city_ids"].map(lambda ids: bool(set(compare).intersection(ids)))]
        layout = replace(layout, sections=layout.sections - {"challenges", "roles"})
    notes = Footnotes(lang, data.sources, href=_passage_href(lang, base_url, layout))
    full = layout.full_texts or bool(sel.id)  # one initiative: its texts in full
    initiatives = _initiatives(data, shown, lang, notes, base_url, layout.initiative_href,
                               None if full else SUMMARY_LIMIT) if "initiatives" in layout.sections else []
    challenges, recommendations = _challenges(data, sel, lang, notes, full) if "challenges" in layout.sections \
        else ([], [])
    roles = _roles(data, sel, shown, lang, notes, layout.all_roles_in_full) if "roles" in layout.sections \
        else {"table": [], "detail": []}
    parts = split_parts(data.cities, shown)
    if compare:  # the compared places only, not the other cities of a multi-city initiative
        parts = replace(parts, markers=parts.markers[parts.markers["city_id"].isin(compare)].reset_index(drop=True))
    map_title = tn("brief.map_title", len(parts.markers), lang)
    svg = static_map(data.cities, parts, lang, map_title)
    version = data_version(data)
    view_params = {k: v if isinstance(v, str) else ",".join(v) for k, v in sel.to_query(lang).items()}
    if compare:
        view_params["compare"] = ",".join(compare)
    made_on = fmt_date(today or dt.datetime.now(dt.UTC).date(), lang)
    return {
        "lang": lang,
        "dir": "rtl" if is_rtl(lang) else "ltr",
        "t": lambda key, **values: t(key, lang, **values),
        "tn": lambda key, n, **values: tn(key, n, lang, **values),
        "title": t("cite.dataset_title", lang),
        "view": t("places.compare_title", lang, places=join((text(data.cities.loc[c], "name", lang) for c in compare),
                                                              lang)) if compare else describe(sel, lang, data, len(shown)),
        "comparison": _comparison(data, compare, lang) if compare else None,
        "version": t("brief.version", lang, version=isolate(version.package), fingerprint=isolate(version.fingerprint),
                     date=fmt_date(version.updated, lang) if version.updated else ""),
        "made": t("brief.made", lang, date=made_on,
                  url=f"{LRI}{short_url(base_url, '/brief', view_params)}{PDI}")  # a URL reads left to right
        if base_url else t("brief.made_offline", lang, date=made_on),
        "stale": data.as_of is not None,
        "map_svg": svg,
        "map_title": map_title,
        "legend": _chips(tuple(a for a in data.spec.vocabulary("area").codes if a in set(parts.markers["area"])
                               ), lang) if not parts.markers.empty else [],
        "elsewhere": join((text(r, "name", lang) for _, r in parts.elsewhere.iterrows()), lang),
        "elsewhere_count": len(parts.elsewhere),
        "initiatives": initiatives,
        "challenges": challenges,
        "recommendations": recommendations,
        "roles": roles,
        "notes": notes.notes,
        "documents": notes.documents,
        "cite": citation_text(data, lang, short_url(base_url, "/data", {"lang": lang}) if base_url
                              else t("brief.offline", lang)),
        "sections": layout.sections,
        "nav": layout.nav,
        "languages": layout.languages,
        "files": layout.files,
    }


def render_brief(data: Dataset, sel: Selection, lang: str, base_url: str, asset_base: str, *,
                 pdf_href: str = "", today: dt.date | None = None, layout: Layout | None = None,
                 compare: Sequence[str] = ()) -> str:
    """The brief as one HTML document.

    ``asset_base`` is where ``fonts/print.css`` is found (``/app/static/vendor/`` on the server,
    a ``file:`` or relative path for PDFs and the offline site); ``pdf_href`` links its PDF, if any.
    """
    context = brief_context(data, sel, lang, base_url, today, layout, compare)
    return TEMPLATES.get_template("brief.html").render(**context, asset_base=asset_base, pdf_href=pdf_href)
