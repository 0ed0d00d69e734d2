"""Geography: the shipped Natural Earth country layer and point checks."""

from __future__ import annotations

import math
from functools import cache
from pathlib import Path

import geopandas as gpd
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry
from shapely.ops import nearest_points

SHIPPED_BASEMAP_DIR = Path(__file__).resolve().parent.parent / "data" / "basemap"
COUNTRIES_FILE = "countries.geojson"
REGION_FILE = "region.geojson"
# The Euro-Mediterranean frame of the map: (south, west, north, east).
MAP_BOUNDS = (27.0, -12.0, 55.0, 44.0)
EARTH_RADIUS_KM = 6371.0


def basemap_path(data_dir: Path | str | None = None, name: str = COUNTRIES_FILE) -> Path:
    """The country layer of ``data_dir`` if it has one, else the shipped one."""
    if data_dir is not None:
        candidate = Path(data_dir) / "basemap" / name
        if candidate.is_file():
            return candidate
    return SHIPPED_BASEMAP_DIR / name


@cache
def _shapes(path: Path, _mtime: float) -> dict[str, BaseGeometry]:
    frame = gpd.read_file(path)
    shapes: dict[str, BaseGeometry] = {}
    for code, geometry in zip(frame["iso_a2"], frame.geometry, strict=True):
        if isinstance(code, str) and len(code) == 2 and geometry is not None:
            shapes[code] = shapes[code].union(geometry) if code in shapes else geometry
    return shapes


def country_shapes(path: Path | None = None) -> dict[str, BaseGeometry]:
    """ISO alpha-2 code → country geometry (WGS84)."""
    path = (path or basemap_path()).resolve()
    return _shapes(path, path.stat().st_mtime)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def distance_to_country_km(shapes: dict[str, BaseGeometry], code: str, lat: float, lon: float) -> float:
    """0 inside the country; otherwise the great-circle distance to its edge."""
    shape = shapes.get(code)
    if shape is None:
        return math.inf
    point = Point(lon, lat)
    if shape.covers(point):
        return 0.0
    nearest = nearest_points(shape, point)[0]
    return haversine_km(lat, lon, nearest.y, nearest.x)


def country_at(shapes: dict[str, BaseGeometry], lat: float, lon: float) -> str | None:
    point = Point(lon, lat)
    for code, shape in shapes.items():
        if shape.covers(point):
            return code
    return None


def in_map_frame(lat: float, lon: float, bounds: tuple[float, float, float, float] = MAP_BOUNDS) -> bool:
    south, west, north, east = bounds
    return south <= lat <= north and west <= lon <= east
