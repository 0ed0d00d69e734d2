"""Plotly figures, built without Streamlit, each with what a reader who cannot see it gets instead.

No geo charts: they need a CDN. Every text a figure draws (category labels, legend names, hover
text, tick labels, axis titles) is isolated with FSI … PDI (``mc2cm.bidi``): an Arabic role name
with a Latin acronym, a number or a percentage keeps its own order whichever way the page runs.
Plotly has no accessible name for its SVG (plotly.js#6920), so each chart also comes as a
``Chart``: the figure, one sentence that says what it shows, and a table of the same numbers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape

import pandas as pd
import plotly.graph_objects as go

from mc2cm.bidi import isolate
from mc2cm.i18n import fmt_number, is_rtl, join, label, t, text, tn
from mc2cm.schema import current_package

FONT = "'MC2CM Arabic', system-ui, -apple-system, 'Segoe UI', sans-serif"


@dataclass(frozen=True)
class Chart:
    """A figure, a one-sentence summary of it and the same numbers as a table (translated headers).

    ``legend`` ((label, colour) in order, under ``legend_title``) is drawn by the page as text: Plotly fills
    legend rows left to right whatever the language, so an Arabic legend that wraps would read out of order.
    """

    figure: go.Figure
    summary: str
    table: pd.DataFrame
    legend: tuple[tuple[str, str], ...] = ()
    legend_title: str = ""


def wrap(value: str, width: int = 30) -> str:
    """Break a long label into lines for an axis (plotly does not wrap)."""
    lines: list[str] = []
    for word in value.split():
        if lines and len(lines[-1]) + len(word) < width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


def chart_label(value: str, width: int | None = None) -> str:
    """``value`` as Plotly shows it: escaped (Plotly reads tags), wrapped if ``width``, each line isolated."""
    escaped = escape(value)
    lines = wrap(escaped, width).split("<br>") if width else [escaped]
    return "<br>".join(isolate(line) for line in lines)


def _names(values: Iterable[str], lang: str) -> str:
    """Names inside a sentence: each isolated, joined as the language lists things."""
    return join((isolate(value) for value in values), lang)


def _layout(fig: go.Figure, lang: str, height: int) -> go.Figure:
    rtl = is_rtl(lang)
    fig.update_layout(
        height=height, margin={"l": 10, "r": 10, "t": 50, "b": 10}, font={"family": FONT, "size": 15},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right" if rtl else "left",
                "x": 1 if rtl else 0, "traceorder": "normal"},
        plot_bgcolor="white", paper_bgcolor="white", barmode="relative",
    )
    return fig


def _role_names(balance: pd.DataFrame, roles: pd.DataFrame, lang: str) -> dict[str, str]:
    """Role id → name, in the roles' order; a role the table does not know shows as its id, last."""
    order = roles.sort_values("position")
    names = {str(rid): text(row, "name", lang) for rid, row in order.iterrows()}
    for role_id in balance["role_id"]:
        names.setdefault(str(role_id), str(role_id))
    return names


def _theme_order(balance: pd.DataFrame) -> list[str]:
    themes = current_package().vocabulary("theme")
    present = set(balance["theme"])
    # the schema's order; a theme it does not list still shows, last, rather than vanish
    return [*(code for code in themes.codes if code in present), *sorted(present - set(themes.codes))]


def role_balance_chart(balance: pd.DataFrame, roles: pd.DataFrame, lang: str) -> go.Figure:
    """Diverging bars: strengths to the right, weaknesses to the left (mirrored in Arabic), by theme."""
    names = {rid: chart_label(name, 30) for rid, name in _role_names(balance, roles, lang).items()}
    y_labels = [names[str(r)] for r in roles.sort_values("position").index]
    fig = go.Figure()
    themes = current_package().vocabulary("theme")
    for theme in _theme_order(balance):
        part = balance[balance["theme"] == theme]
        fig.add_bar(
            y=[names[str(r)] for r in part["role_id"]], x=part["signed"], orientation="h",
            name=chart_label(label("theme", theme, lang)), marker_color=themes.colour(theme),
            customdata=[f"{chart_label(label('kind', k, lang))}: {isolate(fmt_number(int(n), lang))}"
                        for k, n in zip(part["kind"], part["count"], strict=True)],
            hovertemplate="%{y}<br>%{customdata}<extra>%{fullData.name}</extra>",
        )
    top = int(balance.groupby(["role_id", "kind"])["count"].sum().max()) if not balance.empty else 1
    ticks = list(range(-top, top + 1))
    fig.update_xaxes(range=[-top - 0.5, top + 0.5], tickvals=ticks,
                     ticktext=[isolate(fmt_number(abs(v), lang)) for v in ticks],
                     zeroline=True, zerolinewidth=2,
                     zerolinecolor="#333", title=isolate(t("roles.count_axis", lang)),
                     autorange="reversed" if is_rtl(lang) else None)
    fig.update_yaxes(categoryorder="array", categoryarray=list(reversed(y_labels)),
                     side="right" if is_rtl(lang) else "left")
    return _layout(fig, lang, 160 + 85 * len(y_labels))


def _bar_counts(balance: pd.DataFrame) -> Counter[tuple[str, str, str]]:
    """(role, theme, kind) → how many: the length of each bar the chart draws."""
    counts: Counter[tuple[str, str, str]] = Counter()
    for role_id, theme, kind, count in zip(balance["role_id"], balance["theme"], balance["kind"], balance["count"],
                                           strict=True):
        counts[(str(role_id), str(theme), str(kind))] += int(count)
    return counts


def _role_totals(balance: pd.DataFrame, roles: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One row per role the chart draws a bar for: name, strengths, weaknesses (in the roles' order)."""
    names = _role_names(balance, roles, lang)
    counts = _bar_counts(balance)
    drawn = {role_id for role_id, _, _ in counts}
    rows = [(name, *(sum(n for (r, _, k), n in counts.items() if r == role_id and k == kind)
                     for kind in ("strength", "weakness")))
            for role_id, name in names.items() if role_id in drawn]
    return pd.DataFrame(rows, columns=["name", "strength", "weakness"])


def role_balance_summary(balance: pd.DataFrame, roles: pd.DataFrame, lang: str) -> str:
    """"5 roles: 7 strengths and 7 weaknesses. Most strengths: … (2). Most weaknesses: … (2).\""""
    totals = _role_totals(balance, roles, lang)
    sentences = [t("chart.roles_summary", lang, roles=tn("chart.roles_count", len(totals), lang),
                   strengths=tn("chart.strengths_count", int(totals["strength"].sum()), lang),
                   weaknesses=tn("chart.weaknesses_count", int(totals["weakness"].sum()), lang))]
    for kind, key in (("strength", "chart.roles_most_strengths"), ("weakness", "chart.roles_most_weaknesses")):
        most = int(totals[kind].max()) if not totals.empty else 0
        if most:
            sentences.append(t(key, lang, roles=_names(totals.loc[totals[kind] == most, "name"], lang), n=most))
    return " ".join(sentences)


def role_balance_table(balance: pd.DataFrame, roles: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The chart's bars as rows: role, theme, strengths, weaknesses (the roles' order, then the themes')."""
    names = _role_names(balance, roles, lang)
    themes = _theme_order(balance)
    counts = _bar_counts(balance)
    drawn = {(role_id, theme) for role_id, theme, _ in counts}
    rows = [(name, label("theme", theme, lang), counts[(role_id, theme, "strength")],
             counts[(role_id, theme, "weakness")])
            for role_id, name in names.items() for theme in themes if (role_id, theme) in drawn]
    return pd.DataFrame(rows, columns=[t("chart.col_role", lang), t("chart.col_theme", lang),
                                       t("roles.strengths", lang), t("roles.weaknesses", lang)])


def role_balance_view(balance: pd.DataFrame, roles: pd.DataFrame, lang: str) -> Chart:
    """The role chart for a page: its legend as text beside it (in the reading order at any width), not in the SVG."""
    figure = role_balance_chart(balance, roles, lang)
    figure.update_layout(showlegend=False, margin={"t": 10})
    figure.update_layout(height=figure.layout.height - 40)
    themes = current_package().vocabulary("theme")
    return Chart(figure, role_balance_summary(balance, roles, lang), role_balance_table(balance, roles, lang),
                 legend=tuple((label("theme", theme, lang), themes.colour(theme)) for theme in _theme_order(balance)),
                 legend_title=t("chart.legend_themes", lang))


def _links(recommendations: pd.DataFrame) -> dict[str, tuple[str, ...]]:
    """Recommendation id → the challenges it answers."""
    return {str(r): tuple(ids) for r, ids in recommendations["challenge_ids"].items()}


def _matrix_rows(challenges: pd.DataFrame, recommendations: pd.DataFrame) -> list[str]:
    """The recommendations that answer at least one of these challenges: the matrix's rows."""
    cols = set(challenges.index)
    return [r for r, ids in _links(recommendations).items() if set(ids) & cols]


def challenge_matrix(challenges: pd.DataFrame, recommendations: pd.DataFrame, lang: str) -> go.Figure:
    """Recommendations (rows) × challenges (columns); a filled cell is a link in the data."""
    def short(value: str, width: int = 38) -> str:
        return value if len(value) <= width else value[: width - 1] + "…"

    cols = list(challenges.index)
    rows = _matrix_rows(challenges, recommendations)
    links = _links(recommendations)
    z = [[1 if c in links[r] else 0 for c in cols] for r in rows]
    x = [chart_label(short(text(challenges.loc[c], "title", lang))) for c in cols]
    y = [chart_label(short(text(recommendations.loc[r], "title", lang))) for r in rows]
    # two lines: the recommendation, then whether it answers the challenge (an empty cell says it does not)
    hover = [[chart_label(text(recommendations.loc[r], "title", lang)) + "<br>"
              + chart_label(t("chart.matrix_link" if linked else "chart.matrix_no_link", lang,
                              challenge=isolate(text(challenges.loc[c], "title", lang))))
              for c, linked in zip(cols, row_z, strict=True)] for r, row_z in zip(rows, z, strict=True)]
    fig = go.Figure(go.Heatmap(
        z=z, x=x, y=y, text=hover, hovertemplate="%{text}<extra></extra>", showscale=False,
        colorscale=[[0, "#f4f4f4"], [1, "#0072B2"]], xgap=2, ygap=2, zmin=0, zmax=1,
    ))
    fig.update_xaxes(tickangle=-40, side="top", autorange="reversed" if is_rtl(lang) else None)
    fig.update_yaxes(autorange="reversed", side="right" if is_rtl(lang) else "left")
    fig.update_layout(height=max(320, 160 + 26 * len(rows)), margin={"l": 10, "r": 10, "t": 150, "b": 10},
                      font={"family": FONT, "size": 12}, plot_bgcolor="white")
    return fig


def _answers(challenges: pd.DataFrame, recommendations: pd.DataFrame) -> dict[str, list[str]]:
    """Challenge id → the ids of the matrix rows that answer it (the filled cells of its column)."""
    links = _links(recommendations)
    rows = _matrix_rows(challenges, recommendations)
    return {str(c): [r for r in rows if c in links[r]] for c in challenges.index}


def challenge_matrix_summary(challenges: pd.DataFrame, recommendations: pd.DataFrame, lang: str) -> str:
    """"13 challenges and 14 recommendations, 30 links between them. Most answered: … (6 recommendations).\""""
    answers = _answers(challenges, recommendations)
    links = sum(len(r) for r in answers.values())
    sentences = [t("chart.matrix_summary", lang, challenges=tn("count.challenges", len(answers), lang),
                   recommendations=tn("count.recommendations", len(_matrix_rows(challenges, recommendations)), lang),
                   links=tn("chart.links_count", links, lang))]
    most = max((len(r) for r in answers.values()), default=0)
    if most:
        titles = [text(challenges.loc[c], "title", lang) for c, r in answers.items() if len(r) == most]
        sentences.append(t("chart.matrix_most", lang, challenges=_names(titles, lang),
                           recommendations=tn("count.recommendations", most, lang)))
    unanswered = sum(1 for r in answers.values() if not r)
    if unanswered:
        sentences.append(tn("chart.matrix_unanswered", unanswered, lang))
    return " ".join(sentences)


def challenge_matrix_table(challenges: pd.DataFrame, recommendations: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The matrix's columns as rows: challenge, how many recommendations answer it, which."""
    answers = _answers(challenges, recommendations)
    rows = [(text(challenges.loc[c], "title", lang), len(r),
             join((text(recommendations.loc[rec], "title", lang) for rec in r), lang)) for c, r in answers.items()]
    return pd.DataFrame(rows, columns=[t("chart.col_challenge", lang), t("chart.col_answers", lang),
                                       t("challenges.answered_by", lang)])


def challenge_matrix_view(challenges: pd.DataFrame, recommendations: pd.DataFrame, lang: str) -> Chart:
    return Chart(challenge_matrix(challenges, recommendations, lang),
                 challenge_matrix_summary(challenges, recommendations, lang),
                 challenge_matrix_table(challenges, recommendations, lang))


def area_bar(counts: dict[str, int], lang: str) -> go.Figure:
    colours = current_package().vocabulary("area")  # one palette for map and charts
    areas = list(counts)
    fig = go.Figure(go.Bar(
        x=[counts[a] for a in areas], y=[chart_label(label("area", a, lang)) for a in areas], orientation="h",
        marker_color=[colours.colour(a) for a in areas], text=[isolate(fmt_number(counts[a], lang)) for a in areas],
        textposition="auto", hovertemplate="%{y}: %{text}<extra></extra>",
    ))
    fig.update_xaxes(visible=False, autorange="reversed" if is_rtl(lang) else None)
    fig.update_yaxes(autorange="reversed", side="right" if is_rtl(lang) else "left")
    return _layout(fig, lang, 200)


def poll_results_chart(options: list[tuple[str, str]], tally: dict[str, int], lang: str) -> go.Figure:
    """A poll's live tally on the projector: one bar per option, in the options' order, big type."""
    labels = [chart_label(name, 36) for _, name in options]
    values = [tally.get(value, 0) for value, _ in options]
    fig = go.Figure(go.Bar(x=values, y=labels, orientation="h", marker_color="#0072B2",
                           text=[isolate(fmt_number(v, lang)) for v in values], textposition="outside",
                           textfont={"size": 34, "color": "#000"}, cliponaxis=False))
    fig.update_yaxes(autorange="reversed", side="right" if is_rtl(lang) else "left",
                     tickfont={"size": 28, "color": "#000"})  # the projector's body size (README, presenting)
    fig.update_xaxes(visible=False, range=[0, max([*values, 1]) * 1.2], autorange="reversed" if is_rtl(lang) else None)
    fig.update_layout(height=110 + 96 * len(labels), margin={"l": 10, "r": 10, "t": 10, "b": 10},
                      font={"family": FONT, "size": 28}, plot_bgcolor="white", paper_bgcolor="white")
    return fig


def poll_results_summary(options: list[tuple[str, str]], tally: dict[str, int], lang: str) -> str:
    """"12 votes in all. Most chosen: … (5 votes).\""""
    values = {value: tally.get(value, 0) for value, _ in options}
    sentences = [t("chart.poll_total", lang, votes=tn("chart.votes_count", sum(values.values()), lang))]
    most = max(values.values(), default=0)
    if most:
        sentences.append(t("chart.poll_most", lang, choices=_names((name for value, name in options
                                                                    if values[value] == most), lang),
                           votes=tn("chart.votes_count", most, lang)))
    return " ".join(sentences)


def poll_results_table(options: list[tuple[str, str]], tally: dict[str, int], lang: str) -> pd.DataFrame:
    return pd.DataFrame([(name, tally.get(value, 0)) for value, name in options],
                        columns=[t("chart.col_option", lang), t("chart.col_votes", lang)])


def poll_results_view(options: list[tuple[str, str]], tally: dict[str, int], lang: str) -> Chart:
    return Chart(poll_results_chart(options, tally, lang), poll_results_summary(options, tally, lang),
                 poll_results_table(options, tally, lang))


def place_areas_view(areas: pd.DataFrame, names: dict[str, str], lang: str) -> Chart:
    """Places side by side (/places?compare=…): a bar per place, in segments per area of work (the schema's
    colours), with its legend as text, one sentence and the same counts as a table.

    ``areas``: area codes (rows) × place ids (columns) → initiatives (:func:`mc2cm.places.compare_areas`).
    An initiative with two areas counts in both, so a bar can be longer than the place's count of initiatives.
    """
    colours = current_package().vocabulary("area")
    places = [chart_label(names[c], 24) for c in areas.columns]
    fig = go.Figure()
    for area, counts in areas.iterrows():
        fig.add_bar(y=places, x=[int(v) for v in counts], orientation="h", name=chart_label(label("area", str(area), lang)),
                    marker_color=colours.colour(str(area)),
                    customdata=[isolate(fmt_number(int(v), lang)) for v in counts],
                    hovertemplate="%{y}<br>%{fullData.name}: %{customdata}<extra></extra>")
    top = int(areas.sum(axis=0).max()) if not areas.empty else 1
    fig.update_xaxes(range=[0, top + 0.5], tickvals=list(range(top + 1)),
                     ticktext=[isolate(fmt_number(v, lang)) for v in range(top + 1)],
                     title=isolate(t("places.compare_axis", lang)), autorange="reversed" if is_rtl(lang) else None)
    fig.update_yaxes(autorange="reversed", side="right" if is_rtl(lang) else "left")
    _layout(fig, lang, 120 + 60 * len(places))
    fig.update_layout(showlegend=False, margin={"t": 10})
    most = {c: str(areas[c].idxmax()) for c in areas.columns if int(areas[c].max())}
    summary = " ".join(t("places.compare_most", lang, place=isolate(names[c]), area=label("area", a, lang))
                       for c, a in most.items())
    table = pd.DataFrame({t("detail.areas", lang): [label("area", str(a), lang) for a in areas.index],
                          **{names[c]: [int(v) for v in areas[c]] for c in areas.columns}})
    return Chart(fig, summary, table,
                 legend=tuple((label("area", str(a), lang), colours.colour(str(a))) for a in areas.index),
                 legend_title=t("detail.areas", lang))
