"""The upload on /manage: everything is checked and shown before the save button wakes.

Each guard has a control in the same test: the same page, one thing different, and the button wakes.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Button

from components import editor
from tests.app.test_manage import ROOT, open_manage, sign_in
from tests.app.test_manage import data as data  # noqa: PLC0414 - the staff page's fixture: a data copy and a password
from tests.markdown_safety import EVIL, live_markdown, shown_text

NEW_ROW = ("sfax-test,Sfax test,Test de Sfax,تجربة صفاقس,sfax,city,,,,,municipality,Municipality,Municipalité,البلدية,,"
           ",,,emergency_aid,curator,,,,,,,Test.,Test.,تجربة.,sfax-2019-summary,Annex,,,,\n")


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file's bytes, history included (the empty lock file a save attempt leaves holds no data)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != ".lock"}


def lines(data: Path, table: str) -> list[str]:
    return (data / f"{table}.csv").read_text(encoding="utf-8").splitlines(keepends=True)


def only(data: Path, *ids: str) -> str:
    """The initiatives file with these rows only."""
    header, *rows = lines(data, "initiatives")
    return header + "".join(row for row in rows if row.split(",", 1)[0] in ids)


def ids_on_disk(data: Path) -> list[str]:
    return [row["id"] for row in csv.DictReader(io.StringIO((data / "initiatives.csv").read_text(encoding="utf-8")))]


def upload(at: AppTest, table: str, name: str, content: str | bytes) -> AppTest:
    blob = content.encode("utf-8") if isinstance(content, str) else content
    at.selectbox(key="m_table").set_value(table).run()
    at.file_uploader(key=f"upload_{table}").set_value((name, blob, "text/csv")).run()
    assert not at.exception
    return at


def staff() -> AppTest:
    return sign_in(open_manage())


def save_button(at: AppTest, table: str) -> Button:
    return at.button(key=f"save_upload_{table}")


def tables(at: AppTest) -> list[pd.DataFrame]:
    """Every st.table on the page, its cells as a reader sees them (Markdown escapes resolved)."""
    return [frame.map(lambda cell: shown_text(str(cell))) for frame in (t.value for t in at.table)]


def texts(at: AppTest, kind: str) -> str:
    """The messages of one kind (error, warning, info, success) as a reader sees them."""
    return " ".join(shown_text(str(getattr(e, "value", ""))) for e in at.get(kind))


def test_errors_of_the_whole_dataset_show_before_the_save_and_keep_it_off(data: Path) -> None:
    at = staff()
    before = snapshot(data)  # once the app has run (it keeps a last-good copy under .history/)
    broken = "".join(lines(data, "initiatives")).replace(",brital,city,", ",nowhere,city,")
    at = upload(at, "initiatives", "initiatives.csv", broken)
    assert "1 error to fix before this file can be saved" in texts(at, "error")
    [problems] = tables(at)[-1:]
    assert problems[["file", "row", "column"]].to_numpy().tolist() == [["initiatives.csv", "2", "Cities (city_ids)"]]
    assert "'nowhere' is not an id in cities.csv" in problems["problem"][0]
    assert save_button(at, "initiatives").disabled
    assert snapshot(data) == before
    # Control: the same page with a valid change wakes the button.
    fixed = broken.replace(",nowhere,city,", ",sfax,city,")
    at = upload(at, "initiatives", "initiatives-fixed.csv", fixed)
    assert "stays valid" in texts(at, "success")
    assert not save_button(at, "initiatives").disabled


def test_changed_values_show_in_full_and_as_written(data: Path) -> None:
    long_text = f"A long summary with [a link](http://{EVIL}) and $maths$ " + "word " * 80
    changed = "".join(lines(data, "initiatives")).replace("Emergency response.", f'"{long_text.strip()}"')
    at = upload(staff(), "initiatives", "initiatives.csv", changed)
    assert any("0 added, 1 changed, 0 removed" in s.value for s in at.subheader)
    [cells] = [t for t in tables(at) if "old" in t.columns]
    assert cells.to_numpy().tolist() == [["brital-response", "Summary (English) (summary_en)", "Emergency response.",
                                          long_text.strip()]]
    raw_cells = [str(c) for t in at.table for c in t.value.to_numpy().ravel()]
    assert not [c for c in raw_cells if live_markdown(c)], "a cell reaches Markdown unescaped"
    assert not save_button(at, "initiatives").disabled


def test_rows_a_replacement_deletes_are_listed_and_need_their_own_tick(data: Path) -> None:
    at = staff()
    before = snapshot(data)
    at = upload(at, "initiatives", "initiatives.csv", only(data, "brital-response") + NEW_ROW)
    assert at.radio(key="upload_mode_initiatives").value == "replace"  # not a part of the table: it has a new id
    assert "This save deletes 1 row:" in texts(at, "warning")
    gone = [t for t in tables(at) if "name" in t.columns]
    assert gone[0].to_numpy().tolist() == [["red-cross-network", "A network"]]
    tick = at.checkbox(key="confirm_removals_initiatives")
    assert shown_text(tick.label) == "Yes, delete this row: red-cross-network"
    assert not tick.value
    assert "Not saved until you tick the box" in texts(at, "info")
    assert save_button(at, "initiatives").disabled
    assert snapshot(data) == before
    # Control: ticked, the same file saves, and the row goes.
    tick.check().run()
    assert not save_button(at, "initiatives").disabled
    save_button(at, "initiatives").click().run()
    assert any("Saved Initiatives: 1 added, 0 changed, 1 removed" in s.value for s in at.success)
    assert ids_on_disk(data) == ["brital-response", "sfax-test"]


def test_a_filtered_download_updates_its_rows_and_deletes_nothing(data: Path) -> None:
    part = only(data, "brital-response").replace("Brital response,", "Brital response (edited),")
    at = upload(staff(), "initiatives", "initiatives-filtered-lebanon.csv", part)
    assert "holds 1 of the 2 rows of initiatives.csv" in texts(at, "info")
    assert at.radio(key="upload_mode_initiatives").value == "update"
    assert any("0 added, 1 changed, 0 removed" in s.value for s in at.subheader)
    assert not [c for c in at.checkbox if c.key == "confirm_removals_initiatives"]
    button = save_button(at, "initiatives")
    assert button.label == "Update 1 row of initiatives.csv"
    # Control: as a replacement, the same file would delete a row, and asks first.
    at.radio(key="upload_mode_initiatives").set_value("replace").run()
    assert any("0 added, 1 changed, 1 removed" in s.value for s in at.subheader)
    assert save_button(at, "initiatives").disabled
    at.radio(key="upload_mode_initiatives").set_value("update").run()
    save_button(at, "initiatives").click().run()
    assert any("Saved Initiatives: 0 added, 1 changed, 0 removed" in s.value for s in at.success)
    assert ids_on_disk(data) == ["brital-response", "red-cross-network"]
    assert "Brital response (edited)" in (data / "initiatives.csv").read_text(encoding="utf-8")


def test_a_renamed_filtered_file_is_still_offered_as_an_update(data: Path) -> None:
    at = upload(staff(), "initiatives", "my edits.csv", only(data, "brital-response"))
    assert "looks like a filtered download" in texts(at, "info")
    assert at.radio(key="upload_mode_initiatives").value == "update"


def test_a_file_of_another_table_gets_one_message(data: Path) -> None:
    at = staff()
    before = snapshot(data)
    at = upload(at, "initiatives", "cities.csv", "".join(lines(data, "cities")))
    assert [shown_text(e.value) for e in at.error] == [
        "This looks like cities.csv; choose the Cities and places table, or pick the right file."]
    assert "missing from the header" not in texts(at, "error") + " ".join(str(d.value) for d in at.dataframe)
    assert "save_upload_initiatives" not in [b.key for b in at.button]
    assert snapshot(data) == before


def test_a_helper_column_is_named_and_left_out(data: Path) -> None:
    header, *rows = lines(data, "cities")
    with_notes = header.rstrip("\n") + ",my notes\n" + "".join(r.rstrip("\n") + ",check\n" for r in rows)
    with_notes = with_notes.replace("Brital,Brital,", "Brital (LB),Brital,")
    at = upload(staff(), "cities", "cities.csv", with_notes)
    assert "left out when saving: my notes" in texts(at, "warning")
    assert not save_button(at, "cities").disabled
    save_button(at, "cities").click().run()
    saved = (data / "cities.csv").read_text(encoding="utf-8")
    assert "Brital (LB)" in saved
    assert "my notes" not in saved


def test_latin_where_arabic_was_blocks_the_save(data: Path) -> None:
    latin = "".join(lines(data, "cities")).replace("بريثال", "Brital")
    at = upload(staff(), "cities", "cities.csv", latin)
    [problems] = tables(at)[-1:]
    assert problems[["row", "column"]].to_numpy().tolist() == [["3", "Name (Arabic) (name_ar)"]]
    assert "CSV UTF-8" in problems["problem"][0]
    assert save_button(at, "cities").disabled


def test_the_french_page_says_it_in_french(data: Path) -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params["lang"] = "fr"
    at.switch_page("pages/manage.py")
    at = upload(sign_in(at.run()), "initiatives", "cities.csv", "".join(lines(data, "cities")))
    assert [shown_text(e.value) for e in at.error] == [
        "Ce fichier ressemble à cities.csv ; choisissez la table Villes et lieux, ou choisissez le bon fichier."]


def test_the_data_page_names_a_filtered_download_for_its_filter(data: Path) -> None:
    def initiatives_button(params: dict[str, str]) -> str:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
        for key, value in {"lang": "en", **params}.items():
            at.query_params[key] = value
        at.switch_page("pages/data.py")
        at.run()
        assert not at.exception
        labels = [shown_text(b.proto.label) for b in at.get("download_button")]
        assert len(labels) > 10
        [label] = [name for name in labels if name.startswith("initiatives")]
        return label

    assert initiatives_button({"country": "LB"}) == "initiatives-filtered-lebanon.csv (1)"
    assert initiatives_button({"area": "emergency_aid"}) == "initiatives-filtered-emergency-aid.csv (1)"
    assert initiatives_button({}) == "initiatives.csv (2)"  # control: unfiltered, the table's own name, every row


def test_bad_files_get_a_message_never_a_traceback_and_change_nothing(data: Path) -> None:
    at = staff()
    before = snapshot(data)
    header = lines(data, "initiatives")[0]
    for name, content in [("empty.csv", b""), ("binary.csv", bytes(range(256)) * 4), ("quote.csv", b'id,name\n"open,x\n'),
                          ("header-only.csv", header.encode()), ("blank-header.csv", b",,,\n1,2,3,4\n")]:
        upload(at, "initiatives", name, content)
        assert not at.exception, name
        button = [b for b in at.button if b.key == "save_upload_initiatives"]
        assert not button or button[0].disabled, name
    assert snapshot(data) == before


# --- controls: the same pages with a guard taken out ------------------------------------------------


def test_control_without_the_preview_check_the_button_wakes_on_errors(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(editor, "_check_results", lambda *_: True)
    broken = "".join(lines(data, "initiatives")).replace(",brital,city,", ",nowhere,city,")
    at = upload(staff(), "initiatives", "initiatives.csv", broken)
    assert not save_button(at, "initiatives").disabled  # what the guarded test asserts the opposite of


def test_control_without_the_tick_a_replacement_deletes_in_one_click(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(editor, "_removals_confirmed", lambda *_: True)
    at = upload(staff(), "initiatives", "initiatives.csv", only(data, "brital-response") + NEW_ROW)
    assert not save_button(at, "initiatives").disabled
    save_button(at, "initiatives").click().run()
    assert ids_on_disk(data) == ["brital-response", "sfax-test"]  # red-cross-network gone, nobody asked


def test_an_old_file_with_city_id_is_read_with_a_note(data: Path) -> None:
    """An Excel copy from before city_id became city_ids (issue 15): read, a note says so, nothing is refused."""
    header, *rows = lines(data, "initiatives")
    old = header.replace(",city_ids,", ",city_id,") + "".join(rows).replace("Brital response", "Brital response (renamed)")
    at = upload(staff(), "initiatives", "initiatives-2019.csv", old)
    notes = " ".join(shown_text(c.value) for c in at.caption)
    assert "The column 'city_id' (City) now has the name 'city_ids' (Cities)" in notes
    assert texts(at, "error") == ""
    assert not save_button(at, "initiatives").disabled
    # Control: the file as it is now gets no such note.
    at = upload(staff(), "initiatives", "initiatives.csv", header + "".join(rows).replace("Brital response",
                                                                                          "Brital response (renamed)"))
    assert "now has the name" not in " ".join(shown_text(c.value) for c in at.caption)
