"""The results as a markdown report."""

from __future__ import annotations

from typing import Any


def _f(value: Any, unit: str = "") -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.1f}" if abs(value) >= 10 else f"{value:,.2f}"
    elif isinstance(value, int):
        text = f"{value:,}"
    else:
        text = str(value)
    return f"{text}{unit}"


def _x(value: Any) -> str:
    return "–" if value is None else f"{_f(value)}×"


def _kb(value: int | None) -> str:
    return "–" if value is None else f"{value / 1000:,.1f} kB"


def _row(*cells: object) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def _header(*titles: str, left: int = 1) -> list[str]:
    return [_row(*titles), _row(*(["---"] * left + ["---:"] * (len(titles) - left)))]


def _intro(r: dict[str, Any]) -> list[str]:
    meta, data = r["meta"], r.get("dataset")
    restarts = meta.get("server_restarts") or []
    git = meta.get("git") or {}
    dirty = git.get("app_files_changed_from_head") or []
    return [
        f"# Benchmark results — {meta['date']}",
        "",
        (f"Machine: {meta['nproc']} cores (nproc), {meta['mem_total_gb']} GB memory (free -g), {meta['cpu']}; "
         f"Python {meta['python']}, Streamlit {meta['streamlit']}. Command: `{meta['command']}` "
         f"({meta['wall_seconds']:.0f} s). Errors: **{r['errors_total']}**. "
         f"Load average before / after: {meta['loadavg_before']} / {meta['loadavg_after']}."
         + (f" Servers that died mid-measurement and were restarted: {len(restarts)}." if restarts else "")),
        "",
        (f"App measured: a copy of the working tree taken at the start (commit {git.get('head', '?')}"
         + (f", with uncommitted changes in {', '.join(dirty)}" if dirty else ", clean")
         + f"; code digest {git.get('app_digest', '?')}), served for every phase."
         + (f" The working tree changed during the run (now {git.get('head_at_end', '?')}, digest "
            f"{git.get('app_digest_at_end', '?')}); these results are for the copy." if git.get("changed_during_run")
            else "")),
    ] + ([] if data is None else [
        "",
        (f"Synthetic dataset: {data['cities']} cities ({data['cities_shipped']} shipped), {data['initiatives']} "
         f"initiatives ({data['initiatives_shipped']} shipped), valid (0 errors, {data['warnings']} warnings)."),
    ])


def _rerun(r: dict[str, Any], x: str) -> list[str]:
    rr = r["rerun"]
    lines = [
        "",
        "## Rerun cost per page (server time of an unchanged rerun, ms)",
        "",
        (f"Median of {rr['reruns']} reruns, {rr['pause_seconds']} s apart, after a warm-up run. "
         f"Baseline (one-line app): **{_f(rr['baseline_ms'])} ms**."),
        "",
        *_header("page", "shipped data", "× baseline", f"{x} data", "× baseline", f"{x} / 1×",
                 "bytes/run 1×", f"bytes/run {x}"),
    ]
    for page, row in rr["pages"].items():
        lines.append(_row(page, _f(row["shipped_ms"]), _x(row["shipped_vs_baseline"]), _f(row["large_ms"]),
                          _x(row["large_vs_baseline"]), _x(row["large_vs_shipped"]), _kb(row["shipped_bytes"]),
                          _kb(row["large_bytes"])))
    return lines


def _payload(r: dict[str, Any], x: str) -> list[str]:
    p = r["payload"]
    s, g = p["shipped"], p["large"]
    return [
        "",
        "## Map payload (bytes the browser receives for /map: ForwardMsg protobufs, websocket compression off)",
        "",
        *_header("", "shipped data", f"{x} data", f"{x} / 1×"),
        _row("whole /map run (first visit)", _kb(s["run_bytes"]), _kb(g["run_bytes"]), _x(p["run_ratio"])),
        _row("map element message (folium's document in st.iframe)", _kb(s["folium_msg_bytes"]),
             _kb(g["folium_msg_bytes"]), _x(p["folium_ratio"])),
        _row("map message gzip -6 (≈ with server.enableWebsocketCompression)", _kb(s["folium_msg_gzip_bytes"]),
             _kb(g["folium_msg_gzip_bytes"]), ""),
        _row("basemap GeoJSON: a static file the map fetches (browser-cached; not in the message)",
             _kb(p["region_geojson_bytes"]), _kb(p["region_geojson_bytes"]), "1×"),
        _row("unchanged rerun: whole run", _kb(s["rerun_bytes"]), _kb(g["rerun_bytes"]), ""),
        _row("unchanged rerun: map sent again in full (no cache reference)",
             _f(not s["rerun_folium_sent_as_reference"]), _f(not g["rerun_folium_sent_as_reference"]), ""),
        _row("one-line app, one run", _kb(p["baseline_run_bytes"]), "", ""),
    ]


def _load(r: dict[str, Any]) -> list[str]:
    lines = [
        "",
        "## Load (concurrent websocket sessions on loopback; latency = rerun sent → script finished)",
        "",
        *_header("shape", "server", "sessions", "runs", "p50 ms", "p95 ms", "max ms", "errors",
                 "RSS start → peak MB", "runs/s", left=2),
    ]
    for shape, block in r["load"].items():
        for target in ("app", "baseline"):
            row = block[target]
            lines.append(_row(shape, "app /map" if target == "app" else "one-line app", row["sessions"], row["runs"],
                              _f(row["p50_ms"]), _f(row["p95_ms"]), _f(row["max_ms"]), row["errors"],
                              f"{_f(row['rss_start_mb'])} → {_f(row['rss_peak_mb'])}", _f(row["runs_per_second"])))
        ratio = block["ratio"]
        lines.append(_row(shape, "**app ÷ baseline**", "", "", _x(ratio["p50"]), _x(ratio["p95"]), _x(ratio["max"]),
                          "", f"{_x(ratio['rss_peak'])} peak", ""))
    return lines


def _paint(r: dict[str, Any]) -> list[str]:
    fp = r.get("first_paint") or {}
    if not fp:
        return []
    if "skipped" in fp:
        return ["", f"First paint: skipped ({fp['skipped']})."]
    lines = [
        "",
        "## First paint in headless Chromium (navigation → drawn; median; a new context each run)",
        "",
        *_header("target", "median ms", "× baseline", "runs ms"),
    ]
    for name, row in fp["targets"].items():
        lines.append(_row(name, _f(row["median_ms"]), _x(row.get("vs_baseline")),
                          ", ".join(_f(t) for t in row["runs_ms"]) or "; ".join(row["errors"])))
    return lines


def _phone(r: dict[str, Any]) -> list[str]:
    ph = r.get("phone") or {}
    if not ph:
        return []
    if "skipped" in ph:
        return ["", f"Phone profile: skipped ({ph['skipped']})."]
    net, device = ph["network"], ph["device"]
    lines = [
        "",
        (f"## Phone profile: {net['name']} ({net['latency']} ms, {net['downloadThroughput'] * 8 / 1e6:g} Mbit/s down, "
         f"{net['uploadThroughput'] * 8 / 1e3:g} kbit/s up), {device['viewport']['width']}×"
         f"{device['viewport']['height']} mobile; median of {ph['rounds']} rounds"),
        "",
        ("First visit: new context, empty cache; ready = first animation frame after the ready element (map: a city "
         "marker; ballot and /vote: the submit button; one-line app: its text), from navigation start. Second visit: "
         "reload, same context. Bytes: HTTP as received (headers included) + websocket payloads, until the network is "
         "quiet. `br`: what Chromium asks for on 127.0.0.1; `gzip`: `Accept-Encoding: gzip, deflate`, as a phone on "
         "http://<LAN IP> gets. × = ratio to the one-line app."),
        "",
        *_header("target", "1st visit", "×", "ready", "×", "2nd visit", "×", "2nd ready", "largest on 1st visit"),
    ]
    for name, row in ph["targets"].items():
        if not row["runs"]:
            lines.append(_row(name, *["–"] * 7, "; ".join(row["errors"])))
            continue
        largest = ", ".join(f"{path.rsplit('/', 1)[-1] or path} {size / 1000:,.0f}"
                            for path, size in row["runs"][0]["first"]["largest"][:3])
        lines.append(_row(name, _kb(row["first_bytes"]), _x(row.get("first_bytes_vs_baseline")),
                          _f(row["first_ready_ms"] / 1000, " s"), _x(row.get("first_ready_ms_vs_baseline")),
                          _kb(row["second_bytes"]), _x(row.get("second_bytes_vs_baseline")),
                          _f(row["second_ready_ms"] / 1000, " s"), largest))
    return lines


def _breakdown(r: dict[str, Any], x: str) -> list[str]:
    bs, bl = r["map_breakdown"]["shipped"], r["map_breakdown"]["large"]

    def both(label: str, key: str) -> str:
        return _row(label, _f(bs[key]), _f(bl[key]))

    return [
        "",
        "## Map page breakdown (in-process, median ms)",
        "",
        *_header("", "shipped data", f"{x} data"),
        _row("cities drawn / initiatives listed beside the map", f"{bs['markers']} / {bs['elsewhere_items']}",
             f"{bl['markers']} / {bl['elsewhere_items']}"),
        both("select_initiatives", "select_ms"),
        both("build_map (folium objects)", "build_map_ms"),
        both("render_document (folium → HTML)", "render_document_ms"),
        both("a new view in total (once per view; then cached)", "map_total_ms"),
        both("cache hit of the document (unpickle, for scale)", "cache_hit_ms"),
        both("map document kB", "document_kb"),
        both("document identical across two builds", "document_identical_across_builds"),
        both("gc.collect(2) as after every run (runner.postScriptGC; this process)", "gc_collect_ms"),
    ]


def _variants(r: dict[str, Any]) -> list[str]:
    v = (r.get("variants") or {}).get("no_post_script_gc")
    if not v:
        return []
    burst, default = v["burst"], r["load"]["burst"]["app"]
    return [
        "",
        f"## What-if: `{v['flags']}` (a server flag, no code change; shipped data)",
        "",
        *_header("", "default", "postScriptGC=false", "ratio"),
        _row("one-line app rerun ms", _f(r["rerun"]["baseline_ms"]), _f(v["baseline_rerun_ms"]),
             _x(v["baseline_rerun_vs_default"])),
        _row("/map rerun ms", _f(r["rerun"]["pages"]["/map"]["shipped_ms"]), _f(v["map_rerun_ms"]),
             _x(v["map_rerun_vs_default"])),
        _row("burst /map p50 / p95 / max ms", f"{_f(default['p50_ms'])} / {_f(default['p95_ms'])} / "
             f"{_f(default['max_ms'])}", f"{_f(burst['p50_ms'])} / {_f(burst['p95_ms'])} / {_f(burst['max_ms'])}",
             f"{_x(v['burst_p95_vs_default'])} (p95)"),
        _row("burst /map peak RSS MB", _f(default["rss_peak_mb"]), _f(burst["rss_peak_mb"]), ""),
    ]


def _three(row: dict[str, Any]) -> str:
    return f"{_f(row['p50_ms'])} / {_f(row['p95_ms'])} / {_f(row['max_ms'])}"


def _ref(r: dict[str, Any], x: str) -> list[str]:
    h = (r.get("variants") or {}).get("ref")
    if not h:
        return []
    if "skipped" in h:
        return ["", f"Comparison with another revision: skipped ({h['skipped']})."]
    pages, p, default = r["rerun"]["pages"], r["payload"], r["load"]["burst"]["app"]
    paint_now = ((r.get("first_paint") or {}).get("targets") or {}).get("app /map, shipped data", {})
    paint_ref = next((row for row in h["paint"].values() if isinstance(row, dict) and "median_ms" in row), {})
    head = (r["meta"].get("git") or {}).get("head", "?")

    def rerun(label: str, page: str, size: str) -> str:
        before = (h["rerun"] if size == "shipped" else h["rerun_large"])[page]["median_ms"]
        now = pages[page][f"{size}_ms"]
        return _row(label, _f(before), _f(now), _x(_ratio(now, before)))

    return [
        "",
        f"## This app vs the app at {h['short']} ({h['subject']})",
        "",
        (f"Same run, same data; the app at {h['short']} is extracted with `git archive` into a temporary folder. "
         f"“Now” is the app measured above (commit {head}"
         + (", plus uncommitted changes)." if (r["meta"].get("git") or {}).get("app_files_changed_from_head") else ").")),
        "",
        *_header("", f"at {h['short']}", "now", "now ÷ then"),
        rerun("/map rerun ms, shipped data", "/map", "shipped"),
        rerun(f"/map rerun ms, {x} data", "/map", "large"),
        rerun("/initiatives rerun ms, shipped data", "/initiatives", "shipped"),
        rerun(f"/initiatives rerun ms, {x} data", "/initiatives", "large"),
        _row("/map first visit bytes, shipped data", _kb(h["payload"]["run_bytes"]), _kb(p["shipped"]["run_bytes"]), ""),
        _row(f"/map first visit bytes, {x} data", _kb(h["payload_large"]["run_bytes"]), _kb(p["large"]["run_bytes"]), ""),
        _row("/map unchanged rerun bytes, shipped data", _kb(h["payload"]["rerun_bytes"]), _kb(p["shipped"]["rerun_bytes"]),
             ""),
        _row(f"/map unchanged rerun bytes, {x} data", _kb(h["payload_large"]["rerun_bytes"]),
             _kb(p["large"]["rerun_bytes"]), ""),
        _row("burst /map p50 / p95 / max ms", _three(h["burst"]), _three(default),
             f"{_x(_ratio(default['p95_ms'], h['burst']['p95_ms']))} (p95)"),
        _row("burst /map peak RSS MB", _f(h["burst"]["rss_peak_mb"]), _f(default["rss_peak_mb"]), ""),
        _row("first paint /map ms, shipped data", _f(paint_ref.get("median_ms")), _f(paint_now.get("median_ms")),
             _x(_ratio(paint_now.get("median_ms"), paint_ref.get("median_ms")))),
    ]


def _ratio(value: float | None, base: float | None) -> float | None:
    return None if value is None or not base else round(value / base, 2)


def _room(r: dict[str, Any]) -> list[str]:
    """The room burst (benchmarks/room.py): phones on /ballot while /present reruns, against the targets."""
    room = r.get("room") or {}
    if not room:
        return []
    goal, pr = room["targets"], room["projector"]

    def met(ok: bool) -> str:
        return "met" if ok else "**not met**"

    def under(value: float | None, limit: float) -> str:
        return met(value is not None and value <= limit)

    lines = [
        "",
        f"## Room burst: {room['phones']} phones over {room['seconds']:g} s on /ballot, /present rerunning",
        "",
        (f"Each phone (own cookie, own `X-Forwarded-For` address) loads the ballot, votes, changes its vote "
         f"(think time {room['think_seconds'][0]:g}–{room['think_seconds'][1]:g} s); a vote is the POST plus the 303's "
         f"GET. {pr['page']} reruns every {room['projector_every_seconds']:g} s. Burst done in "
         f"{room['wall_seconds']:g} s; latest phone start {room['late_start_max_s']:g} s after its arrival time."),
        "",
        *_header("figure", "p50", "p95", "max", "target", "verdict"),
    ]
    for key, name, limit in (("load", "ballot load ms", goal["load_p95_ms"]), ("vote", "vote ms", goal["vote_p95_ms"]),
                             ("change", "vote change ms", goal["vote_p95_ms"])):
        row = room[key]
        lines.append(_row(name, _f(row["p50_ms"]), _f(row["p95_ms"]), _f(row["max_ms"]), f"p95 ≤ {limit:,}",
                          under(row["p95_ms"], limit)))
    lines += [
        _row("errors", "", "", _f(room["errors"]), "0", met(room["errors"] == 0)),
        _row("voters recorded / phones; tally = 2nd choices", "", "", f"{room['voters_recorded']} / {room['phones']}",
             "exact", met(room["counts_exact"])),
        _row(f"/present rerun ms during ({pr['runs_during']} runs; before: median {_f(pr['baseline_ms'])})",
             _f(pr["during_ms"]), _f(pr["during_p95_ms"]), _f(pr["during_max_ms"]), f"median ≤ {goal['projector_ratio']}× before",
             f"{_x(pr['ratio'])} {under(pr['ratio'], goal['projector_ratio'])}"),
        _row("server RSS MB (start → peak)", _f(room["rss_start_mb"]), "", _f(room["rss_peak_mb"]),
             f"≤ {goal['rss_peak_mb']}", under(room["rss_peak_mb"], goal["rss_peak_mb"])),
    ]
    samples = room["error_samples"] + pr["errors"][:3]
    return lines + ([] if not samples else ["", "Errors: " + "; ".join(samples)])


def markdown(r: dict[str, Any]) -> str:
    x = f"{r['meta']['args'].get('scale', '100')}×"
    if "rerun" not in r:  # --only phone / --only room
        return "\n".join([*_intro(r), *_phone(r), *_room(r), ""])
    lines = [*_intro(r), *_rerun(r, x), *_payload(r, x), *_load(r), *_paint(r), *_phone(r), *_breakdown(r, x), *_variants(r),
             *_ref(r, x), *_room(r), ""]
    return "\n".join(lines)
