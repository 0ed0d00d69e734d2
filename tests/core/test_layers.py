"""The floors of the house: pages → components → mc2cm, and web → mc2cm; arrows point down only."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize(("folder", "forbidden"), [
    ("mc2cm", {"streamlit", "components", "pages", "web"}),
    ("web", {"components", "pages"}),
    ("components", {"web", "pages"}),
])
def test_imports_point_down_only(folder: str, forbidden: set[str]) -> None:
    files = sorted((ROOT / folder).glob("*.py"))
    assert files, f"no modules found in {folder}/"
    offending = {f.name: sorted(imported_roots(f) & forbidden) for f in files if imported_roots(f) & forbidden}
    assert offending == {}


def test_control_the_check_sees_a_forbidden_import(tmp_path: Path) -> None:
    module = tmp_path / "bad.py"
    module.write_text("import streamlit as st\nfrom components.map import map_view\n", encoding="utf-8")
    assert imported_roots(module) >= {"streamlit", "components"}
