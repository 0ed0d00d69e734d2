"""`python -m benchmarks` runs the questions burst as a phase: options, error total and report (no server started)."""

from __future__ import annotations

from typing import Any

import pytest

from benchmarks.__main__ import count_errors, parse_args
from benchmarks.room_answers import answers_markdown


def _answers(errors: int = 0, projector_errors: tuple[str, ...] = (), exact: bool = True) -> dict[str, Any]:
    summary = {"n": 3, "p50_ms": 20.0, "p95_ms": 40.0, "max_ms": 50.0}
    return {"backend": "sqlite", "phones": 3, "seconds": 2.0, "wall_seconds": 4.1, "post": summary,
            "upvote": summary, "rank": {"n": 0, "p50_ms": None, "p95_ms": None, "max_ms": None},
            "errors": errors, "error_samples": [f"phone {i} post: timeout" for i in range(errors)],
            "posts": 8, "upvotes_sent": 9, "upvotes_recorded": 9, "rankings": 3, "counts_exact": exact,
            "seed_posts": 5, "rss_start_mb": 280.0, "rss_peak_mb": 290.5,
            "projector": {"baseline_ms": 50.0, "during_ms": 60.0, "ratio": 1.2, "during_p95_ms": 80.0,
                          "runs_during": 4, "errors": list(projector_errors)}}


def test_the_phase_is_on_by_default_and_follows_the_room_options() -> None:
    args = parse_args([])
    assert (args.no_room_answers, args.room_answers_backend, args.room_phones, args.room_seconds) == (
        False, "sqlite", 150, 60.0)
    quick = parse_args(["--quick", "--room-answers-backend", "postgresql"])
    assert (quick.room_phones, quick.room_seconds, quick.room_answers_backend) == (20, 10.0, "postgresql")
    assert parse_args(["--only", "room-answers"]).only == "room-answers"
    assert parse_args(["--no-room-answers"]).no_room_answers
    with pytest.raises(SystemExit):
        parse_args(["--room-answers-backend", "mysql"])


@pytest.mark.parametrize(("answers", "expected"), [
    ({}, 0),
    (_answers(), 0),
    (_answers(errors=2), 2),
    (_answers(projector_errors=("timeout",)), 1),
    (_answers(exact=False), 1),
    (_answers(errors=1, projector_errors=("a", "b"), exact=False), 4),
])
def test_its_errors_count_in_the_total_like_the_room_bursts(answers: dict[str, Any], expected: int) -> None:
    assert count_errors({"room_answers": answers}) == expected  # --only room-answers
    room = {"errors": 1, "error_samples": [], "counts_exact": True, "projector": {"errors": []}}
    assert count_errors({"room": room, "room_answers": answers}) == 1 + expected


def test_the_report_has_a_section_for_it() -> None:
    assert answers_markdown({}) == ""
    text = answers_markdown(_answers(errors=1))
    assert "## Questions burst (sqlite): 3 phones over 2 s" in text
    assert "| post ms (POST + GET) | 20.0 | 40.0 | 50.0 |" in text
    assert "| rank ms (GET + POST + GET) | – | – | – |" in text
    assert "Projector 1.2×" in text
    assert "Errors: phone 0 post: timeout" in text
