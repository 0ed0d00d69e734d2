"""The last version of the data that validated: public pages never go dark (issue 12).

Staff edit the CSVs in Excel or by hand while the app runs in front of a room.
One broken row (an unclosed quote, an unknown city id) used to empty ``/map``.
Now :func:`load_serving` does what the app's pages and the ballot call:

- files that validate (warnings allowed) are served, and a copy of them is kept
  in ``DATA_DIR/.history/last-good/`` (written only when they changed, under a
  file lock, each file replaced atomically, the version note last);
- files that do not validate are not served while a good copy exists: the
  pages show that copy, marked with its time ("data as of 14:02"), and carry the
  problems of the files on disk so ``/data`` and ``/manage`` can name them;
- with no good copy (a first start on broken files) the pages show what can be
  read, rows with errors left out, and ``/data`` says why.

The copy lives beside the data (``.history/`` is where saves keep their
backups), so it survives a restart of the laptop, and a second server process
on the same folder reads the same copy. It names the folder it was kept for: a
copied data folder (a test's, a staff member's) does not inherit it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from filelock import FileLock, Timeout

from mc2cm.loading import Dataset, dataset_from_files, default_data_dir
from mc2cm.schema import DEFAULT_DESCRIPTOR, DESCRIPTOR_NAME, PackageSpec, package_spec, parse_descriptor
from mc2cm.validation import Problem, read_data_dir

LAST_GOOD = Path(".history") / "last-good"
VERSION_NOTE = "version.json"
LOCK_SECONDS = 5.0

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Kept:
    """A good version: its descriptor, its tables' bytes, and when its newest file was written."""

    spec: PackageSpec
    files: dict[str, bytes | None]
    as_of: dt.datetime


def last_good_dir(data_dir: Path) -> Path:
    return data_dir / LAST_GOOD


def digest(descriptor: bytes, files: Mapping[str, bytes | None]) -> str:
    """One hash of the descriptor and every table (a missing table counts as missing)."""
    sha = hashlib.sha256(descriptor)
    for name in sorted(files):
        data = files[name]
        sha.update(f"\0{name}\0{-1 if data is None else len(data)}\0".encode())
        sha.update(data or b"")
    return sha.hexdigest()


def _descriptor_bytes(data_dir: Path) -> bytes:
    own = data_dir / DESCRIPTOR_NAME
    return (own if own.is_file() else DEFAULT_DESCRIPTOR).read_bytes()


def _newest_change(data_dir: Path, spec: PackageSpec) -> dt.datetime:
    stamps = [path.stat().st_mtime for path in (data_dir / DESCRIPTOR_NAME, *(data_dir / t.path for t in spec.tables))
              if path.is_file()]
    return dt.datetime.fromtimestamp(max(stamps, default=0.0)).astimezone()


def _write(path: Path, data: bytes) -> None:
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        Path(temp).replace(path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def remember(data_dir: Path, spec: PackageSpec, files: Mapping[str, bytes | None]) -> bool:
    """Keep ``files`` (which validated) as the last good version; False if it could not be written (it is logged)."""
    folder = last_good_dir(data_dir)
    descriptor = _descriptor_bytes(data_dir)
    version = digest(descriptor, files)
    note = folder / VERSION_NOTE
    try:
        if note.is_file() and json.loads(note.read_text(encoding="utf-8")).get("digest") == version:
            return True
        folder.mkdir(parents=True, exist_ok=True)
        with FileLock(str(folder.parent / "last-good.lock"), timeout=LOCK_SECONDS):
            note.unlink(missing_ok=True)  # a half-written copy is never taken for a good one
            _write(folder / DESCRIPTOR_NAME, descriptor)
            for tspec in spec.tables:
                data = files.get(tspec.name)
                if data is None:
                    (folder / tspec.path).unlink(missing_ok=True)
                else:
                    _write(folder / tspec.path, data)
            as_of = _newest_change(data_dir, spec)
            _write(note, json.dumps({"digest": version, "as_of": as_of.isoformat(),
                                     "folder": str(data_dir.resolve())}).encode())
    except (OSError, ValueError, Timeout) as exc:  # a read-only folder: the app still serves, without a fallback
        log.warning("last good data not kept in %s: %s", folder, exc)
        return False
    return True


def recall(data_dir: Path) -> Kept | None:
    """The last good version kept for ``data_dir``, or None (none yet, or the copy is damaged)."""
    folder = last_good_dir(data_dir)
    try:
        note = json.loads((folder / VERSION_NOTE).read_text(encoding="utf-8"))
        descriptor = (folder / DESCRIPTOR_NAME).read_bytes()
        spec = parse_descriptor(json.loads(descriptor))
        files = {t.name: (folder / t.path).read_bytes() if (folder / t.path).is_file() else None for t in spec.tables}
        if digest(descriptor, files) != note.get("digest") or note.get("folder") != str(data_dir.resolve()):
            return None  # damaged, or a copy of another folder's (a copied data folder starts afresh)
        return Kept(spec, files, dt.datetime.fromisoformat(note["as_of"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _read(data_dir: Path) -> tuple[PackageSpec, dict[str, bytes | None], list[Problem]]:
    """The folder's schema and tables; a descriptor that cannot be read is a problem, and the shipped one is used."""
    try:
        spec = package_spec(data_dir)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        problem = Problem(DESCRIPTOR_NAME, None, None, "descriptor",
                          f"The schema file cannot be read ({exc}). Restore it from .history/last-good/ or from the "
                          "project's data/datapackage.json.")
        spec = package_spec(None)
        return spec, {t.name: _maybe_read(data_dir / t.path) for t in spec.tables}, [problem]
    return spec, read_data_dir(data_dir), []


def _maybe_read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def load_serving(data_dir: Path | str | None = None) -> Dataset:
    """What public pages show: the files if they validate, else the last version that did (see the module's note)."""
    folder = Path(data_dir) if data_dir is not None else default_data_dir()
    spec, files, unreadable = _read(folder)
    fresh = dataset_from_files(files, spec, folder)
    if unreadable:
        fresh = replace(fresh, problems=(*unreadable, *fresh.problems))
    if fresh.valid:
        remember(folder, spec, files)
        return fresh
    kept = recall(folder)
    if kept is None:
        return fresh
    good = dataset_from_files(kept.files, kept.spec, folder)
    if not good.valid:  # the rules grew stricter since it was kept: it is no better than the files
        return fresh
    return replace(good, as_of=kept.as_of, disk_problems=fresh.problems)
