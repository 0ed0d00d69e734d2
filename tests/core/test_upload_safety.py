"""A staff round trip that never loses data: the core of the upload's guards.

- a save that would delete rows is refused unless those rows are confirmed (control: without the guard it deletes);
- a filtered download is named for its filter, recognised on the way back, and merged instead of replacing;
- a file of another table is one message, not thirty (control: without the guard, one per column);
- the preview runs the save's own whole-dataset check, with rows as the uploaded file numbers them;
- a refused upload leaves every file byte for byte as it was.
"""

from __future__ import annotations

import csv
import io
import shutil
import zipfile
from pathlib import Path

import pytest

from mc2cm import store, upload
from mc2cm.__main__ import main
from mc2cm.export import download_name, to_excel_csv, zip_tables
from mc2cm.filters import Selection
from mc2cm.loading import load_dataset
from mc2cm.schema import package_spec
from mc2cm.store import SaveRefused, history, plan_save, read_upload, save_table
from mc2cm.validation import read_table, validate_files

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "minimal"
NEW_INITIATIVE = {"id": "sfax-test", "name_en": "Sfax test", "name_fr": "Test de Sfax", "name_ar": "تجربة صفاقس",
                  "city_ids": "sfax", "scope": "city", "actor_type": "municipality", "lead_en": "Municipality",
                  "lead_fr": "Municipalité", "lead_ar": "البلدية", "areas": "emergency_aid", "areas_basis": "curator",
                  "summary_en": "Test.", "summary_fr": "Test.", "summary_ar": "تجربة.",
                  "source_id": "sfax-2019-summary", "source_locator": "Annex"}


@pytest.fixture
def data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(FIXTURE, target)
    return target


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file's bytes, history included (the empty lock file a save attempt leaves holds no data)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != ".lock"}


def rows_of(data: Path, table: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((data / f"{table}.csv").read_text(encoding="utf-8"))))


def as_csv(rows: list[dict[str, str]], header: list[str]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows({key: row.get(key, "") for key in header} for row in rows)
    return out.getvalue().encode("utf-8")


def initiatives(data: Path, *, keep: tuple[str, ...] = ("brital-response", "red-cross-network"),
                rename: str = "", add: bool = False) -> bytes:
    """The initiatives file with some rows only, brital-response renamed, a new row added."""
    header = package_spec(data).table("initiatives").column_names
    rows = [row for row in rows_of(data, "initiatives") if row["id"] in keep]
    for row in rows:
        if rename and row["id"] == "brital-response":
            row["name_en"] = rename
    if add:
        rows.append(NEW_INITIATIVE)
    return as_csv(rows, header)


def ids_on_disk(data: Path) -> list[str]:
    return [row["id"] for row in rows_of(data, "initiatives")]


# --- removals need a confirmation, in the one save path ------------------------------------------


def test_a_save_that_deletes_rows_is_refused_and_names_them(data: Path) -> None:
    before = snapshot(data)
    with pytest.raises(SaveRefused) as refused:
        save_table(data, "initiatives", initiatives(data, keep=("brital-response",), add=True), who="x")
    assert refused.value.code == "removals"
    assert [(p.file, p.row, p.column, p.code) for p in refused.value.problems] == [
        ("initiatives.csv", 3, "id", "unconfirmed-removal")]
    assert "'red-cross-network' (A network)" in refused.value.problems[0].message
    assert snapshot(data) == before  # nothing written: no file, no backup, no log line


def test_a_confirmation_for_other_rows_does_not_count(data: Path) -> None:
    before = snapshot(data)
    with pytest.raises(SaveRefused, match="would delete 1 row"):
        save_table(data, "initiatives", initiatives(data, keep=("brital-response",)), who="x",
                   allow_removals=["brital-response"])
    assert snapshot(data) == before


def test_confirmed_removals_are_saved(data: Path) -> None:
    save_table(data, "initiatives", initiatives(data, keep=("brital-response",)), who="x",
               allow_removals=["red-cross-network"])
    assert ids_on_disk(data) == ["brital-response"]
    assert history(data)[-1].removed == 1


def test_control_without_the_removal_guard_the_same_save_deletes_the_row(
        data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The control: the refusal above comes from the guard, not from validation."""
    monkeypatch.setattr(store, "unconfirmed_removals", lambda *_: [])
    save_table(data, "initiatives", initiatives(data, keep=("brital-response",)), who="x")
    assert ids_on_disk(data) == ["brital-response"]


def test_restore_may_delete_rows_added_since(data: Path) -> None:
    save_table(data, "initiatives", initiatives(data, add=True), who="x")
    store.restore(data, "initiatives", who="x")
    assert ids_on_disk(data) == ["brital-response", "red-cross-network"]


# --- a filtered download: named, recognised, merged -----------------------------------------------


@pytest.mark.parametrize(("selection", "name"), [
    (Selection(), "initiatives.csv"),
    (Selection(country=("LB",)), "initiatives-filtered-lebanon.csv"),
    (Selection(area=("emergency_aid",)), "initiatives-filtered-emergency-aid.csv"),
    (Selection(area=("emergency_aid",), country=("LB", "TN"), q="Réponse d'urgence"),
     "initiatives-filtered-emergency-aid-lebanon-tunisia-reponse-d-urgence.csv"),
    (Selection(q="<script>../../etc"), "initiatives-filtered-script-etc.csv"),
])
def test_a_filtered_download_is_named_for_its_filters(selection: Selection, name: str) -> None:
    assert download_name("initiatives.csv", selection) == name


def test_a_long_filter_name_is_cut_at_a_word_and_keeps_its_mark() -> None:
    name = download_name("initiatives.csv", Selection(q="word " * 40))
    assert len(name) <= 84
    assert name.startswith("initiatives-filtered-word-")
    assert name.endswith("-word.csv")


def test_the_zip_names_the_filtered_table_too() -> None:
    data = load_dataset(FIXTURE)
    frames = {name: (data[name], data.spec.table(name)) for name in ("cities", "initiatives")}
    blob = zip_tables(frames, {"initiatives": "initiatives-filtered-lebanon.csv"})
    names = zipfile.ZipFile(io.BytesIO(blob)).namelist()
    assert sorted(names) == ["cities.csv", "initiatives-filtered-lebanon.csv"]


@pytest.mark.parametrize(("file_name", "filtered"), [
    ("initiatives-filtered-lebanon.csv", True),
    ("initiatives-filtered-lebanon (1).csv", True),     # a browser's second download
    ("Initiatives-Filtered-Lebanon.CSV", True),
    ("initiatives.csv", False),
    ("cities-filtered-lebanon.csv", False),              # another table's filtered file
    ("my-initiatives-filtered.csv", False),
])
def test_the_upload_knows_a_filtered_name(file_name: str, filtered: bool) -> None:
    assert upload.is_filtered_name(file_name, "initiatives.csv") is filtered


def test_a_renamed_filtered_file_is_known_by_its_ids(data: Path) -> None:
    tspec = package_spec(data).table("initiatives")
    current, _ = read_table(tspec, (data / "initiatives.csv").read_bytes())
    part, _ = store.prepare(tspec, initiatives(data, keep=("brital-response",)))
    whole_and_more, _ = store.prepare(tspec, initiatives(data, add=True))
    other_rows, _ = store.prepare(tspec, initiatives(data, keep=("brital-response",), add=True))
    assert part is not None
    assert whole_and_more is not None
    assert other_rows is not None
    assert upload.looks_filtered("edited.csv", part, current)                 # a strict subset of the ids
    assert not upload.looks_filtered("edited.csv", whole_and_more, current)   # control: every row, and one more
    assert not upload.looks_filtered("edited.csv", other_rows, current)       # control: a new id, so not a part
    assert upload.looks_filtered("initiatives-filtered-lebanon.csv", other_rows, current)  # the name says so


def test_the_exported_filtered_file_comes_back_as_an_update(data: Path) -> None:
    dataset = load_dataset(data)
    tspec = dataset.spec.table("initiatives")
    lebanon = dataset.initiatives.reset_index()
    lebanon = lebanon[lebanon["id"] == "brital-response"]
    exported = to_excel_csv(lebanon, tspec)
    assert exported.startswith(b"\xef\xbb\xbf")  # still Excel's UTF-8 with BOM
    name = download_name(tspec.path, Selection(country=("LB",)))
    new_table, _ = store.prepare(tspec, exported)
    current, _ = read_table(tspec, (data / "initiatives.csv").read_bytes())
    assert new_table is not None
    assert upload.is_filtered_name(name, tspec.path)
    assert upload.missing_ids(current, new_table) == ["red-cross-network"]
    plan = plan_save(data, "initiatives", new_table, current=(data / "initiatives.csv").read_bytes(), update_rows=True)
    assert plan.diff.is_empty  # an untouched round trip changes nothing


def test_merge_replaces_same_ids_adds_new_ones_and_deletes_nothing(data: Path) -> None:
    tspec = package_spec(data).table("initiatives")
    current, _ = read_table(tspec, (data / "initiatives.csv").read_bytes())
    # A file with a blank line: its rows are Excel rows 2 (new), 4 (brital-response).
    update_bytes = initiatives(data, keep=("brital-response",), rename="Brital, renamed", add=True)
    header, brital, new = update_bytes.decode().splitlines()
    update, _ = store.prepare(tspec, f"{header}\n{new}\n\n{brital}\n".encode())
    assert update is not None
    assert current is not None
    merged = upload.merge_rows(current, update)
    assert [r["id"] for r in merged.rows] == ["brital-response", "red-cross-network", "sfax-test"]
    assert merged.rows[0]["name_en"] == "Brital, renamed"
    assert merged.rows[1] == current.rows[1]
    assert merged.row_numbers == [4, 3, 2]  # the file's rows where they came from the file, else the table's
    diff = store.diff_tables(current, merged)
    assert (diff.added, diff.removed, diff.changed) == (["sfax-test"], [], ["brital-response"])
    replaced = store.diff_tables(current, update)
    assert replaced.removed == ["red-cross-network"]  # control: the same file as a replacement deletes


def test_merge_keeps_a_duplicated_id_for_validation_to_report(data: Path) -> None:
    tspec = package_spec(data).table("initiatives")
    current, _ = read_table(tspec, (data / "initiatives.csv").read_bytes())
    text = initiatives(data, keep=("brital-response",)).decode()
    twice = text + text.splitlines()[1] + "\n"
    update, _ = store.prepare(tspec, twice.encode())
    assert update is not None
    merged = upload.merge_rows(current, update)
    assert [r["id"] for r in merged.rows] == ["brital-response", "brital-response", "red-cross-network"]
    plan = plan_save(data, "initiatives", update, current=(data / "initiatives.csv").read_bytes(), update_rows=True)
    assert any(p.code == "primary-key" and p.row == 3 for p in plan.errors), plan.errors


def test_an_update_saves_its_rows_and_keeps_the_others(data: Path) -> None:
    save_table(data, "initiatives", initiatives(data, keep=("brital-response",), rename="Brital, renamed", add=True),
               who="x", update_rows=True)
    rows = rows_of(data, "initiatives")
    assert [r["id"] for r in rows] == ["brital-response", "red-cross-network", "sfax-test"]
    assert rows[0]["name_en"] == "Brital, renamed"
    assert (history(data)[-1].added, history(data)[-1].changed, history(data)[-1].removed) == (1, 1, 0)


# --- a file of another table --------------------------------------------------------------------


def test_a_file_of_another_table_is_one_problem_naming_it(data: Path) -> None:
    spec = package_spec(data)
    cities = (data / "cities.csv").read_bytes()
    found = upload.wrong_table(spec, "initiatives", cities)
    assert found is not None
    assert found.name == "cities"
    table, problems = read_upload(spec, "initiatives", cities)
    assert table is None
    assert [(p.file, p.row, p.code) for p in problems] == [("initiatives.csv", 1, "wrong-table")]
    assert problems[0].message.startswith("This looks like cities.csv, not initiatives.csv: choose the")
    before = snapshot(data)
    with pytest.raises(SaveRefused) as refused:
        save_table(data, "initiatives", cities, who="x")
    assert (refused.value.code, len(refused.value.problems)) == ("wrong-table", 1)
    assert snapshot(data) == before


def test_control_without_the_guard_a_wrong_table_is_a_wall_of_missing_columns(data: Path) -> None:
    tspec = package_spec(data).table("initiatives")
    table, problems = store.prepare(tspec, (data / "cities.csv").read_bytes())
    assert table is None
    assert sum(p.code == "missing-column" for p in problems) >= 20


@pytest.mark.parametrize("change", ["helper column", "one column missing", "column renamed", "not a table"])
def test_the_right_table_with_a_fault_is_not_called_another_table(data: Path, change: str) -> None:
    spec = package_spec(data)
    text = (data / "initiatives.csv").read_text(encoding="utf-8")
    header, *rest = text.splitlines()
    if change == "helper column":
        text = "\n".join([header + ",notes", *(line + ",x" for line in rest)])
    elif change == "one column missing":
        text = "\n".join([header.replace(",curator_note", ""), *(line.rsplit(",", 1)[0] for line in rest)])
    elif change == "column renamed":
        text = "\n".join([header.replace("summary_en", "summary"), *rest])
    else:
        text = "a,b,c\n1,2,3\n"
    assert upload.wrong_table(spec, "initiatives", text.encode()) is None


def test_every_table_is_told_from_every_other(data: Path) -> None:
    spec = package_spec(data)
    checked = 0
    for source in spec.tables:
        content = (data / source.path).read_bytes()
        for chosen in spec.tables:
            found = upload.wrong_table(spec, chosen.name, content)
            assert (found.name if found else chosen.name) == source.name, (source.name, chosen.name)
            checked += 1
    assert checked == len(spec.tables) ** 2 > 100


# --- the preview is the save's own check ----------------------------------------------------------


def test_the_plan_checks_other_tables_and_numbers_rows_as_the_file_does(data: Path) -> None:
    text = initiatives(data).decode().replace(",brital,city,", ",nowhere,city,")
    header, *rest = text.splitlines()
    uploaded = "\n\n".join([header, *rest]) + "\n"   # blank lines: brital-response is Excel row 3
    tspec = package_spec(data).table("initiatives")
    new_table, _ = store.prepare(tspec, uploaded.encode())
    assert new_table is not None
    plan = plan_save(data, "initiatives", new_table, current=(data / "initiatives.csv").read_bytes())
    assert [(p.file, p.row, p.column, p.code) for p in plan.errors] == [
        ("initiatives.csv", 3, "city_ids", "unknown-list-item")]
    with pytest.raises(SaveRefused) as refused:
        save_table(data, "initiatives", uploaded.encode(), who="x")
    assert [(p.row, p.code) for p in refused.value.problems] == [(3, "unknown-list-item")]


def test_the_plan_catches_latin_where_arabic_was(data: Path) -> None:
    text = (data / "cities.csv").read_text(encoding="utf-8").replace("بريثال", "Brital")
    tspec = package_spec(data).table("cities")
    new_table, _ = store.prepare(tspec, text.encode())
    assert new_table is not None
    plan = plan_save(data, "cities", new_table, current=(data / "cities.csv").read_bytes())
    assert [(p.row, p.column, p.code) for p in plan.errors] == [(3, "name_ar", "lost-arabic-latin")]
    # Control: one Latin word alone is not caught without the previous version.
    files = {t.name: (data / t.path).read_bytes() for t in package_spec(data).tables}
    files["cities"] = text.encode()
    _, problems = validate_files(files, package_spec(data))
    assert not [p for p in problems if p.code.startswith("lost-arabic")]


# --- the command line -----------------------------------------------------------------------------


def test_the_import_refuses_removals_and_says_what_to_type(data: Path, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    part = tmp_path / "initiatives-filtered-lebanon.csv"
    part.write_bytes(initiatives(data, keep=("brital-response",), rename="Brital, renamed"))
    before = snapshot(data)
    assert main(["import", "initiatives", str(part), "--data-dir", str(data)]) == 1
    out = capsys.readouterr().out
    assert "red-cross-network" in out
    assert "--update-rows" in out
    assert "--allow-removals" in out
    assert snapshot(data) == before
    assert main(["import", "initiatives", str(part), "--data-dir", str(data), "--update-rows"]) == 0
    assert ids_on_disk(data) == ["brital-response", "red-cross-network"]
    assert rows_of(data, "initiatives")[0]["name_en"] == "Brital, renamed"
    assert main(["import", "initiatives", str(part), "--data-dir", str(data), "--allow-removals"]) == 0
    assert ids_on_disk(data) == ["brital-response"]


def test_the_import_names_the_right_table(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(data)
    assert main(["import", "initiatives", str(data / "cities.csv"), "--data-dir", str(data)]) == 1
    out = capsys.readouterr().out
    assert "This looks like cities.csv" in out
    assert "missing from the header" not in out
    assert snapshot(data) == before
