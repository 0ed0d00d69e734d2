"""Beyond axe: targets of at least 24 x 24 CSS px (WCAG 2.5.8) on a phone, and the keyboard's way through a page.

Targets: every link, button, input and map marker (inside the map's frame too) on /, /map,
/initiatives, /vote and /ballot, at 390 px in Arabic and English, with the drawer closed and open.
A target smaller than 24 x 24 passes only by WCAG's exceptions: a link inside a sentence, or the
spacing exception (a 24 px circle on its centre touches no other target nor another small
target's circle). A radio button or checkbox inside its label is measured as the label, which
is what a finger presses.

Keyboard: Tab from the top of the page visits every control once, the sidebar's filters before
the main content, each region from top to bottom, and comes back to the start: nothing traps the
focus (the map's frame lets it go).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from mc2cm.votes import OPEN, SQLiteVoteStore
from tests.browser.support import MAP_FRAME, ROOT, screenshot, streamlit_server, wait_idle, wait_map_settled

pytestmark = pytest.mark.browser

POLLS = ("top-three-priorities", "first-key-message")  # a dot vote (checkboxes) and one choice (radios)
STREAMLIT_PAGES = ("/", "/map", "/initiatives", *(f"/vote?poll={poll}" for poll in POLLS))
BALLOT_PAGES = tuple(f"/ballot?poll={poll}" for poll in POLLS)

TARGETS = """() => {
  const SELECTOR = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], '
                 + '[role=tab], [role=checkbox], [role=radio], [role=switch], [role=option], path.leaflet-interactive';
  const found = [];
  const visit = (doc, dx, dy, where) => {
    for (let el of doc.querySelectorAll(SELECTOR)) {
      if (el.matches('input[type=radio], input[type=checkbox]') && el.closest('label')) { el = el.closest('label'); }
      // a select box's arrow opens the select box, a target of its own size ("equivalent" exception)
      if (el.matches('.react-aria-ComboBox [role=group] [aria-haspopup=listbox]')) { el = el.closest('[role=group]'); }
      const r = el.getBoundingClientRect();
      const style = doc.defaultView.getComputedStyle(el);
      if (r.width === 0 || r.height === 0 || style.visibility === 'hidden') continue;
      if (el.closest('[aria-hidden=true], [inert]')) continue;  // e.g. a closed expander's content
      const x = r.left + dx, y = r.top + dy;
      if (x + r.width <= 0 || x >= innerWidth) continue;  // outside the screen: a closed drawer
      const block = el.parentElement && el.parentElement.closest('p, li, td, .leaflet-control-attribution');
      const inline = el.tagName === 'A' && !!block && block.textContent.trim().length > el.textContent.trim().length;
      const name = (el.getAttribute('aria-label') || el.textContent || el.getAttribute('title') || '').trim();
      if (!found.some((t) => t.el === el)) {
        found.push({el, where, tag: el.tagName.toLowerCase(), name: name.slice(0, 40), x, y, w: r.width, h: r.height, inline});
      }
    }
    for (const frame of doc.querySelectorAll('iframe')) {
      let inner = null;
      try { inner = frame.contentDocument; } catch (error) { continue; }
      if (!inner) continue;
      const box = frame.getBoundingClientRect();
      visit(inner, dx + box.left + frame.clientLeft, dy + box.top + frame.clientTop, 'frame');
    }
  };
  visit(document, 0, 0, 'page');
  const small = (t) => t.w < 23.99 || t.h < 23.99;
  const centre = (t) => [t.x + t.w / 2, t.y + t.h / 2];
  const toRect = ([cx, cy], t) => Math.hypot(Math.max(t.x - cx, 0, cx - t.x - t.w), Math.max(t.y - cy, 0, cy - t.y - t.h));
  const failing = found.filter((t) => small(t) && !t.inline && found.some((o) => o !== t && (
      toRect(centre(t), o) < 12
      || (small(o) && !o.inline && Math.hypot(centre(t)[0] - centre(o)[0], centre(t)[1] - centre(o)[1]) < 24))));
  const plain = (t) => ({where: t.where, tag: t.tag, name: t.name, w: Math.round(t.w), h: Math.round(t.h)});
  return {count: found.length, markers: found.filter((t) => t.tag === 'path').length, failing: failing.map(plain)};
}"""


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server whose two polls are open, so /vote and /ballot show their buttons."""
    votes = tmp_path_factory.mktemp("targets") / "votes.sqlite3"
    store = SQLiteVoteStore(votes)
    for poll in POLLS:
        store.reset(poll)
        store.set_status(poll, OPEN)
    with streamlit_server(ROOT / "data", env={"MC2CM_VOTES_DB": str(votes),
                                              "MC2CM_SECRET": "targets-test-secret-0123456789"}) as address:
        yield address


def _page(browser: Browser, made: list[BrowserContext], lang: str, width: int, height: int,
          touch: bool) -> Page:
    context = browser.new_context(viewport={"width": width, "height": height}, locale=lang,
                                  has_touch=touch, is_mobile=touch)
    made.append(context)
    return context.new_page()


def _open(page: Page, address: str, path: str, lang: str) -> Page:
    page.goto(f"{address}{path}{'&' if '?' in path else '?'}lang={lang}")
    if path.startswith("/ballot"):
        page.wait_for_selector("form")  # the light ballot is plain HTML
        return page
    wait_idle(page)
    if path.startswith("/map"):
        page.frame_locator(MAP_FRAME).locator("path.leaflet-interactive").first.wait_for(timeout=60_000)
        wait_map_settled(page.frame_locator(MAP_FRAME))  # measured during the opening zoom, a marker is half its size
    if path.startswith(("/map", "/initiatives")):  # the filters come last on /map: wait for them too
        page.wait_for_selector('[data-testid="stSidebar"] [data-testid="stPopoverButton"]', state="attached",
                               timeout=60_000)
    if path.startswith("/initiatives"):
        page.wait_for_selector('[data-testid="stMain"] [data-testid="stPageLink-NavLink"]', timeout=60_000)
    return page


def targets(page: Page) -> dict[str, Any]:
    result: dict[str, Any] = page.evaluate(TARGETS)
    assert result["count"] > 0, "found some targets"
    return result


# --- targets --------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["ar", "en"])
@pytest.mark.parametrize("path", STREAMLIT_PAGES)
def test_every_target_is_at_least_24_px_on_a_phone(url: str, browser: Browser, contexts: list[BrowserContext],
                                                   path: str, lang: str) -> None:
    page = _open(_page(browser, contexts, lang, 390, 844, touch=True), url, path, lang)
    closed = targets(page)
    assert closed["failing"] == []
    if path == "/map":
        assert closed["markers"] > 10  # the markers inside the frame were measured
    page.locator('[data-testid="stExpandSidebarButton"]').tap()  # the drawer: pills, language, pages, popover
    expect(page.locator('[data-testid="stSidebarCollapseButton"]')).to_have_count(1)
    page.wait_for_function("() => document.querySelector('[data-testid=\"stSidebar\"]').getBoundingClientRect().left >= 0")
    opened = targets(page)
    assert opened["count"] > closed["count"]
    assert opened["failing"] == []


@pytest.mark.parametrize("lang", ["ar", "en"])
@pytest.mark.parametrize("path", BALLOT_PAGES)
def test_every_target_of_the_light_ballot_is_at_least_24_px(url: str, browser: Browser,
                                                            contexts: list[BrowserContext], path: str,
                                                            lang: str) -> None:
    page = _open(_page(browser, contexts, lang, 390, 844, touch=True), url, path, lang)
    result = targets(page)
    assert result["count"] >= 3  # the choices and the button
    assert result["failing"] == []


def test_control_a_10_px_button_beside_a_target_is_caught(url: str, browser: Browser,
                                                          contexts: list[BrowserContext]) -> None:
    page = _open(_page(browser, contexts, "ar", 390, 844, touch=True), url, "/initiatives", "ar")
    assert targets(page)["failing"] == []
    page.wait_for_selector('[data-testid="stMain"] button', timeout=60_000)  # a loaded CI machine draws it late
    page.evaluate("""() => {
        const beside = document.querySelector('[data-testid="stMain"] button');
        const tiny = document.createElement('button');
        tiny.setAttribute('aria-label', 'tiny');
        tiny.style.cssText = 'width:10px;height:10px;min-height:0;padding:0;border:0;margin:0';
        beside.parentElement.insertBefore(tiny, beside);
    }""")
    assert [t["name"] for t in targets(page)["failing"]] == ["tiny"]


# --- keyboard -------------------------------------------------------------------------------------

# Streamlit may redraw an element after the page looks idle, so a control is known by what it is
# (its region, tag, link or label, and which of its kind), not by a mark put on it beforehand; its
# top is measured within its scrolling region, so Tab's scrolling does not change it.
KEYBOARD = """
window.__kb = window.__kb || {
  SELECTOR: 'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]',
  region(el) {
    return el.closest('[data-testid="stSidebarContent"]') ? 'sidebar' : el.closest('[data-testid="stMain"]') ? 'main' : null;
  },
  // A group of pills or segments is one stop (ARIA's composite widget: Tab enters it, arrows move within).
  unit(el) { return el.closest('[data-testid="stButtonGroup"]') || el; },
  label(el) {
    return (el.getAttribute('href') || el.getAttribute('aria-label') || el.innerText || el.value || '').trim().slice(0, 60);
  },
  key(el) {
    const unit = this.unit(el), region = this.region(unit), label = this.label(unit);
    const same = [];
    document.querySelectorAll(this.SELECTOR).forEach((other) => {
      const u = this.unit(other);
      if (!same.includes(u) && this.region(u) === region && u.tagName === unit.tagName && this.label(u) === label) same.push(u);
    });
    return `${region}|${unit.tagName}|${label}#${same.indexOf(unit)}`;
  },
  top(el) {
    let box = el.parentElement;
    const scrolls = (node) => node.scrollHeight > node.clientHeight && /(auto|scroll)/.test(getComputedStyle(node).overflowY);
    while (box && !scrolls(box)) box = box.parentElement;
    const r = this.unit(el).getBoundingClientRect();
    return Math.round(box ? r.top - box.getBoundingClientRect().top + box.scrollTop : r.top + scrollY);
  },
  controls() {
    const keys = [];
    document.querySelectorAll(this.SELECTOR).forEach((el) => {
      const r = el.getBoundingClientRect();
      if (el.disabled || el.tabIndex < 0 || r.width === 0 || r.height === 0 || el.closest('[inert]')) return;
      if (getComputedStyle(el).visibility === 'hidden') return;
      if (!this.region(el) || el.matches('[data-testid="stMain"]')) return;
      const key = this.key(el);
      if (!keys.includes(key)) keys.push(key);
    });
    return keys;
  },
  focused() {
    let el = document.activeElement, framed = false;
    while (el && el.tagName === 'IFRAME') { framed = true; el = el.contentDocument && el.contentDocument.activeElement; }
    if (framed) return {key: null, region: 'frame', skip: false};
    if (!el || el === document.body) return {key: null, region: 'body', skip: false};
    const region = this.region(el);
    // Streamlit's columns are read one after the other: the order is checked within each column
    const column = el.closest('[data-testid="stColumn"]');
    return {key: region && !el.matches('[data-testid="stMain"]') ? this.key(el) : null, region: region || 'other',
            column: column ? [...document.querySelectorAll('[data-testid="stColumn"]')].indexOf(column) : -1,
            top: this.top(el), skip: el.matches('[data-testid="stSkipToContent"]')};
  },
};
"""


def _kb(page: Page, call: str) -> Any:
    return page.evaluate(f"() => {{ {KEYBOARD}; return window.__kb.{call}; }}")


def settle(page: Page) -> None:
    """Wait until the page has settled: the same controls twice in a row."""
    page.evaluate(f"() => {{ {KEYBOARD} }}")
    page.wait_for_function("""() => {
        const now = JSON.stringify(window.__kb.controls()), same = now === window.__kbLast;
        window.__kbLast = now;
        return same;
    }""", polling=500, timeout=60_000)


def tab_through(page: Page, budget: int = 250) -> tuple[list[str], list[dict[str, Any]], bool]:
    """Press Tab from the top until the focus comes back to the skip link.

    Returns the controls there are (after the tour, the page being settled), the focus after each
    press, and whether it came back.
    """
    settle(page)
    visits: list[dict[str, Any]] = []
    cycled = False
    for _ in range(budget):
        page.keyboard.press("Tab")
        now: dict[str, Any] = _kb(page, "focused()")
        if now["skip"] and visits:
            cycled = True
            break
        visits.append(now)
    controls: list[str] = _kb(page, "controls()")
    assert controls, "found the controls"
    return controls, visits, cycled


def check_order(controls: list[str], visits: list[dict[str, Any]]) -> None:
    reached = [v for v in visits if v["key"] is not None]
    keys = [v["key"] for v in reached]
    assert sorted(set(keys)) == sorted(controls), "every control is reached by Tab"
    assert len(keys) == len(set(keys)), "each control once"
    regions = [v["region"] for v in reached]
    assert regions == sorted(regions, key=("sidebar", "main").index), "the sidebar's filters, then the content"
    places = [(v["region"], v["column"]) for v in reached]
    blocks = [place for i, place in enumerate(places) if i == 0 or places[i - 1] != place]
    assert len(blocks) == len(set(blocks)), "each column is read in one go"
    for block in blocks:
        tops = [v["top"] for v in reached if (v["region"], v["column"]) == block]
        assert tops == sorted(tops), f"{block} from top to bottom"


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_tab_reaches_every_control_of_initiatives_in_reading_order(url: str, browser: Browser,
                                                                   contexts: list[BrowserContext], lang: str) -> None:
    page = _open(_page(browser, contexts, lang, 1280, 900, touch=False), url, "/initiatives", lang)
    controls, visits, cycled = tab_through(page)
    assert cycled, "the focus comes back to the top: nothing traps it"
    check_order(controls, visits)
    assert {key.split("|")[0] for key in controls} == {"sidebar", "main"}


def test_control_a_positive_tabindex_breaks_the_order(url: str, browser: Browser,
                                                      contexts: list[BrowserContext]) -> None:
    page = _open(_page(browser, contexts, "ar", 1280, 900, touch=False), url, "/initiatives", "ar")
    settle(page)
    page.evaluate("""() => { const links = document.querySelectorAll('[data-testid="stMain"] a[href]');
                              links[links.length - 1].setAttribute('tabindex', '1'); }""")
    controls, visits, _ = tab_through(page)
    with pytest.raises(AssertionError):  # the focus jumps to that link first
        check_order(controls, visits)


def test_control_a_focus_trap_is_caught(url: str, browser: Browser, contexts: list[BrowserContext]) -> None:
    page = _open(_page(browser, contexts, "ar", 1280, 900, touch=False), url, "/initiatives", "ar")
    settle(page)
    page.evaluate("""() => { const field = document.querySelector('[data-testid="stSidebar"] input');
        field.addEventListener('keydown', (event) => { if (event.key === 'Tab') event.preventDefault(); }); }""")
    _, _, cycled = tab_through(page, budget=60)
    assert not cycled


def test_the_phone_drawer_is_out_of_the_tab_order_while_closed(url: str, browser: Browser,
                                                               contexts: list[BrowserContext]) -> None:
    page = _open(_page(browser, contexts, "ar", 390, 844, touch=False), url, "/initiatives", "ar")
    regions = []
    for _ in range(6):
        page.keyboard.press("Tab")
        regions.append(_kb(page, "focused()")["region"])
    assert "sidebar" not in regions  # the skip link, the drawer's button, the menu, then the content
    assert "main" in regions


def test_the_map_lets_the_focus_go_and_a_marker_opens_from_the_keyboard(url: str, browser: Browser,
                                                                        contexts: list[BrowserContext]) -> None:
    page = _open(_page(browser, contexts, "ar", 1280, 900, touch=False), url, "/map", "ar")
    controls, visits, cycled = tab_through(page)
    assert cycled
    regions = [v["region"] for v in visits if v["region"] in {"sidebar", "main", "frame"}]
    assert "frame" in regions
    first, last = regions.index("frame"), len(regions) - 1 - regions[::-1].index("frame")
    assert set(regions[first:last + 1]) == {"frame"}, "the map's stops come together"
    assert "main" in regions[last + 1:], "after the map, the focus goes on to the list and the links"
    check_order(controls, visits)
    frame = page.frame_locator(MAP_FRAME)
    marker = frame.locator('path.leaflet-interactive[role="button"]').first
    assert marker.get_attribute("aria-label")
    marker.focus()
    page.keyboard.press("Enter")
    link = frame.locator(".leaflet-popup-content a").first
    expect(link).to_be_focused()
    screenshot(page, "map-marker-opened-by-keyboard-ar")
