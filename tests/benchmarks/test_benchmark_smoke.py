"""The benchmark runs end to end at a tiny size and reports no errors (timings are not asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGES = {"/", "/map", "/initiatives", "/challenges", "/cso_roles", "/data"}


def test_benchmark_quick_run(tmp_path: Path) -> None:
    out = tmp_path / "results"
    command = [sys.executable, "-m", "benchmarks", "--quick", "--sessions", "2", "--browse-seconds", "3",
               "--browse-interval", "1", "--reruns", "1", "--scale", "2", "--no-browser", "--no-variants",
               "--room-phones", "3", "--room-seconds", "2", "--out", str(out)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=240, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]

    result = json.loads((out / "latest.json").read_text(encoding="utf-8"))
    assert (out / "latest.md").read_text(encoding="utf-8").startswith("# Benchmark results")
    assert {"meta", "dataset", "rerun", "payload", "load", "first_paint", "phone", "map_breakdown", "errors_total"} <= set(result)
    assert result["phone"] == {}  # --no-browser skips it
    assert result["errors_total"] == 0
    assert result["dataset"]["errors"] == 0
    assert result["dataset"]["initiatives"] == 2 * result["dataset"]["initiatives_shipped"]

    assert result["rerun"]["baseline_ms"] is not None
    assert set(result["rerun"]["pages"]) == PAGES
    for row in result["rerun"]["pages"].values():
        assert {"shipped_ms", "large_ms", "shipped_vs_baseline", "large_vs_baseline", "large_vs_shipped"} <= set(row)
        assert row["shipped_errors"] == []
        assert row["large_errors"] == []

    for size in ("shipped", "large"):
        payload = result["payload"][size]
        assert payload["errors"] == []
        assert payload["folium_msg_bytes"] > 0
        assert payload["run_bytes"] >= payload["folium_msg_bytes"]

    for shape in ("burst", "browse"):
        for target in ("app", "baseline"):
            row = result["load"][shape][target]
            assert {"p50_ms", "p95_ms", "max_ms", "errors", "rss_peak_mb"} <= set(row)
            assert row["errors"] == 0, row["error_samples"]
            assert row["runs"] >= 2
            assert row["rss_peak_mb"] > 0
        assert {"p50", "p95", "max", "rss_peak"} <= set(result["load"][shape]["ratio"])

    for size in ("shipped", "large"):
        assert result["map_breakdown"][size]["markers"] > 0

    room = result["room"]  # a tiny room burst: 3 phones over 2 s
    assert {"load", "vote", "change", "errors", "counts_exact", "projector", "rss_peak_mb"} <= set(room)
    assert room["errors"] == 0, room["error_samples"]
    assert room["counts_exact"], (room["tally_expected"], room["tally_recorded"])
    assert room["voters_recorded"] == 3
    assert room["projector"]["errors"] == []
