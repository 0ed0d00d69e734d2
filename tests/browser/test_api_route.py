"""The open data API is served by the real entry point (serve.py), behind the front door."""

from __future__ import annotations

import io
import json
import urllib.error
import urllib.request
import zipfile


def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - loopback test server
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as failure:
        return failure.code, {k.lower(): v for k, v in failure.headers.items()}, failure.read()


def test_json_csv_and_package_are_served_with_cors(server: str) -> None:
    status, headers, raw = fetch(f"{server}/api/v1/initiatives.json?country=LB&lang=ar")
    assert status == 200
    assert headers["access-control-allow-origin"] == "*"
    assert "content-security-policy" in headers  # the front door's headers are on it too
    doc = json.loads(raw)
    assert doc["meta"]["count"] == len(doc["data"]) > 0
    assert "الإصدار" in doc["meta"]["citation"]
    status, headers, raw = fetch(f"{server}/api/v1/initiatives.csv")
    assert status == 200
    assert raw.startswith(b"\xef\xbb\xbf")
    status, headers, raw = fetch(f"{server}/api/v1/datapackage.zip?area=emergency_aid")
    assert status == 200
    assert "datapackage.json" in zipfile.ZipFile(io.BytesIO(raw)).namelist()


def test_errors_are_json_not_pages(server: str) -> None:
    for path, status in (("/api/v1/nope.json", 404), ("/api/v1/initiatives.json?area=%3Cscript%3E", 400)):
        got, headers, raw = fetch(server + path)
        assert got == status
        assert headers["content-type"].startswith("application/json")
        assert "Traceback" not in raw.decode()
