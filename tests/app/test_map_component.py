"""The map as the browser receives it: one local HTML document per view, escaped, reused."""

from __future__ import annotations

import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

from mc2cm.filters import Selection, select_initiatives
from mc2cm.loading import load_dataset
from mc2cm.mapping import STATIC_PREFIX, build_map, render_document

ROOT = Path(__file__).resolve().parents[2]


def _document(data_dir: Path, sel: Selection | None = None) -> tuple[str, int]:
    data = load_dataset(data_dir)
    fmap, parts = build_map(data.cities, select_initiatives(data, sel or Selection()), "en")
    return render_document(fmap), len(parts.markers)


def test_document_draws_one_marker_per_city_from_local_files() -> None:
    document, markers = _document(ROOT / "data", Selection(area=("emergency_aid",)))
    assert document.count("L.circleMarker(") == markers > 0
    assets = re.findall(r'<(?:script|link)[^>]*(?:src|href)="([^"]+)"', document)
    assert assets, "the document loads Leaflet"
    assert all(asset.startswith(f"{STATIC_PREFIX}/") for asset in assets), assets
    assert "/initiatives?id=brital-syrian-displacement-response" in document


def test_document_escapes_markup(hostile_dir: Path) -> None:
    document, _ = _document(hostile_dir)
    assert "window.__pwned" in document
    assert "<script>window.__pwned" not in document
    assert "<img src=x" not in document
    assert "${window" not in document


def _map_documents(at: AppTest) -> list[str]:
    return [element.proto.srcdoc for element in at.get("iframe") if "L.circleMarker(" in element.proto.srcdoc]


def test_the_map_page_sends_the_same_document_on_every_run_and_session() -> None:
    first = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    first.run()
    first.switch_page("pages/map.py").run()
    assert not first.exception
    documents = _map_documents(first)
    assert len(documents) == 1
    first.run()  # an unchanged rerun
    second = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    second.switch_page("pages/map.py").run()  # another session
    assert _map_documents(first) == _map_documents(second) == documents
