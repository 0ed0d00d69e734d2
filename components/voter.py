"""Which browser is voting: a random id in a first-party cookie, so a reload keeps it."""

from __future__ import annotations

import re
import uuid

import streamlit as st

COOKIE = "mc2cm_voter"
_VALID = re.compile(r"^[0-9a-f]{32}$")


def voter_id() -> str:
    """The same id for every tab and reload of one browser (until cookies are cleared)."""
    cookie = st.context.cookies.get(COOKIE, "")
    if isinstance(cookie, str) and _VALID.match(cookie):
        st.session_state[COOKIE] = cookie
        return cookie
    voter = st.session_state.get(COOKIE) or uuid.uuid4().hex
    st.session_state[COOKIE] = voter
    # The component iframe shares the app's origin, so it can set the app's cookie.
    st.iframe(f"<script>document.cookie = '{COOKIE}={voter}; path=/; max-age=31536000; SameSite=Lax';</script>",
              height=1)
    return voter
