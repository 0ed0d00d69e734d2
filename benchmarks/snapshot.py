"""Copies of the app to serve: the working tree as it is at the start, or a git revision.

The benchmark never edits the app and never serves the working tree itself:
``snapshot_worktree`` copies ``app.py``, ``pages/``, ``components/`` and
``mc2cm/``, and the front door (``serve.py``, ``web/``), into a temporary folder
(``static/``, ``data/`` and ``var/``, which holds the precompressed copies, are linked), so
edits during a run cannot mix two versions into one set of results.
``snapshot_app`` extracts the app as committed at a git revision (``git
archive``, read-only) the same way, to compare a working tree with HEAD.
"""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
import tarfile
from pathlib import Path

from benchmarks.server import ROOT

APP_PATHS = ("app.py", "pages", "components", "mc2cm")
FRONT_DOOR_PATHS = ("serve.py", "web")  # serve.py serves the copied app.py, behind the copied web/

def snapshot_worktree(target: Path, source: Path = ROOT) -> Path:
    """Copy the app's code (app.py, pages/, components/, mc2cm/, serve.py, web/) into ``target``; its main script.

    The benchmark serves this copy for the whole run, so edits made to the working tree
    while it runs do not mix two versions of the app into one set of results.
    """
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for name in (*APP_PATHS, *FRONT_DOOR_PATHS):
        path = source / name
        if not path.exists() and name in FRONT_DOOR_PATHS:
            continue
        if path.is_dir():
            shutil.copytree(path, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(path, target / name)
    _link_shared(target)
    return target / "app.py"


def tree_digest(folder: Path) -> str:
    """A short hash of the app's code in ``folder`` (to tell whether the working tree changed)."""
    digest = hashlib.sha256()
    for name in (*APP_PATHS, *FRONT_DOOR_PATHS):
        base = folder / name
        if not base.exists():
            continue
        files = sorted(p for p in base.rglob("*.py") if "__pycache__" not in p.parts) if base.is_dir() else [base]
        for path in files:
            digest.update(str(path.relative_to(folder)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _link_shared(target: Path) -> None:
    """static/ (vendor/ is installed, not committed), data/ (the shipped schema and basemap fallbacks), var/."""
    (ROOT / "var").mkdir(exist_ok=True)
    for name in ("static", "data", "var"):
        link = target / name
        if link.is_symlink() or link.is_file():
            link.unlink()
        elif link.exists():
            shutil.rmtree(link)
        link.symlink_to(ROOT / name, target_is_directory=True)


def snapshot_app(ref: str, target: Path) -> Path:
    """The app as committed at ``ref`` (app.py, pages/, components/, mc2cm/), in ``target``; its main script."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", ref, *APP_PATHS],
                             capture_output=True, timeout=60, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    _link_shared(target)
    return target / "app.py"


def git_state() -> dict[str, object]:
    """The commit measured, and the app files that differ from it in the working tree."""
    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True, timeout=30,
                                  check=False).stdout
        except OSError:
            return ""

    changed = [line[3:] for line in git("status", "--porcelain", "--", *APP_PATHS).splitlines() if len(line) > 3]
    return {"head": git("rev-parse", "--short", "HEAD").strip(), "head_subject": git("log", "-1", "--format=%s").strip(),
            "app_files_changed_from_head": changed}


def resolve_ref(ref: str) -> dict[str, str]:
    """A git revision as full hash, short hash and subject (read-only)."""
    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True, timeout=30,
                              check=True).stdout.strip()

    commit = git("rev-parse", "--verify", f"{ref}^{{commit}}")
    return {"ref": ref, "commit": commit, "short": commit[:7], "subject": git("log", "-1", "--format=%s", commit)}
