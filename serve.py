"""Entry point: the dashboard behind its front door (``streamlit run serve.py``, or uvicorn serve:app).

``app.py`` and ``pages/`` are the Streamlit app as before, deep links included;
``web/`` adds what a plain ``streamlit run app.py`` cannot: security headers on
every response and guarded internal endpoints.
"""

from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware

from web.frontdoor import FrontDoor

app = st.App(Path(__file__).with_name("app.py"), middleware=[Middleware(FrontDoor)])
