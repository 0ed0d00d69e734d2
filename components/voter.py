"""Which browser is voting: a token the server signs, kept in a first-party cookie so a reload keeps it."""

from __future__ import annotations

import streamlit as st

from components.auth import client
from mc2cm.voters import client_tag, new_token, shared_secret, verified_voter

COOKIE = "mc2cm_voter"


def voter_id() -> str:
    """The same id for every tab and reload of one browser (until cookies are cleared).

    A cookie the server did not sign is ignored: it cannot stand for another voter.
    """
    secret = shared_secret()
    voter = verified_voter(st.context.cookies.get(COOKIE), secret)
    if voter:
        return voter
    token = st.session_state.get(COOKIE)
    voter = verified_voter(token, secret)
    if voter is None:
        token = new_token(secret)
        voter = verified_voter(token, secret)
        st.session_state[COOKIE] = token
    # The iframe shares the app's origin, so it can set the app's cookie. The token is hex and a dot.
    st.iframe(f"<script>document.cookie = '{COOKIE}={token}; path=/; max-age=31536000; SameSite=Lax';</script>",
              height=1)
    assert voter is not None  # noqa: S101 - a token we just signed verifies
    return voter


def client_key() -> str:
    """This session's client address as a keyed hash (ballots per address, without keeping addresses)."""
    return client_tag(shared_secret(), client())
