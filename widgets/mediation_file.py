"""The sections of a mediation's file: facts, parties, mediators, sessions, agreement and timeline."""

from __future__ import annotations

import importlib.util
from datetime import date
from types import SimpleNamespace

import streamlit as st

from core.accounts import permissions
from core.mediation import agreements, referral, specialties
from core.mediation.centre import MediationFile
from i18n import label, t
from i18n.format import fmt_date, fmt_datetime
from widgets import timeline
from widgets.case_table import case_link
from widgets.deadline import deadline_badge
from widgets.text import md

NO_NAMES = SimpleNamespace(unit_names={}, user_names={})  # mediation events name no unit or user by id


def header(file: MediationFile, today: date, cal) -> None:
    m = file.mediation
    st.title(f"{m.number} {m.title}")
    row = st.columns([1, 3], vertical_alignment="center")
    row[0].badge(
        label("mediation_status", m.status), color="blue" if m.status in ("applied", "accepted") else "gray"
    )
    with row[1]:
        if m.status == "accepted":
            deadline_badge(m.due_on, False, today, cal)


def facts(file: MediationFile, user) -> None:
    m = file.mediation
    items = [
        ("medcentre.col.source", label("mediation_source", m.source) if m.source else "—"),
        ("medcentre.col.kind", label("mediation_kind", m.kind)),
        ("medcentre.col.dispute_type", specialties.dispute_label(m.dispute_type) or "—"),
        ("medcentre.col.street", file.street or "—"),
        ("medcentre.col.applied", fmt_date(m.applied_on)),
        ("medcentre.file.accepted", fmt_date(m.accepted_on) if m.accepted_on else "—"),
        ("medcentre.col.closed", fmt_date(m.closed_on) if m.closed_on else "—"),
    ]
    cols = st.columns(4)
    for i, (key, value) in enumerate(items):
        cols[i % 4].markdown(f"**{t(key)}**  \n{md(value)}")
    if file.case_number:
        if permissions.allowed(user, "case.view"):
            case_link(m.case_id, t("medcentre.file.case", number=file.case_number))
        else:
            st.caption(t("medcentre.file.case", number=file.case_number))
    if m.summary:
        st.text(m.summary)
    if m.result_note:
        st.caption(md(m.result_note))
    if m.routes_told:
        routes = "、".join(label("route_told", r) for r in m.routes_told.split(","))
        st.caption(t("medcentre.file.routes", routes=routes))


def parties(file: MediationFile) -> None:
    st.subheader(t("medcentre.file.parties"))
    for party in referral.parties_of(file.mediation):
        answer = file.consents.get(party)
        said = (
            t("medcentre.file.pending")
            if answer is None
            else t(f"medcentre.form.{'consent' if answer else 'refuse'}")
        )
        st.markdown(f"- {md(party)} · {md(said)}")


def mediators(file: MediationFile) -> bool:
    """Show the team; return whether a lead is still to be named."""
    st.subheader(t("medcentre.file.mediators"))
    if not file.mediators:
        st.info(t("medcentre.file.no_mediator"))
        return True
    for mediator, is_lead in file.mediators:
        role = t("workflow.field.lead_mediator") if is_lead else t("workflow.field.co_mediators")
        st.markdown(f"- {md(mediator.name)} · {md(label('mediator_level', mediator.level))} · {md(role)}")
    return file.lead is None


def suggestions_available() -> bool:
    """Return whether the roster's suggestions (core.mediation.suggest, issue 14 item 5) are installed."""
    return importlib.util.find_spec("core.mediation.suggest") is not None and (
        importlib.util.find_spec("widgets.mediator_suggestions") is not None
    )


def sessions(file: MediationFile) -> None:
    st.subheader(t("medcentre.file.sessions", n=len(file.sessions)))
    if not file.sessions:
        st.caption(t("medcentre.file.no_sessions"))
    for s in file.sessions:
        with st.container(border=True):
            st.markdown(f"**{md(fmt_datetime(s.held_at))}** · {md(s.place)}")
            st.caption(t("medcentre.file.present", people=s.present))
            st.text(s.notes)


def agreement(file: MediationFile, today: date, cal) -> None:
    a = file.agreement
    if a is None:
        return
    st.subheader(t("medcentre.file.agreement", number=a.number))
    for field in ("facts", "responsibility", "terms", "performance"):
        value = getattr(a, field)
        if value:
            st.markdown(f"**{t(f'workflow.field.{field}')}**")
            st.text(value)
    line = [t("medcentre.file.signed", date=fmt_date(a.signed_on))]
    if a.performance_due:
        line.append(t("medcentre.file.performance_due", date=fmt_date(a.performance_due)))
    st.caption(" · ".join(line))
    state = agreements.confirmation_state(a, today)
    row = st.columns([2, 3], vertical_alignment="center")
    row[0].markdown(
        f"**{t('workflow.field.confirmation_result')}**：{md(label('confirmation_state', state))}"
    )
    with row[1]:
        if state == "open":
            deadline_badge(a.confirmation_due, False, today, cal)
        elif a.confirmation_applied_on:
            st.caption(t("medcentre.file.applied", date=fmt_date(a.confirmation_applied_on)))
    if a.performance_status:
        st.caption(
            t(
                "medcentre.file.performance",
                status=label("performance_status", a.performance_status),
                date=fmt_date(a.performance_checked_on),
            )  # fmt: skip
            + (f" · {a.performance_note}" if a.performance_note else "")
        )


def events(file: MediationFile) -> None:
    st.subheader(t("medcentre.file.timeline"))
    for event in file.events:
        with st.container(border=True, gap=None):
            who = event.actor_name or t("casefile.actor_public")
            st.markdown(
                f"**{md(timeline.event_label(event.action))}** · {md(who)} · {md(fmt_datetime(event.at))}"
            )
            lines = timeline.changes(NO_NAMES, event)
            if lines:
                st.caption("  \n".join(md(line) for line in lines))
            if event.note:
                st.text(event.note)
