"""The room's results as data: rows of ``room_results.csv`` from a closed poll, and their wording.

A row is an aggregate of the whole room (votes, a Borda score, a mean rank or rating, the upvotes of
an idea the facilitator kept), never a single ballot, and carries no name. Rows are room input, not
document content: they cite no document (``origin`` is ``room_input``). Rows of one session and poll
are published together; publishing them again replaces them (:func:`replace_poll_rows`), and other
sessions' rows stay as they are, so the same deck can run in another room.

Ranks are competition ranks: equal values share a place and the next place is skipped (1, 2, 2, 4),
on the value as it is written to the file, so the file reads consistently.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from babel import Locale

from mc2cm import store
from mc2cm.bidi import isolate, strong_direction
from mc2cm.i18n import babel_locale, fmt_date, fmt_number, label, t, text, tn
from mc2cm.loading import Dataset
from mc2cm.scenes import poll_options
from mc2cm.schema import PackageSpec, package_spec
from mc2cm.tallies import DEFAULT_SCALE, ranking_results, rating_results, votes_results
from mc2cm.validation import read_table
from mc2cm.votes import APPROVED, VoteStore

TABLE = "room_results"
ORIGIN = "room_input"
# The measures a kind of poll publishes; the first is its headline (what record pages say).
MEASURES: dict[str, tuple[str, ...]] = {
    "dot_vote": ("votes",), "single_choice": ("votes",), "ranking": ("borda", "mean_rank"),
    "rating": ("mean_rating",), "questions": ("upvotes",), "ideas": ("upvotes",),
}
POST_KINDS = frozenset({"questions", "ideas"})
LOWER_IS_BETTER = frozenset({"mean_rank"})
DECIMALS = 2  # means are written with two decimals; ranks are taken on the written value
Row = Mapping[str, object] | pd.Series  # a row as read (dict) or loaded (Series)
ORDINAL_KEYS = {"one": "room.ordinal.one", "two": "room.ordinal.two", "few": "room.ordinal.few",
                "many": "room.ordinal.other", "zero": "room.ordinal.other", "other": "room.ordinal.other"}


@dataclass(frozen=True)
class Session:
    """Where the room sat: the session id keeps results apart; the name or event says it in words."""

    id: str
    name: str = ""
    event_id: str = ""


@dataclass(frozen=True)
class Score:
    """One option's aggregated result for one measure."""

    option: str
    measure: str
    value: float


@dataclass(frozen=True)
class KeptPost:
    """A question or idea the facilitator keeps: its text (no name), language, upvotes and tag."""

    text: str
    lang: str
    upvotes: int
    tag: str = ""


@dataclass(frozen=True)
class PollResults:
    """A closed poll, aggregated: ``n`` delegates answered; options' scores, or the posts kept."""

    poll_id: str
    kind: str
    n: int
    scores: tuple[Score, ...] = ()
    posts: tuple[KeptPost, ...] = ()
    option_column: str = ""  # the room_results column an option value goes to (see subject_column)
    tag_column: str = ""  # the column an idea's tag goes to


# --- aggregates, from what the vote store gives ------------------------------------------------


def votes_scores(options: Sequence[str], tally: Mapping[str, int]) -> tuple[Score, ...]:
    """A dot vote or single choice: the votes of every option offered (none: 0)."""
    return tuple(Score(option, "votes", float(votes)) for option, votes in votes_results(options, tally))


def ranking_scores(options: Sequence[str], orders: Iterable[Sequence[str]]) -> tuple[Score, ...]:
    """A ranking: Borda score and mean rank per option (see :mod:`mc2cm.tallies`); an option nobody
    ranked has a Borda score of 0 and no mean rank."""
    results = ranking_results(options, orders)
    return (tuple(Score(r.option, "borda", float(r.borda)) for r in results)
            + tuple(Score(r.option, "mean_rank", r.mean_rank) for r in results if r.mean_rank is not None))


def rating_scores(options: Sequence[str], ratings: Iterable[Mapping[str, int]],
                  scale: int = DEFAULT_SCALE) -> tuple[Score, ...]:
    """A rating: the mean score per option that somebody rated."""
    return tuple(Score(r.option, "mean_rating", r.mean) for r in rating_results(options, ratings, scale)
                 if r.mean is not None)


def _cell_text(row: Row, column: str) -> str:
    value = row.get(column, "")
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def gather(data: Dataset, poll_id: str, store: VoteStore, keep: Collection[str] = (),
           latin_lang: str = "en") -> PollResults:
    """A poll's aggregated results from the vote store (its current session): what publishing writes.

    ``keep``: ids of the approved questions or ideas the facilitator publishes; an Arabic-script
    text is marked ``ar``, another ``latin_lang``. Ballots are read to be counted, never kept.
    """
    polls = data["polls"]
    poll = polls.loc[poll_id]
    if not isinstance(poll, pd.Series):
        raise KeyError(poll_id)
    kind, options_code = str(poll["kind"]), _cell_text(poll, "options")
    option_column = subject_column(data.spec, options_code)
    options = [value for value, _ in poll_options(data, options_code, "en")] if options_code else []
    n = store.voters(poll_id)
    if kind in POST_KINDS:
        kept = tuple(KeptPost(p.text, "ar" if strong_direction(p.text) == "rtl" else latin_language(p.text, latin_lang),
                              p.upvotes, p.tag)
                     for p in store.posts(poll_id) if p.id in keep and p.status == APPROVED)
        return PollResults(poll_id, kind, n, posts=kept, tag_column=subject_column(data.spec, _cell_text(poll, "tags")))
    if kind == "ranking":
        scores = ranking_scores(options, (choices for _, choices, _ in store.ballots(poll_id)))
    elif kind == "rating":
        scores = rating_scores(options, store.all_scores(poll_id), _scale(polls, poll_id))
    else:
        scores = votes_scores(options, store.tally(poll_id))
    return PollResults(poll_id, kind, n, scores=scores, option_column=option_column)


# --- rows ------------------------------------------------------------------------------------


def subject_column(spec: PackageSpec, options: str) -> str:
    """The room_results column that holds an option of the poll option set ``options``, from the schema:
    the column whose foreign key points at the set's table, or that takes the set's vocabulary."""
    if not options:
        return ""
    term = spec.vocabulary("poll_options").term(options)
    rows = (term.rows if term is not None else None) or {}
    tspec = spec.table(TABLE)
    if "table" in rows:
        return next((fk.column for fk in tspec.foreign_keys if fk.table == rows["table"]), "")
    if "vocabulary" in rows:
        return next((f.name for f in tspec.fields if f.vocabulary == rows["vocabulary"]), "")
    return ""


def competition_ranks(values: Sequence[float], lower_is_better: bool = False) -> list[int]:
    """1 for the best; equal values share a place and the next is skipped: [9, 7, 7, 3] → [1, 2, 2, 4]."""
    key = [v if lower_is_better else -v for v in values]
    return [1 + sum(1 for other in key if other < mine) for mine in key]


def _slug(value: str) -> str:
    return "-".join(part for part in "".join(c if c.isalnum() and c.isascii() else "-" for c in value.lower())
                    .split("-") if part)


def _written(value: float) -> float:
    return round(float(value), DECIMALS)


def _cell(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.{DECIMALS}f}".rstrip("0")


def post_key(text_value: str) -> str:
    """A post's id part: the same text gives the same id, so republishing replaces rather than adds."""
    return hashlib.sha256(" ".join(text_value.split()).encode("utf-8")).hexdigest()[:10]


def result_rows(results: PollResults, session: Session, published: dt.date) -> list[dict[str, str]]:
    """The rows of ``room_results.csv`` for one closed poll: one per option and measure, or per kept post.

    Only aggregates go in: a row never holds a ballot, a voter or an address.
    """
    base = {"session_id": session.id, "session_name": session.name, "event_id": session.event_id,
            "poll_id": results.poll_id, "kind": results.kind, "n": str(int(results.n)),
            "published": published.isoformat(), "origin": ORIGIN}
    rows: list[dict[str, str]] = []
    if results.kind in POST_KINDS:
        unique: dict[str, KeptPost] = {}
        for post in results.posts:  # the same text kept twice is one row (the first)
            if post.text.strip():
                unique.setdefault(post_key(post.text), post)
        kept = list(unique.values())
        ranks = competition_ranks([float(p.upvotes) for p in kept])
        noun = "question" if results.kind == "questions" else "idea"
        for post, rank in sorted(zip(kept, ranks, strict=True), key=lambda pr: pr[1]):
            row = {**base, "id": f"{session.id}-{results.poll_id}-{noun}-{post_key(post.text)}",
                   "text": " ".join(post.text.split()), "text_lang": post.lang, "measure": "upvotes",
                   "value": str(int(post.upvotes)), "rank": str(rank)}
            if post.tag and results.tag_column:
                row[results.tag_column] = post.tag
            rows.append(row)
        return rows
    for measure in MEASURES.get(results.kind, ()):
        scores = [s for s in results.scores if s.measure == measure]
        values = [_written(s.value) for s in scores]
        ranks = competition_ranks(values, measure in LOWER_IS_BETTER)
        for score, value, rank in sorted(zip(scores, values, ranks, strict=True), key=lambda svr: svr[2]):
            row = {**base, "id": f"{session.id}-{results.poll_id}-{_slug(score.option)}-{_slug(measure)}",
                   "measure": measure, "value": _cell(value), "rank": str(rank)}
            if results.option_column:
                row[results.option_column] = score.option
            rows.append(row)
    return rows


def replace_poll_rows(existing: Iterable[Mapping[str, str]], new: Sequence[Mapping[str, str]],
                      session_id: str, poll_id: str) -> tuple[list[dict[str, str]], list[str]]:
    """The table with the rows of (``session_id``, ``poll_id``) replaced by ``new``; and the ids that go.

    Other sessions' and polls' rows stay, in their order; the new rows come where the old ones were
    (at the end for a first publication).
    """
    kept: list[dict[str, str]] = []
    removed: list[str] = []
    placed = False
    for row in existing:
        if row.get("session_id") == session_id and row.get("poll_id") == poll_id:
            removed.append(str(row.get("id", "")))
            if not placed:
                kept.extend(dict(r) for r in new)
                placed = True
            continue
        kept.append(dict(row))
    if not placed:
        kept.extend(dict(r) for r in new)
    new_ids = {r.get("id") for r in new}
    return kept, [rid for rid in removed if rid not in new_ids]


def current_rows(data_dir: Path | str) -> tuple[list[dict[str, str]], str]:
    """The rows of room_results.csv as written, and the file's version (for the conflict check)."""
    data_dir = Path(data_dir)
    tspec = package_spec(data_dir).table(TABLE)
    path = data_dir / tspec.path
    raw = path.read_bytes() if path.is_file() else None
    table, _ = read_table(tspec, raw)
    return ([dict(r) for r in table.rows] if table is not None else []), store.file_version(raw)


def publish(data_dir: Path | str, rows: Sequence[Mapping[str, str]], session_id: str, poll_id: str, *,
            who: str, expected_version: str | None = None) -> store.SaveResult:
    """Write a poll's rows through the one save path (validated, atomic, history, undo).

    Republishing the same session and poll replaces its rows: only those may be removed.
    Raises :class:`mc2cm.store.SaveRefused` (nothing written) like any other save.
    """
    spec = package_spec(data_dir)
    existing, _ = current_rows(data_dir)
    merged, removed = replace_poll_rows(existing, rows, session_id, poll_id)
    data = store.rows_to_bytes(spec.table(TABLE), list(merged))
    return store.save_table(data_dir, TABLE, data, who=who, expected_version=expected_version,
                            action=f"publish {session_id} {poll_id}", allow_removals=removed)


# --- wording -----------------------------------------------------------------------------------


def ordinal(n: int, lang: str) -> str:
    """1st, 2nd, 3rd, 11th (English); 1er, 2e (French); 1 (Arabic says "rank 1"): CLDR's ordinal rules."""
    form = Locale.parse(babel_locale(lang)).ordinal_form(n)
    return t(ORDINAL_KEYS.get(form, "room.ordinal.other"), lang, n=n)


_FRENCH = frozenset(("le", "la", "les", "des", "du", "de", "un", "une", "et", "est", "pour", "dans", "sur", "avec",
                     "au", "aux", "qui", "que", "ne", "pas", "nous", "vous", "ils", "leur", "leurs", "ces", "cette",
                     "comment", "quels", "quelles", "quel", "quelle", "entre", "plus", "être", "faire"))
_ENGLISH = frozenset(("the", "and", "of", "to", "is", "are", "for", "in", "on", "with", "a", "an", "how", "what",
                      "which", "who", "we", "you", "they", "their", "these", "this", "between", "more", "be", "do",
                      "does", "can", "should", "from"))
_FRENCH_LETTERS = frozenset("àâçéèêëîïôûùüÿœæ")


def latin_language(text: str, fallback: str) -> str:
    """``fr`` or ``en`` for a post in Latin script, by its small words and accents; ``fallback`` when unclear.

    Good enough to mark a delegate's one-line idea for screen readers and translators (``text_lang``);
    the facilitator's choice of ``fallback`` decides a tie.
    """
    words = [w.strip(".,;:!?«»\"'()").lower() for w in text.replace("'", " ").replace("’", " ").split()]
    french = sum(w in _FRENCH for w in words) + 2 * sum(ch in _FRENCH_LETTERS for ch in text.lower())
    english = sum(w in _ENGLISH for w in words)
    if french > english:
        return "fr"
    if english > french:
        return "en"
    return fallback


def session_label(row: Row, events: pd.DataFrame, lang: str) -> str:
    """The session in words: its name as given, else its event's name, else "Room session of <date>".

    Never the session id: a slug such as ``walk-default`` is the facilitator's handle, not words for a reader.
    """
    name = str(row.get("session_name") or "")
    if name:
        return name
    event_id = str(row.get("event_id") or "")
    if event_id and event_id in events.index:
        named = text(events.loc[event_id], "name", lang)
        if named:
            return named
    try:
        published = dt.date.fromisoformat(str(row.get("published") or "")[:10])
    except ValueError:
        return t("room.session_undated", lang)
    return t("room.session_on", lang, date=fmt_date(published, lang))


def _measure_total(frame: pd.DataFrame, row: Row) -> int:
    same = ((frame["session_id"] == row["session_id"]) & (frame["poll_id"] == row["poll_id"])
            & (frame["measure"] == row["measure"]))
    return int(same.sum())


def _scale(polls: pd.DataFrame, poll_id: str) -> int:
    """The top of a rating poll's scale (polls.csv ``scale``; empty: 5)."""
    if poll_id not in polls.index or "scale" not in polls.columns:
        return DEFAULT_SCALE
    row = polls.loc[poll_id]
    value = _cell_text(row, "scale") if isinstance(row, pd.Series) else ""
    return int(float(value)) if value not in ("", "<NA>", "nan") else DEFAULT_SCALE


def results_about(data: Dataset, table: str, record_id: str) -> pd.DataFrame:
    """The published headline rows about one record (``recommendations``, ``challenges`` …), best first,
    each session apart: what its page, its brief and the API say."""
    if TABLE not in data.tables:
        return pd.DataFrame()
    frame = data[TABLE]
    column = next((fk.column for fk in data.spec.table(TABLE).foreign_keys if fk.table == table), "")
    if frame.empty or not column:
        return frame.iloc[0:0]
    headline = frame["kind"].map(lambda kind: MEASURES.get(str(kind), ("",))[0])
    mine = frame[(frame[column] == record_id) & (frame["measure"] == headline)]
    return mine.sort_values(["published", "session_id", "poll_id", "rank"], ascending=[False, True, True, True],
                            kind="stable")


def _number(row: Row, column: str) -> float:
    value = _cell_text(row, column)
    return float(value) if value not in ("", "<NA>", "nan") else 0.0


def result_line(data: Dataset, row: Row, lang: str) -> str:
    """One published result in words: "Sfax session: ranked 1st of 5 by 42 delegates".

    The session name and a delegate's text are isolated (they may be in another script).
    """
    frame = data[TABLE]
    session = isolate(session_label(row, data["events"], lang))
    n, rank, value = (int(_number(row, "n")), int(_number(row, "rank")), _number(row, "value"))
    measure = str(row.get("measure") or "")
    total = _measure_total(frame, row)
    if measure == "upvotes":
        key = "room.line.question" if row.get("kind") == "questions" else "room.line.idea"
        return tn(key, int(value), lang, session=session, text=isolate(row.get("text") or ""))
    if measure == "mean_rating":
        return tn("room.line.rated", n, lang, session=session, total=total, place=ordinal(rank, lang),
                  value=fmt_number(round(value, 1), lang), scale=_scale(data["polls"], str(row.get("poll_id"))))
    return tn("room.line.ranked", n, lang, session=session, place=ordinal(rank, lang), total=total)


def subject_label(data: Dataset, row: Row, lang: str) -> str:
    """What a row is about, in words: the record's title or name, the area, or the room's own text."""
    if row.get("text"):
        return str(row["text"])
    tspec = data.spec.table(TABLE)
    for fk in tspec.foreign_keys:
        value = str(row.get(fk.column) or "")
        if value and fk.column not in ("event_id", "poll_id") and value in data[fk.table].index:
            record = data[fk.table].loc[value]
            return next((text(record, base, lang) for base in ("title", "name", "text") if text(record, base, lang)),
                        value)
    for fspec in tspec.fields:
        value = str(row.get(fspec.name) or "")
        if value and fspec.vocabulary == "area":
            return label("area", value, lang)
    return ""
