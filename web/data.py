"""The dataset for the routes beside the pages (ballot, API): read once per version of the files.

Served as the pages serve it (:func:`mc2cm.lastgood.load_serving`): a broken file on
disk never empties an answer; the last good copy is used and says so.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path

from starlette.requests import Request

from mc2cm.filters import Selection, choices, parse_query
from mc2cm.i18n import request_lang
from mc2cm.lastgood import load_serving
from mc2cm.loading import Dataset, data_stamp, default_data_dir

# The pages' URL parameters, which the brief and the API take too.
VIEW_KEYS = frozenset({"lang", "area", "role", "country", "actor", "source", "q", "id"})

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


def query_lists(request: Request) -> dict[str, list[str]]:
    """The query string as ``{key: [values]}`` (a key may repeat: ``area=a&area=b``)."""
    params: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        params.setdefault(key, []).append(value)
    return params


def read_view(data: Dataset, params: dict[str, list[str]], accept_language: str | None
              ) -> tuple[Selection, str, list[str], list[str]]:
    """The view a URL asks for: its selection and language, the parameters that are not the pages'
    (in the order given), and the values the data does not know (``area=nope``, an unknown ``id``)."""
    unknown = [key for key in params if key not in VIEW_KEYS]
    available = choices(data)
    sel, lang, ignored = parse_query({k: v for k, v in params.items() if k in VIEW_KEYS}, available)
    if sel.id and sel.id not in available.ids:
        ignored.append(f"id={sel.id}")
    return sel, lang or request_lang(None, accept_language), unknown, ignored
