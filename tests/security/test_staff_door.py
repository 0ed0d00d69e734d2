"""The staff door, in the app: the sign-in brake survives cache clearing; uploads cannot lose a colleague's save."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from mc2cm.auth import BRAKE, SignInBrake
from tests.app.test_manage import PASSWORD, open_manage
from tests.app.test_manage import data as data  # noqa: PLC0414 - the staff page's fixture: a data copy and a password

TUNIS = "tunis,Tunis,Tunis,تونس,,TN,36.819,10.1658,true,sfax-2019-summary,Context,,,,\n"
MONASTIR = "monastir,Monastir,Monastir,المنستير,,TN,35.7643,10.8113,true,sfax-2019-summary,Context,,,,\n"


def attempt(at: AppTest, password: str) -> str:
    at.text_input(key="auth_name").set_value("Someone")
    at.text_input(key="auth_password").set_value(password)
    at.button[0].click().run()
    return " ".join(e.value for e in at.error)


def test_clearing_streamlit_caches_does_not_release_the_brake(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Waits of 30 s and more: on a loaded machine the usual 1-2 s could pass between two AppTest runs, and the
    # brake would then let an attempt through for the right reason (time), not the one tested (caches).
    monkeypatch.setattr(BRAKE, "base", 30.0)
    at = open_manage()
    for _ in range(3):
        attempt(at, "guess")
    assert "Too many failed attempts" in attempt(at, "guess")
    # What any websocket client can ask for (BackMsg.clear_cache) empties every Streamlit cache.
    st.cache_resource.clear()
    st.cache_data.clear()
    assert "Too many failed attempts" in attempt(at, PASSWORD)   # still braked, and not even checked
    other_tab = open_manage()                                      # nor does a new session reset it
    assert "Too many failed attempts" in attempt(other_tab, "guess")


def test_control_a_brake_kept_in_a_streamlit_cache_is_emptied_by_clear_cache() -> None:
    """The control: where the brake used to live, clear_cache forgets every failure."""

    @st.cache_resource
    def cached_brake() -> SignInBrake:
        return SignInBrake(free=0)

    cached_brake().attempt("127.0.0.1", "someone", lambda: False)
    assert not cached_brake().attempt("127.0.0.1", "someone", lambda: False).checked
    st.cache_resource.clear()
    assert cached_brake().attempt("127.0.0.1", "someone", lambda: False).checked


def upload_preview(at: AppTest, data: Path, extra_row: str) -> AppTest:
    at.selectbox(key="m_table").set_value("cities").run()
    content = (data / "cities.csv").read_bytes() + extra_row.encode("utf-8")
    at.file_uploader(key="upload_cities").set_value(("cities.csv", content, "text/csv")).run()
    assert any("1 added" in s.value for s in at.subheader), [s.value for s in at.subheader]
    return at


def test_two_upload_previews_cannot_both_save_the_second_is_refused(data: Path) -> None:
    first = upload_preview(attempt_sign_in(open_manage()), data, TUNIS)
    second = upload_preview(attempt_sign_in(open_manage()), data, MONASTIR)
    first.button(key="save_upload_cities").click().run()
    assert any("Saved Cities and places" in s.value for s in first.success)
    second.button(key="save_upload_cities").click().run()
    assert any("changed by someone else" in e.value for e in second.error)
    saved = (data / "cities.csv").read_text(encoding="utf-8")
    assert "tunis,Tunis" in saved          # the first save is still there
    assert "monastir" not in saved


def attempt_sign_in(at: AppTest) -> AppTest:
    assert attempt(at, PASSWORD) == ""
    return at
