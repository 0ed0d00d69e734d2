"""The map's files are committed (static/vendor/), and they are the pinned npm packages' files.

Running the app needs no Node (issue 11). ``scripts/setup.sh --dev`` installs
the pinned packages, so CI compares the committed copies with them.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from mc2cm import assets
from tests.core.test_shipped_data import on_ci

ROOT = Path(__file__).resolve().parents[2]
PINNED = ROOT / "node_modules" / "leaflet" / "package.json"


def install_assets() -> ModuleType:
    spec = importlib.util.spec_from_file_location("install_assets", ROOT / "scripts" / "install_assets.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_map_files_are_in_the_repository() -> None:
    tracked = subprocess.run(["git", "ls-files", "static/vendor"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.split()
    assert {f"static/{name}" for name in assets.REQUIRED} <= set(tracked)
    assert {"static/vendor/leaflet/LICENSE", "static/vendor/fonts/LICENSE-OFL.txt"} <= set(tracked)
    assert not [name for name in tracked if "jquery" in name]  # the map draws its markers without it


def require_pinned() -> None:
    """The pinned packages are needed: CI (``scripts/setup.sh --dev`` runs npm ci) fails without them, others skip."""
    if PINNED.is_file():
        return
    what = "node_modules/ is not installed, so static/vendor/ cannot be compared with the pinned packages"
    if on_ci():
        pytest.fail(f"{what}: CI runs `bash scripts/setup.sh --dev`, which runs npm ci", pytrace=False)
    pytest.skip(f"{what}: run `bash scripts/setup.sh --dev` (outside CI this is skipped; CI fails)")


def test_the_committed_files_are_the_pinned_packages() -> None:
    require_pinned()
    result = subprocess.run([sys.executable, "scripts/install_assets.py", "--check"], cwd=ROOT,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_control_a_changed_file_is_caught(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    require_pinned()
    module = install_assets()
    vendor = tmp_path / "vendor"
    shutil.copytree(ROOT / "static" / "vendor", vendor)
    (vendor / "leaflet" / "leaflet.css").write_text("/* edited by hand */", encoding="utf-8")
    monkeypatch.setattr(module, "VENDOR", vendor)
    assert module.main(["--check"]) == 1
    assert [Path(name).name for name in module.DIFFERENT] == ["leaflet.css"]
    assert (vendor / "leaflet" / "leaflet.css").read_text(encoding="utf-8") == "/* edited by hand */"  # nothing written
