"""The place pages (/places): one place, the list of places, and two to four places side by side.

What each shows comes from :mod:`mc2cm.places`; here it is only laid out. Every data string is
escaped where it meets HTML or Markdown.
"""

from __future__ import annotations

from html import escape

import pandas as pd
import streamlit as st

from components.cards import FORWARD, chips, citation, place, source_link, source_markdown
from components.charts import show_chart
from components.data import current_stamp
from components.layout import UI
from mc2cm import citations, reader
from mc2cm.assets import front_door_active
from mc2cm.bidi import bdi, isolate
from mc2cm.charts import place_areas_view
from mc2cm.i18n import RowLike, country_name, fmt_date_range, join, label, text
from mc2cm.loading import Dataset
from mc2cm.mapping import initiative_link
from mc2cm.places import (
    COMPARE_MAX,
    COMPARE_MIN,
    Passage,
    PlaceSummary,
    compare_areas,
    compare_link,
    compare_roles,
    document_paragraphs,
    place_link,
    place_names_ar,
)
from mc2cm.plaintext import escape_markdown


@st.cache_data(show_spinner=False, max_entries=4)
def _paragraphs(_data: Dataset, data_dir: str, stamp: object) -> dict[str, tuple[str, ...]]:
    del data_dir, stamp  # the key: another folder or new data, a new reading
    return document_paragraphs(_data)


def paragraphs(ui: UI) -> dict[str, tuple[str, ...]]:
    """The source documents as paragraphs, read once per version of the data."""
    return _paragraphs(ui.data, str(ui.data.data_dir), current_stamp())


def city_name(city_id: str, ui: UI) -> str:
    return text(ui.data.cities.loc[city_id], "name", ui.lang)


def _direction(ui: UI) -> str:
    return "rtl" if ui.rtl else "ltr"


def _link(href: str, words: str) -> str:
    return f'<a href="{escape(href)}" target="_self">{escape(words)}</a>'


def places_list(overview: pd.DataFrame, ui: UI) -> None:
    """Every place with what the documents hold for it: a list of links, each with its counts."""
    items = []
    for _, row in overview.iterrows():
        counts = " · ".join(c for c in (
            ui.tn("count.initiatives", int(row["initiatives"])) if row["initiatives"] else "",
            ui.tn("places.count_events", int(row["events"])) if row["events"] else "",
            ui.tn("count.challenges", int(row["challenges"])) if row["challenges"] else "",
            ui.tn("places.count_sources", int(row["sources"])),
        ) if c)
        items.append(f'<li data-place="{escape(str(row["id"]))}">{_link(place_link(str(row["id"]), ui.lang), row["name"])}'
                     f' <span class="mc2cm-muted">({bdi(str(row["country"]))}) · {escape(counts)}</span></li>')
    st.html(f'<ul class="mc2cm-places" dir="{_direction(ui)}" lang="{ui.lang}">{"".join(items)}</ul>')


def compare_picker(ui: UI, first: str = "") -> None:
    """Choose places to compare; the comparison opens at its own shareable address."""
    options = list(ui.data.cities.index)
    chosen = st.multiselect(ui.t("places.compare_pick", n=COMPARE_MAX), options, default=[first] if first else [],
                            format_func=lambda c: city_name(c, ui), max_selections=COMPARE_MAX, key="w_compare")
    if len(chosen) >= COMPARE_MIN:
        st.page_link("pages/places.py", label=ui.t("places.compare_open"), icon=FORWARD[ui.rtl],
                     query_params={"compare": ",".join(chosen), "lang": ui.lang})
    else:
        st.caption(ui.t("places.compare_hint"))


def _passage_html(passage: Passage) -> str:
    pieces = "".join(f"<mark>{escape(p)}</mark>" if named else escape(p) for p, named in passage.excerpt())
    return f'<blockquote lang="ar" dir="rtl" class="mc2cm-passage">{pieces.strip()}</blockquote>'


def initiatives_here(summary: PlaceSummary, ui: UI) -> None:
    direction = _direction(ui)
    for initiative_id, row in summary.initiatives.iterrows():
        st.html(f'<div class="mc2cm-card" dir="{direction}" lang="{ui.lang}">'
                f"<h4>{_link(initiative_link(str(initiative_id), ui.lang), text(row, 'name', ui.lang))}</h4>"
                f'<div class="mc2cm-muted">{bdi(place(row, ui))}</div>'
                f"<div>{chips(row['areas'], ui)}</div>"
                f'<p class="mc2cm-muted">{escape(citations.short_text(citation(row, ui)))}</p>'
                f"{source_link('initiatives', row, ui)}</div>")


def events_here(summary: PlaceSummary, ui: UI) -> None:
    for _, event in summary.events.iterrows():
        when = fmt_date_range(event["start_date"], event["end_date"], ui.lang)
        st.markdown(f"- **{escape_markdown(isolate(text(event, 'name', ui.lang)))}**"
                    + (f" · {escape_markdown(isolate(when))}" if when else ""))
        st.caption(escape_markdown(citations.short_text(citation(event, ui))) + source_markdown("events", event, ui))


def challenges_here(summary: PlaceSummary, ui: UI) -> None:
    for _, challenge in summary.challenges.iterrows():
        st.markdown(f"- **{escape_markdown(isolate(text(challenge, 'title', ui.lang)))}**: "
                    f"{escape_markdown(isolate(text(challenge, 'description', ui.lang)))}")
        st.caption(escape_markdown(citations.short_text(citation(challenge, ui)))
                   + source_markdown("challenges", challenge, ui))


def sources_here(summary: PlaceSummary, ui: UI) -> None:
    """Each source that names the place, with its citation and the sentences that name it, highlighted."""
    for source_id in summary.sources:
        passages = [p for p in summary.passages if p.source_id == source_id]
        cited = citations.citation_for({"source_id": source_id}, ui.data.sources, ui.lang)
        with st.container(border=True):
            st.html(f'<div dir="{_direction(ui)}">{citations.html(cited)}</div>')
            st.caption(ui.tn("places.passages", len(passages)))
            for passage in passages:
                st.html(f'<div class="mc2cm-muted" dir="{_direction(ui)}">'
                        f"{escape(ui.t('places.paragraph', n=passage.paragraph))}</div>{_passage_html(passage)}")
            if front_door_active():  # /sources is a route of the front door (serve.py), like /brief
                st.html(f'<div dir="{_direction(ui)}">'
                        f'{_link(reader.document_url(source_id, ui.lang), ui.t("places.read_source"))}</div>')


def place_page(summary: PlaceSummary, ui: UI) -> None:
    city = ui.data.cities.loc[summary.city_id]
    name = text(city, "name", ui.lang)
    st.title(escape_markdown(name))
    st.caption(escape_markdown(isolate(country_name(str(city["country_code"]), ui.lang))))
    if summary.also_countries:
        st.info(ui.t("places.also_country", name=escape_markdown(join(place_names(city), ui.lang)),
                     countries=escape_markdown(join((country_name(c, ui.lang) for c in summary.also_countries),
                                                    ui.lang))), icon=":material/info:")
    st.subheader(ui.t("places.happens"))
    if summary.initiatives.empty and summary.events.empty:
        st.caption(ui.t("places.nothing_here", place=escape_markdown(name)))
    if not summary.initiatives.empty:
        st.markdown(f"**{escape_markdown(ui.tn('count.initiatives', len(summary.initiatives)))}**")
        initiatives_here(summary, ui)
    if not summary.events.empty:
        st.markdown(f"**{escape_markdown(ui.tn('places.count_events', len(summary.events)))}**")
        events_here(summary, ui)
    st.subheader(ui.t("places.challenges"))
    st.caption(ui.t("places.challenges_how", place=escape_markdown(name)))
    if summary.challenges.empty:
        st.caption(ui.t("places.no_challenges"))
    else:
        challenges_here(summary, ui)
    st.subheader(ui.t("places.sources"))
    st.caption(ui.t("places.sources_how", names=escape_markdown(join(place_names(city), ui.lang))))
    if not summary.passages:
        st.caption(ui.t("places.no_sources"))
    sources_here(summary, ui)
    st.subheader(ui.t("places.compare"))
    compare_picker(ui, summary.city_id)


def place_names(city: RowLike) -> list[str]:
    return [f"«{n}»" for n in place_names_ar(city)]


def _counts_table(frame: pd.DataFrame, ids: list[str], row_label: str, labels: dict[str, str], ui: UI) -> None:
    table = pd.DataFrame({row_label: [labels.get(str(code), str(code)) for code in frame.index],
                          **{city_name(c, ui): [int(v) for v in frame[c]] for c in ids}})
    if table.empty:
        st.caption(ui.t("places.compare_none"))
    elif ui.rtl:
        st.table(table.set_index(row_label))
    else:
        st.dataframe(table, hide_index=True, width="stretch")


def comparison(ids: list[str], summaries: list[PlaceSummary], ui: UI) -> None:
    names = [city_name(c, ui) for c in ids]
    st.title(escape_markdown(ui.t("places.compare_title", places=join(names, ui.lang))))
    links = " · ".join(_link(place_link(c, ui.lang), n) for c, n in zip(ids, names, strict=True))
    st.html(f'<div dir="{_direction(ui)}">{links}</div>')
    summary_table = pd.DataFrame({
        ui.t("places.compare_place"): names,
        ui.t("page.initiatives"): [len(s.initiatives) for s in summaries],
        ui.t("places.events"): [len(s.events) for s in summaries],
        ui.t("page.challenges"): [len(s.challenges) for s in summaries],
        ui.t("places.sources"): [len(s.sources) for s in summaries],
    })
    if ui.rtl:
        st.table(summary_table.set_index(ui.t("places.compare_place")))
    else:
        st.dataframe(summary_table, hide_index=True, width="stretch")
    st.subheader(ui.t("places.compare_areas"))
    areas = compare_areas(ui.data, ids)
    if areas.empty:
        st.caption(ui.t("places.compare_none"))
    else:
        show_chart(place_areas_view(areas, dict(zip(ids, names, strict=True)), ui.lang), ui,
                   key=f"compare-areas-{'-'.join(ids)}-{ui.lang}")
    st.subheader(ui.t("places.compare_roles"))
    roles = ui.data.cso_roles
    _counts_table(compare_roles(ui.data, ids), ids, ui.t("brief.role"),
                  {str(r): text(roles.loc[r], "name", ui.lang) for r in roles.index}, ui)
    st.caption(ui.t("places.compare_counting"))
    if front_door_active():  # /brief is served by the front door (serve.py), as the sidebar's brief link
        st.link_button(ui.t("places.compare_brief"), compare_link(ids, ui.lang, page="brief"), icon=":material/print:")
    for city_id, summary in zip(ids, summaries, strict=True):
        with st.expander(ui.t("places.compare_initiatives_at", place=escape_markdown(city_name(city_id, ui)))):
            if summary.initiatives.empty:
                st.caption(ui.t("places.nothing_here", place=escape_markdown(city_name(city_id, ui))))
            for initiative_id, row in summary.initiatives.iterrows():
                areas_words = join((label("area", a, ui.lang) for a in row["areas"]), ui.lang)
                st.html(f'<div dir="{_direction(ui)}">'
                        f"{_link(initiative_link(str(initiative_id), ui.lang), text(row, 'name', ui.lang))}"
                        f' <span class="mc2cm-muted">· {escape(areas_words)}</span></div>')
