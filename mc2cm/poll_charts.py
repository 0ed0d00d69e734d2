"""Charts of a ranking or a rating for the projector, each with a sentence and a table (``Chart``).

* ranking: one bar per option, its Borda score, best at the top; the bar's text gives the mean rank;
* rating: one bar per option, its mean score on the poll's scale, with n; the table adds how many gave each score.

Big type for the back of the room, as ``mc2cm.charts.poll_results_chart``; every drawn text isolated.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from mc2cm.bidi import isolate
from mc2cm.charts import FONT, Chart, chart_label
from mc2cm.i18n import fmt_number, is_rtl, t, tn
from mc2cm.tallies import RankResult, RatingResult


def _decimal(value: float | None, lang: str) -> str:
    return "–" if value is None else fmt_number(round(value, 1), lang)


def _bars(labels: list[str], values: list[float], texts: list[str], lang: str, top: float) -> go.Figure:
    fig = go.Figure(go.Bar(x=values, y=labels, orientation="h", marker_color="#0072B2", text=texts,
                           textposition="outside", textfont={"size": 28, "color": "#000"}, cliponaxis=False,
                           hoverinfo="skip"))
    fig.update_yaxes(autorange="reversed", side="right" if is_rtl(lang) else "left",
                     tickfont={"size": 28, "color": "#000"})  # nothing on the projector under 28 px
    fig.update_xaxes(visible=False, range=[0, top * 1.45], autorange="reversed" if is_rtl(lang) else None)
    fig.update_layout(height=110 + 96 * len(labels), margin={"l": 10, "r": 10, "t": 10, "b": 10},
                      font={"family": FONT, "size": 28}, plot_bgcolor="white", paper_bgcolor="white")
    return fig


def ranking_view(results: list[RankResult], names: dict[str, str], ballots: int, lang: str) -> Chart:
    """Best first. ``names``: option → label; ``ballots``: how many ranked."""
    labels = [chart_label(names.get(r.option, r.option), 36) for r in results]
    texts = [isolate(t("poll.chart_rank_bar", lang, points=fmt_number(r.borda, lang), mean=_decimal(r.mean_rank, lang)))
             for r in results]
    figure = _bars(labels, [r.borda for r in results], texts, lang, max([r.borda for r in results] + [1]))
    # the catalogs say it in words for the usual five options, and in general for any other number
    total = "poll.chart_rank_total" if len(results) == 5 else "poll.chart_rank_total_any"
    summary = [t(total, lang, ballots=tn("poll.chart_rankings_count", ballots, lang))]
    if ballots and results:
        summary.append(t("poll.chart_rank_first", lang, option=isolate(names.get(results[0].option, "")),
                         mean=_decimal(results[0].mean_rank, lang)))
    table = pd.DataFrame([(r.place, names.get(r.option, r.option), _decimal(r.mean_rank, lang), r.borda, r.n)
                          for r in results],
                         columns=[t("poll.chart_col_place", lang), t("chart.col_option", lang),
                                  t("poll.chart_col_mean_rank", lang), t("poll.chart_col_borda", lang),
                                  t("poll.chart_col_n", lang)])
    return Chart(figure, " ".join(summary), table)


def rating_view(results: list[RatingResult], names: dict[str, str], scale: int, people: int, lang: str) -> Chart:
    """In the options' order: the mean score of each, with n. ``people``: how many rated anything."""
    labels = [chart_label(names.get(r.option, r.option), 36) for r in results]
    texts = [isolate(t("poll.chart_rating_bar", lang, mean=_decimal(r.mean, lang), n=fmt_number(r.n, lang)))
             for r in results]
    figure = _bars(labels, [r.mean or 0 for r in results], texts, lang, scale)
    summary = [t("poll.chart_rating_total", lang, scale=fmt_number(scale, lang),
                 people=tn("poll.chart_raters_count", people, lang))]
    rated = [r for r in results if r.mean is not None]
    if rated:
        best = max(rated, key=lambda r: r.mean or 0)
        summary.append(t("poll.chart_rating_best", lang, option=isolate(names.get(best.option, "")),
                         mean=_decimal(best.mean, lang)))
    table = pd.DataFrame([(names.get(r.option, r.option), _decimal(r.mean, lang), r.n, *r.distribution)
                          for r in results],
                         columns=[t("chart.col_option", lang), t("poll.chart_col_mean", lang), t("poll.chart_col_n", lang),
                                  *(t("poll.chart_col_gave", lang, score=fmt_number(s, lang)) for s in range(1, scale + 1))])
    return Chart(figure, " ".join(summary), table)
