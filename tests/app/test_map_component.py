"""The map as the component receives it: markers, escaping, local assets, reuse."""

from __future__ import annotations

from pathlib import Path

from components.map import render_map
from mc2cm.filters import Selection, select_initiatives
from mc2cm.loading import load_dataset
from mc2cm.mapping import build_map

ROOT = Path(__file__).resolve().parents[2]


def test_component_arguments_carry_one_marker_per_city() -> None:
    data = load_dataset(ROOT / "data")
    shown = select_initiatives(data, Selection(area=("emergency_aid",)))
    fmap, parts = build_map(data.cities, shown, "en")
    rendered = render_map(fmap)
    assert rendered.script.count("L.circleMarker(") == len(parts.markers) > 0
    assert all(link.startswith("/app/static/vendor/") for link in rendered.js_links + rendered.css_links)
    assert "https://" not in rendered.header
    assert "/initiatives?id=brital-syrian-displacement-response" in rendered.script


def test_component_arguments_escape_markup(hostile_dir: Path) -> None:
    data = load_dataset(hostile_dir)
    fmap, _ = build_map(data.cities, data.initiatives, "en")
    script = render_map(fmap).script
    assert "window.__pwned" in script
    assert "<script>window.__pwned" not in script
    assert "<img src=x" not in script
    assert "${window" not in script
