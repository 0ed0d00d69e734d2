"""AppTest over every page, found by glob, in each language and with URL filters."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from mc2cm.i18n import LANGS, t
from tests.app.support import open_page
from tests.markdown_safety import shown_text

ROOT = Path(__file__).resolve().parents[2]
MINIMAL = ROOT / "tests" / "fixtures" / "minimal"
PAGE_FILES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py"))
PUBLIC_PAGES = ["app.py", *PAGE_FILES]
# Pages not listed publicly (sign-in pages) are still covered by the glob above.
TITLE_KEY = {"app.py": "app.title"}



def title_key(page: str) -> str:
    return TITLE_KEY.get(page, f"page.{Path(page).stem}")


def test_pages_are_found() -> None:
    assert len(PAGE_FILES) >= 5, PAGE_FILES


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page", PUBLIC_PAGES)
def test_every_page_runs_in_every_language_on_shipped_data(page: str, lang: str,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MC2CM_DATA_DIR", str(ROOT / "data"))
    at = open_page(page, {"lang": lang})
    assert not at.exception, [e.value for e in at.exception]
    if page in ("app.py", *(p for p in PAGE_FILES if Path(p).stem in {"map", "initiatives", "challenges",
                                                                         "cso_roles", "data"})):
        assert at.title[0].value == t(title_key(page), lang)
    assert qp(at, "lang") == [lang]


@pytest.fixture
def minimal(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MC2CM_DATA_DIR", str(MINIMAL))
    return MINIMAL


def qp(at: AppTest, key: str) -> list[str]:
    value = at.query_params.get(key, [])
    return [value] if isinstance(value, str) else list(value)


def captions(at: AppTest) -> list[str]:
    return [c.value for c in at.caption]


def test_url_filters_fill_the_widgets_and_filter(minimal: Path) -> None:
    at = open_page("pages/map.py", {"lang": "fr", "area": "emergency_aid", "country": "LB"})
    assert at.pills(key="w_area").value == ["emergency_aid"]
    assert at.pills(key="w_country").value == ["LB"]
    assert "1 initiative · Aide d'urgence · Liban" in captions(at)


def test_widget_change_goes_into_the_url(minimal: Path) -> None:
    at = open_page("pages/initiatives.py", {"lang": "en"})
    assert "2 initiatives" in captions(at)
    at.pills(key="w_area").set_value(["emergency_aid"]).run()
    assert qp(at, "area") == ["emergency_aid"]
    assert "1 initiative · Emergency aid" in captions(at)
    at.text_input(key="w_q").set_value("réseau").run()
    assert qp(at, "q") == ["réseau"]


def _popover_labels(at: AppTest) -> list[str]:
    found: list[str] = []

    def walk(node: object) -> None:
        if getattr(node, "type", None) == "popover":
            found.append(node.proto.popover.label)  # type: ignore[attr-defined]
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return found


def test_more_filters_popover_counts_its_filters_and_filters(minimal: Path) -> None:
    at = open_page("pages/map.py", {"lang": "en"})
    assert _popover_labels(at) == ["More filters"]
    roles = at.multiselect(key="w_role").options
    at.multiselect(key="w_role").set_value([roles[0]]).run()  # the option labels as shown
    assert len(qp(at, "role")) == 1
    assert _popover_labels(at) == ["More filters (1)"]
    at.text_input(key="w_q").set_value("réseau").run()
    assert _popover_labels(at) == ["More filters (2)"]
    assert qp(at, "q") == ["réseau"]


def test_the_search_box_is_in_view_on_the_initiatives_page(minimal: Path) -> None:
    at = open_page("pages/initiatives.py", {"lang": "en", "q": "réseau"})
    assert _popover_labels(at) == ["More filters"]  # the search is not counted: it is in view
    assert at.text_input(key="w_q").value == "réseau"


def test_unknown_parameters_get_a_gentle_notice(minimal: Path) -> None:
    at = open_page("pages/initiatives.py", {"lang": "zz", "area": ["bogus"], "utm": "x", "id": "no-such-id"})
    assert not at.exception
    notices = " ".join(shown_text(i.value) for i in at.info)
    assert "area=bogus" in notices
    assert "no-such-id" in notices


def test_language_switch_changes_ui_and_url(minimal: Path) -> None:
    at = open_page("pages/cso_roles.py", {"lang": "en"})
    at.segmented_control(key="w_lang").set_value("ar").run()
    assert at.title[0].value == t("page.cso_roles", "ar")
    assert qp(at, "lang") == ["ar"]


def test_initiative_detail_with_citation(minimal: Path) -> None:
    at = open_page("pages/initiatives.py", {"lang": "en", "id": "brital-response"})
    assert at.title[0].value == "Brital response"
    assert any("000_038a1b11c4fce8c1.txt" in c.value and "Annex" in c.value for c in at.code)
    assert qp(at, "id") == ["brital-response"]


def test_filtered_download_is_offered(minimal: Path) -> None:
    at = open_page("pages/data.py", {"lang": "en", "area": "emergency_aid"})
    assert not at.exception
    assert "1 initiative · Emergency aid" in captions(at)


@pytest.mark.parametrize(("lang", "date"), [("en", "25 June 2019"), ("fr", "25 juin 2019"), ("ar", "يونيو")])
def test_overview_shows_the_workshop_with_local_dates(lang: str, date: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MC2CM_DATA_DIR", str(ROOT / "data"))
    at = open_page("app.py", {"lang": lang})
    body = " ".join(m.value for m in at.markdown)
    assert date in body
    assert any(m.label == t("metric.participants", lang) and m.value == "60" for m in at.metric)
