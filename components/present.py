"""Projector mode: big type, no sidebar, one scene at a time, a QR code for phones."""

from __future__ import annotations

import base64
from html import escape
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from components.cards import chips, source_link
from components.charts import role_balance_figure
from components.layout import UI, set_selection
from components.map import map_view
from components.overview import WORKSHOP
from mc2cm.assets import front_door_active
from mc2cm.filters import Selection, choices, select_challenges, select_initiatives
from mc2cm.i18n import fmt_date_range, fmt_number, join, label, text
from mc2cm.keypoints import guiding_questions
from mc2cm.metrics import areas
from mc2cm.plaintext import escape_markdown
from mc2cm.polls import poll_spec
from mc2cm.presenter import FOLLOW_SECONDS, PUBLIC_BASE, room_vote_store, shared_board
from mc2cm.scenes import (
    ROOM_COUNTS,
    ROOM_RESULTS,
    Scene,
    deck,
    public_base_url,
    public_url,
    qr_png,
    qr_scale,
    qr_side_px,
    reachable_by_phones,
    scene_index,
    scene_selection,
)
from mc2cm.schema import current_package
from mc2cm.tallies import post_counts, tag_counts
from mc2cm.votes import OPEN

SEEN_KEY = "mc2cm_cue_seen"  # the presenter's last step this window followed


def projector_style() -> None:
    """The type scale of a 1080-line projection, read from the back of the room, all in near-black.

    Title 60 px, key figures 96 px, subtitles 44 px, body 32 px, nothing under 28 px
    (captions, chips, the address under the code), text #000 or #1a1a1a on white (17:1 and up).
    Streamlit's chrome (header, sidebar, a chart's "as a table" fold) stays off the slide.
    """
    st.html("""
<style>
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
  header[data-testid="stHeader"] { display: none !important; }
  .stApp { background: #ffffff; color: #000000; }
  [data-testid="stMain"] .block-container { max-width: 100%; padding: .5rem 2.5rem .5rem; }
  [data-testid="stMain"] p, [data-testid="stMain"] li, [data-testid="stMain"] label { font-size: 32px; line-height: 1.35;
    color: #000000; }
  [data-testid="stMain"] h1 { font-size: 60px; font-weight: 800; line-height: 1.15; padding: 0 0 .4rem; color: #000000; }
  [data-testid="stMain"] h2, [data-testid="stMain"] h3 { font-size: 44px; font-weight: 700; color: #000000; }
  [data-testid="stMain"] [data-testid="stCaptionContainer"],
  [data-testid="stMain"] [data-testid="stCaptionContainer"] p { font-size: 28px; color: #1a1a1a; }
  [data-testid="stMain"] [data-testid="stExpander"] { display: none; }
  [data-testid="stMain"] [data-testid="stCode"] pre, [data-testid="stMain"] [data-testid="stCode"] code {
    font-size: 28px; color: #000000; background: #f4f4f4; white-space: pre-wrap; word-break: break-all; }
  [data-testid="stMain"] .mc2cm-big-list > li { font-size: 36px; margin-bottom: .7rem; }
  [data-testid="stMain"] .mc2cm-sentences > li { font-size: 32px; margin-bottom: .5rem; }  /* whole questions */
  /* A citation stays on the slide (issue 15), secondary: regular weight, body size, dark blue (8.4:1). */
  .mc2cm-source { font-size: 28px !important; font-weight: 400; color: #1a4d8f !important; }
  .mc2cm-big-list .mc2cm-detail { font-size: 28px; color: #1a1a1a; }
  .mc2cm-card { border-color: #8a8a8a !important; }
  .mc2cm-card h4 { font-size: 36px !important; }
  .mc2cm-card p { font-size: 28px !important; }
  .mc2cm-card .mc2cm-muted { font-size: 28px !important; color: #1a1a1a !important; }
  .mc2cm-chip { font-size: 28px !important; padding: .15rem .8rem !important; }
  .mc2cm-legend { display: flex; flex-wrap: wrap; gap: .4rem 1.6rem; margin: .2rem 0 .6rem; padding: 0; list-style: none; }
  [data-testid="stMain"] .mc2cm-legend li { display: inline-flex; align-items: center; gap: .5rem; margin: 0; font-size: 30px; }
  .mc2cm-legend i { display: inline-block; width: 30px; height: 30px; border-radius: 50%; border: 2px solid #222222; }
  .mc2cm-qr img { display: block; width: min(100%, var(--mc2cm-qr)); height: auto; image-rendering: pixelated; }
  .mc2cm-slide-foot { display: flex; justify-content: space-between; gap: 1rem; font-size: 22px; color: #1a1a1a; }
  .mc2cm-slide-foot a { color: #1a1a1a; }
  .st-key-clicker-keys { position: absolute; left: -10000px; top: 0; }
  .mc2cm-figures { display: flex; flex-wrap: wrap; gap: 1rem 3rem; margin: 1rem 0; }
  .mc2cm-figures div { display: flex; flex-direction: column; }
  .mc2cm-figures dd { order: 1; margin: 0; font-size: 120px; font-weight: 800; line-height: 1; color: #000000; }
  .mc2cm-figures dt { order: 2; font-size: 32px; color: #000000; max-width: 14em; }
  [data-testid="stMain"] .mc2cm-top-posts > li { font-size: 36px; }  /* the room's words, in the list size */
  .mc2cm-text-bars { margin: .4rem 0; padding-inline-start: 2.2em; }
  [data-testid="stMain"] .mc2cm-text-bars > li { font-size: 28px; line-height: 1.3; margin: 0 0 .55rem; }
  [data-testid="stMain"] .mc2cm-text-bars p { font-size: 28px; margin: 0 0 .2rem; }
  .mc2cm-bar { display: flex; align-items: center; gap: .8rem; }
  .mc2cm-bar span { display: block; height: 30px; min-width: 4px; background: #0072B2; border-radius: 3px; }
  .mc2cm-bar strong { font-size: 36px; font-weight: 800; font-variant-numeric: tabular-nums; }
  .mc2cm-figures-grid { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 1.2rem 2.5rem; }
  .mc2cm-tag-counts { list-style: none; margin: .5rem 0; padding: 0; }
  [data-testid="stMain"] .mc2cm-tag-counts li { display: flex; align-items: baseline; gap: 1.2rem; font-size: 32px;
    margin: 0 0 .5rem; }
  .mc2cm-tag-counts strong { min-width: 2.2em; font-size: 60px; font-weight: 800; text-align: end;
    font-variant-numeric: tabular-nums; }
</style>""")


def current_scene(scenes: list[Scene]) -> int:
    return scene_index(scenes, st.query_params.get("scene"))


def unknown_scene_notice(scenes: list[Scene], ui: UI) -> None:
    """A ?scene= that is not in the deck: say so, then show the first scene."""
    asked = st.query_params.get("scene")
    if asked and all(scene.id != asked for scene in scenes):
        st.info(ui.t("present.unknown_scene", scene=escape_markdown(asked[:80])), icon=":material/help:")


def go_to(scenes: list[Scene], index: int) -> None:
    index = max(0, min(index, len(scenes) - 1))
    st.query_params["scene"] = scenes[index].id
    set_selection(Selection())  # the scene's own filters apply, not the browsing ones


def clicker_keys(scenes: list[Scene], index: int, ui: UI) -> None:
    """Arrow keys and a clicker's Page Up/Down step this window; no button shows on the slide.

    They move this window only: the room's cue is the presenter view's (signed in).
    """
    previous_key, next_key = ("Right", "Left") if ui.rtl else ("Left", "Right")
    with st.container(key="clicker-keys"):
        for key, shortcut, step in (("prev", previous_key, -1), ("next", next_key, 1),
                                    ("prev-page", "PageUp", -1), ("next-page", "PageDown", 1)):
            st.button(ui.t("present.previous" if step < 0 else "present.next"), key=key, shortcut=shortcut,
                      disabled=not 0 <= index + step < len(scenes), on_click=go_to, args=(scenes, index + step))


def follow_presenter(scenes: list[Scene]) -> None:
    """Every second, ask which scene the presenter shows; move only when the presenter moved.

    A fragment that draws nothing: the slide is left alone until the cue changes.
    """

    @st.fragment(run_every=FOLLOW_SECONDS)
    def _follow() -> None:
        cue = shared_board().cue()
        if cue is None or cue.step == st.session_state.get(SEEN_KEY):
            return
        st.session_state[SEEN_KEY] = cue.step
        target = scenes[scene_index(scenes, cue.scene_id)].id
        if st.query_params.get("scene") != target:
            go_to(scenes, scene_index(scenes, cue.scene_id))
            st.rerun(scope="app")

    _follow()


def projected_scene(scenes: list[Scene]) -> int:
    """The URL's scene; a window opened without one shows the presenter's current scene."""
    cue = shared_board().cue()
    if SEEN_KEY not in st.session_state:
        st.session_state[SEEN_KEY] = cue.step if cue is not None else None
        if cue is not None and not st.query_params.get("scene"):
            return scene_index(scenes, cue.scene_id)
    return current_scene(scenes)


def key_figures(figures: tuple[tuple[str, int], ...], ui: UI, *, grid: bool = False) -> None:
    """Key figures in the largest type on the slide (120 px): the figure shows first, what it counts under it;
    ``grid``: two to a row, aligned (four counts read as a square, not three and one)."""
    items = "".join(f"<div><dt>{escape(name)}</dt><dd>{escape(fmt_number(value, ui.lang))}</dd></div>"
                    for name, value in figures)
    kind = "mc2cm-figures mc2cm-figures-grid" if grid else "mc2cm-figures"
    st.html(f'<dl class="{kind}" dir="{"rtl" if ui.rtl else "ltr"}">{items}</dl>')


COUNT_REFRESH_SECONDS = 3  # as the live results: the figures move, the slide stays


def room_counts(poll_id: str, ui: UI) -> None:
    """The room's answers to a poll as figures only, none of their words, redrawn on their own.

    Questions and ideas: sent, on screen after review, awaiting review, upvotes (and, for ideas tied to a
    challenge or recommendation, how many each drew). Other kinds: how many phones answered. Safe to
    project before anything is reviewed: no delegate's text reaches the slide.
    """

    @st.fragment(run_every=COUNT_REFRESH_SECONDS)
    def _counts() -> None:
        spec = poll_spec(ui.data, poll_id, ui.lang)
        if spec is None:
            return
        store = room_vote_store()
        if not spec.takes_posts:
            key_figures(((ui.t("room.counts.devices"), store.voters(poll_id)),), ui)
        else:
            posts = store.posts(poll_id)  # one read per refresh, for the figures and the per-tag counts
            counted = post_counts(posts)
            sent = "room.counts.sent_ideas" if spec.kind == "ideas" else "room.counts.sent_questions"
            key_figures(((ui.t(sent), counted.sent), (ui.t("room.counts.shown"), counted.shown),
                         (ui.t("room.counts.waiting"), counted.waiting), (ui.t("room.counts.set_aside"), counted.set_aside),
                         (ui.t("room.counts.upvotes"), counted.upvotes)), ui, grid=True)  # sent = the next three
            if spec.tags:
                names = dict(spec.tags)
                items = "".join(f"<li><strong>{escape(fmt_number(n, ui.lang))}</strong><span>{escape(names[tag])}</span></li>"
                                for tag, n in tag_counts(posts, list(names)))
                st.html(f'<p dir="{"rtl" if ui.rtl else "ltr"}">{escape(ui.t("room.counts.by_tag"))}</p>'
                        f'<ul class="mc2cm-tag-counts" dir="{"rtl" if ui.rtl else "ltr"}" '
                        f'data-testid="mc2cm-tag-counts">{items}</ul>')
        st.caption(ui.t("room.counts.no_words"))

    _counts()


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
            key_figures(((ui.t("metric.participants"), int(event["participants_min"])),
                         (ui.t("metric.initiatives"), len(ui.data.initiatives)),
                         (ui.t("metric.challenges"), len(ui.data.challenges))), ui)
        st.caption(ui.t("overview.chatham"))


def _areas(ui: UI) -> None:
    initiatives = ui.data.initiatives
    shown = areas()
    cols = st.columns(len(shown))
    for col, area in zip(cols, shown, strict=True):
        named = initiatives[(initiatives["areas_basis"] == "document") & initiatives["areas"].map(lambda a, x=area: x in a)]
        items = "".join(f"<li>{escape(text(row, 'name', ui.lang))}</li>" for _, row in named.iterrows())
        col.html(f'<div class="mc2cm-card" dir="{"rtl" if ui.rtl else "ltr"}">{chips((area,), ui)}'
                 f"<ul class='mc2cm-big-list'>{items}</ul></div>")


def _numbered(frame: pd.DataFrame, ui: UI, body: str, table: str) -> None:
    items = "".join(f"<li><strong>{escape(text(row, 'title', ui.lang))}</strong>"
                    + (f"<br><span class='mc2cm-detail'>{escape(text(row, body, ui.lang))}</span>" if body else "")
                    + f" {source_link(table, row, ui)}</li>" for _, row in frame.iterrows())
    st.html(f'<ol class="mc2cm-big-list" dir="{"rtl" if ui.rtl else "ltr"}">{items}</ol>')


def area_legend(ui: UI) -> None:
    """What the map's colours mean, from the schema's area palette, large enough for the room."""
    palette = current_package().vocabulary("area").palette()
    keys = "".join(f'<li><i style="background:{colour}" aria-hidden="true"></i>{escape(label("area", area, ui.lang))}</li>'
                   for area, colour in palette.items())
    st.html(f'<ul class="mc2cm-legend" aria-label="{escape(ui.t("present.legend"))}" '
            f'dir="{"rtl" if ui.rtl else "ltr"}">{keys}</ul>')


def scene_body(scene: Scene, ui: UI) -> None:
    sel = scene_selection(scene, choices(ui.data))
    if scene.view == "overview":
        _overview(ui)
    elif scene.view == "areas":
        _areas(ui)
    elif scene.view == "map":
        area_legend(ui)
        parts = map_view(sel, ui, height=580)
        if not parts.elsewhere.empty:
            names = join((text(r, "name", ui.lang) for _, r in parts.elsewhere.iterrows()), ui.lang)
            st.caption(escape_markdown(ui.t("map.elsewhere_list", names=names)))  # French puts a space before ":"
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
        st.html(f'<ol class="mc2cm-big-list mc2cm-sentences" dir="{"rtl" if ui.rtl else "ltr"}">{items}</ol>')
    elif scene.view in ("initiative", "initiatives"):
        shown = select_initiatives(ui.data, sel)
        if sel.id in shown.index:
            shown = shown.loc[[sel.id]]
        for _, row in shown.head(6).iterrows():
            st.html(f'<div class="mc2cm-card" dir="{"rtl" if ui.rtl else "ltr"}"><h4>{escape(text(row, "name", ui.lang))}'
                    f"</h4>{chips(row['areas'], ui)}<p>{escape(text(row, 'summary', ui.lang))}</p>"
                    f"{source_link('initiatives', row, ui)}</div>")
    else:
        st.markdown(escape_markdown(label("scope", scene.view, ui.lang)))


def _request_url() -> str | None:
    try:
        return st.context.url
    except (AttributeError, RuntimeError):
        return None


def public_base(request_url: str | None = None) -> str:
    """Typed in the presenter view (shared with the projector), else ``$MC2CM_PUBLIC_URL``, else this address."""
    return public_base_url(shared_board().setting(PUBLIC_BASE) or None, request_url or _request_url())


def poll_state_caption(poll_id: str, ui: UI) -> None:
    """Under the code: whether scanning it now takes an answer. Redrawn on its own, as the results are,
    so opening or closing the poll in the presenter view shows here within seconds."""

    @st.fragment(run_every=COUNT_REFRESH_SECONDS)
    def _caption() -> None:
        is_open = room_vote_store().status(poll_id) == OPEN
        st.caption(ui.t("present.scan_vote" if is_open else "present.scan_closed"))

    _caption()


def qr_panel(scene: Scene, ui: UI) -> str:
    """The QR code of the scene's public view, sized for the back row, with the address written under it."""
    base = public_base()
    url = public_url(scene, base, light_ballot=front_door_active())
    if not reachable_by_phones(base):
        st.warning(ui.t("present.localhost"), icon=":material/wifi_off:")
    alt = ui.t("present.scan_vote" if scene.poll_id else "present.scan")  # what the code is for; its state is below
    # An <img> with a text alternative (st.image writes none): what the code is for, and where it leads.
    # PNG, lossless, drawn at least as large as shown: JPEG or upscaling blurs the modules.
    side = qr_side_px()
    png = base64.b64encode(qr_png(url, scale=qr_scale(url, side))).decode("ascii")
    st.html(f'<div class="mc2cm-qr" style="--mc2cm-qr:{side}px"><img src="data:image/png;base64,{png}" '
            f'width="{side}" height="{side}" data-testid="mc2cm-qr" alt="{escape(f"{alt}: {url}")}"></div>')
    if scene.poll_id:
        poll_state_caption(scene.poll_id, ui)
    else:
        st.caption(ui.t("present.scan"))
    st.code(url, language=None, wrap_lines=True)
    return url


def slide_foot(scenes: list[Scene], index: int, ui: UI) -> None:
    """Where the talk stands, and a quiet link the facilitator opens on the laptop: the presenter view."""
    query = urlencode({"view": "presenter", "scene": scenes[index].id, "lang": ui.lang})
    st.html(f'<div class="mc2cm-slide-foot" dir="{"rtl" if ui.rtl else "ltr"}">'
            f"<span>{escape(ui.t('present.counter', n=index + 1, total=len(scenes)))}</span>"
            f'<a href="?{escape(query)}" target="_self" data-testid="mc2cm-presenter-link">'
            f"{escape(ui.t('presenter.open'))}</a></div>")


def presentation(ui: UI) -> None:
    """The projector: the scene and nothing else, following the presenter view's scene."""
    scenes = deck(ui.data)
    if not scenes:
        st.info(ui.t("present.empty"))
        return
    unknown_scene_notice(scenes, ui)
    index = projected_scene(scenes)
    scene = scenes[index]
    if st.query_params.get("scene") != scene.id:
        st.query_params["scene"] = scene.id
    clicker_keys(scenes, index, ui)
    if scene.view == ROOM_RESULTS and scene.poll_id:  # the room's top answers to an earlier poll: no code to scan
        from components.polls import live_results  # noqa: PLC0415

        st.title(escape_markdown(scene.title(ui.lang)))
        live_results(scene.poll_id, ui)
        slide_foot(scenes, index, ui)
        follow_presenter(scenes)
        return
    body, side = st.columns([11, 7], gap="large")  # the code from the top of the screen: the most room for it
    with side:
        qr_panel(scene, ui)
    with body:
        st.title(escape_markdown(scene.title(ui.lang)))
        if scene.view == ROOM_COUNTS and scene.poll_id:
            room_counts(scene.poll_id, ui)  # figures only: the words wait for review
        elif scene.poll_id:
            from components.polls import live_results  # noqa: PLC0415

            live_results(scene.poll_id, ui)  # the options are the chart's rows
        else:
            scene_body(scene, ui)
    slide_foot(scenes, index, ui)
    follow_presenter(scenes)
