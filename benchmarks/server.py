"""Start a Streamlit server on a free loopback port, and sample its memory."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
BASELINE = Path(__file__).resolve().parent / "baseline_app.py"
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


class ServerDied(RuntimeError):
    """The server stopped on its own (or was signalled by another process) mid-measurement."""


@dataclass
class Server:
    """A running server. ``died`` tells whether it exited before the benchmark stopped it."""

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
            raise ServerDied(f"the server on port {self.port} exited with {code} during the measurement "
                             f"(log: {self.log})")

    def rss_bytes(self) -> int:
        """Resident memory of the server and its child processes (VmRSS from /proc)."""
        return sum(_rss(pid) for pid in _tree(self.process.pid))


def _children(pid: int) -> list[int]:
    found: list[int] = []
    task_dir = Path(f"/proc/{pid}/task")
    try:
        tasks = [p.name for p in task_dir.iterdir()]
    except OSError:
        return found
    for task in tasks:
        try:
            found.extend(int(c) for c in (task_dir / task / "children").read_text().split())
        except OSError:
            continue
    return found


def _tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo and len(pids) < 1000:
        current = todo.pop()
        pids.append(current)
        todo.extend(_children(current))
    return pids


def _rss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def wait_healthy(url: str, process: subprocess.Popen[bytes], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerDied(f"streamlit exited with {process.returncode} before it was healthy")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:  # noqa: S310 - loopback only
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"{url} did not become healthy in {timeout}s")


@contextmanager
def streamlit_server(script: Path, data_dir: Path | None, log_dir: Path,
                     extra_flags: tuple[str, ...] = ()) -> Iterator[Server]:
    """A fresh server on a free loopback port, same flags for the app and the baseline."""
    port = free_port()
    command = [sys.executable, "-m", "streamlit", "run", str(script),
               "--server.port", str(port), "--server.address", HOST, "--server.headless", "true",
               "--server.fileWatcherType", "none", "--server.runOnSave", "false",
               "--browser.gatherUsageStats", "false", *extra_flags]
    env = dict(os.environ)
    if data_dir is not None:
        env["MC2CM_DATA_DIR"] = str(data_dir)
    log_dir.mkdir(parents=True, exist_ok=True)
    log = log_dir / f"server-{script.stem}-{port}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        url = f"http://{HOST}:{port}"
        try:
            wait_healthy(url, process)
            yield Server(url=url, port=port, process=process, log=log)
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)


@dataclass
class RssSampler:
    """Peak RSS of a server's process tree, sampled every ``interval`` seconds in a thread."""

    server: Server
    interval: float = 0.5
    max_seconds: float = 900
    peak: int = 0
    start: int = 0
    samples: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __enter__(self) -> RssSampler:
        self.start = self.peak = self.server.rss_bytes()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        deadline = time.monotonic() + self.max_seconds
        while not self._stop.wait(self.interval) and time.monotonic() < deadline:
            self.peak = max(self.peak, self.server.rss_bytes())
            self.samples += 1

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.peak = max(self.peak, self.server.rss_bytes())


class ServerPool:
    """Servers for the phases: a fresh one per use, or (``reuse``) one per (script, data, flags) for the run."""

    def __init__(self, stack: ExitStack, log_dir: Path, *, reuse: bool) -> None:
        self.stack, self.log_dir, self.reuse = stack, log_dir, reuse
        self._running: dict[tuple[Path, Path | None, tuple[str, ...]], Server] = {}

    @contextmanager
    def use(self, script: Path, data_dir: Path | None, flags: tuple[str, ...] = ()) -> Iterator[Server]:
        if not self.reuse:
            with streamlit_server(script, data_dir, self.log_dir, flags) as server:
                yield server
            return
        key = (script, data_dir, flags)
        server = self._running.get(key)
        if server is None or server.process.poll() is not None:
            server = self.stack.enter_context(streamlit_server(script, data_dir, self.log_dir, flags))
            self._running[key] = server
        yield server
