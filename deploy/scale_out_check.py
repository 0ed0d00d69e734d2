"""Start PostgreSQL, two app processes and nginx on loopback, then check the recipe.

    .venv/bin/python -m deploy.scale_out_check [--voters 8] [--processes 2] [--burst 60]

It shows (and exits 1 unless):
1. every browser sticks to one app process across its requests and its websocket;
2. both processes serve browsers;
3. votes cast through both processes are all counted, once each (PostgreSQL vote store);
4. the burst benchmark runs through nginx (when benchmarks/ provides it).

Only loopback addresses are used; everything started here is stopped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from string import Template

from harness.browser import CHROMIUM, CHROMIUM_ARGS, wait_idle
from harness.postgres import temporary_postgres
from harness.server import free_port, stop, streamlit_server, wait_healthy
from mc2cm.votes import OPEN, open_vote_store

ROOT = Path(__file__).resolve().parents[1]
POLL = "top-three-priorities"


def ensure_nginx() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if found:
        return found
    print("installing Debian's nginx …", flush=True)
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", "nginx-light"], check=True,
                   env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
    return shutil.which("nginx") or "/usr/sbin/nginx"


@contextmanager
def nginx(backends: list[str]) -> Iterator[tuple[str, subprocess.Popen[bytes], int, Path]]:
    prefix = Path(tempfile.mkdtemp(prefix="mc2cm-nginx-"))
    port = free_port()
    upstreams = "\n".join(f"        server {b.removeprefix('http://')};" for b in backends)
    conf = Template((ROOT / "deploy" / "nginx.conf.template").read_text(encoding="utf-8")).safe_substitute(
        PREFIX=str(prefix), LISTEN=f"127.0.0.1:{port}", UPSTREAMS=upstreams)
    (prefix / "nginx.conf").write_text(conf, encoding="utf-8")
    binary = ensure_nginx()
    process = subprocess.Popen([binary, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-g", "daemon off;"])
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, process, timeout=30)  # nginx answers once it and a backend are up
        yield url, process, port, prefix
    finally:
        stop(process)
        shutil.rmtree(prefix, ignore_errors=True)


def check_votes(url: str, voters: int) -> dict[str, object]:
    """Real browsers through nginx: each votes once; which process served each?"""
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    served: list[str] = []
    sticky = True
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for index in range(voters):
            context = browser.new_context(viewport={"width": 390, "height": 844})
            page = context.new_page()
            backends: list[str] = []
            page.on("response", lambda r, seen=backends: seen.append(r.headers.get("x-mc2cm-backend", "")))
            page.goto(f"{url}/vote?poll={POLL}&lang=en")
            wait_idle(page)
            box = page.get_by_role("combobox")
            box.click()
            box.fill("Pragmatism" if index % 2 else "Legal framework")
            page.keyboard.press("Enter")
            page.keyboard.press("Tab")
            page.get_by_role("button", name="Send my answer").click()
            page.get_by_text("Your answer is saved").wait_for(timeout=30_000)
            page.reload()  # a reload must neither move the browser nor count twice
            wait_idle(page)
            distinct = {b for b in backends if b}
            sticky = sticky and len(distinct) == 1
            served.append(next(iter(distinct), "?"))
            context.close()
        browser.close()
    return {"served_by": dict(Counter(served)), "sticky": sticky}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--voters", type=int, default=8)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--burst", type=int, default=60, help="sessions for the burst through nginx (0: skip)")
    args = parser.parse_args(argv)
    report: dict[str, object] = {}
    with ExitStack() as stack:
        pg_url = stack.enter_context(temporary_postgres())
        store = open_vote_store(pg_url)
        store.set_status(POLL, OPEN)
        env = {"MC2CM_VOTES_DB": pg_url, "STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_hex(32)}
        backends = [stack.enter_context(streamlit_server(data_dir=ROOT / "data", env=env)).url
                    for _ in range(args.processes)]
        url, nginx_process, nginx_port, prefix = stack.enter_context(nginx(backends))
        print(f"nginx {url} → {', '.join(backends)}; votes in PostgreSQL", flush=True)
        votes = check_votes(url, args.voters)
        report.update(votes)
        report["voters"] = args.voters
        report["ballots_counted"] = store.voters(POLL)
        report["tally"] = store.tally(POLL)
        if args.burst:
            from benchmarks.measure import burst  # noqa: PLC0415 - the benchmark's own burst shape
            from benchmarks.server import Server  # noqa: PLC0415

            # The burst speaks Streamlit's websocket protocol to nginx's port; nginx spreads the
            # sessions over the processes. (Its RSS figure is nginx's own, not the apps'.)
            through = Server(url=url, port=nginx_port, process=nginx_process, log=prefix / "error.log")
            result = asyncio.run(burst(through, "map", sessions=args.burst))
            report["burst_through_nginx"] = {k: result.get(k) for k in (
                "sessions", "runs", "errors", "error_samples", "p50_ms", "p95_ms", "max_ms", "runs_per_second")}
    print(json.dumps(report, indent=2, ensure_ascii=False))
    served = report["served_by"]
    burst = report.get("burst_through_nginx")
    burst_errors = burst.get("errors", 0) if isinstance(burst, dict) else 0
    ok = (bool(report["sticky"]) and isinstance(served, dict) and len(served) == args.processes
          and report["ballots_counted"] == args.voters and not burst_errors)
    print("OK: sessions stick to their process, all processes serve, every vote counted once." if ok
          else "FAILED: see the report above.")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
