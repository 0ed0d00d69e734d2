"""Where the map page's time and bytes go, measured in-process (no server, no Streamlit run).

Repeats what ``components.map.map_view`` does per rerun: ``select_initiatives``,
``mc2cm.mapping.build_map`` and ``st_folium`` (whose rendering runs in Python;
only its final component call is replaced by a function that keeps the
arguments). It also times the alternatives a code change could use: rendering
the finished map once to HTML (what a cached ``components.html`` would keep),
and a cache hit of that HTML (a pickle round trip, as ``st.cache_data`` does).
Last, the full garbage collection Streamlit runs after every script run
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
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from benchmarks.stats import median, ms


@contextmanager
def _captured_component() -> Iterator[dict[str, Any]]:
    import streamlit_folium  # noqa: PLC0415 - only this measurement needs it

    captured: dict[str, Any] = {}
    original = streamlit_folium._component_func

    def capture(**kwargs: Any) -> None:
        captured.clear()
        captured.update(kwargs)

    streamlit_folium._component_func = capture
    try:
        yield captured
    finally:
        streamlit_folium._component_func = original


def _round_coords(value: Any, digits: int) -> Any:
    if isinstance(value, float):
        return round(value, digits)
    if isinstance(value, list):
        return [_round_coords(v, digits) for v in value]
    if isinstance(value, dict):
        return {k: _round_coords(v, digits) for k, v in value.items()}
    return value


def map_breakdown(data_dir: Path, repeats: int = 5, profile: bool = True) -> dict[str, Any]:  # noqa: PLR0915
    import streamlit_folium  # noqa: PLC0415

    from mc2cm.filters import Selection, select_initiatives  # noqa: PLC0415
    from mc2cm.loading import load_dataset  # noqa: PLC0415
    from mc2cm.mapping import build_map, region_layer  # noqa: PLC0415

    t0 = time.perf_counter()
    data = load_dataset(data_dir)
    load_s = time.perf_counter() - t0
    select_s, build_s, folium_s, total_s, scripts = [], [], [], [], []

    def one() -> tuple[Any, Any]:
        a = time.perf_counter()
        shown = select_initiatives(data, Selection())
        b = time.perf_counter()
        fmap, parts = build_map(data.cities, shown, "en")
        c = time.perf_counter()
        streamlit_folium.st_folium(fmap, key="map-en", height=560, use_container_width=True, returned_objects=[])
        d = time.perf_counter()
        select_s.append(b - a)
        build_s.append(c - b)
        folium_s.append(d - c)
        total_s.append(d - a)
        return fmap, parts

    with _captured_component() as captured:
        _, parts = one()  # warm-up (imports, template caches)
        select_s.clear(), build_s.clear(), folium_s.clear(), total_s.clear()
        for _ in range(repeats):
            one()
            scripts.append(captured["script"])
        args_bytes = len(json.dumps({k: v for k, v in captured.items() if k != "on_change"}, default=str).encode())
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

    # The alternative: render once, keep the HTML (deterministic), reuse it.
    fmap, _ = build_map(data.cities, select_initiatives(data, Selection()), "en")
    a = time.perf_counter()
    html = fmap.get_root().render()
    render_once_s = time.perf_counter() - a
    blob = pickle.dumps(html)
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
    script_bytes = len(scripts[-1].encode())
    return {
        "data_dir": str(data_dir),
        "cities": len(data.cities), "initiatives": len(data.initiatives),
        "markers": len(parts.markers), "elsewhere_items": len(parts.elsewhere),
        "load_dataset_ms": ms(load_s),
        "select_ms": ms(median(select_s)),
        "build_map_ms": ms(median(build_s)),
        "st_folium_render_ms": ms(median(folium_s)),
        "map_total_ms": ms(median(total_s)),
        "st_folium_args_bytes": args_bytes,
        "st_folium_script_bytes": script_bytes,
        "script_identical_across_builds": len(set(scripts)) == 1,
        "region_geojson_bytes": region_bytes,
        "region_geojson_share_of_script": round(region_bytes / script_bytes, 2) if script_bytes else None,
        "region_geojson_bytes_rounded_3dp": rounded3,
        "region_geojson_bytes_rounded_2dp": rounded2,
        "render_html_once_ms": ms(render_once_s),
        "rendered_html_bytes": len(html.encode()),
        "cache_hit_ms": round(cache_hit_s * 1000, 3),
        "gc_collect_ms": ms(median(gc_s)),
        "gc_tracked_objects": len(gc.get_objects()),
        "profile_top_self_time": top,
    }
