"""What the documents say beyond initiatives and challenges: key points, guiding questions, officials' remarks.

Three tables (see data/README.md): ``key_points`` (one cited point per row, grouped by the
``key_point`` vocabulary; a point about one initiative names it in ``initiative_id``),
``guiding_questions`` (the background paper's questions for discussion) and ``remarks`` (what each
official said in the public opening and closing remarks). Pure functions: pages and doors
choose which rows to show from here.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from mc2cm.loading import Dataset

# The summary's key concepts, in the order the summary gives them.
KEY_CONCEPTS = ("csos_contribution", "cooperation_area", "difficulty_source")


def _in_order(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(["position", "id"], kind="stable")


def _from_sources(frame: pd.DataFrame, sources: Iterable[str]) -> pd.DataFrame:
    wanted = set(sources)
    return frame[frame["source_id"].isin(wanted)] if wanted else frame


def points_of_kind(data: Dataset, kind: str, sources: Iterable[str] = ()) -> pd.DataFrame:
    """The general points of one kind (not tied to an initiative), in order; ``sources`` narrows to those documents."""
    points = data["key_points"]
    general = points[(points["kind"] == kind) & (points["initiative_id"] == "")]
    return _in_order(_from_sources(general, sources))


def initiative_points(data: Dataset, initiative_id: str) -> list[tuple[str, pd.DataFrame]]:
    """The points detailing one initiative, grouped by kind in the vocabulary's order; kinds without points left out."""
    points = data["key_points"]
    own = points[points["initiative_id"] == initiative_id]
    return [(kind, _in_order(own[own["kind"] == kind])) for kind in data.spec.vocabulary("key_point").codes
            if (own["kind"] == kind).any()]


def guiding_questions(data: Dataset) -> pd.DataFrame:
    return _in_order(data["guiding_questions"])


def remarks_of(data: Dataset, official_id: str) -> pd.DataFrame:
    """What one official said (one row of ``officials``: one person in one session), in order."""
    remarks = data["remarks"]
    return _in_order(remarks[remarks["official_id"] == official_id])

