"""The room's results as data: rows from aggregates, ranks with ties, publishing through the one save path,
sessions kept apart, and the wording in three languages."""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from mc2cm import room_results as rr
from mc2cm import store
from mc2cm.brief import brief_context
from mc2cm.filters import Selection
from mc2cm.i18n import fmt_date, text
from mc2cm.loading import Dataset, load_dataset
from mc2cm.schema import package_spec
from mc2cm.validation import validate_dir
from mc2cm.votes import CLOSED, OPEN, SQLiteVoteStore
from web.api import answer

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
POLL = "top-three-priorities"  # a dot vote over the priorities (recommendations.csv)
DAY = dt.date(2027, 3, 4)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA, target, ignore=shutil.ignore_patterns(".history", ".lock"))
    return target


@pytest.fixture(scope="module")
def shipped() -> Dataset:
    return load_dataset(DATA)


def priorities(data: Dataset) -> list[str]:
    return [value for value, _ in rr.poll_options(data, "priorities", "en")]


def dot_vote(data: Dataset, tally: dict[str, int], n: int) -> rr.PollResults:
    options = priorities(data)
    return rr.PollResults(POLL, "dot_vote", n, scores=rr.votes_scores(options, tally),
                          option_column=rr.subject_column(data.spec, "priorities"))


def file_rows(data_dir: Path) -> list[dict[str, str]]:
    with (data_dir / "room_results.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


# --- the shipped table ---------------------------------------------------------------------------


def test_the_shipped_table_has_a_header_only_no_room_session_has_run() -> None:
    spec = package_spec(DATA)
    lines = (DATA / "room_results.csv").read_text(encoding="utf-8").splitlines()
    assert lines == [",".join(spec.table("room_results").column_names)]


def test_room_results_is_room_input_not_document_content() -> None:
    spec = package_spec(DATA)
    tspec = spec.table("room_results")
    assert tspec.room_input
    assert not tspec.has("source_id")
    assert not tspec.has("quote_ar")
    assert list(tspec.field("origin").enum) == ["room_input"]
    # control: the document tables are not room input
    assert not spec.table("recommendations").room_input


def test_the_schema_says_which_column_each_option_set_goes_to(shipped: Dataset) -> None:
    spec = shipped.spec
    assert rr.subject_column(spec, "priorities") == "recommendation_id"
    assert rr.subject_column(spec, "key_messages") == "recommendation_id"
    assert rr.subject_column(spec, "cso_roles") == "cso_role_id"
    assert rr.subject_column(spec, "guiding_questions") == "guiding_question_id"
    assert rr.subject_column(spec, "areas") == "area"
    assert rr.subject_column(spec, "") == ""


# --- rows and ranks ------------------------------------------------------------------------------


def test_competition_ranks_share_a_place_and_skip_the_next() -> None:
    assert rr.competition_ranks([9, 7, 7, 3]) == [1, 2, 2, 4]
    assert rr.competition_ranks([5, 5, 5]) == [1, 1, 1]
    assert rr.competition_ranks([1.5, 2.0, 1.5], lower_is_better=True) == [1, 3, 1]
    assert rr.competition_ranks([]) == []


def test_rows_from_a_fixed_tally(shipped: Dataset) -> None:
    first, second, third, *rest = priorities(shipped)
    rows = rr.result_rows(dot_vote(shipped, {first: 30, second: 12, third: 12}, 42),
                          rr.Session("sfax-2027-03", "Sfax"), DAY)
    assert [(r["recommendation_id"], r["value"], r["rank"]) for r in rows] == (
        [(first, "30", "1"), (second, "12", "2"), (third, "12", "2")] + [(r, "0", "4") for r in rest])
    assert {(r["n"], r["measure"], r["kind"], r["origin"], r["published"], r["session_id"]) for r in rows} == {
        ("42", "votes", "dot_vote", "room_input", "2027-03-04", "sfax-2027-03")}
    assert rows[0]["id"] == f"sfax-2027-03-{POLL}-{first}-votes"
    # deterministic: the same results give the same rows
    assert rr.result_rows(dot_vote(shipped, {first: 30, second: 12, third: 12}, 42),
                          rr.Session("sfax-2027-03", "Sfax"), DAY) == rows


def test_ranking_rows_give_borda_and_mean_rank_with_ties(shipped: Dataset) -> None:
    a, b, c = priorities(shipped)[:3]
    scores = rr.ranking_scores([a, b, c], [(a, b, c), (b, a, c), (a, c)])
    results = rr.PollResults("rank-the-priorities", "ranking", 3, scores=scores, option_column="recommendation_id")
    rows = rr.result_rows(results, rr.Session("s1"), DAY)
    borda = {r["recommendation_id"]: (r["value"], r["rank"]) for r in rows if r["measure"] == "borda"}
    mean = {r["recommendation_id"]: (r["value"], r["rank"]) for r in rows if r["measure"] == "mean_rank"}
    assert borda == {a: ("5", "1"), b: ("3", "2"), c: ("1", "3")}  # 2+1+2, 1+2+0, 0+0+1
    assert mean == {a: ("1.33", "1"), b: ("1.5", "2"), c: ("2.67", "3")}  # lower is better


def test_rating_rows_give_the_mean(shipped: Dataset) -> None:
    a, b = priorities(shipped)[:2]
    scores = rr.rating_scores([a, b], [{a: 5, b: 3}, {a: 4, b: 3}, {b: 9}])  # 9 is off the scale
    rows = rr.result_rows(rr.PollResults("p", "rating", 3, scores=scores, option_column="recommendation_id"),
                          rr.Session("s1"), DAY)
    assert [(r["recommendation_id"], r["measure"], r["value"], r["rank"]) for r in rows] == [
        (a, "mean_rating", "4.5", "1"), (b, "mean_rating", "3", "2")]


def test_kept_ideas_become_rows_marked_as_room_input_with_their_language() -> None:
    kept = (rr.KeptPost("Open a one-stop desk", "en", 7, "priority-pragmatism"),
            rr.KeptPost("مكتب موحد للمهاجرين", "ar", 9), rr.KeptPost("Open  a one-stop desk ", "en", 7))
    rows = rr.result_rows(rr.PollResults("ideas-for-the-priorities", "ideas", 20, posts=kept,
                                         tag_column="recommendation_id"), rr.Session("s1"), DAY)
    assert [(r["text"], r["text_lang"], r["value"], r["rank"], r.get("recommendation_id", "")) for r in rows] == [
        ("مكتب موحد للمهاجرين", "ar", "9", "1", ""), ("Open a one-stop desk", "en", "7", "2", "priority-pragmatism")]
    assert {r["origin"] for r in rows} == {"room_input"}
    assert all(r["id"].startswith("s1-ideas-for-the-priorities-idea-") for r in rows)


def test_rows_from_the_vote_store_hold_aggregates_never_ballots(shipped: Dataset, tmp_path: Path) -> None:
    votes = SQLiteVoteStore(tmp_path / "votes.sqlite3")
    first, second, *_ = priorities(shipped)
    votes.set_status(POLL, OPEN)
    ballots = {"voter-aa11": [first, second], "voter-bb22": [first], "voter-cc33": [second, first]}
    for voter, choices in ballots.items():
        votes.submit(POLL, voter, choices, client="client-xyz")
    votes.set_status(POLL, CLOSED)
    results = rr.gather(shipped, POLL, votes)
    rows = rr.result_rows(results, rr.Session("s1"), DAY)
    assert len(rows) == len(priorities(shipped))  # one per option, not one per ballot
    assert {r["n"] for r in rows} == {"3"}
    assert [(r["recommendation_id"], r["value"]) for r in rows[:2]] == [(first, "3"), (second, "2")]
    cells = " ".join(value for row in rows for value in row.values())
    assert not any(secret in cells for secret in (*ballots, "client-xyz"))
    # control: the ballots were there to be leaked
    assert {voter for voter, _, _ in votes.ballots(POLL)} == set(ballots)


def test_gather_reads_rankings_ratings_and_kept_posts_from_the_store(shipped: Dataset, tmp_path: Path) -> None:
    """The new kinds, from the vote store's own API (one session): aggregates only."""
    votes = SQLiteVoteStore(tmp_path / "votes.sqlite3").with_session("sfax-2027-03")
    polls = shipped["polls"]
    ranking = next(str(p) for p in polls.index if polls.loc[p, "kind"] == "ranking")
    rating = next(str(p) for p in polls.index if polls.loc[p, "kind"] == "rating")
    ideas = next(str(p) for p in polls.index if polls.loc[p, "kind"] == "ideas")
    for poll in (ranking, rating, ideas):
        votes.set_status(poll, OPEN)
    ranked = [v for v, _ in rr.poll_options(shipped, str(polls.loc[ranking, "options"]), "en")]
    votes.submit(ranking, "v1", ranked)
    votes.submit(ranking, "v2", list(reversed(ranked)))
    rated = [v for v, _ in rr.poll_options(shipped, str(polls.loc[rating, "options"]), "en")]
    votes.submit_scores(rating, "v1", {rated[0]: 5, rated[1]: 2})
    votes.submit_scores(rating, "v2", {rated[0]: 4})
    kept = votes.add_post(ideas, "v1", "A one-stop desk for newcomers")
    hidden = votes.add_post(ideas, "v2", "Not kept")
    votes.moderate(ideas, kept.id, status="approved")
    votes.upvote(ideas, kept.id, "v3")
    for poll in (ranking, rating, ideas):
        votes.set_status(poll, CLOSED)

    rows = rr.result_rows(rr.gather(shipped, ranking, votes), rr.Session(votes.session), DAY)
    assert {r["measure"] for r in rows} == {"borda", "mean_rank"}
    assert {r["rank"] for r in rows if r["measure"] == "borda"} == {"1"}  # two opposite orders: all tied
    assert {r["n"] for r in rows} == {"2"}
    rows = rr.result_rows(rr.gather(shipped, rating, votes), rr.Session(votes.session), DAY)
    assert [(r["value"], r["rank"]) for r in rows] == [("4.5", "1"), ("2", "2")]
    rows = rr.result_rows(rr.gather(shipped, ideas, votes, keep=[kept.id, hidden.id]), rr.Session("s"), DAY)
    assert [(r["text"], r["text_lang"], r["value"]) for r in rows] == [("A one-stop desk for newcomers", "en", "1")]
    # control: another session of the same store has nothing to publish
    other = rr.gather(shipped, rating, votes.with_session("rabat-2027-05"))
    assert (other.n, [s.value for s in other.scores]) == (0, [])


# --- publishing through the one save path ------------------------------------------------------


def test_publish_writes_through_save_table_with_history_and_undo(data_dir: Path) -> None:
    data = load_dataset(data_dir)
    first, second = priorities(data)[:2]
    rows = rr.result_rows(dot_vote(data, {first: 5, second: 2}, 6), rr.Session("sfax-2027-03"), DAY)
    result = rr.publish(data_dir, rows, "sfax-2027-03", POLL, who="Facilitator")
    assert result.diff.counts() == {"added": len(rows), "changed": 0, "removed": 0}
    assert [r["id"] for r in file_rows(data_dir)] == [r["id"] for r in rows]
    [entry] = store.history(data_dir)
    assert (entry.table, entry.who, entry.action) == ("room_results", "Facilitator", f"publish sfax-2027-03 {POLL}")
    assert [p for p in validate_dir(data_dir) if p.severity == "error"] == []
    store.restore(data_dir, "room_results", who="Facilitator")  # undo: back to the header only
    assert file_rows(data_dir) == []


def test_republishing_a_session_and_poll_replaces_its_rows(data_dir: Path) -> None:
    data = load_dataset(data_dir)
    first, second = priorities(data)[:2]
    session = rr.Session("sfax-2027-03")
    rr.publish(data_dir, rr.result_rows(dot_vote(data, {first: 5}, 5), session, DAY), session.id, POLL, who="a")
    again = rr.result_rows(dot_vote(data, {first: 5, second: 9}, 9), session, DAY)
    result = rr.publish(data_dir, again, session.id, POLL, who="a")
    written = file_rows(data_dir)
    assert len(written) == len(again)  # replaced, not duplicated
    assert {r["recommendation_id"]: r["value"] for r in written}[second] == "9"
    assert result.diff.counts()["added"] == 0


def test_sessions_stay_apart(data_dir: Path) -> None:
    data = load_dataset(data_dir)
    first, second = priorities(data)[:2]
    sfax = rr.result_rows(dot_vote(data, {first: 5, second: 1}, 5), rr.Session("sfax-2027-03", "Sfax"), DAY)
    rabat = rr.result_rows(dot_vote(data, {second: 8}, 8), rr.Session("rabat-2027-05", "Rabat"), DAY)
    rr.publish(data_dir, sfax, "sfax-2027-03", POLL, who="a")
    rr.publish(data_dir, rabat, "rabat-2027-05", POLL, who="a")
    rr.publish(data_dir, sfax[:2], "sfax-2027-03", POLL, who="a")  # republishing Sfax leaves Rabat alone
    written = file_rows(data_dir)
    assert sum(r["session_id"] == "rabat-2027-05" for r in written) == len(rabat)
    assert sum(r["session_id"] == "sfax-2027-03" for r in written) == 2
    lines = [rr.result_line(load_dataset(data_dir), row, "en")
             for _, row in rr.results_about(load_dataset(data_dir), "recommendations", second).iterrows()]
    assert sorted(lines) == sorted(["\u2068Rabat\u2069: ranked 1st of 5 by 8 delegates",
                                    "\u2068Sfax\u2069: ranked 2nd of 2 by 5 delegates"])


def test_a_publish_that_would_break_the_data_is_refused_and_writes_nothing(data_dir: Path) -> None:
    data = load_dataset(data_dir)
    rows = rr.result_rows(dot_vote(data, {}, 3), rr.Session("s1"), DAY)
    rows[0]["recommendation_id"] = "no-such-priority"
    before = (data_dir / "room_results.csv").read_bytes()
    with pytest.raises(store.SaveRefused) as refused:
        rr.publish(data_dir, rows, "s1", POLL, who="a")
    assert refused.value.code == "invalid"
    assert [(p.file, p.column, p.code) for p in refused.value.problems] == [
        ("room_results.csv", "recommendation_id", "dangling-reference")]
    assert (data_dir / "room_results.csv").read_bytes() == before
    assert store.history(data_dir) == []


def test_control_the_same_rows_written_around_the_save_path_are_caught_by_the_validator(data_dir: Path) -> None:
    """Control: without save_table's validation the bad row lands in the file; the validator reports it."""
    data = load_dataset(data_dir)
    rows = rr.result_rows(dot_vote(data, {}, 3), rr.Session("s1"), DAY)
    rows[0]["recommendation_id"] = "no-such-priority"
    spec = package_spec(data_dir).table("room_results")
    store.atomic_write(data_dir / "room_results.csv", store.rows_to_bytes(spec, list(rows)))
    assert [(p.file, p.column, p.code) for p in validate_dir(data_dir) if p.severity == "error"] == [
        ("room_results.csv", "recommendation_id", "dangling-reference")]


def test_two_rows_about_the_same_thing_in_one_session_are_refused(data_dir: Path) -> None:
    data = load_dataset(data_dir)
    rows = rr.result_rows(dot_vote(data, {}, 3), rr.Session("s1"), DAY)
    with pytest.raises(store.SaveRefused):
        rr.publish(data_dir, [*rows, dict(rows[0])], "s1", POLL, who="a")


# --- wording ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", ["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd", "101st"]),
    ("fr", ["1er", "2e", "3e", "4e", "11e", "12e", "13e", "21e", "22e", "23e", "101e"]),
    ("ar", ["1", "2", "3", "4", "11", "12", "13", "21", "22", "23", "101"]),
])
def test_ordinals_follow_cldr(lang: str, expected: list[str]) -> None:
    assert [rr.ordinal(n, lang) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101)] == expected


def published(data_dir: Path, n: int, tally: dict[int, int] | None = None) -> Dataset:
    data = load_dataset(data_dir)
    options = priorities(data)
    counts = {options[i]: v for i, v in (tally or {0: 9, 1: 4}).items()}
    rows = rr.result_rows(dot_vote(data, counts, n), rr.Session("sfax-2027-03", "Sfax"), DAY)
    rr.publish(data_dir, rows, "sfax-2027-03", POLL, who="a")
    return load_dataset(data_dir)


def line_about(data: Dataset, record: str, lang: str) -> str:
    [line] = [rr.result_line(data, row, lang) for _, row in rr.results_about(data, "recommendations", record).iterrows()]
    return line.replace("\u2068", "").replace("\u2069", "")


@pytest.mark.parametrize(("n", "en", "fr", "ar"), [
    (1, "by 1 delegate", "selon 1 délégué", "بحسب مندوب واحد"),
    (2, "by 2 delegates", "selon 2 délégués", "بحسب مندوبَين"),
    (3, "by 3 delegates", "selon 3 délégués", "بحسب 3 مندوبين"),
    (11, "by 11 delegates", "selon 11 délégués", "بحسب 11 مندوبًا"),
    (100, "by 100 delegates", "selon 100 délégués", "بحسب 100 مندوب"),
])
def test_the_line_in_three_languages_with_plural_forms(data_dir: Path, n: int, en: str, fr: str, ar: str) -> None:
    data = published(data_dir, n)
    second = priorities(data)[1]
    assert line_about(data, second, "en") == f"Sfax: ranked 2nd of 5 {en}"
    assert line_about(data, second, "fr") == f"Sfax : au 2e rang sur 5, {fr}"
    assert line_about(data, second, "ar") == f"Sfax: المرتبة 2 من 5 {ar}"


def test_the_session_is_named_by_its_event_when_it_has_no_name(data_dir: Path, shipped: Dataset) -> None:
    event_id = str(shipped["events"].index[0])
    data = load_dataset(data_dir)
    first = priorities(data)[0]
    rows = rr.result_rows(dot_vote(data, {first: 3}, 3), rr.Session("s1", "", event_id), DAY)
    rr.publish(data_dir, rows, "s1", POLL, who="a")
    data = load_dataset(data_dir)
    name_fr = str(shipped["events"].loc[event_id, "name_fr"])
    assert line_about(data, first, "fr").startswith(f"{name_fr} : au 1er rang sur 5")


def test_a_kept_idea_shows_on_the_record_it_is_tagged_to(data_dir: Path) -> None:
    data = load_dataset(data_dir)
    target = priorities(data)[2]
    rows = rr.result_rows(rr.PollResults("ideas-for-the-priorities", "ideas", 12,
                                         posts=(rr.KeptPost("A desk for newcomers", "en", 1, target),),
                                         tag_column="recommendation_id"), rr.Session("s1", "Sfax"), DAY)
    rr.publish(data_dir, rows, "s1", "ideas-for-the-priorities", who="a")
    data = load_dataset(data_dir)
    assert line_about(data, target, "en") == "Sfax, idea from the room: “A desk for newcomers” (1 upvote)"
    assert line_about(data, target, "ar") == "Sfax، فكرة من الحضور: «A desk for newcomers» (تأييد واحد)"


# --- the other doors: brief and API ------------------------------------------------------------


def test_the_brief_shows_the_room_results_of_a_recommendation(data_dir: Path) -> None:
    data = published(data_dir, 42)
    context = brief_context(data, Selection(), "en", "http://dash.example/")
    first = priorities(data)[0]
    title = str(data.recommendations.loc[first, "title_en"])
    [rec] = [r for r in context["recommendations"] if r["title"] == title]
    assert [line.replace("\u2068", "").replace("\u2069", "") for line in rec["room"]] == [
        "Sfax: ranked 1st of 5 by 42 delegates"]
    others = [r for r in context["recommendations"] if r["room"]]
    assert len(others) == len(priorities(data))  # control: only the polled records carry lines


def test_the_api_serves_the_published_rows_and_nothing_before(data_dir: Path, shipped: Dataset) -> None:
    empty = answer(shipped, "room_results.json", {}, None, "http://dash.example/")
    assert empty.status_code == 200
    assert json.loads(bytes(empty.body))["data"] == []
    data = published(data_dir, 42)
    response = answer(data, "room_results.json", {}, None, "http://dash.example/")
    body = json.loads(bytes(response.body))
    assert response.status_code == 200
    assert body["meta"]["count"] == len(priorities(data))
    first = body["data"][0]
    assert (first["session_id"], first["origin"], first["n"], first["rank"]) == ("sfax-2027-03", "room_input", 42, 1)
    csv_body = answer(data, "room_results.csv", {}, None, "http://dash.example/")
    assert csv_body.status_code == 200
    assert "sfax-2027-03" in bytes(csv_body.body).decode("utf-8-sig")



@pytest.mark.parametrize(("lang", "words"), [("en", "Room session of "), ("fr", "Séance en salle du "),
                                             ("ar", "جلسة الحضور في ")])
def test_a_session_without_a_name_is_named_by_its_date_never_by_its_id(data_dir: Path, lang: str, words: str) -> None:
    data = load_dataset(data_dir)
    options = priorities(data)
    rows = rr.result_rows(dot_vote(data, {options[0]: 3}, 3), rr.Session("walk-default", ""), DAY)
    rr.publish(data_dir, rows, "walk-default", POLL, who="a")
    data = load_dataset(data_dir)
    line = line_about(data, options[0], lang)
    assert line.startswith(words + fmt_date(DAY, lang))
    assert "walk-default" not in line
    # an event named instead gives the event's name; a session name given wins (the control of the fallback)
    named = rr.session_label({"session_id": "walk-default", "session_name": "Sfax, mars 2027"}, data["events"], lang)
    assert named == "Sfax, mars 2027"
    event = next(iter(data["events"].index))
    assert rr.session_label({"session_id": "walk-default", "event_id": event}, data["events"], lang) == \
        text(data["events"].loc[event], "name", lang)
    assert rr.session_label({"session_id": "walk-default"}, data["events"], lang) == \
        {"en": "A room session", "fr": "Une séance en salle", "ar": "جلسة مع الحضور"}[lang]


@pytest.mark.parametrize(("text", "expected"), [
    ("Publish one shared map of services for newcomers", "en"),
    ("Un guichet unique pour les nouveaux arrivants", "fr"),
    ("Qui paie le bureau de coordination ?", "fr"),
    ("Open a joint city and CSO help desk in every district", "en"),
    ("Médiation", "fr"),  # an accent alone says French
])
def test_a_latin_post_is_marked_french_or_english_by_its_words(text: str, expected: str) -> None:
    assert rr.latin_language(text, "fr") == rr.latin_language(text, "en") == expected


def test_an_unclear_latin_post_takes_the_facilitators_choice() -> None:
    assert rr.latin_language("CSO desk OK", "fr") == "fr"  # control: nothing tells, so the fallback decides
    assert rr.latin_language("CSO desk OK", "en") == "en"
