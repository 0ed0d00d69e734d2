"""The dataset for the routes beside the pages (ballot, API): read once per version of the files.

Served as the pages serve it (:func:`mc2cm.lastgood.load_serving`): a broken file on
disk never empties an answer; the last good copy is used and says so.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path

from mc2cm.lastgood import load_serving
from mc2cm.loading import Dataset, data_stamp, default_data_dir

_LOADING = threading.Lock()


@lru_cache(maxsize=2)
def _load(data_dir: str, stamp: tuple[tuple[str, int, int], ...]) -> Dataset:
    del stamp  # part of the cache key only: a changed file gives a new entry
    return load_serving(Path(data_dir))


def dataset() -> Dataset:
    """The current dataset, re-read only when a data file's stamp changes. Callers must not mutate it."""
    folder = default_data_dir().resolve()
    stamp = data_stamp(folder)
    with _LOADING:  # one load at a time: a room of phones arriving together waits for one read
        return _load(str(folder), stamp)
