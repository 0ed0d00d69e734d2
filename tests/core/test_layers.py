"""The floors of the house: pages → components → mc2cm, and web → mc2cm; arrows point down only.

Beside the house: tests, the benchmark and deploy/ start their servers with the harness
(harness/); the benchmark and deploy/ never reach into tests/, and the app never imports
any of them.
"""

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


TOOLING = {"tests", "benchmarks", "deploy", "harness"}


@pytest.mark.parametrize(("folder", "forbidden"), [
    ("mc2cm", {"streamlit", "components", "pages", "web", *TOOLING}),
    ("web", {"components", "pages", *TOOLING}),
    ("components", {"web", "pages", *TOOLING}),
    ("pages", TOOLING),
    ("harness", {"streamlit", "components", "pages", "web", "tests", "benchmarks", "deploy"}),
    ("benchmarks", {"tests", "deploy"}),
    ("deploy", {"tests"}),
])
def test_imports_point_down_only(folder: str, forbidden: set[str]) -> None:
    files = sorted((ROOT / folder).rglob("*.py"))
    assert files, f"no modules found in {folder}/"
    offending = {str(f.relative_to(ROOT)): sorted(imported_roots(f) & forbidden) for f in files if imported_roots(f) & forbidden}
    assert offending == {}


def test_control_the_check_sees_a_forbidden_import(tmp_path: Path) -> None:
    module = tmp_path / "bad.py"
    module.write_text("import streamlit as st\nfrom components.map import map_view\n", encoding="utf-8")
    assert imported_roots(module) >= {"streamlit", "components"}


def test_control_an_import_inside_a_function_is_seen(tmp_path: Path) -> None:
    """deploy/ and the benchmark import lazily inside functions: those imports count too."""
    module = tmp_path / "check.py"
    module.write_text("def main():\n    from tests.postgres import temporary_postgres\n    import tests.browser.support\n",
                      encoding="utf-8")
    assert imported_roots(module) == {"tests"}
