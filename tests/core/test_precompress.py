"""Compressed copies of static files: built once, atomically, and served only when fresh and inside their folder.

The middleware runs here in-process against a stand-in for Streamlit that
answers "plain"; tests/browser/test_compression.py runs it in the real server.
"""

from __future__ import annotations

import gzip
import os
import threading
from pathlib import Path
from typing import Any

import brotli  # type: ignore[import-untyped]
import pytest

from tests.conftest import run_coroutine
from web.compress import PrecompressedStatic, etag_matches, preferred_encoding
from web.precompress import Tree, build, build_in_background, copy_path, pending, summarize

SCRIPT = b"export function hello(name) { return `hello ${name}`; }\n" * 60  # ~3.4 kB of text
SHAPES = b'{"type": "Feature", "geometry": {"type": "Point", "coordinates": [10.76, 34.74]}}\n' * 30


@pytest.fixture
def trees(tmp_path: Path) -> tuple[Tree, Tree]:
    """Streamlit-like and app-like folders, a file outside both, and an empty cache."""
    bundles, app = tmp_path / "streamlit-static", tmp_path / "app-static"
    files = {
        bundles / "index.html": b"<!doctype html>" + b"<div></div>" * 200,
        bundles / "static" / "js" / "main.js": SCRIPT,
        bundles / "static" / "js" / "tiny.js": b"let a = 1;\n",
        bundles / "static" / "page.html": b"<p>hi</p>" * 200,
        bundles / "static" / "media" / "font.woff2": SCRIPT,  # already compressed by its format
        app / "vendor" / "map.geojson": SHAPES,
        app / "README.md": SCRIPT,
        tmp_path / "outside" / "secret.js": SCRIPT,
    }
    for path, data in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    cache = tmp_path / "cache"
    return Tree(bundles, cache / "streamlit-9.9.9"), Tree(app, cache / "app")


def built(trees: tuple[Tree, Tree]) -> tuple[Tree, Tree]:
    jobs = pending(trees)
    assert build(jobs, workers=2) == len(jobs)
    return trees


def copies(tree: Tree) -> set[str]:
    return {path.relative_to(tree.cache).as_posix() for path in tree.cache.rglob("*") if path.is_file()}


@pytest.mark.parametrize(("accept", "chosen"), [
    ("br, gzip", "br"),
    ("gzip, deflate, br, zstd", "br"),  # Chromium's
    ("gzip", "gzip"),
    ("x-gzip", "gzip"),
    ("BR;Q=0.9, GZIP;q=0.8", "br"),
    ("br;q=0, gzip", "gzip"),
    ("br;q=0.0, gzip;q=0", None),
    ("gzip;q=1, br;q=0.5", "gzip"),  # the client's weights win over our taste
    ("gzip;q=0.5, br;q=0.5", "br"),  # a tie goes to the smaller
    ("br;q=abc, gzip", "gzip"),
    ("br;q=2, gzip", "gzip"),  # out of range is not a yes
    ("*", "br"),
    ("*, br;q=0", "gzip"),
    ("*;q=0", None),
    ("deflate, identity", None),
    ("", None),
])
def test_accept_encoding_weights_are_read(accept: str, chosen: str | None) -> None:
    assert preferred_encoding(accept) == chosen


def test_if_none_match_uses_weak_comparison() -> None:
    assert etag_matches('W/"br-1-2", "x"', '"br-1-2"')
    assert etag_matches("*", '"br-1-2"')
    assert not etag_matches('"gzip-1-2"', '"br-1-2"')


def test_only_text_of_1_kb_or_more_is_compressed(trees: tuple[Tree, Tree]) -> None:
    bundles, app = built(trees)
    assert copies(bundles) == {f"{name}{suffix}" for name in ("index.html", "static/js/main.js", "static/page.html")
                               for suffix in (".br", ".gz")}
    assert copies(app) == {"vendor/map.geojson.br", "vendor/map.geojson.gz"}
    main = bundles.source / "static" / "js" / "main.js"
    br, gz = (copy_path(bundles, Path("static/js/main.js"), coding) for coding in ("br", "gzip"))
    assert brotli.decompress(br.read_bytes()) == gzip.decompress(gz.read_bytes()) == SCRIPT
    assert len(br.read_bytes()) < len(gz.read_bytes()) < len(SCRIPT) / 5
    assert gz.read_bytes()[4:8] == b"\0\0\0\0"  # gzip's own timestamp is zero: reproducible
    assert br.stat().st_mtime_ns == gz.stat().st_mtime_ns == main.stat().st_mtime_ns
    assert br.stat().st_mode & 0o777 == 0o644  # readable by a server running as another user
    assert pending(trees) == []
    assert summarize(trees).files == 4


def test_copies_are_the_same_bytes_on_every_build(trees: tuple[Tree, Tree], tmp_path: Path) -> None:
    bundles, _ = built(trees)
    again = Tree(bundles.source, tmp_path / "again")
    built((again,))
    assert copies(again) == copies(bundles)
    assert all((again.cache / name).read_bytes() == (bundles.cache / name).read_bytes() for name in copies(bundles))


def test_a_changed_source_is_compressed_again(trees: tuple[Tree, Tree]) -> None:
    _, app = built(trees)
    source = app.source / "vendor" / "map.geojson"
    source.write_bytes(SHAPES.replace(b"Point", b"Place"))
    later = source.stat().st_mtime_ns + 2_000_000_000
    os.utime(source, ns=(later, later))
    assert {(job.copy.name, job.encoding) for job in pending(trees)} == {("map.geojson.gz", "gzip"), ("map.geojson.br", "br")}
    built(trees)
    assert b"Place" in brotli.decompress(copy_path(app, Path("vendor/map.geojson"), "br").read_bytes())


def test_builds_racing_each_other_leave_whole_files(trees: tuple[Tree, Tree]) -> None:
    jobs = pending(trees)
    racers = [threading.Thread(target=build, args=(jobs,)) for _ in range(3)]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join()
    bundles, _ = trees
    assert brotli.decompress(copy_path(bundles, Path("static/js/main.js"), "br").read_bytes()) == SCRIPT
    assert not list(bundles.cache.rglob("*.tmp"))
    assert pending(trees) == []


def test_the_background_build_runs_once_per_cache(trees: tuple[Tree, Tree]) -> None:
    thread = build_in_background(trees)
    assert thread is not None
    thread.join(timeout=60)
    assert pending(trees) == []
    assert build_in_background(trees) is None


# -- the middleware, against a stand-in for Streamlit ------------------------------------------------------------

def call(app: PrecompressedStatic, path: str, headers: dict[str, str] | None = None, method: str = "GET",
         kind: str = "http") -> tuple[int, dict[str, str], bytes]:
    messages: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        messages.append(message)

    scope = {"type": kind, "asgi": {"version": "3.0", "spec_version": "2.4"}, "method": method, "path": path,
             "root_path": "", "query_string": b"",
             "headers": [(name.lower().encode(), value.encode()) for name, value in (headers or {}).items()]}
    run_coroutine(app(scope, receive, send))  # type: ignore[arg-type]
    start = messages[0]
    body = b"".join(message.get("body", b"") for message in messages[1:])
    return start["status"], {name.decode(): value.decode() for name, value in start["headers"]}, body


async def streamlit(scope: Any, receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"plain"})


def middleware(trees: tuple[Tree, Tree], **options: Any) -> PrecompressedStatic:
    return PrecompressedStatic(streamlit, trees, base_url=options.pop("base_url", ""), build=False,
                               app_static=options.pop("app_static", True))


BR = {"accept-encoding": "br, gzip"}


def test_the_preferred_copy_is_served_with_streamlits_headers(trees: tuple[Tree, Tree]) -> None:
    app = middleware(built(trees))
    status, headers, body = call(app, "/static/js/main.js", BR)
    assert (status, headers["content-encoding"], brotli.decompress(body)) == (200, "br", SCRIPT)
    assert headers["content-length"] == str(len(body))
    assert headers["vary"] == "Accept-Encoding"
    assert headers["cache-control"] == "public, immutable, max-age=31536000"
    assert headers["content-type"].startswith(("application/javascript", "text/javascript"))
    assert headers["etag"].startswith('"br-')
    status, headers, body = call(app, "/static/js/main.js", {"accept-encoding": "gzip"})
    assert (headers["content-encoding"], gzip.decompress(body)) == ("gzip", SCRIPT)
    assert call(app, "/static/page.html", BR)[1]["cache-control"] == "no-cache"
    status, headers, body = call(app, "/app/static/vendor/map.geojson", BR)
    assert (headers["content-encoding"], brotli.decompress(body)) == ("br", SHAPES)
    assert (headers["access-control-allow-origin"], "cache-control" in headers) == ("*", False)


def test_revalidation_and_head_send_no_body(trees: tuple[Tree, Tree]) -> None:
    app = middleware(built(trees))
    _, first, _ = call(app, "/static/js/main.js", BR)
    status, headers, body = call(app, "/static/js/main.js", {**BR, "if-none-match": first["etag"]})
    assert (status, body, headers["etag"], "content-encoding" in headers) == (304, b"", first["etag"], False)
    assert call(app, "/static/js/main.js", {**BR, "if-none-match": '"other"'})[0] == 200
    status, headers, body = call(app, "/static/js/main.js", BR, method="HEAD")
    assert (status, body, headers["content-length"]) == (200, b"", first["content-length"])


@pytest.mark.parametrize(("path", "headers", "method", "kind"), [
    ("/static/js/main.js", {}, "GET", "http"),                                  # nothing accepted
    ("/static/js/main.js", {"accept-encoding": "identity"}, "GET", "http"),
    ("/static/js/main.js", {**BR, "range": "bytes=0-99"}, "GET", "http"),       # ranges are of the plain file
    ("/static/js/main.js", BR, "POST", "http"),
    ("/static/js/main.js", BR, "GET", "websocket"),
    ("/static/js/tiny.js", BR, "GET", "http"),                                  # too small to have a copy
    ("/static/media/font.woff2", BR, "GET", "http"),                            # compressed by its format
    ("/static/js/missing.js", BR, "GET", "http"),
    ("/static/js", BR, "GET", "http"),                                          # a folder
    ("/static/js//main.js", BR, "GET", "http"),
    ("/index.html", BR, "GET", "http"),                                         # not under /static/
    ("/_stcore/health", BR, "GET", "http"),
])
def test_everything_else_goes_to_streamlit(trees: tuple[Tree, Tree], path: str, headers: dict[str, str],
                                           method: str, kind: str) -> None:
    app = middleware(built(trees))
    if kind == "websocket":
        seen: list[str] = []

        async def socket(scope: Any, receive: Any, send: Any) -> None:
            seen.append(scope["type"])

        app.app = socket
        run_coroutine(app({"type": "websocket", "path": path, "headers": []}, None, None))  # type: ignore[arg-type]
        assert seen == ["websocket"]
        return
    status, answer, body = call(app, path, headers, method)
    assert (status, body, "content-encoding" in answer) == (200, b"plain", False)


def test_a_stale_copy_is_not_served(trees: tuple[Tree, Tree]) -> None:
    app = middleware(built(trees))
    source = trees[0].source / "static" / "js" / "main.js"
    source.write_bytes(SCRIPT + b"// changed\n")
    os.utime(source, ns=(source.stat().st_mtime_ns + 10**9,) * 2)
    assert call(app, "/static/js/main.js", BR)[2] == b"plain"


def test_the_plain_answer_also_says_it_varies(trees: tuple[Tree, Tree]) -> None:
    app = middleware(trees)  # nothing built yet: Streamlit answers, until the copies exist
    assert call(app, "/static/js/main.js", BR)[1]["vary"] == "Accept-Encoding"
    built(trees)
    assert call(app, "/static/js/main.js", BR)[1]["content-encoding"] == "br"


def plant(copy: Path, source: Path) -> None:
    """A brotli copy of SCRIPT at ``copy``, stamped as fresh for ``source``."""
    copy.parent.mkdir(parents=True, exist_ok=True)
    copy.write_bytes(brotli.compress(SCRIPT))
    os.utime(copy, ns=(source.stat().st_mtime_ns,) * 2)


def test_nothing_outside_the_folders_is_served(trees: tuple[Tree, Tree], tmp_path: Path) -> None:
    _, app_files = built(trees)
    secret = tmp_path / "outside" / "secret.js"
    (app_files.source / "link.js").symlink_to(secret)
    (app_files.source / "inside.js").write_bytes(SCRIPT)
    plant(app_files.cache / ".." / "outside" / "secret.js.br", secret)  # where a naive join of URL and folders looks
    plant(copy_path(app_files, Path("link.js"), "br"), secret)
    plant(copy_path(app_files, Path("inside.js"), "br"), app_files.source / "inside.js")
    app = middleware(trees)
    # Control: the same set-up is served for a file that is inside the folder.
    assert call(app, "/app/static/inside.js", BR)[1]["content-encoding"] == "br"
    for path in ("/app/static/../outside/secret.js", "/app/static/vendor/../../outside/secret.js",
                 "/app/static/link.js", "/app/static/./inside.js", "/app/static/..\\outside\\secret.js",
                 f"/app/static/{secret}", "/static/../../outside/secret.js"):
        assert call(app, path, BR)[2] == b"plain", path


def test_a_base_url_moves_the_routes(trees: tuple[Tree, Tree]) -> None:
    app = middleware(built(trees), base_url="/dash/")
    assert call(app, "/dash/static/js/main.js", BR)[1]["content-encoding"] == "br"
    assert call(app, "/dash/app/static/vendor/map.geojson", BR)[1]["content-encoding"] == "br"
    assert call(app, "/static/js/main.js", BR)[2] == b"plain"


def test_app_files_stay_private_when_streamlit_does_not_serve_them(trees: tuple[Tree, Tree]) -> None:
    app = middleware(built(trees), app_static=False)
    assert call(app, "/app/static/vendor/map.geojson", BR)[2] == b"plain"
    assert call(app, "/static/js/main.js", BR)[1]["content-encoding"] == "br"
