"""Staff sign-in for pages that write. Lasts for the browser session only."""

from __future__ import annotations

import os
import time

import streamlit as st

from components.layout import UI
from mc2cm.auth import MIN_PASSWORD_LENGTH, PASSWORD_ENV, Throttle, password_matches

STAFF_KEY = "mc2cm_staff"


@st.cache_resource
def _throttle() -> Throttle:
    """One brake for the whole process: a new tab does not reset it."""
    return Throttle()


def configured_password() -> str | None:
    """From ``st.secrets`` (``.streamlit/secrets.toml``) or ``$MC2CM_ADMIN_PASSWORD``."""
    try:
        value = st.secrets.get(PASSWORD_ENV)
    except (FileNotFoundError, KeyError, RuntimeError, st.errors.StreamlitSecretNotFoundError):
        value = None
    value = value or os.environ.get(PASSWORD_ENV)
    return str(value) if value else None


def signed_in() -> str | None:
    """The staff member's name, or None."""
    name = st.session_state.get(STAFF_KEY)
    return name if isinstance(name, str) and name else None


def sign_out() -> None:
    st.session_state.pop(STAFF_KEY, None)


def _source() -> str:
    try:
        return st.context.ip_address or "local"
    except (AttributeError, RuntimeError):
        return "local"


def sign_in_panel(ui: UI) -> str | None:
    """The signed-in name; otherwise draws the sign-in form (or how to configure it)."""
    name = signed_in()
    if name:
        with st.sidebar:
            st.caption(ui.t("auth.signed_in_as", name=name))
            st.button(ui.t("auth.sign_out"), on_click=sign_out, key="sign_out", icon=":material/logout:")
        return name
    expected = configured_password()
    if not expected:
        st.warning(ui.t("auth.not_configured"), icon=":material/lock:")
        st.code(f'export {PASSWORD_ENV}="a long passphrase"\n# or in .streamlit/secrets.toml:\n'
                f'{PASSWORD_ENV} = "a long passphrase"', language="bash")
        return None
    if len(expected) < MIN_PASSWORD_LENGTH:
        st.warning(ui.t("auth.weak_password"), icon=":material/warning:")
    with st.form("sign_in"):
        st.subheader(ui.t("auth.title"))
        who = st.text_input(ui.t("auth.name"), key="auth_name", max_chars=60)
        given = st.text_input(ui.t("auth.password"), type="password", key="auth_password", max_chars=200)
        submitted = st.form_submit_button(ui.t("auth.submit"), icon=":material/login:")
    if submitted:
        throttle, source = _throttle(), _source()
        delay = throttle.delay(source)
        if delay:
            with st.spinner(ui.t("auth.slowed", seconds=int(delay))):
                time.sleep(delay)
        if not who.strip():
            st.error(ui.t("auth.need_name"))
        elif password_matches(given, expected):
            throttle.succeeded(source)
            st.session_state[STAFF_KEY] = who.strip()
            st.rerun()
        else:
            throttle.failed(source)
            st.error(ui.t("auth.wrong"))
    return None
