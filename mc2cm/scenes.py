"""The facilitator's deck: scenes, their public URLs and QR codes, and poll options."""

from __future__ import annotations

import io
import ipaddress
import os
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit

import pandas as pd
import segno

from mc2cm.filters import Choices, Selection, parse_query
from mc2cm.i18n import label, text
from mc2cm.loading import Dataset

PUBLIC_URL_ENV = "MC2CM_PUBLIC_URL"
VIEW_PAGES = {"overview": "", "areas": "", "map": "map", "initiatives": "initiatives", "challenges": "challenges",
              "priorities": "challenges", "key_messages": "challenges", "cso_roles": "cso_roles",
              "initiative": "initiatives", "guiding_questions": "", "room_results": "", "room_counts": ""}
ROOM_RESULTS = "room_results"  # a later scene: the room's answers to an earlier poll, big, with no code to scan
ROOM_COUNTS = "room_counts"  # the room's answers to a poll in figures only, none of their words; with its code


@dataclass(frozen=True)
class Scene:
    id: str
    position: int
    view: str
    filters: str
    highlight: str
    poll_id: str
    row: pd.Series

    def title(self, lang: str) -> str:
        return text(self.row, "title", lang)

    def note(self, lang: str) -> str:
        return text(self.row, "note", lang)


def deck(data: Dataset) -> list[Scene]:
    """The scenes in order. A poll the data leaves out (a refused row) is no poll: the scene shows its view."""
    frame = data["scenes"].sort_values("position", kind="stable")
    polls = data["polls"].index
    return [Scene(id=str(sid), position=int(row["position"]), view=str(row["view"]), filters=str(row["filters"]),
                  highlight=str(row["highlight"]), poll_id=str(row["poll_id"]) if row["poll_id"] in polls else "",
                  row=row)
            for sid, row in frame.iterrows()]


def scene_index(scenes: list[Scene], scene_id: str | None) -> int:
    """Position of ``scene_id`` in the deck; the first scene when unknown."""
    for index, scene in enumerate(scenes):
        if scene.id == scene_id:
            return index
    return 0


def scene_selection(scene: Scene, available: Choices) -> Selection:
    sel, _, _ = parse_query(parse_qs(scene.filters), available)
    return sel.with_(id=scene.highlight) if scene.highlight else sel


def public_base_url(configured: str | None = None, request_url: str | None = None) -> str:
    """The address phones can reach: configured, else ``$MC2CM_PUBLIC_URL``, else the
    address this page was opened with (``request_url``), else localhost."""
    base = configured or os.environ.get(PUBLIC_URL_ENV)
    if not base and request_url:
        parts = urlsplit(request_url)
        if parts.scheme in ("http", "https") and parts.netloc:
            base = f"{parts.scheme}://{parts.netloc}"
    return (base or "http://localhost:8501").rstrip("/")


def reachable_by_phones(base: str) -> bool:
    """False for addresses that only the laptop itself can open (localhost, 127.x, ::1)."""
    host = (urlsplit(base).hostname or "").lower()
    if host in ("localhost", "") or host.endswith(".localhost"):
        return False
    try:
        return not ipaddress.ip_address(host).is_loopback
    except ValueError:
        return True


def public_url(scene: Scene, base: str, *, light_ballot: bool = True) -> str:
    """The public view of a scene (the phone's own language applies: no ``lang``).

    A poll leads to the light ``/ballot`` page, which only the front door serves
    (``light_ballot``); otherwise to the Streamlit ballot ``/vote``.
    """
    if scene.poll_id:
        return f"{base}/{'ballot' if light_ballot else 'vote'}?{urlencode({'poll': scene.poll_id})}"
    params = [(k, v) for k, values in parse_qs(scene.filters).items() for v in values]
    if scene.highlight:
        params.append(("id", scene.highlight))
    query = urlencode(params)
    path = VIEW_PAGES.get(scene.view, "")
    return f"{base}/{path}" + (f"?{query}" if query else "")


# Sizing the QR code for the back of the room (README, "Presenting with the room"):
# - the back row of a 100-seat room (10 rows at about 1 m, 3 m to the first) sits about 13 m away;
# - a room's screen is sized so its farthest viewer sits at most 6 screen heights away (the AV "6H"
#   rule for general viewing): a 2.2 m high screen for 13 m;
# - a QR code is read from about 10 times its width (the usual 10:1 rule for phone cameras).
# So the code needs 13 m / 10 = 1.3 m, 0.59 of a 2.2 m screen height: 640 of 1080 projected pixels.
QR_DESIGN_DISTANCE_M = 13.0
SCREEN_HEIGHTS_TO_BACK_ROW = 6.0
QR_READING_RATIO = 10.0
PROJECTOR_LINES = 1080
QR_BORDER = 2  # modules of quiet zone around the code


def qr_side_px(distance_m: float = QR_DESIGN_DISTANCE_M, lines: int = PROJECTOR_LINES,
               screen_heights: float = SCREEN_HEIGHTS_TO_BACK_ROW) -> int:
    """The QR code's side in CSS pixels on a ``lines``-high projection, readable from ``distance_m``."""
    screen_height_m = distance_m / screen_heights
    return round(distance_m / QR_READING_RATIO / screen_height_m * lines)


def qr_scale(payload: str, side_px: int) -> int:
    """Pixels per module so the PNG is at least ``side_px`` wide (shown smaller, never blown up)."""
    modules = int(segno.make(payload, error="m").symbol_size(border=QR_BORDER)[0])
    return max(1, -(-side_px // modules))




def qr_png(payload: str, scale: int = 8) -> bytes:
    """A QR code, made offline."""
    buffer = io.BytesIO()
    segno.make(payload, error="m").save(buffer, kind="png", scale=scale, border=QR_BORDER, dark="#000000", light="#ffffff")
    return buffer.getvalue()


def poll_options(data: Dataset, options: str, lang: str) -> list[tuple[str, str]]:
    """(value, label) pairs a poll offers, as the schema's ``poll_options`` vocabulary describes them.

    A value's ``mc2cm:rows`` names either a vocabulary (its codes and labels) or a
    table, the rows to take (``where``: column = value), their order and the
    translated column that labels them. A new source of options is a schema edit.
    """
    term = data.spec.vocabulary("poll_options").term(options)
    rows = (term.rows if term is not None else None) or {}
    if "vocabulary" in rows:
        vocabulary = data.spec.vocabulary(str(rows["vocabulary"]))
        return [(code, label(vocabulary.name, code, lang)) for code in vocabulary.codes]
    table = str(rows.get("table", ""))
    if table not in data.tables:
        return []
    frame = data[table]
    for column, value in dict(rows.get("where", {})).items():
        frame = frame[frame[column] == value]
    if rows.get("order") in frame.columns:
        frame = frame.sort_values(str(rows["order"]))
    base = str(rows.get("label", "name"))
    return [(str(rid), text(row, base, lang)) for rid, row in frame.iterrows()]
