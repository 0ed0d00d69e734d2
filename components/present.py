"""Projector mode: big type, no sidebar, one scene at a time, a QR code for phones."""

from __future__ import annotations

import base64
from html import escape
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from components.auth import signed_in
from components.cards import chips, source_link
from components.charts import role_balance_figure
from components.layout import UI, set_selection
from components.map import map_view
from components.overview import WORKSHOP
from mc2cm.assets import front_door_active
from mc2cm.filters import Selection, choices, select_challenges, select_initiatives
from mc2cm.i18n import LANGS, LANGUAGE_NAMES, fmt_date_range, fmt_number, join, label, text
from mc2cm.keypoints import guiding_questions
from mc2cm.metrics import areas
from mc2cm.plaintext import escape_markdown
from mc2cm.scenes import (
    Scene,
    deck,
    public_base_url,
    public_url,
    qr_png,
    reachable_by_phones,
    scene_index,
    scene_selection,
)
from mc2cm.votes import OPEN

BASE_URL_KEY = "mc2cm_public_url"


def projector_style() -> None:
    st.html("""
<style>
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
  header[data-testid="stHeader"] { display: none !important; }
  .stApp { background: #ffffff; color: #000000; }
  [data-testid="stMain"] .block-container { max-width: 100%; padding: 1.2rem 2.5rem 3rem; }
  [data-testid="stMain"] p, [data-testid="stMain"] li, [data-testid="stMain"] label { font-size: 30px; line-height: 1.4; }
  [data-testid="stMain"] h1 { font-size: 56px; font-weight: 800; }
  [data-testid="stMain"] h2, [data-testid="stMain"] h3 { font-size: 40px; font-weight: 700; }
  [data-testid="stMain"] [data-testid="stCaptionContainer"] p { font-size: 24px; color: #222; }
  .mc2cm-big-list li { margin-bottom: .5rem; }
  .mc2cm-card h4 { font-size: 34px !important; }
  .mc2cm-card .mc2cm-muted { font-size: 26px !important; color: #111 !important; }
  .mc2cm-chip { font-size: 22px !important; }
  .st-key-clicker-extra { position: absolute; left: -10000px; }
  [data-testid="stMetricValue"] { font-size: 64px; font-weight: 800; }
  [data-testid="stMetricLabel"] p { font-size: 26px !important; }
</style>""")


def current_scene(scenes: list[Scene]) -> int:
    return scene_index(scenes, st.query_params.get("scene"))


def _go(scenes: list[Scene], index: int) -> None:
    index = max(0, min(index, len(scenes) - 1))
    st.query_params["scene"] = scenes[index].id
    set_selection(Selection())  # the scene's own filters apply, not the browsing ones


def controls(scenes: list[Scene], index: int, ui: UI) -> None:
    """Back and forward: buttons, arrow keys, and the Page Up/Down that clickers send."""
    left, middle, right, lang_col = st.columns([1, 2, 1, 2])
    previous_key, next_key = ("Right", "Left") if ui.rtl else ("Left", "Right")
    back, forward = (":material/arrow_forward:", ":material/arrow_back:") if ui.rtl else \
        (":material/arrow_back:", ":material/arrow_forward:")
    left.button(ui.t("present.previous"), key="prev", icon=back, shortcut=previous_key,
                disabled=index == 0, on_click=_go, args=(scenes, index - 1), width="stretch")
    right.button(ui.t("present.next"), key="next", icon=forward, shortcut=next_key,
                 disabled=index >= len(scenes) - 1, on_click=_go, args=(scenes, index + 1), width="stretch")
    with st.container(key="clicker-extra"):
        st.button(ui.t("present.previous"), key="prev-page", shortcut="PageUp", on_click=_go, args=(scenes, index - 1))
        st.button(ui.t("present.next"), key="next-page", shortcut="PageDown", on_click=_go, args=(scenes, index + 1))
    middle.caption(ui.t("present.counter", n=index + 1, total=len(scenes)) + " · " + ui.t("present.keys"))
    with lang_col:
        links = " · ".join(f"[{LANGUAGE_NAMES[lang]}](?{urlencode({'scene': scenes[index].id, 'lang': lang})})"
                           for lang in LANGS if lang != ui.lang)
        st.markdown(links)


def _overview(ui: UI) -> None:
    events = ui.data["events"]
    event = events.loc[WORKSHOP] if WORKSHOP in events.index else None
    if isinstance(event, pd.Series):  # ids are unique: one label, one row
        cities = ui.data.cities
        city = text(cities.loc[event["city_id"]], "name", ui.lang) if event["city_id"] in cities.index else ""
        when = fmt_date_range(event["start_date"], event["end_date"], ui.lang)
        st.subheader(escape_markdown(" · ".join(part for part in (when, city) if part)))
        st.markdown(escape_markdown(text(event, "participants", ui.lang)))
        if not pd.isna(event["participants_min"]):
            cols = st.columns(3)
            cols[0].metric(ui.t("metric.participants"), fmt_number(int(event["participants_min"]), ui.lang))
            cols[1].metric(ui.t("metric.initiatives"), fmt_number(len(ui.data.initiatives), ui.lang))
            cols[2].metric(ui.t("metric.challenges"), fmt_number(len(ui.data.challenges), ui.lang))
        st.caption(ui.t("overview.chatham"))


def _areas(ui: UI) -> None:
    initiatives = ui.data.initiatives
    shown = areas()
    cols = st.columns(len(shown))
    for col, area in zip(cols, shown, strict=True):
        named = initiatives[(initiatives["areas_basis"] == "document") & initiatives["areas"].map(lambda a, x=area: x in a)]
        items = "".join(f"<li>{escape(text(row, 'name', ui.lang))}</li>" for _, row in named.iterrows())
        col.html(f'<div class="mc2cm-card" dir="{"rtl" if ui.rtl else "ltr"}">{chips((area,), ui)}'
                 f"<ul class='mc2cm-big-list' style='font-size:26px'>{items}</ul></div>")


def _numbered(frame: pd.DataFrame, ui: UI, body: str, table: str) -> None:
    items = "".join(f"<li><strong>{escape(text(row, 'title', ui.lang))}</strong>"
                    + (f"<br><span style='font-size:24px'>{escape(text(row, body, ui.lang))}</span>" if body else "")
                    + f" {source_link(table, row, ui)}</li>" for _, row in frame.iterrows())
    st.html(f'<ol class="mc2cm-big-list" dir="{"rtl" if ui.rtl else "ltr"}" style="font-size:30px">{items}</ol>')


def scene_body(scene: Scene, ui: UI) -> None:
    sel = scene_selection(scene, choices(ui.data))
    if scene.view == "overview":
        _overview(ui)
    elif scene.view == "areas":
        _areas(ui)
    elif scene.view == "map":
        parts = map_view(sel, ui, height=640)
        if not parts.elsewhere.empty:
            names = join((text(r, "name", ui.lang) for _, r in parts.elsewhere.iterrows()), ui.lang)
            st.caption(escape_markdown(f"{ui.t('map.elsewhere')}: {names}"))
    elif scene.view == "challenges":
        _numbered(select_challenges(ui.data, sel), ui, "", "challenges")
    elif scene.view in ("priorities", "key_messages"):
        kind = "priority" if scene.view == "priorities" else "key_message"
        recs = ui.data.recommendations
        _numbered(recs[recs["kind"] == kind].sort_values("position"), ui, "" if scene.poll_id else "text", "recommendations")
    elif scene.view == "cso_roles":
        role_balance_figure(ui.data.role_assessments, ui)
    elif scene.view == "guiding_questions":
        items = "".join(f"<li>{escape(text(row, 'text', ui.lang))} {source_link('guiding_questions', row, ui)}</li>"
                        for _, row in guiding_questions(ui.data).iterrows())
        st.html(f'<ol class="mc2cm-big-list" dir="{"rtl" if ui.rtl else "ltr"}" style="font-size:30px">{items}</ol>')
    elif scene.view in ("initiative", "initiatives"):
        shown = select_initiatives(ui.data, sel)
        if sel.id in shown.index:
            shown = shown.loc[[sel.id]]
        for _, row in shown.head(6).iterrows():
            st.html(f'<div class="mc2cm-card" dir="{"rtl" if ui.rtl else "ltr"}"><h4>{escape(text(row, "name", ui.lang))}'
                    f"</h4>{chips(row['areas'], ui)}<p style='font-size:26px'>{escape(text(row, 'summary', ui.lang))}</p>"
                    f"{source_link('initiatives', row, ui)}</div>")
    else:
        st.markdown(escape_markdown(label("scope", scene.view, ui.lang)))


def _request_url() -> str | None:
    try:
        return st.context.url
    except (AttributeError, RuntimeError):
        return None


def qr_panel(scene: Scene, ui: UI) -> str:
    """The QR code of the scene's public view, with the address written beside it."""
    base = public_base_url(st.session_state.get(BASE_URL_KEY), _request_url())
    url = public_url(scene, base, light_ballot=front_door_active())
    if not reachable_by_phones(base):
        st.warning(ui.t("present.localhost"), icon=":material/wifi_off:")
    if scene.poll_id:
        from components.polls import vote_store  # noqa: PLC0415 - polls only where a scene has one

        is_open = vote_store().status(scene.poll_id) == OPEN
        caption = ui.t("present.scan_vote" if is_open else "present.scan_closed")
    else:
        caption = ui.t("present.scan")
    # An <img> with a text alternative (st.image writes none): what the code is for, and where it leads.
    # PNG, lossless: JPEG blurs the modules.
    png = base64.b64encode(qr_png(url)).decode("ascii")
    st.html(f'<img src="data:image/png;base64,{png}" width="260" style="max-width:100%;image-rendering:pixelated"'
            f' alt="{escape(f"{caption}: {url}")}">')
    st.caption(caption)
    st.code(url, language=None, wrap_lines=True)
    return url


def facilitator_panel(scene: Scene, ui: UI) -> None:
    from components.auth import sign_in_panel  # noqa: PLC0415 - only drawn on demand
    from components.polls import poll_controls  # noqa: PLC0415

    with st.expander(ui.t("present.facilitator"), expanded=False):
        if scene.note(ui.lang):
            st.markdown(f"**{ui.t('present.note')}**: {escape_markdown(scene.note(ui.lang))}")
        st.text_input(ui.t("present.public_url"), key=BASE_URL_KEY, placeholder=public_base_url(None, _request_url()))
        if scene.poll_id:
            if signed_in():
                poll_controls(scene.poll_id, ui)
            else:
                sign_in_panel(ui)


def presentation(ui: UI) -> None:
    scenes = deck(ui.data)
    if not scenes:
        st.info(ui.t("present.empty"))
        return
    index = current_scene(scenes)
    scene = scenes[index]
    if st.query_params.get("scene") != scene.id:
        st.query_params["scene"] = scene.id
    controls(scenes, index, ui)
    st.title(escape_markdown(scene.title(ui.lang)))
    body, side = st.columns([3, 1])
    with side:
        qr_panel(scene, ui)
    with body:
        if scene.poll_id:
            from components.polls import live_results  # noqa: PLC0415

            live_results(scene.poll_id, ui)  # the options are the chart's rows
        else:
            scene_body(scene, ui)
    facilitator_panel(scene, ui)
