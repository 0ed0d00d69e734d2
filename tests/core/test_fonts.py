"""Fonts a phone need not download (web/fonts.py): the icon font cut to the icons in use; no unused text font.

The cut is made from Streamlit's real icon font; the middleware runs in-process
against a stand-in for Streamlit. tests/browser/test_compression.py checks in a
real browser that every icon on the pages is still drawn as an icon.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

from tests.core.test_precompress import call
from web import fonts
from web.precompress import STREAMLIT_STATIC, Tree

STREAMLIT_CHROME = {"keyboard_double_arrow_right", "keyboard_double_arrow_left", "expand_more", "open_in_new",
                    "keyboard_arrow_right", "more_vert", "close"}  # drawn by Streamlit itself (sidebar, popover, menu)
ORIGINAL = fonts.icon_font(STREAMLIT_STATIC)


@pytest.fixture(scope="module")
def cut(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tree = Tree(STREAMLIT_STATIC, tmp_path_factory.mktemp("cache") / "streamlit-test")
    path = fonts.build_icon_subset(tree)
    assert path is not None
    return path


def names_in(path: Path | bytes) -> set[str]:
    return set(fonts.ligatures(TTFont(io.BytesIO(path) if isinstance(path, bytes) else path)))


def test_the_app_names_its_icons() -> None:
    names = fonts.icon_names_in_app()
    assert {"home", "map", "tune", "arrow_forward", "download", "how_to_vote"} <= names
    assert all(name.isidentifier() or name[0].isdigit() for name in names)


def test_the_cut_keeps_every_icon_the_app_and_streamlit_draw(cut: Path) -> None:
    kept = names_in(cut)
    assert fonts.icon_names_in_app() <= kept
    assert kept >= STREAMLIT_CHROME
    assert ORIGINAL is not None
    original = names_in(ORIGINAL)
    assert len(original) > 4000
    assert len(kept) < len(original) / 4
    assert cut.stat().st_size < ORIGINAL.stat().st_size / 4  # 66 of 374 kB with Streamlit 1.67
    assert cut.name == ORIGINAL.name


def test_the_cut_drops_what_nobody_names() -> None:
    assert ORIGINAL is not None
    data, kept = fonts.cut_icon_font(ORIGINAL.read_bytes(), {"home", "map", "not_an_icon"})
    assert kept == ["home", "map"]
    names = names_in(data)  # also other names of the same glyphs ("home_filled")
    assert {"home", "map"} <= names
    assert len(names) < 6  # the letters stay, but no other icon comes back through them
    assert "search" not in names


def test_the_cut_is_named_for_the_apps_icons(tmp_path: Path) -> None:
    tree = Tree(STREAMLIT_STATIC, tmp_path)
    assert ORIGINAL is not None
    assert fonts.subset_path(tree, ORIGINAL, {"map", "home"}) == fonts.subset_path(tree, ORIGINAL, ["home", "map"])
    assert fonts.subset_path(tree, ORIGINAL, {"map"}) != fonts.subset_path(tree, ORIGINAL, {"map", "home"})


# -- the text font: which themes draw in Source Sans (web/startpage.py leaves those pages alone) ----------------

@pytest.mark.parametrize(("font", "default"), [
    (None, True), ("", True), ("sans-serif", True), ("sans serif", True), ("'Source Sans', serif", True),
    ("Inter, sans-serif", True),  # Streamlit draws the generic sans-serif in Source Sans
    ("system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', Arial", False), ("serif", False),
])
def test_which_themes_draw_in_source_sans(font: str | None, default: bool) -> None:
    assert fonts.uses_default_font(font) is default


# -- the middleware -------------------------------------------------------------------------------------------

async def streamlit_static(scope: Any, receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"font/woff2")]})
    await send({"type": "http.response.body", "body": b"the whole font"})


def lighter(tmp_path: Path, *, built: bool = True) -> fonts.LighterFonts:
    assert ORIGINAL is not None
    tree = Tree(STREAMLIT_STATIC, tmp_path)
    door = fonts.LighterFonts(streamlit_static, tree, base_url="", build=False)
    if built:
        assert door.subset is not None
        door.subset.parent.mkdir(parents=True)
        door.subset.write_bytes(b"the cut font")
    return door


def test_the_cut_font_goes_out_under_the_original_url_and_is_revalidated(tmp_path: Path) -> None:
    assert ORIGINAL is not None
    url = f"/static/media/{ORIGINAL.name}"
    door = lighter(tmp_path)
    status, headers, body = call(door, url)  # type: ignore[arg-type]
    assert (status, body, headers["content-type"], headers["cache-control"]) == \
        (200, b"the cut font", "font/woff2", "no-cache")  # not immutable: the next cut must reach the browser
    status, again, body = call(door, url, {"if-none-match": headers["etag"]})  # type: ignore[arg-type]
    assert (status, body, again["etag"]) == (304, b"", headers["etag"])
    assert call(lighter(tmp_path / "other", built=False), url)[2] == b"the whole font"  # type: ignore[arg-type]
