"""An Arabic citation reads in order: the file name is one left-to-right run, the labels lead.

Before, the detail page cited ``title (000_038a1b11c4fce8c1.txt) — Annex: …`` in one right-to-left
paragraph; the digits of the file name then broke away from its letters and a reader saw
«(038a1b11c4fce8c1.txt_000». The check below measures where each character of the file name is
drawn; the control draws the old string in the same page and shows the check catches it.
"""

from __future__ import annotations

import itertools

import pytest
from playwright.sync_api import Locator, Page, expect

from mc2cm.i18n import t
from mc2cm.loading import load_dataset
from tests.browser.support import ROOT, screenshot

pytestmark = pytest.mark.browser

BRITAL = "brital-syrian-displacement-response"
FILE = "000_038a1b11c4fce8c1.txt"
DATA = load_dataset(ROOT / "data")
ARABIC_LOCATOR = str(DATA.initiatives.loc[BRITAL, "source_locator_ar"])
TITLE_AR = str(DATA.sources.loc["sfax-2019-summary", "title_ar"])
LOCATOR_EN = str(DATA.initiatives.loc[BRITAL, "source_locator"])

# x of each character of `text` inside `root`, with the line it is on: [[left, top], ...]
CHARACTER_BOXES = """([root, text]) => {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.data.indexOf(text);
    if (at < 0) continue;
    return [...text].map((_, k) => {
      const range = document.createRange();
      range.setStart(node, at + k);
      range.setEnd(node, at + k + 1);
      const box = range.getBoundingClientRect();
      return [box.left, Math.round(box.top)];
    });
  }
  return null;
}"""


def drawn_left_to_right(element: Locator, text: str) -> bool:
    """Whether ``text`` is drawn on one line, each character right of the one before (a Latin run)."""
    boxes = element.page.evaluate(CHARACTER_BOXES, [element.element_handle(), text])
    assert boxes, f"{text!r} is not in the element"
    lines = {top for _, top in boxes}
    lefts = [left for left, _ in boxes]
    return len(lines) == 1 and all(a < b for a, b in itertools.pairwise(lefts))


def open_detail(new_page, width: int, height: int, server: str) -> Page:  # type: ignore[no-untyped-def]
    view = new_page(width=width, height=height, locale="ar")
    page: Page = view.open(f"{server}/initiatives?lang=ar&id={BRITAL}")
    expect(page.locator("h1").first).to_have_text(str(DATA.initiatives.loc[BRITAL, "name_ar"]))
    assert view.errors == []
    return page


@pytest.mark.parametrize(("width", "height"), [(390, 844), (1400, 900)])
def test_arabic_citation_reads_in_order(server: str, new_page, width: int, height: int) -> None:  # type: ignore[no-untyped-def]
    page = open_detail(new_page, width, height, server)
    block = page.locator("dl.mc2cm-citation")
    expect(block).to_have_count(1)
    block.scroll_into_view_if_needed()
    screenshot(page, f"ar-detail-{width}")
    assert block.get_attribute("dir") == "rtl"
    text = block.inner_text()
    assert ARABIC_LOCATOR in text  # the locator in the reader's language
    assert "Annex" not in text
    # the file name is an element of its own, isolated, and drawn as one left-to-right run
    file_part = block.locator('dd[data-part="file"] bdi')
    expect(file_part).to_have_text(FILE)
    assert drawn_left_to_right(block, FILE)
    # each label is read first: to the right of its value (right to left), or above it on a phone
    for part in ("title", "file", "locator"):
        value = block.locator(f'dd[data-part="{part}"]').bounding_box()
        label = block.locator(f'dd[data-part="{part}"]').locator("xpath=preceding-sibling::dt[1]").bounding_box()
        assert value is not None
        assert label is not None
        beside = label["x"] >= value["x"] + value["width"] - 1
        above = label["y"] + label["height"] <= value["y"] + 1
        assert beside or above, part
        assert value["x"] >= -1, part  # nothing pushed off the screen
    assert block.locator("dt").first.inner_text() == t("citation.document", "ar")


def test_control_the_old_citation_is_caught(server: str, new_page) -> None:  # type: ignore[no-untyped-def]
    page = open_detail(new_page, 1400, 900, server)
    old = f"{TITLE_AR} ({FILE}) — {LOCATOR_EN}"  # the citation before this change
    page.evaluate("""(text) => { const div = document.createElement('div');
        div.id = 'old-citation'; div.dir = 'rtl'; div.style.width = '4000px'; div.textContent = text;
        document.body.prepend(div); }""", old)
    assert not drawn_left_to_right(page.locator("#old-citation"), FILE)
