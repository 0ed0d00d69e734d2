"""The one save path: validated, atomic, backed up, logged, conflict-safe."""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from mc2cm import store
from mc2cm.store import SaveRefused, file_version, history, restore, save_table, table_version

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "minimal"
NEW_CITY = "tunis,Tunis,Tunis,تونس,,TN,36.819,10.1658,true,sfax-2019-summary,Context,,,,\n"


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
    bad = before + b"tunis,Tunis,Tunis,,,TN,36.819,10.1658,true,sfax-2019-summary,Context,,,,\n"
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


# Two processes save the same table at once. Each runs the real save path with two hooks in
# ``mc2cm.store``: ``locked`` first marks "at the door" (and, for the control, becomes a no-op),
# and ``read_data_dir`` holds the race window open: after reading, a process waits until the
# other one has read too, or has waited a few seconds at the door (then the lock is doing its job).
# Without the lock both therefore read the same old file before either writes: the lost update is
# certain, not a matter of timing.
RACE_WORKER = """
import contextlib, sys, time
from pathlib import Path

from mc2cm import store

meeting, me, other, lock, how, data_dir, upload = sys.argv[1:8]
GRACE_S = 3.0  # after the other reached the door: ample time to read a dozen small files


def arrive(step):
    Path(meeting, f"{step}-{me}").touch()


def other_reached(step, timeout):
    deadline = time.monotonic() + timeout
    while not Path(meeting, f"{step}-{other}").exists():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.005)
    return True


real_locked, real_read = store.locked, store.read_data_dir


@contextlib.contextmanager
def at_the_door(path, timeout=store.LOCK_TIMEOUT_S):
    arrive("door")
    with real_locked(path, timeout) if lock == "real" else contextlib.nullcontext():
        yield


def read_and_linger(path):
    files = real_read(path)
    arrive("read")
    if other_reached("door", 60):
        other_reached("read", GRACE_S)
    return files


store.locked, store.read_data_dir = at_the_door, read_and_linger
opened = store.table_version(data_dir, "cities")  # both editors opened the same version
arrive("ready")
other_reached("ready", 60)
if how == "import":
    from mc2cm.__main__ import main
    # Each file replaces the whole table (so the second may drop the first one's new row: allowed).
    sys.exit(main(["import", "cities", upload, "--data-dir", data_dir, "--who", me, "--allow-removals"]))
try:
    store.save_table(data_dir, "cities", Path(upload).read_bytes(), who=me, expected_version=opened)
except store.SaveRefused as refused:
    print(refused.code)
    sys.exit(2)
"""


@dataclass
class Race:
    versions: dict[str, bytes]  # "original", and what "one" and "two" tried to save
    codes: dict[str, int]       # exit codes: 0 saved, 2 refused (the editor's conflict)
    outputs: dict[str, str]


def race(data: Path, tmp_path: Path, *, how: str, lock: str) -> Race:
    """Two processes save cities.csv at once, by ``import`` (command line) or as an ``editor``."""
    base = (data / "cities.csv").read_text(encoding="utf-8")
    many = "".join(f"town-{i},Town {i},Ville {i},بلدة {i},,TN,34.{i:04d},10.1,true,sfax-2019-summary,Context,,,,\n"
                   for i in range(300))
    uploads = {"one": base + NEW_CITY, "two": base + many}
    meeting = tmp_path / "meeting"
    meeting.mkdir()
    for name, text in uploads.items():
        (tmp_path / f"{name}.csv").write_text(text, encoding="utf-8")
    procs = {name: subprocess.Popen([sys.executable, "-c", RACE_WORKER, str(meeting), name, other, lock, how,
                                     str(data), str(tmp_path / f"{name}.csv")],
                                    cwd=ROOT, text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
             for name, other in (("one", "two"), ("two", "one"))}
    outputs = {name: p.communicate(timeout=120)[0] for name, p in procs.items()}
    hooked = {p.name for p in meeting.iterdir()}
    assert {"door-one", "door-two", "read-one", "read-two"} <= hooked, (
        f"the save no longer passes store.locked and store.read_data_dir; update RACE_WORKER's hooks: {outputs}")
    return Race(versions={"original": base.encode("utf-8"), **{n: t.encode("utf-8") for n, t in uploads.items()}},
                codes={name: p.returncode for name, p in procs.items()}, outputs=outputs)


def lost_versions(data: Path, versions: dict[str, bytes]) -> list[str]:
    """The versions that are neither the current file nor a backup in the history: gone for good."""
    kept = {(data / "cities.csv").read_bytes()}
    kept |= {(data / store.HISTORY_DIR / e.backup).read_bytes() for e in history(data) if e.backup}
    return sorted(name for name, content in versions.items() if content not in kept)


def test_two_processes_importing_at_once_lose_no_version(data: Path, tmp_path: Path) -> None:
    result = race(data, tmp_path, how="import", lock="real")
    assert result.codes == {"one": 0, "two": 0}, result.outputs
    assert (data / "cities.csv").read_bytes() in (result.versions["one"], result.versions["two"])
    assert len(history(data)) == 2
    assert lost_versions(data, result.versions) == []  # the second save's backup is the first save


def test_two_editors_saving_at_once_the_second_is_told_of_the_conflict(data: Path, tmp_path: Path) -> None:
    result = race(data, tmp_path, how="editor", lock="real")
    assert sorted(result.codes.values()) == [0, 2], result.outputs
    saved, refused = sorted(result.codes, key=result.codes.__getitem__)
    assert result.outputs[refused].strip().splitlines()[-1] == "conflict", result.outputs
    assert (data / "cities.csv").read_bytes() == result.versions[saved]
    assert lost_versions(data, result.versions) == [refused]  # refused and told so: nothing was written


@pytest.mark.parametrize("how", ["import", "editor"])
def test_control_with_a_no_op_lock_a_save_is_lost(data: Path, tmp_path: Path, how: str) -> None:
    """The control of the two tests above: the same race without the lock loses a save, silently."""
    result = race(data, tmp_path, how=how, lock="none")
    assert result.codes == {"one": 0, "two": 0}, result.outputs  # nobody was refused or warned...
    assert len(lost_versions(data, result.versions)) == 1  # ...and one of the two saves is gone for good


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
