"""Room burst: a room of phones votes on the light ballot while the projector shows the results.

N simulated phones over plain HTTP (standard library, one thread per phone at a
time) arrive evenly spread over a window. Each has its own cookie and its own
client address (``X-Forwarded-For: 10.0.x.y``, which the app trusts from a
loopback peer, so the per-address new-voter limit sees a room, not one
client): it loads ``/ballot``, votes, and changes its vote once. Meanwhile one
websocket session reruns ``/present`` on the poll's scene every few seconds, as
a stand-in for the projector's live results. At the end the vote store must
hold exactly one ballot per phone, with each phone's second choices.
"""

from __future__ import annotations

import asyncio
import html
import http.client
import os
import random
import re
import secrets
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from benchmarks.dataset import SHIPPED
from benchmarks.server import HOST, RssSampler, Server, streamlit_server
from benchmarks.stats import latency_summary, median, ms, percentile, ratio
from benchmarks.wsclient import Session

POLL = "top-three-priorities"
COOKIE = "mc2cm_voter"  # web.ballot.COOKIE
BALLOT = f"/ballot?{urlencode({'poll': POLL, 'lang': 'en'})}"
PROJECTOR = ("present", "scene=recommendations&lang=en")
REQUEST_TIMEOUT = 30.0  # seconds, per socket operation
THINK_SECONDS = (0.5, 2.0)  # a person reads, then taps
BASELINE_RUNS = 3  # projector reruns before the burst
MAX_THREADS = 64
TARGETS = {"load_p95_ms": 1000, "vote_p95_ms": 1000, "rss_peak_mb": 400, "projector_ratio": 1.5}

_TOKEN = re.compile(r'name="token" value="([^"]*)"')
_CHOICE = re.compile(r'name="choice" value="([^"]*)"')
_LIMIT = re.compile(r'data-limit="(\d+)"')


class PhoneError(RuntimeError):
    """A step of one phone went wrong (status, missing form, refused vote)."""


@dataclass
class Phone:
    """One phone's visit as it saw it."""

    index: int
    port: int
    load: float | None = None
    vote: float | None = None
    change: float | None = None
    recorded: tuple[str, ...] = ()  # the ballot the server confirmed last (303)
    error: str = ""
    late: float = 0.0  # seconds it started after its arrival time
    cookie: str = field(default="", repr=False)

    @property
    def address(self) -> str:
        return f"10.0.{self.index // 250}.{self.index % 250 + 1}"

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str, str, float]:
        """Status, Location, body text and seconds (connect → whole body read) of one request."""
        headers = {"X-Forwarded-For": self.address, "Accept-Language": "en", "User-Agent": "mc2cm-room-burst"}
        if self.cookie:
            headers["Cookie"] = f"{COOKIE}={self.cookie}"
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection(HOST, self.port, timeout=REQUEST_TIMEOUT)
        started = time.perf_counter()
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            conn.close()
        seconds = time.perf_counter() - started
        for header in response.headers.get_all("Set-Cookie") or []:
            jar: SimpleCookie = SimpleCookie(header)
            if COOKIE in jar:
                self.cookie = jar[COOKIE].value
        return response.status, response.headers.get("Location", ""), text, seconds

    def submit(self, token: str, choices: tuple[str, ...]) -> float:
        """POST the form, follow the 303 back to the page; the seconds for both."""
        body = urlencode([("token", token), *(("choice", c) for c in choices)])
        status, location, _, post = self.request("POST", BALLOT, body)
        if status != 303 or "saved=1" not in location:
            raise PhoneError(f"vote answered {status} (location {location!r})")
        status, _, text, get = self.request("GET", "/ballot" + location)
        if status != 200 or 'class="yours"' not in text:
            raise PhoneError(f"page after the vote answered {status} without the recorded ballot")
        self.recorded = choices
        return post + get


def _pick(rng: random.Random, options: list[str], limit: int, unlike: tuple[str, ...] = ()) -> tuple[str, ...]:
    for _ in range(20):
        chosen = tuple(rng.sample(options, rng.randint(1, min(limit, len(options)))))
        if set(chosen) != set(unlike):
            return chosen
    return chosen


def visit(phone: Phone) -> Phone:
    """Load the ballot, vote, think, change the vote. Runs in a worker thread."""
    rng = random.Random(phone.index)  # a benchmark's choices, not a secret
    step = "load"
    try:
        status, _, text, phone.load = phone.request("GET", BALLOT)
        token, options, limit = _TOKEN.search(text), _CHOICE.findall(text), _LIMIT.search(text)
        if status != 200 or not phone.cookie or token is None or not options:
            raise PhoneError(f"ballot answered {status}, cookie {bool(phone.cookie)}, form found {token is not None}")
        values = [html.unescape(v) for v in options]
        most = int(limit.group(1)) if limit else 1
        time.sleep(rng.uniform(*THINK_SECONDS))
        step = "vote"
        first = _pick(rng, values, most)
        phone.vote = phone.submit(html.unescape(token.group(1)), first)
        time.sleep(rng.uniform(*THINK_SECONDS))
        step = "change"
        phone.change = phone.submit(html.unescape(token.group(1)), _pick(rng, values, most, first))
    except (OSError, http.client.HTTPException, PhoneError) as exc:
        phone.error = f"phone {phone.index} {step}: {type(exc).__name__}: {exc}"[:300]
    return phone


async def _phones(port: int, count: int, seconds: float) -> list[Phone]:
    """``count`` phones arriving evenly over ``seconds``; each visit bounded by the socket timeouts."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    pool = ThreadPoolExecutor(max_workers=min(count, MAX_THREADS), thread_name_prefix="phone")

    async def arrive(phone: Phone) -> Phone:
        due = start + phone.index * seconds / count
        await asyncio.sleep(max(0.0, due - loop.time()))
        phone.late = loop.time() - due
        return await loop.run_in_executor(pool, visit, phone)

    phones = [Phone(index=i, port=port) for i in range(count)]
    tasks = [asyncio.create_task(arrive(p)) for p in phones]
    cap = seconds + 6 * REQUEST_TIMEOUT + 2 * THINK_SECONDS[1]
    _, pending = await asyncio.wait(tasks, timeout=cap)
    for task in pending:
        task.cancel()
    pool.shutdown(wait=False, cancel_futures=True)
    for phone, task in zip(phones, tasks, strict=True):
        if task in pending:
            phone.error = phone.error or f"phone {phone.index}: not done after {cap:.0f} s"
    return phones


async def _rerun(session: Session, runs: list[float], errors: list[str],
                 projector: tuple[str, str] = PROJECTOR) -> None:
    result = await session.run(*projector, timeout=REQUEST_TIMEOUT)
    if result.ok:
        runs.append(result.seconds)
    else:
        errors.append(f"projector: {result.error}"[:300])


async def _room(server: Server, count: int, seconds: float, every: float, *,
                projector: tuple[str, str] = PROJECTOR,
                arrivals: Callable[[int, int, float], Awaitable[list[Any]]] | None = None) -> dict[str, Any]:
    """The projector's reruns before and during a burst of ``count`` phones (``arrivals``: this room's
    phones by default; ``benchmarks/room_answers.py`` brings its own) over ``seconds``."""
    session = Session(server.ws_url)
    await session.connect()
    baseline: list[float] = []
    during: list[float] = []
    errors: list[str] = []
    try:
        await _rerun(session, [], errors, projector)  # warm-up
        for _ in range(BASELINE_RUNS):
            await asyncio.sleep(every)
            await _rerun(session, baseline, errors, projector)
        started = time.monotonic()
        with RssSampler(server) as rss:
            burst = asyncio.create_task((arrivals or _phones)(server.port, count, seconds))
            while not burst.done():
                await asyncio.wait({burst}, timeout=every)
                if not burst.done():
                    await _rerun(session, during, errors, projector)
            phones = burst.result()
        wall = time.monotonic() - started
    finally:
        await session.close()
    return {"phones": phones, "baseline": baseline, "during": during, "projector_errors": errors, "wall": wall,
            "rss_start": rss.start, "rss_peak": rss.peak, "rss_samples": rss.samples}


@contextmanager
def fresh_votes(folder: Path) -> Iterator[Path]:
    """A server started inside keeps votes in a new SQLite file with the poll open, and a throwaway signing key."""
    from mc2cm.voters import SECRET_ENV  # noqa: PLC0415
    from mc2cm.votes import OPEN, VOTES_ENV, SQLiteVoteStore  # noqa: PLC0415

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"room-{secrets.token_hex(4)}.sqlite3"
    SQLiteVoteStore(path).set_status(POLL, OPEN)
    saved = {name: os.environ.get(name) for name in (VOTES_ENV, SECRET_ENV)}
    os.environ[VOTES_ENV] = str(path)
    os.environ[SECRET_ENV] = saved[SECRET_ENV] or secrets.token_hex(32)
    try:
        yield path
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def room_burst(app: Path, tmp: Path, log_dir: Path, phones: int, seconds: float) -> dict[str, Any]:
    """Serve ``serve.py`` (the copy next to ``app``) on a fresh vote file, run the room, check the counts."""
    from mc2cm.votes import SQLiteVoteStore  # noqa: PLC0415

    every = min(3.0, max(0.5, seconds / 10))
    with fresh_votes(tmp) as path, streamlit_server(app.with_name("serve.py"), SHIPPED, log_dir) as server:
        raw = asyncio.run(_room(server, phones, seconds, every))
        server.check_alive()
    store = SQLiteVoteStore(path)
    done: list[Phone] = raw["phones"]
    expected = Counter(c for p in done for c in p.recorded)
    recorded = {k: v for k, v in store.tally(POLL).items() if v}
    voters = store.voters(POLL)
    failed = [p.error for p in done if p.error]
    base_ms, during_ms = ms(median(raw["baseline"])), ms(median(raw["during"]))
    return {
        "phones": phones, "seconds": seconds, "think_seconds": list(THINK_SECONDS),
        "projector_every_seconds": every, "request_timeout_seconds": REQUEST_TIMEOUT,
        "wall_seconds": round(raw["wall"], 1),
        "late_start_max_s": round(max((p.late for p in done), default=0.0), 2),
        "load": latency_summary([p.load for p in done if p.load is not None]),
        "vote": latency_summary([p.vote for p in done if p.vote is not None]),
        "change": latency_summary([p.change for p in done if p.change is not None]),
        "errors": len(failed), "error_samples": failed[:5],
        "voters_expected": phones, "voters_recorded": voters,
        "tally_expected": dict(sorted(expected.items())), "tally_recorded": dict(sorted(recorded.items())),
        "counts_exact": voters == phones and recorded == dict(expected) and all(p.change for p in done),
        "projector": {"page": "/{}?{}".format(*PROJECTOR), "baseline_ms": base_ms, "during_ms": during_ms,
                      "during_p95_ms": ms(percentile(raw["during"], 95)), "during_max_ms": ms(max(raw["during"], default=None)),
                      "runs_baseline": len(raw["baseline"]), "runs_during": len(raw["during"]),
                      "ratio": ratio(during_ms, base_ms), "errors": raw["projector_errors"]},
        "rss_start_mb": round(raw["rss_start"] / 1e6, 1), "rss_peak_mb": round(raw["rss_peak"] / 1e6, 1),
        "rss_samples": raw["rss_samples"], "targets": TARGETS,
    }


def room_errors(room: dict[str, Any]) -> int:
    """Errors for the run's total: failed phones, failed projector runs, and wrong counts (as one)."""
    if not room or "skipped" in room:
        return 0
    return int(room["errors"]) + len(room["projector"]["errors"]) + (0 if room["counts_exact"] else 1)
