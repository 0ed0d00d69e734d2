"""The offline copy (python -m mc2cm export-site) opened from disk in Chromium with every network request blocked."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from playwright.sync_api import Browser, Route

from mc2cm.i18n import LANGS
from mc2cm.loading import load_dataset
from mc2cm.site import SiteReport, export_site
from tests.browser.support import ROOT

pytestmark = pytest.mark.browser
HREF = re.compile(r'href="([^"#]+)')


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> SiteReport:
    report = export_site(load_dataset(ROOT / "data"), tmp_path_factory.mktemp("export") / "mc2cm-offline")
    print(f"\noffline copy: {report.pages} pages, {report.bytes_on_disk / 1e6:.2f} MB on disk, "
          f"zip {report.zip_bytes / 1e6:.2f} MB")
    return report


def broken_links(folder: Path) -> list[str]:
    """Every href of every page that is absolute or does not lead to a file of the folder."""
    broken = []
    for page in sorted(folder.rglob("*.html")):
        for href in HREF.findall(page.read_text(encoding="utf-8")):
            target = (page.parent / unquote(urlsplit(href).path)).resolve()
            if href.startswith(("http:", "https:", "/", "file:")) or not target.is_file():
                broken.append(f"{page.relative_to(folder)} → {href}")
    return broken


def test_every_page_in_every_language_and_every_link_resolves(site: SiteReport) -> None:
    data = load_dataset(ROOT / "data")
    pages = sorted(site.folder.rglob("*.html"))
    reader = 1 + len(data.sources)  # <lang>/sources/: the documents' list and one page per document
    assert len(pages) == site.pages == 1 + len(LANGS) * (4 + len(data.initiatives) + reader)
    assert sum(len(HREF.findall(p.read_text(encoding="utf-8"))) for p in pages) > 1000
    assert broken_links(site.folder) == []


def test_control_broken_and_absolute_links_are_caught(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text('<a href="b.html">b</a><a href="gone.html">x</a><a href="/en/index.html">y</a>',
                                     encoding="utf-8")
    (tmp_path / "b.html").write_text("", encoding="utf-8")
    assert broken_links(tmp_path) == ["a.html → gone.html", "a.html → /en/index.html"]


def test_the_zip_holds_the_folder(site: SiteReport) -> None:
    with zipfile.ZipFile(site.zip_path) as archive:
        names = set(archive.namelist())
    assert "mc2cm-offline/index.html" in names
    assert "mc2cm-offline/ar/initiatives/brital-syrian-displacement-response.html" in names
    assert "mc2cm-offline/data/datapackage.json" in names


@pytest.fixture
def offline_page(browser: Browser) -> Iterator[tuple[object, list[str]]]:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    asked: list[str] = []

    def only_files(route: Route) -> None:
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            asked.append(route.request.url)
            route.abort()

    context.route("**/*", only_files)
    yield context.new_page(), asked
    context.close()


def test_the_site_works_from_disk_with_no_network(site: SiteReport, offline_page: tuple[object, list[str]]) -> None:
    page, asked = offline_page
    page.goto((site.folder / "index.html").as_uri())  # type: ignore[attr-defined]
    for lang in LANGS:
        page.goto((site.folder / "index.html").as_uri())  # type: ignore[attr-defined]
        page.locator(f'a[hreflang="{lang}"]').click()  # type: ignore[attr-defined]
        assert page.locator("html").get_attribute("lang") == lang  # type: ignore[attr-defined]
        assert page.locator("svg.brief-map circle").count() > 0  # type: ignore[attr-defined]
        page.locator("article h3 a").first.click()  # type: ignore[attr-defined]
        assert "/initiatives/" in page.url  # type: ignore[attr-defined]
        assert page.locator("article").count() == 1  # type: ignore[attr-defined]
    # the language switch keeps the page
    page.goto((site.folder / "en" / "initiatives" / "brital-syrian-displacement-response.html").as_uri())  # type: ignore[attr-defined]
    page.locator('nav.site a[hreflang="ar"]').click()  # type: ignore[attr-defined]
    assert page.url.endswith("/ar/initiatives/brital-syrian-displacement-response.html")  # type: ignore[attr-defined]
    assert page.locator("html").get_attribute("dir") == "rtl"  # type: ignore[attr-defined]
    assert "مبادرة بريثال" in page.locator("h3").first.inner_text()  # type: ignore[attr-defined]
    loaded = page.evaluate("() => document.fonts.ready.then(() => [...document.fonts]"  # type: ignore[attr-defined]
                           ".filter(f => f.status === 'loaded').map(f => f.family))")
    assert any("MC2CM Print Arabic" in family for family in loaded)  # the shipped face, from disk
    page.screenshot(path=str(ROOT / "tests" / "browser" / "screenshots" / "offline-ar-detail.png"))  # type: ignore[attr-defined]
    assert asked == []
