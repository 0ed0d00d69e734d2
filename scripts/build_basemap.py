#!/usr/bin/env python3
"""Build the committed basemap GeoJSON files from Natural Earth (via world-atlas).

Usage (from the repo root, after `npm ci`):

    .venv/bin/python scripts/build_basemap.py

Input:  node_modules/world-atlas/countries-50m.json  (world-atlas 2.0.2 =
        Natural Earth 1:50m admin-0 countries, public domain, as TopoJSON)
Output: data/basemap/countries.geojson  whole world, full 1:50m detail
                                        (for point-in-polygon checks)
        data/basemap/region.geojson     Euro-Mediterranean display basemap:
                                        clipped to lon -20..50, lat 20..60 and
                                        simplified

Each output feature has exactly two properties: ``iso_a2`` (ISO 3166-1 alpha-2,
upper case) and ``name`` (Natural Earth short name).  Features are dissolved so
that every iso_a2 occurs once (see NO_ID_FEATURES for the features world-atlas
ships without an ISO code).

The TopoJSON is decoded here in Python (no Node needed at build time).  The
display basemap is simplified *per shared arc* before the polygons are
assembled, so neighbouring countries keep identical borders (no slivers or
gaps), then clipped to the box.  The output is deterministic: re-running it on
the same input gives byte-identical files.
"""

from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path

import shapely
import shapely.affinity
import shapely.ops
from pyproj import Geod
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, mapping
from shapely.geometry.polygon import orient

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "node_modules" / "world-atlas" / "countries-50m.json"
OUT_DIR = ROOT / "data" / "basemap"

REGION_BOX = (-20.0, 20.0, 50.0, 60.0)  # lon_min, lat_min, lon_max, lat_max
REGION_SIMPLIFY_DEG = 0.02  # Douglas-Peucker tolerance, applied per arc
COUNTRIES_DECIMALS = 4  # ~11 m; the source grid is already ~0.0036 x 0.0017 deg
REGION_DECIMALS = 3  # ~110 m; far below the 0.02 deg simplification

# ISO 3166-1 numeric -> alpha-2 for every id present in world-atlas 2.0.2
# countries-50m.json.  Generated once from pycountry 26.2.16 (which ships the
# ISO 3166-1 table of Debian's iso-codes) by looking up every id with
# pycountry.countries.get(numeric=...).  All 235 ids resolved; nothing was
# hand-edited.
# fmt: off
NUMERIC_TO_ALPHA2 = {
    "004": "AF", "008": "AL", "010": "AQ", "012": "DZ", "016": "AS", "020": "AD", "024": "AO", "028": "AG",
    "031": "AZ", "032": "AR", "036": "AU", "040": "AT", "044": "BS", "048": "BH", "050": "BD", "051": "AM",
    "052": "BB", "056": "BE", "060": "BM", "064": "BT", "068": "BO", "070": "BA", "072": "BW", "076": "BR",
    "084": "BZ", "086": "IO", "090": "SB", "092": "VG", "096": "BN", "100": "BG", "104": "MM", "108": "BI",
    "112": "BY", "116": "KH", "120": "CM", "124": "CA", "132": "CV", "136": "KY", "140": "CF", "144": "LK",
    "148": "TD", "152": "CL", "156": "CN", "158": "TW", "170": "CO", "174": "KM", "178": "CG", "180": "CD",
    "184": "CK", "188": "CR", "191": "HR", "192": "CU", "196": "CY", "203": "CZ", "204": "BJ", "208": "DK",
    "212": "DM", "214": "DO", "218": "EC", "222": "SV", "226": "GQ", "231": "ET", "232": "ER", "233": "EE",
    "234": "FO", "238": "FK", "239": "GS", "242": "FJ", "246": "FI", "248": "AX", "250": "FR", "258": "PF",
    "260": "TF", "262": "DJ", "266": "GA", "268": "GE", "270": "GM", "275": "PS", "276": "DE", "288": "GH",
    "296": "KI", "300": "GR", "304": "GL", "308": "GD", "316": "GU", "320": "GT", "324": "GN", "328": "GY",
    "332": "HT", "334": "HM", "336": "VA", "340": "HN", "344": "HK", "348": "HU", "352": "IS", "356": "IN",
    "360": "ID", "364": "IR", "368": "IQ", "372": "IE", "376": "IL", "380": "IT", "384": "CI", "388": "JM",
    "392": "JP", "398": "KZ", "400": "JO", "404": "KE", "408": "KP", "410": "KR", "414": "KW", "417": "KG",
    "418": "LA", "422": "LB", "426": "LS", "428": "LV", "430": "LR", "434": "LY", "438": "LI", "440": "LT",
    "442": "LU", "446": "MO", "450": "MG", "454": "MW", "458": "MY", "462": "MV", "466": "ML", "470": "MT",
    "478": "MR", "480": "MU", "484": "MX", "492": "MC", "496": "MN", "498": "MD", "499": "ME", "500": "MS",
    "504": "MA", "508": "MZ", "512": "OM", "516": "NA", "520": "NR", "524": "NP", "528": "NL", "531": "CW",
    "533": "AW", "534": "SX", "540": "NC", "548": "VU", "554": "NZ", "558": "NI", "562": "NE", "566": "NG",
    "570": "NU", "574": "NF", "578": "NO", "580": "MP", "583": "FM", "584": "MH", "585": "PW", "586": "PK",
    "591": "PA", "598": "PG", "600": "PY", "604": "PE", "608": "PH", "612": "PN", "616": "PL", "620": "PT",
    "624": "GW", "626": "TL", "630": "PR", "634": "QA", "642": "RO", "643": "RU", "646": "RW", "652": "BL",
    "654": "SH", "659": "KN", "660": "AI", "662": "LC", "663": "MF", "666": "PM", "670": "VC", "674": "SM",
    "678": "ST", "682": "SA", "686": "SN", "688": "RS", "690": "SC", "694": "SL", "702": "SG", "703": "SK",
    "704": "VN", "705": "SI", "706": "SO", "710": "ZA", "716": "ZW", "724": "ES", "728": "SS", "729": "SD",
    "732": "EH", "740": "SR", "748": "SZ", "752": "SE", "756": "CH", "760": "SY", "762": "TJ", "764": "TH",
    "768": "TG", "776": "TO", "780": "TT", "784": "AE", "788": "TN", "792": "TR", "795": "TM", "796": "TC",
    "800": "UG", "804": "UA", "807": "MK", "818": "EG", "826": "GB", "831": "GG", "832": "JE", "833": "IM",
    "834": "TZ", "840": "US", "850": "VI", "854": "BF", "858": "UY", "860": "UZ", "862": "VE", "876": "WF",
    "882": "WS", "887": "YE", "894": "ZM",
}
# fmt: on

# world-atlas features without an ISO numeric id (Natural Earth has ISO -99 for
# them).  Mapped to the UN-recognised state so that a point in, e.g.,
# Hargeisa validates as Somalia; Kosovo gets the user-assigned code XK used by
# the EU, IMF and World Bank.  Siachen Glacier (disputed India/Pakistan) keeps
# iso_a2 = null.
NO_ID_FEATURES = {
    "Somaliland": "SO",
    "N. Cyprus": "CY",
    "Kosovo": "XK",
    "Indian Ocean Ter.": "AU",  # Christmas I. and Cocos (Keeling) Is.
    "Siachen Glacier": None,
}

# Cities used as a regression check of the country polygons.
CHECK_POINTS = [
    ("Sfax", 34.74, 10.76, "TN"),
    ("Nador", 35.17, -2.93, "MA"),
    ("Beirut", 33.89, 35.50, "LB"),
    ("Douala", 4.05, 9.70, "CM"),
    ("Malaga", 36.72, -4.42, "ES"),
    ("Tajoura", 32.88, 13.35, "LY"),
    ("Calais", 50.95, 1.86, "FR"),
    ("Adana", 37.00, 35.32, "TR"),
    ("Amman", 31.95, 35.93, "JO"),
    ("Athens", 37.98, 23.73, "GR"),
]


class BuildError(Exception):
    pass


# --------------------------------------------------------------------------
# TopoJSON decoding
# --------------------------------------------------------------------------


def decode_arcs(topo: dict) -> list[list[tuple[float, float]]]:
    """Absolute lon/lat coordinates of every arc (delta-decoded if quantized)."""
    transform = topo.get("transform")
    arcs = []
    for arc in topo["arcs"]:
        if transform:
            (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
            x = y = 0
            coords = []
            for pos in arc:
                x += pos[0]
                y += pos[1]
                coords.append((x * sx + tx, y * sy + ty))
        else:
            coords = [(p[0], p[1]) for p in arc]
        arcs.append(coords)
    return arcs


def ring_coords(indexes: list[int], arcs: list[list[tuple[float, float]]]) -> list:
    """Concatenate arcs into a ring; a negative index means arc ~i reversed."""
    ring: list[tuple[float, float]] = []
    for i in indexes:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        ring.extend(arc if not ring else arc[1:])
    return ring


def unwrap(ring: list) -> list:
    """Make longitudes continuous: no segment jumps by more than 180 degrees.

    world-atlas is made for spherical rendering (d3-geo), so a few rings
    (Russia's Chukotka, Fiji, Antarctica) cross the antimeridian instead of
    being cut there.  After unwrapping, such a ring extends beyond +-180.
    """
    out = [ring[0]]
    offset = 0.0
    for (x0, _), (x1, y1) in itertools.pairwise(ring):
        if x1 - x0 > 180:
            offset -= 360.0
        elif x1 - x0 < -180:
            offset += 360.0
        out.append((x1 + offset, y1))
    return out


def split_at_antimeridian(geom):
    """Cut a geometry spanning beyond +-180 into pieces inside [-180, 180]."""
    minx, _, maxx, _ = geom.bounds
    if minx >= -180 and maxx <= 180:
        return geom
    pieces = []
    for k in (-1, 0, 1):
        part = shapely.clip_by_rect(geom, -180 + 360 * k, -90, 180 + 360 * k, 90)
        if not part.is_empty:
            pieces.append(shapely.affinity.translate(part, xoff=-360 * k))
    return polygonal(shapely.union_all(pieces))


def build_polygon(rings: list[list[int]], arcs):
    """Polygon from TopoJSON rings; drops rings that collapsed (simplification)."""
    shell, *holes = [ring_coords(r, arcs) for r in rings]
    if len(set(shell)) < 3:
        return None
    shell = unwrap(shell)
    if abs(shell[-1][0] - shell[0][0]) > 180:
        # the ring goes once around the globe, i.e. encloses a pole
        # (Antarctica): close it along the pole
        pole = -90.0 if sum(y for _, y in shell) < 0 else 90.0
        shell = [*shell, (shell[-1][0], pole), (shell[0][0], pole), shell[0]]
    inner = []
    shell_x = sum(x for x, _ in shell) / len(shell)
    for raw_hole in holes:
        if len(set(raw_hole)) < 3:
            continue
        hole = unwrap(raw_hole)
        # put the hole in the same 360-degree window as the shell
        hole_x = sum(x for x, _ in hole) / len(hole)
        shift = 360.0 * round((shell_x - hole_x) / 360.0)
        inner.append([(x + shift, y) for x, y in hole])
    poly = Polygon(shell, inner)
    if poly.area == 0:
        return None
    return split_at_antimeridian(polygonal(poly))


def polygonal(geom):
    """Keep only the (multi)polygon part of a geometry, made valid."""
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    if isinstance(geom, (Polygon, MultiPolygon)):
        return geom
    parts = [g for g in getattr(geom, "geoms", []) if isinstance(g, (Polygon, MultiPolygon))]
    return shapely.union_all(parts) if parts else Polygon()


def geometry_of(obj: dict, arcs) -> Polygon | MultiPolygon:
    if obj["type"] == "Polygon":
        polys = [build_polygon(obj["arcs"], arcs)]
    elif obj["type"] == "MultiPolygon":
        polys = [build_polygon(p, arcs) for p in obj["arcs"]]
    else:
        raise BuildError(f"unexpected geometry type {obj['type']!r}")
    polys = [polygonal(p) for p in polys if p is not None]
    if not polys:
        return Polygon()
    # union (not just MultiPolygon(...)) so touching/overlapping parts that
    # make_valid produced are merged into a valid result
    return polygonal(shapely.union_all(polys))


def simplify_arcs(arcs, tolerance: float):
    """Douglas-Peucker on each shared arc; end points (the topology) are kept."""
    out = []
    for arc in arcs:
        if len(arc) <= 2:
            out.append(arc)
            continue
        simplified = LineString(arc).simplify(tolerance, preserve_topology=False)
        out.append([tuple(c) for c in simplified.coords])
    return out


# --------------------------------------------------------------------------
# Features
# --------------------------------------------------------------------------


def iso_of(obj: dict) -> str | None:
    name = obj.get("properties", {}).get("name", "")
    num = obj.get("id")
    if num is None or num == "":
        if name not in NO_ID_FEATURES:
            raise BuildError(f"feature {name!r} has no id and no entry in NO_ID_FEATURES")
        return NO_ID_FEATURES[name]
    if num not in NUMERIC_TO_ALPHA2:
        raise BuildError(f"unknown ISO 3166-1 numeric id {num!r} ({name})")
    return NUMERIC_TO_ALPHA2[num]


def build_features(topo: dict, arcs, clip_box=None) -> list[tuple[str | None, str, object]]:
    """[(iso_a2, name, geometry)], dissolved by iso_a2, sorted by iso_a2."""
    groups: dict = {}
    for obj in topo["objects"]["countries"]["geometries"]:
        iso = iso_of(obj)
        name = obj["properties"]["name"]
        geom = geometry_of(obj, arcs)
        if clip_box is not None:
            geom = polygonal(shapely.clip_by_rect(geom, *clip_box))
        if geom.is_empty:
            continue
        key = iso if iso is not None else f"?{name}"
        group = groups.setdefault(key, {"iso": iso, "names": [], "geoms": []})
        # the first feature that carries the ISO id names the dissolved group
        # (Australia, not Ashmore and Cartier Is.; Somalia, not Somaliland)
        group["names"].append((0 if obj.get("id") else 1, len(group["names"]), name))
        group["geoms"].append(geom)
    features = []
    for key in sorted(groups):
        g = groups[key]
        geom = g["geoms"][0] if len(g["geoms"]) == 1 else polygonal(shapely.union_all(g["geoms"]))
        features.append((g["iso"], min(g["names"])[2], geom))
    return features


def finish(geom, decimals: int):
    """Snap to a decimal grid (keeps validity), orient per RFC 7946."""
    geom = polygonal(shapely.set_precision(geom, 10.0**-decimals))
    if isinstance(geom, Polygon):
        return orient(geom, sign=1.0)
    return MultiPolygon([orient(p, sign=1.0) for p in geom.geoms])


def round_coords(obj, decimals: int):
    if isinstance(obj, (list, tuple)):
        if obj and isinstance(obj[0], (int, float)):
            return [round(v, decimals) for v in obj]
        return [round_coords(o, decimals) for o in obj]
    return obj


def write_geojson(path: Path, features, decimals: int, description: str) -> None:
    lines = [
        "{",
        '"type": "FeatureCollection",',
        f'"description": {json.dumps(description, ensure_ascii=False)},',
        '"features": [',
    ]
    rows = []
    for iso, name, raw_geom in features:
        geom = finish(raw_geom, decimals)
        if geom.is_empty:
            continue
        gj = mapping(geom)
        feature = {
            "type": "Feature",
            "properties": {"iso_a2": iso, "name": name},
            "geometry": {"type": gj["type"], "coordinates": round_coords(gj["coordinates"], decimals)},
        }
        rows.append(json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
    lines.append(",\n".join(rows))
    lines.append("]")
    lines.append("}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    size = path.stat().st_size
    print(f"wrote {path.relative_to(ROOT)}: {len(rows)} features, {size / 1024:.0f} KiB")


# --------------------------------------------------------------------------
# Check
# --------------------------------------------------------------------------


def check_points(path: Path) -> None:
    """Point-in-polygon check of CHECK_POINTS against the written file."""
    geod = Geod(ellps="WGS84")
    data = json.loads(path.read_text(encoding="utf-8"))
    shapes = {}
    for f in data["features"]:
        shapes[f["properties"]["iso_a2"]] = shapely.geometry.shape(f["geometry"])
    print(f"check {path.relative_to(ROOT)}:")
    for city, lat, lon, iso in CHECK_POINTS:
        pt = Point(lon, lat)
        inside = [k for k, g in shapes.items() if g.covers(pt)]
        geom = shapes.get(iso)
        if geom is None:
            print(f"  {city:8s} expected {iso}: NO SUCH FEATURE")
            continue
        if iso in inside:
            status = "inside"
        else:
            near = shapely.ops.nearest_points(geom, pt)[0]
            km = geod.inv(lon, lat, near.x, near.y)[2] / 1000.0
            status = f"outside by {km:.2f} km"
        extra = f" (also/instead in {', '.join(map(str, inside))})" if set(inside) - {iso} else ""
        print(f"  {city:8s} ({lat:.2f}, {lon:.2f}) {iso}: {status}{extra}")


def main() -> int:
    if not SOURCE.is_file():
        print(f"build_basemap: error: {SOURCE.relative_to(ROOT)} not found; run npm ci first", file=sys.stderr)
        return 1
    try:
        topo = json.loads(SOURCE.read_text(encoding="utf-8"))
        arcs = decode_arcs(topo)

        countries = build_features(topo, arcs)
        write_geojson(
            OUT_DIR / "countries.geojson",
            countries,
            COUNTRIES_DECIMALS,
            "Natural Earth 1:50m admin-0 countries (public domain) via world-atlas 2.0.2; "
            "built by scripts/build_basemap.py",
        )

        region = build_features(topo, simplify_arcs(arcs, REGION_SIMPLIFY_DEG), clip_box=REGION_BOX)
        write_geojson(
            OUT_DIR / "region.geojson",
            region,
            REGION_DECIMALS,
            f"Natural Earth 1:50m admin-0 countries (public domain) via world-atlas 2.0.2, "
            f"clipped to lon/lat box {REGION_BOX}, simplified {REGION_SIMPLIFY_DEG} deg per shared arc; "
            "built by scripts/build_basemap.py",
        )
    except BuildError as exc:
        print(f"build_basemap: error: {exc}", file=sys.stderr)
        return 1

    check_points(OUT_DIR / "countries.geojson")
    return 0


if __name__ == "__main__":
    sys.exit(main())
