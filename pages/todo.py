"""My to-do (我的待办): every case waiting for the signed-in user's action, soonest deadline first."""

from __future__ import annotations

from collections import Counter

import streamlit as st

from core.calendar import clock
from core.desk import todo
from core.platform import db, timeutil
from i18n import label, t
from i18n.format import fmt_int
from widgets.case_table import case_link, pager, pager_page, set_pager
from widgets.deadline import deadline_badge
from widgets.guard import require_page

PAGE_SIZE = 25
PAGE_KEY = "pd_todo_page"


def badge(user) -> int:
    """Return the count shown after the page's title in the navigation."""
    with db.session_scope() as session:
        return todo.todo_count(session, user)


def _summary(items: list[todo.TodoItem], total: int) -> str:
    by_action = Counter(item.action_label for item in items)
    parts = [f"{name} {fmt_int(n)}" for name, n in by_action.most_common()]
    return t("desk.todo.summary", total=fmt_int(total), parts=" · ".join(parts))


def _row(item: todo.TodoItem, today, cal) -> None:
    cols = st.columns([1.3, 3.2, 2.2, 1.3], vertical_alignment="center")
    with cols[0]:
        case_link(item.case_id, item.number)
    with cols[1]:
        st.text(item.title)
        stage = f" · {label('stage', item.stage)}" if item.stage else ""
        st.caption(label("status", item.status) + stage)
    with cols[2]:
        deadline_badge(item.due_on, item.due_provisional, today, cal, paused=item.status == "paused")
    with cols[3]:
        st.badge(item.action_label, color="blue", icon=":material/arrow_forward:")


def _page(n_items: int) -> tuple[int, int]:
    """Return the page to show and the number of pages (the pager kept within range)."""
    pages = max(1, -(-n_items // PAGE_SIZE))
    page = min(max(1, pager_page(PAGE_KEY)), pages)
    set_pager(PAGE_KEY, page)
    return page, pages


def render() -> None:
    user = require_page("case.view")
    st.title(t("desk.todo.title"))
    today = timeutil.today()
    with db.session_scope() as session:
        items = todo.todo_for(session, user, today)
        total = todo.todo_count(session, user, today)
        cal = clock.load_calendar(session)
    if not items:
        st.success(t("desk.todo.empty"), icon=":material/task_alt:")
        return
    st.caption(_summary(items, total))
    if total > len(items):
        st.caption(t("desk.todo.more", shown=fmt_int(len(items)), total=fmt_int(total)))
    page, pages = _page(len(items))
    with st.container(border=True):
        for item in items[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]:
            _row(item, today, cal)
    pager(PAGE_KEY, pages)
