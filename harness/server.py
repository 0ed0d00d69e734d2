"""A Streamlit server on a free loopback port, started, waited for and stopped the same way everywhere.

    with streamlit_server(data_dir=ROOT / "data") as server:    # serve.py, the README's entry point
        urllib.request.urlopen(f"{server.url}/map")

    with streamlit_server(entry="app.py", env={"MC2CM_ADMIN_PASSWORD": "…"}, log_dir=folder) as server:
        ...

The server is ready when ``/_stcore/health`` answers (never after a fixed sleep); if it
exits first, :class:`ServerDied` says so and where its log is. Its output goes to a log
file (``log_dir/server-<entry>-<port>.log``). Leaving the block stops it: terminate,
then kill if it has not stopped within 15 seconds.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
DEFAULT_LOG_DIR = ROOT / "var" / "server-logs"
HEALTH_PATH = "/_stcore/health"
DATA_DIR_ENV = "MC2CM_DATA_DIR"
# Same flags for every server: no file watching or reruns on save, no usage statistics (no outbound calls).
FLAGS = ("--server.address", HOST, "--server.headless", "true", "--server.fileWatcherType", "none",
         "--server.runOnSave", "false", "--browser.gatherUsageStats", "false")
STOP_TIMEOUT_S = 15.0


class ServerDied(RuntimeError):
    """The server exited on its own: before it was healthy, or while it was being used."""


@dataclass
class Server:
    """A running server; ``log`` holds everything it printed."""

    url: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def ws_url(self) -> str:
        return f"ws://{HOST}:{self.port}/_stcore/stream"

    def check_alive(self) -> None:
        code = self.process.poll()
        if code is not None:
            raise ServerDied(f"the server on port {self.port} exited with {code} while in use (log: {self.log})")


def free_port(host: str = HOST) -> int:
    """A port nothing listens on right now (the OS picks it)."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def wait_healthy(url: str, process: subprocess.Popen[bytes], timeout: float = 90) -> None:
    """Return once ``url`` answers its health check; raise if ``process`` exits or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerDied(f"the server exited with {process.returncode} before {url} was healthy")
        try:
            with urllib.request.urlopen(f"{url}{HEALTH_PATH}", timeout=2) as response:  # noqa: S310 - loopback only
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"{url} did not become healthy in {timeout}s")


def stop(process: subprocess.Popen[bytes], timeout: float = STOP_TIMEOUT_S) -> None:
    """Terminate, then kill if it does not stop in time; always reaps the process."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def command(entry: Path, port: int, flags: tuple[str, ...] = ()) -> list[str]:
    """``python -m streamlit run ENTRY`` on ``port`` with the harness's flags (then ``flags``, which win)."""
    return [sys.executable, "-m", "streamlit", "run", str(entry), "--server.port", str(port), *FLAGS, *flags]


@contextmanager
def streamlit_server(entry: str | Path = "serve.py", *, data_dir: Path | None = None,
                     env: Mapping[str, str] | None = None, flags: tuple[str, ...] = (),
                     log_dir: Path = DEFAULT_LOG_DIR, timeout: float = 90) -> Iterator[Server]:
    """A fresh server on a free loopback port; nothing has been requested from it yet.

    ``entry`` is ``serve.py`` (the app behind its front door) unless the caller asks for
    ``app.py`` or another script; a relative path is taken from the repository root,
    which is also the server's working directory (its ``.streamlit/config.toml``).
    ``data_dir`` becomes ``MC2CM_DATA_DIR``; ``None`` leaves the environment's own.
    ``env`` adds or overrides environment variables.
    """
    script = Path(entry) if Path(entry).is_absolute() else ROOT / entry
    port = free_port()
    full_env = dict(os.environ)
    if data_dir is not None:
        full_env[DATA_DIR_ENV] = str(data_dir)
    full_env.update(env or {})
    log_dir.mkdir(parents=True, exist_ok=True)
    log = log_dir / f"server-{script.stem}-{port}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(command(script, port, flags), cwd=ROOT, env=full_env,
                                   stdout=out, stderr=subprocess.STDOUT)
        try:
            url = f"http://{HOST}:{port}"
            try:
                wait_healthy(url, process, timeout)
            except ServerDied as exc:
                raise ServerDied(f"{exc} (log: {log})") from None
            yield Server(url=url, port=port, process=process, log=log)
        finally:
            stop(process)
