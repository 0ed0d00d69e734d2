"""Pseudo-locale run: with MC2CM_PSEUDO=1 every catalog message is wrapped in ⟦…⟧, so a word a
reader sees outside the markers and outside the data is a hard-coded interface string.

Every page (found by glob) is run on the shipped data in every language. What may stand
outside the markers: the data's own values (names, texts, locators, in any language), the
vocabulary labels of the schema, CLDR country, language and month names, numbers and punctuation.
The schema's column titles (English only, no translation source yet) are allowed in tables.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from babel import Locale
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block, ElementTree, Node

from mc2cm import i18n
from mc2cm.i18n import LANGS, LANGUAGE_NAMES, PSEUDO_CLOSE, PSEUDO_OPEN, babel_locale
from mc2cm.loading import Dataset, load_dataset
from mc2cm.places import document_paragraphs, place_passages
from mc2cm.schema import current_package
from mc2cm.store import save_table
from mc2cm.votes import OPEN, SQLiteVoteStore
from tests.app.support import open_page
from tests.markdown_safety import shown_text

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery staple"
DATA = ROOT / "data"
PAGES = ["app.py", *sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py"))]
WRAPPED = re.compile(f"{PSEUDO_OPEN}[^{PSEUDO_OPEN}{PSEUDO_CLOSE}]*{PSEUDO_CLOSE}")
WORD = re.compile(r"[^\W\d_]{2,}")
# Markup, link targets, addresses (https://…, /api/v1/…?lang=en) and file names (sources.csv, mc2cm-data.zip) are not words.
NOT_WORDS = re.compile(r"\]\([^)]*\)|https?://\S+|(?<!\S)/[\w\-./]+\?\S+|\b[\w-]+\.(?:csv|zip|txt)\b|<[^>]+>"
                       r"|\([A-Z]{2}\)")
SHORTENED = 40
TEXT_TYPES = {"markdown", "caption", "title", "header", "subheader", "text", "error", "warning", "info", "success",
              "toast"}
SKIPPED_TYPES = {"code", "iframe", "json", "arrow_vega_lite_chart", "exception", "empty"}


@cache
def data_strings() -> tuple[str, ...]:
    """Every value of the shipped data and every vocabulary label, longest first."""
    data = load_dataset(DATA)
    found: set[str] = set()
    for tspec in data.spec.tables:
        for value in data[tspec.name].to_numpy().ravel():
            for item in value if isinstance(value, tuple | list) else (value,):
                if isinstance(item, str) and len(item.strip()) > 1:
                    found.add(item.strip())
    package = current_package()
    for vocab in package.vocabularies.values():
        for term in (*vocab.terms, *([vocab.mixed] if vocab.mixed else [])):
            found.update(term.label(lang) for lang in LANGS)
    # The schema's own words (table descriptions on /data, column titles) are English only: no translation
    # source yet (issue 13, item 5), so they are allowed as data.
    for tspec in package.tables:
        found.update(x for x in (tspec.title, tspec.description, *(f.title for f in tspec.fields)) if x)
    found.update(LANGUAGE_NAMES.values())
    found.update(document_sentences(data))
    return tuple(sorted(found, key=len, reverse=True))


def document_sentences(data: Dataset) -> set[str]:
    """The sentences of the source documents that /places quotes (the documents are data too)."""
    paragraphs = document_paragraphs(data)
    assert paragraphs
    return {sentence.strip() for _, city in data.cities.iterrows() for passage in place_passages(city, paragraphs)
            for sentence in "".join(piece for piece, _ in passage.excerpt()).split(" … ") if sentence.strip()}


@cache
def locale_words(lang: str) -> frozenset[str]:
    """Country and month names of the reader's locale, and its list words ("and"): Babel writes them."""
    locale = Locale.parse(babel_locale(lang))
    names = [*locale.territories.values(), *(n for width in locale.months["format"].values() for n in width.values()),
             *locale.list_patterns["standard"].values()]
    return frozenset(word.casefold() for name in names for word in WORD.findall(name))


@cache
def list_prefixes(lang: str) -> tuple[str, ...]:
    """Arabic writes "and" as a prefix: «A وB»."""
    patterns = Locale.parse(babel_locale(lang)).list_patterns["standard"].values()
    return tuple({m.group(1) for p in patterns if (m := re.search(r" (\w)\{1\}", p))})


def locale_word(word: str, lang: str) -> bool:
    words = locale_words(lang)
    return word.casefold() in words or any(word.startswith(p) and word[len(p):].casefold() in words
                                           for p in list_prefixes(lang))


def residue(text: str, lang: str) -> list[str]:
    """The words of ``text`` that are neither inside ⟦…⟧ nor from the data or the locale."""
    while WRAPPED.search(text):
        text = WRAPPED.sub(" ", text)
    text = NOT_WORDS.sub(" ", text)
    joined = "".join(f"{re.escape(p)}?" for p in list_prefixes(lang))
    for value in data_strings():
        if value in text:  # a whole value, not a piece of a longer word («ليون» in «اليونان»)
            text = re.sub(rf"(?<!\w){joined}{re.escape(value)}(?!\w)", " ", text)
        elif len(value) > SHORTENED and (start := text.find(value[:SHORTENED])) >= 0:
            end = text.find("…", start)  # a card's summary, cut at a word and ended with "…"
            if 0 <= end <= start + len(value):
                text = text[:start] + " " + text[end + 1:]
    return [w for w in WORD.findall(text) if not locale_word(w, lang)]


def _html_text(body: str) -> str:
    body = re.sub(r"(?is)<(style|script)\b.*?</\1>", " ", body)
    body = re.sub(r"</?mark>", "", body)  # a highlight inside a sentence does not split it
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def _plotly_texts(spec: str) -> Iterator[str]:
    figure = json.loads(spec)
    layout = figure.get("layout", {})

    def title(obj: dict[str, Any]) -> str:
        value = obj.get("title")
        return str(value.get("text", "")) if isinstance(value, dict) else str(value or "")

    yield title(layout)
    for key, value in layout.items():
        if key.startswith(("xaxis", "yaxis")) and isinstance(value, dict):
            yield title(value)
    yield from (str(a.get("text", "")) for a in layout.get("annotations", []))
    yield from (str(trace.get("name") or "") for trace in figure.get("data", []))


def shown(node: Node | ElementTree) -> Iterator[tuple[str, str]]:
    """(element type, text) for what a reader sees of each element."""
    if isinstance(node, ElementTree | Block):
        if isinstance(label := getattr(node, "label", None), str):  # expander, tab, popover
            yield node.type, label
        for child in node.children.values():
            yield from shown(child)
        return
    kind, proto = node.type, node.proto
    if kind in SKIPPED_TYPES:
        return
    if kind in TEXT_TYPES:
        yield kind, shown_text(proto.body)
    elif kind == "html":
        yield kind, _html_text(proto.body)
    elif kind == "plotly_chart":
        yield from ((kind, text) for text in _plotly_texts(proto.spec))
    elif kind == "arrow_data_frame":
        yield from ((kind, str(column)) for column in node.value.columns)
    else:
        for field in ("label", "help", "placeholder", "body"):
            if hasattr(proto, field) and isinstance(getattr(proto, field), str):
                yield kind, shown_text(getattr(proto, field))
        options = getattr(proto, "options", ())
        yield from ((kind, getattr(option, "content", option)) for option in options
                    if isinstance(getattr(option, "content", option), str))


def schema_titles() -> set[str]:
    return {f.title for t in current_package().tables for f in t.fields if f.title}


@pytest.fixture
def pseudo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    st.cache_data.clear()  # a chart drawn by an earlier test, words and all, would come back from the cache
    monkeypatch.setenv("MC2CM_PSEUDO", "1")
    monkeypatch.setenv("MC2CM_DATA_DIR", str(DATA))
    monkeypatch.setenv("MC2CM_ADMIN_PASSWORD", PASSWORD)
    monkeypatch.setenv("MC2CM_VOTES_DB", str(tmp_path / "votes.sqlite3"))
    yield tmp_path / "votes.sqlite3"
    st.cache_data.clear()  # and nothing wrapped in ⟦…⟧ stays cached for the tests after



def sign_in(at: AppTest, lang: str) -> AppTest:
    at.text_input(key="auth_name").set_value("Amina")
    at.text_input(key="auth_password").set_value(PASSWORD)
    return next(b for b in at.button if b.label == i18n.t("auth.submit", lang)).click().run()


def hard_coded(page: str, lang: str) -> list[tuple[str, str, list[str]]]:
    return words_outside_catalogs(open_page(page, {"lang": lang}), lang)


def words_outside_catalogs(at: AppTest, lang: str) -> list[tuple[str, str, list[str]]]:
    assert not at.exception, [e.value for e in at.exception]
    titles = schema_titles()
    found = []
    for kind, text in shown(at._tree):
        if kind == "arrow_data_frame" and text in titles:
            continue
        if words := residue(text, lang):
            found.append((kind, text[:120], words))
    return found


def test_pages_are_found() -> None:
    assert len(PAGES) >= 6


@pytest.mark.usefixtures("pseudo")
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page", PAGES)
def test_every_interface_string_comes_from_a_catalog(page: str, lang: str) -> None:
    assert hard_coded(page, lang) == []


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_views_behind_the_first_one(pseudo: Path, tmp_path: Path, lang: str,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """A detail page, the table view, an open ballot, the facilitator's panel and /manage signed in, with a history."""
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy, ignore=shutil.ignore_patterns(".history"))
    monkeypatch.setenv("MC2CM_DATA_DIR", str(copy))
    save_table(copy, "events", (copy / "events.csv").read_bytes(), who="Amina")  # a line in /manage's history
    poll = str(load_dataset(DATA)["polls"].index[0])
    SQLiteVoteStore(pseudo).set_status(poll, OPEN)
    first = str(load_dataset(DATA).initiatives.index[0])
    views = {
        "detail": open_page("pages/initiatives.py", {"lang": lang, "id": first}),
        "table": open_page("pages/initiatives.py", {"lang": lang, "view": "table"}),
        "ballot": open_page("pages/vote.py", {"lang": lang, "poll": poll}),
        "facilitator": sign_in(open_page("pages/present.py", {"lang": lang, "scene": "recommendations",
                                                              "view": "presenter"}), lang),
        "manage": sign_in(open_page("pages/manage.py", {"lang": lang}), lang),
        "place": open_page("pages/places.py", {"lang": lang, "id": "tunis"}),
        "comparison": open_page("pages/places.py", {"lang": lang, "compare": "athens,tunis"}),
    }
    assert len(views["manage"].tabs) >= 3  # signed in: the staff tabs are there
    assert {name: words_outside_catalogs(at, lang) for name, at in views.items()} == {name: [] for name in views}


@pytest.mark.usefixtures("pseudo")
def test_a_hard_coded_string_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """Control: a message that skips the catalog shows up outside the markers."""
    def t(key: str, lang: str, **values: object) -> str:
        return "Circle size: number of initiatives" if key == "map.legend" else i18n.t(key, lang, **values)

    monkeypatch.setattr("components.layout.t", t)  # what ui.t calls
    found = hard_coded("pages/map.py", "fr")
    assert any("Circle size" in text for _, text, _ in found), found
