"""A throwaway PostgreSQL cluster on loopback, for the vote store's tests and the scale-out check.

Runs Debian's PostgreSQL binaries as the ``postgres`` user when started as root
(PostgreSQL refuses to run as root). Raises :class:`FileNotFoundError` with the
install command when the binaries are absent; callers that may go without
(tests) check :func:`pg_bin` first and skip.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from harness.server import free_port


def pg_bin() -> Path | None:
    """The newest installed server's ``bin`` folder, or ``None``."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def _as_postgres(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


@contextmanager
def temporary_postgres() -> Iterator[str]:
    """Yield a ``postgresql://`` URL of a fresh cluster; stop and remove it afterwards."""
    binaries = pg_bin()
    if binaries is None:
        raise FileNotFoundError("PostgreSQL server binaries not found (apt-get install postgresql)")
    root = Path(tempfile.mkdtemp(prefix="mc2cm-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    data = root / "data"
    port = free_port()
    subprocess.run(_as_postgres([str(binaries / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust",
                                 "--no-sync"]), check=True, capture_output=True)
    subprocess.run(_as_postgres([str(binaries / "pg_ctl"), "-D", str(data), "-w", "-l", str(root / "log"),
                                 "-o", (f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off "
                                        "-c max_connections=200"), "start"]), check=True, capture_output=True)
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(_as_postgres([str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                       check=False, capture_output=True)
        shutil.rmtree(root, ignore_errors=True)
