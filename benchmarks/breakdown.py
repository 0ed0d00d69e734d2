"""Where the map page's time and bytes go, measured in-process (no server, no Streamlit run).

What ``components.map`` does for a view it has not drawn before:
``select_initiatives``, ``mc2cm.mapping.build_map`` and ``render_document``
(folium's HTML document, which the page keeps per view and shows in an
``st.iframe``), and whether two builds give the same document (they do not:
folium names its elements at random, which is why the page keeps the first).
Also a cache hit of that document (a pickle round trip, for scale; the page's
``st.cache_resource`` returns the same object). Last, the full garbage collection Streamlit runs after every script run
(``runner.postScriptGC``), timed in this process with the dataset and the map
modules loaded (a lower bound: the server's heap is larger).
"""

from __future__ import annotations

import cProfile
import gc
import json
import pickle
import pstats
import time
from pathlib import Path
from typing import Any

from benchmarks.stats import median, ms


def _round_coords(value: Any, digits: int) -> Any:
    if isinstance(value, float):
        return round(value, digits)
    if isinstance(value, list):
        return [_round_coords(v, digits) for v in value]
    if isinstance(value, dict):
        return {k: _round_coords(v, digits) for k, v in value.items()}
    return value


def map_breakdown(data_dir: Path, repeats: int = 5, profile: bool = True) -> dict[str, Any]:
    from mc2cm.filters import Selection, select_initiatives  # noqa: PLC0415
    from mc2cm.loading import load_dataset  # noqa: PLC0415
    from mc2cm.mapping import build_map, region_layer, render_document  # noqa: PLC0415

    t0 = time.perf_counter()
    data = load_dataset(data_dir)
    load_s = time.perf_counter() - t0
    select_s, build_s, render_s, total_s, documents = [], [], [], [], []

    def one() -> Any:
        a = time.perf_counter()
        shown = select_initiatives(data, Selection())
        b = time.perf_counter()
        fmap, parts = build_map(data.cities, shown, "en")
        c = time.perf_counter()
        documents.append(render_document(fmap))
        d = time.perf_counter()
        select_s.append(b - a)
        build_s.append(c - b)
        render_s.append(d - c)
        total_s.append(d - a)
        return parts

    parts = one()  # warm-up (imports, template caches)
    for series in (select_s, build_s, render_s, total_s, documents):
        series.clear()
    for _ in range(repeats):
        one()
    top: list[dict[str, Any]] = []
    if profile:
        prof = cProfile.Profile()
        prof.enable()
        one()
        prof.disable()
        stats = pstats.Stats(prof)
        rows = sorted(stats.stats.items(), key=lambda kv: kv[1][2], reverse=True)[:8]  # type: ignore[attr-defined]
        top = [{"function": f"{Path(f).name}:{line}({name})", "self_ms": round(row[2] * 1000, 1),
                "calls": row[1]} for (f, line, name), row in rows]

    # What a cache hit costs instead (components/map.py keeps the document per view).
    blob = pickle.dumps(documents[-1])
    a = time.perf_counter()
    for _ in range(20):
        pickle.loads(blob)  # noqa: S301 - our own bytes
    cache_hit_s = (time.perf_counter() - a) / 20

    gc_s = []
    for _ in range(3):
        a = time.perf_counter()
        gc.collect(2)
        gc_s.append(time.perf_counter() - a)

    region = region_layer(data.data_dir)
    region_bytes = len(json.dumps(region).encode())
    rounded3 = len(json.dumps(_round_coords(region, 3)).encode())
    rounded2 = len(json.dumps(_round_coords(region, 2)).encode())
    document_bytes = len(documents[-1].encode())
    return {
        "data_dir": str(data_dir),
        "cities": len(data.cities), "initiatives": len(data.initiatives),
        "markers": len(parts.markers), "elsewhere_items": len(parts.elsewhere),
        "load_dataset_ms": ms(load_s),
        "select_ms": ms(median(select_s)),
        "build_map_ms": ms(median(build_s)),
        "render_document_ms": ms(median(render_s)),
        "map_total_ms": ms(median(total_s)),
        "document_bytes": document_bytes,
        "document_kb": round(document_bytes / 1000, 1),
        "document_identical_across_builds": len(set(documents)) == 1,
        "region_geojson_bytes": region_bytes,
        "region_geojson_bytes_rounded_3dp": rounded3,
        "region_geojson_bytes_rounded_2dp": rounded2,
        "cache_hit_ms": round(cache_hit_s * 1000, 3),
        "gc_collect_ms": ms(median(gc_s)),
        "gc_tracked_objects": len(gc.get_objects()),
        "profile_top_self_time": top,
    }
