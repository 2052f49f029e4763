"""The roster page's four views: the list, the mentor tree (老马带小马) with the mentor's sign-off, each
mediator's load and results, and the mediation indicators by street and by mediator."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from core import kpis
from core.accounts import permissions
from core.kpis import roster_charts
from core.mediation import directory, mentorship
from core.platform import db
from core.platform.errors import PetitionDeskError, ValidationError
from core.platform.timeutil import today
from i18n import label, t
from i18n.format import fmt_date, fmt_int, fmt_rate
from widgets import kpi_charts, mentor_pairs, session
from widgets.text import field_error


def _rate(value: float | None) -> str:
    return fmt_rate(value)


def _place(*parts: str | None) -> str:
    """街道 › 社区 › 网格, leaving out a part the next one already names (the demo's grids carry their community)."""
    named = [p for p in parts if p]
    return " › ".join(p for i, p in enumerate(named) if not any(p in later for later in named[i + 1 :]))


def roster_list(user, street: int | None, level: str | None, q: str | None) -> None:
    """One page of mediators, with place, mentor, contact (masked per role), load and results."""
    page = st.session_state.get("pd_roster_page") or 1
    with db.session_scope() as s:
        rows, total = directory.roster(s, user, street_id=street, level=level, q=q, page=page)
    if not rows:
        st.info(t("roster.list.empty"))
        return
    records = [
        {
            t("roster.col.name"): r.name,
            t("roster.col.level"): label("mediator_level", r.level),
            t("roster.col.place"): _place(r.street, r.community, r.grid),
            t("roster.col.organisation"): r.organisation or "",
            t("roster.col.specialties"): "、".join(label("subject", k) for k in r.specialties),
            t("roster.col.mentor"): r.mentor or "",
            t("roster.col.phone"): r.phone or "",
            t("roster.col.certificate"): fmt_date(r.certificate_expires_on),
            t("roster.col.open"): r.figures.open,
            t("roster.col.agreed"): r.figures.agreed,
            t("roster.col.rate"): _rate(r.figures.rate),
        }
        for r in rows
    ]
    st.dataframe(pd.DataFrame.from_records(records), hide_index=True, width="stretch")
    pages = max(1, -(-total // directory.PAGE_SIZE))
    st.caption(t("roster.list.count", n=fmt_int(total), page=page, pages=pages))
    cols = st.columns([1, 1, 6])
    if page > 1:
        cols[0].button(t("roster.list.previous"), key="pd_roster_prev", on_click=_turn, args=(-1,))
    if page < pages:
        cols[1].button(t("roster.list.next"), key="pd_roster_next", on_click=_turn, args=(1,))


def _turn(step: int) -> None:
    st.session_state["pd_roster_page"] = max(1, (st.session_state.get("pd_roster_page") or 1) + step)


def mentors(user, street: int | None) -> None:
    """Who mentors whom, by street: each veteran with his juniors' progress; the mentor signs a junior off,
    an administrator pairs and ends pairs (widgets.mentor_pairs)."""
    mentor_pairs.show_done()
    if mentor_pairs.may_edit(user):
        mentor_pairs.new_pair_form()
    with db.session_scope() as s:
        tree = mentorship.mentor_tree(s, user, street)
    if not tree:
        st.info(t("roster.mentors.empty"))
        return
    if street is None and len(tree) > 30:
        st.info(t("roster.mentors.pick_street"))
        tree = tree[:30]
    current = None
    for node in tree:
        if node.street != current:
            current = node.street
            st.subheader(current or t("kpi.unassigned"))
        _node(user, node)


def _node(user, node: mentorship.MentorNode) -> None:
    title = t("roster.mentors.node", name=node.mentor_name, n=len(node.juniors))
    with st.container(border=True):
        st.markdown(f"**{title}**")
        records = [
            {
                t("roster.col.junior"): j.mentee_name,
                t("roster.col.since"): fmt_date(j.started_on),
                t("roster.col.until"): fmt_date(j.ended_on),
                t("roster.col.co_mediated"): j.co_mediated,
                t("roster.col.led_alone"): j.led_alone,
                t("roster.col.rate"): _rate(j.agreement_rate),
                t("roster.col.median_days"): "—" if j.median_days is None else f"{j.median_days:.1f}",
                t("roster.col.signed_off"): fmt_date(j.signed_off_on) or t("roster.mentors.not_yet"),
            }
            for j in node.juniors
        ]
        st.dataframe(pd.DataFrame.from_records(records), hide_index=True, width="stretch")
        waiting = [j for j in node.juniors if j.signed_off_on is None and j.ended_on is None]
        if waiting and _may_sign(user, node):
            _sign_off_form(node, waiting)
        if mentor_pairs.may_edit(user):
            mentor_pairs.end_pair_form(node)


def _may_sign(user, node: mentorship.MentorNode) -> bool:
    with db.session_scope() as s:
        return mentorship.may_sign_off(s, user, node.mentor_id)


def _sign_off_form(node: mentorship.MentorNode, waiting) -> None:
    key = f"pd_signoff_{node.mentor_id}"
    by_id = {j.mentorship_id: j for j in waiting}
    with st.form(key):
        cols = st.columns([3, 2, 2])
        picked = cols[0].selectbox(
            t("roster.mentors.junior"), list(by_id), format_func=lambda i: by_id[i].mentee_name
        )
        on = cols[1].date_input(t("roster.mentors.on"), value=today(), max_value=today(), format="YYYY-MM-DD")
        submitted = cols[2].form_submit_button(t("roster.mentors.sign_off"))
    errors = st.session_state.get(f"{key}_errors") or {}
    if submitted:
        errors = _sign_off(key, by_id[picked], on)
    field_error(errors.get("on") or errors.get("_form"))
    if st.session_state.pop(f"{key}_done", None):
        st.success(t("roster.mentors.signed"))


def _sign_off(key: str, junior: mentorship.JuniorProgress, on: date) -> dict:
    try:
        with db.session_scope() as s:
            mentorship.sign_off(s, session.current_user(), junior.mentorship_id, junior.version, on=on)
    except ValidationError as exc:
        return exc.errors or {"_form": exc.message}
    except PetitionDeskError as exc:
        return {"_form": exc.message}
    st.session_state[f"{key}_done"] = True
    st.rerun()
    return {}


def load(user, street: int | None) -> None:
    """The busiest mediators: cases open now and their results, as one stacked bar each."""
    with db.session_scope() as s:
        rows = directory.load_chart_rows(s, user, street)
    if not rows:
        st.info(t("roster.list.empty"))
        return
    kpi_charts.show(kpi_charts.spec(roster_charts.mediator_load, rows), key="pd_roster_load")
    st.caption(t("roster.chart.caption_load", n=len(rows)))


def indicators(user, street: int | None) -> None:
    """调解成功量 and 调解成功率 this year, by street (for those who see the figures) and by mediator."""
    period = kpis.Period.year_of(today())
    scope = kpis.Scope(street_id=street)
    st.caption(t("roster.indicators.period", start=fmt_date(period.start), as_of=fmt_date(period.as_of)))
    with db.session_scope() as s:
        by_mediator = {k: kpis.mediator_series(s, user, k, period, scope) for k in kpis.MEDIATION_KEYS}
        by_street = (
            {k: kpis.series(s, user, k, period, scope, by="street") for k in kpis.MEDIATION_KEYS}
            if permissions.allowed(user, "kpi.view")
            else None
        )
    for key in kpis.MEDIATION_KEYS:
        st.markdown(f"**{kpis.name(key)}** · {kpis.formula(key)}")
        cols = st.columns(2)
        rate = key in kpis.RATES
        if by_street is not None:
            with cols[0]:
                chart = roster_charts.indicator_bars
                title = t(f"roster.indicators.by_street.{key}")
                kpi_charts.show(
                    kpi_charts.spec(chart, by_street[key], rate, title), key=f"pd_ind_street_{key}"
                )
        with cols[1] if by_street is not None else cols[0]:
            title = t(f"roster.indicators.by_mediator.{key}")
            rows = by_mediator[key]
            if rows:
                spec = kpi_charts.spec(roster_charts.indicator_bars, rows, rate, title)
                kpi_charts.show(spec, key=f"pd_ind_mediator_{key}")
            else:
                st.info(t("roster.indicators.none"))
