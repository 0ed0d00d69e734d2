"""Load the dataset into typed DataFrames, with ``|`` lists resolved to tuples."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from mc2cm.schema import DATA_DIR_ENV, FieldSpec, PackageSpec, TableSpec, package_spec, split_list
from mc2cm.validation import CheckedTable, Problem, has_errors, read_data_dir, validate_files

_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no"}


def default_data_dir() -> Path:
    """``$MC2CM_DATA_DIR`` if set, else ``./data``."""
    return Path(os.environ.get(DATA_DIR_ENV) or "data")


def data_stamp(data_dir: Path | str) -> tuple[tuple[str, int, int], ...]:
    """What changes when any data file changes: (name, mtime_ns, size) per file."""
    data_dir = Path(data_dir)
    spec = package_spec(data_dir)
    stamp = []
    for name in ("datapackage.json", *(t.path for t in spec.tables)):
        try:
            st = (data_dir / name).stat()
            stamp.append((name, st.st_mtime_ns, st.st_size))
        except OSError:
            stamp.append((name, 0, -1))
    return tuple(stamp)


@dataclass(frozen=True)
class Dataset:
    """Every table as a DataFrame, plus the validation report it was loaded with.

    ``as_of`` is set when this is an older, good version served because the files
    on disk do not validate (``mc2cm.lastgood``); ``disk_problems`` are then the
    problems of those files.
    """

    tables: dict[str, pd.DataFrame]
    problems: tuple[Problem, ...]
    spec: PackageSpec
    data_dir: Path
    as_of: dt.datetime | None = None
    disk_problems: tuple[Problem, ...] | None = None

    @property
    def current_problems(self) -> tuple[Problem, ...]:
        """What is wrong with the files as they are now (what staff must fix)."""
        return self.problems if self.disk_problems is None else self.disk_problems

    @property
    def files_valid(self) -> bool:
        return not has_errors(self.current_problems)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    @property
    def valid(self) -> bool:
        return not has_errors(self.problems)

    @property
    def cities(self) -> pd.DataFrame:
        return self.tables["cities"]

    @property
    def initiatives(self) -> pd.DataFrame:
        return self.tables["initiatives"]

    @property
    def challenges(self) -> pd.DataFrame:
        return self.tables["challenges"]

    @property
    def recommendations(self) -> pd.DataFrame:
        return self.tables["recommendations"]

    @property
    def sources(self) -> pd.DataFrame:
        return self.tables["sources"]

    @property
    def cso_roles(self) -> pd.DataFrame:
        return self.tables["cso_roles"]

    @property
    def role_assessments(self) -> pd.DataFrame:
        return self.tables["role_assessments"]


def convert_cell(value: str, spec: FieldSpec) -> object:
    """A CSV cell as the schema types it: float, int, bool, date, tuple for ``|`` lists, or str."""
    if spec.is_list:
        return split_list(value)
    if value == "":
        return None
    try:
        if spec.type == "number":
            return float(value)
        if spec.type == "integer":
            return int(value)
        if spec.type == "boolean":
            low = value.lower()
            return True if low in _TRUE else False if low in _FALSE else None
        if spec.type == "date":
            return dt.date.fromisoformat(value)
    except ValueError:
        return None  # reported by validation; shown as missing
    return value


def table_frame(tspec: TableSpec, table: CheckedTable | None) -> pd.DataFrame:
    """A typed DataFrame; an unreadable table becomes an empty one with its columns."""
    rows = table.rows if table is not None else []
    data = {
        f.name: [convert_cell(r.get(f.name, ""), f) for r in rows] for f in tspec.fields
    }
    frame = pd.DataFrame(data, columns=tspec.column_names)
    for f in tspec.fields:
        if f.is_list:
            continue
        if f.type == "number":
            frame[f.name] = pd.to_numeric(frame[f.name], errors="coerce").astype("float64")
        elif f.type == "integer":
            frame[f.name] = pd.array(frame[f.name].tolist(), dtype="Int64")
        elif f.type == "boolean":
            frame[f.name] = pd.array(frame[f.name].tolist(), dtype="boolean")
        elif f.type == "string":
            frame[f.name] = frame[f.name].fillna("").astype(str)
    if "id" in frame.columns and not frame.empty:
        frame = frame.drop_duplicates("id", keep="first")
        frame.index = pd.Index(frame["id"].tolist(), name="row_id")
    return frame


def without_refused_rows(table: CheckedTable | None, problems: Iterable[Problem]) -> CheckedTable | None:
    """The table less every row the validator gives an error for.

    Pages can then rely on what the schema promises (a poll allows at least one
    choice, a city id names a city): a refused row is left out until it is fixed,
    and the Data page lists why.
    """
    if table is None:
        return None
    refused = {p.row for p in problems if p.severity == "error" and p.file == table.spec.path}
    if not refused:
        return table
    kept = [(row, number) for row, number in zip(table.rows, table.row_numbers, strict=True) if number not in refused]
    return replace(table, rows=[row for row, _ in kept], row_numbers=[number for _, number in kept])


def dataset_from_files(files: dict[str, bytes | None], spec: PackageSpec, data_dir: Path) -> Dataset:
    from mc2cm import geo  # noqa: PLC0415 - keeps import of this module cheap for the CLI help

    checked, problems = validate_files(files, spec, geo.basemap_path(data_dir))
    tables = {t.name: table_frame(t, without_refused_rows(checked.get(t.name), problems)) for t in spec.tables}
    return Dataset(tables=tables, problems=tuple(problems), spec=spec, data_dir=data_dir)


def load_dataset(data_dir: Path | str | None = None) -> Dataset:
    """Read, validate and type the whole dataset. Never raises on bad data."""
    data_dir = Path(data_dir) if data_dir is not None else default_data_dir()
    spec = package_spec(data_dir)
    return dataset_from_files(read_data_dir(data_dir), spec, data_dir)
