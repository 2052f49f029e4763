"""Reception days (接访日): the cases a leader received in person and what became of them.

A leader sees his own days; the office (admin, registrar, supervisor) may pick any leader.
"""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st

from core.cases import reception
from core.places import places
from core.platform import db
from core.platform.errors import PetitionDeskError
from core.platform.timeutil import today
from i18n import label, t
from i18n.format import fmt_date, fmt_int, fmt_rate
from models import Role
from widgets.guard import require_page

DEFAULT_DAYS = 30
# Widths in px of the columns a leader reads first; they fit the 980 px of the main area at 1440 px, the rest scroll.
WIDTHS = {
    "number": 130,
    "status": 100,
    "title": 260,
    "received": 120,
    "channel": 90,
    "outcome": 90,
    "satisfaction": 90,
}


def render() -> None:
    user = require_page("reception.view")
    st.title(t("casefile.reception.title"), anchor=False)
    with db.session_scope() as session:
        leaders = places.names(places.leaders(session, fresh=True))
    left, right = st.columns(2)
    with left:
        leader_id = _pick_leader(user, leaders)
    if leader_id is None:
        st.info(t("casefile.reception.no_leaders"))
        return
    end = today()
    with right:
        picked = st.date_input(
            t("casefile.reception.dates"),
            value=(end - timedelta(days=DEFAULT_DAYS), end),
            format="YYYY-MM-DD",
        )
    if len(picked) != 2:  # the second date of the range is not chosen yet
        return
    try:
        with db.session_scope() as session:
            rows = reception.reception_cases(session, user, leader_id, *picked)
    except PetitionDeskError as exc:
        st.error(exc.message)
        return
    _summary(reception.summarise(rows))
    _table(rows)


def _pick_leader(user, leaders: dict[int, str]) -> int | None:
    if not reception.may_pick(user):
        st.caption(t("casefile.reception.own", name=user.display_name))
        return user.id if Role(user.role) == Role.LEADER else None
    if not leaders:
        return None
    return st.selectbox(
        t("casefile.reception.leader"), list(leaders), format_func=leaders.get, key="pd_reception_leader"
    )


def _summary(s: reception.ReceptionSummary) -> None:
    cols = st.columns(4)
    cols[0].metric(t("casefile.reception.total"), fmt_int(s.total))
    cols[1].metric(t("casefile.reception.onsite"), fmt_int(s.onsite_resolved))
    cols[2].metric(t("casefile.reception.closed"), fmt_int(s.closed))
    cols[3].metric(t("casefile.reception.satisfaction"), fmt_rate(s.satisfied / s.rated if s.rated else None))


def _table(rows: list[reception.ReceptionRow]) -> None:
    if not rows:
        st.info(t("casefile.reception.empty"))
        return
    columns = {
        # the number links to the case file; "no" is only there for the link's text
        "number": [f"case?id={r.id}&no={r.number}" for r in rows],
        "status": [label("status", r.status) for r in rows],
        "title": [r.title for r in rows],
        "received": [fmt_date(r.received_on) for r in rows],
        "channel": [label("channel", r.channel) for r in rows],
        "outcome": [label("outcome", r.outcome) for r in rows],
        "satisfaction": [label("satisfaction", r.satisfaction) for r in rows],
        "onsite": [t("common.yes") if r.onsite_resolved else "" for r in rows],
        "closed": [fmt_date(r.closed_on) for r in rows],
    }
    frame = pd.DataFrame({t(f"casefile.reception.col_{k}"): v for k, v in columns.items()})
    config = {t(f"casefile.reception.col_{k}"): st.column_config.Column(width=w) for k, w in WIDTHS.items()}
    config[t("casefile.reception.col_number")] = st.column_config.LinkColumn(
        display_text=r"no=(.+)$", width=WIDTHS["number"]
    )
    st.dataframe(frame, hide_index=True, width="stretch", column_config=config)
