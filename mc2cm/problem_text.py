"""Validation problems and refused saves, said in the reader's language.

The core keeps a problem as values (:class:`mc2cm.validation.Problem`: file, row,
column, code, params) with its English sentence for the command line. Staff pages
say it through the catalogs: the key is chosen by the problem's code (and
``params["kind"]`` where one code has variants), filled with the problem's values.
A problem the catalogs have no words for, or whose values are missing (a problem
made before it carried values), keeps its English sentence.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from functools import cache

from mc2cm.i18n import DEFAULT_LANG, country_name, fmt_number, join, messages, t, tn
from mc2cm.schema import PackageSpec, current_package
from mc2cm.store import SaveRefused
from mc2cm.titles import column_title, table_title
from mc2cm.validation import Problem

# (code, kind) -> catalog key; kind None: any kind. Literal keys, so the catalog test sees them used.
_KEYS: dict[tuple[str, str | None], str] = {
    ("missing-file", None): "problem.missing_file",
    ("duplicate-column", None): "problem.duplicate_column",
    ("missing-column", None): "problem.missing_column",
    ("column-order", None): "problem.column_order",
    ("extra-cells", None): "problem.extra_cells",
    ("missing-cells", None): "problem.missing_cells",
    ("bidi-control", None): "problem.bidi_control",
    ("formula-like", None): "problem.formula_like",
    ("read-note", "bom"): "problem.note_bom",
    ("read-note", "cp1256"): "problem.note_cp1256",
    ("read-note", "cp1252"): "problem.note_cp1252",
    ("read-note", "separator"): "problem.note_separator",
    ("read-note", "tab-separator"): "problem.note_tab_separator",
    ("read-note", "crlf"): "problem.note_crlf",
    ("read-note", "rewrite-number"): "problem.note_decimal_comma",
    ("read-note", "rewrite-date"): "problem.note_day_first",
    ("read-note", "rewrite-boolean"): "problem.note_boolean",
    ("encoding", None): "problem.encoding",
    ("not-csv", None): "problem.not_csv",
    ("malformed", None): "problem.malformed",
    ("empty", None): "problem.empty",
    ("impossible-date", None): "problem.impossible_date",
    ("ambiguous-date", None): "problem.ambiguous_date",
    ("type-error", "number"): "problem.type_number",
    ("type-error", "integer"): "problem.type_integer",
    ("type-error", "date"): "problem.type_date",
    ("type-error", "boolean"): "problem.type_boolean",
    ("constraint-error", "required-id"): "problem.required_id",
    ("constraint-error", "required"): "problem.required",
    ("constraint-error", "range"): "problem.range",
    ("constraint-error", "enum"): "problem.enum",
    ("constraint-error", "list-pattern"): "problem.list_pattern",
    ("constraint-error", "pattern-id"): "problem.pattern_id",
    ("constraint-error", "pattern-country_code"): "problem.pattern_country_code",
    ("constraint-error", "pattern-file"): "problem.pattern_file",
    ("constraint-error", "pattern"): "problem.pattern",
    ("primary-key", "duplicate-id"): "problem.duplicate_id",
    ("unique-error", "duplicate-id"): "problem.duplicate_id",
    ("lost-arabic-question-marks", None): "problem.lost_arabic_question_marks",
    ("lost-arabic-mojibake", None): "problem.lost_arabic_mojibake",
    ("lost-arabic-latin", "latin-was-arabic"): "problem.lost_arabic_latin_was_arabic",
    ("lost-arabic-latin", "latin"): "problem.lost_arabic_latin",
    ("dangling-reference", None): "problem.dangling_reference",
    ("list-separator", None): "problem.list_separator",
    ("unknown-list-item", "enum"): "problem.unknown_list_item_enum",
    ("unknown-list-item", "reference"): "problem.unknown_list_item_reference",
    ("list-item-pattern", "pattern-country_codes"): "problem.list_item_pattern_country_codes",
    ("list-item-pattern", "pattern"): "problem.list_item_pattern",
    ("scope-needs-city", None): "problem.scope_needs_city",
    ("scope-needs-place", None): "problem.scope_needs_place",
    ("required-when", None): "problem.required_when",
    ("unknown-filter", None): "problem.unknown_filter",
    ("unknown-filter-value", None): "problem.unknown_filter_value",
    ("basemap-missing", None): "problem.basemap_missing",
    ("unknown-country", None): "problem.unknown_country",
    ("outside-country", None): "problem.outside_country",
    ("check-failed", None): "problem.check_failed",
    ("missing-document", None): "problem.missing_document",
    ("document-changed", None): "problem.document_changed",
    ("still-referenced", None): "problem.still_referenced",
    ("wrong-table", None): "problem.wrong_table",
    ("renamed-column", None): "places.renamed_column",
    ("renamed-column-both", None): "places.renamed_column_both",
}
_COUNTED = frozenset({"problem.note_decimal_comma", "problem.note_day_first", "problem.note_boolean"})
_OUTSIDE_HINTS = {"swapped": "problem.outside_swapped", "in-country": "problem.outside_in",
                  "nowhere": "problem.outside_nowhere"}
_STARTS = {"\t": "problem.start_tab", "\r": "problem.start_cr"}
SEVERITY_KEYS = {"error": "problem.severity_error", "warning": "problem.severity_warning",
                 "info": "problem.severity_info"}
# Refused saves whose reason the catalogs word (the problems, listed apart, say the rest).
_REFUSALS = {"busy": "manage.refused_busy", "conflict": "manage.refused_conflict",
             "referenced": "manage.refused_referenced", "wrong-table": "problem.refused_wrong_table"}


@cache
def _placeholders(key: str) -> frozenset[str]:
    catalog = messages(DEFAULT_LANG)
    texts = catalog.plural.get(key) or (catalog.singular.get(key, ""),)
    return frozenset(name for text in texts for _, name, _, _ in string.Formatter().parse(text) if name)


def _say(key: str, lang: str, values: Mapping[str, object]) -> str | None:
    """The message ``key`` with ``values``; None when a value it names is missing."""
    if not _placeholders(key) <= ({*values, "n"} if key in _COUNTED else set(values)):
        return None
    if key in _COUNTED:
        count = values.get("n")
        rest = {name: value for name, value in values.items() if name != "n"}
        return tn(key, count, lang, **rest) if isinstance(count, int) else None
    return t(key, lang, **values)


def _quoted_start(start: object, lang: str) -> str:
    key = _STARTS.get(str(start))
    return t(key, lang) if key else ("« {} »" if lang == "fr" else "«{}»" if lang == "ar" else "'{}'").format(start)


def _values(problem: Problem, lang: str, spec: PackageSpec) -> dict[str, object]:
    """The problem's values, and what a sentence says of them in ``lang`` (titles, names, lists)."""
    params = dict(problem.params)
    values: dict[str, object] = {key: value for key, value in params.items() if key != "kind"}
    values.update(file=problem.file, column=problem.column or "")
    if problem.row is not None:
        values["row"] = problem.row
    tspec = spec.table_for_file(problem.file)
    if tspec is not None and problem.column:
        values["title"] = column_title(tspec, problem.column, lang)
    if tspec is not None and "old" in params and "new" in params:  # a column under its former name
        values.update(old_title=column_title(tspec, str(params["old"]), lang),
                      new_title=column_title(tspec, str(params["new"]), lang))
    columns = params.get("columns")
    if isinstance(columns, list | tuple):
        values["columns"] = join([str(c) for c in columns], lang)
    if "start" in params:
        values["start"] = _quoted_start(params["start"], lang)
    distance = params.get("distance")
    if isinstance(distance, int | float):  # coordinates stay as the CSV writes them (a point, four decimals)
        values["distance"] = fmt_number(distance, lang)
    if problem.code in ("outside-country", "unknown-country"):
        code, found = str(params.get("code", "")), str(params.get("found", ""))
        values["country"] = f"{country_name(code, lang)} ({code})"
        values["found"] = f"{country_name(found, lang)} ({found})" if found else ""
    if problem.code == "wrong-table":
        found, chosen = str(params.get("found", "")), str(params.get("chosen", ""))
        if found in spec.table_names and chosen in spec.table_names:
            values.update(found_file=spec.table(found).path, chosen_file=spec.table(chosen).path,
                          found_title=table_title(spec.table(found), lang))
    return values


def problem_message(problem: Problem, lang: str, spec: PackageSpec | None = None) -> str:
    """What ``problem`` says, in ``lang``: the catalog's words with the problem's values.

    English readers get the catalog's English too; the command line prints ``problem.message``.
    """
    spec = spec or current_package()
    kind = problem.params.get("kind")
    values = _values(problem, lang, spec)
    if problem.code == "unknown-column" and "name" in problem.params:
        first = _say("problem.unknown_column" if problem.params["name"] else "problem.unnamed_column", lang, values)
        hint = _say("problem.unknown_column_close" if problem.params.get("close") else "problem.unknown_column_notes",
                    lang, values)
        return f"{first} {hint}" if first and hint else problem.message
    if problem.code == "unconfirmed-removal" and "id" in problem.params:
        removal = "problem.unconfirmed_removal_named" if problem.params.get("label") else "problem.unconfirmed_removal"
        return _say(removal, lang, values) or problem.message
    key = _KEYS.get((problem.code, str(kind))) or _KEYS.get((problem.code, None))
    if key is None:
        return problem.message
    if problem.code == "outside-country":
        hint_key = _OUTSIDE_HINTS.get(str(kind))
        hint = _say(hint_key, lang, values) if hint_key else None
        if hint is None:
            return problem.message
        values["hint"] = hint
    return _say(key, lang, values) or problem.message


def severity_label(problem: Problem, lang: str) -> str:
    return t(SEVERITY_KEYS[problem.severity], lang)


def refusal_message(refused: SaveRefused, lang: str) -> str:
    """Why a save was refused, in ``lang``; its problems, listed apart, say the rest."""
    code, params = refused.code, refused.params
    if code in _REFUSALS:
        return t(_REFUSALS[code], lang)
    if code == "invalid" and refused.problems:
        return t("manage.refused_invalid", lang)
    count = params.get("n")
    if code == "removals" and isinstance(count, int) and "table" in params:
        return tn("problem.refused_removals", count, lang, table=params["table"])
    if params.get("kind") == "no-version" and "table" in params:
        key = "problem.refused_no_version" if params.get("version") else "problem.refused_no_earlier"
        name = str(params["table"])
        spec = current_package()
        table = spec.table(name).path if name in spec.table_names else name
        return t(key, lang, table=table, version=params.get("version", ""))
    return refused.message
