"""The questions-and-ranking burst runs end to end on a few phones: keys, no error, exact counts (no timings)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from benchmarks.room_answers import room_answers


def test_a_small_room_burst_counts_exactly() -> None:
    with ThreadPoolExecutor(1) as pool:  # asyncio.run in a thread: a session's Playwright may run a loop in this one
        result = pool.submit(room_answers, 3, 2, "sqlite").result()
    assert result["errors"] == 0, result["error_samples"]
    assert result["counts_exact"]
    assert (result["posts"], result["upvotes_recorded"], result["rankings"]) == (3 + 5, 9, 3)
    assert {"post", "upvote", "rank", "projector", "rss_peak_mb"} <= set(result)
