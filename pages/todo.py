"""My to-do (我的待办): every case waiting for the signed-in user's action, soonest deadline first."""

from __future__ import annotations

from collections import Counter

import streamlit as st

from core.calendar import clock
from core.desk import todo
from core.platform import db, timeutil
from i18n import t
from i18n.format import fmt_int
from widgets.case_table import pager, pager_page, set_pager
from widgets.guard import require_page
from widgets.supervision_inbox import supervision_inbox
from widgets.todo_list import todo_rows

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
    supervision_inbox(user, today)
    if not items:
        st.success(t("desk.todo.empty"), icon=":material/task_alt:")
        return
    st.caption(_summary(items, total))
    if total > len(items):
        st.caption(t("desk.todo.more", shown=fmt_int(len(items)), total=fmt_int(total)))
    page, pages = _page(len(items))
    todo_rows(items[(page - 1) * PAGE_SIZE : page * PAGE_SIZE], today, cal)
    pager(PAGE_KEY, pages)
