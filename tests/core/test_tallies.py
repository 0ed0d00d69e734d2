"""Aggregating the room's answers, checked against values worked out by hand."""

from __future__ import annotations

import pytest

from mc2cm.tallies import RankResult, RatingResult, ranking_results, rating_results, top_posts, votes_results
from mc2cm.votes import APPROVED, HIDDEN, PENDING, Post


def test_ranking_mean_rank_and_borda_by_hand() -> None:
    # 3 options (m = 3): 1st scores 2 points, 2nd 1, 3rd 0.
    ballots = [("a", "b", "c"), ("b", "a", "c"), ("a", "c", "b"), ("a", "b")]  # the last ranks two places only
    # a: ranks 1, 2, 1, 1 → mean 5/4 = 1.25, Borda 2+1+2+2 = 7, n 4
    # b: ranks 2, 1, 3, 2 → mean 8/4 = 2.0,  Borda 1+2+0+1 = 4, n 4
    # c: ranks 3, 3, 2    → mean 8/3,        Borda 0+0+1   = 1, n 3
    assert ranking_results(["c", "b", "a"], ballots) == [
        RankResult("a", 1, 4, 1.25, 7), RankResult("b", 2, 4, 2.0, 4), RankResult("c", 3, 3, pytest.approx(8 / 3), 1)]


def test_ranking_ties_go_to_the_better_mean_rank_then_the_options_order() -> None:
    # a: ranks 1, 3 → Borda 2+0 = 2, mean 2; b: ranks 2, 2 → Borda 1+1 = 2, mean 2; c: ranks 3, 1 → 2, mean 2.
    results = ranking_results(["b", "a", "c"], [("a", "b", "c"), ("c", "b", "a")])
    assert [(r.option, r.borda, r.mean_rank) for r in results] == [("b", 2, 2.0), ("a", 2, 2.0), ("c", 2, 2.0)]


def test_ranking_skips_values_that_are_no_longer_options_and_counts_none_when_empty() -> None:
    assert ranking_results(["a", "b"], [("gone", "b", "a")]) == [RankResult("b", 1, 1, 1.0, 1),
                                                                 RankResult("a", 2, 1, 2.0, 0)]
    assert ranking_results(["a"], []) == [RankResult("a", 1, 0, None, 0)]


def test_rating_mean_and_distribution_by_hand() -> None:
    ballots = [{"a": 5, "b": 1}, {"a": 4}, {"a": 5, "b": 2}, {"a": 9, "zz": 3}]  # 9 is off the scale, zz no option
    # a: 5, 4, 5 → mean 14/3, distribution (0, 0, 0, 1, 2); b: 1, 2 → mean 1.5, (1, 1, 0, 0, 0)
    assert rating_results(["a", "b", "c"], ballots) == [
        RatingResult("a", 3, pytest.approx(14 / 3), (0, 0, 0, 1, 2)),
        RatingResult("b", 2, 1.5, (1, 1, 0, 0, 0)),
        RatingResult("c", 0, None, (0, 0, 0, 0, 0)),
    ]
    assert rating_results(["a"], [{"a": 3}], scale=3)[0].distribution == (0, 0, 1)


def post(pid: str, upvotes: int, created: str, *, status: str = APPROVED, pinned: bool = False) -> Post:
    return Post(id=pid, poll_id="q", text=pid, tag="", status=status, answered=False, pinned=pinned, created=created,
                upvotes=upvotes)


def test_top_posts_pinned_then_upvotes_then_oldest_and_only_approved() -> None:
    posts = [post("old-3", 3, "2027-03-01T09:00:01"), post("new-3", 3, "2027-03-01T09:05:00"),
             post("pinned-0", 0, "2027-03-01T09:09:00", pinned=True), post("top-9", 9, "2027-03-01T09:08:00"),
             post("hidden-50", 50, "2027-03-01T09:00:00", status=HIDDEN),
             post("pending-50", 50, "2027-03-01T09:00:00", status=PENDING)]
    assert [p.id for p in top_posts(posts)] == ["pinned-0", "top-9", "old-3", "new-3"]
    assert [p.id for p in top_posts(posts, 2)] == ["pinned-0", "top-9"]


def test_votes_in_the_options_order() -> None:
    assert votes_results(["a", "b", "c"], {"c": 2, "a": 1, "gone": 4}) == [("a", 1), ("b", 0), ("c", 2)]
