"""The dataset, cached at the edge and keyed on the data files' stamps."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from mc2cm.filters import Choices, choices
from mc2cm.loading import Dataset, data_stamp, default_data_dir, load_dataset


@st.cache_resource(show_spinner=False, max_entries=4)
def _load(data_dir: str, stamp: tuple[tuple[str, int, int], ...]) -> Dataset:
    del stamp  # part of the cache key only: a changed file gives a new entry
    return load_dataset(Path(data_dir))


@st.cache_resource(show_spinner=False, max_entries=4)
def _choices(data_dir: str, stamp: tuple[tuple[str, int, int], ...]) -> Choices:
    del stamp
    return choices(_load(data_dir, data_stamp(Path(data_dir))))


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
