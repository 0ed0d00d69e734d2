"""The websocket measurements: rerun cost per page, map payload, burst and browse load."""

from __future__ import annotations

import asyncio
import gzip
import random
import time
from dataclasses import asdict
from typing import Any

from benchmarks.server import RssSampler, Server
from benchmarks.stats import latency_summary, median, ms
from benchmarks.wsclient import RunResult, Session

APP_PAGES = ("", "map", "initiatives", "challenges", "cso_roles", "data")
# Filter changes a delegate makes on /map (the browse shape cycles through them).
BROWSE_QUERIES = (
    "area=emergency_aid",
    "area=access_to_services",
    "lang=fr",
    "area=intercultural_dialogue&country=MA",
    "country=LB",
    "lang=ar&area=emergency_aid",
    "lang=en",
    "",
)
LOAD_CAP_SECONDS = 300.0   # hard cap of one load shape against one server
RUN_TIMEOUT = 120.0        # one script run


def page_label(page: str) -> str:
    return "/" + page


async def rerun_cost(server: Server, pages: tuple[str, ...], reruns: int, pause: float = 1.0) -> dict[str, Any]:
    """Per page: a new session opens the page (warm-up), then reruns it ``reruns`` times unchanged,
    ``pause`` seconds apart (think time: a run does not queue behind the previous one's clean-up)."""
    out: dict[str, Any] = {}
    for page in pages:
        session = Session(server.ws_url)
        await session.connect()
        try:
            first = await session.run(page, timeout=RUN_TIMEOUT)
            runs = []
            for _ in range(reruns):
                await asyncio.sleep(pause)
                runs.append(await session.run(page, timeout=RUN_TIMEOUT))
        finally:
            await session.close()
        errors = [r.error for r in (first, *runs) if r.error]
        times = [r.seconds for r in runs if r.ok]
        out[page_label(page)] = {
            "first_ms": ms(first.seconds),
            "median_ms": ms(median(times)),
            "min_ms": ms(min(times) if times else None),
            "max_ms": ms(max(times) if times else None),
            "runs_ms": [ms(t) for t in times],
            "frames": runs[-1].frames if runs else first.frames,
            "bytes": runs[-1].bytes if runs else first.bytes,
            "first_bytes": first.bytes,
            "errors": errors,
            "folium": _folium(first, runs),
        }
    return out


def _folium(first: RunResult, runs: list[RunResult]) -> dict[str, Any] | None:
    if not first.folium_msg_bytes:
        return None
    return {
        "msg_bytes": first.folium_msg_bytes,
        "args_bytes": first.folium_args_bytes,
        "resent_on_identical_rerun": bool(runs) and all(r.folium_msg_bytes > 0 and not r.folium_ref for r in runs),
    }


async def map_payload(server: Server, page: str = "map") -> dict[str, Any]:
    """Bytes of one /map run as a browser receives them, first visit and identical rerun."""
    session = Session(server.ws_url)
    await session.connect()
    try:
        first = await session.run(page, timeout=RUN_TIMEOUT)
        again = await session.run(page, timeout=RUN_TIMEOUT)
        filtered = await session.run(page, "area=emergency_aid", timeout=RUN_TIMEOUT)
        raw = session.last_folium_raw
    finally:
        await session.close()
    return {
        "run_bytes": first.bytes,
        "run_frames": first.frames,
        "folium_msg_bytes": first.folium_msg_bytes,
        "folium_html_bytes": first.folium_args_bytes,
        "folium_msg_gzip_bytes": len(gzip.compress(raw, 6)) if raw else 0,
        "rerun_bytes": again.bytes,
        "rerun_folium_msg_bytes": again.folium_msg_bytes,
        "rerun_folium_sent_as_reference": again.folium_ref,
        "filtered_run_bytes": filtered.bytes,
        "errors": [r.error for r in (first, again, filtered) if r.error],
    }


async def _connect_all(server: Server, n: int) -> tuple[list[Session], list[str]]:
    sessions = [Session(server.ws_url) for _ in range(n)]
    results = await asyncio.gather(*(s.connect() for s in sessions), return_exceptions=True)
    errors = [f"connect: {r!r}" for r in results if isinstance(r, BaseException)]
    live = [s for s, r in zip(sessions, results, strict=True) if not isinstance(r, BaseException)]
    return live, errors


async def _close_all(sessions: list[Session]) -> None:
    await asyncio.gather(*(s.close() for s in sessions), return_exceptions=True)


async def warm_up(server: Server, page: str) -> None:
    session = Session(server.ws_url)
    await session.connect()
    try:
        await session.run(page, timeout=RUN_TIMEOUT)
    finally:
        await session.close()


def _load_summary(results: list[RunResult], errors: list[str], sampler: RssSampler, seconds: float) -> dict[str, Any]:
    ok = [r.seconds for r in results if r.ok]
    run_errors = [r.error for r in results if r.error]
    all_errors = errors + run_errors
    return {
        **latency_summary(ok),
        "runs": len(results),
        "errors": len(all_errors),
        "error_samples": sorted(set(all_errors))[:5],
        "rss_start_mb": round(sampler.start / 2**20, 1),
        "rss_peak_mb": round(sampler.peak / 2**20, 1),
        "rss_samples": sampler.samples,
        "wall_seconds": round(seconds, 1),
        "runs_per_second": round(len(ok) / seconds, 2) if seconds else None,
    }


async def _run_capped(tasks: list[asyncio.Task[None]], cap: float, errors: list[str]) -> None:
    """Wait for the sessions' tasks at most ``cap`` s; cancel the rest; note cancellations and failures."""
    done, pending = await asyncio.wait(tasks, timeout=cap)
    for task in pending:
        task.cancel()
    if pending:
        errors.append(f"hard cap {cap:.0f}s reached: {len(pending)} sessions cancelled")
    await asyncio.gather(*pending, return_exceptions=True)
    errors.extend(f"session: {t.exception()!r}" for t in done if t.exception() is not None)


async def burst(server: Server, page: str, sessions: int, reruns: int = 3) -> dict[str, Any]:
    """All sessions open ``page`` at the same moment, then each reruns it ``reruns`` times."""
    await warm_up(server, page)
    with RssSampler(server) as sampler:
        start = time.perf_counter()
        live, errors = await _connect_all(server, sessions)
        results: list[RunResult] = []
        opens: list[RunResult] = []

        async def one(session: Session) -> None:
            first = await session.run(page, timeout=RUN_TIMEOUT)
            opens.append(first)
            results.append(first)
            for _ in range(reruns):
                results.append(await session.run(page, timeout=RUN_TIMEOUT))

        await _run_capped([asyncio.create_task(one(s)) for s in live], LOAD_CAP_SECONDS, errors)
        wall = time.perf_counter() - start
        await _close_all(live)
    summary = _load_summary(results, errors, sampler, wall)
    summary["open"] = latency_summary([r.seconds for r in opens if r.ok])
    summary["sessions"] = sessions
    return summary


async def browse(server: Server, page: str, sessions: int, seconds: float, interval: float,
                 seed: int = 7) -> dict[str, Any]:
    """Each session opens ``page``, then changes a filter every ~``interval`` s for ``seconds``."""
    await warm_up(server, page)
    rng = random.Random(seed)
    with RssSampler(server) as sampler:
        start = time.perf_counter()
        deadline = start + seconds
        live, errors = await _connect_all(server, sessions)
        results: list[RunResult] = []
        max_runs = int(seconds / max(interval * 0.5, 0.1)) + 2  # bound on each session's loop

        async def one(session: Session, offset: int, delay: float) -> None:
            await asyncio.sleep(delay)  # spread the sessions over the first interval
            results.append(await session.run(page, timeout=RUN_TIMEOUT))
            for i in range(max_runs):
                await asyncio.sleep(interval * rng.uniform(0.5, 1.5))
                if time.perf_counter() >= deadline:
                    break
                query = BROWSE_QUERIES[(offset + i) % len(BROWSE_QUERIES)]
                results.append(await session.run(page, query, timeout=RUN_TIMEOUT))

        tasks = [asyncio.create_task(one(s, i, rng.uniform(0, interval))) for i, s in enumerate(live)]
        await _run_capped(tasks, min(LOAD_CAP_SECONDS, seconds + RUN_TIMEOUT + interval * 2), errors)
        wall = time.perf_counter() - start
        await _close_all(live)
    summary = _load_summary(results, errors, sampler, wall)
    summary["sessions"] = sessions
    summary["browse_seconds"] = seconds
    summary["interval_seconds"] = interval
    return summary


def as_dict(result: RunResult) -> dict[str, Any]:
    return asdict(result)
