"""The one save path, for the app's editor, its upload and the command line.

A save is refused, with the validator's own messages, unless the whole
dataset is valid with the new table in place. A valid save is atomic (temp
file in the same folder, fsync, ``os.replace``), keeps the previous version
under ``DATA_DIR/.history/`` and appends a line to the change log. Saves are
serialised by a file lock, and a save is refused when the file changed since
the editor read it (another person saved in between).

A save never deletes rows nobody chose to delete: rows the new file lacks are
deleted only when the caller names them (``allow_removals``, what the person
confirmed), and a file that holds part of a table (a filtered download) can
update just its rows (``update_rows``). :func:`plan_save` is the same check
without the writing, for the upload's preview.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import math
import os
import stat
import tempfile
from collections.abc import Collection, Iterator, Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from filelock import FileLock, Timeout

from mc2cm import geo
from mc2cm.csvio import restore_neutralised, write_csv_text
from mc2cm.schema import PackageSpec, TableSpec, package_spec, split_list
from mc2cm.upload import RemovedRow, merge_rows, removed_rows, wrong_table, wrong_table_message
from mc2cm.validation import CheckedTable, Problem, has_errors, read_data_dir, read_table, validate_files

HISTORY_DIR = ".history"
CHANGELOG = "changelog.jsonl"
LOCK_FILE = ".lock"
LOCK_TIMEOUT_S = 30.0


class SaveRefused(Exception):
    """Nothing was written.

    ``code`` is ``invalid``, ``wrong-table``, ``conflict``, ``referenced``, ``removals`` or ``busy``.
    ``message`` is English (the command line's);
    ``params`` are its values, for :func:`mc2cm.problem_text.refusal_message`.
    """

    def __init__(self, code: str, message: str, problems: list[Problem] | None = None,
                 params: Mapping[str, object] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.problems = problems or []
        self.params = dict(params or {})


@dataclass(frozen=True)
class CellChange:
    row_id: str
    column: str
    old: str
    new: str


@dataclass
class TableDiff:
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    cells: list[CellChange] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def counts(self) -> dict[str, int]:
        return {"added": len(self.added), "changed": len(self.changed), "removed": len(self.removed)}


@dataclass(frozen=True)
class HistoryEntry:
    time: str
    who: str
    table: str
    added: int
    changed: int
    removed: int
    backup: str          # file under .history/ holding the version before this save ("" if none)
    version: str         # sha256 of the table after this save
    action: str = "save"

    def line(self) -> str:
        return (f"{self.time}  {self.table:<18} {self.who:<16} +{self.added} ~{self.changed} -{self.removed}"
                f"  ({self.action}; previous version: {self.backup or 'none'})")


@dataclass(frozen=True)
class SaveResult:
    diff: TableDiff
    version: str
    entry: HistoryEntry


def file_version(data: bytes | None) -> str:
    """The identity of a file's content: what an editor read, to detect conflicts."""
    return "" if data is None else hashlib.sha256(data).hexdigest()


def table_version(data_dir: Path | str, table: str) -> str:
    spec = package_spec(data_dir).table(table)
    path = Path(data_dir) / spec.path
    return file_version(path.read_bytes() if path.is_file() else None)


def canonical_bytes(table: CheckedTable) -> bytes:
    """How a table is stored: UTF-8, commas, LF, columns in schema order."""
    return write_csv_text(table.spec.column_names, table.as_lists()).encode("utf-8")


def _cell(value: object, type_: str) -> str:
    """One editor value as CSV text, by the column's schema type."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "|".join(str(v).strip() for v in value if str(v).strip())
    if isinstance(value, dt.date):
        return value.isoformat()[:10]
    if isinstance(value, (int, float)):
        return str(int(value)) if type_ == "integer" else repr(float(value))
    text = str(value).strip()
    return "" if text in ("<NA>", "nan", "NaT", "None") else text


def rows_to_bytes(spec: TableSpec, rows: list[Mapping[str, object]]) -> bytes:
    """Rows (column → value) as canonical CSV; missing columns are empty."""
    types = {f.name: f.type for f in spec.fields}
    lines = [[_cell(row.get(col), types[col]) for col in spec.column_names] for row in rows]
    return write_csv_text(spec.column_names, lines).encode("utf-8")


def prepare(spec: TableSpec, data: bytes) -> tuple[CheckedTable | None, list[Problem]]:
    """Read an uploaded file as staff save it; columns may come in any order.

    Text cells that our own export protected against spreadsheet formulas (a leading
    ``'``) come back as they were, so a download-edit-upload round trip changes nothing.
    """
    table, problems = read_table(spec, data, strict_order=False)
    if table is not None:
        text_columns = [f.name for f in spec.fields if f.type == "string"]
        for row in table.rows:
            for column in text_columns:
                if column in row:
                    row[column] = restore_neutralised(row[column])
    return table, problems


def read_upload(spec: PackageSpec, table: str, data: bytes) -> tuple[CheckedTable | None, list[Problem]]:
    """:func:`prepare`, except that a file of another table is one problem saying so.

    ``cities.csv`` chosen as initiatives would otherwise give one "add the column"
    message for each of the thirty columns it lacks.
    """
    tspec = spec.table(table)
    new_table, problems = prepare(tspec, data)
    if new_table is None:
        found = wrong_table(spec, table, data)
        if found is not None:
            return None, [Problem(tspec.path, 1, None, "wrong-table", wrong_table_message(found, tspec),
                                  params={"found": found.name, "chosen": tspec.name})]
    return new_table, problems


def diff_tables(old: CheckedTable | None, new: CheckedTable) -> TableDiff:
    before = {r["id"]: r for r in old.rows} if old else {}
    after = {r["id"]: r for r in new.rows}
    diff = TableDiff(added=[i for i in after if i not in before], removed=[i for i in before if i not in after])
    for row_id, row in after.items():
        if row_id not in before:
            continue
        changes = [CellChange(row_id, col, before[row_id].get(col, ""), row.get(col, ""))
                   for col in new.spec.column_names if before[row_id].get(col, "") != row.get(col, "")]
        if changes:
            diff.changed.append(row_id)
            diff.cells.extend(changes)
    return diff


def reference_problems(spec: PackageSpec, tables: Mapping[str, CheckedTable | None], table: str,
                       removed: list[str]) -> list[Problem]:
    """A removed row that other rows still point at: say who points at it."""
    problems: list[Problem] = []
    if not removed:
        return problems
    gone = set(removed)
    for other, fspec in spec.referencing(table):
        checked = tables.get(other)
        if checked is None:
            continue
        for row, number in zip(checked.rows, checked.row_numbers, strict=True):
            values = split_list(row.get(fspec.name, "")) if fspec.is_list else (row.get(fspec.name, ""),)
            for value in values:
                if value in gone:
                    problems.append(Problem(
                        spec.table(other).path, number, fspec.name, "still-referenced",
                        f"'{value}' cannot be deleted from {spec.table(table).path}: the row '{row.get('id', '')}' "
                        f"of {spec.table(other).path} uses it. Change or delete that row first.",
                        params={"value": value, "table": spec.table(table).path, "row_id": row.get("id", ""),
                                "other": spec.table(other).path}))
    return problems


@dataclass(frozen=True)
class SavePlan:
    """What a save would do, checked exactly as the save checks it. Nothing is written."""

    table: CheckedTable          # the table as it would be saved (after an update, the merged table)
    data: bytes                  # its bytes on disk
    diff: TableDiff
    removed: list[RemovedRow]    # rows the save deletes: id, name, row in the current file
    problems: list[Problem]      # the whole dataset with this table in place: errors and warnings
    referenced: list[Problem]    # deleted rows that other tables still use

    @property
    def errors(self) -> list[Problem]:
        return [p for p in (*self.referenced, *self.problems) if p.severity == "error"]


def _renumber(problems: list[Problem], path: str, row_numbers: list[int]) -> list[Problem]:
    """Rows as staff find them (the uploaded file's Excel rows), not as the saved file numbers them."""
    def where(problem: Problem) -> Problem:
        if problem.file != path or problem.row is None or not 2 <= problem.row < len(row_numbers) + 2:
            return problem
        return replace(problem, row=row_numbers[problem.row - 2])
    return [where(p) for p in problems]


def plan_save(data_dir: Path | str, table: str, new_table: CheckedTable, *, current: bytes | None,
              update_rows: bool = False, files: Mapping[str, bytes | None] | None = None,
              lang: str = "en") -> SavePlan:
    """Validate the whole dataset as it would be with ``new_table`` saved over ``current``.

    ``update_rows``: the file updates the rows it holds and adds its new ids; no row
    is deleted (:func:`mc2cm.upload.merge_rows`). ``files`` are the other tables'
    bytes (default: read from ``data_dir``). Lost Arabic is checked against
    ``current`` ("Latin where Arabic was").
    """
    data_dir = Path(data_dir)
    spec = package_spec(data_dir)
    tspec = spec.table(table)
    all_files = dict(files) if files is not None else read_data_dir(data_dir)
    old_table, _ = read_table(tspec, current) if current is not None else (None, [])
    if update_rows:
        new_table = merge_rows(old_table, new_table)
    new_bytes = canonical_bytes(new_table)
    diff = diff_tables(old_table, new_table)
    all_files[table] = new_bytes
    checked, problems = validate_files(all_files, spec, geo.basemap_path(data_dir), previous={table: old_table})
    problems = _renumber([p for p in problems if p.severity != "info"], tspec.path, new_table.row_numbers)
    return SavePlan(table=new_table, data=new_bytes, diff=diff, removed=removed_rows(old_table, diff.removed, lang),
                    problems=problems, referenced=reference_problems(spec, checked, table, diff.removed))


def unconfirmed_removals(plan: SavePlan, allow_removals: bool | Collection[str]) -> list[RemovedRow]:
    """The rows a save would delete that nobody confirmed deleting."""
    if allow_removals is True:
        return []
    confirmed = set() if allow_removals is False else set(allow_removals)
    return [row for row in plan.removed if row.id not in confirmed]


def _removal_refusal(tspec: TableSpec, rows: list[RemovedRow]) -> SaveRefused:
    problems = [Problem(tspec.path, row.row, "id", "unconfirmed-removal",
                        f"The row '{row.id}'{f' ({row.label})' if row.label else ''} would be deleted.",
                        params={"id": row.id, "label": row.label})
                for row in rows]
    return SaveRefused("removals", f"This file would delete {len(rows)} row(s) of {tspec.path} that it does not "
                                   "hold. Nothing was deleted: confirm that these rows go, or, if the file holds "
                                   "only some rows (a filtered download), update just those rows.", problems,
                      params={"n": len(rows), "table": tspec.path})


@contextlib.contextmanager
def locked(data_dir: Path, timeout: float = LOCK_TIMEOUT_S) -> Iterator[None]:
    """One save at a time across processes and threads (a lock on DATA_DIR/.lock, on Windows too)."""
    lock = FileLock(data_dir / LOCK_FILE, timeout=timeout, thread_local=False)
    try:
        lock.acquire()
    except Timeout as exc:
        raise SaveRefused("busy", "Another save is taking too long; try again in a minute.") from exc
    try:
        yield
    finally:
        lock.release()


def _file_mode(path: Path, like: Path | None = None) -> int:
    """The permissions ``path`` has (or ``like`` has), else what a new file gets under the umask."""
    for candidate in (path, like):
        if candidate is not None:
            with contextlib.suppress(OSError):
                return stat.S_IMODE(candidate.stat().st_mode)
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def atomic_write(path: Path, data: bytes, *, like: Path | None = None) -> None:
    """Write a sibling temp file, fsync it, then rename over ``path``.

    The file keeps its permissions (a temp file is made private by default, and a
    save must not make a shared data file unreadable to the web server or a colleague).
    """
    mode = _file_mode(path, like)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.chmod(mode)  # by path: os.fchmod does not exist on Windows before Python 3.13
        tmp.replace(path)  # atomic rename (os.replace)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    with contextlib.suppress(OSError):
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _backup(data_dir: Path, spec: TableSpec, data: bytes | None, stamp: dt.datetime) -> str:
    if data is None:
        return ""
    folder = data_dir / HISTORY_DIR / spec.name
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{stamp.strftime('%Y%m%dT%H%M%S%fZ')}-{file_version(data)[:10]}.csv"
    atomic_write(folder / name, data, like=data_dir / spec.path)
    return f"{spec.name}/{name}"


def _log(data_dir: Path, entry: HistoryEntry) -> None:
    folder = data_dir / HISTORY_DIR
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / CHANGELOG).open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(asdict(entry), ensure_ascii=False) + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def save_table(data_dir: Path | str, table: str, data: bytes, *, who: str,
               expected_version: str | None = None, action: str = "save", update_rows: bool = False,
               allow_removals: bool | Collection[str] = False) -> SaveResult:
    """Validate and save one table. Raises :class:`SaveRefused` and writes nothing when refused.

    ``expected_version`` is the :func:`file_version` the editor started from;
    ``None`` skips the conflict check (scripted imports). ``update_rows``: the file
    holds some rows only, which replace the rows with the same ids; new ids are
    added and nothing is deleted. Otherwise the file replaces the table, and rows it
    lacks are deleted only if ``allow_removals`` is ``True`` or names their ids (the
    rows a person confirmed); else the save is refused with code ``removals``.
    Validation comes first: a save that could not happen anyway says why before it
    asks for a confirmation.
    """
    data_dir = Path(data_dir)
    spec = package_spec(data_dir)
    tspec = spec.table(table)
    new_table, read_problems = read_upload(spec, table, data)
    wrong = [p for p in read_problems if p.code == "wrong-table"]
    if wrong:
        raise SaveRefused("wrong-table", wrong[0].message, wrong, params=wrong[0].params)
    if new_table is None or has_errors(read_problems):
        raise SaveRefused("invalid", f"{tspec.path} cannot be read.", [p for p in read_problems if p.severity != "info"])
    with locked(data_dir):
        files = read_data_dir(data_dir)
        current = files.get(table)
        if expected_version is not None and file_version(current) != expected_version:
            raise SaveRefused("conflict", f"{tspec.path} was changed by someone else since you opened it. "
                                          "Reload it, apply your changes again, then save.")
        plan = plan_save(data_dir, table, new_table, current=current, update_rows=update_rows, files=files)
        if plan.referenced:
            raise SaveRefused("referenced", "Some rows you deleted are still used elsewhere.", plan.referenced)
        errors = [p for p in plan.problems if p.severity == "error"]
        if errors:
            raise SaveRefused("invalid", "The data would not be valid with this change.", errors)
        unconfirmed = unconfirmed_removals(plan, allow_removals)
        if unconfirmed:
            raise _removal_refusal(tspec, unconfirmed)
        diff, new_bytes = plan.diff, plan.data
        stamp = _now()
        backup = _backup(data_dir, tspec, current, stamp)
        atomic_write(data_dir / tspec.path, new_bytes)
        entry = HistoryEntry(time=stamp.isoformat(timespec="seconds"), who=who or "unknown", table=table,
                             backup=backup, version=file_version(new_bytes), action=action, **diff.counts())
        _log(data_dir, entry)
    return SaveResult(diff=diff, version=entry.version, entry=entry)


def history(data_dir: Path | str) -> list[HistoryEntry]:
    path = Path(data_dir) / HISTORY_DIR / CHANGELOG
    if not path.is_file():
        return []
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            try:
                entries.append(HistoryEntry(**json.loads(line)))
            except (ValueError, TypeError):
                continue  # a torn last line from a crash is skipped, not fatal
    return entries


def restore(data_dir: Path | str, table: str, version: str | None = None, *, who: str) -> SaveResult:
    """Bring back a saved version (default: the one before the table's last save). It is a save."""
    data_dir = Path(data_dir)
    entries = [e for e in history(data_dir) if e.table == table and e.backup]
    if version is None:
        if not entries:
            raise SaveRefused("invalid", f"There is no earlier version of {table} to restore.",
                              params={"kind": "no-version", "table": table, "version": ""})
        backup = entries[-1].backup
    else:
        matches = [e.backup for e in entries if version in (e.backup, Path(e.backup).name, e.version)
                   or Path(e.backup).stem.startswith(version)]
        if not matches:
            raise SaveRefused("invalid", f"No saved version '{version}' of {table}. "
                                         "`python -m mc2cm history` lists them.",
                              params={"kind": "no-version", "table": table, "version": version})
        backup = matches[-1]
    data = (data_dir / HISTORY_DIR / backup).read_bytes()
    # An undo may delete rows added since (the version it replaces is kept in turn).
    return save_table(data_dir, table, data, who=who, action=f"restore {Path(backup).name}", allow_removals=True)
