"""mc2cm.bidi: isolates for plain text, <bdi> for HTML, the first strong direction."""

from __future__ import annotations

import pytest

from mc2cm import bidi
from mc2cm.bidi import FSI, PDI, isolate, join_isolated, strip_isolates, strong_direction
from mc2cm.bidi import bdi as bdi_html


@pytest.mark.parametrize(("value", "direction"), [
    ("مبادرة UCLG-MEWA", "rtl"), ("UCLG-MEWA مشروع", "ltr"), ("2019 – 2020", None), ("(025)", None),
    ("000_038a1b11c4fce8c1.txt", "ltr"), ("", None), ("ﻻ", "rtl"), ("עברית", "rtl"),
])
def test_strong_direction_is_the_first_strong_letter(value: str, direction: str | None) -> None:
    assert strong_direction(value) == direction


def test_isolate_wraps_once_and_leaves_empty_alone() -> None:
    assert isolate("000_a.txt") == f"{FSI}000_a.txt{PDI}"
    assert isolate(isolate("x")) == isolate("x")  # idempotent: no nesting when a part is isolated twice
    assert isolate("") == ""
    assert isolate(None) == ""
    assert isolate(2019) == f"{FSI}2019{PDI}"


def test_join_isolated_skips_empty_parts_and_isolates_every_part() -> None:
    line = join_isolated(["ملخص", "", None, "000_a.txt", "Annex"], " — ")
    assert line == f"{FSI}ملخص{PDI} — {FSI}000_a.txt{PDI} — {FSI}Annex{PDI}"
    assert line.count(FSI) == line.count(PDI) == 3


def test_strip_isolates_gives_back_the_text() -> None:
    line = join_isolated(["ملخص", "000_a.txt"], "؛ ")
    assert strip_isolates(line) == "ملخص؛ 000_a.txt"
    assert strip_isolates("\u2066a\u2069\u2067b\u2069") == "ab"


def test_bdi_escapes_html() -> None:
    assert bdi_html('<script>alert("x")</script> & «ب»') == (
        "<bdi>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; «ب»</bdi>")
    assert bdi_html("") == ""
    assert bdi_html(None) == ""


def test_control_an_unescaping_bdi_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bidi, "escape", lambda text: text)
    assert "<script>" in bidi.bdi("<script>")  # what test_bdi_escapes_html would refuse


def test_isolate_keeps_a_file_name_off_the_bracket() -> None:
    # «(038a1b11c4fce8c1.txt_000»: an unisolated "(" + file name in an Arabic line is the bug.
    title, file = "ملخص النقاشات", "000_038a1b11c4fce8c1.txt"
    assert f"({file}" not in join_isolated([title, file], "؛ ")
    assert f"({file}" in f"{title} ({file})"  # control: the old form has it
