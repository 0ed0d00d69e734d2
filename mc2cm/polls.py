"""What a poll asks, read from polls.csv: its kind, options and limits; and a delegate's form, checked.

Both doors that take answers (the light ``/ballot`` page and the Streamlit ``/vote`` page) read a poll
through :func:`poll_spec` and check a ranking or a rating with the same functions, so both give the
same message for the same mistake. The results export is built here too, for every kind.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from mc2cm.i18n import join, t, text
from mc2cm.loading import Dataset
from mc2cm.scenes import poll_options
from mc2cm.tallies import DEFAULT_SCALE, ranking_results, rating_results, top_posts, votes_results
from mc2cm.votes import DEFAULT_MAX_LENGTH, PRE, Post, clean_post_text

DOT_VOTE, SINGLE_CHOICE, RANKING, RATING, QUESTIONS, IDEAS = (
    "dot_vote", "single_choice", "ranking", "rating", "questions", "ideas")
POST_KINDS = (QUESTIONS, IDEAS)
RANK_FIELD = "rank-"  # a ranking form's select for option X is rank-X; a rating's radio row is score-X
SCORE_FIELD = "score-"


@dataclass(frozen=True)
class PollSpec:
    id: str
    kind: str
    question: str
    options: list[tuple[str, str]] = field(default_factory=list)  # (value, label in the reader's language)
    max_choices: int = 1  # dot vote: most ticks; ranking: places to fill
    scale: int = DEFAULT_SCALE  # rating: 1 … scale
    max_length: int = DEFAULT_MAX_LENGTH  # questions and ideas
    moderation: str = PRE  # the default; the facilitator's switch is in the store
    tags: list[tuple[str, str]] = field(default_factory=list)  # ideas: what an idea may be tagged to

    @property
    def single(self) -> bool:
        return self.kind == SINGLE_CHOICE or (self.kind == DOT_VOTE and self.max_choices == 1)

    @property
    def takes_posts(self) -> bool:
        return self.kind in POST_KINDS

    @property
    def places(self) -> int:
        """A ranking's places: max_choices, at most the number of options."""
        return max(1, min(self.max_choices, len(self.options)))

    def label(self, value: str) -> str:
        return dict(self.options).get(value) or dict(self.tags).get(value, "")


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def poll_spec(data: Dataset, poll_id: str, lang: str) -> PollSpec | None:
    """The poll ``poll_id`` in ``lang``; None when polls.csv has no such (valid) poll."""
    polls = data["polls"]
    if not poll_id or poll_id not in polls.index:
        return None
    row = polls.loc[poll_id]
    kind = str(row["kind"])
    options = poll_options(data, str(row.get("options", "")), lang) if kind not in POST_KINDS else []
    tags = str(row.get("tags", "") or "")
    moderation = str(row.get("moderation", "") or "")
    return PollSpec(id=poll_id, kind=kind, question=text(row, "question", lang), options=options,
                    max_choices=max(1, _int(row.get("max_choices"), 1)),
                    scale=_int(row.get("scale"), DEFAULT_SCALE), max_length=_int(row.get("max_length"), DEFAULT_MAX_LENGTH),
                    moderation=moderation if moderation in ("pre", "post") else PRE,
                    tags=poll_options(data, tags, lang) if kind == IDEAS and tags else [])


@dataclass(frozen=True)
class FormProblem:
    """A catalog key and its values: what the delegate is told, in their language."""

    key: str
    values: dict[str, object] = field(default_factory=dict)


def problem_message(problem: FormProblem, lang: str) -> str:
    """The problem in the delegate's language (a list of option names joined as the language lists things)."""
    values = dict(problem.values)
    if "options" in values:
        values["options"] = join((str(o) for o in values["options"]), lang)  # type: ignore[attr-defined]
    return t(problem.key, lang, **values)


def ranking_from_form(fields: Mapping[str, str], spec: PollSpec) -> tuple[list[str], FormProblem | None]:
    """The options in rank order from the ``rank-<option>`` selects; or what is wrong.

    Ranks 1 … places must each be given once (an option left blank is unranked).
    """
    names = dict(spec.options)
    given: dict[int, list[str]] = {}
    for name, value in fields.items():
        if not name.startswith(RANK_FIELD) or not value:
            continue
        option, rank = name.removeprefix(RANK_FIELD), _int(value, 0)
        if option not in names or not 1 <= rank <= spec.places:
            return [], FormProblem("ballot.unknown_option")
        given.setdefault(rank, []).append(option)
    if not given:
        return [], FormProblem("poll.pick_something")
    for rank in sorted(given):
        if len(given[rank]) > 1:
            return [], FormProblem("ballot.rank_twice", {"rank": rank, "options": [names[o] for o in given[rank]]})
    for rank in range(1, spec.places + 1):
        if rank not in given:
            return [], FormProblem("ballot.rank_missing", {"rank": rank, "places": spec.places})
    return [given[rank][0] for rank in range(1, spec.places + 1)], None


def scores_from_form(fields: Mapping[str, str], spec: PollSpec) -> tuple[dict[str, int], FormProblem | None]:
    """{option: score} from the ``score-<option>`` radio rows (an option left blank is not rated); or what is wrong."""
    names = dict(spec.options)
    scores: dict[str, int] = {}
    for name, value in fields.items():
        if not name.startswith(SCORE_FIELD) or not value:
            continue
        option, score = name.removeprefix(SCORE_FIELD), _int(value, 0)
        if option not in names or not 1 <= score <= spec.scale:
            return {}, FormProblem("ballot.unknown_option")
        scores[option] = score
    if not scores:
        return {}, FormProblem("poll.pick_something")
    return {o: scores[o] for o in names if o in scores}, None


def post_problem(body: str, tag: str, spec: PollSpec) -> FormProblem | None:
    """What is wrong with a question or idea before it is stored (empty, too long, an unknown tag)."""
    clean = clean_post_text(body)
    if not clean:
        return FormProblem("ballot.post_empty")
    if len(clean) > spec.max_length:
        return FormProblem("ballot.post_too_long", {"limit": spec.max_length, "n": len(clean)})
    if tag and tag not in dict(spec.tags):
        return FormProblem("ballot.unknown_option")
    return None


RESULT_COLUMNS = ["session", "poll", "kind", "question", "respondents", "option", "label", "n", "votes", "place",
                  "mean_rank", "borda", "mean", "upvotes", "status", "answered", "pinned", "tag", "exported_at"]


def results_rows(spec: PollSpec, session: str, respondents: int, *, tally: Mapping[str, int] | None = None,
                 rankings: Sequence[Sequence[str]] = (), ratings: Sequence[Mapping[str, int]] = (),
                 posts: Sequence[Post] = (), at: dt.datetime | None = None) -> tuple[list[str], list[list[object]]]:
    """The export of a poll's results, for every kind: the question, each option (or post), n and the time.

    A rating adds one column per score (``score_1`` … ``score_<scale>``). Posts are exported as
    the room saw them or the facilitator hid them, never with who sent them.
    """
    when = (at or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds")
    values = [value for value, _ in spec.options]
    head = [session, spec.id, spec.kind, spec.question, respondents]
    columns = list(RESULT_COLUMNS)
    rows: list[list[object]] = []

    def row(**cells: object) -> list[object]:
        return [*head, *(cells.get(c, "") for c in columns[len(head):-1]), when]

    if spec.kind == RANKING:
        for r in sorted(ranking_results(values, rankings), key=lambda r: values.index(r.option)):
            rows.append(row(option=r.option, label=spec.label(r.option), n=r.n, place=r.place,
                            mean_rank="" if r.mean_rank is None else round(r.mean_rank, 3), borda=r.borda))
    elif spec.kind == RATING:
        columns[-1:-1] = [f"score_{s}" for s in range(1, spec.scale + 1)]
        for g in rating_results(values, ratings, spec.scale):
            cells: dict[str, object] = {"option": g.option, "label": spec.label(g.option), "n": g.n,
                                        "mean": "" if g.mean is None else round(g.mean, 3)}
            cells.update({f"score_{s}": count for s, count in enumerate(g.distribution, 1)})
            rows.append(row(**cells))
    elif spec.takes_posts:
        shown = top_posts(posts)
        for p in [*shown, *(p for p in posts if p not in shown)]:
            rows.append(row(option=p.id, label=p.text, upvotes=p.upvotes, status=p.status,
                            answered=int(p.answered), pinned=int(p.pinned), tag=spec.label(p.tag) if p.tag else ""))
    else:
        for value, votes in votes_results(values, tally or {}):
            rows.append(row(option=value, label=spec.label(value), n=votes, votes=votes))
    return columns, rows
