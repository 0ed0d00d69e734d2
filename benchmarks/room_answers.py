"""Room burst for questions, upvotes and rankings (issue 16): phones over HTTP on the light ballot.

``python -m benchmarks.room_answers [--phones 150] [--seconds 60] [--backend sqlite|postgresql] [--pin-db]``
(also a phase of ``python -m benchmarks``: ``--only room-answers``, ``--no-room-answers``).

N simulated phones (plain HTTP, standard library; own cookie and client address each, as in
``benchmarks/room.py``) arrive evenly over the window. Each loads the questions poll, sends a
question (the poll is switched to post-moderation, so it is shown at once), loads the page again,
upvotes three questions it did not send (chosen at random among those shown), loads the ranking
and ranks the five priorities in a random order. Five seeded questions make sure the first phones
have three to upvote. Meanwhile a websocket session reruns the projector's poll scene every few
seconds. At the end the store must hold exactly one post and one ranking per phone, and each
post's upvotes must equal what the phones sent (PostgreSQL: a throwaway cluster from the harness).
"""

from __future__ import annotations

import argparse
import asyncio
import html
import http.client
import json
import os
import random
import re
import secrets
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from benchmarks import room
from benchmarks.dataset import SHIPPED
from benchmarks.room import MAX_THREADS, THINK_SECONDS, Phone, PhoneError
from benchmarks.server import ROOT, Server, streamlit_server
from benchmarks.stats import latency_summary, median, ms, percentile, ratio

QUESTIONS, RANKING = "questions-to-the-panel", "rank-the-priorities"
SEEDS = 5
_TOKEN = re.compile(r'name="token" value="([^"]*)"')
_POST = re.compile(r'<li class="post" id="p-([0-9a-f]+)">')
_RANK = re.compile(r'name="rank-([^"]+)"')


def _page(poll: str) -> str:
    return f"/ballot?{urlencode({'poll': poll, 'lang': 'en'})}"


@dataclass
class Visit:
    """What one phone did, as the server confirmed it."""

    phone: Phone
    post: float | None = None  # POST the question + GET the page after it
    upvotes: list[float] = field(default_factory=list)  # each POST + redirect GET
    rank: float | None = None  # GET the ranking + POST + redirect GET
    upvoted: list[str] = field(default_factory=list)
    ranking: tuple[str, ...] = ()
    error: str = ""


def _post_and_follow(phone: Phone, poll: str, fields: list[tuple[str, str]], saved: str) -> tuple[float, str]:
    status, location, _, post = phone.request("POST", _page(poll), urlencode(fields))
    if status != 303 or f"saved={saved}" not in location:
        raise PhoneError(f"{poll} answered {status} (location {location!r})")
    status, _, text, get = phone.request("GET", "/ballot" + location.split("#")[0])
    if status != 200:
        raise PhoneError(f"page after the answer answered {status}")
    return post + get, text


def visit(record: Visit) -> Visit:
    phone, rng = record.phone, random.Random(record.phone.index)  # a benchmark's choices, not a secret
    step = "load"
    try:
        status, _, text, _ = phone.request("GET", _page(QUESTIONS))
        token = _TOKEN.search(text)
        if status != 200 or token is None or not phone.cookie:
            raise PhoneError(f"questions answered {status}, form found {token is not None}")
        shown_before = set(_POST.findall(text))
        time.sleep(rng.uniform(*THINK_SECONDS))
        step = "post"
        record.post, text = _post_and_follow(phone, QUESTIONS, [("token", html.unescape(token[1])), ("action", "post"),
                                                                ("text", f"Question {phone.index}: who funds it?")],
                                             "post")
        mine = set(_POST.findall(text)) - shown_before
        others = [p for p in _POST.findall(text) if p not in mine]
        step = "upvote"
        for target in rng.sample(others, 3):
            seconds, _ = _post_and_follow(phone, QUESTIONS, [("token", html.unescape(token[1])), ("action", "upvote"),
                                                             ("post", target)], "vote")
            record.upvotes.append(seconds)
            record.upvoted.append(target)
        time.sleep(rng.uniform(*THINK_SECONDS))
        step = "rank"
        status, _, text, get = phone.request("GET", _page(RANKING))
        token, options = _TOKEN.search(text), [html.unescape(o) for o in _RANK.findall(text)]
        if status != 200 or token is None or len(options) != 5:
            raise PhoneError(f"ranking answered {status}")
        order = tuple(rng.sample(options, len(options)))
        seconds, _ = _post_and_follow(phone, RANKING, [("token", html.unescape(token[1])),
                                                       *((f"rank-{o}", str(i)) for i, o in enumerate(order, 1))], "1")
        record.rank, record.ranking = get + seconds, order
    except (OSError, http.client.HTTPException, PhoneError, ValueError) as exc:
        record.error = f"phone {phone.index} {step}: {type(exc).__name__}: {exc}"[:300]
    return record


async def _phones(port: int, count: int, seconds: float) -> list[Visit]:
    loop = asyncio.get_running_loop()
    start = loop.time()
    pool = ThreadPoolExecutor(max_workers=min(count, MAX_THREADS), thread_name_prefix="phone")

    async def arrive(record: Visit) -> Visit:
        await asyncio.sleep(max(0.0, start + record.phone.index * seconds / count - loop.time()))
        return await loop.run_in_executor(pool, visit, record)

    records = [Visit(Phone(index=i, port=port)) for i in range(count)]
    done = await asyncio.gather(*(arrive(r) for r in records))
    pool.shutdown(wait=False)
    return list(done)


QUESTIONS_SCENE = ("present", "scene=questions-to-the-panel&lang=en")  # the projector's live top questions


async def _room(server: Server, count: int, seconds: float, every: float) -> dict[str, Any]:
    """The room burst's projector measurement (``benchmarks/room.py``) with these phones and the questions scene."""
    raw = await room._room(server, count, seconds, every, projector=QUESTIONS_SCENE, arrivals=_phones)
    raw["records"] = raw.pop("phones")
    return raw


def _parent(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


@contextmanager
def _pinned(url: str) -> Iterator[dict[str, Any]]:
    """PostgreSQL on the first core, this process (and the app server it starts) on the others: a stand-in for
    a database on its own machine. New backends fork from the postmaster and inherit its core."""
    import psycopg  # noqa: PLC0415

    cores = sorted(os.sched_getaffinity(0))
    if len(cores) < 2:  # one core for each side
        raise RuntimeError("--pin-db needs two cores")
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT pg_backend_pid()").fetchone()
    if row is None:
        raise RuntimeError("PostgreSQL did not say its backend's pid")
    postmaster = _parent(int(row[0]))
    cluster = [postmaster] + [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit()
                              and _safe_parent(int(p.name)) == postmaster]
    for pid in cluster:
        with suppress(ProcessLookupError):  # a backend that just ended
            os.sched_setaffinity(pid, {cores[0]})
    os.sched_setaffinity(0, set(cores[1:]))
    try:
        yield {"database_cores": [cores[0]], "app_and_phones_cores": cores[1:]}
    finally:
        os.sched_setaffinity(0, set(cores))


def _safe_parent(pid: int) -> int:
    try:
        return _parent(pid)
    except (OSError, IndexError, ValueError):
        return -1


@contextmanager
def _votes(backend: str, folder: Path) -> Iterator[str]:
    if backend == "postgresql":
        from harness.postgres import temporary_postgres  # noqa: PLC0415

        with temporary_postgres() as url:
            yield url
    else:
        yield str(folder / f"answers-{secrets.token_hex(4)}.sqlite3")


def room_answers(phones: int, seconds: float, backend: str, *, script: Path | None = None,
                 log_dir: Path | None = None, pin_db: bool = False) -> dict[str, Any]:
    """Run the burst against ``script`` (default: this repository's ``serve.py``); server logs to ``log_dir``."""
    from mc2cm.voters import SECRET_ENV  # noqa: PLC0415
    from mc2cm.votes import OPEN, POST, VOTES_ENV, open_vote_store  # noqa: PLC0415

    every = min(3.0, max(0.5, seconds / 10))
    if pin_db and backend != "postgresql":
        raise ValueError("--pin-db pins the PostgreSQL server: use it with --backend postgresql")
    with (tempfile.TemporaryDirectory(prefix="mc2cm-room-answers-") as tmp, _votes(backend, Path(tmp)) as target,
          ExitStack() as stack):
        pinned = stack.enter_context(_pinned(target)) if pin_db else {}
        store = open_vote_store(target, "benchmark")
        for poll in (QUESTIONS, RANKING):
            store.set_status(poll, OPEN)
        store.set_moderation(QUESTIONS, POST)
        seeds = [store.add_post(QUESTIONS, f"seed-{i}", f"Seeded question {i}").id for i in range(SEEDS)]
        env = {VOTES_ENV: target, SECRET_ENV: secrets.token_hex(32), "MC2CM_SESSION": "benchmark"}
        saved = {k: os.environ.get(k) for k in env}
        os.environ.update(env)
        try:
            with streamlit_server(script or ROOT / "serve.py", SHIPPED, log_dir or Path(tmp)) as server:
                raw = asyncio.run(_room(server, phones, seconds, every))
                server.check_alive()
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
        records: list[Visit] = raw["records"]
        sent = Counter(p for r in records for p in r.upvoted)
        posts = store.posts(QUESTIONS)
        recorded = {p.id: p.upvotes for p in posts if p.upvotes}
        rankings = sorted(c for _, c, _ in store.ballots(RANKING))
        failed = [r.error for r in records if r.error]
        exact = (len(posts) == phones + SEEDS and recorded == dict(sent)
                 and rankings == sorted(r.ranking for r in records if r.ranking)
                 and store.voters(QUESTIONS) == phones + SEEDS and store.voters(RANKING) == phones)
        base_ms, during_ms = ms(median(raw["baseline"])), ms(median(raw["during"]))
        return {
            "backend": backend, "phones": phones, "seconds": seconds, "wall_seconds": round(raw["wall"], 1),
            "post": latency_summary([r.post for r in records if r.post is not None]),
            "upvote": latency_summary([s for r in records for s in r.upvotes]),
            "rank": latency_summary([r.rank for r in records if r.rank is not None]),
            "errors": len(failed), "error_samples": failed[:5],
            "posts": len(posts), "upvotes_sent": sum(sent.values()), "upvotes_recorded": sum(recorded.values()),
            "rankings": len(rankings), "counts_exact": exact, "seed_posts": len(seeds),
            "projector": {"baseline_ms": base_ms, "during_ms": during_ms, "ratio": ratio(during_ms, base_ms),
                          "during_p95_ms": ms(percentile(raw["during"], 95)), "runs_during": len(raw["during"]),
                          "errors": raw["projector_errors"]},
            "rss_start_mb": round(raw["rss_start"] / 1e6, 1), "rss_peak_mb": round(raw["rss_peak"] / 1e6, 1),
            **({"pinned": pinned} if pinned else {}),
        }


def _cell(value: object) -> str:
    return "–" if value is None else f"{value:,}" if isinstance(value, int | float) else str(value)


def answers_markdown(r: dict[str, Any]) -> str:
    """The questions burst as a section of ``latest.md`` (nothing when it did not run)."""
    if not r:
        return ""
    pr = r["projector"]
    lines = ["", (f"## Questions burst ({r['backend']}): {r['phones']} phones over {r['seconds']:g} s post, upvote "
             "and rank on /ballot, /present rerunning"), "",
             (f"Each phone sends a question, upvotes three it did not send and ranks the five priorities; "
              f"`/present?scene={QUESTIONS}` reruns meanwhile. Burst done in {r['wall_seconds']:g} s."), "",
             "| figure | p50 | p95 | max |", "| --- | ---: | ---: | ---: |"]
    for key, name in (("post", "post ms (POST + GET)"), ("upvote", "upvote ms (each POST + GET)"),
                      ("rank", "rank ms (GET + POST + GET)")):
        row = r[key]
        lines.append(f"| {name} | {_cell(row['p50_ms'])} | {_cell(row['p95_ms'])} | {_cell(row['max_ms'])} |")
    lines += [(f"| /present rerun ms during ({pr['runs_during']} runs; before: median {_cell(pr['baseline_ms'])}) | "
              f"{_cell(pr['during_ms'])} | {_cell(pr['during_p95_ms'])} | |"), "",
              (f"Projector {_cell(pr['ratio'])}× (during ÷ before); errors {r['errors']}; posts {r['posts']}, "
               f"upvotes {r['upvotes_recorded']} / {r['upvotes_sent']}, rankings {r['rankings']}: counts "
               f"{'exact' if r['counts_exact'] else '**not exact**'}; server RSS {_cell(r['rss_start_mb'])} → "
               f"{_cell(r['rss_peak_mb'])} MB.")]
    samples = [*r["error_samples"], *pr["errors"][:3]]
    return "\n".join(lines + (["", "Errors: " + "; ".join(samples)] if samples else [])) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phones", type=int, default=150)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--pin-db", action="store_true",
                        help="PostgreSQL on one core, the app and the phones on the others (needs 2 cores)")
    args = parser.parse_args(argv)
    result = room_answers(args.phones, args.seconds, args.backend, pin_db=args.pin_db)
    print(json.dumps(result, indent=1))
    return 0 if result["errors"] == 0 and result["counts_exact"] else 1


if __name__ == "__main__":
    sys.exit(main())
