"""Data and URL values shown as plain text where Streamlit renders Markdown.

Streamlit renders Markdown in far more than ``st.markdown``: captions, alerts,
headers, widget labels, page links, tabs, expanders, and the options of radio
buttons, pills and segmented controls. A value from a CSV cell or from the URL
that reaches one of them unescaped can load a remote image (``![](http://…)``),
show a link to anywhere (``[Sign in](http://…)``), typeset maths (``$…$``) or
apply Streamlit's directives (``:red[…]``, ``:material/…:``).

:func:`escape_markdown` makes such a value read exactly as written. It goes
round every value at the point where it meets Markdown; HTML built for
``st.html`` uses :func:`html.escape` instead, and plain-text elements
(``st.text``, ``st.code``, tables, select boxes) take the value as it is.
"""

from __future__ import annotations

import re

# Invisible, and not a space, a letter or punctuation: it splits "http://" and
# "www." for the GFM autolink finder without changing what people read.
WORD_JOINER = "\u2060"

# The ASCII punctuation that Markdown, GFM (tables, strikethrough, autolinks),
# maths ("$…$"), Streamlit's directives (":red[…]", ":material/…:", emoji
# shortcodes), entities ("&amp;") and setext headings ("===") are made of.
# CommonMark lets a backslash escape any of them, and the escape always means
# the character itself; the rest (, ' " ; ? / and so on) never start syntax alone.
MARKDOWN_PUNCTUATION = "\\`*_{}[]()#+-.!|<>$~:&="
_ESCAPES = {ord(c): "\\" + c for c in MARKDOWN_PUNCTUATION}

# GFM turns bare "http://…", "https://…", "www.…" and "name@host.tld" into links
# after the escapes are resolved (mdast-util-gfm-autolink-literal works on the
# text), so backslashes alone do not stop them.
_AUTOLINK = re.compile(r"(?i)(?<=http)(?=s?://)|(?<=www)(?=\.)|(?<=@)")


def escape_markdown(value: object) -> str:
    """``value`` as Markdown that shows it literally: ``[a](http://e)`` reads as written, with no link."""
    return _AUTOLINK.sub(WORD_JOINER, str(value)).translate(_ESCAPES)
