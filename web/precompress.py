"""Brotli and gzip copies of the static files, made once and kept on disk (issue 11, "Phones first").

Streamlit sends its JavaScript bundles uncompressed on purpose: compressing on
every request costs CPU each time. Sixty phones on one venue access point pay
for that in bandwidth instead (2.7 MB for a one-line app). Compressing once, at
set-up, and serving the stored bytes (``web/compress.py``) costs neither.

Copies live in ``var/precompressed/streamlit-<version>/`` (a new Streamlit is a
new folder) and ``var/precompressed/app/``, mirroring the source tree with
``.br`` and ``.gz`` appended. A copy carries its source's modification time, so
"fresh" is one ``stat`` of each, and a changed source is compressed again.

``python -m web.precompress`` builds what is missing and prints a summary;
``scripts/setup.sh`` runs it, and the server runs the same build in a background
thread at start for a machine where set-up did not.
"""

from __future__ import annotations

import contextlib
import gzip
import logging
import os
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import brotli  # type: ignore[import-untyped]
import streamlit

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "var" / "precompressed"
STREAMLIT_STATIC = Path(streamlit.__file__).parent / "static"
# Text compresses 3-5x; woff2, png and jpg are compressed already.
COMPRESSIBLE = frozenset({".js", ".css", ".html", ".json", ".geojson", ".svg", ".map", ".txt", ".ttf", ".otf"})
MIN_SIZE = 1024  # below one packet the saving does not pay for the extra file
SUFFIXES = {"br": ".br", "gzip": ".gz"}  # content coding -> file suffix

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Tree:
    """A folder of served static files and the folder that holds their compressed copies."""

    source: Path
    cache: Path


def streamlit_tree(cache: Path = CACHE) -> Tree:
    return Tree(STREAMLIT_STATIC, cache / f"streamlit-{streamlit.__version__}")


def app_tree(cache: Path = CACHE) -> Tree:
    return Tree(ROOT / "static", cache / "app")


def copy_path(tree: Tree, relative: Path, encoding: str) -> Path:
    """Where the ``encoding`` copy of ``tree.source / relative`` lives."""
    return tree.cache / relative.parent / (relative.name + SUFFIXES[encoding])


def is_fresh(copy: os.stat_result, source: os.stat_result) -> bool:
    return copy.st_mtime_ns == source.st_mtime_ns


def compress(data: bytes, encoding: str) -> bytes:
    if encoding == "br":
        return bytes(brotli.compress(data, quality=11))
    return gzip.compress(data, compresslevel=9, mtime=0)  # mtime 0: the same bytes on every machine


def compressible(tree: Tree) -> Iterator[Path]:
    """The files of ``tree`` worth compressing, relative to its source folder."""
    if not tree.source.is_dir():
        return
    for path in sorted(tree.source.rglob("*")):
        if path.suffix.lower() in COMPRESSIBLE and path.is_file() and path.stat().st_size >= MIN_SIZE:
            yield path.relative_to(tree.source)


@dataclass(frozen=True)
class Job:
    source: Path
    copy: Path
    encoding: str


def pending(trees: Iterable[Tree]) -> list[Job]:
    """Copies that are missing or older than their source; gzip first, as it takes a second where brotli takes a minute."""
    jobs = []
    for tree in trees:
        for relative in compressible(tree):
            source = tree.source / relative
            for encoding in SUFFIXES:
                copy = copy_path(tree, relative, encoding)
                if not (copy.is_file() and is_fresh(copy.stat(), source.stat())):
                    jobs.append(Job(source, copy, encoding))
    return sorted(jobs, key=lambda job: job.encoding != "gzip")


def write_atomic(path: Path, data: bytes, mtime_ns: int) -> None:
    """Temp file, fsync, rename: a reader (or a second process building the same copy) never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        Path(temp).chmod(0o644)  # mkstemp's 0600 would hide public files from a server running as another user
        os.utime(temp, ns=(mtime_ns, mtime_ns))
        Path(temp).replace(path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def run(job: Job) -> None:
    # Stat before reading: a source that changes meanwhile leaves a copy stamped older, so it is redone next time.
    mtime_ns = job.source.stat().st_mtime_ns
    write_atomic(job.copy, compress(job.source.read_bytes(), job.encoding), mtime_ns)


def build(jobs: list[Job], workers: int = 1) -> int:
    """Run ``jobs`` (brotli and zlib release the GIL, so threads use every core); returns how many succeeded."""

    def attempt(job: Job) -> bool:
        try:
            run(job)
        except OSError as exc:  # a read-only var/ or a vanished file: that file is served plain
            log.warning("precompress: %s: %s", job.source, exc)
            return False
        return True

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        return sum(pool.map(attempt, jobs))


@dataclass(frozen=True)
class Summary:
    files: int
    plain: int
    br: int
    gzip: int


def summarize(trees: Iterable[Tree]) -> Summary:
    """Bytes of the compressible files and of their fresh copies (a missing copy counts as plain)."""
    files = plain = 0
    sizes = dict.fromkeys(SUFFIXES, 0)
    for tree in trees:
        for relative in compressible(tree):
            source = (tree.source / relative).stat()
            files += 1
            plain += source.st_size
            for encoding in SUFFIXES:
                copy = copy_path(tree, relative, encoding)
                fresh = copy.is_file() and is_fresh(copy.stat(), source)
                sizes[encoding] += copy.stat().st_size if fresh else source.st_size
    return Summary(files, plain, sizes["br"], sizes["gzip"])


_started: set[tuple[Path, ...]] = set()
_started_lock = threading.Lock()


def build_in_background(trees: tuple[Tree, ...]) -> threading.Thread | None:
    """Build missing copies in one low-priority thread, once per process; requests meanwhile get plain files."""
    with _started_lock:
        key = tuple(tree.cache for tree in trees)
        if key in _started:
            return None
        _started.add(key)
    thread = threading.Thread(target=_build_quietly, args=(trees,), name="precompress", daemon=True)
    thread.start()
    return thread


def _build_quietly(trees: tuple[Tree, ...]) -> None:
    if sys.platform == "linux":  # on Linux a thread has its own nice value: script runs keep the CPU first
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
    try:
        jobs = pending(trees)
    except OSError as exc:
        log.warning("precompress: %s", exc)
        return
    if jobs:
        log.info("precompress: building %d compressed copies in the background", len(jobs))
        build(jobs)


def main() -> None:
    trees = (streamlit_tree(), app_tree())
    started = time.monotonic()
    jobs = pending(trees)
    built = build(jobs, workers=os.cpu_count() or 1)
    done = summarize(trees)
    kb = 1000
    print(f"precompress: {done.files} files, {done.plain // kb:,} kB → br {done.br // kb:,} kB → gz {done.gzip // kb:,} kB"  # noqa: T201
          f" ({built} of {len(jobs)} copies built in {time.monotonic() - started:.1f} s) in {CACHE}")
    if built < len(jobs):
        sys.exit(1)


if __name__ == "__main__":
    main()
