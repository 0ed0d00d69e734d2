"""Cards and detail views for initiatives, challenges and recommendations.

Every data string is escaped where it meets HTML (``html.escape``) or Markdown
(``escape_markdown``); plain-text elements (``st.text``, ``st.code``, tables) take it as it is.
"""

from __future__ import annotations

from html import escape

import pandas as pd
import streamlit as st

from components.layout import UI, params_for
from mc2cm import citations, reader, room_results
from mc2cm.assets import front_door_active
from mc2cm.bidi import bdi, isolate
from mc2cm.colours import text_on
from mc2cm.filters import Selection
from mc2cm.i18n import join, label, text, text_list
from mc2cm.mapping import area_colour
from mc2cm.places import city_ids_of, initiative_place
from mc2cm.plaintext import escape_markdown

FORWARD = {False: ":material/arrow_forward:", True: ":material/arrow_back:"}  # "onward" points the way one reads


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
    return initiative_place(row, ui.data.cities, ui.lang)


def citation(row: pd.Series, ui: UI) -> citations.Citation:
    """Where ``row`` comes from, in the reader's language (:mod:`mc2cm.citations`)."""
    return citations.citation_for(row, ui.data.sources, ui.lang)


def source_href(table: str, row: pd.Series, ui: UI) -> str:
    """The row's passage in the source reader (``/sources``), or "" where that route is not served.

    The reader is a route of the front door (serve.py), like ``/brief``: under a plain
    ``streamlit run app.py`` it does not exist, so no link is shown rather than a dead one.
    """
    return reader.row_passage_url(table, row, ui.lang) if front_door_active() else ""


def source_link(table: str, row: pd.Series, ui: UI) -> str:
    """The passage link as HTML (for ``st.html`` blocks), or ""."""
    href = source_href(table, row, ui)
    return (f'<a class="mc2cm-source" href="{escape(href)}" target="_self" style="display:inline-block;min-height:24px;'
            f'padding:2px 0;font-size:.875rem">{escape(ui.t("sources.open_passage"))}</a>' if href else "")


def source_markdown(table: str, row: pd.Series, ui: UI) -> str:
    """The passage link as Markdown (for captions), or ""."""
    href = source_href(table, row, ui)
    return f" · [{escape_markdown(ui.t('sources.open_passage'))}]({href})" if href else ""


def names(row: pd.Series, base: str, ui: UI) -> str:
    """A list column (leads, partners) in words, each name isolated: «A وB» keeps A's direction."""
    items = text_list(row, base, ui.lang)
    return join((isolate(item) for item in items), ui.lang) if items else isolate(text(row, base, ui.lang))


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
        lead = names(row, "lead", ui)
        with st.container():
            st.html(
                f'<div class="mc2cm-card" dir="{direction}" lang="{ui.lang}">'
                f"<h4>{escape(text(row, 'name', ui.lang))}</h4>"
                f'<div class="mc2cm-muted">{bdi(place(row, ui))} · {escape(lead)}</div>'
                f"<div>{chips(row['areas'], ui)}</div>"
                f"<p>{escape(summary)}</p>{source_link('initiatives', row, ui)}</div>"
            )
            st.page_link("pages/initiatives.py", label=ui.t("initiatives.open"), icon=FORWARD[ui.rtl],
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
    """A labelled value; the value isolated, so a Latin name or a year inside Arabic keeps its order."""
    if value:
        st.markdown(f"**{escape_markdown(title)}**")
        st.text(isolate(value)) if "\n" in value else st.markdown(escape_markdown(isolate(value)))


def initiative_detail(row: pd.Series, ui: UI) -> None:
    st.title(escape_markdown(text(row, "name", ui.lang)))
    st.html(f'<div dir="{"rtl" if ui.rtl else "ltr"}">{chips(row["areas"], ui)}</div>')
    st.markdown(escape_markdown(text(row, "summary", ui.lang)))
    left, right = st.columns(2)
    with left:
        _field(ui.t("detail.where"), place(row, ui))
        for city_id in (c for c in city_ids_of(row) if c in ui.data.cities.index):  # each city's place page
            st.page_link("pages/places.py", icon=":material/location_city:", query_params={"id": city_id, "lang": ui.lang},
                         label=ui.t("places.open_named",  # a page link's label is Markdown
                                        place=escape_markdown(text(ui.data.cities.loc[city_id], "name", ui.lang))))
        _field(ui.t("detail.lead"), names(row, "lead", ui))
        _field(ui.t("detail.partners"), names(row, "partners", ui))
        _field(ui.t("detail.actor"), label("actor_type", str(row["actor_type"]), ui.lang))
    with right:
        areas = join((label("area", a, ui.lang) for a in row["areas"]), ui.lang)
        if row["areas_basis"] == "curator":
            areas = f"{areas} {ui.t('detail.areas_curator')}"
        _field(ui.t("detail.areas"), areas)
        roles = ui.data.cso_roles
        _field(ui.t("detail.roles"), join((isolate(text(roles.loc[r], "name", ui.lang)) for r in row["cso_roles"]
                                          if r in roles.index), ui.lang))
        years = [y for y in (row["year_start"], row["year_end"]) if not pd.isna(y)]
        _field(ui.t("detail.years"), " – ".join(isolate(int(y)) for y in dict.fromkeys(years)))
        _field(ui.t("detail.figures"), text(row, "figures", ui.lang))
    st.markdown(f"**{ui.t('detail.cite')}**")
    cited = citation(row, ui)
    st.html(citations.html(cited) + source_link("initiatives", row, ui))
    with st.expander(ui.t("citation.copy")):
        st.code(citations.plain_text(cited), language=None, wrap_lines=True)
    if row.get("curator_note"):
        with st.expander(ui.t("detail.note")):
            st.markdown(escape_markdown(row["curator_note"]))


def room_lines(table: str, record_id: str, ui: UI) -> None:
    """What live rooms said about a record (published poll results): marked as room input, apart from
    the cited text, each session on its own line."""
    shown = room_results.results_about(ui.data, table, record_id)
    if shown.empty:
        return
    lines = "\n".join(f"- {escape_markdown(room_results.result_line(ui.data, row, ui.lang))}"
                      for _, row in shown.iterrows())
    st.markdown(f"**{escape_markdown(ui.t('room.heading'))}**\n\n{lines}")
    st.caption(ui.t("room.note"))


def challenge_block(challenge: pd.Series, answers: pd.DataFrame, ui: UI) -> None:
    with st.container(border=True):
        st.markdown(f"#### {escape_markdown(text(challenge, 'title', ui.lang))}")
        st.markdown(escape_markdown(text(challenge, "description", ui.lang)))
        st.caption(escape_markdown(citations.short_text(citation(challenge, ui)))
                   + source_markdown("challenges", challenge, ui))
        room_lines("challenges", str(challenge.name), ui)
        if answers.empty:
            st.caption(ui.t("challenges.unanswered"))
        else:
            st.markdown(f"**{ui.t('challenges.answered_by')}**")
            for _, rec in answers.iterrows():
                st.markdown(f"- **{escape_markdown(label('kind', str(rec['kind']), ui.lang))}** · "
                            f"{escape_markdown(isolate(text(rec, 'title', ui.lang)))}: "
                            f"{escape_markdown(isolate(text(rec, 'text', ui.lang)))}"
                            + source_markdown("recommendations", rec, ui))
                room_lines("recommendations", str(rec.name), ui)


def recommendation_line(rec: pd.Series, ui: UI) -> None:
    st.markdown(f"- **{escape_markdown(isolate(text(rec, 'title', ui.lang)))}** — "
                f"{escape_markdown(isolate(text(rec, 'text', ui.lang)))}")
    st.caption(escape_markdown(citations.short_text(citation(rec, ui))) + source_markdown("recommendations", rec, ui))
    room_lines("recommendations", str(rec.name), ui)
