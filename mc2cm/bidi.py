"""Bidirectional text kept in reading order.

A run of Latin inside Arabic (an acronym, a file name, a year, a percentage) or of Arabic inside
English takes its direction from the paragraph around it unless it is isolated, and the
neighbouring punctuation then lands on the wrong side: «(038a1b11c4fce8c1.txt_000». Every part
of a mixed line is therefore isolated:

- in plain text and chart labels (Plotly, tooltips, CSV meant for people) with the Unicode
  isolates FSI … PDI (U+2068 … U+2069, Unicode Bidirectional Algorithm, UAX #9 §2.7), which the
  bidi algorithm treats as one neutral unit and which print and copy as nothing;
- in HTML with ``<bdi>`` (direction found from the first strong letter, like ``dir="auto"``).

``isolate``/``bdi`` are for one part; ``join_isolated`` joins several parts with a separator that
itself stays in the reader's direction.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from html import escape

FSI = "\u2068"  # FIRST STRONG ISOLATE
PDI = "\u2069"  # POP DIRECTIONAL ISOLATE
LRI = "\u2066"  # LEFT-TO-RIGHT ISOLATE
RLI = "\u2067"  # RIGHT-TO-LEFT ISOLATE
ISOLATES = frozenset((FSI, PDI, LRI, RLI))


def strong_direction(value: str) -> str | None:
    """``"rtl"``, ``"ltr"`` or ``None`` (no strong letter), from the first strong character."""
    for char in value:
        kind = unicodedata.bidirectional(char)
        if kind in {"R", "AL"}:
            return "rtl"
        if kind == "L":
            return "ltr"
    return None


def isolate(value: object) -> str:
    """``value`` wrapped in FSI … PDI, so it keeps its own direction inside any line ("" stays "")."""
    text = "" if value is None else str(value)
    if not text or (text.startswith(FSI) and text.endswith(PDI)):
        return text
    return f"{FSI}{text}{PDI}"


def strip_isolates(value: str) -> str:
    """The text without the isolate marks (for search, comparison and data meant for re-import)."""
    return "".join(char for char in value if char not in ISOLATES)


def join_isolated(parts: Iterable[object], separator: str = " — ") -> str:
    """Non-empty parts, each isolated, joined by ``separator``: a plain-text line of mixed directions."""
    return separator.join(isolate(part) for part in parts if part not in (None, ""))


def bdi(value: object) -> str:
    """``value`` escaped for HTML and isolated in ``<bdi>`` ("" stays "")."""
    text = "" if value is None else str(value)
    return f"<bdi>{escape(text)}</bdi>" if text else ""
