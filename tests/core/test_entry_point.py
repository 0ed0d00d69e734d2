"""The one Python entry point: `python -m mc2cm serve` starts the app behind its front door, no shell needed."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from harness.server import free_port, stop, wait_healthy
from mc2cm import assets

ROOT = Path(__file__).resolve().parents[2]


def test_serve_starts_the_front_door_without_bash_on_path(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "PATH"} | {"PATH": str(tmp_path)}  # no bash, no streamlit
    assert not (tmp_path / "bash").exists()
    process = subprocess.Popen([sys.executable, "-m", "mc2cm", "serve", "--server.port", str(port),
                                "--server.address", "127.0.0.1", "--server.headless", "true"],
                               cwd=tmp_path, env=env | {"PYTHONPATH": str(ROOT)},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_healthy(f"http://127.0.0.1:{port}", process)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/map", timeout=30) as response:
            assert response.status == 200
            assert "frame-ancestors 'self'" in response.headers["Content-Security-Policy"]  # serve.py, not app.py
    finally:
        stop(process)


def test_missing_map_files_are_named_with_the_fix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert assets.missing_assets() == [], "the committed static/vendor is incomplete: git checkout -- static/vendor"
    assert assets.missing_assets(tmp_path) == list(assets.REQUIRED)
    from streamlit.testing.v1 import AppTest  # noqa: PLC0415

    monkeypatch.setattr(assets, "REQUIRED", (*assets.REQUIRED, "vendor/leaflet/not-installed.js"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params["lang"] = "en"
    at.switch_page("pages/map.py").run()
    assert any("not-installed.js" in w.value for w in at.warning)
    assert any(assets.ASSETS_FIX in c.value for c in at.code)
