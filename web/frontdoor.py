"""The front door: every HTTP response gets security headers; internal endpoints stay internal.

A plain ASGI middleware in front of Streamlit's own routes (``st.App``, see
``serve.py``):

- ``Content-Security-Policy``: scripts, styles, fonts and data come from this
  server only; images from here or ``data:``/``blob:`` (a Markdown image from the
  data cannot load a remote picture); only this app may frame its pages. The
  single remote origin is the map's optional online tile layer, off by default.
- ``Referrer-Policy: no-referrer`` and ``X-Content-Type-Options: nosniff``.
- ``/_stcore/metrics`` answers only a request made on this machine and not
  forwarded by a proxy: it counts sessions and sign-in activity.
- File uploads are accepted only for a session that has signed in as staff
  (the only page with an uploader is the staff page).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from mc2cm.auth import STAFF_SESSIONS
from mc2cm.mapping import TILE_ORIGIN

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    # Streamlit's bundles and the map document's inline Leaflet set-up (an srcdoc iframe)
    "script-src 'self' 'unsafe-inline' 'unsafe-eval' blob:",
    "style-src 'self' 'unsafe-inline'",
    f"img-src 'self' data: blob: {TILE_ORIGIN}",
    "font-src 'self' data:",
    "connect-src 'self'",
    "media-src 'self' blob:",
    "worker-src 'self' blob:",
    "frame-src 'self' blob: data:",
    "frame-ancestors 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
])
SECURITY_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
}
_METRICS = re.compile(r"(^|/)_stcore/metrics/?$")
_UPLOAD = re.compile(r"(^|/)_stcore/upload_file/(?P<session>[^/]+)/")
_FORWARDED = (b"x-forwarded-for", b"forwarded", b"x-real-ip")


def is_local_request(scope: Scope) -> bool:
    """Made on this machine, and not relayed by a proxy on it."""
    client = scope.get("client")
    try:
        loopback = client is not None and ipaddress.ip_address(client[0]).is_loopback
    except ValueError:
        loopback = False
    relayed = any(name in _FORWARDED for name, _ in scope.get("headers", []))
    return loopback and not relayed


async def _refuse(send: Send, status: int, text: str) -> None:
    body = text.encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode()),
                            *((k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items())]})
    await send({"type": "http.response.body", "body": body})


class FrontDoor:
    """ASGI middleware: headers on every response, guarded internal endpoints."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        if _METRICS.search(path) and not is_local_request(scope):
            await _refuse(send, 403, "Metrics are only available on the machine that runs the app.")
            return
        upload = _UPLOAD.search(path)
        if upload and scope.get("method") in ("PUT", "POST") and upload["session"] not in STAFF_SESSIONS:
            await _refuse(send, 403, "Uploads are for signed-in staff only.")
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items() if k.encode() not in present]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)
