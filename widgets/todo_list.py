"""One row of a to-do list (my to-do page, the home page): case number link, title, status, deadline, action."""

from __future__ import annotations

import streamlit as st

from core.desk.todo import TodoItem
from i18n import label, t
from widgets.case_table import action_link, case_link
from widgets.deadline import deadline_badge


def todo_row(item: TodoItem, today, cal) -> None:
    """Show one case waiting for the user, and the action it waits for."""
    cols = st.columns([1.3, 3.2, 2.2, 1.3], vertical_alignment="center")
    with cols[0]:
        case_link(item.case_id, item.number)
    with cols[1]:
        st.text(item.title)
        stage = f" · {label('stage', item.stage)}" if item.stage else ""
        st.caption(label("status", item.status) + stage)
    with cols[2]:
        deadline_badge(item.due_on, item.due_provisional, today, cal, paused=item.status == "paused")
        if item.higher_body:  # beside the statutory deadline, the one the higher level set (交办件)
            when = item.higher_due_on.isoformat() if item.higher_due_on else t("desk.todo.higher_no_date")
            st.caption(t("desk.todo.higher_due", body=item.higher_body, on=when))
    with cols[3]:
        action_link(item.case_id, item.action, item.action_label)


def _placeholder() -> None:
    st.info(t("desk.case_file_missing"))


def todo_page() -> st.Page:
    """Return a Page that resolves to the to-do page the shell registers under "todo"."""
    return st.Page(_placeholder, title=t("desk.page_todo"), url_path="todo")


def todo_rows(items: list[TodoItem], today, cal) -> None:
    """Show the rows in one bordered box."""
    with st.container(border=True):
        for item in items:
            todo_row(item, today, cal)
