"""The corrections of the audit (issue 15, part 6), each pinned against the Arabic document it rests on.

Each test reads the shipped CSV files and the shipped documents (data/documents/) directly. Where a
check guards a rule that can be broken again by any row (an areas basis that contradicts its note, a
dropped sentence, a date the text does not give), the rule is a small function, tested here on the
data and, as a control, on a row that breaks it.
"""

from __future__ import annotations

import csv
import json
import re
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


@cache
def table(name: str) -> dict[str, dict[str, str]]:
    with (DATA / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
        return {row["id"]: row for row in csv.DictReader(fh)}


@cache
def document(source_id: str) -> str:
    return normalise((DATA / "documents" / table("sources")[source_id]["file"]).read_text(encoding="utf-8"))


def paragraph(source_id: str, start: str) -> str:
    """The document's paragraph (one line of the file) that begins with ``start``."""
    path = DATA / "documents" / table("sources")[source_id]["file"]
    found = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip().startswith(start)]
    assert len(found) == 1, found
    return found[0]


def sentences_missing(summary: str, passage: str) -> list[str]:
    """The sentences of ``passage`` (split at full stops) that ``summary`` does not contain."""
    parts = [normalise(part) for part in passage.split(".") if normalise(part)]
    return [part for part in parts if part not in normalise(summary)]


# --- areas_basis agrees with the curator's note ----------------------------------------------

_SAYS_CURATOR = re.compile(r"Areas(?: basis)?\s*[:=]\s*curator")
_SAYS_DOCUMENT = re.compile(r"Areas basis\s*=\s*document")


def basis_contradictions(rows: dict[str, dict[str, str]]) -> list[str]:
    """Ids whose ``areas_basis`` says otherwise than their ``curator_note``."""
    wrong = []
    for row_id, row in rows.items():
        note, basis = row.get("curator_note", ""), row.get("areas_basis", "")
        if (_SAYS_CURATOR.search(note) and basis != "curator") or (_SAYS_DOCUMENT.search(note) and basis != "document"):
            wrong.append(row_id)
    return wrong


def test_tajoura_areas_are_the_curators_judgement() -> None:
    row = table("initiatives")["tajoura-ayadi-al-khair-rights-education"]
    assert row["areas_basis"] == "curator"
    assert _SAYS_CURATOR.search(row["curator_note"])


def test_every_areas_basis_agrees_with_its_note() -> None:
    assert basis_contradictions(table("initiatives")) == []


def test_control_a_note_that_says_curator_with_basis_document_is_caught() -> None:
    rows = {"x": {"curator_note": "Areas basis = curator: my reading.", "areas_basis": "document"},
            "y": {"curator_note": "Areas: curator (closest area).", "areas_basis": "curator"},
            "z": {"curator_note": "Areas basis = document: the summary says so.", "areas_basis": "curator"}}
    assert basis_contradictions(rows) == ["x", "z"]


# --- Brital: the whole annex paragraph, in all three languages --------------------------------

BRITAL = "brital-syrian-displacement-response"


def test_brital_keeps_every_sentence_of_its_annex_paragraph() -> None:
    row = table("initiatives")[BRITAL]
    passage = paragraph("sfax-2019-summary", "مقارنة بمدن أخرى")
    assert sentences_missing(row["summary_ar"], passage) == []
    assert normalise(row["summary_ar"]) in document("sfax-2019-summary")


def test_control_a_dropped_sentence_is_caught() -> None:
    passage = paragraph("sfax-2019-summary", "مقارنة بمدن أخرى")
    dropped = "وقد لعبت المدينة دوراً مهماً في تحديد الإحتياجات والشركاء المحتملين لمعالجتها."
    assert sentences_missing(passage.replace(dropped, ""), passage) == [dropped.rstrip(".")]


@pytest.mark.parametrize(("lang", "phrases"), [
    ("en", ["host these newcomers and mitigate the impact on its residents",
            "identifying the needs and the potential partners to address them", "could deteriorate quickly"]),
    ("fr", ["accueillir ces nouveaux arrivants et atténuer l'impact sur sa population",
            "l'identification des besoins et des partenaires susceptibles d'y répondre", "dégradation rapide"]),
])
def test_brital_translations_render_the_restored_sentences(lang: str, phrases: list[str]) -> None:
    summary = table("initiatives")[BRITAL][f"summary_{lang}"]
    assert [phrase for phrase in phrases if phrase not in summary] == []


# --- dropped clauses and sentences ----------------------------------------------------------

@pytest.mark.parametrize(("tbl", "row_id", "arabic", "english", "french"), [
    ("initiatives", "paris-ngo-daily-camp-visits", "ووجبات وملابس مجانية",
     "medical assistance and free meals and clothing", "des repas et des vêtements gratuits"),
    ("initiatives", "nador-africa-intercultural-fair", "وكما ذكر في هذه الورشة",
     "As mentioned at this workshop", "Comme indiqué lors de cet atelier"),
    ("events", "asticude-nador-regional-consultation", "بما يعزز من أثر التدخلات على أرض الواقع",
     "thereby strengthening the impact of interventions on the ground",
     "renforçant ainsi l'impact des interventions sur le terrain"),
    ("initiatives", "americas-caribbean-migration-working-group",
     "كما يجري تبادل البيانات والمعلومات عن التغييرات التنظيمية التي قد تكون مفيدة للجمعيات الشريكة.",
     "Data and information on regulatory changes that may be useful to partner societies are also exchanged.",
     "Des données et des informations sur les changements réglementaires"),
    ("frameworks", "new-urban-agenda", "كما تمّ التشاور بشكل واسع مع القواعد الشعبية، لا سيّما المنظمات الشبابية",
     "the grassroots, especially youth organisations, were widely consulted",
     "la base, en particulier les organisations de jeunesse, a été largement consultée"),
])
def test_the_clause_is_in_all_three_languages(tbl: str, row_id: str, arabic: str, english: str, french: str) -> None:
    row = table(tbl)[row_id]
    assert normalise(arabic) in document(row["source_id"])  # the clause is the document's
    assert arabic in row["summary_ar"]
    assert english in row["summary_en"]
    assert french in row["summary_fr"]


def test_paris_english_no_longer_frees_only_the_clothing() -> None:
    assert "meals and free clothing" not in table("initiatives")["paris-ngo-daily-camp-visits"]["summary_en"]


def participation_sentences_about_governance(summary: str) -> list[str]:
    """Sentences that tie the conference's participation to its affirmation of multilevel governance."""
    return [s for s in re.split(r"(?<=[.;])\s+", summary) if "participation" in s and "multi" in s]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_new_urban_agenda_participation_is_said_of_the_conference(lang: str) -> None:
    summary = table("frameworks")["new-urban-agenda"][f"summary_{lang}"]
    assert participation_sentences_about_governance(summary) == []
    assert ("The conference saw notable participation" if lang == "en" else "La conférence a connu une participation") in summary


def test_control_the_misattached_participation_clause_is_caught() -> None:
    old = ("Habitat III also affirmed UN member states' commitment to effective multilevel governance, "
           "with notable participation of civil society and local actors.")
    assert participation_sentences_about_governance(old) == [old]


# --- Adana: the City Council is the Assembly's setting, not a partner -------------------------

def test_adana_city_council_is_not_a_partner_and_the_note_says_why() -> None:
    row = table("initiatives")["adana-migrants-refugees-assembly-project"]
    assert "City Council" not in row["partners_en"]
    assert "Conseil de la ville" not in row["partners_fr"]
    assert "مجلس مدينة" not in row["partners_ar"]
    assert len({len(row[f"partners_{lang}"].split("|")) for lang in ("en", "fr", "ar")}) == 1
    assert row["lead_en"] == "UCLG-MEWA|Adana Metropolitan Municipality"
    assert "Adana City Council is not a partner" in row["curator_note"]
    assert "التي أنشئت في إطار مجلس مدينة أضنة" in document("uclg-mewa-adana-2018")
    assert "مشروع مشترك بين UCLG-MEWA وبلدية أضنة الكبرى" in document("uclg-mewa-adana-2018")


# --- dates: only where the text gives one; the estimate apart, labelled -----------------------

_UNDATED = re.compile(r"\b(undated|no date|no publication date|carries no date)\b", re.IGNORECASE)
_ESTIMATE = re.compile(r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?")


def date_problems(rows: dict[str, dict[str, str]]) -> list[str]:
    """Sources with a date although their note says the text has none, or with both a date and an estimate."""
    wrong = []
    for row_id, row in rows.items():
        date, estimate = row.get("date", ""), row.get("date_estimate", "")
        if (date and _UNDATED.search(row.get("curator_note", ""))) or (date and estimate):
            wrong.append(row_id)
        if estimate and not _ESTIMATE.fullmatch(estimate):
            wrong.append(row_id)
    return wrong


def test_only_the_dated_document_has_a_date() -> None:
    sources = table("sources")
    assert {row_id: row["date"] for row_id, row in sources.items() if row["date"]} == {"uclg-mewa-adana-2018": "2018-09-21"}
    assert "September 21, 2018" in document("uclg-mewa-adana-2018")
    assert date_problems(sources) == []


def test_the_estimates_are_apart_and_explained() -> None:
    sources = table("sources")
    assert {row_id: row["date_estimate"] for row_id, row in sources.items() if row["date_estimate"]} == {
        "sfax-2019-summary": "2019", "sfax-2019-background-paper": "2019"}
    for row_id in ("sfax-2019-summary", "sfax-2019-background-paper"):
        assert "date_estimate 2019 is the curator's estimate" in sources[row_id]["curator_note"]
    assert "ومن المقرر عقده يومي 25 و26 حزيران/يونيو" in document("sfax-2019-background-paper")


def test_control_a_date_the_text_does_not_give_is_caught() -> None:
    rows = {"a": {"date": "2019-06-25", "date_estimate": "", "curator_note": "The document is undated."},
            "b": {"date": "2019-06-25", "date_estimate": "2019", "curator_note": ""},
            "c": {"date": "", "date_estimate": "June 2019", "curator_note": "undated"},
            "d": {"date": "", "date_estimate": "2019-06", "curator_note": "undated"}}
    assert date_problems(rows) == ["a", "b", "c"]


def test_the_schema_labels_the_estimate_as_the_curators() -> None:
    package = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
    fields = next(r for r in package["resources"] if r["name"] == "sources")["schema"]["fields"]
    names = [f["name"] for f in fields]
    assert names.index("date_estimate") == names.index("date") + 1
    estimate = fields[names.index("date_estimate")]
    assert estimate["title"] == "Date (curator's estimate)"
    assert "curator" in estimate["description"]
    assert estimate["type"] == "string"


# --- organisers: what the documents say ---------------------------------------------------

def test_the_workshop_organisers_are_what_the_documents_say() -> None:
    row = table("events")["sfax-2019-peer-learning-workshop"]
    for lang in ("en", "fr", "ar"):
        assert "ICMPD" not in row[f"organisers_{lang}"]
        assert "UCLG" not in row[f"organisers_{lang}"]
        assert "MC2CM" in row[f"organisers_{lang}"]
    assert "ضمن مشروع الهجرة بين المدن المتوسطة (MC2CM)" in row["organisers_ar"]
    assert "تحت رعاية بلدية صفاقس" in row["organisers_ar"]
    assert "ضمن مشروع الهجرة بين المدن المتوسطة (MC2CM) التي عُقدت تحت رعاية بلدية صفاقس" in document("sfax-2019-summary")
    assert "UN-Habitat's associate expert chaired the closing session" in row["curator_note"]
    chair = table("officials")["jesus-salcedo-session-chair"]
    assert "chaired the closing session" in chair["role_en"]
    assert "الجلسة الختامية التي ترأسها السيد خيسوس سالسيدو" in document("sfax-2019-summary")


# --- "Americas", not "American" -----------------------------------------------------------

_AMERICAN = re.compile(r"\bAmerican migration\b|\bmigratoire américain|\bmigrations américain", re.IGNORECASE)


def american_cells(rows: dict[str, dict[str, str]]) -> list[tuple[str, str]]:
    return [(row_id, column) for row_id, row in rows.items() for column, value in row.items()
            if isinstance(value, str) and _AMERICAN.search(value)]


@pytest.mark.parametrize("name", [p.stem for p in sorted(DATA.glob("*.csv"))])
def test_the_americas_network_is_not_called_american(name: str) -> None:
    assert american_cells(table(name)) == []


def test_control_american_is_caught() -> None:
    rows = {"r": {"text_en": "the American migration network learned", "text_fr": "le réseau migratoire américain"}}
    assert american_cells(rows) == [("r", "text_en"), ("r", "text_fr")]
