"""The Table Schema in data/datapackage.json, read once and asked questions.

The package descriptor is the single contract: the loader, the validator, the
editor's dropdowns and the staff README all read it through this module.
Project-specific hints live in ``mc2cm:``-prefixed field properties, which
Frictionless keeps and ignores:

* ``mc2cm:list`` — the cell holds several values separated by ``|``;
* ``mc2cm:items`` — what each list item must be: ``{"enum": [...]}`` or
  ``{"reference": "<table>"}`` (an ``id`` of that table).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
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


def _field_spec(desc: dict[str, Any]) -> FieldSpec:
    cons = desc.get("constraints", {})
    items = desc.get("mc2cm:items", {})
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
        is_list=bool(desc.get("mc2cm:list", False)),
        item_enum=tuple(items.get("enum", ())),
        item_reference=items.get("reference"),
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


@cache
def _load(path: Path) -> PackageSpec:
    with path.open(encoding="utf-8") as fh:
        return parse_descriptor(json.load(fh))


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
