"""The room's answers, aggregated: pure functions over what the vote store returns.

* a ranking → per option its mean rank and Borda score, with n (the ballots that ranked it);
* a rating → per option its mean score and how many gave each score, with n;
* questions and ideas → the approved posts, pinned first, then by upvotes, then oldest first;
  and, word-free, how many were sent, shown and awaiting review, their upvotes, and how many
  are tied to each challenge or recommendation (counts a projector can show before any text).

Borda: with ``m`` options, an option ranked ``r``-th (1 = first) scores ``m - r`` points, so the first
of five scores 4 and the last 0; an option a ballot leaves unranked scores 0 on that ballot.
Results never name a voter: the store gives no names, and these functions keep none.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from mc2cm.votes import APPROVED, HIDDEN, PENDING, Post

DEFAULT_SCALE = 5


@dataclass(frozen=True)
class RankResult:
    option: str
    place: int  # 1 = the room's first choice (by Borda score, then mean rank, then the options' order)
    n: int  # ballots that ranked this option
    mean_rank: float | None  # None when no ballot ranked it
    borda: int


@dataclass(frozen=True)
class RatingResult:
    option: str
    n: int  # delegates who rated this option
    mean: float | None  # None when nobody rated it
    distribution: tuple[int, ...]  # how many gave 1, 2, …, scale


def ranking_results(options: Sequence[str], ballots: Iterable[Sequence[str]]) -> list[RankResult]:
    """Best first. ``ballots``: each an ordered sequence of option values (first = ranked 1st); values
    that are no longer options are skipped, and the rest close up."""
    known = set(options)
    m = len(options)
    ranks: dict[str, list[int]] = {option: [] for option in options}
    for ballot in ballots:
        for rank, option in enumerate((c for c in dict.fromkeys(ballot) if c in known), start=1):
            ranks[option].append(rank)
    order = {option: i for i, option in enumerate(options)}
    scored = [(option, len(r), sum(r) / len(r) if r else None, sum(m - x for x in r)) for option, r in ranks.items()]
    scored.sort(key=lambda s: (-s[3], s[2] if s[2] is not None else float("inf"), order[s[0]]))
    return [RankResult(option, place, n, mean, borda) for place, (option, n, mean, borda) in enumerate(scored, 1)]


def rating_results(options: Sequence[str], ballots: Iterable[Mapping[str, int]],
                   scale: int = DEFAULT_SCALE) -> list[RatingResult]:
    """In the options' order. ``ballots``: each {option: score}; scores outside 1…scale are skipped."""
    given: dict[str, list[int]] = {option: [] for option in options}
    for ballot in ballots:
        for option, score in ballot.items():
            if option in given and 1 <= int(score) <= scale:
                given[option].append(int(score))
    return [RatingResult(option, len(s), sum(s) / len(s) if s else None,
                         tuple(s.count(v) for v in range(1, scale + 1)))
            for option, s in given.items()]


def top_posts(posts: Iterable[Post], n: int | None = None) -> list[Post]:
    """The approved posts the room sees: pinned first, then most upvoted, then oldest; the first ``n``."""
    shown = sorted((p for p in posts if p.status == APPROVED), key=lambda p: (not p.pinned, -p.upvotes, p.created))
    return shown if n is None else shown[:n]


def votes_results(options: Sequence[str], tally: Mapping[str, int]) -> list[tuple[str, int]]:
    """A dot vote or single choice: (option, votes) in the options' order."""
    return [(option, int(tally.get(option, 0))) for option in options]


@dataclass(frozen=True)
class PostCounts:
    """A questions or ideas poll in figures, with none of its words."""

    sent: int  # every post the room sent, those set aside included
    shown: int  # approved: what the room sees
    waiting: int  # not reviewed yet
    set_aside: int  # hidden by the facilitator: sent = shown + waiting + set aside
    upvotes: int  # given to the posts shown
    answered: int  # shown and marked answered


def post_counts(posts: Iterable[Post]) -> PostCounts:
    listed = list(posts)
    shown = [p for p in listed if p.status == APPROVED]
    return PostCounts(sent=len(listed), shown=len(shown), waiting=sum(p.status == PENDING for p in listed),
                      set_aside=sum(p.status == HIDDEN for p in listed), upvotes=sum(p.upvotes for p in shown),
                      answered=sum(p.answered for p in shown))


def tag_counts(posts: Iterable[Post], tags: Sequence[str]) -> list[tuple[str, int]]:
    """How many posts are tied to each of ``tags`` (in that order), those set aside left out; tags no
    post chose count 0, and a tag that is no longer offered is not counted."""
    counted = Counter(p.tag for p in posts if p.status != HIDDEN and p.tag)
    return [(tag, counted.get(tag, 0)) for tag in tags]
