"""Page setup shared by every page: language, right-to-left, navigation, URL state.

Every page calls :func:`page_setup` first, so each works when it is the very
first request to a fresh server (a deep link or a QR code): there is no
``st.navigation`` entry script that a page could miss. The app draws its
own translated navigation; Streamlit's file-name navigation is off
(``client.showSidebarNavigation = false``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import streamlit as st

from components.data import dataset, filter_choices
from mc2cm.assets import SERVE_COMMAND, front_door_active
from mc2cm.filters import Selection, parse_query
from mc2cm.i18n import DEFAULT_LANG, LANGS, LANGUAGE_NAMES, fmt_moment, is_rtl, normalise_lang, t, tn
from mc2cm.loading import Dataset
from mc2cm.plaintext import escape_markdown

# (page key, script path, icon). The URL path of a page is its file name.
PAGES: tuple[tuple[str, str, str], ...] = (
    ("overview", "app.py", ":material/home:"),
    ("map", "pages/map.py", ":material/map:"),
    ("places", "pages/places.py", ":material/location_city:"),
    ("initiatives", "pages/initiatives.py", ":material/diversity_3:"),
    ("challenges", "pages/challenges.py", ":material/hub:"),
    ("cso_roles", "pages/cso_roles.py", ":material/balance:"),
    ("data", "pages/data.py", ":material/table_view:"),
    ("present", "pages/present.py", ":material/co_present:"),
)
STATIC = "/app/static/vendor"
FAVICON = str(Path(__file__).resolve().parent.parent / "static" / "favicon.png")
SEL_KEY, LANG_KEY, SYNCED_KEY, NOTICE_KEY = "mc2cm_sel", "mc2cm_lang", "mc2cm_synced_url", "mc2cm_notices"


@dataclass(frozen=True)
class UI:
    page: str
    lang: str
    data: Dataset

    @property
    def rtl(self) -> bool:
        return is_rtl(self.lang)

    def t(self, key: str, **values: object) -> str:
        return t(key, self.lang, **values)

    def tn(self, key: str, n: int, **values: object) -> str:
        return tn(key, n, self.lang, **values)


def _url_params() -> dict[str, list[str]]:
    return {key: st.query_params.get_all(key) for key in st.query_params}


def _browser_lang() -> str | None:
    try:
        return normalise_lang(st.context.locale)
    except (AttributeError, RuntimeError):
        return None


def _sync_from_url() -> None:
    """When the URL changed from outside (first load, link, reload), it wins."""
    params = _url_params()
    if st.session_state.get(SYNCED_KEY) == params:
        return
    sel, lang, ignored = parse_query(params, filter_choices())
    st.session_state[SEL_KEY] = sel
    if lang:
        st.session_state[LANG_KEY] = lang
    st.session_state[NOTICE_KEY] = ignored
    st.session_state[SYNCED_KEY] = params


def current_selection() -> Selection:
    sel = st.session_state.get(SEL_KEY)
    return sel if isinstance(sel, Selection) else Selection()


def set_selection(sel: Selection) -> None:
    st.session_state[SEL_KEY] = sel


def write_url(lang: str, sel: Selection, *, keep_id: bool, keep: tuple[str, ...] = ()) -> None:
    """Put the language and the selection in the URL (only when it changes).

    ``keep`` names page-specific parameters (``scene``, ``poll``) left as they are.
    """
    params = sel.with_(id=sel.id if keep_id else "").to_query(lang)
    for key in keep:
        if key in st.query_params:
            params[key] = st.query_params[key]
    wanted = {k: v if isinstance(v, list) else [v] for k, v in params.items()}
    if _url_params() != wanted:
        st.query_params.from_dict(params)
    st.session_state[SYNCED_KEY] = wanted


def _on_lang_change() -> None:
    st.session_state[LANG_KEY] = st.session_state["w_lang"]


def _style(lang: str) -> None:
    rtl = is_rtl(lang)
    direction = "rtl" if rtl else "ltr"
    st.html(
        f"""
<link rel="stylesheet" href="{STATIC}/fonts/fonts.css">
<style>
  html, body, .stApp, .stMarkdown, button, input, textarea, select, [data-testid="stSidebar"] {{
    font-family: 'MC2CM Arabic', 'Source Sans Pro', system-ui, -apple-system, 'Segoe UI', sans-serif;
  }}
  /* Only the content flips: the sidebar keeps Streamlit's own placement, so
     it still slides away properly on a phone. */
  [data-testid="stMain"], [data-testid="stSidebarContent"], [data-testid="stSidebarUserContent"] {{
    direction: {direction};
  }}
  {'.stMarkdown, h1, h2, h3, h4, p, li, label, [data-testid="stCaptionContainer"] {text-align: right;}' if rtl else ''}
  {'[data-testid="stTable"] table, .mc2cm-table {direction: rtl;} th, td {text-align: right !important;}' if rtl else ''}
  [data-testid="stPageLink"] p {{ white-space: normal; overflow: visible; text-overflow: clip; }}
  .mc2cm-card {{ border: 1px solid #e3e3e3; border-radius: .6rem; padding: .8rem 1rem; margin-bottom: .6rem;
                 background: #fff; }}
  .mc2cm-card h4 {{ margin: 0 0 .3rem 0; font-size: 1.1rem; }}
  .mc2cm-chip {{ display: inline-block; padding: .05rem .55rem; margin: .1rem .15rem; border-radius: 1rem;
                 font-size: .8rem; color: #fff; }}
  .mc2cm-muted {{ color: #555; font-size: .9rem; }}
  /* WCAG 2.2 AA contrast (axe): Streamlit's faded greys are 2.3-3.9:1 on white; these are 6-7:1 */
  [data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p {{ color: #555555; opacity: 1; }}
  [data-testid="stWidgetLabel"] p, .stButtonGroup > div > span p {{ color: #3d3d3d; opacity: 1; }}
  a[data-testid="stPageLink-NavLink"][disabled], a[data-testid="stPageLink-NavLink"][disabled] p {{
    color: #3d3d3d; opacity: 1; font-weight: 600; }}
  /* Phones: narrow margins, but the top padding clears Streamlit's fixed top bar (3.75rem), which
     otherwise covers the first line of the page (a detail page's back link). */
  /* Targets of at least 24 x 24 CSS px (WCAG 2.5.8): the links of /map's list of places are
     alone on their line, so they get the height of a target. Streamlit's heading anchors are
     16 px, invisible until hovered, yet a stop for Tab: the headings are not linked to. */
  .mc2cm-places a {{ display: inline-block; padding: .2rem 0; min-height: 24px; }}
  .mc2cm-places li {{ margin: .1rem 0; }}
  [data-testid="stHeaderActionElements"] {{ display: none; }}
  [data-testid="stRadioOption"] {{ min-height: 24px; align-items: center; }}
  /* A closed sidebar (its open button is showing) is out of view: its controls leave the Tab order
     too, so a keyboard on a phone does not walk through a dozen invisible filters. */
  .stApp:has([data-testid="stExpandSidebarButton"]) [data-testid="stSidebarContent"] {{ visibility: hidden; }}
  @media (max-width: 640px) {{ .block-container {{ padding: calc(3.75rem + .5rem) .6rem 1rem; }}
                               h1 {{ font-size: 1.6rem; }} }}
</style>
"""
    )


STAFF_PAGES: tuple[tuple[str, str, str], ...] = (("manage", "pages/manage.py", ":material/edit_note:"),)


def navigation(lang: str, sel: Selection, current: str) -> None:
    """Public pages; the staff page only once someone has signed in (or is on it)."""
    pages = PAGES + STAFF_PAGES if st.session_state.get("mc2cm_staff") else PAGES
    with st.sidebar:
        st.caption(t("nav.heading", lang))
        for key, path, icon in pages:
            st.page_link(path, label=t(f"page.{key}", lang), icon=icon, query_params=params_for(lang, sel),
                         disabled=key == current)
        st.divider()


def page_setup(page: str, *, layout: str = "wide", keep: tuple[str, ...] = (), sidebar: bool = True) -> UI:
    """First call of every page. Returns the language and the data.

    ``sidebar=False`` leaves the language switch and navigation to a later
    :func:`page_sidebar` call: the map page draws its map first, so the
    browser starts loading it before the sidebar's widgets.
    """
    data = dataset()
    _sync_from_url()
    lang = st.session_state.get(LANG_KEY) or _browser_lang() or DEFAULT_LANG
    st.session_state[LANG_KEY] = lang
    st.set_page_config(page_title=f"{t(f'page.{page}', lang)} · MC2CM", page_icon=FAVICON,
                       layout=layout, initial_sidebar_state="auto")  # type: ignore[arg-type]
    _style(lang)
    ui = UI(page=page, lang=lang, data=data)
    if sidebar:
        page_sidebar(ui)
    notices = st.session_state.get(NOTICE_KEY) or []
    if notices:
        st.info(t("filters.ignored", lang, items=escape_markdown(", ".join(notices))), icon=":material/info:")
        st.session_state[NOTICE_KEY] = []
    if data.as_of is not None:  # quietly: the room sees the last valid data, staff see the problems on /data
        st.caption(t("data.as_of", lang, time=fmt_moment(data.as_of, lang)))
    elif not data.valid:
        st.warning(t("data.problem_banner", lang), icon=":material/warning:")
    if page not in {"initiatives"}:
        write_url(lang, current_selection(), keep_id=False, keep=keep)
    return ui


def page_sidebar(ui: UI) -> None:
    """The language switch and the navigation, at the top of the sidebar."""
    with st.sidebar:
        st.session_state["w_lang"] = ui.lang
        st.segmented_control(t("lang.label", ui.lang), options=list(LANGS),
                             format_func=lambda code: LANGUAGE_NAMES[code],
                             key="w_lang", on_change=_on_lang_change, selection_mode="single")
    navigation(ui.lang, current_selection(), ui.page)
    if not front_door_active():
        st.sidebar.caption(ui.t("app.no_front_door", command=SERVE_COMMAND))
    else:  # the brief of this view (web/brief.py), to print or save as PDF
        st.sidebar.link_button(ui.t("brief.print"), brief_link(ui.lang, current_selection()),
                               icon=":material/print:", width="stretch")


def brief_link(lang: str, sel: Selection) -> str:
    """``/brief?…`` for the view the reader is on: language, filters and the opened initiative."""
    return "/brief?" + urlencode(sel.to_query(lang), doseq=True)


def params_for(lang: str, sel: Selection, **extra: str) -> Mapping[str, str | list[str]]:
    """Query parameters that carry the language and filters to another page (plus ``extra``)."""
    params = dict(sel.with_(id="").to_query(lang))
    params.update(extra)
    return params
