"""Loading the dataset into typed frames; the core stays free of Streamlit."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pandas as pd

from mc2cm.loading import data_stamp, load_dataset
from mc2cm.schema import package_spec, split_list

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "minimal"


def test_split_list() -> None:
    assert split_list("a|b| c |") == ("a", "b", "c")
    assert split_list("") == ()
    assert split_list(None) == ()


def test_fixture_loads_with_types_and_lists() -> None:
    data = load_dataset(FIXTURE)
    assert data.valid
    cities = data.cities
    assert cities.loc["sfax", "latitude"] == 34.7406
    assert cities["latitude"].dtype == "float64"
    assert bool(cities.loc["sfax", "mediterranean"]) is True
    initiatives = data.initiatives
    assert initiatives.loc["red-cross-network", "areas"] == ("access_to_services", "intercultural_dialogue")
    assert initiatives.loc["brital-response", "partners_en"] == ("CSOs", "Donors")
    assert initiatives.loc["red-cross-network", "year_start"] == 1997
    assert pd.isna(initiatives.loc["brital-response", "year_start"])
    assert str(data["events"].loc["sfax-2019-peer-learning-workshop", "start_date"]) == "2019-06-25"


def test_broken_table_loads_empty_with_columns(tmp_path: Path) -> None:
    for path in FIXTURE.glob("*.csv"):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    (tmp_path / "challenges.csv").write_bytes(b'id,"broken\n')
    data = load_dataset(tmp_path)
    assert not data.valid
    assert data.challenges.empty
    assert list(data.challenges.columns) == package_spec().table("challenges").column_names
    assert len(data.cities) == 2


def test_stamp_changes_when_a_file_changes(tmp_path: Path) -> None:
    for path in FIXTURE.glob("*.csv"):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    before = data_stamp(tmp_path)
    with (tmp_path / "cities.csv").open("a", encoding="utf-8") as fh:
        fh.write("\n")
    assert data_stamp(tmp_path) != before


def test_core_never_imports_streamlit() -> None:
    for path in (ROOT / "mc2cm").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not any(n.split(".")[0] == "streamlit" for n in names), path
    code = "import sys, mc2cm.loading, mc2cm.validation; print('streamlit' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "False"
