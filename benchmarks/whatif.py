"""A what-if copy of the app: the same code, except that /map draws a cached, pre-rendered map.

The benchmark never edits the app. It copies ``app.py``, ``pages/``,
``components/`` and ``mc2cm/`` into a temporary folder (``static/`` and
``data/`` are linked), and appends ``MAP_VIEW_OVERRIDE`` to the copy of
``components/map.py``: a ``map_view`` that renders the folium map to HTML once
per (data stamp, selection, language) with ``st.cache_data`` and shows it with
``st.components.v1.html`` instead of ``st_folium`` (the app asks st_folium for
no returned objects, so nothing it returned is lost). Served like the app,
this measures the suggested change with the app's current code around it.

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

MAP_VIEW_OVERRIDE = '''

# ---- appended by benchmarks/whatif.py (what-if measurement, not app code) ----
import streamlit.components.v1 as _whatif_components  # noqa: E402

from components.data import current_stamp as _whatif_stamp  # noqa: E402
from components.data import dataset as _whatif_dataset  # noqa: E402
from mc2cm.filters import select_initiatives as _whatif_select  # noqa: E402
from mc2cm.mapping import build_map as _whatif_build_map  # noqa: E402


@st.cache_data(max_entries=64, show_spinner=False)
def _whatif_map_html(stamp, sel, lang):  # type: ignore[no-untyped-def]
    del stamp  # cache key only
    data = _whatif_dataset()
    fmap, parts = _whatif_build_map(data.cities, _whatif_select(data, sel), lang)
    return fmap.get_root().render(), parts


def map_view(sel, ui, *, height=560, key="map"):  # type: ignore[no-untyped-def]  # noqa: F811
    html, parts = _whatif_map_html(_whatif_stamp(), sel, ui.lang)
    if parts.markers.empty:
        st.info(ui.t("map.no_cities"))
    _whatif_components.html(html, height=height)
    return parts
'''


def snapshot_worktree(target: Path, source: Path = ROOT) -> Path:
    """Copy the app's code (app.py, pages/, components/, mc2cm/) from ``source`` into ``target``; its main script.

    The benchmark serves this copy for the whole run, so edits made to the working tree
    while it runs do not mix two versions of the app into one set of results.
    """
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for name in APP_PATHS:
        path = source / name
        if path.is_dir():
            shutil.copytree(path, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(path, target / name)
    _link_shared(target)
    return target / "app.py"


def tree_digest(folder: Path) -> str:
    """A short hash of the app's code in ``folder`` (to tell whether the working tree changed)."""
    digest = hashlib.sha256()
    for name in APP_PATHS:
        base = folder / name
        files = sorted(p for p in base.rglob("*.py") if "__pycache__" not in p.parts) if base.is_dir() else [base]
        for path in files:
            digest.update(str(path.relative_to(folder)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def build_whatif_app(target: Path, source: Path = ROOT) -> Path:
    """Write the what-if app (a copy of the app in ``source``) into ``target``; return its main script."""
    snapshot_worktree(target, source)
    map_module = target / "components" / "map.py"
    code = map_module.read_text(encoding="utf-8")
    if "def map_view(" not in code:
        raise RuntimeError("components/map.py no longer has map_view; update benchmarks/whatif.py")
    map_module.write_text(code + MAP_VIEW_OVERRIDE, encoding="utf-8")
    return target / "app.py"


def _link_shared(target: Path) -> None:
    """static/ (vendor/ is installed, not committed) and data/ (the shipped schema and basemap fallbacks)."""
    for name in ("static", "data"):
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
