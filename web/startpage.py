"""The page a phone opens first: nothing it does not need, and early word of what it will need.

Every app page starts as Streamlit's ``index.html``. On the phone profile
(Slow 4G, issue 11) a first visit to ``/map`` spends its first 3.5 s on
Streamlit's bundles, then waits, one round trip after another, for what the
page asks for only once its script has run:

- the chunk that draws ``st.html`` (every page of this app styles itself with
  it) and the sanitiser it imports, the navigation's page links, the language
  switch's button group and, on the map page, the iframe's chunk: 0.8 s of
  waiting after the websocket opened, measured, for 20 kB;
- on ``/map``, Leaflet and the map document's two stylesheets, which it asks
  for only once it exists (and a script waits for the stylesheets before it).

``start_page`` adds a ``modulepreload`` for each of those chunks (found by
name in Streamlit's static folder, so a new Streamlit is followed; a name that
is gone is skipped) and, on the map page, a ``preload`` of Leaflet, so they
travel with the bundles. It also drops the download of Streamlit's text font
when the theme does not draw in it (``web/fonts.py``).

``LighterStartPage`` (ASGI middleware, ``serve.py``) applies it to the HTML
answer of a page path: it holds back a 200 ``text/html`` answer, transforms the
2 kB page (gzip-decoded and re-encoded if Streamlit compressed it) and fixes its
``Content-Length``. The ETag stays Streamlit's: the change is the same for the
same page, so a revalidation still means what it says.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterable
from pathlib import Path

from streamlit import config

from web.fonts import DEVICE_TEXT_FONT, uses_default_font
from web.frontdoor import ASGIApp, Message, Receive, Scope, Send
from web.precompress import STREAMLIT_STATIC

# st.html and its sanitiser, the navigation's links, the language switch and its label
EVERY_PAGE_CHUNKS = ("Html", "purify.es", "PageLink", "ButtonGroup", "WidgetLabel", "WidgetLabelHelpIconInline",
                     "useBasicWidgetState")
MAP_PAGE_CHUNKS = ("IFrame", "IFrameUtil")  # st.iframe, which holds the map
MAP_PAGES = frozenset({"map"})
LEAFLET = "app/static/vendor/leaflet/leaflet.js"
# the map document's stylesheets: a script after a stylesheet waits for it, so they are on the way to the first marker
MAP_STYLES = ("app/static/vendor/leaflet/leaflet.css", "app/static/vendor/fonts/fonts.css")
MAX_PAGE_BYTES = 256_000
_TEXT_FONT_PRELOAD = re.compile(rb'<link\s+rel="preload"\s+href="[^"]*/SourceSans[^"]*"[^>]*>\s*', re.IGNORECASE)


def chunk_files(stems: Iterable[str], static: Path = STREAMLIT_STATIC) -> list[str]:
    """``static/js/<stem>.<hash>.js`` for each stem that this Streamlit has (exactly one file per stem)."""
    found = []
    for stem in stems:
        matches = [path for path in (static / "static" / "js").glob(f"{stem}.*.js")
                   if re.fullmatch(rf"{re.escape(stem)}\.[\w-]+\.js", path.name)]
        if len(matches) == 1:
            found.append(f"static/js/{matches[0].name}")
    return found


def without_unused_text_font(html: bytes) -> bytes:
    """The page with Streamlit's text font neither preloaded nor downloaded (see ``web/fonts.py``)."""
    html = _TEXT_FONT_PRELOAD.sub(b"", html, count=1)
    return html.replace(b"</head>", b"<style>" + DEVICE_TEXT_FONT + b"</style></head>", 1)


def with_preloads(html: bytes, chunks: Iterable[str], scripts: Iterable[str] = (), styles: Iterable[str] = ()) -> bytes:
    """The page announcing ``chunks`` (modules), ``scripts`` (classic) and ``styles`` before it needs them."""
    links = [f'<link rel="modulepreload" crossorigin href="./{chunk}">' for chunk in chunks]
    links += [f'<link rel="preload" as="script" href="./{script}">' for script in scripts]
    links += [f'<link rel="preload" as="style" href="./{style}">' for style in styles]
    if not links:
        return html
    return html.replace(b"</head>", "".join(links).encode() + b"</head>", 1)


class LighterStartPage:
    """ASGI middleware: page answers with preloads, and without an unused text font."""

    def __init__(self, app: ASGIApp, base_url: str | None = None, *, static: Path = STREAMLIT_STATIC,
                 device_font: bool | None = None) -> None:
        self.app = app
        base = (config.get_option("server.baseUrlPath") if base_url is None else base_url) or ""
        self.prefix = f"/{base.strip('/')}/" if base.strip("/") else "/"
        self.every_page = chunk_files(EVERY_PAGE_CHUNKS, static)
        self.map_page = chunk_files(MAP_PAGE_CHUNKS, static)
        self.device_font = not uses_default_font(config.get_option("theme.font")) if device_font is None \
            else device_font

    def transform(self, path: str, html: bytes) -> bytes:
        """What a page path gets instead of Streamlit's page (``html``); unchanged if it is not that page."""
        if b"</head>" not in html or b'id="root"' not in html:
            return html
        page = path[len(self.prefix):].strip("/") if path.startswith(self.prefix) else ""
        on_map = page in MAP_PAGES
        # relative to the page, as Streamlit's own links are: one level below the base for /map
        up = "../" * page.count("/")
        html = with_preloads(html, [up + chunk for chunk in self.every_page + (self.map_page if on_map else [])],
                             [up + LEAFLET] if on_map else [], [up + style for style in MAP_STYLES] if on_map else [])
        return without_unused_text_font(html) if self.device_font else html

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") != "GET" or any(
                scope.get("path", "").startswith(self.prefix + area) for area in ("static/", "app/static/", "_stcore/")):
            await self.app(scope, receive, send)
            return
        await self.app(scope, receive, self._transforming(scope.get("path", ""), send))

    def _transforming(self, path: str, send: Send) -> Send:
        """Hold back a 200 HTML answer, transform it, fix its length; any other answer passes as it comes."""
        held: list[Message] = []
        body: list[bytes] = []

        async def send_transformed(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = {name.lower(): value for name, value in message.get("headers", [])}
                if message.get("status") == 200 and headers.get(b"content-type", b"").startswith(b"text/html") \
                        and headers.get(b"content-encoding", b"identity") in (b"gzip", b"identity") \
                        and int(headers.get(b"content-length", b"0") or 0) <= MAX_PAGE_BYTES:
                    held.append(message)
                    return
                await send(message)
                return
            if not held or message["type"] != "http.response.body":
                await send(message)
                return
            body.append(message.get("body", b""))
            if message.get("more_body"):
                return
            start = held.pop()
            data = b"".join(body)
            gzipped = any(name.lower() == b"content-encoding" and value == b"gzip" for name, value in start["headers"])
            page = gzip.decompress(data) if gzipped else data
            changed = self.transform(path, page)
            if changed != page:
                data = gzip.compress(changed, compresslevel=6, mtime=0) if gzipped else changed
                start["headers"] = [(name, str(len(data)).encode() if name.lower() == b"content-length" else value)
                                    for name, value in start["headers"]]
            await send(start)
            await send({"type": "http.response.body", "body": data, "more_body": False})

        return send_transformed
