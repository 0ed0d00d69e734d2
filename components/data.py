"""The dataset, cached at the edge and keyed on the data files' stamps."""

from __future__ import annotations

import gc
from pathlib import Path

import streamlit as st

from mc2cm.filters import Choices, choices
from mc2cm.lastgood import load_serving
from mc2cm.loading import Dataset, data_stamp, default_data_dir


def freeze_long_lived() -> None:
    """Move what exists now (modules, the dataset) out of the garbage collector's scans.

    Streamlit runs a full ``gc.collect()`` after every script run; over this app's
    heap (pandas, geopandas, plotly, folium and the data) that took ~95 ms a run, the
    largest part of a rerun. Frozen objects are still freed by reference counting;
    only cyclic garbage that exists at freeze time (a cache fill's run) is kept, so
    call this only once per data version, never per view: a map view's folium objects
    are cyclic, and frozen ones were never freed (~0.6 MB a view).
    """
    gc.freeze()


@st.cache_resource(show_spinner=False, max_entries=4)
def _load(data_dir: str, stamp: tuple[tuple[str, int, int], ...]) -> Dataset:
    del stamp  # part of the cache key only: a changed file gives a new entry
    loaded = load_serving(Path(data_dir))  # the last valid version while the files have errors
    freeze_long_lived()
    return loaded


@st.cache_resource(show_spinner=False, max_entries=4)
def _choices(data_dir: str, stamp: tuple[tuple[str, int, int], ...]) -> Choices:
    return choices(_load(data_dir, stamp))


def filter_choices() -> Choices:
    """The values each filter can take, computed once per version of the data."""
    folder = data_dir()
    return _choices(str(folder), data_stamp(folder))


def data_dir() -> Path:
    return default_data_dir().resolve()


def dataset() -> Dataset:
    """The current dataset. Re-read only when a data file's stamp changes.

    Shared across sessions (``cache_resource``): callers must not mutate it.
    """
    folder = data_dir()
    return _load(str(folder), data_stamp(folder))


def current_stamp() -> tuple[tuple[str, int, int], ...]:
    return data_stamp(data_dir())


def clear() -> None:
    """After a save: every page reads the new data on its next rerun."""
    _load.clear()
    _choices.clear()
    st.cache_data.clear()
