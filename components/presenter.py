"""The presenter view (/present?view=presenter): what the facilitator sees, never the room.

Signed in only. On the laptop beside the projector, or on a phone used as the clicker:
big previous/next buttons, the scene's notes in the facilitator's language, the next
scene, a timer, and the poll's controls. Every step is the room's cue
(:mod:`mc2cm.presenter`): the projector window follows it in its own language.
"""

from __future__ import annotations

from html import escape
from urllib.parse import urlencode, urlsplit

import streamlit as st

from components.auth import sign_in_panel, signed_in
from components.layout import UI
from components.present import SEEN_KEY, current_scene, follow_presenter, go_to, unknown_scene_notice
from mc2cm.i18n import LANGS, LANGUAGE_NAMES, text
from mc2cm.plaintext import escape_markdown
from mc2cm.presenter import PUBLIC_BASE, Cue, room_session, room_vote_store, set_room_session, shared_board, timer_text
from mc2cm.scenes import Scene, deck, public_base_url, scene_index
from mc2cm.votes import DEFAULT_SESSION

PRESENTER = "presenter"
VIEWS = ("", PRESENTER)  # ?view= of /present: the projector (none) or the presenter view
PUBLIC_URL_KEY = "presenter_public_url"
SESSION_NOTICE_KEY = "presenter_session_notice"


def wants_presenter_view(ui: UI) -> bool:
    """True for ?view=presenter; any other ?view= is named as unknown, and the projector shows."""
    view = st.query_params.get("view") or ""
    if view in VIEWS:
        return view == PRESENTER
    st.warning(ui.t("present.unknown_view", view=escape_markdown(view[:40])), icon=":material/help:")
    return False


def presenter_style() -> None:
    """Large targets for a thumb or a hurried hand; the timer counts in the browser (CSS), no rerun a second."""
    st.html("""
<style>
  .st-key-presenter-steps { flex-wrap: nowrap !important; }  /* side by side on a 390 px phone too */
  .st-key-presenter-steps > div { flex: 1 1 0 !important; min-width: 0 !important; }
  .st-key-presenter-steps button { min-height: 96px; }
  .st-key-presenter-steps button p { font-size: 28px; font-weight: 700; }
  @media (max-width: 640px) {  /* a phone as the clicker: the word in full, the key hint is for keyboards */
    .st-key-presenter-steps button p { font-size: 22px; }
    .st-key-presenter-steps [aria-label^="Shortcut"] { display: none; } }
  .st-key-presenter-keys { position: absolute; left: -10000px; top: 0; }
  .mc2cm-notes p { font-size: 22px; line-height: 1.45; color: #000000; }
  .mc2cm-next-slide { aspect-ratio: 16 / 9; border: 2px solid #595959; border-radius: .4rem; padding: .6rem .8rem;
                      background: #ffffff; color: #000000; overflow: hidden; }
  .mc2cm-next-slide strong { display: block; font-size: 20px; line-height: 1.25; }
  .mc2cm-next-slide span { display: block; font-size: 16px; color: #3d3d3d; margin-top: .4rem; }
  /* The integer syntax, escaped: st.html's sanitiser drops a style whose text holds a less-than sign and a letter. */
  @property --mc2cm-s { syntax: '\\3c integer\\3e'; inherits: true; initial-value: 0; }
  @property --mc2cm-mm { syntax: '\\3c integer\\3e'; inherits: true; initial-value: 0; }
  @property --mc2cm-ss { syntax: '\\3c integer\\3e'; inherits: true; initial-value: 0; }
  @keyframes mc2cm-tick { from { --mc2cm-s: 0; } to { --mc2cm-s: 360000; } }
  .mc2cm-timer { font-size: 48px; font-weight: 800; font-variant-numeric: tabular-nums; color: #000000;
                 animation: mc2cm-tick 360000s linear forwards;
                 --mc2cm-mm: calc((var(--mc2cm-s) - 29.5) / 60);  /* floor(s / 60): integers round */
                 --mc2cm-ss: calc(var(--mc2cm-s) - var(--mc2cm-mm) * 60);
                 counter-reset: mm var(--mc2cm-mm) ss var(--mc2cm-ss); }
  .mc2cm-timer .mc2cm-timer-now { display: none; }
  .mc2cm-timer::after { content: counter(mm, decimal-leading-zero) ":" counter(ss, decimal-leading-zero); }
</style>""")


def _step(scenes: list[Scene], index: int) -> None:
    """Make ``index`` the room's scene, here and on the projector."""
    index = max(0, min(index, len(scenes) - 1))
    cue = shared_board().show(scenes[index].id)
    st.session_state[SEEN_KEY] = cue.step
    go_to(scenes, index)


def step_buttons(scenes: list[Scene], index: int, ui: UI) -> None:
    """Previous and next, side by side even on a phone; arrows and a clicker's Page Up/Down too."""
    previous_key, next_key = ("Right", "Left") if ui.rtl else ("Left", "Right")
    back, forward = (":material/arrow_forward:", ":material/arrow_back:") if ui.rtl else \
        (":material/arrow_back:", ":material/arrow_forward:")
    with st.container(horizontal=True, key="presenter-steps"):
        st.button(ui.t("present.previous"), key="presenter-prev", icon=back, shortcut=previous_key,
                  disabled=index == 0, on_click=_step, args=(scenes, index - 1), width="stretch")
        st.button(ui.t("present.next"), key="presenter-next", icon=forward, shortcut=next_key, type="primary",
                  disabled=index >= len(scenes) - 1, on_click=_step, args=(scenes, index + 1), width="stretch")
    with st.container(key="presenter-keys"):
        st.button(ui.t("present.previous"), key="presenter-prev-page", shortcut="PageUp",
                  disabled=index == 0, on_click=_step, args=(scenes, index - 1))
        st.button(ui.t("present.next"), key="presenter-next-page", shortcut="PageDown",
                  disabled=index >= len(scenes) - 1, on_click=_step, args=(scenes, index + 1))


def timer(cue: Cue, ui: UI) -> None:
    """Time since the talk started, counted on by the browser from the server's figure."""
    elapsed = cue.elapsed()
    st.html(f'<div class="mc2cm-timer" role="timer" data-testid="mc2cm-timer" aria-label="{escape(ui.t("presenter.timer"))}"'
            f' style="animation-delay:-{elapsed}s"><span class="mc2cm-timer-now">{timer_text(elapsed)}</span></div>')
    st.button(ui.t("presenter.restart_timer"), key="presenter-restart", icon=":material/restart_alt:",
              on_click=shared_board().restart_timer)


def next_scene(scenes: list[Scene], index: int, ui: UI) -> None:
    """The next scene's title and a small preview of what it shows."""
    st.subheader(ui.t("presenter.next_scene"))
    if index + 1 >= len(scenes):
        st.caption(ui.t("presenter.last_scene"))
        return
    upcoming = scenes[index + 1]
    shows = ui.t(SHOWS[upcoming.view]) if upcoming.view in SHOWS else ""
    if upcoming.poll_id and upcoming.view not in ("room_results", "room_counts"):
        shows = ui.t("presenter.shows_poll")
    st.html(f'<div class="mc2cm-next-slide" dir="{"rtl" if ui.rtl else "ltr"}" data-testid="mc2cm-next-scene">'
            f"<strong>{escape(upcoming.title(ui.lang))}</strong><span>{escape(shows)}</span></div>")


SHOWS = {  # a scene's view, in words (the catalogs' keys, written out so the catalog check sees them)
    "overview": "presenter.shows.overview", "areas": "presenter.shows.areas", "map": "presenter.shows.map",
    "initiatives": "presenter.shows.initiatives", "initiative": "presenter.shows.initiative",
    "challenges": "presenter.shows.challenges", "priorities": "presenter.shows.priorities",
    "key_messages": "presenter.shows.key_messages", "cso_roles": "presenter.shows.cso_roles",
    "guiding_questions": "presenter.shows.guiding_questions", "room_results": "presenter.shows.room_results",
    "room_counts": "presenter.shows.room_counts"}


def poll_panel(poll_id: str, ui: UI) -> None:
    """The poll's controls, moved here from the projected slide: open, close, export, reset (confirmed,
    undoable), moderation and publishing (``components.polls.poll_controls``)."""
    from components.polls import poll_controls, poll_row, results_chart  # noqa: PLC0415 - polls only where a scene has one

    poll = poll_row(ui, poll_id)
    if poll is None:
        return
    st.subheader(ui.t("presenter.poll"))
    st.markdown(escape_markdown(text(poll, "question", ui.lang)))

    @st.fragment(run_every=3)
    def _count() -> None:
        _, voters, _ = results_chart(poll_id, ui)
        st.markdown(f"<span data-testid='mc2cm-presenter-voters'>{escape(ui.tn('poll.voters', voters))}</span>",
                    unsafe_allow_html=True)

    _count()
    poll_controls(poll_id, ui)  # with the moderation (questions, ideas) and publishing panels


def _save_public_url() -> None:
    typed = str(st.session_state.get(PUBLIC_URL_KEY) or "").strip()
    parts = urlsplit(typed)
    if typed and (parts.scheme not in ("http", "https") or not parts.netloc):
        st.session_state["presenter_public_url_bad"] = True
        return
    st.session_state["presenter_public_url_bad"] = False
    shared_board().set_setting(PUBLIC_BASE, typed.rstrip("/"))


def projector_links(scene: Scene, ui: UI) -> None:
    """Open the projector window, in any language, and tell it the address phones reach."""
    st.subheader(ui.t("presenter.projector"))
    links = " · ".join(f'<a href="?{escape(urlencode({"scene": scene.id, "lang": lang}))}" target="_blank" '
                       f'lang="{lang}">{escape(LANGUAGE_NAMES[lang])}</a>' for lang in LANGS)
    st.html(f'<p dir="{"rtl" if ui.rtl else "ltr"}">{escape(ui.t("presenter.open_projector"))} {links}</p>')
    board = shared_board()
    if PUBLIC_URL_KEY not in st.session_state:
        st.session_state[PUBLIC_URL_KEY] = board.setting(PUBLIC_BASE)
    st.text_input(ui.t("present.public_url"), key=PUBLIC_URL_KEY, on_change=_save_public_url,
                  placeholder=public_base_url(None, None))
    if st.session_state.get("presenter_public_url_bad"):
        st.warning(ui.t("presenter.bad_public_url"), icon=":material/link_off:")


def session_shown(name: str, ui: UI) -> str:
    """A session as the facilitator reads it: its id, or the default's name in their language."""
    return ui.t("presenter.session_default") if name == DEFAULT_SESSION else name


def session_picker(ui: UI) -> None:
    """Which session the room answers into: a past one again, or a new one for the next workshop.

    Phones, the projector, moderation, exports and publishing all follow (``room_vote_store``); the answers
    of the other sessions stay where they are.
    """
    current = room_session()
    known = dict(room_vote_store().sessions())
    notice = st.session_state.pop(SESSION_NOTICE_KEY, None)
    st.subheader(ui.t("presenter.session"))
    st.html(f'<p dir="{"rtl" if ui.rtl else "ltr"}" data-testid="mc2cm-room-session">'
            f'{escape(ui.t("presenter.session_now"))} <strong dir="auto">{escape(session_shown(current, ui))}</strong> · '
            f'{escape(ui.tn("poll.voters", known.get(current, 0)))}</p>')
    if notice:
        st.success(notice, icon=":material/check_circle:")  # ids are checked slugs: no Markdown can pass
    with st.expander(ui.t("presenter.session_change"), icon=":material/swap_horiz:"):
        options = [current, *(name for name in known if name != current)]
        with st.form("presenter-session", border=False):
            chosen = st.selectbox(ui.t("presenter.session_existing"), options, key=f"presenter-session-existing-{current}",
                                  format_func=lambda name: f"{session_shown(name, ui)} · "
                                                           f"{ui.tn('poll.voters', known.get(name, 0))}")
            # keyed by the room's session: after a switch the box starts empty; after a refusal it keeps the typing
            typed = st.text_input(ui.t("presenter.session_new"), key=f"presenter-session-new-{current}", max_chars=64,
                                  placeholder="sfax-2027-03", help=ui.t("presenter.session_new_help"))
            switch = st.form_submit_button(ui.t("presenter.session_switch"), icon=":material/swap_horiz:")
        if not switch:
            return
        target = (typed or "").strip().lower() or str(chosen)
        if target == current:
            st.info(ui.t("presenter.session_same"))
            return
        try:
            set_room_session(target)
        except ValueError:
            st.warning(ui.t("presenter.session_bad"), icon=":material/error:")
            return
        notice = ui.t("presenter.session_switched", session=session_shown(target, ui), previous=session_shown(current, ui))
        if target not in known:  # nothing answered there yet: every poll starts closed
            notice += " " + ui.t("presenter.session_polls_closed")
        st.session_state[SESSION_NOTICE_KEY] = notice
        st.rerun()


def presenter_view(ui: UI) -> None:
    presenter_style()
    scenes = deck(ui.data)
    if not scenes:
        st.info(ui.t("present.empty"))
        return
    if not signed_in():
        st.title(ui.t("presenter.title"))
        st.caption(ui.t("presenter.sign_in_first"))
        sign_in_panel(ui)
        return
    sign_in_panel(ui)  # signed in: the name and a sign-out in the sidebar
    unknown_scene_notice(scenes, ui)
    board = shared_board()
    cue = board.cue() or board.show(scenes[current_scene(scenes)].id)
    st.session_state[SEEN_KEY] = cue.step
    index = scene_index(scenes, cue.scene_id)
    scene = scenes[index]
    if st.query_params.get("scene") != scene.id:
        st.query_params["scene"] = scene.id
    step_buttons(scenes, index, ui)
    st.caption(" · ".join((ui.t("present.facilitator"), ui.t("present.counter", n=index + 1, total=len(scenes)),
                           ui.t("present.keys"))))
    st.title(escape_markdown(scene.title(ui.lang)))
    main, side = st.columns([3, 2], gap="large")
    with main:
        st.subheader(ui.t("present.note"))
        note = scene.note(ui.lang)
        with st.container(border=True, key="presenter-notes"):
            st.html(f'<div class="mc2cm-notes" dir="{"rtl" if ui.rtl else "ltr"}" data-testid="mc2cm-notes">'
                    f"<p>{escape(note) if note else escape(ui.t('presenter.no_note'))}</p></div>")
    with side:
        st.subheader(ui.t("presenter.elapsed"))
        timer(cue, ui)
        next_scene(scenes, index, ui)
    if scene.poll_id:
        poll_panel(scene.poll_id, ui)  # the full width: its buttons keep their words
    projector_links(scene, ui)
    session_picker(ui)
    follow_presenter(scenes)  # a step from the phone shows here too
