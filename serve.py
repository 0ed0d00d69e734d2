"""Entry point: the dashboard behind its front door (``streamlit run serve.py``, or uvicorn serve:app).

``app.py`` and ``pages/`` are the Streamlit app as before, deep links included;
``web/`` adds what a plain ``streamlit run app.py`` cannot: security headers on
every response, guarded internal endpoints, static files sent as the brotli
or gzip copies made at set-up, fonts a phone need not download left out
and what a page will need announced early (``web/fonts.py``, ``web/startpage.py``), the light ballot page (``/ballot``),
printable briefs (``/brief``, ``/brief.pdf``), the source reader (``/sources``) and the open data API (``/api/v1/…``).
"""

import os
from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware
from starlette.routing import Route

from mc2cm.assets import FRONT_DOOR_ENV
from web.api import api
from web.ballot import ballot
from web.brief import brief
from web.compress import PrecompressedStatic
from web.fonts import LighterFonts
from web.frontdoor import FrontDoor
from web.sources import sources
from web.startpage import LighterStartPage

os.environ[FRONT_DOOR_ENV] = "1"  # pages can tell they are behind the front door (mc2cm.assets.front_door_active)
# The first is outermost: the front door's headers land on the compressed answers too.
app = st.App(Path(__file__).with_name("app.py"),
             routes=[Route("/ballot", ballot, methods=["GET", "POST"]),  # the light ballot the QR code opens
                     Route("/brief", brief, methods=["GET"]),  # the brief of a view, to print (web/brief.py)
                     Route("/brief.pdf", brief, methods=["GET"]),  # the same brief as a PDF
                     Route("/sources", sources, methods=["GET"]),  # the source documents, passage by passage
                     Route("/api/v1/{name}", api, methods=["GET"])],  # every view as data (web/api.py)
             middleware=[Middleware(FrontDoor), Middleware(LighterStartPage), Middleware(LighterFonts),
                         Middleware(PrecompressedStatic)])
