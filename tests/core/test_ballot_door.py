"""The ballot door in-process: an unexpected error is a plain page in the reader's language, never a traceback."""

from __future__ import annotations

import logging

import pytest
from starlette.requests import Request
from starlette.responses import Response

import web.ballot
from tests.conftest import run_coroutine
from web.ballot import ballot


def get(query: str, headers: list[tuple[bytes, bytes]] | None = None) -> Response:
    scope = {"type": "http", "method": "GET", "path": "/ballot", "query_string": query.encode(), "headers": headers or [],
             "client": ("127.0.0.1", 5000), "scheme": "http", "server": ("127.0.0.1", 8501), "root_path": ""}

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b"", "more_body": False}

    return run_coroutine(ballot(Request(scope, receive)))


def test_an_unexpected_error_is_a_plain_page_in_the_readers_language(monkeypatch: pytest.MonkeyPatch,
                                                                     caplog: pytest.LogCaptureFixture) -> None:
    def broken() -> object:
        raise RuntimeError("secret detail /srv/app/data")

    monkeypatch.setattr(web.ballot, "dataset", broken)
    with caplog.at_level(logging.ERROR, logger="web.ballot"):
        response = get("poll=top-three-priorities", [(b"accept-language", b"ar")])
    body = bytes(response.body).decode()
    assert response.status_code == 500
    assert 'dir="rtl"' in body
    assert "حدث خطأ من جهتنا" in body
    assert "secret detail" not in body
    assert "Traceback" not in body
    assert response.headers["cache-control"] == "no-store"
    assert "secret detail" in caplog.text  # logged for the staff


def test_control_an_unknown_poll_is_a_404_not_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MC2CM_SECRET", "in-process-secret-0123456789abcdef")
    response = get("poll=no-such-poll&lang=fr")
    assert response.status_code == 404
    assert "Ce lien ne désigne aucun vote." in bytes(response.body).decode()
