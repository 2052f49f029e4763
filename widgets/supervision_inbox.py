"""What supervision asks of the handler's unit, on his to-do page: each item with its answer form."""

from __future__ import annotations

import streamlit as st

from core.desk import todo
from core.platform import db
from i18n import label, t
from i18n.format import fmt_date
from widgets.case_table import case_link
from widgets.supervision_letters import reply_form
from widgets.text import md


def supervision_inbox(user, today) -> None:
    with db.session_scope() as session:
        items = todo.supervision_todo(session, user, today)
    if not items:
        return
    st.subheader(t("sv.inbox_title", count=len(items)))
    for item in items:
        kind = (
            label("action_kind", item.kind)
            if item.kind in ("urge", "supervise", "listed")
            else t(f"sv.inbox.{item.kind}")
        )
        due = t("sv.inbox_due", date=fmt_date(item.due_on)) if item.due_on else ""
        mark = "🔴 " if item.overdue else ""
        with st.expander(f"{mark}{kind} · {item.number} · {item.title}{due}"):
            if item.case_id:
                case_link(item.case_id, t("sv.open_case"))
            answer = (
                "letter"
                if item.kind == "letter"
                else ("rectification" if item.kind == "rectification" else "action")
            )
            reply_form(user, answer, item.object_id, item.version)
            st.caption(md(t("sv.inbox_hint")))
