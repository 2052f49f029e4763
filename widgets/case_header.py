"""The head of a case file: number, title, status and flags, who handles it, and every stage's due date."""

from __future__ import annotations

import streamlit as st

from core.cases import workflow
from core.cases.case_file import PETITIONER_WINDOWS, CaseFile, StageDue
from i18n import label, t
from i18n.format import fmt_date
from models import CaseStatus
from widgets.deadline import deadline_badge
from widgets.text import md


def show(file: CaseFile) -> None:
    """Show the header and the row of stage due dates."""
    case = file.case
    st.title(case.number, anchor=False)
    _badges(file)
    st.subheader(md(case.title), anchor=False)
    st.caption(" · ".join(md(part) for part in _facts(file) if part))
    st.caption(" · ".join(md(part) for part in _people(file) if part))
    if case.end_reason and not (file.material_hidden and case.repeat_of_id):
        st.caption(md(case.end_reason))  # why it left the track: 不予受理, 不再受理, a repeat of a live case
    _stages(file)


def _badges(file: CaseFile) -> None:
    case = file.case
    with st.container(horizontal=True, gap="small"):
        st.badge(label("status", case.status), color="blue")
        flags = [
            (case.is_first, "casefile.flag.first", "green"),
            (case.repeat_of_id is not None, "casefile.flag.repeat", "orange"),
            (case.confidential, "casefile.flag.confidential", "red"),
            (case.anonymous, "casefile.flag.anonymous", "gray"),
            (case.not_accepted_again, "casefile.flag.not_accepted_again", "red"),
            (case.onsite_resolved, "casefile.flag.onsite", "green"),
            (
                bool(file.missing_meetings) and case.accepted_on is not None,
                "casefile.flag.meetings_missing",
                "orange",
            ),
        ]
        for on, key, colour in flags:
            if on:
                st.badge(t(key), color=colour)
        if workflow.rating_lapsed(case, file.today):
            end = fmt_date(workflow.rating_window_end(case))
            st.badge(t("workflow.message.rating_lapsed", date=end), color="gray")
        if case.extension_days:
            st.badge(t("casefile.flag.extended", days=case.extension_days), color="orange")
        if case.leader_in_charge_id:
            name = file.user_names.get(case.leader_in_charge_id, "?")
            st.badge(t("casefile.flag.in_charge", name=md(name)), color="violet", icon=":material/flag:")


def _facts(file: CaseFile) -> list[str]:
    case = file.case
    return [
        label("channel", case.channel),
        label("category", case.category),
        label("route", case.route),
        label("subject", case.subject),
        t("casefile.received_on", date=fmt_date(case.received_on)),
        "/".join(file.place),
    ]


def _people(file: CaseFile) -> list[str]:
    case, names = file.case, file.user_names
    lead = file.lead_unit
    assists = [u.name for u in file.units if u.role != "lead"]
    return [
        t("casefile.lead_unit", name=lead.name) if lead else t("casefile.no_unit"),
        t("casefile.assisting_units", names="、".join(assists)) if assists else "",
        t("casefile.received_by", name=names.get(case.received_by_leader_id, "?"))
        if case.received_by_leader_id
        else "",
        t("casefile.registrar", name=names.get(case.registrar_id, "?")) if case.registrar_id else "",
    ]


def _stages(file: CaseFile) -> None:
    if not file.stages:
        return
    with st.container(horizontal=True, gap="small"):
        for stage in file.stages:
            with st.container(border=True, width=270, gap=None):
                _stage(file, stage)
    if any(s.provisional for s in file.stages):
        st.caption("\\* " + t("deadline.provisional"))


def _stage(file: CaseFile, stage: StageDue) -> None:
    name = label("stage", stage.stage)
    st.markdown(f"**{name}** {t('casefile.current')}" if stage.current else name)
    due = fmt_date(stage.on) + ("\\*" if stage.provisional else "")
    if stage.stage in PETITIONER_WINDOWS and stage.done_on is None:
        over = stage.on < file.today
        st.caption(t("casefile.window_over" if over else "casefile.window_until", date=due))
    elif stage.running:
        paused = stage.current and CaseStatus(file.case.status) == CaseStatus.PAUSED
        deadline_badge(stage.on, stage.provisional, file.today, file.calendar, paused=paused)
    elif stage.done_on is None:
        st.caption(t("casefile.due", date=due))
    else:
        late = stage.done_on > stage.on
        done = t("casefile.done_late" if late else "casefile.done_on", date=fmt_date(stage.done_on))
        st.caption(t("casefile.due", date=due) + "  \n" + (f":red[{done}]" if late else done))
