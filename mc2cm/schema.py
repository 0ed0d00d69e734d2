"""The Table Schema in data/datapackage.json, read once and asked questions.

The package descriptor is the single contract: the loader, the validator, the
editor's dropdowns and the staff README all read it through this module.
Project-specific hints live in ``mc2cm:``-prefixed field properties, which
Frictionless keeps and ignores:

* ``mc2cm:list`` — the cell holds several values separated by ``|``;
* ``mc2cm:items`` — what each list item must be: ``{"enum": [...]}``,
  ``{"reference": "<table>"}`` (an ``id`` of that table) or ``{"pattern": "..."}``.

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
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

LANGS: tuple[str, ...] = ("en", "fr", "ar")
LIST_SEPARATOR = "|"
DESCRIPTOR_NAME = "datapackage.json"
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


@dataclass(frozen=True)
class PackageSpec:
    descriptor: dict[str, Any]
    tables: tuple[TableSpec, ...]

    @property
    def table_names(self) -> list[str]:
        return [t.name for t in self.tables]

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


def split_list(value: object) -> tuple[str, ...]:
    """``"a|b| c"`` → ``("a", "b", "c")``; empty or missing → ``()``."""
    if value is None or not isinstance(value, str):
        return ()
    return tuple(part.strip() for part in value.split(LIST_SEPARATOR) if part.strip())
