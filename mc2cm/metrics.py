"""Aggregates the pages show: counts, per-city summaries, role balance."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import pandas as pd

from mc2cm.loading import Dataset
from mc2cm.schema import MIXED, current_package


def areas() -> tuple[str, ...]:
    """The areas of work in display order, as the schema lists them (``mc2cm:vocabularies``)."""
    return current_package().vocabulary("area").codes


@dataclass(frozen=True)
class KeyNumbers:
    initiatives: int
    places: int
    countries: int
    challenges: int
    recommendations: int
    sources: int
    participants_min: int | None


def key_numbers(data: Dataset, event_id: str = "sfax-2019-peer-learning-workshop") -> KeyNumbers:
    from mc2cm.filters import initiative_countries  # noqa: PLC0415 - avoids an import cycle

    countries = set(initiative_countries(data).explode().dropna()) | set(data.cities["country_code"])
    events = data["events"]
    participants = None
    if event_id in events.index:
        value = events.at[event_id, "participants_min"]
        participants = None if pd.isna(value) else int(value)  # type: ignore[arg-type]
    return KeyNumbers(
        initiatives=len(data.initiatives),
        places=len(data.cities),
        countries=len(countries - {""}),
        challenges=len(data.challenges),
        recommendations=len(data.recommendations),
        sources=len(data.sources),
        participants_min=participants,
    )


def initiatives_by_area(initiatives: pd.DataFrame) -> dict[str, int]:
    counts = Counter(area for areas in initiatives["areas"] for area in areas)
    return {area: counts.get(area, 0) for area in areas()}


def initiatives_per_role(initiatives: pd.DataFrame) -> dict[str, int]:
    return dict(Counter(role for roles in initiatives["cso_roles"] for role in roles))


def dominant_area(counts: Counter[str]) -> str:
    """The single area of a city's initiatives, or ``"several"`` (``schema.MIXED``)."""
    present = [a for a in areas() if counts.get(a)]
    return present[0] if len(present) == 1 else MIXED


def city_summary(cities: pd.DataFrame, initiatives: pd.DataFrame) -> pd.DataFrame:
    """One row per city that has initiatives: where, how many, which areas.

    An initiative the documents place in several cities (``city_ids``) counts at each of them.
    """
    rows = []
    placed = initiatives.assign(city_id=initiatives["city_ids"]).explode("city_id")
    grouped = placed[placed["city_id"].notna() & (placed["city_id"] != "")].groupby("city_id", sort=True)
    for city_id, group in grouped:
        if city_id not in cities.index:
            continue
        city = cities.loc[city_id]
        counts: Counter[str] = Counter(a for listed in group["areas"] for a in listed)
        rows.append({
            "city_id": city_id,
            "latitude": float(cities.at[city_id, "latitude"]),  # type: ignore[arg-type]
            "longitude": float(cities.at[city_id, "longitude"]),  # type: ignore[arg-type]
            "country_code": city["country_code"],
            "count": len(group),
            "area": dominant_area(counts),
            "areas": tuple(a for a in areas() if counts.get(a)),
            "initiative_ids": tuple(group["id"]),
        })
    columns = ["city_id", "latitude", "longitude", "country_code", "count", "area", "areas", "initiative_ids"]
    return pd.DataFrame(rows, columns=columns)


def role_balance(assessments: pd.DataFrame) -> pd.DataFrame:
    """Counts of strengths and weaknesses per role and theme (weaknesses negative)."""
    if assessments.empty:
        return pd.DataFrame(columns=["role_id", "kind", "theme", "count", "signed"])
    counts = assessments.groupby(["role_id", "kind", "theme"], sort=True).size().reset_index(name="count")
    counts["signed"] = counts["count"].where(counts["kind"] == "strength", -counts["count"])
    return counts
