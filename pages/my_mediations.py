"""My mediations (我的调解): what a mediator's cases ask of him today. Deadlines near or past, sessions to
record, agreements whose judicial confirmation is open or awaiting the court, most urgent first."""

from __future__ import annotations

import streamlit as st

from core.calendar import clock
from core.mediation import centre
from core.platform import db, timeutil
from i18n import label, t
from i18n.format import fmt_date
from widgets.deadline import deadline_badge
from widgets.guard import require_page
from widgets.mediation_list import mediation_link
from widgets.text import md


def _section(title_key: str, items: list[centre.DayItem], empty_key: str, line, today, cal) -> None:
    st.subheader(t(title_key, n=len(items)))
    if not items:
        st.caption(t(empty_key))
        return
    for item in items:
        with st.container(border=True):
            row = st.columns([2, 4, 3], vertical_alignment="center")
            with row[0]:
                mediation_link(item.id, item.number)
            row[1].markdown(f"{md(item.title)} · {md(item.parties)}")
            with row[2]:
                line(item, today, cal)


def _deadline(item: centre.DayItem, today, cal) -> None:
    deadline_badge(item.due_on, False, today, cal)


def _last_session(item: centre.DayItem, today, cal) -> None:
    if item.last_session:
        st.caption(t("medcentre.mine.last_session", date=fmt_date(item.last_session)))
    else:
        st.caption(t("medcentre.mine.no_session"))


def _confirmation(item: centre.DayItem, today, cal) -> None:
    st.caption(f"{item.agreement_number} · {label('confirmation_state', item.confirmation_state)}")
    if item.confirmation_state == "open":
        deadline_badge(item.confirmation_due, False, today, cal)


def render() -> None:
    user = require_page("mediation.edit")
    today = timeutil.today()
    st.title(t("medcentre.page_mine"))
    with db.session_scope() as session:
        day = centre.my_day(session, user, today)
        cal = clock.load_calendar(session)
    st.caption(t("medcentre.mine.summary", alerts=len(day.alerts), sessions=len(day.to_record),
                 confirmations=len(day.confirmations)))  # fmt: skip
    _section("medcentre.mine.alerts", day.alerts, "medcentre.mine.no_alerts", _deadline, today, cal)
    _section(
        "medcentre.mine.to_record",
        day.to_record,
        "medcentre.mine.nothing_to_record",
        _last_session,
        today,
        cal,
    )
    _section("medcentre.mine.confirmations", day.confirmations, "medcentre.mine.no_confirmations", _confirmation,
             today, cal)  # fmt: skip
