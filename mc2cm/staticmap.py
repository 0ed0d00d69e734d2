"""The map of a view as a small SVG, for printed briefs and the offline site.

Drawn from the shipped basemap (Natural Earth, ``data/basemap/region.geojson``) in the
same Euro-Mediterranean frame as ``/map``; the places are the ones ``/map`` draws
(:func:`mc2cm.mapping.split_parts`), sized and coloured the same way. A plain
equirectangular projection, stretched by the cosine of the frame's middle latitude,
which is what a reader expects of a regional map at this scale.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from html import escape
from typing import Any, cast

import pandas as pd

from mc2cm.geo import MAP_BOUNDS
from mc2cm.i18n import text
from mc2cm.mapping import MapParts, area_colour, marker_radius, region_layer

WIDTH = 680
LAND = "#eef0e8"
BORDER = "#9aa39a"
SEA = "#d4e6f1"


Projection = Callable[[float, float], tuple[float, float]]


def _projector(width: float = WIDTH) -> tuple[Projection, float]:
    south, west, north, east = MAP_BOUNDS
    stretch = math.cos(math.radians((south + north) / 2))
    scale = width / ((east - west) * stretch)
    height = (north - south) * scale

    def project(lon: float, lat: float) -> tuple[float, float]:
        return (lon - west) * stretch * scale, (north - lat) * scale

    return project, height


def _rings(geometry: dict[str, Any]) -> list[list[list[float]]]:
    kind, coords = geometry.get("type"), geometry.get("coordinates") or []
    if kind == "Polygon":
        return list(coords)
    if kind == "MultiPolygon":
        return [ring for polygon in coords for ring in polygon]
    return []


def _path(rings: list[list[list[float]]], project: Projection) -> str:
    parts = []
    for ring in rings:
        points = [project(lon, lat) for lon, lat in ring]
        if len(points) < 3:
            continue
        parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in points) + "Z")
    return "".join(parts)


def static_map(cities: pd.DataFrame, parts: MapParts, lang: str, title: str, width: int = WIDTH) -> str:
    """The SVG of the places ``parts`` draws (:func:`mc2cm.mapping.split_parts`): one string, every data
    string escaped."""
    project, height = _projector(width)
    land = "".join(
        f'<path d="{_path(_rings(feature["geometry"]), project)}"/>'
        for feature in cast("list[dict[str, Any]]", region_layer()["features"])
        if feature.get("geometry")
    )
    scale = width / 900  # /map's markers are drawn for a ~900 px wide map
    dots = []
    for _, city in parts.markers.sort_values("count", ascending=False).iterrows():
        x, y = project(float(city["longitude"]), float(city["latitude"]))
        name = text(cities.loc[city["city_id"]], "name", lang)
        dots.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{marker_radius(int(city["count"])) * scale:.1f}" '
            f'fill="{escape(area_colour(str(city["area"])))}" fill-opacity="0.85" stroke="#222" stroke-width="0.8">'
            f"<title>{escape(name)} · {int(city['count'])}</title></circle>"
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height:.0f}" role="img" '
        f'aria-label="{escape(title)}" class="brief-map">'
        f'<rect width="100%" height="100%" fill="{SEA}"/>'
        f'<g fill="{LAND}" stroke="{BORDER}" stroke-width="0.5">{land}</g>'
        f'<g>{"".join(dots)}</g></svg>'
    )
