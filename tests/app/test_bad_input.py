"""Bad URLs and bad data never show a traceback: every page (found by glob) runs and says what is wrong."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from mc2cm import loading
from mc2cm.i18n import t
from mc2cm.validation import Problem, validate_dir
from mc2cm.votes import OPEN, SQLiteVoteStore
from tests.app.support import open_page

ROOT = Path(__file__).resolve().parents[2]
MINIMAL = ROOT / "tests" / "fixtures" / "minimal"
PAGES = ["app.py", *sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py"))]
POLL = "top-three-priorities"

BAD_PARAMS: list[dict[str, str | list[str]]] = [
    {"scene": "999"}, {"scene": "abc"}, {"scene": ""}, {"scene": ["priorities", "context"]},
    {"poll": ""}, {"poll": "no-such-poll"}, {"poll": [POLL, "no-such-poll"]},
    {"id": "no-such-id"}, {"id": ""}, {"id": ["brital-response", "red-cross-network"]},
    {"lang": "xx"}, {"lang": ["fr", "ar"]}, {"lang": ""},
    {"area": ["", ",", "emergency_aid,emergency_aid"], "country": ["lb", "ZZ", "L"]},
    {"q": "x" * 5000}, {"q": "\u202e\u0000%00"}, {"view": "table", "page_cards": "-1", "page_table": "abc"},
]



def assert_no_traceback(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not [e.value for e in at.error if "Traceback" in e.value or "File \"" in e.value]


@pytest.fixture
def votes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> SQLiteVoteStore:
    path = tmp_path / "votes.sqlite3"
    monkeypatch.setenv("MC2CM_VOTES_DB", str(path))
    store = SQLiteVoteStore(path)
    store.set_status(POLL, OPEN)
    return store


@pytest.mark.parametrize("params", BAD_PARAMS, ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items())[:40])
@pytest.mark.parametrize("page", PAGES)
def test_bad_url_parameters_never_raise(page: str, params: dict[str, str | list[str]], votes: SQLiteVoteStore,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MC2CM_DATA_DIR", str(MINIMAL))
    assert_no_traceback(open_page(page, params))


# --- data the validator refuses --------------------------------------------------


def broken_copy(tmp_path: Path, file: str, old: str, new: str) -> Path:
    data = tmp_path / "data"
    shutil.copytree(MINIMAL, data)
    path = data / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return data


def refused(problems: list[Problem]) -> list[tuple[str, int | None, str | None, str]]:
    return [(p.file, p.row, p.column, p.code) for p in problems if p.severity == "error"]


BROKEN = {
    "no-choice poll": ("polls.csv", f"{POLL},dot_vote,priorities,3,", f"{POLL},dot_vote,priorities,0,",
                       ("polls.csv", 2, "max_choices", "constraint-error")),
    "event in an unknown city": ("events.csv", "ورشة,sfax,", "ورشة,atlantis,",
                                 ("events.csv", 2, "city_id", "dangling-reference")),
    "event's city refused": ("cities.csv", "TN,34.7406,", "TN,134.7406,",
                             ("cities.csv", 2, "latitude", "constraint-error")),
}
VIEWS = [(page, {}) for page in PAGES] + [("pages/vote.py", {"poll": POLL}),
                                          ("pages/present.py", {"scene": "context"}),
                                          ("pages/present.py", {"scene": "priorities"})]


@pytest.mark.parametrize(("page", "params"), VIEWS, ids=str)
@pytest.mark.parametrize("case", list(BROKEN))
def test_refused_data_shows_a_message_not_a_traceback(case: str, page: str, params: dict[str, str],
                                                      tmp_path: Path, votes: SQLiteVoteStore,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    file, old, new, problem = BROKEN[case]
    data = broken_copy(tmp_path, file, old, new)
    assert problem in refused(validate_dir(data))
    monkeypatch.setenv("MC2CM_DATA_DIR", str(data))
    at = open_page(page, {"lang": "en", **params})
    assert_no_traceback(at)
    assert t("data.problem_banner", "en") in [w.value for w in at.warning]


def test_a_refused_row_is_left_out_and_the_rest_loads(tmp_path: Path) -> None:
    data = broken_copy(tmp_path, *BROKEN["no-choice poll"][:3])
    loaded = loading.load_dataset(data)
    assert not loaded.valid
    assert POLL not in loaded["polls"].index
    assert len(loaded["scenes"]) == 3
    assert len(loaded.initiatives) == 2


def test_control_with_refused_rows_kept_the_ballot_raises(tmp_path: Path, votes: SQLiteVoteStore,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    file, old, new, _ = BROKEN["no-choice poll"]
    monkeypatch.setenv("MC2CM_DATA_DIR", str(broken_copy(tmp_path, file, old, new)))
    monkeypatch.setattr(loading, "without_refused_rows", lambda table, _: table)  # the guard removed
    at = open_page("pages/vote.py", {"lang": "en", "poll": POLL})
    assert at.exception


def test_the_present_page_leaves_an_unknown_city_unnamed(tmp_path: Path, votes: SQLiteVoteStore,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The event's own row kept (the loader's guard removed): the page's guard still holds."""
    file, old, new, _ = BROKEN["event in an unknown city"]
    monkeypatch.setenv("MC2CM_DATA_DIR", str(broken_copy(tmp_path, file, old, new)))
    monkeypatch.setattr(loading, "without_refused_rows", lambda table, _: table)
    at = open_page("pages/present.py", {"lang": "en", "scene": "context"})
    assert_no_traceback(at)
    assert at.subheader[0].value == "25 June 2019 – 26 June 2019"
