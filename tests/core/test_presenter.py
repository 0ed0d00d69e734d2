"""The presenter's cue: one scene for the room, shared by every window, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from mc2cm.presenter import PUBLIC_BASE, Cue, SceneBoard, timer_text
from mc2cm.scenes import QR_DESIGN_DISTANCE_M, qr_png, qr_scale, qr_side_px
from mc2cm.votes import open_vote_store
from tests.postgres import pg_bin, temporary_postgres


@pytest.fixture(params=["sqlite", "postgres"])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield str(tmp_path / "votes.sqlite3")
        return
    if pg_bin() is None:
        pytest.skip("PostgreSQL is not installed (bash scripts/setup.sh --dev installs it)")
    with temporary_postgres() as url:
        yield url


def test_two_windows_share_the_cue_and_every_step_counts(target: str) -> None:
    presenter, projector = SceneBoard(open_vote_store(target)), SceneBoard(open_vote_store(target))
    assert projector.cue() is None  # nobody presented yet: the projector keeps its own scene
    first = presenter.show("context-and-participants")
    assert (first.scene_id, first.step) == ("context-and-participants", 1)
    presenter.show("three-areas-of-work")
    back = presenter.show("context-and-participants")
    seen = projector.cue()
    assert seen is not None
    assert (seen.scene_id, seen.step) == ("context-and-participants", 3)  # back to a scene is a new step too
    assert seen.started_at == first.started_at  # the timer runs from the first cue
    presenter.restart_timer()
    restarted = projector.cue()
    assert restarted is not None
    assert restarted.started_at >= first.started_at
    assert (restarted.scene_id, restarted.step) == (back.scene_id, back.step)  # a restart is not a step


def test_the_public_address_is_shared(target: str) -> None:
    presenter, projector = SceneBoard(open_vote_store(target)), SceneBoard(open_vote_store(target))
    assert projector.setting(PUBLIC_BASE) == ""
    presenter.set_setting(PUBLIC_BASE, "http://10.42.0.1:8501")
    presenter.set_setting(PUBLIC_BASE, "http://192.168.1.20:8501")
    assert projector.setting(PUBLIC_BASE) == "http://192.168.1.20:8501"


def test_elapsed_time_and_its_text() -> None:
    start = dt.datetime(2026, 6, 25, 9, 0, tzinfo=dt.UTC)
    cue = Cue("x", 1, start)
    assert cue.elapsed(start + dt.timedelta(minutes=12, seconds=5)) == 725
    assert cue.elapsed(start - dt.timedelta(seconds=30)) == 0  # a clock set back never counts down
    assert [timer_text(s) for s in (0, 59, 60, 725, 3725)] == ["00:00", "00:59", "01:00", "12:05", "1:02:05"]


def test_the_qr_code_is_sized_for_the_back_row() -> None:
    # 13 m away, a 6H screen (2.17 m high), the 10:1 rule: a 1.3 m code, 0.6 of the screen height.
    assert QR_DESIGN_DISTANCE_M == 13.0
    assert qr_side_px() == 648
    assert qr_side_px(lines=720) == 432
    url = "http://10.42.0.1:8501/ballot?poll=top-three-priorities"
    scale = qr_scale(url, qr_side_px())
    import io  # noqa: PLC0415

    from PIL import Image  # noqa: PLC0415

    width = Image.open(io.BytesIO(qr_png(url, scale=scale))).width
    assert width >= 648  # drawn at least as large as shown: the browser never blows it up
    assert Image.open(io.BytesIO(qr_png(url, scale=scale - 1))).width < 648  # and no larger than it needs
