"""A broken hand edit never empties a public page: the last valid version is served (mc2cm/lastgood.py).

Each guard has a control: the same broken folder read without it
(``load_dataset``) loses rows, so the test would notice the guard going.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from mc2cm import lastgood
from mc2cm.loading import load_dataset

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(ROOT / "data", target, ignore=shutil.ignore_patterns(".history", ".lock"))
    return target


def break_city_reference(folder: Path) -> int:
    """An unknown city id on the first initiative (a typo in Excel); the Excel row it is on."""
    path = folder / "initiatives.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    first = lines[1].split(",")
    city = first.index("nador")
    lines[1] = ",".join([*first[:city], "nadorr", *first[city + 1:]])
    path.write_text("".join(lines), encoding="utf-8")
    return 2


def break_quote(folder: Path) -> None:
    """An unclosed quote: from there on the file is one long cell."""
    path = folder / "initiatives.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[3] = lines[3].replace(",", ',"', 1)
    path.write_text("".join(lines), encoding="utf-8")


def test_valid_files_are_served_and_kept(data_dir: Path) -> None:
    served = lastgood.load_serving(data_dir)
    assert served.valid
    assert served.as_of is None
    kept = lastgood.recall(data_dir)
    assert kept is not None
    assert kept.files["initiatives"] == (data_dir / "initiatives.csv").read_bytes()
    assert (data_dir / ".history" / "last-good" / "initiatives.csv").is_file()


@pytest.mark.parametrize("breakage", [break_city_reference, break_quote])
def test_a_broken_edit_keeps_every_row_on_the_public_pages(data_dir: Path, breakage: object) -> None:
    good = lastgood.load_serving(data_dir)
    count = len(good.initiatives)
    assert count > 30
    breakage(data_dir)  # type: ignore[operator]
    served = lastgood.load_serving(data_dir)
    assert len(served.initiatives) == count
    assert served.valid
    assert served.as_of is not None
    assert not served.files_valid
    assert any(p.file == "initiatives.csv" and p.severity == "error" for p in served.current_problems)
    # the control: without the last good version, the same files lose rows
    assert len(load_dataset(data_dir).initiatives) < count


def test_the_problem_names_file_row_and_column(data_dir: Path) -> None:
    lastgood.load_serving(data_dir)
    row = break_city_reference(data_dir)
    problems = [p for p in lastgood.load_serving(data_dir).current_problems if p.severity == "error"]
    assert [(p.file, p.row, p.column) for p in problems] == [("initiatives.csv", row, "city_ids")]
    assert "nadorr" in problems[0].message


def test_a_fix_is_served_as_soon_as_it_is_valid(data_dir: Path) -> None:
    lastgood.load_serving(data_dir)
    original = (data_dir / "initiatives.csv").read_bytes()
    break_city_reference(data_dir)
    assert lastgood.load_serving(data_dir).as_of is not None
    fixed = original.replace(b"Intercultural fair: Africa 2017", b"Intercultural fair: Africa 2017 (fixed)")
    (data_dir / "initiatives.csv").write_bytes(fixed)
    served = lastgood.load_serving(data_dir)
    assert (served.as_of, served.disk_problems) == (None, None)
    assert "(fixed)" in served.initiatives.loc["nador-africa-intercultural-fair", "name_en"]
    kept = lastgood.recall(data_dir)
    assert kept is not None
    assert kept.files["initiatives"] == fixed


def test_a_first_start_on_broken_files_shows_what_it_can_and_says_why(data_dir: Path) -> None:
    break_city_reference(data_dir)
    served = lastgood.load_serving(data_dir)
    assert served.as_of is None
    assert not served.valid
    assert len(served.initiatives) > 30  # only the broken row is left out
    assert lastgood.recall(data_dir) is None  # nothing broken is ever kept


def test_an_unreadable_schema_file_is_a_problem_not_a_crash(data_dir: Path) -> None:
    (data_dir / "datapackage.json").write_text('{"resources": [', encoding="utf-8")
    served = lastgood.load_serving(data_dir)
    assert [p.code for p in served.current_problems if p.file == "datapackage.json"] == ["descriptor"]
    assert len(served.initiatives) > 30  # read with the shipped schema


def test_an_unreadable_schema_file_after_a_good_start_serves_the_good_version(data_dir: Path) -> None:
    count = len(lastgood.load_serving(data_dir).initiatives)
    (data_dir / "datapackage.json").write_text("not json", encoding="utf-8")
    served = lastgood.load_serving(data_dir)
    assert (len(served.initiatives), served.as_of is not None) == (count, True)


def test_a_damaged_copy_is_never_served(data_dir: Path) -> None:
    lastgood.load_serving(data_dir)
    copy = data_dir / ".history" / "last-good" / "initiatives.csv"
    copy.write_bytes(copy.read_bytes()[:-200])  # a copy cut short (a full disk)
    assert lastgood.recall(data_dir) is None
    break_city_reference(data_dir)
    assert lastgood.load_serving(data_dir).as_of is None


def test_the_copy_is_written_only_when_the_data_changed(data_dir: Path) -> None:
    lastgood.load_serving(data_dir)
    note = data_dir / ".history" / "last-good" / lastgood.VERSION_NOTE
    first = note.stat().st_mtime_ns
    lastgood.load_serving(data_dir)
    assert note.stat().st_mtime_ns == first
    assert json.loads(note.read_text(encoding="utf-8"))["as_of"]


def test_a_folder_that_cannot_be_written_still_serves(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object) -> None:
        raise PermissionError("read-only")

    monkeypatch.setattr(lastgood, "_write", refuse)
    served = lastgood.load_serving(data_dir)
    assert served.valid
    assert lastgood.recall(data_dir) is None


def test_a_copied_folder_does_not_inherit_the_copy(data_dir: Path, tmp_path: Path) -> None:
    lastgood.load_serving(data_dir)
    copy = tmp_path / "copy"
    shutil.copytree(data_dir, copy)
    assert lastgood.recall(copy) is None
    break_city_reference(copy)
    assert lastgood.load_serving(copy).as_of is None  # the broken copy says what is wrong
