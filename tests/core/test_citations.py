"""Citations in the reader's language, the original Arabic title beside, every part isolated."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from mc2cm import citations
from mc2cm.bidi import FSI, PDI, strip_isolates
from mc2cm.citations import citation_for, html, plain_text, short_text
from mc2cm.i18n import t
from mc2cm.loading import Dataset, load_dataset

ROOT = Path(__file__).resolve().parents[2]
BRITAL = "brital-syrian-displacement-response"
FILE = "000_038a1b11c4fce8c1.txt"


@pytest.fixture(scope="module")
def data() -> Dataset:
    return load_dataset(ROOT / "data")


def brital(data: Dataset, lang: str) -> citations.Citation:
    return citation_for(data.initiatives.loc[BRITAL], data.sources, lang)


def values_isolated(line: str, values: list[str]) -> list[str]:
    """The values that do not stand in the line as one isolated run (FSI value PDI)."""
    return [value for value in values if f"{FSI}{value}{PDI}" not in line]


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_title_is_in_the_readers_language(data: Dataset, lang: str) -> None:
    source = data.sources.loc["sfax-2019-summary"]
    cited = brital(data, lang)
    assert cited.title == source[f"title_{lang}"]
    assert cited.file == FILE
    assert cited.publisher == source[f"publisher_{lang}"]
    # The summary carries no date of its own: cited as undated, the curator's estimate labelled as such.
    assert cited.date == t("citation.undated_estimate", lang, estimate="2019")
    assert cited.date.startswith(t("citation.undated", lang))


@pytest.mark.parametrize(("lang", "expected"), [("en", "21 September 2018"), ("fr", "21 septembre 2018"),
                                                ("ar", "21 سبتمبر 2018")])
def test_a_dated_document_is_cited_with_its_own_date(data: Dataset, lang: str, expected: str) -> None:
    cited = citation_for({"source_id": "uclg-mewa-adana-2018", "source_locator": "x"}, data.sources, lang)
    assert cited.date == expected


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_an_undated_document_without_an_estimate_is_cited_as_undated(data: Dataset, lang: str) -> None:
    cited = citation_for({"source_id": "red-cross-migration-networks", "source_locator": "x"}, data.sources, lang)
    assert cited.date == t("citation.undated", lang)
    assert (t("citation.date", lang), t("citation.undated", lang)) in cited.parts()


@pytest.mark.parametrize(("value", "lang", "expected"), [
    ("2019", "en", "2019"), ("2019-06", "en", "June 2019"), ("2019-06", "fr", "juin 2019"),
    ("2019-06", "ar", "يونيو 2019"), ("2019-06-25", "en", "25 June 2019"), ("", "en", ""), (None, "en", ""),
    ("about 2019", "en", "about 2019"),
])
def test_an_estimate_is_written_in_the_readers_locale(value: object, lang: str, expected: str) -> None:
    assert citations.estimate_text(value, lang) == expected


def test_control_a_given_date_wins_over_an_estimate() -> None:
    sources = pd.DataFrame([{"id": "s", "date": "2019-06-25", "date_estimate": "2018"},
                            {"id": "u", "date": None, "date_estimate": "2019-06"}]).set_index("id")
    assert citation_for({"source_id": "s"}, sources, "en").date == "25 June 2019"
    assert citation_for({"source_id": "u"}, sources, "en").date == "n.d. (curator's estimate: June 2019)"


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_original_arabic_title_stands_beside_the_translation(data: Dataset, lang: str) -> None:
    cited = brital(data, lang)
    original = str(data.sources.loc["sfax-2019-summary", "title_ar"])
    assert cited.original_title == original
    line = plain_text(cited)
    assert f"{t('citation.original_title', lang)}" in line
    assert line.index(cited.title) < line.index(original)


def test_in_arabic_the_title_is_not_given_twice(data: Dataset) -> None:
    cited = brital(data, "ar")
    assert cited.original_title == ""
    assert plain_text(cited).count(cited.title) == 1


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", 'Annex: "Brital initiative to help displaced Syrians" (مبادرة بريثال لمساعدة النازحين السوريين)'),
    ("fr", "Annexe : « Initiative de Brital pour l'aide aux déplacés syriens » (مبادرة بريثال لمساعدة النازحين السوريين)"),
    ("ar", "الملحق: «مبادرة بريثال لمساعدة النازحين السوريين»"),
])
def test_the_locator_is_in_the_readers_language(data: Dataset, lang: str, expected: str) -> None:
    assert brital(data, lang).locator == expected


def test_a_missing_translation_falls_back_to_the_english_locator(data: Dataset) -> None:
    row = {"source_id": "sfax-2019-summary", "source_locator": "Annex", "source_locator_ar": "",
           "source_locator_fr": "Annexe"}
    assert citation_for(row, data.sources, "ar").locator == "Annex"
    assert citation_for(row, data.sources, "fr").locator == "Annexe"
    assert citation_for({"source_id": "sfax-2019-summary", "source_locator": "Annex"}, data.sources, "ar").locator == "Annex"


def test_an_unknown_source_still_cites_its_id_and_place(data: Dataset) -> None:
    cited = citation_for({"source_id": "lost", "source_locator": "Annex"}, data.sources, "en")
    assert (cited.title, cited.file, cited.locator) == ("lost", "", "Annex")


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_labels_come_from_the_catalog(data: Dataset, lang: str) -> None:
    line = plain_text(brital(data, lang))
    for key in ("citation.document", "citation.file", "citation.locator", "citation.publisher"):
        assert t(key, lang) in line
    assert t("citation.separator", lang) in line


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_every_part_is_isolated_in_plain_text(data: Dataset, lang: str) -> None:
    cited = brital(data, lang)
    values = [value for _, value in cited.parts()]
    assert len(values) >= 5
    assert values_isolated(plain_text(cited), values) == []
    assert values_isolated(short_text(cited), [cited.title, cited.file, cited.locator]) == []
    assert f"({FILE}" not in plain_text(cited)  # «(038a1b11c4fce8c1.txt_000» came from "title (file)"


def test_control_without_isolates_the_check_fails(data: Dataset, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(citations, "isolate", str)
    cited = brital(data, "ar")
    assert FILE in values_isolated(plain_text(cited), [cited.file])
    old = f"{cited.title} ({cited.file}) — {cited.locator}"  # the citation before this module
    assert values_isolated(old, [cited.file]) == [cited.file]


def test_the_whole_line_keeps_the_readers_direction(data: Dataset) -> None:
    assert plain_text(brital(data, "ar")).startswith("\u2067")  # RLI: right to left even inside an LTR block
    assert plain_text(brital(data, "en")).startswith("\u2066")
    assert strip_isolates(plain_text(brital(data, "ar"))).startswith(t("citation.document", "ar"))


def test_html_has_a_bdi_per_part_with_direction(data: Dataset) -> None:
    cited = brital(data, "ar")
    block = html(cited)
    assert block.startswith('<dl class="mc2cm-citation" dir="rtl" lang="ar"')
    assert f'data-part="file"><bdi>{FILE}</bdi>' in block
    assert block.count("<bdi>") == len(cited.parts())
    assert 'dir="ltr"' in html(brital(data, "en"))


HOSTILE = pd.DataFrame([{
    "id": "evil", "file": "<img src=x onerror=alert(1)>.txt", "title_en": '<script>alert("t")</script>',
    "title_fr": "", "title_ar": "ملخص <b>", "publisher_en": "A & B", "date": "2019-06-25",
}]).set_index("id")


def unescaped(block: str) -> list[str]:
    return [tag for tag in ("<script", "<img", "<b>") if tag in block]


def test_html_escapes_every_data_string() -> None:
    block = html(citation_for({"source_id": "evil", "source_locator": "<i>x</i>"}, HOSTILE, "en"))
    assert unescaped(block) == []
    assert "&lt;script&gt;" in block
    assert "A &amp; B" in block
    assert "&lt;i&gt;x&lt;/i&gt;" in block


def test_control_an_unescaped_part_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(citations, "bdi", lambda value: f"<bdi>{value}</bdi>")
    block = html(citation_for({"source_id": "evil", "source_locator": "x"}, HOSTILE, "en"))
    assert unescaped(block) == ["<script", "<img", "<b>"]
