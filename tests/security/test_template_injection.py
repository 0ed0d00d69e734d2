"""No string from the data runs as a template on the server or as markup in the map.

folium and branca compile each element's rendered script a second time as a Jinja2
template; a city named ``Sfax {{ 7*7 }}`` once showed "Sfax 49", and
``{{ lipsum.__globals__.os.environ }}`` read the server's environment. The map now
carries its data as a JSON block added after folium has rendered.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import folium
import pytest

from mc2cm.filters import Selection, select_initiatives
from mc2cm.loading import load_dataset
from mc2cm.mapping import MARKERS_ID, build_map, document_markers, preview_map, render_document

MINIMAL = Path(__file__).resolve().parents[1] / "fixtures" / "minimal"
CANARY = "canary-7f3a-do-not-leak"
HOSTILE = [
    "{{7*7}}",
    "{% raw %}x{% endraw %}",
    "{# c #}",
    "${7*7}",
    "{{ lipsum.__globals__.os.environ }}",
    "</script><script>window.__pwned=1</script>",
]
# the city with an initiative in the minimal fixture; Arabic too: Latin alone in name_ar is refused as lost Arabic
PREFIX = "Brital بريتال "


@pytest.fixture(autouse=True)
def secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MC2CM_ADMIN_PASSWORD", CANARY)


def _set_names(path: Path, row_id: str, name: str) -> None:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        fields, rows = list(reader.fieldnames or []), list(reader)
    edited = [row for row in rows if row["id"] == row_id]
    assert len(edited) == 1
    for lang in ("en", "fr", "ar"):
        edited[0][f"name_{lang}"] = name
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def hostile_copy(target: Path, name: str) -> Path:
    """The minimal dataset with ``name`` as Brital's and its initiative's name in every language."""
    shutil.copytree(MINIMAL, target)
    _set_names(target / "cities.csv", "brital", name)
    _set_names(target / "initiatives.csv", "brital-response", name)
    return target


def _document(data_dir: Path, lang: str) -> str:
    data = load_dataset(data_dir)
    fmap, parts = build_map(data.cities, select_initiatives(data, Selection()), lang)
    assert len(parts.markers) == 1
    return render_document(fmap)


def _outside_the_data_block(document: str) -> str:
    opening = f'<script type="application/json" id="{MARKERS_ID}">'
    start = document.index(opening) + len(opening)
    return document[:start] + document[document.index("</script>", start):]


def template_problems(document: str, name: str) -> list[str]:
    """What a template engine or the HTML parser would have done to ``name`` in this document."""
    problems = []
    if "Brital 49" in document:
        problems.append("{{ 7*7 }} was evaluated")
    if CANARY in document or "environ(" in document:
        problems.append("the environment leaked")
    if "</script>" in name and document.count("</script>") != document.count("<script"):
        problems.append("a script block from the data")
    return problems


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
@pytest.mark.parametrize("hostile", HOSTILE)
def test_data_strings_are_never_templates(hostile: str, lang: str, tmp_path: Path) -> None:
    name = PREFIX + hostile
    clean = _document(MINIMAL, lang)
    document = _document(hostile_copy(tmp_path / "data", name), lang)
    (marker,) = document_markers(document)["markers"]
    assert marker["tooltip"] == f"{name} · 1"  # exactly as written: nothing evaluated, nothing dropped
    assert marker["popup"]["name"] == name
    assert [item["title"] for item in marker["popup"]["items"]] == [name]
    assert template_problems(document, name) == []
    assert "Brital" not in _outside_the_data_block(document)  # folium's HTML and scripts hold no data
    assert document.count("</script>") == clean.count("</script>")
    assert "<script>window.__pwned" not in document


@pytest.mark.parametrize("hostile", HOSTILE)
def test_the_city_preview_carries_names_as_data(hostile: str) -> None:
    document = render_document(preview_map(34.1, 36.1, PREFIX + hostile, "en"))
    (marker,) = document_markers(document)["markers"]
    assert marker["tooltip"] == PREFIX + hostile
    assert template_problems(document, PREFIX + hostile) == []
    assert "Brital" not in _outside_the_data_block(document)


# --- controls: the checks above see the attack when a data string goes through folium ----


def _folium_tooltip_document(tooltip: str) -> str:
    fmap = folium.Map(location=[34.1, 36.1], tiles=None)
    folium.CircleMarker([34.1, 36.1], radius=9, tooltip=folium.Tooltip(tooltip)).add_to(fmap)
    return str(fmap.get_root().render())


def test_control_folium_evaluates_a_tooltip_as_a_template() -> None:
    document = _folium_tooltip_document("Brital {{ 7*7 }}")
    assert "Brital 49" in document
    assert template_problems(document, "Brital {{ 7*7 }}") == ["{{ 7*7 }} was evaluated"]


def test_control_folium_would_leak_the_environment() -> None:
    document = _folium_tooltip_document("{{ lipsum.__globals__.os.environ.MC2CM_ADMIN_PASSWORD }}")
    assert CANARY in document
    assert template_problems(document, "") == ["the environment leaked"]


def test_control_folium_would_let_the_data_close_its_script() -> None:
    name = "</script><script>window.__pwned=1</script>"
    document = _folium_tooltip_document(name)
    assert "<script>window.__pwned" in document
    assert template_problems(document, name) == ["a script block from the data"]
