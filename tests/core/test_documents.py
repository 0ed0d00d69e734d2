"""The five source documents ship in data/documents/, unchanged, and the validator notices an edit.

``sources.csv`` gives each document's SHA-256; :func:`mc2cm.validation.document_problems`
recomputes it. The documents are not part of the Data Package's tables, so Frictionless
does not see them: an edited or missing document is one of our own rules (the reference
tool accepts the same folder), like the other cross-table rules in the parity tests.
"""

from __future__ import annotations

import csv
import hashlib
import shutil
from pathlib import Path

import pytest
from frictionless import Package

from mc2cm import validation
from mc2cm.problem_text import problem_message
from mc2cm.schema import package_spec
from mc2cm.validation import DOCUMENTS_DIR, Problem, validate_dir
from tests.core.test_shipped_data import on_ci, require_seeds

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
DOCUMENTS = DATA / DOCUMENTS_DIR
SEEDS = ROOT.parent / "shared" / "seeds"
FIXTURE = ROOT / "tests" / "fixtures" / "minimal"
SUMMARY_FILE = "000_038a1b11c4fce8c1.txt"


def sources(folder: Path) -> list[dict[str, str]]:
    with (folder / "sources.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows, f"no sources in {folder}"
    return rows


def errors(problems: list[Problem]) -> list[tuple[str, int | None, str | None, str]]:
    return [(p.file, p.row, p.column, p.code) for p in problems if p.severity == "error"]


def reference_errors(folder: Path) -> list[str]:
    report = Package(str(folder / "datapackage.json")).validate()
    return [kind for (kind,) in report.flatten(["type"])]


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    return Path(shutil.copytree(DATA, tmp_path / "data", ignore=shutil.ignore_patterns(".history", ".lock*")))


def test_every_source_document_ships_with_its_checksum() -> None:
    rows = sources(DATA)
    assert len(rows) == 5
    for row in rows:
        path = DOCUMENTS / row["file"]
        assert path.is_file(), path
        assert hashlib.sha256(path.read_bytes()).hexdigest() == row["sha256"], row["file"]
    assert sorted(p.name for p in DOCUMENTS.iterdir()) == sorted(r["file"] for r in rows)  # nothing else


def unlike(files: list[str], shipped: Path, seeds: Path) -> list[str]:
    """The files whose shipped bytes are not the seed's bytes."""
    return [f for f in files if (shipped / f).read_bytes() != (seeds / f).read_bytes()]


def test_the_shipped_documents_are_the_seeds_byte_for_byte() -> None:
    files = [r["file"] for r in sources(DATA)]
    require_seeds(SEEDS, files, ci=on_ci())
    assert unlike(files, DOCUMENTS, SEEDS) == []


def test_control_one_changed_byte_is_not_the_seed(data_copy: Path) -> None:
    files = [r["file"] for r in sources(DATA)]
    shipped = data_copy / DOCUMENTS_DIR
    text = (shipped / SUMMARY_FILE).read_bytes()
    (shipped / SUMMARY_FILE).write_bytes(text.replace(b"\n", b"\r\n", 1))  # a line ending: invisible in an editor
    assert unlike(files, shipped, DOCUMENTS) == [SUMMARY_FILE]
    assert errors(validate_dir(data_copy)) == [("sources.csv", 2, "sha256", "document-changed")]


def test_the_fixture_ships_its_document_too() -> None:
    [row] = sources(FIXTURE)
    assert (FIXTURE / DOCUMENTS_DIR / row["file"]).read_bytes() == (DOCUMENTS / row["file"]).read_bytes()
    assert errors(validate_dir(FIXTURE)) == []


def test_the_shipped_data_is_valid_with_its_documents() -> None:
    assert errors(validate_dir(DATA)) == []


def test_an_edited_document_is_reported_by_name(data_copy: Path) -> None:
    with (data_copy / DOCUMENTS_DIR / SUMMARY_FILE).open("a", encoding="utf-8") as fh:
        fh.write(".")
    problems = validate_dir(data_copy)
    assert errors(problems) == [("sources.csv", 2, "sha256", "document-changed")]
    [problem] = [p for p in problems if p.code == "document-changed"]
    assert f"documents/{SUMMARY_FILE}" in problem.message
    assert "edited or replaced" in problem.message
    assert reference_errors(data_copy) == []  # the reference tool cannot see it: only our rule does


def test_a_missing_document_is_reported_by_name(data_copy: Path) -> None:
    (data_copy / DOCUMENTS_DIR / "003_c349b3f1015c1575.txt").unlink()
    problems = validate_dir(data_copy)
    assert errors(problems) == [("sources.csv", 5, "file", "missing-document")]
    assert "003_c349b3f1015c1575.txt is missing" in next(p.message for p in problems if p.severity == "error")
    assert reference_errors(data_copy) == []


def test_a_checksum_edited_in_sources_csv_is_reported(data_copy: Path) -> None:
    path = data_copy / "sources.csv"
    row = sources(data_copy)[1]
    path.write_text(path.read_text(encoding="utf-8").replace(row["sha256"], "0" * 64), encoding="utf-8")
    assert errors(validate_dir(data_copy)) == [("sources.csv", 3, "sha256", "document-changed")]


def test_a_checksum_not_written_as_one_is_refused_by_both(data_copy: Path) -> None:
    path = data_copy / "sources.csv"
    row = sources(data_copy)[0]
    path.write_text(path.read_text(encoding="utf-8").replace(row["sha256"], row["sha256"][:40]), encoding="utf-8")
    assert ("sources.csv", 2, "sha256", "constraint-error") in errors(validate_dir(data_copy))
    assert "constraint-error" in reference_errors(data_copy)


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_document_problems_are_said_in_the_readers_language(data_copy: Path, lang: str) -> None:
    (data_copy / DOCUMENTS_DIR / "002_ecc5bd17f64cea45.txt").write_text("replaced", encoding="utf-8")
    (data_copy / DOCUMENTS_DIR / "004_00b3a05164b463a7.txt").unlink()
    problems = [p for p in validate_dir(data_copy) if p.severity == "error"]
    assert {p.code for p in problems} == {"document-changed", "missing-document"}
    spec = package_spec(data_copy)
    said = [problem_message(p, lang, spec) for p in problems]
    assert all(text != p.message for text, p in zip(said, problems, strict=True)), said
    assert all("{" not in text for text in said), said
    assert any("002_ecc5bd17f64cea45.txt" in text for text in said)
    assert any("004_00b3a05164b463a7.txt" in text for text in said)


# --- controls: without the rule, the same broken folders pass ---------------------


def test_control_without_the_document_rule_an_edited_document_passes(
        data_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with (data_copy / DOCUMENTS_DIR / SUMMARY_FILE).open("a", encoding="utf-8") as fh:
        fh.write(".")
    (data_copy / DOCUMENTS_DIR / "003_c349b3f1015c1575.txt").unlink()
    monkeypatch.setattr(validation, "document_problems", lambda *_args: [])
    assert errors(validate_dir(data_copy)) == []


def test_control_validating_the_tables_alone_does_not_look_at_documents(data_copy: Path) -> None:
    """Callers that hand over bytes only (no ``documents`` folder) are not affected by the rule."""
    shutil.rmtree(data_copy / DOCUMENTS_DIR)
    _, problems = validation.validate_files(validation.read_data_dir(data_copy), package_spec(data_copy), None)
    assert errors(problems) == []
    assert {p.code for p in validate_dir(data_copy) if p.severity == "error"} == {"missing-document"}
