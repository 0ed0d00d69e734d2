"""The brief of a view (mc2cm/brief.py): what it holds, in the reader's language, escaped, cited."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import jinja2
import pytest

from mc2cm import brief
from mc2cm.bidi import LRI
from mc2cm.filters import Selection, select_challenges, select_initiatives
from mc2cm.loading import Dataset, load_dataset
from mc2cm.mapping import split_parts

ROOT = Path(__file__).resolve().parents[2]
BASE = "http://dash.example:8501/"
TODAY = dt.date(2026, 12, 2)


@pytest.fixture(scope="module")
def data() -> Dataset:
    loaded = load_dataset(ROOT / "data")
    assert len(loaded.initiatives) > 10
    return loaded


@pytest.mark.parametrize("sel", [Selection(), Selection(area=("emergency_aid",)), Selection(country=("MA",)),
                                 Selection(q="Caritas")], ids=repr)
def test_the_brief_holds_the_initiatives_of_the_view(data: Dataset, sel: Selection) -> None:
    context = brief.brief_context(data, sel, "en", BASE, TODAY)
    assert [item["id"] for item in context["initiatives"]] == list(select_initiatives(data, sel)["id"])


def test_a_brief_of_one_initiative_has_it_and_its_related_challenges(data: Dataset) -> None:
    sel = Selection(id="brital-syrian-displacement-response")
    context = brief.brief_context(data, sel, "fr", BASE, TODAY)
    assert [item["id"] for item in context["initiatives"]] == ["brital-syrian-displacement-response"]
    assert context["challenges"]
    assert context["roles"]["detail"]  # its roles' strengths and weaknesses, in full


def test_challenges_follow_the_challenges_page(data: Dataset) -> None:
    sel = Selection(source=("sfax-2019-summary",))
    context = brief.brief_context(data, sel, "en", BASE, TODAY)
    shown = select_challenges(data, sel)
    assert [c["title"] for c in context["challenges"]] == list(shown["title_en"])
    assert all(c["description"] for c in context["challenges"])  # the view is about them: their texts too


def test_every_record_has_a_numbered_footnote_with_document_and_locator(data: Dataset) -> None:
    context = brief.brief_context(data, Selection(area=("emergency_aid",)), "fr", BASE, TODAY)
    notes = {note["number"]: note for note in context["notes"]}
    assert list(notes) == list(range(1, len(notes) + 1))
    referenced = [item["note"] for item in context["initiatives"]] + [c["note"] for c in context["challenges"]] + \
        [r["note"] for r in context["recommendations"]]
    assert set(referenced) <= set(notes)
    documents = {doc["number"] for doc in context["documents"]}
    for note in notes.values():
        assert note["document"] in documents
        assert note["locator"]
        assert note["original"]  # the record's Arabic wording, for a French reader
    brital = notes[context["initiatives"][0]["note"]]
    assert brital["locator"].startswith("Annexe")  # the locator in the reader's language
    assert "مبادرة بريثال" in brital["original"]


def test_a_record_cited_twice_has_one_footnote(data: Dataset) -> None:
    context = brief.brief_context(data, Selection(), "en", BASE, TODAY)
    numbers = [r["note"] for r in context["recommendations"]]
    assert len(numbers) == len(set(numbers))
    refs = [answer["ref"] for c in context["challenges"] for answer in c["answers"]]
    assert len(refs) > len(set(refs))  # recommendations answer several challenges…
    assert {r["ref"] for r in context["recommendations"]} >= set(refs)  # …and are written out once


def test_arabic_brief_is_right_to_left_and_isolates_mixed_parts(data: Dataset) -> None:
    html = brief.render_brief(data, Selection(area=("emergency_aid",)), "ar", BASE, "./", today=TODAY)
    assert '<html lang="ar" dir="rtl">' in html
    assert "مبادرة بريثال لمساعدة النازحين السوريين" in html
    assert f"{LRI}dash.example:8501/brief?" in html  # the link reads left to right inside Arabic
    assert re.search(r'<bdi dir="ltr">[0-9a-f]{3}_[0-9a-f]{16}\.txt</bdi>', html)  # file names isolated


def test_static_map_draws_the_places_of_the_map_page(data: Dataset) -> None:
    sel = Selection(area=("intercultural_dialogue",))
    html = brief.render_brief(data, sel, "en", BASE, "./", today=TODAY)
    drawn = split_parts(data.cities, select_initiatives(data, sel)).markers
    assert html.count("<circle ") == len(drawn) > 0
    assert 'role="img"' in html
    assert f"Map of the view: {len(drawn)} places" in html


@pytest.fixture
def hostile(tmp_path: Path) -> Dataset:
    from tests.conftest import HOSTILE_NAME, make_hostile  # noqa: PLC0415

    loaded = load_dataset(make_hostile(tmp_path / "hostile"))
    assert any(HOSTILE_NAME in str(v) for v in loaded.initiatives["name_en"])
    return loaded


def test_data_strings_are_escaped(hostile: Dataset) -> None:
    html = brief.render_brief(hostile, Selection(), "en", BASE, "./", today=TODAY)
    assert "<script>window.__pwned" not in html
    assert "&lt;script&gt;window.__pwned" in html


def test_control_without_autoescape_the_markup_would_get_through(hostile: Dataset,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    unsafe = jinja2.Environment(loader=brief.TEMPLATES.loader, autoescape=False,  # noqa: S701 - the control
                                undefined=jinja2.StrictUndefined)
    monkeypatch.setattr(brief, "TEMPLATES", unsafe)
    html = brief.render_brief(hostile, Selection(), "en", BASE, "./", today=TODAY)
    assert "<script>window.__pwned" in html


def test_short_urls_have_no_scheme(data: Dataset) -> None:
    context = brief.brief_context(data, Selection(country=("LB",)), "en", BASE, TODAY)
    assert context["initiatives"][0]["link"].startswith("dash.example:8501/initiatives?id=")
