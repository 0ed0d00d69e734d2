"""Fonts a phone need not download: the icon font cut to the icons in use, no preload of an unused text font.

Measured on the phone profile (issue 11, ``benchmarks/README.md``): after
precompression, two font files Streamlit sends on every page weighed 547 kB of
the 1,201 kB a first visit to ``/map`` moved. Both are woff2, compressed
already, so precompression cannot shrink them:

- ``MaterialSymbols-Rounded.*.woff2`` (376 kB, 4,309 icons). Streamlit's own
  chrome draws a handful of them (sidebar arrows, the popover's chevron) and the
  app a dozen more (``:material/map:``…). ``build_icon_subset`` keeps every icon
  whose name appears in Streamlit's bundles or in the app's code and drops the
  rest (fontTools, at set-up or first start, like the compressed copies). An
  icon name the subset lacks would show as its letters, so the net is wide:
  every lower-case word in the bundles that names an icon (654 names, 68 kB).
- ``SourceSansVF-Upright.*.woff2`` (171 kB), Streamlit's text font, which
  has no Arabic letters anyway. This app's theme draws text in the device's own
  interface font instead (``system-ui`` first, ``.streamlit/config.toml``), but
  Streamlit still fetches Source Sans on a first visit: ``index.html``
  preloads it, and the page draws its first frame in the default theme before
  the app's theme arrives over the websocket. ``web/startpage.py`` drops the
  preload and declares the name "Source Sans" as the device's own fonts
  (``DEVICE_TEXT_FONT``, ``local()`` only), so nothing downloads it. With a
  theme that does use Source Sans the page is left alone.

``LighterFonts`` (ASGI middleware, ``serve.py``) serves the cut font. It goes
out under the original URL with ``Cache-Control: no-cache`` and an ETag of its
content, not as immutable: the next version of the app may use an icon this
cut lacks, and a browser must then fetch the new cut, not keep the old one.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import os
import re
import sys
import threading
from collections.abc import Iterable
from pathlib import Path

import anyio.to_thread
from fontTools import subset  # type: ignore[import-untyped]
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
from starlette.responses import FileResponse, Response
from streamlit import config

from web.compress import etag_matches
from web.frontdoor import ASGIApp, Receive, Scope, Send
from web.precompress import ROOT, Tree, streamlit_tree, write_atomic

ICON_FONT_GLOB = "MaterialSymbols-*.woff2"
ICON_LETTERS = "abcdefghijklmnopqrstuvwxyz0123456789_"  # an icon is typed as its name: the letters stay
APP_SOURCES = ("app.py", "pages", "components")
_ICON_IN_CODE = re.compile(r":material/([a-z0-9_]+):")
_WORD_IN_BUNDLE = re.compile(r"[a-z0-9_]{2,}")
DEFAULT_TEXT_FONT = "Source Sans"
DEVICE_FONTS = 'local("Segoe UI"), local("Roboto"), local("Helvetica Neue"), local("Arial"), local("DejaVu Sans")'
# Later rules win over Streamlit's for the same family and descriptors (CSS Fonts 4, "font-face rule" matching).
DEVICE_TEXT_FONT = "".join(
    f'@font-face{{font-family:"{DEFAULT_TEXT_FONT}";font-weight:100 900;font-style:{style};src:{DEVICE_FONTS}}}'
    for style in ("normal", "italic")).encode()

log = logging.getLogger(__name__)


def icon_font(static: Path) -> Path | None:
    """Streamlit's icon font in its static folder, if this version has one."""
    return next(iter(sorted((static / "static" / "media").glob(ICON_FONT_GLOB))), None)


def icon_names_in_app(root: Path = ROOT) -> set[str]:
    """Every ``:material/name:`` written in the app's own code."""
    names: set[str] = set()
    for entry in APP_SOURCES:
        path = root / entry
        for source in ([path] if path.is_file() else sorted(path.rglob("*.py")) if path.is_dir() else []):
            names.update(_ICON_IN_CODE.findall(source.read_text(encoding="utf-8", errors="replace")))
    return names


def words_in_bundles(static: Path) -> set[str]:
    """Every lower-case word in Streamlit's JavaScript: its icon names are among them, with or without ``:material/``."""
    words: set[str] = set()
    for bundle in sorted((static / "static" / "js").glob("*.js")):
        words.update(_WORD_IN_BUNDLE.findall(bundle.read_text(encoding="utf-8", errors="replace")))
    return words


def subset_key(app_names: Iterable[str]) -> str:
    """Names the cut: the app's icons decide it (Streamlit's are fixed by its version, i.e. by the cache folder)."""
    return hashlib.sha256(" ".join(sorted(set(app_names))).encode()).hexdigest()[:12]


def subset_path(tree: Tree, font: Path, app_names: Iterable[str]) -> Path:
    return tree.cache / "icons" / subset_key(app_names) / font.name


def ligatures(font: TTFont) -> dict[str, str]:
    """Icon name -> glyph name, read from the font's ligature lookups (how ``home`` becomes a house)."""
    letter_of = {glyph: chr(code) for code, glyph in font.getBestCmap().items()}
    names: dict[str, str] = {}
    for lookup in font["GSUB"].table.LookupList.Lookup:
        for table in lookup.SubTable:
            table = getattr(table, "ExtSubTable", table)  # noqa: PLW2901  (an extension wraps the real one)
            for first, sequences in getattr(table, "ligatures", {}).items():
                for sequence in sequences:
                    parts = [first, *sequence.Component]
                    if all(part in letter_of for part in parts):
                        names["".join(letter_of[part] for part in parts)] = sequence.LigGlyph
    return names


def cut_icon_font(data: bytes, wanted: Iterable[str]) -> tuple[bytes, list[str]]:
    """The woff2 ``data`` with only the icons named in ``wanted`` (and the letters that spell them); which were kept."""
    font = TTFont(io.BytesIO(data))
    by_name = ligatures(font)
    kept = sorted(set(wanted) & set(by_name))
    cmap = font.getBestCmap()
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    options.layout_closure = False  # the letters would otherwise pull every ligature back in
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    letters = [ord(letter) for letter in ICON_LETTERS if ord(letter) in cmap]
    subsetter.populate(glyphs=[by_name[name] for name in kept] + [cmap[code] for code in letters], unicodes=letters)
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue(), kept


def build_icon_subset(tree: Tree | None = None, root: Path = ROOT) -> Path | None:
    """Write the cut icon font for this Streamlit and this app's code (once); its path, or None if there is nothing to cut."""
    tree = tree or streamlit_tree()
    font = icon_font(tree.source)
    if font is None:
        return None
    app_names = icon_names_in_app(root)
    target = subset_path(tree, font, app_names)
    if target.is_file():
        return target
    data, kept = cut_icon_font(font.read_bytes(), words_in_bundles(tree.source) | app_names)
    missing = sorted(app_names - set(kept))
    if missing:  # a typo in the code: Streamlit would show the letters too, so say which
        log.warning("icon font: the app names icons the font does not have: %s", ", ".join(missing))
    write_atomic(target, data, font.stat().st_mtime_ns)
    log.info("icon font: %d icons, %d kB (was %d kB)", len(kept), len(data) // 1000, font.stat().st_size // 1000)
    return target


def uses_default_font(font: object) -> bool:
    """Whether a ``theme.font`` value draws text in Source Sans: unset, ``sans-serif`` (Streamlit's name for it), or named."""
    families = [family.strip().strip("'\"").lower() for family in str(font or "").split(",")]
    return not any(families) or any(family in {"sans-serif", "sans serif"} or DEFAULT_TEXT_FONT.lower() in family
                                    for family in families)


class LighterFonts:
    """ASGI middleware: the cut icon font under the original URL (``web/startpage.py`` does the text font)."""

    def __init__(self, app: ASGIApp, tree: Tree | None = None, base_url: str | None = None,
                 *, root: Path = ROOT, build: bool = True) -> None:
        self.app = app
        self.tree = tree or streamlit_tree()
        base = (config.get_option("server.baseUrlPath") if base_url is None else base_url) or ""
        prefix = f"/{base.strip('/')}/" if base.strip("/") else "/"
        font = icon_font(self.tree.source)
        self.font_url = f"{prefix}static/media/{font.name}" if font else None  # Streamlit serves static/static/ at /static/
        self.subset = subset_path(self.tree, font, icon_names_in_app(root)) if font else None
        if build and self.subset is not None and not self.subset.is_file():
            threading.Thread(target=_build_quietly, args=(self.tree, root), name="icon-font", daemon=True).start()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        if self.subset is not None and scope.get("path") == self.font_url:
            found = await anyio.to_thread.run_sync(self._subset_stat)
            if found is not None:
                await self._send_subset(scope, receive, send, found)
                return
        await self.app(scope, receive, send)

    def _subset_stat(self) -> tuple[Path, int] | None:
        if self.subset is None:
            return None
        try:
            return self.subset, self.subset.stat().st_size
        except OSError:  # not built yet: Streamlit sends the whole font meanwhile
            return None

    async def _send_subset(self, scope: Scope, receive: Receive, send: Send, found: tuple[Path, int]) -> None:
        path, size = found
        etag = f'"icons-{path.parent.name}-{size:x}"'
        headers = {"cache-control": "no-cache", "etag": etag}
        if_none_match = ",".join(value.decode("latin-1") for name, value in scope.get("headers", [])
                                 if name.lower() == b"if-none-match")
        if if_none_match and etag_matches(if_none_match, etag):
            await Response(status_code=304, headers=headers)(scope, receive, send)
            return
        await FileResponse(path, headers=headers, media_type="font/woff2")(scope, receive, send)


def _build_quietly(tree: Tree, root: Path) -> None:
    """The first start on a machine where set-up did not cut the font: a low-priority thread, the whole font meanwhile."""
    if sys.platform == "linux":
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
    try:
        build_icon_subset(tree, root)
    except Exception:  # a broken font or a read-only var/: phones get the whole font, as without the front door
        log.exception("icon font: not cut")


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(message)s")  # fontTools reports every table at INFO
    log.setLevel(logging.INFO)
    path = build_icon_subset()
    print(f"icon font: {path}" if path else "icon font: none in this Streamlit")  # noqa: T201


if __name__ == "__main__":
    main()
