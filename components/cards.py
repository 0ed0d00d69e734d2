"""Cards and detail views for initiatives, challenges and recommendations.

Every data string is escaped where it meets HTML (``html.escape``) or Markdown
(``escape_markdown``); plain-text elements (``st.text``, ``st.code``, tables) take it as it is.
"""

from __future__ import annotations

from html import escape

import pandas as pd
import streamlit as st

from components.layout import UI, params_for
from mc2cm.colours import text_on
from mc2cm.filters import Selection
from mc2cm.i18n import comma, country_name, join, label, text, text_list
from mc2cm.mapping import area_colour
from mc2cm.plaintext import escape_markdown


def shorten(value: str, limit: int = 240) -> str:
    """The start of a long text, cut at a word, for cards; the detail view has it all."""
    if len(value) <= limit:
        return value
    return value[:limit].rsplit(" ", 1)[0] + "…"


def chips(areas: tuple[str, ...], ui: UI) -> str:
    return "".join(
        f'<span class="mc2cm-chip" style="background:{area_colour(a)};color:{text_on(area_colour(a))}">'
        f"{escape(label('area', a, ui.lang))}</span>" for a in areas
    )


def place(row: pd.Series, ui: UI) -> str:
    """Where an initiative happens, in words: its city and country, or its region."""
    cities = ui.data.cities
    city = row.get("city_id") or ""
    if city and city in cities.index:
        c = cities.loc[city]
        return comma((text(c, "name", ui.lang), country_name(str(c["country_code"]), ui.lang)), ui.lang)
    region = text(row, "region", ui.lang)
    countries = join((country_name(code, ui.lang) for code in row.get("countries", ()) or ()), ui.lang)
    parts = [region] if region else []
    if countries and countries != region:
        parts.append(countries)
    return " · ".join(parts) or label("scope", str(row["scope"]), ui.lang)


def citation(row: pd.Series, ui: UI) -> str:
    """``Document title (file), section`` — ready to copy."""
    sources = ui.data.sources
    source_id = str(row.get("source_id", ""))
    if source_id in sources.index:
        s = sources.loc[source_id]
        doc = f"{text(s, 'title', ui.lang)} ({s['file']})"
    else:
        doc = source_id
    return f"{doc} — {row.get('source_locator', '')}"


def paginate(frame: pd.DataFrame, ui: UI, page_size: int, key: str) -> pd.DataFrame:
    """One page of a long list: the page's work stays proportional to what is shown."""
    total = len(frame)
    pages = max(1, -(-total // page_size))
    page = 1
    if pages > 1:
        page = int(st.number_input(ui.t("initiatives.page"), min_value=1, max_value=pages, value=1, step=1,
                                   key=key))
    first = (page - 1) * page_size
    shown = frame.iloc[first:first + page_size]
    if pages > 1:
        st.caption(ui.t("initiatives.showing", first=first + 1, last=first + len(shown), total=total))
    return shown


def initiative_cards(shown: pd.DataFrame, ui: UI, sel: Selection) -> None:
    direction = "rtl" if ui.rtl else "ltr"
    for initiative_id, row in shown.iterrows():
        summary = shorten(text(row, "summary", ui.lang))
        lead = join(text_list(row, "lead", ui.lang), ui.lang) or text(row, "lead", ui.lang)
        with st.container():
            st.html(
                f'<div class="mc2cm-card" dir="{direction}" lang="{ui.lang}">'
                f"<h4>{escape(text(row, 'name', ui.lang))}</h4>"
                f'<div class="mc2cm-muted">{escape(place(row, ui))} · {escape(lead)}</div>'
                f"<div>{chips(row['areas'], ui)}</div>"
                f"<p>{escape(summary)}</p></div>"
            )
            st.page_link("pages/initiatives.py", label=ui.t("initiatives.open"), icon=":material/arrow_forward:",
                         query_params=params_for(ui.lang, sel, id=str(initiative_id)))


def initiative_table(shown: pd.DataFrame, ui: UI) -> None:
    table = pd.DataFrame({
        ui.t("page.initiatives"): [text(r, "name", ui.lang) for _, r in shown.iterrows()],
        ui.t("detail.where"): [place(r, ui) for _, r in shown.iterrows()],
        ui.t("detail.areas"): [join((label("area", a, ui.lang) for a in r["areas"]), ui.lang) for _, r in shown.iterrows()],
        ui.t("detail.actor"): [label("actor_type", str(r["actor_type"]), ui.lang) for _, r in shown.iterrows()],
        "id": list(shown.index),
    })
    if ui.rtl:
        st.table(table.set_index("id"))
    else:
        st.dataframe(table, hide_index=True, width="stretch")


def _field(title: str, value: str) -> None:
    if value:
        st.markdown(f"**{escape_markdown(title)}**")
        st.text(value) if "\n" in value else st.markdown(escape_markdown(value))


def initiative_detail(row: pd.Series, ui: UI) -> None:
    st.title(escape_markdown(text(row, "name", ui.lang)))
    st.html(f'<div dir="{"rtl" if ui.rtl else "ltr"}">{chips(row["areas"], ui)}</div>')
    st.markdown(escape_markdown(text(row, "summary", ui.lang)))
    left, right = st.columns(2)
    with left:
        _field(ui.t("detail.where"), place(row, ui))
        _field(ui.t("detail.lead"), join(text_list(row, "lead", ui.lang), ui.lang) or text(row, "lead", ui.lang))
        _field(ui.t("detail.partners"), join(text_list(row, "partners", ui.lang), ui.lang))
        _field(ui.t("detail.actor"), label("actor_type", str(row["actor_type"]), ui.lang))
    with right:
        areas = join((label("area", a, ui.lang) for a in row["areas"]), ui.lang)
        if row["areas_basis"] == "curator":
            areas = f"{areas} {ui.t('detail.areas_curator')}"
        _field(ui.t("detail.areas"), areas)
        roles = ui.data.cso_roles
        _field(ui.t("detail.roles"), join((text(roles.loc[r], "name", ui.lang) for r in row["cso_roles"]
                                          if r in roles.index), ui.lang))
        years = [y for y in (row["year_start"], row["year_end"]) if not pd.isna(y)]
        _field(ui.t("detail.years"), " – ".join(str(int(y)) for y in dict.fromkeys(years)))
        _field(ui.t("detail.figures"), text(row, "figures", ui.lang))
    st.markdown(f"**{ui.t('detail.cite')}**")
    st.code(citation(row, ui), language=None, wrap_lines=True)
    if row.get("curator_note"):
        with st.expander(ui.t("detail.note")):
            st.markdown(escape_markdown(row["curator_note"]))


def challenge_block(challenge: pd.Series, answers: pd.DataFrame, ui: UI) -> None:
    with st.container(border=True):
        st.markdown(f"#### {escape_markdown(text(challenge, 'title', ui.lang))}")
        st.markdown(escape_markdown(text(challenge, "description", ui.lang)))
        st.caption(escape_markdown(citation(challenge, ui)))
        if answers.empty:
            st.caption(ui.t("challenges.unanswered"))
        else:
            st.markdown(f"**{ui.t('challenges.answered_by')}**")
            for _, rec in answers.iterrows():
                st.markdown(f"- **{escape_markdown(label('kind', str(rec['kind']), ui.lang))}** · "
                            f"{escape_markdown(text(rec, 'title', ui.lang))}: {escape_markdown(text(rec, 'text', ui.lang))}")


def recommendation_line(rec: pd.Series, ui: UI) -> None:
    st.markdown(f"- **{escape_markdown(text(rec, 'title', ui.lang))}** — {escape_markdown(text(rec, 'text', ui.lang))}")
    st.caption(escape_markdown(citation(rec, ui)))
