"""The one save path: validated, atomic, backed up, logged, conflict-safe."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mc2cm import store
from mc2cm.store import SaveRefused, file_version, history, restore, save_table, table_version

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "minimal"
NEW_CITY = "tunis,Tunis,Tunis,تونس,TN,36.819,10.1658,true,sfax-2019-summary,Context,\n"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(FIXTURE, target)
    return target


def cities_with_new_city(data: Path) -> bytes:
    return (data / "cities.csv").read_bytes() + NEW_CITY.encode("utf-8")


def test_valid_save_writes_backs_up_and_logs(data: Path) -> None:
    before = (data / "cities.csv").read_bytes()
    result = save_table(data, "cities", cities_with_new_city(data), who="Amina", expected_version=file_version(before))
    assert result.diff.added == ["tunis"]
    assert "tunis,Tunis" in (data / "cities.csv").read_text(encoding="utf-8")
    [entry] = history(data)
    assert (entry.who, entry.table, entry.added, entry.changed, entry.removed) == ("Amina", "cities", 1, 0, 0)
    assert (data / ".history" / entry.backup).read_bytes() == before


def test_invalid_save_is_refused_with_validator_messages(data: Path) -> None:
    before = (data / "cities.csv").read_bytes()
    bad = before + b"tunis,Tunis,Tunis,,TN,36.819,10.1658,true,sfax-2019-summary,Context,\n"
    with pytest.raises(SaveRefused) as refused:
        save_table(data, "cities", bad, who="x")
    assert refused.value.code == "invalid"
    assert [(p.file, p.row, p.column) for p in refused.value.problems] == [("cities.csv", 4, "name_ar")]
    assert (data / "cities.csv").read_bytes() == before
    assert history(data) == []


def test_conflicting_save_is_refused(data: Path) -> None:
    opened = table_version(data, "cities")
    save_table(data, "cities", cities_with_new_city(data), who="first", expected_version=opened)
    second = (FIXTURE / "cities.csv").read_bytes().replace(b"Sfax,Sfax", b"Sfax (city),Sfax")
    with pytest.raises(SaveRefused) as refused:
        save_table(data, "cities", second, who="second", expected_version=opened)
    assert refused.value.code == "conflict"
    assert b"tunis" in (data / "cities.csv").read_bytes()


def test_deleting_a_referenced_city_is_refused(data: Path) -> None:
    lines = (data / "cities.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    without_brital = "".join(line for line in lines if not line.startswith("brital,")).encode()
    with pytest.raises(SaveRefused) as refused:
        save_table(data, "cities", without_brital, who="x")
    assert refused.value.code == "referenced"
    assert any("brital-response" in p.message and p.file == "initiatives.csv" for p in refused.value.problems)


def test_failed_write_leaves_the_old_file_intact(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = (data / "cities.csv").read_bytes()

    def broken_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store.os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="No space"):
        store.atomic_write(data / "cities.csv", b"id,half a fi")
    assert (data / "cities.csv").read_bytes() == before
    assert not [p for p in data.iterdir() if p.name.endswith(".tmp")]


def test_history_and_restore_round_trip(data: Path) -> None:
    original = (data / "cities.csv").read_bytes()
    save_table(data, "cities", cities_with_new_city(data), who="a")
    edited = (data / "cities.csv").read_bytes()
    result = restore(data, "cities", who="b")
    assert (data / "cities.csv").read_bytes() == original
    assert result.diff.removed == ["tunis"]
    restore(data, "cities", who="c")  # undo the undo
    assert (data / "cities.csv").read_bytes() == edited
    assert [e.action.split()[0] for e in history(data)] == ["save", "restore", "restore"]


def excel_flavours(data: Path) -> dict[str, bytes]:
    text = (data / "cities.csv").read_bytes().decode("utf-8") + NEW_CITY
    rows = [line.split(",") for line in text.strip().split("\n")]
    semicolon = "\r\n".join(";".join(c.replace(".", ",") if c[:1].isdigit() else c for c in row) for row in rows)
    reordered = "\n".join(",".join([row[1], row[0], *row[2:]]) for row in rows)
    return {
        "utf8-bom-crlf": b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"),
        "semicolon-decimal-comma": b"\xef\xbb\xbf" + semicolon.encode("utf-8"),
        "cp1256": text.encode("cp1256"),
        "columns-reordered": reordered.encode("utf-8"),
    }


@pytest.mark.parametrize("flavour", ["utf8-bom-crlf", "semicolon-decimal-comma", "cp1256", "columns-reordered"])
def test_excel_uploads_are_accepted_and_normalised(data: Path, tmp_path: Path, flavour: str) -> None:
    reference = tmp_path / "reference"
    shutil.copytree(FIXTURE, reference)
    save_table(reference, "cities", cities_with_new_city(reference), who="ref")
    save_table(data, "cities", excel_flavours(data)[flavour], who="excel")
    assert (data / "cities.csv").read_bytes() == (reference / "cities.csv").read_bytes()
    assert "تونس" in (data / "cities.csv").read_text(encoding="utf-8")


def run_cli(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "mc2cm", *args], cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def test_two_processes_importing_at_once_leave_one_whole_file(data: Path, tmp_path: Path) -> None:
    base = (data / "cities.csv").read_text(encoding="utf-8")
    one = tmp_path / "one.csv"
    two = tmp_path / "two.csv"
    one.write_text(base + NEW_CITY, encoding="utf-8")
    many = "".join(f"town-{i},Town {i},Ville {i},بلدة {i},TN,34.{i:04d},10.1,true,sfax-2019-summary,Context,\n"
                   for i in range(300))
    two.write_text(base + many, encoding="utf-8")
    procs = [run_cli("import", "cities", str(f), "--data-dir", str(data), "--who", f.stem) for f in (one, two)]
    outputs = [p.communicate(timeout=120)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    final = (data / "cities.csv").read_text(encoding="utf-8")
    assert final in (one.read_text(encoding="utf-8"), two.read_text(encoding="utf-8"))
    assert len(history(data)) == 2


def test_cli_import_refusal_history_and_restore(data: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\x00\x01garbage")
    before = (data / "cities.csv").read_bytes()
    refused = run_cli("import", "cities", str(bad), "--data-dir", str(data))
    out = refused.communicate(timeout=60)[0]
    assert refused.returncode == 1
    assert "Nothing was changed" in out
    assert "Traceback" not in out
    assert (data / "cities.csv").read_bytes() == before
    good = tmp_path / "good.csv"
    good.write_bytes(cities_with_new_city(data))
    assert run_cli("import", "cities.csv", str(good), "--data-dir", str(data), "--who", "Sami").wait(60) == 0
    listing = run_cli("history", "--data-dir", str(data)).communicate(timeout=60)[0]
    assert "cities" in listing
    assert "Sami" in listing
    assert "+1 ~0 -0" in listing
    assert run_cli("restore", "cities", "--data-dir", str(data)).wait(60) == 0
    assert (data / "cities.csv").read_bytes() == before
    unknown = run_cli("restore", "nonsense", "--data-dir", str(data)).communicate(timeout=60)[0]
    assert "is not a table" in unknown


def test_lock_file_is_not_a_table(data: Path) -> None:
    save_table(data, "cities", cities_with_new_city(data), who="x")
    assert (data / ".lock").exists()
    assert (data / ".lock").stat().st_size == 0


@pytest.mark.parametrize("mode", [0o644, 0o664, 0o640])
def test_a_save_keeps_the_files_permissions_and_backups_match(data: Path, mode: int) -> None:
    path = data / "cities.csv"
    path.chmod(mode)
    result = save_table(data, "cities", cities_with_new_city(data), who="Amina")
    assert path.stat().st_mode & 0o777 == mode
    assert (data / ".history" / result.entry.backup).stat().st_mode & 0o777 == mode


def test_control_a_plain_temp_file_would_be_private(data: Path) -> None:
    """The control: without the chmod a saved table would be 600 (mkstemp's mode)."""
    import tempfile  # noqa: PLC0415

    fd, name = tempfile.mkstemp(dir=data)
    try:
        assert Path(name).stat().st_mode & 0o777 == 0o600
    finally:
        Path(name).unlink()
        import os  # noqa: PLC0415

        os.close(fd)


def test_reuploading_an_export_restores_cells_it_protected_against_formulas(data: Path) -> None:
    from mc2cm.export import to_excel_csv  # noqa: PLC0415
    from mc2cm.loading import load_dataset  # noqa: PLC0415

    text = (data / "cities.csv").read_text(encoding="utf-8")
    (data / "cities.csv").write_text(text.replace(",Context,", ",-Context (see =note),", 1), encoding="utf-8")
    dataset = load_dataset(data)
    exported = to_excel_csv(dataset.cities.reset_index(), dataset.spec.table("cities"))
    assert b",'-Context (see =note)," in exported  # the export protects Excel
    table, _ = store.prepare(dataset.spec.table("cities"), exported)
    assert table is not None
    assert any(row["source_locator"] == "-Context (see =note)" for row in table.rows)
    before = (data / "cities.csv").read_bytes()
    result = save_table(data, "cities", exported, who="Amina", expected_version=file_version(before))
    assert result.diff.is_empty  # nothing changed by the round trip


def test_a_held_lock_makes_another_save_wait_then_refuse_as_busy(data: Path) -> None:
    import threading  # noqa: PLC0415

    outcome: list[str] = []

    def other_save() -> None:
        try:
            with store.locked(data, timeout=0.3):
                outcome.append("got the lock")
        except SaveRefused as exc:
            outcome.append(exc.code)

    with store.locked(data):
        thread = threading.Thread(target=other_save)
        thread.start()
        thread.join()
    assert outcome == ["busy"]
    other_save()  # the control: once released, the same call gets the lock
    assert outcome == ["busy", "got the lock"]
