"""The source reader's core (mc2cm/reader.py) over the five shipped documents and every cited table.

- every heading a locator names is a heading of its document (or the run-in label that opens a block);
- every quoted row, whatever its table, is exactly one highlight, and the highlight is its quote;
- a hostile document comes out as text, never markup; each guard has a control that shows it bites.
"""

from __future__ import annotations

import csv
import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest

from mc2cm import reader
from mc2cm.loading import load_dataset
from mc2cm.reader import (
    Block,
    Document,
    find_passage,
    heading_for,
    inline_html,
    normalise,
    page_context,
    parse,
    passage_url,
    render_blocks,
    strip_marks,
)

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"


def csv_rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


SOURCES = {r["id"]: r["file"] for r in csv_rows("sources.csv")}
DOCUMENTS = {source_id: parse((DATA / "documents" / file).read_text(encoding="utf-8"))
             for source_id, file in SOURCES.items()}


def cited_rows() -> list[tuple[str, dict[str, str]]]:
    """(table, row) of every row of every table that cites a document: found by column, not by a list."""
    found = []
    for path in sorted(DATA.glob("*.csv")):
        rows = csv_rows(path.name)
        if rows and "source_id" in rows[0] and path.stem != "sources":
            found += [(path.stem, row) for row in rows if row["source_id"]]
    return found


def quoted_rows() -> list[tuple[str, dict[str, str]]]:
    return [(table, row) for table, row in cited_rows() if (row.get("quote_ar") or "").strip()]


def test_the_tests_find_documents_and_rows() -> None:
    assert len(DOCUMENTS) == 5
    assert len(cited_rows()) > 100
    tables = {table for table, _ in quoted_rows()}
    assert {"initiatives", "challenges", "recommendations", "role_assessments", "frameworks"} <= tables


# --- blocks and headings --------------------------------------------------------------


@pytest.mark.parametrize("source_id", sorted(SOURCES))
def test_blocks_keep_the_whole_text_in_order(source_id: str) -> None:
    """Joined again, the blocks are the document (whitespace normalised): nothing lost, nothing moved."""
    raw = (DATA / "documents" / SOURCES[source_id]).read_text(encoding="utf-8")
    assert DOCUMENTS[source_id].text == normalise(raw)


def named_places(locator_ar: str) -> list[str]:
    """What a locator quotes of its document: the words between «»."""
    return [normalise(p) for p in re.findall(r"«([^»]+)»", locator_ar)]


def undetected(document: Document, phrase: str) -> bool:
    """A phrase a locator quotes that is neither a heading nor the run-in label opening a longer block
    ("- اتساق السياسات: ضمان…", "وخلص اللقاء إلى مجموعة من التوصيات التي…")."""
    headings = [strip_marks(h.text) for h in document.headings]
    opens_block = any(b.plain.startswith(phrase) and len(b.plain) > len(phrase) + 20
                      for b in document.blocks if b.kind != "heading")
    return not any(phrase == h or phrase in h for h in headings) and not opens_block


def test_every_heading_named_in_the_locators_is_detected() -> None:
    checked, missing = 0, []
    for table, row in cited_rows():
        document = DOCUMENTS[row["source_id"]]
        for phrase in named_places(row.get("source_locator_ar", "")):
            checked += 1
            if undetected(document, phrase):
                missing.append((table, row["id"], phrase))
    assert checked > 30
    assert missing == []


def test_the_section_headings_of_the_two_long_documents() -> None:
    summary = [strip_marks(h.text) for h in DOCUMENTS["sfax-2019-summary"].headings]
    for heading in ("السياق", "الإفتتاح الرسمي وكلمات الترحيب", "المفاهيم الأساسية والتعريفات", "ملاحظات ختامية",
                    "تحديات التنسيق الرئيسية بين البلديات ومنظمات المجتمع المدني",
                    "آلية مواكبة المهاجرين، جمعية أرض اللجوء التونسية"):
        assert heading in summary
    paper = [strip_marks(h.text) for h in DOCUMENTS["sfax-2019-background-paper"].headings]
    assert "4. تحديات التنسيق" in paper
    assert "تحسين الوصول إلى الخدمات" in paper
    assert not any(h.startswith(("-", "•", "²")) or "http" in h for h in summary + paper)


def test_a_line_under_a_heading_with_no_blank_line_is_its_content() -> None:
    regions = DOCUMENTS["red-cross-migration-networks"]
    assert [strip_marks(h.text) for h in regions.headings][-1] == "البلدان"
    assert regions.blocks[-1].kind == "paragraph"
    assert regions.blocks[-1].text == "الأمريكتان، وآسيا، وأوروبا"


def test_every_locator_with_a_heading_finds_it() -> None:
    """A row without a quote lands on the section its locator names (documents with headings)."""
    lost = [(table, row["id"]) for table, row in cited_rows()
            if DOCUMENTS[row["source_id"]].headings and not row["source_locator_ar"].startswith("متن الخبر")
            and heading_for(DOCUMENTS[row["source_id"]], row["source_locator_ar"]) is None]
    assert lost == []
    paper = DOCUMENTS["sfax-2019-background-paper"]
    found = heading_for(paper, "القسم 2، «تحسين الوصول إلى الخدمات»، الحاشية 16")
    assert found is not None
    assert found.plain == "تحسين الوصول إلى الخدمات"


def test_control_a_heading_written_as_a_sentence_is_reported() -> None:
    raw = (DATA / "documents" / SOURCES["sfax-2019-summary"]).read_text(encoding="utf-8")
    spoiled = parse(raw.replace("\nملاحظات ختامية\n", "\nملاحظات ختامية.\n"))
    assert not undetected(DOCUMENTS["sfax-2019-summary"], "ملاحظات ختامية")
    assert undetected(spoiled, "ملاحظات ختامية")


# --- the highlight --------------------------------------------------------------------


class Marks(HTMLParser):
    """The text of each <mark> (and of the passage wrapper), and whether the tags nest."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.marks: list[list[str]] = []
        self.depth = 0
        self.ids: list[str] = []
        self.balanced = True

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"br", "img", "meta", "link"}:
            return
        self.stack.append(tag)
        if dict(attrs).get("id") == "passage":
            self.ids.append(tag)
        if tag == "mark" or (dict(attrs).get("id") == "passage" and tag != "span"):
            self.marks.append([])
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.balanced = False
            return
        self.stack.pop()
        if tag == "mark" and self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth and self.marks:
            self.marks[-1].append(data)


def highlights(html: str) -> Marks:
    parser = Marks()
    parser.feed(html)
    parser.close()
    return parser


@pytest.fixture(scope="module")
def dataset():  # type: ignore[no-untyped-def]
    return load_dataset(DATA)


def test_every_quoted_row_is_exactly_one_highlight_holding_its_quote(dataset) -> None:  # type: ignore[no-untyped-def]
    rows = quoted_rows()
    assert len(rows) > 80
    wrong = []
    for table, row in rows:
        page = page_context(dataset.tables, dataset.data_dir, row["source_id"], f"{table}:{row['id']}", "en")
        found = highlights(page.body)
        text = normalise(unescape("".join(found.marks[0]))) if found.marks else ""
        if (len(found.marks), found.ids, found.balanced, page.notice) != (1, ["mark"], True, "") \
                or text != normalise(strip_marks(normalise(row["quote_ar"]))):
            wrong.append((table, row["id"], len(found.marks), found.ids))
    assert wrong == []


def test_a_quote_over_a_page_break_is_one_highlight() -> None:
    row = next(r for t, r in quoted_rows() if r["id"] == "workshop-crisis-management")
    passage = find_passage(DOCUMENTS["sfax-2019-summary"], row["quote_ar"])
    assert passage is not None
    assert render_blocks(DOCUMENTS["sfax-2019-summary"], passage).html.count("<mark") == 1


def test_control_without_joining_page_breaks_the_quote_is_no_longer_one_mark() -> None:
    row = next(r for t, r in quoted_rows() if r["id"] == "workshop-crisis-management")
    raw = (DATA / "documents" / SOURCES["sfax-2019-summary"]).read_text(encoding="utf-8")
    split = parse(raw, join_page_breaks=False)
    passage = find_passage(split, row["quote_ar"])
    assert passage is not None
    rendered = render_blocks(split, passage)
    assert rendered.html.count("<mark") == 0  # the fallback: one wrapper around the blocks it spans
    assert rendered.html.count('id="passage"') == 1


def test_a_quote_across_bold_marks_is_one_well_nested_mark() -> None:
    value = "قبل **عريض جداً** بعد"
    start = value.index("يض")
    html = inline_html(value, (start, len(value) - 2))
    assert html.count("<mark") == 1
    assert html == ('قبل <strong>عر</strong><mark id="passage"><strong>يض جداً</strong> ب</mark>عد')
    assert highlights(html).balanced


def test_a_repeated_passage_is_marked_once() -> None:
    document = parse("عنوان\n\nجملة مكررة هنا.\n\nجملة مكررة هنا.\n")
    passage = find_passage(document, "جملة  مكررة\nهنا")
    assert render_blocks(document, passage).html.count("<mark") == 1


def test_link_syntax_becomes_text_and_addresses_lose_their_brackets() -> None:
    assert strip_marks("متاحة [هنا](#).") == "متاحة هنا."
    assert inline_html("راجع: <http://a.example/x>") == "راجع: http://a.example/x"
    assert inline_html("جمعية *Thissaghnasse* للثقافة") == "جمعية <em>Thissaghnasse</em> للثقافة"


# --- escaping ----------------------------------------------------------------------------

HOSTILE = ('عنوان <script>alert(1)</script>\n\n'
           '**<img src=x onerror=alert(2)>** و[<b onclick=x>هنا</b>](#) "\'> <a href="javascript:x">x</a>\n')


def unsafe_markup(html: str) -> list[str]:
    return re.findall(r"<(?:script|img|a|b)\b[^>]*>", html)


def test_a_hostile_document_is_shown_as_text() -> None:
    document = parse(HOSTILE)
    html = render_blocks(document, find_passage(document, "alert(2)")).html
    assert unsafe_markup(html) == []
    assert "&lt;script&gt;" in html
    assert "<strong>&lt;img" in html


def test_control_without_escaping_the_hostile_markup_gets_through(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reader, "escape", lambda value, **_: value)
    document = parse(HOSTILE)
    assert unsafe_markup(render_blocks(document).html) != []


# --- links ---------------------------------------------------------------------------------


def test_passage_url() -> None:
    assert passage_url("initiatives", "a-b", "sfax-2019-summary", "fr") == \
        "/sources?id=sfax-2019-summary&at=initiatives%3Aa-b&lang=fr#passage"
    assert passage_url("challenges", "x", "s", "ar", "http://10.0.0.1:8501/").startswith("http://10.0.0.1:8501/sources?")


def test_a_block_knows_its_place() -> None:
    block = Block("item", "- نص", 10, body=2)
    assert (block.end, block.plain) == (14, "نص")


def _offline_ids(dataset) -> tuple[list[tuple[str, str]], dict[str, str]]:  # type: ignore[no-untyped-def]
    pages = reader.offline_pages(dataset.tables, dataset.data_dir, "en", document_href=lambda name: name, font_url="")
    return quoted_rows(), pages


def test_every_quoted_row_has_its_target_in_the_offline_copy(dataset) -> None:  # type: ignore[no-untyped-def]
    """A passage wholly inside another row's (e.g. a city named in an initiative's sentence) still has
    its anchor, just before the mark that holds it, so the offline link lands there and lights it."""
    rows, pages = _offline_ids(dataset)
    missing = [(table, row["id"]) for table, row in rows
               if f'id="{reader.offline_target(table, row["id"])}"' not in pages[f"{row['source_id']}.html"]]
    assert len(rows) > 100
    assert missing == []


def test_control_without_the_anchor_the_covered_passages_lose_their_target(dataset, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    original = reader.inline_html

    def without_anchors(value, mark=None, marks=()):  # type: ignore[no-untyped-def]
        return re.sub(r'<span class="q-anchor" id="[^"]*"></span>', "", original(value, mark, marks))

    monkeypatch.setattr(reader, "inline_html", without_anchors)
    rows, pages = _offline_ids(dataset)
    missing = [row["id"] for table, row in rows
               if f'id="{reader.offline_target(table, row["id"])}"' not in pages[f"{row['source_id']}.html"]]
    assert missing  # several city quotes sit inside an initiative's quoted sentence
