"""The benchmark's servers (started by the harness, ``harness/server.py``), and their memory."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from harness import server as harness
from harness.server import HOST, ServerDied

__all__ = ["APP", "BASELINE", "HOST", "ROOT", "RssSampler", "Server", "ServerDied", "ServerPool", "streamlit_server"]

ROOT = harness.ROOT
APP = ROOT / "app.py"
BASELINE = Path(__file__).resolve().parent / "baseline_app.py"


@dataclass
class Server(harness.Server):
    """A running server, whose memory the benchmark samples."""

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


@contextmanager
def streamlit_server(script: Path, data_dir: Path | None, log_dir: Path,
                     extra_flags: tuple[str, ...] = ()) -> Iterator[Server]:
    """A fresh server on a free loopback port, same flags for the app and the baseline.

    ``data_dir`` None leaves ``MC2CM_DATA_DIR`` as the environment has it.
    """
    with harness.streamlit_server(script, data_dir=data_dir, flags=extra_flags, log_dir=log_dir) as running:
        yield Server(url=running.url, port=running.port, process=running.process, log=running.log)


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
