"""The one generic renderer of a spec: the table picker, then the list, the forms and import/export of one table.

Split by concern: lowcode/list_view.py (search, filters, sort, paging, selection), lowcode/form_view.py
(create and edit forms, delete, deactivate, row and table actions) and lowcode/transfer_view.py (import and
export). Each page that uses it checks its role in render() first; this module checks each table's own.
"""

from __future__ import annotations

import streamlit as st

from core.accounts import permissions
from i18n import t
from lowcode import form_view, list_view, transfer_view
from lowcode.registry import Registry
from lowcode.spec import AdminSpec, title
from lowcode.ui_state import show_flash

TABLE_PARAM = "table"
PICKED = "lc.table"


def _picked(specs: list[AdminSpec]) -> AdminSpec:
    keys = [s.key for s in specs]
    wanted = st.query_params.get(TABLE_PARAM)
    if (
        wanted in keys
        and st.session_state.get(PICKED) != wanted
        and st.session_state.get("lc.url_table") != wanted
    ):
        st.session_state[PICKED] = wanted  # an opened link names the table
    if st.session_state.get(PICKED) not in keys:
        st.session_state[PICKED] = keys[0]
    return next(s for s in specs if s.key == st.session_state[PICKED])


def _switched() -> None:
    list_view.forget_url()


def render_page(registry: Registry, specs: list[AdminSpec], user) -> None:
    """Show the table picker (only the tables the user may open) and the picked table."""
    st.title(t("lowcode.page.title"))
    if not specs:
        st.info(t("lowcode.page.no_tables"))
        return
    spec = _picked(specs)
    st.segmented_control(
        t("lowcode.page.picker"),
        [s.key for s in specs],
        key=PICKED,
        format_func=lambda k: title(registry[k]),
        label_visibility="collapsed",
        required=True,
        on_change=_switched,
    )
    if st.query_params.get(TABLE_PARAM) != spec.key:
        st.query_params[TABLE_PARAM] = spec.key
    st.session_state["lc.url_table"] = spec.key
    render_table(registry, spec, user, heading=False)


def render_table(registry: Registry, spec: AdminSpec, user, *, heading: bool = True):
    """Show one table: toolbar, list, the selected row's form and actions; return the selected row's pk."""
    if not permissions.allowed(user, spec.roles.view):
        st.error(t("error.forbidden"))
        return None
    if heading:
        st.subheader(title(spec))
    show_flash()
    state, page = list_view.show(registry, spec, user, _toolbar(registry, spec, user))
    form_view.dialogs(registry, spec, user)
    transfer_view.dialog(registry, spec, user, state)
    picked = list_view.selected(spec, page) if page is not None else None
    if picked is not None and not form_view.row_panel(registry, spec, user, picked):
        picked = None  # the row is gone, or not the user's to see
    return picked


def _toolbar(registry: Registry, spec: AdminSpec, user):
    """Return a function drawing the buttons above the list: new, table actions, import, export."""

    def draw(state, total: int) -> None:
        with st.container(horizontal=True, gap="small", horizontal_alignment="right"):
            form_view.create_button(spec, user)
            form_view.table_action_buttons(spec, user)
            transfer_view.buttons(registry, spec, user, state, total)

    return draw
