"""The offline copy: a static site of brief-style pages in every language, and its zip.

``python -m mc2cm export-site DIR`` writes, with no server and no network needed to read it:

- ``DIR/index.html``: the language choice;
- ``DIR/<lang>/index.html``: the overview (the map and every initiative);
- ``DIR/<lang>/initiatives/<id>.html``: each initiative, with its related challenges and roles;
- ``DIR/<lang>/challenges.html``, ``cso_roles.html``, ``data.html``: the other pages;
- ``DIR/<lang>/sources/``: the source reader, one page per document, every footnote's passage highlighted
  when its link is followed (``:target``), and ``DIR/documents/`` the original files;
- ``DIR/data/``: the Data Package (datapackage.json, the CSVs, README.md, CITATION.cff);
- ``DIR/fonts/``: the print face, so Arabic looks the same on any machine;
- and ``DIR.zip`` beside the folder.

Every link is relative, so the folder works opened from ``file://`` on a laptop or a phone.
The pages are the briefs (:mod:`mc2cm.brief`): the same selection, wording and citations.
"""

from __future__ import annotations

import io
import shutil
import zipfile
from dataclasses import dataclass
from html import escape
from pathlib import Path

from mc2cm.brief import Layout, render_brief
from mc2cm.filters import Selection
from mc2cm.i18n import LANGS, LANGUAGE_NAMES, is_rtl, t
from mc2cm.loading import Dataset
from mc2cm.opendata import datapackage_zip
from mc2cm.reader import document_path, offline_pages, offline_passage_href

FONTS = Path(__file__).resolve().parent.parent / "static" / "vendor" / "fonts"
FONT_FILES = ("print.css", "LICENSE-OFL-amiri.txt")
READER_FONT = "amiri-arabic-400-normal.woff2"  # the source reader's Arabic face offline (copied with the amiri-* files)
PAGES = ("index", "challenges", "cso_roles", "data")
PAGE_TITLES = {"index": "page.overview", "challenges": "page.challenges", "cso_roles": "page.cso_roles",
               "data": "page.data"}
SECTIONS = {
    "index": frozenset({"map", "initiatives"}),
    "challenges": frozenset({"challenges"}),
    "cso_roles": frozenset({"roles"}),
    "data": frozenset(),
}


@dataclass(frozen=True)
class SiteReport:
    folder: Path
    zip_path: Path
    pages: int
    bytes_on_disk: int
    zip_bytes: int


def _layout(data: Dataset, lang: str, page: str, depth: int) -> Layout:
    up = "../" * depth
    nav = tuple({"label": t(PAGE_TITLES[name], lang), "href": f"{up}{name}.html",
                 "current": "1" if name == page else ""} for name in PAGES)
    here = f"initiatives/{page}.html" if depth else f"{page}.html"
    languages = tuple({"label": LANGUAGE_NAMES[other], "href": f"{up}../{other}/{here}", "lang": other}
                      for other in LANGS if other != lang)
    files: tuple[dict[str, str], ...] = ()
    if page == "data":
        files = tuple({"label": name, "href": f"{up}../data/{name}"}
                      for name in ("datapackage.json", *(data.spec.table(n).path for n in data.spec.table_names),
                                   "README.md", "CITATION.cff"))
    return Layout(sections=SECTIONS.get(page, frozenset({"initiatives", "challenges", "roles"})),
                  all_roles_in_full=page == "cso_roles",
                  initiative_href=lambda initiative_id: f"{up}initiatives/{initiative_id}.html",
                  passage_href=lambda table, row_id, source_id: offline_passage_href(table, row_id, source_id, up),
                  nav=nav, languages=languages, files=files, full_texts=page != "index")


def _chooser(data: Dataset) -> str:
    links = "".join(
        f'<li><a href="{code}/index.html" lang="{code}" hreflang="{code}" dir="{"rtl" if is_rtl(code) else "ltr"}">'
        f"{escape(LANGUAGE_NAMES[code])}</a> · <span lang=\"{code}\">{escape(t('cite.dataset_title', code))}</span></li>"
        for code in LANGS
    )
    return ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{escape(str(data.spec.descriptor.get('title', 'MC2CM')))}</title>"
            "<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;"
            "line-height:1.6}a{display:inline-block;min-height:24px;color:#005F92;font-weight:600}</style>"
            f"</head><body><h1>MC2CM</h1><ul>{links}</ul></body></html>")


def _write_reader(data: Dataset, folder: Path, lang: str) -> int:
    """The source reader offline: ``<lang>/sources/`` (the documents, each passage a ``:target``), the files
    themselves in ``documents/``. Returns how many pages it wrote."""
    documents = folder / "documents"
    documents.mkdir(exist_ok=True)
    for file in data.sources["file"]:
        source = document_path(data.data_dir, str(file))
        if source is not None:
            shutil.copy2(source, documents / source.name)
    pages = offline_pages(data.tables, data.data_dir, lang, document_href=lambda name: f"../../documents/{name}",
                          font_url=f"../../fonts/{READER_FONT}")
    (folder / lang / "sources").mkdir(parents=True, exist_ok=True)
    for name, html in pages.items():
        (folder / lang / "sources" / name).write_text(html, encoding="utf-8")
    return len(pages)


def export_site(data: Dataset, target: Path | str, base_url: str = "") -> SiteReport:
    """Write the site into ``target`` (emptied first) and ``target.zip``; return what was written."""
    folder = Path(target).resolve()
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    (folder / "fonts").mkdir()
    for font in FONTS.iterdir():
        if font.name in FONT_FILES or font.name.startswith("amiri-"):
            shutil.copy2(font, folder / "fonts" / font.name)
    with zipfile.ZipFile(io.BytesIO(datapackage_zip(data, Selection(), "en", base_url or t("brief.offline", "en")))) as pkg:
        pkg.extractall(folder / "data")
    (folder / "index.html").write_text(_chooser(data), encoding="utf-8")
    count = 1
    for lang in LANGS:
        pages = [(folder / lang / f"{page}.html", Selection(), page, 0) for page in PAGES]
        pages += [(folder / lang / "initiatives" / f"{initiative_id}.html", Selection(id=str(initiative_id)),
                   str(initiative_id), 1) for initiative_id in data.initiatives.index]
        for path, sel, page, depth in pages:
            path.parent.mkdir(parents=True, exist_ok=True)
            html = render_brief(data, sel, lang, base_url, "../" * (depth + 1),
                                layout=_layout(data, lang, page, depth))
            path.write_text(html, encoding="utf-8")
            count += 1
        count += _write_reader(data, folder, lang)
    zip_path = Path(shutil.make_archive(str(folder), "zip", root_dir=folder.parent, base_dir=folder.name))
    size = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
    return SiteReport(folder, zip_path, count, size, zip_path.stat().st_size)
