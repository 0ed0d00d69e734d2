"""python -m benchmarks: every measurement in one run, each against a one-line Streamlit app."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from benchmarks.breakdown import map_breakdown
from benchmarks.dataset import SHIPPED, make_large_dataset
from benchmarks.measure import APP_PAGES, LOAD_CAP_SECONDS, browse, burst, map_payload, rerun_cost
from benchmarks.report import markdown
from benchmarks.room import room_burst, room_errors
from benchmarks.room_answers import answers_markdown, room_answers
from benchmarks.server import BASELINE, ROOT, ServerDied, ServerPool
from benchmarks.snapshot import git_state, resolve_ref, snapshot_app, snapshot_worktree, tree_digest
from benchmarks.stats import ratio

MAX_BROWSE_SECONDS = LOAD_CAP_SECONDS - 60
MAX_SESSIONS = 500
NO_GC = ("--runner.postScriptGC", "false")
BASELINE_PAINT = "one-line app (text visible)"
PHONE_BASELINE = "one-line app (streamlit run)"
POLL = "top-three-priorities"
VOTE_READY = "text:إرسال إجابتي"  # the /vote form's submit button, in Arabic
BALLOT_READY = "css:form#ballot button[type=submit]"
T = TypeVar("T")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--sessions", type=int, help="concurrent sessions for the load shapes (default 60; --quick 5)")
    parser.add_argument("--browse-seconds", type=float, help="length of the browse shape (default 120; --quick 10)")
    parser.add_argument("--browse-interval", type=float, default=3.0, help="mean seconds between filter changes (3)")
    parser.add_argument("--reruns", type=int, help="measured reruns per page after the warm-up (default 7; --quick 3)")
    parser.add_argument("--rerun-pause", type=float, help="seconds between measured reruns (default 1; --quick 0.3)")
    parser.add_argument("--paint-runs", type=int, help="browser runs per target after a warm-up (default 3; --quick 1)")
    parser.add_argument("--scale", type=int, default=100,
                        help="initiatives ×scale, cities ×max(1, scale/10) in the synthetic dataset (100)")
    parser.add_argument("--quick", action="store_true", help="small and short: a check that everything runs")
    parser.add_argument("--no-browser", action="store_true", help="skip the browser phases (first paint, phone)")
    parser.add_argument("--only", choices=["phone", "room", "room-answers"],
                        help="run only this phase (phone: the phone profile; room: the room burst; room-answers: "
                             "the questions burst)")
    parser.add_argument("--room-phones", type=int, help="phones in the room burst (default 150; --quick 20)")
    parser.add_argument("--room-seconds", type=float, help="window the phones arrive in (default 60; --quick 10)")
    parser.add_argument("--no-room", action="store_true", help="skip the room burst")
    parser.add_argument("--no-room-answers", action="store_true",
                        help="skip the questions burst (questions, upvotes, a ranking; same phones and window)")
    parser.add_argument("--room-answers-backend", choices=["sqlite", "postgresql"], default="sqlite",
                        help="the questions burst's vote store (sqlite; postgresql: a throwaway local cluster)")
    parser.add_argument("--no-variants", action="store_true",
                        help="skip the what-if servers (runner.postScriptGC=false; cached map HTML)")
    parser.add_argument("--compare-ref", metavar="REV",
                        help="also measure the app as committed at this git revision (default: HEAD if the working "
                             "tree changes app files)")
    parser.add_argument("--reuse-servers", action="store_true",
                        help="one server per app for all phases (default with --quick); else a fresh server per load shape")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results", help="results folder")
    args = parser.parse_args(argv)
    quick = args.quick
    args.sessions = args.sessions if args.sessions is not None else (5 if quick else 60)
    args.browse_seconds = args.browse_seconds if args.browse_seconds is not None else (10.0 if quick else 120.0)
    args.reruns = args.reruns if args.reruns is not None else (3 if quick else 7)
    args.rerun_pause = args.rerun_pause if args.rerun_pause is not None else (0.3 if quick else 1.0)
    args.reuse_servers = args.reuse_servers or quick
    args.paint_runs = args.paint_runs if args.paint_runs is not None else (1 if quick else 3)
    args.room_phones = args.room_phones if args.room_phones is not None else (20 if quick else 150)
    args.room_seconds = args.room_seconds if args.room_seconds is not None else (10.0 if quick else 60.0)
    if not 1 <= args.room_phones <= MAX_SESSIONS or not 0 < args.room_seconds <= MAX_BROWSE_SECONDS:
        parser.error(f"--room-phones 1..{MAX_SESSIONS}, --room-seconds in (0, {MAX_BROWSE_SECONDS:.0f}]")
    if not 1 <= args.sessions <= MAX_SESSIONS:
        parser.error(f"--sessions must be between 1 and {MAX_SESSIONS}")
    if not 0 < args.browse_seconds <= MAX_BROWSE_SECONDS:
        parser.error(f"--browse-seconds must be in (0, {MAX_BROWSE_SECONDS:.0f}]")
    if not 1 <= args.reruns <= 50 or not 1 <= args.paint_runs <= 20 or not 1 <= args.scale <= 1000:
        parser.error("--reruns 1..50, --paint-runs 1..20, --scale 1..1000")
    if args.browse_interval <= 0.2 or not 0 <= args.rerun_pause <= 10:
        parser.error("--browse-interval must be above 0.2 s, --rerun-pause 0..10 s")
    return args


def _run(cmd: list[str]) -> str:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=10, check=False).stdout.strip()
    except OSError:
        return ""


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def machine() -> dict[str, Any]:
    free = _run(["free", "-g"])
    mem = next((line.split()[1] for line in free.splitlines() if line.startswith("Mem:")), "?")
    import streamlit  # noqa: PLC0415

    cpu = "?"
    with contextlib.suppress(OSError):
        cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                    if line.startswith("model name")), "?")
    return {"nproc": _run(["nproc"]) or "?", "mem_total_gb": mem, "free_g": free,
            "python": platform.python_version(), "streamlit": streamlit.__version__, "cpu": cpu}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def with_retry(what: str, phase: Callable[[], T], retries: list[str]) -> T:
    """Run a phase; if its server died under it (another process may signal it), run it once more."""
    try:
        return phase()
    except ServerDied as exc:
        log(f"  {what}: {exc}; running it again")
        retries.append(f"{what}: {exc}")
        return phase()


def rerun_phase(script: Path, data_dir: Path | None, pages: tuple[str, ...], args: argparse.Namespace,
                servers: ServerPool, payload_page: str | None, flags: tuple[str, ...] = ()) -> dict[str, Any]:
    with servers.use(script, data_dir, flags) as server:
        result: dict[str, Any] = {"rerun": asyncio.run(rerun_cost(server, pages, args.reruns, args.rerun_pause))}
        if payload_page is not None:
            result["payload"] = asyncio.run(map_payload(server, payload_page))
        server.check_alive()
    return result


def load_phase(shape: str, target: str, args: argparse.Namespace, servers: ServerPool, app: Path,
               flags: tuple[str, ...] = ()) -> dict[str, Any]:
    script, page, data = (app, "map", SHIPPED) if target == "app" else (BASELINE, "", None)
    with servers.use(script, data, flags) as server:
        if shape == "burst":
            result = asyncio.run(burst(server, page, args.sessions))
        else:
            result = asyncio.run(browse(server, page, args.sessions, args.browse_seconds, args.browse_interval))
        server.check_alive()
    log(f"  p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, max {result['max_ms']} ms, "
        f"errors {result['errors']}, peak RSS {result['rss_peak_mb']} MB")
    return result


def paint_phase(args: argparse.Namespace, servers: ServerPool, app: Path, large_dir: Path,
                ref_script: Path | None = None, ref_name: str = "") -> dict[str, Any]:
    """First paint: the one-line app and /map (both data sizes, and another revision if asked), taking turns."""
    from benchmarks.browser import first_paint  # noqa: PLC0415

    with ExitStack() as up:
        base = up.enter_context(servers.use(BASELINE, None))
        shipped = up.enter_context(servers.use(app, SHIPPED))
        large = up.enter_context(servers.use(app, large_dir))
        targets = [(BASELINE_PAINT, base.url + "/", "text:hello"),
                   ("app /map, shipped data", shipped.url + "/map", "map"),
                   (f"app /map, {args.scale}× data", large.url + "/map", "map")]
        if ref_script is not None:
            ref = up.enter_context(servers.use(ref_script, SHIPPED))
            targets.append((f"{ref_name} /map, shipped data", ref.url + "/map", "map"))
        result = first_paint(targets, args.paint_runs)
        for server in (base, shipped, large):
            server.check_alive()
    return result


@contextlib.contextmanager
def isolated_votes(folder: Path) -> Iterator[None]:
    """Servers started inside keep votes in a throwaway SQLite file (poll POLL open) and sign voters with a throwaway key."""
    from benchmarks.room import fresh_votes  # noqa: PLC0415

    with fresh_votes(folder):
        yield


def phone_phase(args: argparse.Namespace, servers: ServerPool, app: Path) -> dict[str, Any]:
    """Slow 4G, phone viewport: the one-line app, the app without and with its front door (br and gzip)."""
    from benchmarks.phone import phone_profile  # noqa: PLC0415

    # The front door sends the stored brotli/gzip copies and the cut icon font; make sure they exist (quick once built).
    built = subprocess.run([sys.executable, "-m", "web.precompress"], cwd=app.parent, capture_output=True, text=True,
                           timeout=900, check=False)
    cut = subprocess.run([sys.executable, "-m", "web.fonts"], cwd=app.parent, capture_output=True, text=True,
                         timeout=600, check=False)
    with ExitStack() as up:
        base = up.enter_context(servers.use(BASELINE, None))
        plain = up.enter_context(servers.use(app, SHIPPED))
        door = up.enter_context(servers.use(app.with_name("serve.py"), SHIPPED))
        query = f"poll={POLL}&lang=ar"
        targets = [(PHONE_BASELINE, base.url + "/", "text:hello", "br"),
                   ("before: /map, streamlit run app.py", plain.url + "/map?lang=ar", "map", "br"),
                   ("before: /vote, streamlit run app.py", plain.url + f"/vote?{query}", VOTE_READY, "br")]
        for encoding in ("br", "gzip"):
            targets += [(f"/map, front door, {encoding}", door.url + "/map?lang=ar", "map", encoding),
                        (f"/ballot, front door, {encoding}", door.url + f"/ballot?{query}", BALLOT_READY, encoding),
                        (f"/vote, front door, {encoding}", door.url + f"/vote?{query}", VOTE_READY, encoding)]
        result = phone_profile(targets, args.paint_runs)
        for server in (base, plain, door):
            server.check_alive()
    result["precompress"] = {"returncode": built.returncode, "output": (built.stdout + built.stderr)[-500:]}
    result["icon_font"] = {"returncode": cut.returncode, "output": (cut.stdout + cut.stderr)[-500:]}
    base_row = result.get("targets", {}).get(PHONE_BASELINE, {})
    for row in result.get("targets", {}).values():
        for key in ("first_bytes", "first_ready_ms", "second_bytes", "second_ready_ms"):
            row[f"{key}_vs_baseline"] = ratio(row[key], base_row.get(key))
    return result


def compare_ref(tmp: Path, large_dir: Path, args: argparse.Namespace, servers: ServerPool, retries: list[str],
                ref: dict[str, str]) -> dict[str, Any]:
    """The app as committed at another revision: /map and /initiatives reruns, /map payload, burst, first paint."""
    try:
        script = snapshot_app(ref["commit"], tmp / "ref-app")
    except (OSError, subprocess.SubprocessError) as exc:
        return {"skipped": f"git archive {ref['commit']} failed: {exc}", "errors": 0}
    name = f"app at {ref['short']}"
    log(f"{name} ({ref['subject'][:60]}): /map and /initiatives reruns, payload, first paint; burst")
    shipped = with_retry(f"{name} shipped", lambda: rerun_phase(
        script, SHIPPED, ("map", "initiatives"), args, servers, "map"), retries)
    large = with_retry(f"{name} large", lambda: rerun_phase(
        script, large_dir, ("map", "initiatives"), args, servers, "map"), retries)
    burst_ref = with_retry(f"{name} burst", lambda: load_phase("burst", "app", args, servers, script), retries)
    errors = (sum(len(row["errors"]) for run in (shipped, large) for row in run["rerun"].values())
              + len(shipped["payload"]["errors"]) + len(large["payload"]["errors"]) + burst_ref["errors"])
    return {**ref, "script": str(script), "rerun": shipped["rerun"], "rerun_large": large["rerun"],
            "payload": shipped["payload"], "payload_large": large["payload"], "burst": burst_ref,
            "paint": {}, "errors": errors}


def _load_ratio(app: dict[str, Any], base: dict[str, Any]) -> dict[str, Any]:
    return {"p50": ratio(app["p50_ms"], base["p50_ms"]), "p95": ratio(app["p95_ms"], base["p95_ms"]),
            "max": ratio(app["max_ms"], base["max_ms"]), "rss_peak": ratio(app["rss_peak_mb"], base["rss_peak_mb"])}


def room_phase(args: argparse.Namespace, tmp: Path, log_dir: Path, app: Path, retries: list[str]) -> dict[str, Any]:
    """Room burst: phones vote over plain HTTP on /ballot while /present reruns (benchmarks/room.py)."""
    log(f"room burst: {args.room_phones} phones over {args.room_seconds:g} s on /ballot, /present rerunning")
    room = with_retry("room", lambda: room_burst(app, tmp, log_dir, args.room_phones, args.room_seconds), retries)
    log(f"  load p95 {room['load']['p95_ms']} ms, vote p95 {room['vote']['p95_ms']} ms, errors {room['errors']}, "
        f"counts exact {room['counts_exact']}, projector ×{room['projector']['ratio']}, peak RSS {room['rss_peak_mb']} MB")
    return room


def room_answers_phase(args: argparse.Namespace, log_dir: Path, app: Path, retries: list[str]) -> dict[str, Any]:
    """Questions burst: phones post, upvote and rank on /ballot while the questions scene reruns (room_answers.py)."""
    log(f"questions burst ({args.room_answers_backend}): {args.room_phones} phones over {args.room_seconds:g} s "
        "post, upvote three and rank on /ballot, /present rerunning")
    result = with_retry("room answers", lambda: room_answers(
        args.room_phones, args.room_seconds, args.room_answers_backend, script=app.with_name("serve.py"),
        log_dir=log_dir), retries)
    log(f"  post p95 {result['post']['p95_ms']} ms, upvote p95 {result['upvote']['p95_ms']} ms, rank p95 "
        f"{result['rank']['p95_ms']} ms, errors {result['errors']}, counts exact {result['counts_exact']}, "
        f"projector ×{result['projector']['ratio']}, peak RSS {result['rss_peak_mb']} MB")
    return result


def count_errors(r: dict[str, Any]) -> int:
    room = room_errors(r.get("room") or {}) + room_errors(r.get("room_answers") or {})
    if "rerun" not in r:  # --only phone / --only room / --only room-answers
        return room + sum(len(row["errors"]) for row in (r.get("phone") or {}).get("targets", {}).values())
    total = len(r["rerun"]["baseline"]["errors"])
    for row in r["rerun"]["pages"].values():
        total += len(row["shipped_errors"]) + len(row["large_errors"])
    total += sum(len(p.get("errors", [])) for p in (r["payload"]["shipped"], r["payload"]["large"]))
    total += sum(r["load"][shape][t]["errors"] for shape in r["load"] for t in ("app", "baseline"))
    for browser_phase in (r.get("first_paint") or {}, r.get("phone") or {}):
        total += sum(len(row["errors"]) for row in browser_phase.get("targets", {}).values())
    for block in (r.get("variants") or {}).values():
        total += int(block.get("errors", 0))
    return int(total + room)


def main(argv: list[str] | None = None) -> int:  # noqa: PLR0915 - one linear script of phases
    args = parse_args(argv)
    started = time.monotonic()
    load_before = loadavg()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    log_dir = out / "logs"
    retries: list[str] = []
    git = git_state()
    ref = resolve_ref(args.compare_ref) if args.compare_ref else (
        resolve_ref("HEAD") if git["app_files_changed_from_head"] else None)
    command = "python -m benchmarks " + " ".join(sys.argv[1:] if argv is None else argv)
    with tempfile.TemporaryDirectory(prefix="mc2cm-bench-") as tmp, ExitStack() as stack:
        stack.enter_context(isolated_votes(Path(tmp)))  # entered first, so left after every server stopped
        servers = ServerPool(stack, log_dir, reuse=args.reuse_servers)
        app = snapshot_worktree(Path(tmp) / "app")  # served for the whole run, whatever happens to the working tree
        git["app_digest"] = tree_digest(app.parent)
        if args.only == "room":
            room = room_phase(args, Path(tmp), log_dir, app, retries)
            return _finish({"meta": _meta(command, args, git, load_before, retries), "room": room}, out, started)
        if args.only == "room-answers":
            answers = room_answers_phase(args, log_dir, app, retries)
            meta = _meta(command, args, git, load_before, retries)
            return _finish({"meta": meta, "room_answers": answers}, out, started)
        if args.only == "phone":
            log(f"phone profile in Chromium, Slow 4G ({args.paint_runs} rounds after a warm-up, taking turns)")
            profile = with_retry("phone", lambda: phone_phase(args, servers, app), retries)
            meta = _meta(command, args, git, load_before, retries)
            return _finish({"meta": meta, "phone": profile}, out, started)
        log(f"generating the {args.scale}× dataset")
        large_dir = Path(tmp) / "data-large"
        dataset = make_large_dataset(large_dir, city_factor=max(1, args.scale // 10), initiative_factor=args.scale)
        log(f"  {dataset['cities']} cities, {dataset['initiatives']} initiatives, valid")

        log("map breakdown in-process")
        repeats = 2 if args.quick else 5
        breakdown = {"shipped": map_breakdown(SHIPPED, repeats), "large": map_breakdown(large_dir, repeats)}

        log("rerun cost, payload: one-line app")
        base = with_retry("baseline", lambda: rerun_phase(BASELINE, None, ("",), args, servers, ""), retries)
        log("rerun cost, payload: app on the shipped data")
        shipped = with_retry("app shipped", lambda: rerun_phase(
            app, SHIPPED, APP_PAGES, args, servers, "map"), retries)
        log(f"rerun cost, payload: app on the {args.scale}× data")
        large = with_retry("app large", lambda: rerun_phase(app, large_dir, APP_PAGES, args, servers, "map"),
                           retries)

        load: dict[str, Any] = {}
        for shape in ("burst", "browse"):
            load[shape] = {}
            for target in ("baseline", "app"):
                log(f"load {shape}: {'app /map' if target == 'app' else 'one-line app'}, {args.sessions} sessions")
                load[shape][target] = with_retry(f"load {shape} {target}",
                                                 partial(load_phase, shape, target, args, servers, app), retries)
            load[shape]["ratio"] = _load_ratio(load[shape]["app"], load[shape]["baseline"])

        variants: dict[str, Any] = {}
        if not args.no_variants:
            log("what-if: runner.postScriptGC=false (rerun cost of the one-line app and /map, burst on /map)")
            v_base = with_retry("no-gc baseline", lambda: rerun_phase(
                BASELINE, None, ("",), args, servers, None, NO_GC), retries)
            v_app = with_retry("no-gc app", lambda: rerun_phase(
                app, SHIPPED, ("map",), args, servers, None, NO_GC), retries)
            log(f"load burst: app /map with runner.postScriptGC=false, {args.sessions} sessions")
            v_burst = with_retry("no-gc burst", lambda: load_phase("burst", "app", args, servers, app, NO_GC), retries)
            variants["no_post_script_gc"] = {
                "flags": " ".join(NO_GC),
                "baseline_rerun_ms": v_base["rerun"]["/"]["median_ms"],
                "map_rerun_ms": v_app["rerun"]["/map"]["median_ms"],
                "burst": v_burst,
                "errors": len(v_base["rerun"]["/"]["errors"]) + len(v_app["rerun"]["/map"]["errors"])
                + v_burst["errors"],
            }
        if ref is not None and (args.compare_ref or not args.no_variants):
            variants["ref"] = compare_ref(Path(tmp), large_dir, args, servers, retries, ref)
        room = {} if args.no_room else room_phase(args, Path(tmp), log_dir, app, retries)
        answers = {} if args.no_room_answers else room_answers_phase(args, log_dir, app, retries)
        paint: dict[str, Any] = {}
        phone: dict[str, Any] = {}
        if not args.no_browser:
            ref_block = variants.get("ref") or {}
            ref_script = Path(ref_block["script"]) if ref_block.get("script") else None
            also = f" and the app at {ref_block['short']}" if ref_script else ""
            log(f"first paint in Chromium: one-line app, /map at both sizes{also} "
                f"({args.paint_runs} rounds after a warm-up, taking turns)")
            paint = with_retry("first paint", lambda: paint_phase(
                args, servers, app, large_dir, ref_script, f"app at {ref_block.get('short', '')}"), retries)
            log(f"phone profile in Chromium, Slow 4G ({args.paint_runs} rounds after a warm-up, taking turns)")
            phone = with_retry("phone", lambda: phone_phase(args, servers, app), retries)

    base_ms = base["rerun"]["/"]["median_ms"]
    pages: dict[str, Any] = {}
    for page, row in shipped["rerun"].items():
        big = large["rerun"][page]
        pages[page] = {
            "shipped_ms": row["median_ms"], "large_ms": big["median_ms"],
            "shipped_vs_baseline": ratio(row["median_ms"], base_ms), "large_vs_baseline": ratio(big["median_ms"], base_ms),
            "large_vs_shipped": ratio(big["median_ms"], row["median_ms"]),
            "shipped_bytes": row["bytes"], "large_bytes": big["bytes"],
            "shipped_first_ms": row["first_ms"], "large_first_ms": big["first_ms"],
            "shipped_runs_ms": row["runs_ms"], "large_runs_ms": big["runs_ms"],
            "shipped_errors": row["errors"], "large_errors": big["errors"],
        }
    payload = {
        "method": "sum of the websocket binary frames (serialized ForwardMsg protobufs; websocket compression is off "
                  "by default) received between sending rerun_script and receiving script_finished; the map element "
                  "is the st.iframe delta whose srcdoc loads Leaflet",
        "baseline_run_bytes": base["payload"]["run_bytes"],
        "shipped": shipped["payload"], "large": large["payload"],
        "run_ratio": ratio(large["payload"]["run_bytes"], shipped["payload"]["run_bytes"]),
        "folium_ratio": ratio(large["payload"]["folium_msg_bytes"], shipped["payload"]["folium_msg_bytes"]),
        "region_geojson_bytes": breakdown["shipped"]["region_geojson_bytes"],
    }
    first: dict[str, Any] = {}
    if paint:
        if "skipped" in paint:
            first = {"skipped": paint["skipped"]}
        else:
            base_paint = paint[BASELINE_PAINT]["median_ms"]
            for row in paint.values():
                row["vs_baseline"] = ratio(row["median_ms"], base_paint)
            ref_name = next((name for name in paint if name.startswith("app at ")), None)
            first = {"targets": {name: row for name, row in paint.items() if name != ref_name}}
            if ref_name and variants.get("ref"):
                variants["ref"]["paint"] = {ref_name: paint[ref_name]}
    if "no_post_script_gc" in variants:
        v = variants["no_post_script_gc"]
        v["map_rerun_vs_default"] = ratio(v["map_rerun_ms"], pages["/map"]["shipped_ms"])
        v["baseline_rerun_vs_default"] = ratio(v["baseline_rerun_ms"], base_ms)
        v["burst_p95_vs_default"] = ratio(v["burst"]["p95_ms"], load["burst"]["app"]["p95_ms"])
    result: dict[str, Any] = {
        "meta": _meta(command, args, git, load_before, retries),
        "dataset": dataset,
        "rerun": {"baseline_ms": base_ms, "baseline": base["rerun"]["/"], "pages": pages, "reruns": args.reruns,
                  "pause_seconds": args.rerun_pause},
        "payload": payload,
        "load": load,
        "first_paint": first,
        "phone": phone,
        "room": room,
        "room_answers": answers,
        "map_breakdown": breakdown,
        "variants": variants,
    }
    return _finish(result, out, started)


def _meta(command: str, args: argparse.Namespace, git: dict[str, Any], load_before: str,
          retries: list[str]) -> dict[str, Any]:
    return {**machine(), "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            "command": command, "args": {k: str(v) for k, v in vars(args).items()},
            "git": git, "loadavg_before": load_before, "loadavg_after": loadavg(), "server_restarts": retries}


def _finish(result: dict[str, Any], out: Path, started: float) -> int:
    """Record the end state, write latest.json/.md and a timestamped copy, print the report; the exit code."""
    git = result["meta"]["git"]
    digest_now = tree_digest(ROOT)
    result["meta"]["git"]["app_digest_at_end"] = digest_now
    result["meta"]["git"]["head_at_end"] = git_state()["head"]
    result["meta"]["git"]["changed_during_run"] = digest_now != git["app_digest"]
    result["errors_total"] = count_errors(result)
    result["meta"]["wall_seconds"] = round(time.monotonic() - started, 1)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    text = json.dumps(result, indent=2, ensure_ascii=False)
    report = markdown(result) + answers_markdown(result.get("room_answers") or {})
    for name in (f"results-{stamp}", "latest"):
        (out / f"{name}.json").write_text(text, encoding="utf-8")
        (out / f"{name}.md").write_text(report, encoding="utf-8")
    print(report)
    log(f"wrote {out / 'latest.json'} and {out / 'latest.md'} ({result['meta']['wall_seconds']:.0f} s, "
        f"{result['errors_total']} errors)")
    return 0 if result["errors_total"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
