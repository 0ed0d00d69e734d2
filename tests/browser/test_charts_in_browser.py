"""The Arabic chart in a real browser (issue 13): its summary and table are on the page, Plotly draws the
Arabic labels as SVG text, and the chart runs right to left, at desktop and phone width.

Screenshots: tests/browser/screenshots/chart-cso-roles-ar-{1400,390}.png (and the table opened).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from mc2cm.bidi import FSI, PDI, strip_isolates
from mc2cm.charts import challenge_matrix_view, role_balance_view
from mc2cm.filters import Selection, select_challenges
from mc2cm.i18n import t, text
from mc2cm.loading import load_dataset
from mc2cm.metrics import role_balance
from tests.browser.support import ROOT, screenshot

pytestmark = pytest.mark.browser

CHART = ".js-plotly-plot"


def squeezed(value: str) -> str:
    """Text without isolates or white space: SVG lines of a wrapped label join with no space between them."""
    return "".join(strip_isolates(value).split())


def svg_texts(page: Page, selector: str) -> list[str]:
    return page.locator(f"{CHART} {selector}").evaluate_all("nodes => nodes.map(n => n.textContent)")


def shoot(page: Page, name: str, selector: str) -> None:
    """A screenshot with ``selector`` at the top of a viewport tall enough for it and what follows."""
    viewport = page.viewport_size
    assert viewport is not None
    page.set_viewport_size({"width": viewport["width"], "height": 1700})
    page.locator(selector).first.evaluate(  # below Streamlit's top bar
        "el => { el.style.scrollMarginTop = '90px'; el.scrollIntoView({block: 'start'}); }")
    screenshot(page, name)
    page.set_viewport_size(viewport)


def boxes(page: Page, selector: str) -> list[dict[str, float]]:
    return page.locator(f"{CHART} {selector}").evaluate_all(
        "nodes => nodes.map(n => { const b = n.getBoundingClientRect(); return {x: b.x, right: b.right}; })")


def legend_right_to_left(page: Page) -> tuple[list[str], int]:
    """The legend's entries as a right-to-left reader takes them (top row first, each row from the right); rows."""
    entries = page.locator(".mc2cm-legend .mc2cm-chip").evaluate_all(
        "nodes => nodes.map(n => { const b = n.getBoundingClientRect();"
        " return {x: b.x, y: Math.round(b.y + b.height / 2), text: n.textContent}; })")
    rows: dict[int, list[dict[str, object]]] = {}
    for entry in entries:
        row = next((y for y in rows if abs(y - int(entry["y"])) < 8), int(entry["y"]))
        rows.setdefault(row, []).append(entry)
    read = [squeezed(str(e["text"])) for y in sorted(rows) for e in sorted(rows[y], key=lambda e: -float(e["x"]))]
    return read, len(rows)


@pytest.mark.parametrize("width", [1400, 390])
def test_the_arabic_role_chart_has_its_alternatives_and_reads_right_to_left(  # type: ignore[no-untyped-def]
        server: str, new_page, width: int) -> None:
    data = load_dataset(ROOT / "data")
    chart = role_balance_view(role_balance(data.role_assessments), data.cso_roles, "ar")
    view = new_page(width=width, height=900, locale="ar")
    page = view.open(f"{server}/cso_roles?lang=ar")
    page.locator(f"{CHART} .main-svg").first.wait_for(timeout=60_000)
    page.evaluate("() => document.fonts.ready")

    # the summary, right under the chart, in Arabic
    caption = page.locator('[data-testid="stCaptionContainer"]').filter(has_text=strip_isolates(chart.summary)[:20])
    expect(caption).to_have_count(1)
    assert strip_isolates(caption.inner_text()) == strip_isolates(chart.summary)
    assert FSI in caption.inner_text()  # the role names stay isolated on the page

    # Plotly draws the Arabic role names as SVG text, each line isolated
    ticks = svg_texts(page, ".ytick text")
    names = [text(row, "name", "ar") for _, row in data.cso_roles.sort_values("position").iterrows()]
    assert sorted(squeezed(value) for value in ticks) == sorted(squeezed(name) for name in names)
    lines = page.locator(f"{CHART} .ytick text tspan").all_text_contents() or ticks
    assert all(line.startswith(FSI) and line.endswith(PDI) for line in lines), lines

    # right to left: the role names on the right of the bars, strengths (ticks 1, 2…) left of zero
    plot = page.locator(f"{CHART} .nsewdrag").first.bounding_box()
    assert plot is not None
    assert all(box["x"] >= plot["x"] + plot["width"] - 1 for box in boxes(page, ".ytick text"))
    zero = page.locator(f"{CHART} .zerolinelayer path").first.bounding_box()
    assert zero is not None
    strengths = [trace for trace in chart.figure.data if any(x > 0 for x in trace.x)]
    bar_boxes = page.locator(f"{CHART} .barlayer .trace").evaluate_all(
        "nodes => nodes.map(n => { const b = n.getBoundingClientRect(); return {x: b.x, right: b.right}; })")
    assert len(bar_boxes) == len(chart.figure.data)
    for trace, box in zip(chart.figure.data, bar_boxes, strict=True):
        if all(x > 0 for x in trace.x):  # a theme only ever a strength: all its bars left of zero
            assert box["right"] <= zero["x"] + zero["width"] + 1, squeezed(trace.name)
        elif all(x < 0 for x in trace.x):
            assert box["x"] >= zero["x"] - 1, squeezed(trace.name)
    assert strengths

    # the legend (text, not SVG) reads right to left, row after row, in the schema's order of the themes
    assert page.locator(f"{CHART} .legend .traces").count() == 0
    read, rows = legend_right_to_left(page)
    assert read == [squeezed(trace.name) for trace in chart.figure.data] == [squeezed(n) for n, _ in chart.legend]
    if width < 500:
        assert rows > 1  # on a phone the order holds across a row break too
    shoot(page, f"chart-cso-roles-ar-{width}", ".mc2cm-legend")

    # the table alternative: folded under its title, the same rows when opened
    page.get_by_text(t("chart.as_table", "ar"), exact=True).click()
    table = page.locator('[data-testid="stExpander"] [data-testid="stTable"] table').first
    expect(table).to_be_visible()
    headers = [squeezed(h) for h in table.locator("thead th").all_inner_texts()]
    assert [squeezed(str(c)) for c in chart.table.columns] == [h for h in headers if h]
    assert table.locator("tbody tr").count() == len(chart.table)
    assert table.evaluate("el => getComputedStyle(el).direction") == "rtl"
    shoot(page, f"chart-cso-roles-ar-{width}-table", '[data-testid="stExpander"]')


def test_the_arabic_matrix_reads_right_to_left(server: str, new_page) -> None:  # type: ignore[no-untyped-def]
    data = load_dataset(ROOT / "data")
    chart = challenge_matrix_view(select_challenges(data, Selection()), data.recommendations, "ar")  # as the page
    page = new_page(width=1400, height=900, locale="ar").open(f"{server}/challenges?lang=ar")
    page.locator(f"{CHART} .main-svg").first.wait_for(timeout=60_000)
    page.evaluate("() => document.fonts.ready")
    caption = page.locator('[data-testid="stCaptionContainer"]').filter(has_text=strip_isolates(chart.summary)[:20])
    assert strip_isolates(caption.inner_text()) == strip_isolates(chart.summary)
    expect(page.get_by_text(t("chart.as_table", "ar"), exact=True)).to_be_visible()
    # the challenges across the top: Arabic SVG text, isolated, the first one on the right where reading starts
    shown = svg_texts(page, ".xtick text")
    assert all(v.startswith(FSI) and v.endswith(PDI) for v in shown)
    shoot(page, "chart-challenges-ar-1400", CHART)
    # where each label's tick is (its rotated box says little): translate(x, 0) on the text
    ticks = page.locator(f"{CHART} g.xtick text").evaluate_all(
        "nodes => nodes.map(n => [parseFloat(n.getAttribute('transform').split('(')[1]), n.textContent])")
    right_to_left = [label for _, label in sorted(ticks, key=lambda tick: -tick[0])]
    assert [squeezed(v) for v in right_to_left] == [squeezed(v) for v in chart.figure.data[0].x]


def test_control_a_legend_running_left_to_right_is_caught(server: str, new_page) -> None:  # type: ignore[no-untyped-def]
    """The English legend runs left to right: read from the right it comes out of order, as it would in
    Arabic if the legend lost its direction."""
    data = load_dataset(ROOT / "data")
    chart = role_balance_view(role_balance(data.role_assessments), data.cso_roles, "en")
    page = new_page(width=390, height=900).open(f"{server}/cso_roles?lang=en")
    page.locator(".mc2cm-legend .mc2cm-chip").first.wait_for(timeout=60_000)
    read, _ = legend_right_to_left(page)
    assert sorted(read) == sorted(squeezed(n) for n, _ in chart.legend)
    assert read != [squeezed(n) for n, _ in chart.legend]
