"""The harness that tests, the benchmark and deploy/ share: a server is healthy when yielded and gone after."""

from __future__ import annotations

import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from harness.server import ServerDied, streamlit_server, wait_healthy


def test_a_server_is_healthy_inside_the_block_and_stopped_after(tmp_path: Path) -> None:
    script = tmp_path / "hello.py"
    script.write_text("import streamlit as st\nst.write('hello')\n", encoding="utf-8")
    with streamlit_server(script, data_dir=tmp_path, log_dir=tmp_path / "logs") as server:
        with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=10) as response:  # noqa: S310 - loopback
            assert response.status == 200
        server.check_alive()
    assert server.process.returncode is not None
    assert server.log == tmp_path / "logs" / f"server-hello-{server.port}.log"
    with pytest.raises(urllib.error.URLError, match="refused"):
        urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=2)  # noqa: S310 - loopback


def test_a_server_that_cannot_start_is_reported_with_its_log(tmp_path: Path) -> None:
    with pytest.raises(ServerDied, match=r"exited with \d+ before .* \(log: .*server-serve-\d+\.log\)"), \
            streamlit_server(flags=("--server.port", "not-a-port"), log_dir=tmp_path):
        pytest.fail("the block must not run")
    [log] = tmp_path.glob("server-serve-*.log")
    assert "not-a-port" in log.read_text(encoding="utf-8", errors="replace")


def test_wait_healthy_gives_up_on_a_process_that_exited() -> None:
    process = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])
    process.wait(timeout=30)
    with pytest.raises(ServerDied, match="exited with 3"):
        wait_healthy("http://127.0.0.1:9", process, timeout=5)
