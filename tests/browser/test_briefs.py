"""Briefs in a real browser and as real PDFs: /brief and /brief.pdf behind the front door.

What only a browser shows: the Arabic PDF's text layer (``pdftotext`` gives the words back
as written, in reading order), the page count of a ten-initiative brief, the brief's
accessibility (axe-core) and that it asks nothing of the network.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Route

from mc2cm.brief import render_brief
from mc2cm.filters import Selection, select_initiatives
from mc2cm.loading import load_dataset
from mc2cm.pdf import html_to_pdf
from tests.browser.accessibility import axe_violations
from tests.browser.support import ROOT
from tests.core.test_shipped_data import on_ci

pytestmark = pytest.mark.browser
SHOTS = ROOT / "tests" / "browser" / "screenshots"
FONTS = ROOT / "static" / "vendor" / "fonts"
TEN = "area=intercultural_dialogue"  # the ten intercultural-dialogue initiatives


def need_poppler() -> None:
    if shutil.which("pdftotext") and shutil.which("pdftoppm"):
        return
    message = "pdftotext/pdftoppm missing: `bash scripts/setup.sh --dev` installs poppler-utils"
    if on_ci():
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def fetch(url: str) -> tuple[int, bytes, str]:
    try:
        with urllib.request.urlopen(url, timeout=180) as response:  # noqa: S310 - loopback test server
            return response.status, response.read(), response.headers.get("content-type", "")
    except urllib.error.HTTPError as failure:
        return failure.code, failure.read(), failure.headers.get("content-type", "")


def pdf_text(pdf: bytes, tmp_path: Path, name: str) -> str:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def pages(pdf: bytes, tmp_path: Path) -> int:
    path = tmp_path / "count.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(info.split("Pages:")[1].split()[0])


TASHKEEL = re.compile(r"[\u064B-\u065F\u0670]")  # pdftotext may write a shadda before the letter it sits on


def words_of(text: str) -> list[str]:
    """The words of a text: letters and digits, punctuation and pdftotext's direction marks aside."""
    return re.findall(r"\w+", TASHKEEL.sub("", text))


def missing_words(text: str, phrases: list[str]) -> list[str]:
    """The words of ``phrases`` that ``text`` does not hold as whole words."""
    found = set(words_of(text))
    return [word for phrase in phrases for word in words_of(phrase) if word not in found]


def test_arabic_pdf_text_is_the_words_as_written(server: str, tmp_path: Path) -> None:
    need_poppler()
    status, pdf, kind = fetch(f"{server}/brief.pdf?lang=ar&area=emergency_aid")
    assert status == 200
    assert kind == "application/pdf"
    assert pdf.startswith(b"%PDF")
    data = load_dataset(ROOT / "data")
    names = [str(n) for n in select_initiatives(data, Selection(area=("emergency_aid",)))["name_ar"]]
    assert "مبادرة بريثال لمساعدة النازحين السوريين" in names
    text = pdf_text(pdf, tmp_path, "ar")
    assert missing_words(text, names) == []
    assert "نقص البيانات" in text  # a challenge's title, in reading order


def test_control_a_face_that_splits_words_is_caught(tmp_path: Path) -> None:
    """The same brief set in Noto Naskh (the app's screen face): pdftotext splits its words, and the check sees it."""
    need_poppler()
    data = load_dataset(ROOT / "data")
    html = render_brief(data, Selection(area=("emergency_aid",)), "ar", "http://x/", "./")
    html = html.replace("fonts/print.css", "fonts/fonts.css").replace("'MC2CM Print Arabic'", "'MC2CM Arabic'")
    text = pdf_text(html_to_pdf(html, FONTS), tmp_path, "naskh")
    names = [str(n) for n in select_initiatives(data, Selection(area=("emergency_aid",)))["name_ar"]]
    assert missing_words(text, names) != []


@pytest.mark.parametrize("lang", ["ar", "en", "fr"])
def test_a_ten_initiative_brief_fits_in_four_pages(server: str, tmp_path: Path, lang: str) -> None:
    need_poppler()
    data = load_dataset(ROOT / "data")
    assert len(select_initiatives(data, Selection(area=("intercultural_dialogue",)))) == 10
    status, pdf, _ = fetch(f"{server}/brief.pdf?lang={lang}&{TEN}")
    assert status == 200
    assert pages(pdf, tmp_path) <= 4
    SHOTS.mkdir(parents=True, exist_ok=True)
    (tmp_path / "shot.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "70", "-png", str(tmp_path / "shot.pdf"), str(SHOTS / f"brief-{lang}-ten")],
                   check=True)


@pytest.mark.parametrize("lang", ["ar", "en", "fr"])
def test_brief_page_is_accessible_offline_and_prints_without_its_buttons(server: str, browser: Browser,
                                                                         lang: str) -> None:
    context = browser.new_context(viewport={"width": 1000, "height": 1200})
    page = context.new_page()
    outside: list[str] = []

    def only_here(route: Route) -> None:
        if route.request.url.startswith(server):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_here)
    try:
        page.goto(f"{server}/brief?lang={lang}&{TEN}")
        page.evaluate("() => document.fonts.ready")
        assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
        assert page.locator("article").count() == 10
        assert page.locator("svg.brief-map circle").count() > 0
        assert axe_violations(page) == []
        assert page.locator(".no-print a").is_visible()
        page.emulate_media(media="print")
        assert not page.locator(".no-print a").is_visible()
        page.screenshot(path=str(SHOTS / f"brief-page-{lang}.png"), full_page=False)
        assert outside == []
    finally:
        context.close()


def test_a_bad_link_gets_a_readable_page(server: str) -> None:
    status, body, kind = fetch(f"{server}/brief?lang=fr&area=nope")
    assert status == 400
    assert kind.startswith("text/html")
    assert "area=nope" in body.decode()
    assert "Traceback" not in body.decode()


def test_without_a_browser_the_pdf_says_how_to_print(monkeypatch: pytest.MonkeyPatch) -> None:
    from web import brief as door  # noqa: PLC0415

    monkeypatch.setenv("MC2CM_BROWSER", "/nonexistent/browser")
    door._pdf.cache_clear()  # a PDF printed earlier in this process would be served from the cache
    data = load_dataset(ROOT / "data")
    response = door.brief_pdf(data, {"lang": ["fr"]}, None, "http://x/")
    assert response.status_code == 503
    assert "Chromium" in bytes(response.body).decode()
