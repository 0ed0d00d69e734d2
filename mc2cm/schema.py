"""The Table Schema in data/datapackage.json, read once and asked questions.

The package descriptor is the single contract: the loader, the validator, the
editor's dropdowns and the staff README all read it through this module.
Project-specific hints live in ``mc2cm:``-prefixed field properties, which
Frictionless keeps and ignores:

* ``mc2cm:list`` — the cell holds several values separated by ``|``;
* ``mc2cm:items`` — what each list item must be: ``{"enum": [...]}``,
  ``{"reference": "<table>"}`` (an ``id`` of that table) or ``{"pattern": "..."}``;
* ``mc2cm:formerNames`` — names the column had before (``city_id`` for
  ``city_ids``): a file still using one is read as the new column, with a note.

A list column's item pattern needs no ``mc2cm:items`` when its Frictionless
``pattern`` has the usual list shape ``ITEM(\\|ITEM)*``: the item pattern is
read from it (see :func:`list_item_pattern`), so each item of every list is
checked against what the schema already says.

Every table's schema says ``"fieldsMatch": "subset"`` (Table Schema v2): a file
must hold every column of the schema and may hold more. A helper column added in
Excel is then a warning for the validator and no error for ``frictionless
validate``; a missing column is an error for both.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

LANGS: tuple[str, ...] = ("en", "fr", "ar")
LIST_SEPARATOR = "|"
DESCRIPTOR_NAME = "datapackage.json"
DATA_DIR_ENV = "MC2CM_DATA_DIR"  # the data folder the app serves
DEFAULT_DESCRIPTOR = Path(__file__).resolve().parent.parent / "data" / DESCRIPTOR_NAME


@dataclass(frozen=True)
class FieldSpec:
    """One column of one table, as the schema describes it."""

    name: str
    type: str
    title: str
    description: str = ""
    required: bool = False
    enum: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    pattern: str | None = None
    is_list: bool = False
    item_enum: tuple[str, ...] = ()
    item_reference: str | None = None
    item_pattern: str | None = None
    vocabulary: str | None = None  # ``mc2cm:vocabulary``: the labelled codes this column holds
    former_names: tuple[str, ...] = ()  # ``mc2cm:formerNames``: what older files call this column

    @property
    def has_item_rules(self) -> bool:
        """Whether each ``|`` item of this list column is checked on its own."""
        return bool(self.item_enum or self.item_reference or self.item_pattern)

    @property
    def is_translation(self) -> bool:
        return any(self.name.endswith(f"_{lang}") for lang in LANGS)


@dataclass(frozen=True)
class ForeignKey:
    column: str
    table: str
    target_column: str


@dataclass(frozen=True)
class TableSpec:
    """One resource of the data package."""

    name: str
    path: str
    title: str
    description: str
    fields: tuple[FieldSpec, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = ()
    descriptor: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def column_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> FieldSpec:
        for spec in self.fields:
            if spec.name == name:
                return spec
        raise KeyError(name)

    def has(self, name: str) -> bool:
        return name in self.column_names

    @property
    def room_input(self) -> bool:
        """Rows a live room produced (published poll results): they cite no document and may be none yet."""
        return self.descriptor.get("mc2cm:origin") == "room_input"


@dataclass(frozen=True)
class Term:
    """One code of a controlled vocabulary, with its labels in every language and, for some, a colour."""

    code: str
    labels: dict[str, str]
    colour: str | None = None
    rows: dict[str, Any] | None = None  # ``mc2cm:rows``: where a poll's options come from (see scenes.poll_options)

    def label(self, lang: str) -> str:
        return self.labels.get(lang) or self.labels.get("en") or self.code.replace("_", " ")


@dataclass(frozen=True)
class Vocabulary:
    """A controlled vocabulary (``mc2cm:vocabularies`` in the schema): its codes in display order.

    ``mixed`` is what stands for several codes at once (a city whose initiatives
    span several areas), where the schema gives one.
    """

    name: str
    title: str
    terms: tuple[Term, ...]
    mixed: Term | None = None

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(term.code for term in self.terms)

    def term(self, code: str) -> Term | None:
        if self.mixed is not None and code == self.mixed.code:
            return self.mixed
        return next((term for term in self.terms if term.code == code), None)

    def colour(self, code: str) -> str:
        """The code's colour; one from a fixed palette, by position, for a code the schema gives none."""
        term = self.term(code)
        if term is not None and term.colour:
            return term.colour
        given = {t.colour for t in self.terms if t.colour}
        free = [colour for colour in FALLBACK_COLOURS if colour not in given] or list(FALLBACK_COLOURS)
        uncoloured = [t.code for t in self.terms if not t.colour]
        position = uncoloured.index(code) if code in uncoloured else len(uncoloured)
        return free[position % len(free)]

    def palette(self) -> dict[str, str]:
        """Code -> colour for every code in display order, the mixed one last (a map legend)."""
        codes = [*self.codes, *([self.mixed.code] if self.mixed is not None else [])]
        return {code: self.colour(code) for code in codes}


# Okabe-Ito, then Paul Tol's muted set: told apart with the common colour-vision deficiencies. A code the
# schema gives no colour takes the first of these that no other code of its vocabulary uses.
FALLBACK_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#8C6D31", "#999999",
                    "#117733", "#882255", "#44AA99", "#DDCC77", "#AA4499", "#332288", "#88CCEE")
EMPTY_VOCABULARY = Vocabulary("", "", ())
MIXED = "several"  # the code of a vocabulary's ``mc2cm:mixed`` term


def _vocabulary(name: str, desc: dict[str, Any]) -> Vocabulary:
    terms = tuple(Term(str(v["value"]), dict(v.get("labels", {})), v.get("colour"), v.get("mc2cm:rows"))
                  for v in desc.get("values", []))
    mixed = desc.get("mc2cm:mixed")
    return Vocabulary(name, desc.get("title", name), terms,
                      Term(MIXED, dict(mixed.get("labels", {})), mixed.get("colour")) if mixed else None)


@dataclass(frozen=True)
class PackageSpec:
    descriptor: dict[str, Any]
    tables: tuple[TableSpec, ...]
    vocabularies: dict[str, Vocabulary] = field(default_factory=dict)
    # ``mc2cm:filters``: the page filters a link or a scene may set, and what their values must be
    # (ids of a table, or the codes a column allows; nothing for free text and countries)
    filters: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def table_names(self) -> list[str]:
        return [t.name for t in self.tables]

    def vocabulary(self, name: str) -> Vocabulary:
        """The vocabulary ``name``; an empty one if the schema has none by that name."""
        return self.vocabularies.get(name, EMPTY_VOCABULARY)

    def table(self, name: str) -> TableSpec:
        for spec in self.tables:
            if spec.name == name:
                return spec
        raise KeyError(name)

    def table_for_file(self, file_name: str) -> TableSpec | None:
        for spec in self.tables:
            if spec.path == file_name:
                return spec
        return None

    def referencing(self, table: str) -> list[tuple[str, FieldSpec]]:
        """Every (table, column) whose values point at ``table``'s ids."""
        found: list[tuple[str, FieldSpec]] = []
        for spec in self.tables:
            for fk in spec.foreign_keys:
                if fk.table == table:
                    found.append((spec.name, spec.field(fk.column)))
            found.extend(
                (spec.name, f) for f in spec.fields if f.item_reference == table
            )
        return found


# ``ITEM(\|ITEM)*``: a whole-cell pattern that repeats one item pattern after ``|``.
_LIST_PATTERN = re.compile(r"^(?P<item>.+)\(\\\|(?P=item)\)\*$")


def list_pattern(codes: Iterable[str]) -> str:
    """The whole-cell pattern of a ``|`` list of ``codes``: ``(a|b)(\\|(a|b))*`` (what Frictionless checks)."""
    choice = "|".join(re.escape(code) for code in codes)
    return f"({choice})(\\|({choice}))*"


def list_item_pattern(pattern: str | None) -> str | None:
    """The item pattern of a list pattern: ``"[A-Z]{2}(\\|[A-Z]{2})*"`` → ``"[A-Z]{2}"``.

    ``None`` when the pattern does not have that shape (then only the whole cell is checked).
    """
    if not pattern:
        return None
    found = _LIST_PATTERN.match(pattern)
    return found.group("item") if found else None


def _field_spec(desc: dict[str, Any]) -> FieldSpec:
    cons = desc.get("constraints", {})
    items = desc.get("mc2cm:items", {})
    is_list = bool(desc.get("mc2cm:list", False))
    return FieldSpec(
        name=desc["name"],
        type=desc.get("type", "string"),
        title=desc.get("title", desc["name"]),
        description=desc.get("description", ""),
        required=bool(cons.get("required", False)),
        enum=tuple(cons.get("enum", ())),
        minimum=cons.get("minimum"),
        maximum=cons.get("maximum"),
        pattern=cons.get("pattern"),
        is_list=is_list,
        item_enum=tuple(items.get("enum", ())),
        item_reference=items.get("reference"),
        item_pattern=items.get("pattern") or (list_item_pattern(cons.get("pattern")) if is_list else None),
        vocabulary=desc.get("mc2cm:vocabulary"),
        former_names=tuple(desc.get("mc2cm:formerNames", ())),
    )


def _table_spec(desc: dict[str, Any]) -> TableSpec:
    schema = desc["schema"]
    fks = tuple(
        ForeignKey(
            column=fk["fields"] if isinstance(fk["fields"], str) else fk["fields"][0],
            table=fk["reference"]["resource"],
            target_column=(
                fk["reference"]["fields"]
                if isinstance(fk["reference"]["fields"], str)
                else fk["reference"]["fields"][0]
            ),
        )
        for fk in schema.get("foreignKeys", [])
    )
    return TableSpec(
        name=desc["name"],
        path=desc["path"],
        title=desc.get("title", desc["name"]),
        description=desc.get("description", ""),
        fields=tuple(_field_spec(f) for f in schema["fields"]),
        primary_key=tuple(schema.get("primaryKey", [])),
        foreign_keys=fks,
        descriptor=desc,
    )


def parse_descriptor(descriptor: dict[str, Any]) -> PackageSpec:
    return PackageSpec(
        descriptor=descriptor,
        tables=tuple(_table_spec(r) for r in descriptor["resources"]),
        vocabularies={name: _vocabulary(name, desc)
                      for name, desc in descriptor.get("mc2cm:vocabularies", {}).items()},
        filters={key: dict(value) for key, value in descriptor.get("mc2cm:filters", {}).items()},
    )


@lru_cache(maxsize=16)  # one per version of a descriptor read
def _parse(path: Path, mtime_ns: int, size: int) -> PackageSpec:
    del mtime_ns, size  # the cache key: an edited descriptor is read again
    with path.open(encoding="utf-8") as fh:
        return parse_descriptor(json.load(fh))


def _load(path: Path) -> PackageSpec:
    stat = path.stat()
    return _parse(path, stat.st_mtime_ns, stat.st_size)


def package_spec(data_dir: Path | str | None = None) -> PackageSpec:
    """The schema of ``data_dir`` (its own datapackage.json when it has one).

    A data folder without a descriptor (a staff member's copy, a test
    fixture) is read against the shipped schema.
    """
    if data_dir is not None:
        candidate = Path(data_dir) / DESCRIPTOR_NAME
        if candidate.is_file():
            return _load(candidate.resolve())
    return _load(DEFAULT_DESCRIPTOR)


def vocabulary_problems(spec: PackageSpec) -> list[tuple[str, str]]:
    """(``table.column`` or vocabulary, message) for each code a reader would see without a label.

    Every code a column allows (its ``enum``, or its list items' ``enum``) must be a
    value of the vocabulary it names, with a label in every language: the app, the
    charts and the map legend take labels, order and colours from there only.
    """
    found: list[tuple[str, str]] = []
    for name, vocabulary in spec.vocabularies.items():
        for term in vocabulary.terms:
            missing = [lang for lang in LANGS if not term.labels.get(lang, "").strip()]
            if missing:
                found.append((f"mc2cm:vocabularies.{name}", (f"The value '{term.code}' has no label in "
                              f"{', '.join(missing)}. Add it under \"labels\" in datapackage.json.")))
        for term in vocabulary.terms:
            if term.rows is not None:
                found.extend((f"mc2cm:vocabularies.{name}", f"'{term.code}': {message}")
                             for message in _rows_problems(spec, term.rows))
    for table in spec.tables:
        for column in table.fields:
            if column.vocabulary is None:
                continue
            where = f"{table.name}.{column.name}"
            if column.vocabulary not in spec.vocabularies:
                found.append((where, (f"The column names the vocabulary '{column.vocabulary}', which "
                              "mc2cm:vocabularies in datapackage.json does not have.")))
                continue
            known = set(spec.vocabularies[column.vocabulary].codes)
            if column.is_list and column.item_enum and column.pattern != list_pattern(column.item_enum):
                found.append((where, ("The pattern of this list column does not match its allowed values "
                              f"(mc2cm:items.enum). Set its constraints.pattern to: {list_pattern(column.item_enum)}")))
            for code in (column.item_enum or column.enum):
                if code not in known:
                    found.append((where, (f"'{code}' is allowed in this column but has no labels: add it to "
                                  f"mc2cm:vocabularies.{column.vocabulary} in datapackage.json (labels in en, fr "
                                  "and ar; a colour where the others have one).")))
    return found


VOCABULARY_DOCS_START = "<!-- vocabularies: generated by `python -m mc2cm docs` from datapackage.json -->"
VOCABULARY_DOCS_END = "<!-- /vocabularies -->"


def vocabulary_markdown(spec: PackageSpec) -> str:
    """The controlled vocabularies as Markdown tables (code, labels, colour), for data/README.md."""
    lines = [VOCABULARY_DOCS_START, ""]
    for name, vocabulary in spec.vocabularies.items():
        columns = [f"`{t.name}.{c.name}`" for t in spec.tables for c in t.fields if c.vocabulary == name]
        lines += [f"**{vocabulary.title}** (`{name}`; used in {', '.join(columns) or 'no column'}), in display order:",
                  "", "| code | English | Français | العربية | colour |", "|---|---|---|---|---|"]
        terms = [*vocabulary.terms, *([vocabulary.mixed] if vocabulary.mixed else [])]
        for term in terms:
            cells = [term.labels.get(lang, "").replace("|", "\\|") for lang in LANGS]
            colour = f"`{term.colour}`" if term.colour else ""
            code = f"`{term.code}`" + (" (the map's mark for several at once; not written in a cell)"
                                       if term is vocabulary.mixed else "")
            lines.append(f"| {code} | {' | '.join(cells)} | {colour} |")
        lines.append("")
    lines.append(VOCABULARY_DOCS_END)
    return "\n".join(lines)


def with_vocabulary_docs(readme: str, spec: PackageSpec) -> str:
    """``readme`` with its generated vocabulary block replaced (or appended) by the current one."""
    block = vocabulary_markdown(spec)
    if VOCABULARY_DOCS_START in readme and VOCABULARY_DOCS_END in readme:
        before, rest = readme.split(VOCABULARY_DOCS_START, 1)
        after = rest.split(VOCABULARY_DOCS_END, 1)[1]
        return before + block + after
    return readme.rstrip("\n") + "\n\n## Vocabularies\n\n" + block + "\n"


def _rows_problems(spec: PackageSpec, rows: dict[str, Any]) -> list[str]:
    """What is wrong with an ``mc2cm:rows`` description (a poll's options): names that do not exist."""
    if "vocabulary" in rows:
        return [] if rows["vocabulary"] in spec.vocabularies else [f"no vocabulary '{rows['vocabulary']}'"]
    table = str(rows.get("table", ""))
    if table not in spec.table_names:
        return [f"mc2cm:rows names no table ('{table}'); give \"table\" or \"vocabulary\""]
    tspec = spec.table(table)
    wanted = [*dict(rows.get("where", {})), *([rows["order"]] if "order" in rows else []),
              f"{rows.get('label', 'name')}_en"]
    return [f"{table}.csv has no column '{column}'" for column in wanted if not tspec.has(column)]


def current_package() -> PackageSpec:
    """The schema of the data the app serves (``$MC2CM_DATA_DIR``, else ``./data``): labels, order and colours."""
    return package_spec(os.environ.get(DATA_DIR_ENV) or "data")


def split_list(value: object) -> tuple[str, ...]:
    """``"a|b| c"`` → ``("a", "b", "c")``; empty or missing → ``()``."""
    if value is None or not isinstance(value, str):
        return ()
    return tuple(part.strip() for part in value.split(LIST_SEPARATOR) if part.strip())
