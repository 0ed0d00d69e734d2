"""Kinds of poll as data: the schema's vocabulary, the shipped polls, the validator, the results export."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from mc2cm.loading import load_dataset
from mc2cm.polls import poll_spec, ranking_from_form, results_rows, scores_from_form
from mc2cm.schema import package_spec, vocabulary_problems
from mc2cm.validation import validate_dir
from mc2cm.votes import APPROVED, HIDDEN, Post

ROOT = Path(__file__).resolve().parents[2]
KINDS = ("dot_vote", "single_choice", "ranking", "rating", "questions", "ideas")
AT = dt.datetime(2027, 3, 1, 9, 30, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def data():
    return load_dataset(ROOT / "data")


def test_the_kinds_are_a_vocabulary_with_labels_in_three_languages() -> None:
    spec = package_spec()
    assert spec.vocabulary("poll_kind").codes == KINDS
    assert spec.table("polls").field("kind").enum == KINDS
    assert spec.vocabulary("moderation").codes == ("pre", "post")
    assert vocabulary_problems(spec) == []


def test_every_kind_has_a_shipped_poll(data) -> None:
    polls = data["polls"]
    assert len(polls) >= len(KINDS)
    assert set(polls["kind"]) == set(KINDS)
    assert [p for p in validate_dir(ROOT / "data") if p.file == "polls.csv" and p.severity == "error"] == []


def test_the_ranking_offers_the_same_options_as_the_dot_vote(data) -> None:
    assert poll_spec(data, "rank-the-priorities", "en").options == poll_spec(data, "top-three-priorities", "en").options
    ranking = poll_spec(data, "rank-the-priorities", "fr")
    assert (ranking.kind, ranking.places) == ("ranking", 5)


def test_a_rating_a_question_and_an_idea_read_their_limits(data) -> None:
    rating = poll_spec(data, "rate-the-key-messages", "ar")
    assert (rating.scale, len(rating.options)) == (5, 5)
    questions = poll_spec(data, "questions-to-the-panel", "en")
    assert (questions.options, questions.max_length, questions.moderation, questions.takes_posts) == ([], 280, "pre", True)
    ideas = poll_spec(data, "ideas-for-the-priorities", "fr")
    assert ("priority-pragmatism", "Pragmatisme") in ideas.tags
    assert poll_spec(data, "no-such-poll", "en") is None


def broken_copy(tmp_path: Path, row: str) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(ROOT / "data", folder, ignore=shutil.ignore_patterns(".history"))
    with (folder / "polls.csv").open("a", encoding="utf-8") as fh:
        fh.write(row + "\n")
    return folder


def test_a_ranking_without_options_is_refused(tmp_path: Path) -> None:
    folder = broken_copy(tmp_path, "rank-nothing,ranking,,3,,,,,Rank?,Classez ?,رتّب؟")
    found = [(p.file, p.column, p.code) for p in validate_dir(folder) if p.severity == "error"]
    assert found == [("polls.csv", "options", "required-when")]


def test_control_a_questions_poll_without_options_is_fine(tmp_path: Path) -> None:
    """Control for the test above: the rule is about the kind, not about every empty options cell."""
    folder = broken_copy(tmp_path, "more-questions,questions,,1,,,,,Ask,Demandez,اسأل")
    assert [p for p in validate_dir(folder) if p.severity == "error"] == []


def test_an_unknown_kind_or_moderation_is_refused(tmp_path: Path) -> None:
    folder = broken_copy(tmp_path, "odd,word_cloud,,1,,,sometimes,,Q,Q,Q")
    found = sorted((p.column, p.code) for p in validate_dir(folder) if p.severity == "error")
    assert [column for column, _ in found] == ["kind", "moderation"]


def test_ranking_and_rating_forms(data) -> None:
    ranking = poll_spec(data, "rank-the-priorities", "en")
    ranked, problem = ranking_from_form({"rank-priority-pragmatism": "1", "rank-priority-legal-framework": "1"}, ranking)
    assert (ranked, problem.key, problem.values["rank"]) == ([], "ballot.rank_twice", 1)
    rating = poll_spec(data, "rate-the-key-messages", "en")
    assert scores_from_form({"score-key-message-2-information-sharing": "3", "score-key-message-1-legal-frameworks": ""},
                            rating) == ({"key-message-2-information-sharing": 3}, None)


def test_every_kinds_export_carries_the_question_the_options_n_and_the_time(data) -> None:
    ranking = poll_spec(data, "rank-the-priorities", "en")
    columns, rows = results_rows(ranking, "sfax-2027", 2, rankings=[["priority-pragmatism", "priority-legal-framework"],
                                                                   ["priority-pragmatism"]], at=AT)
    first = dict(zip(columns, rows[0], strict=True))
    assert (first["question"], first["respondents"], first["exported_at"]) == (ranking.question, 2, "2027-03-01T09:30:00+00:00")
    by_option = {r[columns.index("option")]: dict(zip(columns, r, strict=True)) for r in rows}
    assert len(by_option) == 5
    assert (by_option["priority-pragmatism"]["n"], by_option["priority-pragmatism"]["borda"],
            by_option["priority-pragmatism"]["place"]) == (2, 8, 1)

    rating = poll_spec(data, "rate-the-key-messages", "fr")
    columns, rows = results_rows(rating, "sfax-2027", 1, ratings=[{"key-message-1-legal-frameworks": 4}], at=AT)
    assert columns[-6:] == ["score_1", "score_2", "score_3", "score_4", "score_5", "exported_at"]
    first = dict(zip(columns, rows[0], strict=True))
    assert first["option"] == "key-message-1-legal-frameworks"
    assert (first["label"], first["n"], first["mean"], first["score_4"], first["score_5"]) == \
        (rating.label("key-message-1-legal-frameworks"), 1, 4.0, 1, 0)
    assert first["label"]

    questions = poll_spec(data, "questions-to-the-panel", "en")
    posts = [Post("p1", "q", "Budget?", "", APPROVED, False, False, "2027-03-01T09:00:00", 3),
             Post("p2", "q", "Hidden", "", HIDDEN, False, False, "2027-03-01T09:01:00", 0)]
    columns, rows = results_rows(questions, "sfax-2027", 4, posts=posts, at=AT)
    assert [(r[columns.index("label")], r[columns.index("upvotes")], r[columns.index("status")]) for r in rows] == \
        [("Budget?", 3, "approved"), ("Hidden", 0, "hidden")]
    assert "voter" not in " ".join(columns)

    dots = poll_spec(data, "top-three-priorities", "en")
    columns, rows = results_rows(dots, "sfax-2027", 1, tally={"priority-pragmatism": 1}, at=AT)
    assert {r[columns.index("option")]: r[columns.index("votes")] for r in rows}["priority-pragmatism"] == 1
