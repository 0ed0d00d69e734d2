"""Data shown as text inside Markdown: every payload reads as written and does nothing."""

from __future__ import annotations

import html
import re

import pytest
from markdown_it import MarkdownIt

from mc2cm.plaintext import MARKDOWN_PUNCTUATION, WORD_JOINER, escape_markdown
from tests.markdown_safety import PAYLOAD, URL_PAYLOAD, live_markdown

PAYLOADS = ["![](http://x/y.png)", "[a](http://e)", "$x^2$", ":red[a]", ":material/lock:", "http://evil.example",
            "HTTPS://evil.example/a?b=c", "www.evil.example", "**b**", "<img src=x>", "someone@evil.example",
            "# heading", "1. item", "- item", "> quote", "| a | b |\n|---|---|\n| c | d |", "~~s~~", "`code`",
            "\\[a](http://e)", "&amp; &lt;", PAYLOAD, URL_PAYLOAD]
ARABIC = "مدينة صفاقس، «الحوار» (٢٠١٩): الجمعيات، والبلدية؟"

# CommonMark with raw HTML on, and GFM's tables and strikethrough: what the escaping must survive.
RENDERER = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
# mdast-util-gfm-autolink-literal's finders (JavaScript's \w is ASCII), run on the text after escapes.
GFM_AUTOLINK = re.compile(r"(?i)(https?://|www(?=\.))[-.\w]+|[-.A-Za-z0-9_+]+@[-A-Za-z0-9_]+(\.[-A-Za-z0-9_]+)+",
                          re.ASCII)
ESCAPED = re.compile(r"\\[!-/:-@\[-`{-~]")


def rendered(markdown: str) -> str:
    return RENDERER.render(markdown)


def visible(markdown: str) -> str:
    """The text a reader sees: tags dropped, entities decoded, the invisible word joiner removed."""
    return html.unescape(re.sub(r"<[^>]+>", "", rendered(markdown))).replace(WORD_JOINER, "").strip()


def text_nodes(markdown: str) -> str:
    """The text GFM's autolink finder sees: escapes resolved."""
    return ESCAPED.sub(lambda m: m.group()[1], markdown)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_payload_reads_as_written_and_makes_nothing(payload: str) -> None:
    safe = escape_markdown(payload)
    out = rendered(safe)
    assert "<a " not in out
    assert "<img" not in out
    assert not re.search(r"<(h\d|ol|ul|blockquote|table|del|code|strong|em)\b", out)
    assert visible(safe) == payload
    assert live_markdown(safe) == []
    assert GFM_AUTOLINK.search(text_nodes(safe)) is None
    # Every character Markdown, GFM, maths and directives are made of is backslash-escaped.
    assert not set(ESCAPED.sub("", safe)) & set(MARKDOWN_PUNCTUATION)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_control_the_same_checks_flag_the_unescaped_payload(payload: str) -> None:
    out = rendered(payload)
    flagged = [
        "<a " in out or "<img" in out or bool(re.search(r"<(h\d|ol|ul|blockquote|table|del|code|strong|em)\b", out)),
        visible(payload) != payload,
        bool(live_markdown(payload)),
        GFM_AUTOLINK.search(text_nodes(payload)) is not None,
        bool(set(ESCAPED.sub("", payload)) & set(MARKDOWN_PUNCTUATION)),
    ]
    assert flagged[-1]  # the strictest check catches every payload
    assert any(flagged[:-1]), payload  # and each payload trips a check of what it would do


def test_control_live_markdown_finds_each_kind() -> None:
    assert live_markdown("![p](http://x/p.png)") == ["](http", "![", "http://"]
    assert live_markdown("$x$ :red[r] :material/lock: www.a.b") == ["$", ":red[", ":material/", "www."]
    assert live_markdown("\\[a](http://e)") == ["](http", "http://"]  # half-escaped is still live
    assert live_markdown("\\\\[a](http://e)") == ["](http", "http://"]  # an escaped backslash escapes nothing
    assert live_markdown(escape_markdown("[a](http://e)")) == []


def test_arabic_and_plain_words_are_unchanged() -> None:
    assert escape_markdown(ARABIC).replace("\\", "") == ARABIC
    assert visible(escape_markdown(ARABIC)) == ARABIC
    assert escape_markdown("صفاقس") == "صفاقس"
    assert escape_markdown("Sfax 2019") == "Sfax 2019"


def test_non_strings_become_text() -> None:
    assert escape_markdown(2019) == "2019"
    assert escape_markdown(None) == "None"
