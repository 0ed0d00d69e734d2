"""Hostile Markdown in every text cell, and the check that none of it is live on a page.

Shared by the core, AppTest and browser tests of ``mc2cm.plaintext``.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from mc2cm.schema import TableSpec, package_spec

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = ROOT / "tests" / "fixtures" / "minimal"
EVIL = "evil.example"
# A remote image, a link, maths, Streamlit directives, a bare URL and an HTML image.
PAYLOAD = (f"![p](http://{EVIL}/p.png) [l](http://{EVIL}) $x$ :red[r] :material/lock: www.{EVIL} "
           f'<img src="http://{EVIL}/i.png">')
URL_PAYLOAD = f"[Staff sign-in here](http://{EVIL})"

# Markdown that would act if it reached the renderer unescaped.
LIVE_SYNTAX = ("](http", "![", "$", ":red[", ":material/", "<img")
_ESCAPE = re.compile(r"\\[!-/:-@\[-`{-~]")  # a backslash escape: the character after it is text
_AUTOLINK = re.compile(r"(?i)https?://|www\.")  # what GFM links in the text once escapes are resolved


def live_markdown(body: str) -> list[str]:
    """The pieces of ``body`` that Streamlit's Markdown would turn into links, images, maths or directives."""
    masked = _ESCAPE.sub("\0", body)
    found = [marker for marker in LIVE_SYNTAX if marker in masked]
    shown = _ESCAPE.sub(lambda m: m.group()[1], body)
    return found + _AUTOLINK.findall(shown)


def shown_text(body: str) -> str:
    """What a reader sees of an escaped Markdown string: escapes resolved, word joiners dropped."""
    return _ESCAPE.sub(lambda m: m.group()[1], body).replace("\u2060", "")


def live_html(body: str) -> list[str]:
    """Payload markup that an ``st.html`` body would render as markup."""
    return [marker for marker in (f'<img src="http://{EVIL}', f'href="http://{EVIL}') if marker in body]


# --- a copy of the data with the payload in every text cell ----------------------


def text_columns(tspec: TableSpec) -> list[str]:
    """Free-text columns: not ids, codes, vocabularies or references."""
    references = {fk.column for fk in tspec.foreign_keys}
    return [f.name for f in tspec.fields
            if f.type == "string" and f.name != "id" and f.name not in references
            and not (f.enum or f.pattern or f.item_enum or f.item_reference)]


def make_markdown_hostile(target: Path, source: Path = MINIMAL) -> Path:
    """``source`` copied to ``target`` with :data:`PAYLOAD` appended to (or put in) every text cell."""
    shutil.copytree(source, target)
    for tspec in package_spec(target).tables:
        path = target / tspec.path
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
        header, body = rows[0], rows[1:]
        for column in text_columns(tspec):
            index = header.index(column)
            for row in body:
                # an Arabic column keeps some Arabic: Latin alone there is refused as lost Arabic (issue 12)
                arabic = any("\u0600" <= char <= "\u06ff" for char in row[index])
                start = f"نص {row[index]}" if column.endswith("_ar") and not arabic else row[index]
                row[index] = f"{start} {PAYLOAD}".strip()
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows([header, *body])
        path.write_text(out.getvalue(), encoding="utf-8")
    return target


# --- every string a page sends to be rendered as Markdown --------------------------

# Elements whose content is never Markdown: HTML (checked with live_html), code, plain
# text, tables, charts, images, the map's iframe.
PLAIN_ELEMENTS = frozenset({"html", "code", "text", "iframe", "plotly_chart", "arrow_data_frame", "arrow_table",
                            "imgs", "json", "exception"})
# Fields that are not shown, or shown as plain text.
PLAIN_FIELDS = frozenset({"id", "form_id", "query_string", "page_script_hash", "page", "icon", "value", "default",
                          "raw_value", "raw_values", "placeholder", "url", "src", "data", "spec", "file_name",
                          "mime", "deprecation_warning"})
# Select boxes show their options as plain text (only their label and help are Markdown).
PLAIN_OPTIONS = frozenset({"selectbox", "multiselect"})


def _strings(message: Any, skip: frozenset[str]) -> Iterator[str]:
    for fdesc, value in message.ListFields():
        if fdesc.name in skip:
            continue
        values = value if fdesc.is_repeated else [value]
        for item in values:
            if isinstance(item, str):
                yield item
            elif hasattr(item, "ListFields"):
                yield from _strings(item, skip)


def rendered_strings(at: Any) -> Iterator[tuple[str, str]]:
    """(element type, text) for every string an AppTest run sends to the browser, main and sidebar."""

    def walk(node: Any) -> Iterator[tuple[str, str]]:
        kind = str(getattr(node, "type", ""))
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "ListFields"):
            if kind == "html":
                yield kind, proto.body
            elif kind not in PLAIN_ELEMENTS:
                skip = PLAIN_FIELDS | {"options"} if kind in PLAIN_OPTIONS else PLAIN_FIELDS
                for text in _strings(proto, skip):
                    yield kind, text
        for child in getattr(node, "children", {}).values():
            yield from walk(child)

    yield from walk(at.main)
    yield from walk(at.sidebar)


def live_on_page(at: Any) -> list[tuple[str, str, list[str]]]:
    """(element type, text, live pieces) for each rendered string whose payload would act."""
    found = []
    for kind, text in rendered_strings(at):
        live = live_html(text) if kind == "html" else live_markdown(text)
        if live:
            found.append((kind, text, live))
    return found
