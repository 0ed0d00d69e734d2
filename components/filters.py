"""The filter panel: the same widgets on every page, bound to the URL."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypedDict

import streamlit as st

from components.data import filter_choices
from components.layout import UI, current_selection, set_selection, write_url
from mc2cm.filters import MULTI_KEYS, Selection
from mc2cm.i18n import country_name, label, text
from mc2cm.plaintext import escape_markdown

ALL_FILTERS = frozenset({*MULTI_KEYS, "q"})


def _labeller(ui: UI, key: str) -> Callable[[str], str]:
    data = ui.data
    if key == "area":
        return lambda code: label("area", code, ui.lang)
    if key == "actor":
        return lambda code: label("actor_type", code, ui.lang)
    if key == "country":
        return lambda code: country_name(code, ui.lang)
    if key == "role":
        return lambda code: text(data.cso_roles.loc[code], "name", ui.lang) if code in data.cso_roles.index else code
    if key == "source":
        return lambda code: text(data.sources.loc[code], "title", ui.lang) if code in data.sources.index else code
    return str


APPLIED_KEY = "mc2cm_filters_applied"  # how many times a filter was applied in this session
# A phone's sidebar is a drawer over the page: once a filter is applied, it closes, so the
# reader sees what the filter did. Streamlit has no call for this (``initial_sidebar_state``
# is ignored once the reader has opened or closed the sidebar, which Streamlit remembers in
# the browser), so a line of script presses the sidebar's own close button, on screens no
# wider than Streamlit's own phone layout (768 px); on a desktop the sidebar stays open.
NARROW = "(max-width: 768px)"
CLOSE_DRAWER = """<script>/* {n} */ (function () {{
  if (!window.matchMedia("{narrow}").matches) {{ return; }}
  var close = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
  if (close) {{ close.click(); }}
}})();</script>"""


def _applied() -> None:
    st.session_state[APPLIED_KEY] = int(st.session_state.get(APPLIED_KEY, 0)) + 1


def _on_change() -> None:
    sel = current_selection()
    values: dict[str, object] = {key: tuple(st.session_state.get(f"w_{key}", ())) for key in MULTI_KEYS}
    values["q"] = str(st.session_state.get("w_q", "")).strip()
    set_selection(sel.with_(**values, id=""))
    _applied()


def _reset() -> None:
    set_selection(Selection())
    for key in (*MULTI_KEYS, "q"):
        st.session_state.pop(f"w_{key}", None)
    _applied()


def _close_drawer_once() -> None:
    """After a filter was applied (this run comes from its callback), close a phone's sidebar."""
    applied = int(st.session_state.get(APPLIED_KEY, 0))
    if applied and st.session_state.get(f"{APPLIED_KEY}_done") != applied:
        st.session_state[f"{APPLIED_KEY}_done"] = applied
        # the count makes each script a new element, so a second filter closes the drawer again
        st.html(CLOSE_DRAWER.format(n=applied, narrow=NARROW), unsafe_allow_javascript=True)


class _FilterWidget(TypedDict):
    """What the pills and the multiselects of the panel share."""

    label: str
    options: list[str]
    key: str
    format_func: Callable[[str], str]
    on_change: Callable[[], None]
    disabled: bool
    help: str | None


PILL_KEYS = ("area", "country")      # short lists, one tap each: always in view
MORE_KEYS = ("role", "actor", "source")  # long labels: in the "More filters" popover, with the search


def filter_panel(ui: UI, applies: frozenset[str] = ALL_FILTERS, *, keep_id: bool = False,
                 search_in_view: bool = False) -> Selection:
    """Draw the filters in the sidebar; return the selection (also written to the URL).

    Area of work and country are pills, always in view. The filters with long
    labels sit in a popover, whose button counts the ones in use; its widgets
    load only when it is opened, which keeps the first paint of a page light.
    The search is in the popover too, unless ``search_in_view`` (pages that
    are mostly read by searching) puts it above the pills. Filters that do not
    apply to the page stay visible but disabled, so the state carries over
    when the user moves on.
    """
    sel = current_selection()
    options = filter_choices()

    def common(key: str) -> _FilterWidget:
        st.session_state[f"w_{key}"] = list(getattr(sel, key))
        shown = _labeller(ui, key)
        # Pills render their options as Markdown; a multiselect shows its options as plain text.
        fmt: Callable[[str], str] = (lambda value: escape_markdown(shown(value))) if key in PILL_KEYS else shown
        return {"label": ui.t(f"filters.{key}"), "options": list(getattr(options, key)), "key": f"w_{key}",
                "format_func": fmt, "on_change": _on_change, "disabled": key not in applies,
                "help": None if key in applies else ui.t("filters.not_applicable")}

    def search() -> None:
        st.session_state["w_q"] = sel.q
        st.text_input(ui.t("filters.q"), key="w_q", on_change=_on_change, disabled="q" not in applies,
                      max_chars=200, placeholder=ui.t("filters.q_example"))

    with st.sidebar:
        st.subheader(ui.t("filters.heading"))
        if search_in_view:
            search()
        for key in PILL_KEYS:
            st.pills(selection_mode="multi", **common(key))
        in_use = sum(1 for key in MORE_KEYS if getattr(sel, key)) + (1 if sel.q and not search_in_view else 0)
        more = ui.t("filters.more") + (f" ({in_use})" if in_use else "")
        with st.popover(more, icon=":material/tune:", width="stretch"):
            if not search_in_view:
                search()
            for key in MORE_KEYS:
                st.multiselect(placeholder=ui.t("count.all"), **common(key))
        if not sel.is_empty:
            st.button(ui.t("filters.reset"), on_click=_reset, icon=":material/filter_alt_off:")
        _close_drawer_once()
    write_url(ui.lang, sel, keep_id=keep_id)
    return sel
