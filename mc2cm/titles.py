"""The schema's table and column titles in the reader's language.

``data/datapackage.json`` gives each table and column one title, in English. Until
it carries its own translations, the titles in French and Arabic are catalog
messages keyed by the schema's names: ``table.<table>`` and ``column.<table>.<column>``
(tests/core/test_problem_messages.py checks that the English catalog says what the
schema says, so a title changed in the schema is flagged for translation). A column
the catalogs do not know yet (just added to the schema) shows its schema title.
"""

from __future__ import annotations

from mc2cm.i18n import DEFAULT_LANG, messages, t
from mc2cm.schema import PackageSpec, TableSpec


def table_key(table: str) -> str:
    return f"table.{table}"


def column_key(table: str, column: str) -> str:
    return f"column.{table}.{column}"


def title_keys(spec: PackageSpec) -> set[str]:
    """Every catalog key a title of ``spec`` is looked up by."""
    return ({table_key(tspec.name) for tspec in spec.tables}
            | {column_key(tspec.name, f.name) for tspec in spec.tables for f in tspec.fields}
            # a file with a column's former name is told what that column was (validation: renamed-column)
            | {column_key(tspec.name, old) for tspec in spec.tables for f in tspec.fields for old in f.former_names})


def _known(key: str) -> bool:
    return key in messages(DEFAULT_LANG).singular


def table_title(tspec: TableSpec, lang: str) -> str:
    """``Villes et lieux`` for ``cities`` in French; the schema's title if the catalogs lack it."""
    key = table_key(tspec.name)
    return t(key, lang) if _known(key) else tspec.title


def column_title(tspec: TableSpec, column: str, lang: str) -> str:
    """``Emplacement dans la source`` for ``source_locator`` in French; the schema's title if the catalogs lack it,
    the column's name for a column the schema does not have."""
    key = column_key(tspec.name, column)
    if _known(key):
        return t(key, lang)
    return tspec.field(column).title if tspec.has(column) else column


def column_label(tspec: TableSpec, column: str, lang: str, *, mark_required: bool = True) -> str:
    """A column header for staff: the title in their language, then the name Excel shows, and * when required.

    ``Emplacement dans la source (source_locator) *``: the name stays in sight because it is
    what the CSV's header row says.
    """
    required = mark_required and tspec.has(column) and tspec.field(column).required
    return t("manage.column_required" if required else "manage.column", lang,
             title=column_title(tspec, column, lang), name=column)


def file_column_label(spec: PackageSpec, file: str, column: str | None, lang: str) -> str:
    """A column a problem or a change names (by file and column name), as :func:`column_label` without the *;
    a name the schema does not know (a helper column) as it is."""
    tspec = spec.table_for_file(file)
    if not column or tspec is None or not tspec.has(column):
        return column or ""
    return column_label(tspec, column, lang, mark_required=False)
