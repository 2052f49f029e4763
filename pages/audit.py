"""Audit log (审计日志): the administrator filters, pages through and exports every recorded event."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from core.accounts import audit_log, permissions
from core.platform import db, timeutil
from i18n import get_language, t
from i18n.format import fmt_datetime, fmt_int
from widgets import audit_changes as words
from widgets.guard import require_page

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _any(words_of):
    return lambda value: t("audit.any") if value is None else words_of(value)


def _filter_form(choices: dict) -> dict:
    """Show the filters (applied on submit) and return them as keyword arguments for core.audit_log."""
    actors = {uid: f"{name} ({username})" for uid, name, username in choices["actors"]}
    with st.form("pd_audit_filters", enter_to_submit=True):
        cols = st.columns(4)
        actor = cols[0].selectbox(
            t("audit.filter_actor"),
            [None, *actors],
            key="pd_audit_actor",
            format_func=lambda v: actors.get(v, t("audit.any")),
        )
        action = cols[1].selectbox(
            t("audit.filter_action"),
            [None, *choices["actions"]],
            key="pd_audit_action",
            format_func=_any(words.action_label),
        )
        object_type = cols[2].selectbox(
            t("audit.filter_object_type"),
            [None, *choices["object_types"]],
            key="pd_audit_type",
            format_func=_any(words.object_type_label),
        )
        object_id = cols[3].number_input(
            t("audit.filter_object_id"), min_value=1, value=None, step=1, key="pd_audit_object_id"
        )
        dates = st.date_input(t("audit.filter_dates"), value=(), key="pd_audit_dates")
        st.form_submit_button(t("audit.apply"), type="primary")
    dates = tuple(dates) if isinstance(dates, list | tuple) else (dates,)
    return {
        "actor_id": actor,
        "action": action,
        "object_type": object_type,
        "object_id": int(object_id) if object_id is not None else None,
        "since": dates[0] if dates else None,
        "until": dates[-1] if dates else None,
    }


def _table(rows: list[dict], names: audit_log.Names) -> None:
    """Show the events in words; the raw before/after JSON is in the export."""
    frame = pd.DataFrame(
        [
            {
                t("audit.col_at"): fmt_datetime(r["at"]),
                t("audit.col_actor_name"): r["actor_name"] or "",
                t("audit.col_action"): words.action_label(r["action"]),
                t("audit.col_object"): words.object_label(r, names),
                t("audit.col_changes"): t("audit.change_separator").join(words.changes(r, names)),
                t("audit.col_note"): words.note(r),
            }
            for r in rows
        ]
    )
    config = {
        t("audit.col_at"): st.column_config.TextColumn(width=150),
        t("audit.col_changes"): st.column_config.TextColumn(width="large"),
    }
    st.dataframe(frame, hide_index=True, width="stretch", column_config=config)


def _export_button(admin, filters: dict, total: int) -> None:
    language = get_language()

    def build() -> bytes:  # runs only when clicked, so only a real export is audited
        with db.session_scope() as session:
            return audit_log.export_events(session, admin, language=language, **filters)

    too_many = total > audit_log.MAX_EXPORT_ROWS
    st.download_button(
        t("audit.export"),
        data=build,
        file_name=f"audit-{timeutil.today():%Y%m%d}.xlsx",
        mime=XLSX,
        disabled=too_many or total == 0,
        icon=":material/download:",
    )
    if too_many:
        st.caption(t("audit.export_too_large", n=audit_log.MAX_EXPORT_ROWS))


def _page_of_events(admin, filters: dict) -> tuple[list[dict], audit_log.Names, int, int, int]:
    """Return the rows of the page the user asked for (clamped to the last page), the total, page and pages."""
    page = int(st.session_state.get("pd_audit_page") or 1)
    with db.session_scope() as session:
        rows, total = audit_log.query_events(session, admin, page=page, page_size=PAGE_SIZE, **filters)
        pages = max(1, math.ceil(total / PAGE_SIZE))
        if page > pages:
            page = pages
            rows, total = audit_log.query_events(session, admin, page=page, page_size=PAGE_SIZE, **filters)
        names = audit_log.names_for(session, admin, rows)
    st.session_state["pd_audit_page"] = page
    return rows, names, total, page, pages


def render() -> None:
    admin = require_page("audit.view")
    st.title(t("audit.title"))
    st.caption(t("audit.intro"))
    with db.session_scope() as session:
        choices = audit_log.filter_choices(session, admin)
    filters = _filter_form(choices)
    rows, names, total, page, pages = _page_of_events(admin, filters)
    st.caption(t("audit.total", n=fmt_int(total), page=page, pages=fmt_int(pages)))
    if rows:
        _table(rows, names)
    else:
        st.info(t("audit.empty"))
    cols = st.columns([1, 3])
    cols[0].number_input(t("audit.page"), min_value=1, max_value=pages, step=1, key="pd_audit_page")
    if permissions.allowed(admin, "audit.export"):
        with cols[1]:
            _export_button(admin, filters, total)
