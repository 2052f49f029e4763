"""Home (首页): each role's first question answered first (UX.md), from core.desk.home.

Registrars and handlers see what they must do today; the supervisor the overdue cases; a leader his 包案
cases and the office's figures; a mediator his mediation cases; the administrator the state of the system.
"""

from __future__ import annotations

import streamlit as st

from core.calendar import clock
from core.desk.home import Home, HomeCounts, SystemState, home_for
from core.platform import db
from core.platform.config import get_settings
from core.platform.timeutil import today
from i18n import t
from i18n.format import fmt_int
from models import Role
from widgets.guard import require_page
from widgets.mediation_table import mediation_table
from widgets.todo_list import todo_page, todo_rows

COUNTS = (
    ("cases_total", "cases_open", "cases_overdue", "cases_this_year"),
    ("streets", "grids", "units", "mediators"),
)


def _metrics(pairs: list[tuple[str, int]]) -> None:
    for col, (name, value) in zip(st.columns(len(pairs)), pairs, strict=True):
        col.metric(name, fmt_int(value))


def _counts(counts: HomeCounts, role: Role) -> None:
    st.subheader(t("home.counts"))
    for keys in COUNTS:
        _metrics([(t(f"home.{key}"), getattr(counts, key)) for key in keys])
    if counts.cases_total == 0:
        st.info(t(f"home.empty_{'office' if role in (Role.ADMIN, Role.REGISTRAR) else 'scope'}"))


def _todo(home: Home, day, cal) -> None:
    role = home.role.value
    st.subheader(t(f"home.todo_title.{role}"))
    if not home.todo:
        st.success(t(f"home.todo_none.{role}"), icon=":material/task_alt:")
        return
    todo_rows(home.todo, day, cal)
    if home.todo_total > len(home.todo):
        st.page_link(
            todo_page(), label=t("home.todo_all", n=fmt_int(home.todo_total)), icon=":material/checklist:"
        )


def _system(state: SystemState, day) -> None:
    st.subheader(t("home.system.title"))
    cols = st.columns(3)
    cols[0].metric(t("home.system.active_users"), fmt_int(state.active_users))
    cols[1].metric(t("home.system.locked_users"), fmt_int(state.locked_total))
    through = t("home.system.year", year=state.holidays_through) if state.holidays_through else "—"
    cols[2].metric(t("home.system.holidays_through"), through)
    if state.locked_users:
        more = t("home.system.and_more", n=state.locked_total - len(state.locked_users))
        names = "、".join(state.locked_users) + (more if state.locked_total > len(state.locked_users) else "")
        st.warning(t("home.system.locked_names", names=names), icon=":material/lock:")
    if not state.holidays_through or state.holidays_through <= day.year:
        year = state.holidays_through or day.year - 1
        st.warning(t("home.system.holidays_missing", next=year + 1, year=year), icon=":material/event_busy:")


def _mediator(home: Home, day, cal) -> None:
    c = home.mediation_counts
    _metrics(
        [
            (t("home.mediation.open"), c.open),
            (t("home.mediation.agreed_this_year"), c.agreed_this_year),
            (t("home.mediation.failed_this_year"), c.failed_this_year),
        ]
    )
    st.subheader(t("home.mediation.title"))
    if home.mediations:
        mediation_table(home.mediations, day, cal)
        st.caption(t("home.mediation.read_only"))
    else:
        st.info(t("home.mediation.none" if home.is_mediator_on_roster else "home.mediation.not_on_roster"))


def render() -> None:
    user = require_page("home.view")
    st.title(t("home.title", office=get_settings().office_name))
    st.caption(t("home.welcome_role", name=user.display_name, role=t(f"enum.role.{user.role}")))
    day = today()
    with db.session_scope() as session:
        home = home_for(session, user, day)
        cal = clock.load_calendar(session)
    if home.role == Role.MEDIATOR:
        _mediator(home, day, cal)
        return
    if home.system:
        _system(home.system, day)
    if home.role == Role.LEADER:  # "how are we doing?": the figures first, then his cases
        _counts(home.counts, home.role)
        _todo(home, day, cal)
        return
    _todo(home, day, cal)
    _counts(home.counts, home.role)
