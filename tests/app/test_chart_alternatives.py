"""Every chart on a page has its summary right under it and its numbers as a table (issue 13, §6).

Pages are found by what they draw: every page whose run shows a Plotly chart is checked, so a new chart
page cannot slip by. Control: a chart shown bare (the alternatives removed) is caught.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import components.charts
from mc2cm.charts import challenge_matrix_view, role_balance_view
from mc2cm.filters import Selection, select_assessments, select_challenges
from mc2cm.i18n import t
from mc2cm.loading import load_dataset
from mc2cm.metrics import role_balance
from tests.app.support import open_page
from tests.markdown_safety import shown_text

ROOT = Path(__file__).resolve().parents[2]
CHART_PAGES = ["pages/cso_roles.py", "pages/challenges.py"]


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MC2CM_DATA_DIR", str(ROOT / "data"))
    monkeypatch.setenv("MC2CM_VOTES_DB", str(tmp_path / "votes.sqlite3"))


def alternatives(at: AppTest) -> list[tuple[str, str, pd.DataFrame | None]]:
    """For each chart of the page, in order: the caption after it, the expander after that, the expander's table.

    ("", "", None) for a chart shown bare.
    """
    found = []
    main = list(at.main.children.values())

    def walk(nodes: list) -> None:  # type: ignore[type-arg]
        for index, node in enumerate(nodes):
            if node.type == "plotly_chart":
                after = nodes[index + 1: index + 3]
                caption = shown_text(after[0].value) if after and after[0].type == "caption" else ""
                expander = after[1] if len(after) > 1 and after[1].type == "expander" else None
                table = None
                if expander is not None:
                    frames = [*expander.table, *expander.dataframe]
                    table = frames[0].value if frames else None
                found.append((caption, expander.label if expander is not None else "", table))
            elif hasattr(node, "children"):
                walk(list(node.children.values()))

    walk(main)
    return found


def expected(page: str, lang: str) -> tuple[str, pd.DataFrame]:
    data = load_dataset(ROOT / "data")
    if page == "pages/cso_roles.py":
        chart = role_balance_view(role_balance(select_assessments(data, Selection())), data.cso_roles, lang)
    else:
        chart = challenge_matrix_view(select_challenges(data, Selection()), data.recommendations, lang)
    return chart.summary, chart.table


def test_the_chart_pages_are_all_the_pages_that_draw_charts(env: None) -> None:
    drawing = [str(page.relative_to(ROOT)) for page in sorted((ROOT / "pages").glob("*.py"))
               if page.stem not in {"manage", "vote"}
               and open_page(str(page.relative_to(ROOT)), {"lang": "en"}).get("plotly_chart")]
    assert sorted(drawing) == sorted(CHART_PAGES)


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("page", CHART_PAGES)
def test_each_chart_has_its_summary_and_table(env: None, page: str, lang: str) -> None:
    at = open_page(page, {"lang": lang})
    assert not at.exception
    summary, table = expected(page, lang)
    [(caption, label, shown)] = alternatives(at)
    assert caption == summary
    assert label == t("chart.as_table", lang)
    assert shown is not None
    if lang == "ar":  # st.table, right to left, indexed by the first column
        shown = shown.reset_index()
    assert list(shown.columns) == list(table.columns)
    assert shown.to_numpy().tolist() == table.to_numpy().tolist()


def test_the_poll_chart_on_the_projector_has_its_summary_and_table(env: None) -> None:
    at = open_page("pages/present.py", {"lang": "ar", "scene": "recommendations"})
    assert not at.exception
    [(caption, label, shown)] = alternatives(at)
    assert caption.startswith("المجموع: لا أصوات")
    assert label == t("chart.as_table", "ar")
    assert shown is not None
    assert list(shown.reset_index().columns) == [t("chart.col_option", "ar"), t("chart.col_votes", "ar")]


def test_the_summary_and_the_figure_change_language_together(env: None) -> None:
    """Cached together: a figure from one language never comes with a summary from another."""
    for lang in ("en", "ar", "en"):
        at = open_page("pages/cso_roles.py", {"lang": lang})
        [(caption, _, _)] = alternatives(at)
        spec = json.loads(at.get("plotly_chart")[0].proto.spec)
        axis_title = spec["layout"]["xaxis"]["title"]["text"]
        assert caption == expected("pages/cso_roles.py", lang)[0]
        assert t("roles.count_axis", lang) in axis_title


def test_control_a_bare_chart_is_caught(env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    def bare(chart, ui, key, config=None) -> None:  # type: ignore[no-untyped-def]
        st.plotly_chart(chart.figure, key=key)

    monkeypatch.setattr(components.charts, "show_chart", bare)
    at = open_page("pages/cso_roles.py", {"lang": "en"})
    assert alternatives(at) == [("", "", None)]
