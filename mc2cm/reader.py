"""The source reader's core: a shipped document as blocks, its headings, and a row's passage in it.

The five documents (``data/documents/*.txt``) are plain Arabic text: paragraphs one per line
(most separated by blank lines), headings as short standalone lines with no mark, bullets
after ``-`` or ``•``, numbered items, footnotes after superscript digits, one tab-separated
table, and a few Markdown marks (``**bold**``, ``*italic*``, ``[text](#)``, ``<url>``).

A row cites a document with ``source_id`` and quotes it verbatim in ``quote_ar``; the quote
is a passage of the document after whitespace normalisation only (tests/core/test_quotes.py).
:func:`find_passage` finds it the same way, and :func:`render_blocks` wraps exactly that
text in one ``<mark id="passage">``, splitting bold and italic runs at its edges so the
markup stays well nested. Every string from a document is escaped before it meets HTML.

The web door (``web/sources.py``) and the offline copy (:mod:`mc2cm.site`) both render
:func:`page_context` with ``templates/source.html``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape
from pathlib import Path
from urllib.parse import urlencode

import pandas as pd

from mc2cm.citations import citation_for, locator
from mc2cm.i18n import LANGS, LANGUAGE_NAMES, RowLike, is_rtl, t, text
from mc2cm.templating import environment

PASSAGE_ID = "passage"
ROUTE = "/sources"

_SPACE = re.compile(r"\s+")
_ARABIC = re.compile(r"[\u0600-\u06FF]")
_URL = re.compile(r"https?://|www\.")
_BULLET = re.compile(r"([-•])\s+")
_NUMBER = re.compile(r"(\d{1,2})[.)]\s+")
_NOTE = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]+")
HEADING_MAX = 160  # characters: the longest heading of the shipped documents has 110
_SENTENCE_END = ".!?؟؛،"  # a line ending so is a sentence, not a heading (a heading may end with ':')
_CONTINUED = ".!?؟؛:»\")'"  # a paragraph ending otherwise goes on in the next line (a page break)

# Inline marks, matched on a block's normalised text.
_LINK = re.compile(r"\[([^\]]+)\]\(#\)")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_ITALIC = re.compile(r"(?<![*\w])\*(?=[^\s*])([^*]+?)(?<=\S)\*(?![*\w])")
_AUTOLINK = re.compile(r"<((?:https?://|www\.)[^>\s]+)>")


def normalise(value: str) -> str:
    """Runs of whitespace as one space, trimmed: the quotes' only normalisation."""
    return _SPACE.sub(" ", value).strip()


@dataclass(frozen=True)
class Block:
    """One block of a document. ``text`` is normalised and keeps its marks; ``body`` is where the
    content starts after a list marker; ``start`` is the offset of ``text`` in the whole document's
    normalised text (:attr:`Document.text`)."""

    kind: str  # heading | paragraph | item | numbered | note | cell
    text: str
    start: int
    body: int = 0
    anchor: str = ""  # headings "s-1", "s-2"…, paragraphs "p-1"… in document order (the checksum keeps them stable)
    number: int = 0  # numbered items: their number
    row: int = -1  # table cells: their row (0 = the header)

    @property
    def end(self) -> int:
        return self.start + len(self.text)

    @property
    def plain(self) -> str:
        """What a reader sees: the content without its marks."""
        return strip_marks(self.text[self.body:])


@dataclass(frozen=True)
class Document:
    blocks: tuple[Block, ...]

    @property
    def text(self) -> str:
        """The whole document normalised: what the quotes are matched against."""
        return " ".join(block.text for block in self.blocks)

    @property
    def headings(self) -> tuple[Block, ...]:
        return tuple(block for block in self.blocks if block.kind == "heading")


@dataclass(frozen=True)
class Passage:
    """A span of :attr:`Document.text`; ``target`` is the id its highlight gets."""

    start: int
    end: int
    target: str = PASSAGE_ID


# --- parsing ------------------------------------------------------------------


def _kind(raw: str) -> str:
    if "\t" in raw:
        return "cell"
    line = normalise(raw)
    if _NOTE.match(line):
        return "note"
    if _BULLET.match(line):
        return "item"
    if _NUMBER.match(line) and not heading_like(line):
        return "numbered"
    return "heading" if heading_like(line) else "paragraph"


def heading_like(line: str) -> bool:
    """A short standalone line of Arabic words with no sentence ending: a heading.

    Not a bullet, a footnote or a table row; no web address (the footnotes' continuation lines);
    a numbered line ("4. تحديات التنسيق") is a heading when it is short and unpunctuated.
    """
    text = normalise(line)
    return (bool(text) and len(text) <= HEADING_MAX and "\t" not in line and bool(_ARABIC.search(text))
            and not _URL.search(text) and text[-1] not in _SENTENCE_END
            and not _NOTE.match(text) and not _BULLET.match(text))


def parse(raw: str, *, join_page_breaks: bool = True) -> Document:
    """The blocks of a document, in order.

    - Every non-empty line is a block; a heading-like line right under a heading (no blank line
      between: "البلدان" then its list of regions) is that heading's content, not a heading.
    - A paragraph or list item cut by a page break (it ends mid-sentence and the next line is a
      plain paragraph) is joined with its continuation, so a quote over the break is one passage.
    - Tab-separated lines are table rows, one block per cell.
    """
    lines: list[tuple[str, bool]] = []  # (line, a blank line before it)
    blank = True
    for line in raw.splitlines():
        if line.strip():
            lines.append((line, blank))
            blank = False
        else:
            blank = True
    merged: list[tuple[str, str]] = []  # (kind, raw text)
    table_row = 0
    for line, after_blank in lines:
        kind = _kind(line)
        previous = merged[-1] if merged else None
        if kind == "heading" and previous and previous[0] == "heading" and not after_blank:
            kind = "paragraph"
        if (join_page_breaks and kind == "paragraph" and previous and previous[0] in {"paragraph", "item", "numbered"}
                and normalise(previous[1])[-1:] not in _CONTINUED and not heading_like(line)):
            merged[-1] = (previous[0], f"{previous[1]} {line}")
            continue
        merged.append((kind, line))
    blocks: list[Block] = []
    offset = 0
    heading_count = paragraph_count = 0
    for kind, line in merged:
        parts = line.split("\t") if kind == "cell" else [line]
        for part in parts:
            text = normalise(part)
            body, number, anchor = 0, 0, ""
            if kind == "item" and (match := _BULLET.match(text)):
                body = match.end()
            elif kind == "numbered" and (match := _NUMBER.match(text)):
                body, number = match.end(), int(match.group(1))
            elif kind == "heading":
                heading_count += 1
                anchor = f"s-{heading_count}"
            elif kind == "paragraph":
                paragraph_count += 1
                anchor = f"p-{paragraph_count}"
            blocks.append(Block(kind, text, offset, body=body, anchor=anchor, number=number,
                                row=table_row if kind == "cell" else -1))
            offset += len(text) + 1
        if kind == "cell":
            table_row += 1
    return Document(tuple(blocks))


@lru_cache(maxsize=16)
def _read(path: str, stamp: float) -> Document:
    del stamp  # part of the key: an edited file is read again
    return parse(Path(path).read_text(encoding="utf-8"))


def read_document(path: Path) -> Document:
    return _read(str(path), path.stat().st_mtime)


def document_path(data_dir: Path, file: str) -> Path | None:
    """The shipped file of a source, or None when it is missing or its name leaves ``documents/``."""
    folder = (data_dir / "documents").resolve()
    path = (folder / file).resolve()
    return path if file and path.parent == folder and path.is_file() else None


# --- inline marks ---------------------------------------------------------------


def _styles(value: str) -> list[str | None]:
    """Per character of ``value``: None for a mark's own characters (hidden), else "", "b" or "i"."""
    styles: list[str | None] = [""] * len(value)

    def hide(start: int, end: int) -> None:
        for i in range(start, end):
            styles[i] = None

    for match in _LINK.finditer(value):
        hide(match.start(), match.start(1))
        hide(match.end(1), match.end())
    for match in _AUTOLINK.finditer(value):
        hide(match.start(), match.start(1))
        hide(match.end(1), match.end())
    masked = list(value)
    for match in _BOLD.finditer(value):
        hide(match.start(), match.start(1))
        hide(match.end(1), match.end())
        for i in range(match.start(1), match.end(1)):
            if styles[i] is not None:
                styles[i] = "b"
        for i in (match.start(), match.start() + 1, match.end() - 2, match.end() - 1):
            masked[i] = "\0"
    for match in _ITALIC.finditer("".join(masked)):
        hide(match.start(), match.start(1))
        hide(match.end(1), match.end())
        for i in range(match.start(1), match.end(1)):
            if styles[i] == "":
                styles[i] = "i"
    return styles


def strip_marks(value: str) -> str:
    """``value`` as a reader sees it: bold, italic, link and address marks taken out."""
    return "".join(char for char, style in zip(value, _styles(value), strict=True) if style is not None)


_TAGS = {"b": "strong", "i": "em"}


def _runs(value: str, styles: list[str | None]) -> str:
    out: list[str] = []
    run: list[str] = []
    current = ""

    def flush() -> None:
        if run:
            words = escape("".join(run))
            out.append(f"<{_TAGS[current]}>{words}</{_TAGS[current]}>" if current in _TAGS else words)
            run.clear()

    for char, style in zip(value, styles, strict=True):
        if style is None:
            continue
        if style != current:
            flush()
            current = style
        run.append(char)
    flush()
    return "".join(out)


def inline_html(value: str, mark: tuple[int, int] | None = None,
                marks: Sequence[tuple[int, int, str]] = ()) -> str:
    """``value`` as escaped HTML with its marks rendered; ``mark`` = (start, end) in ``value`` is
    wrapped in one ``<mark id="passage">`` (bold and italic runs split at its edges). ``marks``:
    several (start, end, id), not overlapping, each its own ``<mark class="q" id=…>`` (the offline copy)."""
    styles = _styles(value)
    wanted = [(mark[0], mark[1], PASSAGE_ID, "")] if mark else [(a, b, i, "q") for a, b, i in sorted(marks)]
    out: list[str] = []
    done, previous = 0, -1  # previous: where in ``out`` the last mark stands
    for first, last, target, css in wanted:
        start, end = max(done, first), min(len(value), last)
        if start >= end:
            if previous >= 0:  # wholly inside the mark before: an anchor just before it, which CSS lights up
                out.insert(previous, f'<span class="q-anchor" id="{escape(target)}"></span>')
                previous += 1
            continue
        attributes = f' class="{css}"' if css else ""
        out.append(_runs(value[done:start], styles[done:start]))
        previous = len(out)
        out.append(f'<mark id="{escape(target)}"{attributes}>{_runs(value[start:end], styles[start:end])}</mark>')
        done = end
    out.append(_runs(value[done:], styles[done:]))
    return "".join(out)


# --- finding a row's place -----------------------------------------------------


def find_passage(document: Document, quote: str) -> Passage | None:
    """The first place the quote stands in the document (whitespace normalised), or None."""
    wanted = normalise(quote)
    if not wanted:
        return None
    start = document.text.find(wanted)
    return Passage(start, start + len(wanted)) if start >= 0 else None


def _heading_key(block: Block) -> str:
    key = _NUMBER.sub("", block.plain, count=1) if _NUMBER.match(block.plain) else block.plain
    return key.rstrip(" :")


def heading_for(document: Document, locator_ar: str) -> Block | None:
    """The heading a locator names ("القسم 2، «تحسين الوصول إلى الخدمات»، الحاشية 16" → that section).

    The locators quote the document's own heading words: a heading whose words stand in the
    locator, or a phrase of the locator (between «», commas or brackets) that begins a heading.
    The earliest named in the locator wins; among equals, the longest heading.
    """
    wanted = normalise(locator_ar)
    if not wanted:
        return None
    phrases = [p.strip() for p in re.split(r"[«»؛،()]", wanted) if len(p.strip()) >= 6]
    best: tuple[int, int, Block] | None = None
    for block in document.headings:
        key = _heading_key(block)
        if len(key) < 3:
            continue
        places = [wanted.find(key)] if key in wanted else []
        places += [wanted.find(phrase) for phrase in phrases if key.startswith(phrase)]
        if places:
            candidate = (min(places), -len(key), block)
            if best is None or candidate[:2] < best[:2]:
                best = candidate
    return best[2] if best else None


_PARAGRAPH = re.compile(r"الفقر(?:ة|ات|تان) (\d+)")


def paragraph_for(document: Document, locator_ar: str) -> Block | None:
    """In a document without headings (a news article), "الفقرة 4" / "الفقرات 1–3": that paragraph."""
    match = _PARAGRAPH.search(normalise(locator_ar))
    if document.headings or not match:
        return None
    paragraphs = [block for block in document.blocks if block.kind == "paragraph"]
    number = int(match.group(1))
    return paragraphs[number - 1] if 0 < number <= len(paragraphs) else None


# --- HTML ------------------------------------------------------------------------


@dataclass(frozen=True)
class Rendered:
    html: str
    highlighted: bool  # the passage is marked (one <mark id="passage">, or one wrapper when it spans blocks)


def _group(blocks: Iterable[Block]) -> list[list[Block]]:
    """Consecutive list items, numbered items and table cells together; others alone."""
    groups: list[list[Block]] = []
    for block in blocks:
        if groups and block.kind in {"item", "numbered", "cell"} and groups[-1][0].kind == block.kind:
            groups[-1].append(block)
        else:
            groups.append([block])
    return groups


def _block_html(block: Block, passage: Passage | Sequence[Passage] | None) -> str:
    shift = block.start + block.body
    if isinstance(passage, Passage) or passage is None:
        mark = None
        if passage and block.start <= passage.start and passage.end <= block.end:
            mark = (passage.start - shift, passage.end - shift)
        inner = inline_html(block.text[block.body:], mark)
    else:
        inner = inline_html(block.text[block.body:], marks=[(p.start - shift, p.end - shift, p.target) for p in passage
                                                            if block.start <= p.start and p.end <= block.end])
    if block.kind == "heading":
        return f'<h2 id="{block.anchor}">{inner}</h2>'
    if block.kind == "note":
        return f'<p class="note">{inner}</p>'
    if block.kind == "paragraph":
        return f'<p id="{block.anchor}">{inner}</p>' if block.anchor else f"<p>{inner}</p>"
    return inner


def _group_html(group: list[Block], passage: Passage | Sequence[Passage] | None) -> str:
    kind = group[0].kind
    if kind == "item":
        return "<ul>" + "".join(f"<li>{_block_html(b, passage)}</li>" for b in group) + "</ul>"
    if kind == "numbered":
        return "<ol>" + "".join(f'<li value="{b.number}">{_block_html(b, passage)}</li>' for b in group) + "</ol>"
    if kind == "cell":
        rows: dict[int, list[Block]] = {}
        for block in group:
            rows.setdefault(block.row, []).append(block)
        ordered = [rows[r] for r in sorted(rows)]
        header, body = ordered[0], ordered[1:]
        labels = [inline_html(cell.text) for cell in header]  # repeated above each cell on a phone, unmarked
        head = "".join(f'<th scope="col">{_block_html(cell, passage)}</th>' for cell in header)
        lines = "".join(
            "<tr>" + "".join(
                f'<td><span class="cell-label" aria-hidden="true">{labels[i] if i < len(labels) else ""}</span>'
                f"{_block_html(cell, passage)}</td>" for i, cell in enumerate(cells)) + "</tr>"
            for cells in body)
        return f'<div class="table"><table><thead><tr>{head}</tr></thead><tbody>{lines}</tbody></table></div>'
    return _block_html(group[0], passage)


def render_blocks(document: Document, passage: Passage | None = None) -> Rendered:
    """The document as HTML. The passage, when it lies in one block, is one ``<mark id="passage">``;
    over several blocks (a quote across paragraphs), one ``<div class="passage" id="passage">``
    holds the blocks it touches: either way exactly one highlight."""
    groups = _group(document.blocks)
    spans = [(g[0].start, g[-1].end) for g in groups]
    inside = passage is not None and any(b.start <= passage.start and passage.end <= b.end
                                         for b in document.blocks)
    out: list[str] = []
    if passage is None or inside:
        out = [_group_html(g, passage) for g in groups]
        return Rendered("\n".join(out), inside)
    touched = [i for i, (start, end) in enumerate(spans) if start < passage.end and passage.start < end]
    for i, group in enumerate(groups):
        html = _group_html(group, None)
        if touched and i == touched[0]:
            html = f'<div class="passage" id="{PASSAGE_ID}">' + html
        if touched and i == touched[-1]:
            html += "</div>"
        out.append(html)
    return Rendered("\n".join(out), bool(touched))


def render_marked(document: Document, passages: Sequence[Passage]) -> str:
    """The document with several passages marked (the offline copy: one page per document, a ``:target``
    highlight per quoted row). A passage that overlaps an earlier one is marked from where that ends; one
    wholly inside an earlier one gets an anchor just before that mark, and its link lights the whole mark."""
    return "\n".join(_group_html(g, passages) for g in _group(document.blocks))


# --- links --------------------------------------------------------------------------


def passage_url(table: str, row_id: str, source_id: str, lang: str, base_url: str = "") -> str:
    """The reader at a row's passage: ``/sources?id=…&at=table:row&lang=…#passage`` (absolute with ``base_url``)."""
    query = urlencode({"id": source_id, "at": f"{table}:{row_id}", "lang": lang})
    return f"{base_url.rstrip('/')}{ROUTE}?{query}#{PASSAGE_ID}"


def row_passage_url(table: str, row: RowLike, lang: str, base_url: str = "") -> str:
    """:func:`passage_url` of a row that cites a document, else ""."""
    source_id = str(row.get("source_id") or "")
    row_id = str(row.get("id") or getattr(row, "name", "") or "")
    return passage_url(table, row_id, source_id, lang, base_url) if source_id and row_id else ""


def document_url(source_id: str, lang: str) -> str:
    return f"{ROUTE}?{urlencode({'id': source_id, 'lang': lang})}"


# --- what a page shows --------------------------------------------------------------

# Where a row is shown in the app: its page and the parameter that opens it there.
ROW_PAGES: dict[str, tuple[str, str]] = {
    "initiatives": ("/initiatives", "id"),
    "challenges": ("/challenges", ""),
    "recommendations": ("/challenges", ""),
    "role_assessments": ("/cso_roles", "role"),
    "cso_roles": ("/cso_roles", ""),
    "frameworks": ("/data", ""),
    "cities": ("/places", "id"),
    "events": ("/", ""),
    "officials": ("/", ""),
    "key_points": ("/", ""),
    "remarks": ("/", ""),
    "guiding_questions": ("/present", ""),
}
# Key points of these kinds are shown on /challenges (pages/challenges.py); the others on the home page.
CHALLENGES_PAGE_KINDS = ("consultative_body_finding", "migrant_need")
_TITLES = ("name", "title")
_TEXTS = ("summary", "description", "text", "role")  # the first a row has is its wording beside the passage


class BadRequest(Exception):
    """What in the URL cannot be shown, as a catalog key (400) or not found (404)."""

    def __init__(self, status: int, key: str, **values: object) -> None:
        super().__init__(key)
        self.status, self.key, self.values = status, key, values


def cited_tables(tables: Mapping[str, pd.DataFrame]) -> list[str]:
    """Tables whose rows cite a document (they have ``source_id``)."""
    return [name for name, frame in tables.items() if "source_id" in frame.columns and name != "sources"]


def _row(tables: Mapping[str, pd.DataFrame], table: str, row_id: str) -> pd.Series | None:
    frame = tables.get(table)
    if frame is None:
        return None
    if row_id in frame.index:
        found = frame.loc[row_id]
        return found if isinstance(found, pd.Series) else None
    if "id" in frame.columns:
        hits = frame[frame["id"].astype(str) == row_id]
        if len(hits):
            return hits.iloc[0]
    return None


def parse_at(value: str) -> tuple[str, str]:
    table, sep, row_id = value.partition(":")
    if not sep or not re.fullmatch(r"[a-z_]{1,40}", table) or not row_id or len(row_id) > 200:
        raise BadRequest(400, "sources.bad_at")
    return table, row_id


@dataclass
class Page:
    """What one reader page shows, ready for ``templates/source.html``."""

    lang: str
    source_id: str = ""
    file: str = ""
    meta: list[dict[str, str]] = field(default_factory=list)
    title: str = ""
    toc: list[dict[str, str]] = field(default_factory=list)
    body: str = ""
    row: dict[str, str] = field(default_factory=dict)
    notice: str = ""
    documents: list[dict[str, str]] = field(default_factory=list)


def list_page(tables: Mapping[str, pd.DataFrame], lang: str, href: Callable[[str], str] | None = None) -> Page:
    """The reader's first page: the documents."""
    return Page(lang=lang, documents=document_list(tables, lang, href))


def _source_row(sources: pd.DataFrame, source_id: str) -> pd.Series | None:
    if source_id in sources.index:
        found = sources.loc[source_id]
        return found if isinstance(found, pd.Series) else None
    return None


def document_list(tables: Mapping[str, pd.DataFrame], lang: str,
                  href: Callable[[str], str] | None = None) -> list[dict[str, str]]:
    """The documents, in the order of ``sources.csv``, each with its title and link."""
    sources = tables["sources"]
    make = href or (lambda source_id: document_url(source_id, lang))
    return [{"title": text(row, "title", lang), "original": str(row.get("title_ar") or ""),
             "href": make(str(source_id)), "publisher": text(row, "publisher", lang)}
            for source_id, row in sources.iterrows()]


def page_context(tables: Mapping[str, pd.DataFrame], data_dir: Path, source_id: str, at: str, lang: str, *,
                 row_href: Callable[[str, pd.Series, str], str] | None = None,
                 list_href: Callable[[str], str] | None = None) -> Page:
    """The reader page of one source, with the row named by ``at`` ("table:row id") highlighted.

    Raises :class:`BadRequest` for an unknown source, table or row, or a malformed ``at``.
    """
    sources = tables["sources"]
    source = _source_row(sources, source_id)
    if source is None:
        raise BadRequest(404, "sources.unknown_source", id=source_id)
    path = document_path(data_dir, str(source.get("file") or ""))
    if path is None:
        raise BadRequest(404, "sources.missing_file", id=source_id)
    document = read_document(path)
    cited = citation_for({"source_id": source_id}, sources, lang)
    page = Page(lang=lang, source_id=source_id, title=cited.title, file=path.name)
    page.meta = [{"label": t(key, lang), "value": value, "lang": value_lang, "dir": page_direction(value_lang)}
                 for key, value, value_lang in (
                     ("citation.original_title", cited.original_title, "ar"),
                     ("citation.publisher", cited.publisher, lang),
                     ("citation.date", cited.date, lang),
                     ("citation.file", cited.file, lang))
                 if value]
    page.toc = [{"anchor": h.anchor, "text": inline_html(h.text)} for h in document.headings]
    passage: Passage | None = None
    if at:
        table, row_id = parse_at(at)
        if table not in cited_tables(tables):
            raise BadRequest(404, "sources.unknown_table", table=table)
        row = _row(tables, table, row_id)
        if row is None:
            raise BadRequest(404, "sources.unknown_row", row=row_id)
        if str(row.get("source_id") or "") != source_id:
            raise BadRequest(400, "sources.other_source", row=row_id)
        quote = str(row.get("quote_ar") or "")
        passage = find_passage(document, quote) if quote.strip() else None
        heading = heading_for(document, str(row.get("source_locator_ar") or "")) \
            or paragraph_for(document, str(row.get("source_locator_ar") or ""))
        page.row = {
            "title": next((v for v in (text(row, b, lang) for b in _TITLES) if v), ""),
            "text": next((v for v in (text(row, b, lang) for b in _TEXTS) if v), ""),
            "locator": locator(row, lang),
            "href": (row_href or _row_href)(table, row, lang),
            "heading": heading.anchor if heading and passage is None else "",
            "quoted": "1" if passage else "",
        }
        if quote.strip() and passage is None:
            page.notice = t("sources.quote_not_found", lang)
    rendered = render_blocks(document, passage)
    page.body = rendered.html
    if page.row and not rendered.highlighted:
        # No quote to mark: the passage link lands on the place the locator names, else the start.
        target = f' id="{page.row["heading"]}"' if page.row["heading"] else ""
        at_place = page.body.find(target) if target else -1
        if at_place >= 0:
            tag_start = page.body.rfind("<", 0, at_place)
            page.body = f'{page.body[:tag_start]}<span id="{PASSAGE_ID}"></span>{page.body[tag_start:]}'
        else:
            page.body = f'<span id="{PASSAGE_ID}"></span>' + page.body
    page.documents = document_list(tables, lang, list_href)
    return page


def _row_href(table: str, row: pd.Series, lang: str) -> str:
    path, key = ROW_PAGES.get(table, ("/", ""))
    params = {"lang": lang}
    if table == "key_points":  # a point detailing an initiative is shown on its page; the others where their kind is
        if row.get("initiative_id"):
            return "/initiatives?" + urlencode({"id": str(row["initiative_id"]), "lang": lang})
        if str(row.get("kind") or "") in CHALLENGES_PAGE_KINDS:
            path = "/challenges"
    if key == "id":
        params = {"id": str(row.get("id") or row.name), "lang": lang}
    elif key == "role" and row.get("role_id"):
        params = {"role": str(row["role_id"]), "lang": lang}
    return f"{path}?{urlencode(params)}"


def page_direction(lang: str) -> str:
    return "rtl" if is_rtl(lang) else "ltr"


TEMPLATES = environment(Path(__file__).with_name("templates"))
FONT_FILE = "noto-naskh-arabic-arabic-400-normal.woff2"


def language_links(lang: str, href: Callable[[str], str]) -> list[dict[str, str]]:
    return [{"lang": other, "label": LANGUAGE_NAMES[other], "href": href(other)} for other in LANGS if other != lang]


def render_page(page: Page, *, languages: list[dict[str, str]], home_href: str, list_href: str,
                download_href: str, download_name: str, font_url: str, message: str = "") -> str:
    """The reader page as HTML (``templates/source.html``): every value escaped there, the document's
    HTML made here by :func:`render_blocks` from escaped text."""
    lang = page.lang
    return TEMPLATES.get_template("source.html").render(
        page=page, lang=lang, dir=page_direction(lang), t=lambda key, **v: t(key, lang, **v),
        languages=languages, home_href=home_href, list_href=list_href, download_href=download_href,
        download_name=download_name, font_url=font_url, message=message)


# --- the offline copy ---------------------------------------------------------------------


def offline_target(table: str, row_id: str) -> str:
    """The id of a row's highlight on the offline copy's document page (``q-initiatives--brital-…``)."""
    return f"q-{table}--{row_id}"


def offline_passage_href(table: str, row_id: str, source_id: str, up: str = "") -> str:
    """From a page of the offline copy (``up`` = "../" per folder below ``<lang>/``) to a row's passage."""
    return f"{up}sources/{source_id}.html#{offline_target(table, row_id)}"


def offline_pages(tables: Mapping[str, pd.DataFrame], data_dir: Path, lang: str, *,
                  document_href: Callable[[str], str], font_url: str) -> dict[str, str]:
    """The offline copy's reader in ``lang``: ``index.html`` (the documents) and ``<source id>.html`` each,
    every quoted row's passage a ``<mark class="q" id="q-table--row">`` highlighted when it is the
    link's ``:target`` (no script, no server). Paths are relative to ``<lang>/sources/``."""
    def languages(name: str) -> list[dict[str, str]]:
        return language_links(lang, lambda other: f"../../{other}/sources/{name}")

    pages = {"index.html": render_page(
        list_page(tables, lang, lambda source_id: f"{source_id}.html"), languages=languages("index.html"),
        home_href="../index.html", list_href="index.html", download_href="", download_name="", font_url=font_url)}
    quoted: dict[str, list[tuple[str, str, str]]] = {}
    for table in cited_tables(tables):
        frame = tables[table]
        if "quote_ar" not in frame.columns:
            continue
        for row_id, row in frame.iterrows():
            quote = str(row.get("quote_ar") or "")
            if quote.strip():
                quoted.setdefault(str(row.get("source_id") or ""), []).append((table, str(row.get("id") or row_id), quote))
    for source_id in tables["sources"].index:
        try:
            page = page_context(tables, data_dir, str(source_id), "", lang,
                                list_href=lambda other: f"{other}.html")
        except BadRequest:
            continue  # a missing file: the validator reports it; the copy leaves the page out
        path = document_path(data_dir, page.file)
        if path is None:
            continue
        document = read_document(path)
        passages = [Passage(found.start, found.end, offline_target(table, row_id))
                    for table, row_id, quote in quoted.get(str(source_id), [])
                    if (found := find_passage(document, quote))]
        page.body = render_marked(document, sorted(passages, key=lambda p: (p.start, p.end)))
        pages[f"{source_id}.html"] = render_page(
            page, languages=languages(f"{source_id}.html"), home_href="../index.html", list_href="index.html",
            download_href=document_href(page.file), download_name=page.file, font_url=font_url)
    return pages
