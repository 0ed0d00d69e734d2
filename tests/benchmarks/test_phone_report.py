"""The phone profile's report and error count, on made-up figures (no browser, no timings asserted)."""

from __future__ import annotations

from benchmarks.__main__ import PHONE_BASELINE, count_errors
from benchmarks.phone import PHONE, SLOW_4G
from benchmarks.report import markdown


def _row(first: int, errors: list[str]) -> dict[str, object]:
    visit = {"ready_ms": 1000.0, "bytes": first, "http_bytes": first, "ws_bytes": 0, "largest": [["/a/b.js", first]]}
    return {"first_ready_ms": 1000.0, "first_bytes": first, "second_ready_ms": 500.0, "second_bytes": 10,
            "runs": [{"first": visit, "second": visit}] if not errors else [], "errors": errors,
            "first_bytes_vs_baseline": 1.0}


def test_phone_only_report_and_errors() -> None:
    meta = {"date": "today", "nproc": "2", "mem_total_gb": "23", "cpu": "cpu", "python": "3.11", "streamlit": "1",
            "command": "python -m benchmarks --only phone", "wall_seconds": 1.0, "loadavg_before": "0",
            "loadavg_after": "0", "args": {}, "git": {}}
    phone = {"network": {**SLOW_4G, "name": "Slow 4G"}, "device": PHONE, "rounds": 1,
             "targets": {PHONE_BASELINE: _row(2_000_000, []), "/ballot, front door, br": _row(0, ["TimeoutError: x"])}}
    result = {"meta": meta, "phone": phone, "errors_total": 1}
    assert count_errors(result) == 1
    text = markdown(result)
    assert "## Phone profile: Slow 4G (150 ms, 1.6 Mbit/s down, 750 kbit/s up), 390×844" in text
    assert "2,000.0 kB" in text
    assert "TimeoutError: x" in text
