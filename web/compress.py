"""Static files as brotli or gzip from the copies ``web/precompress.py`` stored: nothing is compressed per request.

``PrecompressedStatic`` answers GET and HEAD for Streamlit's bundles
(``/static/...``) and the app's own files (``/app/static/...``, when
``server.enableStaticServing`` is on), under ``server.baseUrlPath`` if set, when
the browser accepts ``br`` or ``gzip`` and a copy as new as its source exists.
The response carries the headers Streamlit would send for the plain file (type,
caching, CORS) plus ``Content-Encoding``, ``Vary`` and an ETag of the copy.
Everything else, including a file whose copy is not built yet, a ``Range``
request or any path that is not a plain file inside one of the two folders, goes
to Streamlit untouched.
"""

from __future__ import annotations

import mimetypes
import os
import stat
from dataclasses import dataclass
from pathlib import Path

import anyio.to_thread
from starlette.responses import FileResponse, Response
from streamlit import config
from streamlit.web.server.component_file_utils import guess_content_type
from streamlit.web.server.starlette.starlette_server_config import (
    MAX_APP_STATIC_FILE_SIZE,
    STATIC_ASSET_CACHE_MAX_AGE_SECONDS,
)

from web.frontdoor import ASGIApp, Message, Receive, Scope, Send
from web.precompress import Tree, app_tree, build_in_background, copy_path, is_fresh, streamlit_tree


def preferred_encoding(accept_encoding: str) -> str | None:
    """``br`` or ``gzip``, whichever the ``Accept-Encoding`` value weighs higher (``br`` on a tie), or None.

    q-values per RFC 9110 12.5.3: ``br;q=0`` refuses br, ``*`` stands for any coding not named.
    """
    weights: dict[str, float] = {}
    for item in accept_encoding.split(","):
        coding, *params = (part.strip() for part in item.split(";"))
        weight = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0  # an unreadable weight is not a yes
        if coding:
            weights[{"x-gzip": "gzip"}.get(coding.lower(), coding.lower())] = weight if 0 <= weight <= 1 else 0.0

    def weight_of(coding: str) -> float:
        return weights.get(coding, weights.get("*", 0.0))

    accepted = [coding for coding in ("br", "gzip") if weight_of(coding) > 0]
    return max(accepted, key=lambda coding: (weight_of(coding), coding == "br"), default=None)


def etag_matches(if_none_match: str, etag: str) -> bool:
    """Weak comparison, as ``If-None-Match`` asks for (RFC 9110 13.1.2)."""
    tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in tags or etag in tags


@dataclass(frozen=True)
class Mount:
    """A URL prefix served from ``tree.source / folder``, with the headers Streamlit's route sends."""

    prefix: str
    tree: Tree
    folder: str
    bundles: bool  # Streamlit's own bundle route (cache headers) rather than the app's static route (CORS)


@dataclass(frozen=True)
class Found:
    copy: Path
    copy_stat: os.stat_result
    media_type: str
    headers: dict[str, str]


def _is_plain_relative(path: str) -> bool:
    """Names separated by single slashes: no ``..``, ``.``, empty, backslash or NUL part (the path is already %-decoded)."""
    return bool(path) and "\\" not in path and "\x00" not in path and \
        all(part not in {"", ".", ".."} for part in path.split("/"))


class PrecompressedStatic:
    """ASGI middleware: stored brotli/gzip copies for static files, plain Streamlit for everything else."""

    def __init__(self, app: ASGIApp, trees: tuple[Tree, Tree] | None = None, base_url: str | None = None,
                 *, build: bool = True, app_static: bool | None = None) -> None:
        self.app = app
        bundles, own = trees or (streamlit_tree(), app_tree())
        base = (config.get_option("server.baseUrlPath") if base_url is None else base_url) or ""
        prefix = f"/{base.strip('/')}/" if base.strip("/") else "/"
        if app_static is None:
            app_static = bool(config.get_option("server.enableStaticServing"))
        self.mounts = [Mount(f"{prefix}static/", bundles, "static", bundles=True)]
        if app_static:  # otherwise Streamlit does not serve these files at all, and neither may we
            self.mounts.append(Mount(f"{prefix}app/static/", own, "", bundles=False))
        self.roots = {mount.tree: mount.tree.source.resolve() for mount in self.mounts}
        if build:
            build_in_background((bundles, own))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        mount = self._mount(scope) if scope["type"] == "http" and scope.get("method") in ("GET", "HEAD") else None
        if mount is None:
            await self.app(scope, receive, send)
            return
        headers = [(name.lower(), value.decode("latin-1")) for name, value in scope.get("headers", [])]
        encoding = preferred_encoding(",".join(value for name, value in headers if name == b"accept-encoding"))
        ranged = any(name == b"range" for name, _ in headers)
        relative = self._route_path(scope)[len(mount.prefix):]
        found = None
        if encoding and not ranged:
            # stat() and resolve() touch the disk: off the event loop, as Starlette's StaticFiles does
            found = await anyio.to_thread.run_sync(self._lookup, mount, relative, encoding)
        if found is None:
            await self.app(scope, receive, _vary(send))
            return
        if_none_match = ",".join(value for name, value in headers if name == b"if-none-match")
        if if_none_match and etag_matches(if_none_match, found.headers["etag"]):
            kept = {k: v for k, v in found.headers.items() if k not in {"content-encoding", "accept-ranges"}}
            await Response(status_code=304, headers=kept)(scope, receive, send)
            return
        await FileResponse(found.copy, headers=found.headers, media_type=found.media_type,
                           stat_result=found.copy_stat)(scope, receive, send)

    @staticmethod
    def _route_path(scope: Scope) -> str:
        """The path as Starlette's router sees it: without the ASGI ``root_path`` of a mount."""
        path: str = scope.get("path", "")
        root_path: str = scope.get("root_path", "")
        if root_path and path.startswith(f"{root_path}/"):
            return path[len(root_path):]
        return path

    def _mount(self, scope: Scope) -> Mount | None:
        path = self._route_path(scope)
        return next((mount for mount in self.mounts if path.startswith(mount.prefix)), None)

    def _lookup(self, mount: Mount, relative: str, encoding: str) -> Found | None:
        if not _is_plain_relative(relative):
            return None
        root = self.roots[mount.tree]
        try:
            source = (root / mount.folder / relative).resolve(strict=True)
            if not source.is_relative_to(root):  # a symlink out of the folder
                return None
            source_stat = source.stat()
            copy = copy_path(mount.tree, source.relative_to(root), encoding)
            copy_stat = copy.stat()
        except (OSError, RuntimeError):  # missing, unreadable, or a symlink loop: Streamlit answers
            return None
        if not stat.S_ISREG(source_stat.st_mode) or not stat.S_ISREG(copy_stat.st_mode) \
                or not is_fresh(copy_stat, source_stat):
            return None
        # The copy's size and stamp (its source's) name it, as nginx does; the coding keeps br and gzip apart.
        headers = {"content-encoding": encoding, "vary": "Accept-Encoding", "accept-ranges": "none",
                   "etag": f'"{encoding}-{copy_stat.st_size:x}-{copy_stat.st_mtime_ns:x}"'}
        if mount.bundles:
            # starlette_static_routes: hashed bundles live a year; HTML must be revalidated
            headers["cache-control"] = "no-cache" if source.suffix == ".html" else \
                f"public, immutable, max-age={STATIC_ASSET_CACHE_MAX_AGE_SECONDS}"
            media_type = mimetypes.guess_type(source.name)[0] or "application/octet-stream"
        else:
            if source_stat.st_size > MAX_APP_STATIC_FILE_SIZE:  # Streamlit refuses these; so do we
                return None
            # starlette_routes' app static endpoint: no Cache-Control, open to any origin
            headers |= {"access-control-allow-origin": "*", "x-content-type-options": "nosniff"}
            media_type = guess_content_type(str(source))
        return Found(copy, copy_stat, media_type, headers)


def _vary(send: Send) -> Send:
    """The plain answer for a compressible path varies with Accept-Encoding too (a shared cache must know)."""

    async def send_with_vary(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            varies = [value for name, value in headers if name.lower() == b"vary"]
            if not any(b"accept-encoding" in value.lower() or b"*" in value for value in varies):
                message["headers"] = [*headers, (b"vary", b"Accept-Encoding")]
        await send(message)

    return send_with_vary
