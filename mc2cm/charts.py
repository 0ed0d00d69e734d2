"""Plotly figures, built without Streamlit. No geo charts: they need a CDN."""

from __future__ import annotations

from html import escape

import pandas as pd
import plotly.graph_objects as go

from mc2cm.i18n import is_rtl, label, t, text
from mc2cm.schema import current_package

FONT = "'MC2CM Arabic', system-ui, -apple-system, 'Segoe UI', sans-serif"


def wrap(value: str, width: int = 30) -> str:
    """Break a long label into lines for an axis (plotly does not wrap)."""
    lines: list[str] = []
    for word in value.split():
        if lines and len(lines[-1]) + len(word) < width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


def _layout(fig: go.Figure, lang: str, height: int) -> go.Figure:
    rtl = is_rtl(lang)
    fig.update_layout(
        height=height, margin={"l": 10, "r": 10, "t": 50, "b": 10}, font={"family": FONT, "size": 15},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right" if rtl else "left",
                "x": 1 if rtl else 0, "traceorder": "normal"},
        plot_bgcolor="white", paper_bgcolor="white", barmode="relative",
    )
    return fig


def role_balance_chart(balance: pd.DataFrame, roles: pd.DataFrame, lang: str) -> go.Figure:
    """Diverging bars: strengths to the right, weaknesses to the left, by theme."""
    order = roles.sort_values("position")
    names = {rid: wrap(escape(text(row, "name", lang))) for rid, row in order.iterrows()}
    y_labels = [names[r] for r in order.index]
    fig = go.Figure()
    themes = current_package().vocabulary("theme")
    present = set(balance["theme"])
    # the schema's order; a theme it does not list still shows, last, rather than vanish
    for theme in [*(code for code in themes.codes if code in present), *sorted(present - set(themes.codes))]:
        part = balance[balance["theme"] == theme]
        colour = themes.colour(theme)
        fig.add_bar(
            y=[names.get(r, r) for r in part["role_id"]], x=part["signed"], orientation="h",
            name=escape(label("theme", theme, lang)), marker_color=colour,
            customdata=[label("kind", k, lang) for k in part["kind"]],
            hovertemplate="%{y}<br>%{customdata}: %{x}<extra>%{fullData.name}</extra>",
        )
    top = int(balance.groupby(["role_id", "kind"])["count"].sum().max()) if not balance.empty else 1
    ticks = list(range(-top, top + 1))
    fig.update_xaxes(range=[-top - 0.5, top + 0.5], tickvals=ticks, ticktext=[str(abs(v)) for v in ticks],
                     zeroline=True, zerolinewidth=2,
                     zerolinecolor="#333", title=t("roles.count_axis", lang),
                     autorange="reversed" if is_rtl(lang) else None)
    fig.update_yaxes(categoryorder="array", categoryarray=list(reversed(y_labels)),
                     side="right" if is_rtl(lang) else "left")
    return _layout(fig, lang, 160 + 85 * len(y_labels))


def challenge_matrix(challenges: pd.DataFrame, recommendations: pd.DataFrame, lang: str) -> go.Figure:
    """Recommendations (rows) × challenges (columns); a filled cell is a link in the data."""
    def short(value: str, width: int = 38) -> str:
        return value if len(value) <= width else value[: width - 1] + "…"

    cols = list(challenges.index)
    rows = [r for r in recommendations.index if set(recommendations.loc[r, "challenge_ids"]) & set(cols)]
    z = [[1 if c in recommendations.loc[r, "challenge_ids"] else 0 for c in cols] for r in rows]
    x = [escape(short(text(challenges.loc[c], "title", lang))) for c in cols]
    y = [escape(short(text(recommendations.loc[r], "title", lang))) for r in rows]
    hover = [[f"{escape(text(recommendations.loc[r], 'title', lang))} → {escape(text(challenges.loc[c], 'title', lang))}"
              for c in cols] for r in rows]
    fig = go.Figure(go.Heatmap(
        z=z, x=x, y=y, text=hover, hovertemplate="%{text}<extra></extra>", showscale=False,
        colorscale=[[0, "#f4f4f4"], [1, "#0072B2"]], xgap=2, ygap=2, zmin=0, zmax=1,
    ))
    fig.update_xaxes(tickangle=-40, side="top", autorange="reversed" if is_rtl(lang) else None)
    fig.update_yaxes(autorange="reversed", side="right" if is_rtl(lang) else "left")
    fig.update_layout(height=max(320, 160 + 26 * len(rows)), margin={"l": 10, "r": 10, "t": 150, "b": 10},
                      font={"family": FONT, "size": 12}, plot_bgcolor="white")
    return fig


def area_bar(counts: dict[str, int], lang: str) -> go.Figure:
    colours = current_package().vocabulary("area")  # one palette for map and charts
    areas = list(counts)
    fig = go.Figure(go.Bar(
        x=[counts[a] for a in areas], y=[escape(label("area", a, lang)) for a in areas], orientation="h",
        marker_color=[colours.colour(a) for a in areas], text=[counts[a] for a in areas], textposition="auto",
        hovertemplate="%{y}: %{x}<extra></extra>",
    ))
    fig.update_xaxes(visible=False, autorange="reversed" if is_rtl(lang) else None)
    fig.update_yaxes(autorange="reversed", side="right" if is_rtl(lang) else "left")
    return _layout(fig, lang, 200)
