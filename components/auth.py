"""Staff sign-in for pages that write. Lasts for the browser session only."""

from __future__ import annotations

import math
import os

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from components.layout import UI
from mc2cm.auth import (
    BRAKE,
    MIN_PASSWORD_LENGTH,
    PASSWORD_ENV,
    STAFF_SESSIONS,
    clean_name,
    client_address,
    password_matches,
    trusted_proxies,
)
from mc2cm.plaintext import escape_markdown

STAFF_KEY = "mc2cm_staff"


def configured_password() -> str | None:
    """From ``st.secrets`` (``.streamlit/secrets.toml``) or ``$MC2CM_ADMIN_PASSWORD``."""
    try:
        value = st.secrets.get(PASSWORD_ENV)
    except (FileNotFoundError, KeyError, RuntimeError, st.errors.StreamlitSecretNotFoundError):
        value = None
    value = value or os.environ.get(PASSWORD_ENV)
    return str(value) if value else None


def _session_id() -> str | None:
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else None


def signed_in() -> str | None:
    """The staff member's name, or None."""
    name = st.session_state.get(STAFF_KEY)
    if isinstance(name, str) and name:
        session = _session_id()
        if session:
            STAFF_SESSIONS.add(session)  # this session may upload files
        return name
    return None


def sign_out() -> None:
    st.session_state.pop(STAFF_KEY, None)
    session = _session_id()
    if session:
        STAFF_SESSIONS.discard(session)


def client() -> str:
    """The address this session comes from; ``X-Forwarded-For`` only from a trusted proxy."""
    try:
        peer = st.context.ip_address
        forwarded = st.context.headers.get("X-Forwarded-For")
    except (AttributeError, RuntimeError, KeyError):
        peer, forwarded = None, None
    return client_address(peer if isinstance(peer, str) else None,
                          forwarded if isinstance(forwarded, str) else None, trusted_proxies())


def sign_in_panel(ui: UI) -> str | None:
    """The signed-in name; otherwise draws the sign-in form (or how to configure it)."""
    name = signed_in()
    if name:
        with st.sidebar:
            st.caption(ui.t("auth.signed_in_as", name=escape_markdown(name)))
            st.button(ui.t("auth.sign_out"), on_click=sign_out, key="sign_out", icon=":material/logout:")
        return name
    expected = configured_password()
    if not expected:
        st.warning(ui.t("auth.not_configured"), icon=":material/lock:")
        example = ui.t("auth.example_passphrase")
        st.code(f'export {PASSWORD_ENV}="{example}"\n# {ui.t("auth.or_in_secrets")}\n{PASSWORD_ENV} = "{example}"',
                language=None, wrap_lines=True)  # plain: highlighting fails contrast
        return None
    if len(expected) < MIN_PASSWORD_LENGTH:
        st.warning(ui.t("auth.weak_password"), icon=":material/warning:")
    with st.form("sign_in"):
        st.subheader(ui.t("auth.title"))
        who = st.text_input(ui.t("auth.name"), key="auth_name", max_chars=60)
        given = st.text_input(ui.t("auth.password"), type="password", key="auth_password", max_chars=200)
        submitted = st.form_submit_button(ui.t("auth.submit"), icon=":material/login:")
    if submitted:
        name = clean_name(who)
        if not name:
            st.error(ui.t("auth.need_name"))
            return None
        verdict = BRAKE.attempt(client(), name, lambda: password_matches(given, expected))
        if verdict.accepted:
            st.session_state[STAFF_KEY] = name
            signed_in()
            st.rerun()
        elif verdict.checked and verdict.wait <= 0:
            st.error(ui.t("auth.wrong"))
        elif verdict.checked:
            st.error(ui.t("auth.wrong_wait", seconds=math.ceil(verdict.wait)))
        else:
            st.error(ui.t("auth.slowed", seconds=math.ceil(verdict.wait)))
    return None
