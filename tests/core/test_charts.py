"""Charts (issue 13): every text a figure draws is bidi-isolated, and each chart comes with a summary and a
table of the very numbers it draws.

Controls: a figure built with ``isolate`` switched off is caught, and a table one count away from its figure
is caught.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import pytest

import mc2cm.charts
from mc2cm.bidi import FSI, PDI, strip_isolates
from mc2cm.charts import (
    Chart,
    area_bar,
    challenge_matrix_view,
    poll_results_view,
    role_balance_view,
)
from mc2cm.loading import load_dataset
from mc2cm.metrics import initiatives_by_area, role_balance
from mc2cm.scenes import poll_options

# Two roles, an Arabic name with a Latin acronym among them: the mixed case the isolates are for.
ROLES = pd.DataFrame(
    {"position": [2, 1],
     "name_en": ["Monitoring the authorities (M&E)", "Raising awareness of migrants' rights"],
     "name_fr": ["Surveiller les autorités (S&E)", "Sensibiliser aux droits des migrants"],
     "name_ar": ["رصد السلطات (M&E)", "نشر التوعية بشأن حقوق المهاجرين"]},
    index=pd.Index(["monitoring", "awareness"], name="id"),
)
ASSESSMENTS = pd.DataFrame(
    [("awareness", "strength", "information"), ("awareness", "weakness", "capacity"),
     ("awareness", "weakness", "impact"), ("monitoring", "strength", "independence"),
     ("monitoring", "strength", "information"), ("monitoring", "weakness", "capacity")],
    columns=["role_id", "kind", "theme"],
)
CHALLENGES = pd.DataFrame(
    {"title_en": ["Lack of data", "Inadequate legal frameworks", "Funding"],
     "title_fr": ["Manque de données", "Insuffisance des cadres juridiques", "Financement"],
     "title_ar": ["نقص البيانات", "عدم كفاية الأطر القانونية (2019)", "التمويل"]},
    index=pd.Index(["data", "legal", "funding"], name="id"),
)
RECOMMENDATIONS = pd.DataFrame(
    {"title_en": ["Legal framework", "Share data", "Not about these"],
     "title_fr": ["Cadre juridique", "Partager les données", "Hors sujet"],
     "title_ar": ["الإطار القانوني", "تبادل البيانات مع CSO", "خارج الموضوع"],
     "challenge_ids": [("legal", "data"), ("data",), ("elsewhere",)]},
    index=pd.Index(["rec-legal", "rec-data", "rec-other"], name="id"),
)
OPTIONS = [("a", "Option A"), ("b", "خيار ب (CSO)"), ("c", "خيار ج")]
TALLY = {"a": 3, "b": 5}


def views(lang: str) -> dict[str, Chart]:
    return {
        "roles": role_balance_view(role_balance(ASSESSMENTS), ROLES, lang),
        "matrix": challenge_matrix_view(CHALLENGES, RECOMMENDATIONS, lang),
        "poll": poll_results_view(OPTIONS, TALLY, lang),
    }


def figure_texts(fig: go.Figure) -> Iterator[str]:
    """Every string the figure can draw: categories, names, bar and hover texts, ticks, titles, annotations."""
    def strings(value: Any) -> Iterator[str]:
        if isinstance(value, str):
            yield value
        elif isinstance(value, list | tuple):
            for item in value:
                yield from strings(item)

    spec = fig.to_plotly_json()
    for trace in spec["data"]:
        for key in ("x", "y", "name", "text", "customdata", "labels"):
            yield from strings(trace.get(key))
    layout = spec["layout"]
    for key, axis in layout.items():
        if key.startswith(("xaxis", "yaxis")):
            yield from strings(axis.get("ticktext"))
            yield from strings(axis.get("categoryarray"))
            yield from strings((axis.get("title") or {}).get("text"))
    yield from strings((layout.get("title") or {}).get("text"))
    yield from strings(((layout.get("legend") or {}).get("title") or {}).get("text"))
    yield from (a["text"] for a in layout.get("annotations", []) if a.get("text"))


def unisolated(fig: go.Figure) -> list[str]:
    """The drawn lines (a label's lines are split at <br>) not wrapped in FSI … PDI."""
    lines = [line for value in figure_texts(fig) for line in value.split("<br>")]
    assert lines, "the figure draws no text at all"
    return [line for line in lines if not (line.startswith(FSI) and line.endswith(PDI))]


def arabic(value: str) -> bool:
    return any("\u0600" <= char <= "\u06ff" for char in value)


@pytest.mark.parametrize("name", ["roles", "matrix", "poll"])
def test_every_text_of_an_arabic_chart_is_isolated(name: str) -> None:
    fig = views("ar")[name].figure
    assert any(arabic(value) for value in figure_texts(fig))
    assert unisolated(fig) == []


def test_every_text_of_the_arabic_area_bar_is_isolated() -> None:
    data = load_dataset()
    assert len(data.initiatives) > 0
    fig = area_bar(initiatives_by_area(data.initiatives), "ar")
    assert any(arabic(value) for value in figure_texts(fig))
    assert unisolated(fig) == []


def test_the_shipped_data_charts_are_isolated_in_every_language() -> None:
    data = load_dataset()
    assert len(data.role_assessments) > 0
    assert len(data.challenges) > 0
    for lang in ("en", "fr", "ar"):
        figures = [role_balance_view(role_balance(data.role_assessments), data.cso_roles, lang).figure,
                   challenge_matrix_view(data.challenges, data.recommendations, lang).figure]
        assert [unisolated(fig) for fig in figures] == [[], []], lang


def test_control_a_chart_built_without_isolates_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mc2cm.charts, "isolate", str)  # the guard removed from the builders
    caught = {name: unisolated(chart.figure) for name, chart in views("ar").items()}
    assert all(caught.values()), caught
    assert "رصد السلطات (M&amp;E)" in caught["roles"]


def test_control_one_raw_label_is_caught() -> None:
    fig = views("ar")["roles"].figure
    fig.data[0].name = "المعلومات (CSO)"
    assert unisolated(fig) == ["المعلومات (CSO)"]


def test_arabic_charts_run_right_to_left() -> None:
    for lang, rtl in (("en", False), ("ar", True)):
        charts = views(lang)
        roles, matrix, poll = (charts[name].figure.layout for name in ("roles", "matrix", "poll"))
        assert (roles.xaxis.autorange == "reversed") is rtl  # strengths on the reader's forward side
        assert {roles.yaxis.side, matrix.yaxis.side, poll.yaxis.side} == {"right" if rtl else "left"}
        assert (matrix.xaxis.autorange == "reversed") is rtl  # the first challenge where reading starts
        assert roles.legend.xanchor == ("right" if rtl else "left")



def test_the_role_legend_is_text_in_the_traces_order_with_their_colours() -> None:
    """Plotly would fill an Arabic legend's rows left to right; the page draws it as text that wraps right to left."""
    chart = views("ar")["roles"]
    assert chart.figure.layout.showlegend is False
    assert [name for name, _ in chart.legend] == [plain(trace.name) for trace in chart.figure.data]
    assert [name for name, _ in chart.legend] == ["المعلومات", "الاستقلالية", "القدرات", "الأثر"]  # schema order
    assert [colour for _, colour in chart.legend] == [trace.marker.color for trace in chart.figure.data]
    assert chart.legend_title == "المواضيع"


def test_numbers_on_an_arabic_chart_are_written_by_the_locale() -> None:
    fig = views("ar")["roles"].figure
    assert [strip_isolates(v) for v in fig.layout.xaxis.ticktext] == ["2", "1", "0", "1", "2"]
    assert fig.layout.xaxis.tickvals == (-2, -1, 0, 1, 2)


# --- the table alternative holds the numbers the figure draws ------------------------------------------------

def plain(label: str) -> str:
    return html.unescape(strip_isolates(label).replace("<br>", " "))


def role_bars(fig: go.Figure) -> dict[tuple[str, str, str], int]:
    """(role, theme, kind) → bar length, read from the figure's traces."""
    bars = {}
    for trace in fig.data:
        for y, x in zip(trace.y, trace.x, strict=True):
            bars[(plain(y), plain(trace.name), "strength" if x > 0 else "weakness")] = abs(int(x))
    return bars


def role_rows(table: pd.DataFrame) -> dict[tuple[str, str, str], int]:
    role, theme, strengths, weaknesses = table.columns
    rows = {}
    for _, row in table.iterrows():
        for kind, column in (("strength", strengths), ("weakness", weaknesses)):
            if row[column]:
                rows[(row[role], row[theme], kind)] = int(row[column])
    return rows


def test_the_role_table_holds_the_bars_of_the_figure() -> None:
    for lang in ("en", "fr", "ar"):
        chart = views(lang)["roles"]
        assert role_bars(chart.figure)
        assert role_rows(chart.table) == role_bars(chart.figure), lang
    data = load_dataset()
    chart = role_balance_view(role_balance(data.role_assessments), data.cso_roles, "ar")
    assert len(chart.table) > 0
    assert role_rows(chart.table) == role_bars(chart.figure)
    strengths = sum(x for trace in chart.figure.data for x in trace.x if x > 0)
    assert chart.table[chart.table.columns[2]].sum() == strengths


def test_control_a_role_table_one_count_off_is_caught() -> None:
    chart = views("en")["roles"]
    table = chart.table.copy()
    table.iloc[0, 3] += 1
    assert role_rows(table) != role_bars(chart.figure)


def test_the_matrix_table_counts_the_filled_cells_of_each_column() -> None:
    for lang in ("en", "ar"):
        chart = views(lang)["matrix"]
        heatmap = chart.figure.data[0]
        column_sums = [sum(row[i] for row in heatmap.z) for i in range(len(heatmap.x))]
        assert [plain(x) for x in heatmap.x] == list(chart.table[chart.table.columns[0]])
        assert list(chart.table[chart.table.columns[1]]) == column_sums == [2, 1, 0]
    assert list(views("en")["matrix"].table.iloc[:, 2]) == ["Legal framework and Share data", "Legal framework", ""]


def test_control_a_matrix_table_one_link_off_is_caught() -> None:
    fewer = RECOMMENDATIONS.copy()
    fewer.at["rec-data", "challenge_ids"] = ()
    table = challenge_matrix_view(CHALLENGES, fewer, "en").table
    heatmap = views("en")["matrix"].figure.data[0]
    assert list(table.iloc[:, 1]) != [sum(row[i] for row in heatmap.z) for i in range(len(heatmap.x))]


def test_the_poll_table_holds_the_bars_of_the_figure() -> None:
    chart = views("ar")["poll"]
    bars = chart.figure.data[0]
    assert [plain(y) for y in bars.y] == list(chart.table.iloc[:, 0])
    assert list(bars.x) == list(chart.table.iloc[:, 1]) == [3, 5, 0]
    assert list(chart.table.columns) == ["الخيار", "الأصوات"]


def test_the_poll_chart_reads_the_shipped_polls() -> None:
    data = load_dataset()
    polls = data["polls"]
    assert len(polls) > 0
    for lang in ("en", "ar"):
        options = list(poll_options(data, str(polls.iloc[0]["options"]), lang))
        assert options
        chart = poll_results_view(options, {options[0][0]: 2}, lang)
        assert list(chart.table.iloc[:, 1]) == [2] + [0] * (len(options) - 1)
        assert unisolated(chart.figure) == []


# --- the summary says, in the reader's language, what the figure draws -----------------------------------------

def test_the_role_summary_in_three_languages() -> None:
    summaries = {lang: strip_isolates(views(lang)["roles"].summary) for lang in ("en", "fr", "ar")}
    assert summaries["en"] == ("2 roles: 3 strengths and 3 weaknesses. "
                               "Most strengths: Monitoring the authorities (M&E) (2). "
                               "Most weaknesses: Raising awareness of migrants' rights (2).")
    assert summaries["fr"] == ("2 rôles : 3 forces et 3 faiblesses. "
                               "Le plus de forces : Surveiller les autorités (S&E) (2). "
                               "Le plus de faiblesses : Sensibiliser aux droits des migrants (2).")
    assert summaries["ar"] == ("دوران: 3 نقاط قوة و3 نقاط ضعف. "
                               "أكبر عدد من نقاط القوة: رصد السلطات (M&E) (2). "
                               "أكبر عدد من نقاط الضعف: نشر التوعية بشأن حقوق المهاجرين (2).")


def test_the_summary_isolates_each_name_and_lists_ties() -> None:
    tied = ASSESSMENTS[ASSESSMENTS["theme"] != "independence"]
    summary = role_balance_view(role_balance(tied), ROLES, "en").summary
    assert "2 roles: 2 strengths and 3 weaknesses." in summary
    # ties listed in the roles' order, each name isolated
    assert (f"Most strengths: {FSI}Raising awareness of migrants' rights{PDI} and "
            f"{FSI}Monitoring the authorities (M&E){PDI} (1).") in summary


def test_the_summary_counts_arabic_plurals() -> None:
    one = role_balance_view(role_balance(ASSESSMENTS.iloc[:1]), ROLES, "ar").summary
    assert one.startswith("دور واحد: نقطة قوة واحدة ولا نقاط ضعف.")
    assert "نقاط الضعف" not in one  # no "most weaknesses" sentence when there are none
    many = pd.DataFrame([("awareness", "weakness", "capacity")] * 11, columns=["role_id", "kind", "theme"])
    assert "11 نقطة ضعف" in role_balance_view(role_balance(many), ROLES, "ar").summary


def test_the_matrix_and_poll_summaries() -> None:
    assert strip_isolates(views("en")["matrix"].summary) == (
        "3 challenges and 2 recommendations, with 3 links between them. "
        "Most answered: Lack of data (2 recommendations). 1 challenge has no recommendation in the data.")
    assert strip_isolates(views("ar")["matrix"].summary) == (
        "3 تحديات وتوصيتان، تربط بينها 3 روابط. "
        "أكبر عدد من التوصيات: نقص البيانات (توصيتان). تحدٍّ واحد بلا توصية في البيانات.")
    assert strip_isolates(views("en")["poll"].summary) == "8 votes in all. Most chosen: خيار ب (CSO) (5 votes)."
    assert strip_isolates(poll_results_view(OPTIONS, {}, "ar").summary) == "المجموع: لا أصوات."


def test_empty_data_gives_an_empty_chart_not_an_error() -> None:
    chart = role_balance_view(role_balance(ASSESSMENTS.iloc[:0]), ROLES, "ar")
    assert chart.table.empty
    assert strip_isolates(chart.summary) == "لا توجد أدوار: لا نقاط قوة ولا نقاط ضعف."
