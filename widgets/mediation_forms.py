"""The actions on a mediation file, one form each: consent, mediators, a session, the result, the agreement's
judicial confirmation and its performance. Each calls one core function; a field's error shows under it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from functools import partial

import streamlit as st

from core.mediation import agreements, cases, referral
from core.mediation.centre import MediationFile
from core.platform import db, timeutil
from core.platform.errors import PetitionDeskError, ValidationError
from core.platform.validation import EARLIEST_DATE
from i18n import label, t
from models import ConfirmationResult, MediationStatus, Mediator, PerformanceStatus
from widgets import session as session_widget
from widgets.text import field_error

ERRORS = "pd_medform_errors"
DONE = "pd_medform_done"


def available(file: MediationFile, today: date) -> list[str]:
    """Return the actions the file offers now, in the order of a mediation's life."""
    if not file.may_act:
        return []
    status, a = file.mediation.status, file.agreement
    if status == MediationStatus.APPLIED:
        return ["consent", "assign"]
    if status == MediationStatus.ACCEPTED:
        return ["session", "conclude", "assign"]
    if a is None:
        return []
    state = agreements.confirmation_state(a, today)
    return [
        *(["apply"] if state == "open" else []),
        *(["court"] if state == "applied" else []),
        "performance",
    ]


def _errors(action: str) -> dict[str, str]:
    return st.session_state.get(ERRORS, {}).get(action, {})


def _run(action: str, call: Callable) -> None:
    """Call the core function in one short session; keep its field errors for the form, or its message."""
    user = session_widget.current_user()
    try:
        with db.session_scope() as session:
            call(session, user)
    except ValidationError as exc:
        st.session_state[ERRORS] = {action: exc.errors or {"_form": exc.message}}
    except PetitionDeskError as exc:
        st.session_state[ERRORS] = {action: {"_form": exc.message}}
    else:
        st.session_state[ERRORS], st.session_state[DONE] = {}, action
    st.rerun()


def _day(key: str, field: str, errors: dict, *, value: date | None = None, future: bool = False) -> date:
    today = timeutil.today()
    picked = st.date_input(
        t(f"workflow.field.{field}"), value=value or today, min_value=EARLIEST_DATE,
        max_value=None if future else today, key=key, format="YYYY-MM-DD",
    )  # fmt: skip
    field_error(errors.get(field))
    return picked


def _text(key: str, field: str, errors: dict, *, area: bool = False, value: str = "") -> str:
    box = st.text_area if area else st.text_input
    text = box(t(f"workflow.field.{field}"), value=value, key=key)
    field_error(errors.get(field))
    return text


def consent_form(file: MediationFile) -> None:
    m, errors = file.mediation, _errors("consent")
    with st.form("med_consent"):
        st.caption(t("medcentre.form.consent_help"))
        answers = {}
        for party in referral.parties_of(m):
            known = file.consents.get(party)
            options = ["consent", "refuse"]
            index = None if known is None else (0 if known else 1)
            picked = st.radio(party, options, index=index, horizontal=True, key=f"med_consent_{party}",
                              format_func=lambda o: t(f"medcentre.form.{o}"))  # fmt: skip
            if picked is not None:
                answers[party] = picked == "consent"
        field_error(errors.get("answers"))
        on = _day("med_consent_on", "on", errors)
        field_error(errors.get("_form"))
        if st.form_submit_button(t("medcentre.action.consent"), type="primary"):
            _run(
                "consent", lambda s, u: referral.record_consent(s, u, m.id, m.version, on=on, answers=answers)
            )


def assign_form(file: MediationFile, roster: list[Mediator]) -> None:
    """The centre's own picker from the roster (the suggestions widget replaces it once it is on main)."""
    m, errors = file.mediation, _errors("assign")
    names = {r.id: f"{r.name} · {label('mediator_level', r.level)}" for r in roster}
    lead = file.lead.id if file.lead else None
    co = [x.id for x, is_lead in file.mediators if not is_lead]
    with st.form("med_assign"):
        lead_id = st.selectbox(t("workflow.field.lead_id"), list(names), index=list(names).index(lead)
                               if lead in names else None, format_func=names.get, key="med_assign_lead",
                               placeholder=t("medcentre.form.pick"))  # fmt: skip
        field_error(errors.get("lead_id"))
        co_ids = st.multiselect(t("workflow.field.co_ids"), list(names), default=[i for i in co if i in names],
                                format_func=names.get, key="med_assign_co",
                                placeholder=t("medcentre.form.pick"))  # fmt: skip
        field_error(errors.get("co_ids") or errors.get("_form"))
        if st.form_submit_button(t("medcentre.action.assign"), type="primary"):
            _run(
                "assign",
                lambda s, u: cases.assign_mediators(s, u, m.id, m.version, lead_id=lead_id, co_ids=co_ids),
            )


def session_form(file: MediationFile) -> None:
    m, errors = file.mediation, _errors("session")
    with st.form("med_session"):
        day = _day("med_session_day", "held_at", errors)
        hour = st.time_input(t("medcentre.form.time"), value=time(9, 0), key="med_session_time")
        place = _text("med_session_place", "place", errors)
        present = _text("med_session_present", "present", errors, value="、".join(referral.parties_of(m)))
        notes = _text("med_session_notes", "notes", errors, area=True)
        field_error(errors.get("_form"))
        if st.form_submit_button(t("medcentre.action.session"), type="primary"):
            held = datetime.combine(day, hour, tzinfo=timeutil.now().tzinfo)
            _run("session", lambda s, u: cases.record_session(
                s, u, m.id, m.version, held_at=held, place=place, present=present, notes=notes))  # fmt: skip


def conclude_form(file: MediationFile) -> None:
    m, errors = file.mediation, _errors("conclude")
    outcome = st.segmented_control(t("workflow.field.result"), list(referral.Outcome), key="med_outcome",
                                   default=referral.Outcome.AGREED, format_func=lambda o: t(f"mediation.result.{o}"))  # fmt: skip
    with st.form("med_conclude"):
        on = _day("med_conclude_on", "on", errors)
        particulars, routes, note = None, None, None
        if outcome == referral.Outcome.AGREED:
            facts = _text("med_facts", "facts", errors, area=True, value=m.summary or "")
            responsibility = _text("med_resp", "responsibility", errors, area=True)
            terms = _text("med_terms", "terms", errors, area=True)
            performance = _text("med_perf", "performance", errors, area=True)
            due = _day("med_perf_due", "performance_due", errors, future=True)
            particulars = agreements.Particulars(facts, terms, responsibility, performance, due)
            st.caption(t("medcentre.form.window_help"))
        elif outcome == referral.Outcome.FAILED:
            routes = st.pills(t("workflow.field.routes_told"), agreements.ROUTES, selection_mode="multi",
                              format_func=lambda r: label("route_told", r), key="med_routes")  # fmt: skip
            field_error(errors.get("routes_told"))
            note = _text("med_note", "note", errors, area=True)
        else:
            note = _text("med_note", "note", errors, area=True)
        field_error(errors.get("_form") or errors.get("outcome"))
        if st.form_submit_button(t("medcentre.action.conclude"), type="primary"):
            _run("conclude", lambda s, u: referral.conclude_mediation(
                s, u, m.id, m.version, outcome=outcome, on=on, agreement=particulars, routes_told=routes,
                note=note))  # fmt: skip


def apply_form(file: MediationFile) -> None:
    a, errors = file.agreement, _errors("apply")
    with st.form("med_apply"):
        st.caption(t("medcentre.form.apply_help", due=a.confirmation_due.isoformat()))
        on = _day("med_apply_on", "on", errors)
        field_error(errors.get("_form"))
        if st.form_submit_button(t("medcentre.action.apply"), type="primary"):
            _run("apply", lambda s, u: agreements.apply_confirmation(s, u, a.id, a.version, on=on))


def _answer_form(file: MediationFile, action: str, field: str, enum_cls, write) -> None:
    """A follow-up of the agreement: one answer of `enum_cls`, its date and a note."""
    a, errors = file.agreement, _errors(action)
    with st.form(f"med_{action}"):
        answer = st.radio(t(f"workflow.field.{field}"), list(enum_cls), index=None, horizontal=True,
                          format_func=partial(label, field), key=f"med_{action}_answer")  # fmt: skip
        field_error(errors.get(field))
        on = _day(f"med_{action}_on", "on", errors)
        note = _text(f"med_{action}_note", "note", errors)
        field_error(errors.get("_form"))
        if st.form_submit_button(t(f"medcentre.action.{action}"), type="primary"):
            _run(action, lambda s, u: write(s, u, a.id, a.version, on=on, answer=answer or "", note=note))


def court_form(file: MediationFile) -> None:
    def write(s, u, agreement_id, version, *, on, answer, note):
        return agreements.record_confirmation(s, u, agreement_id, version, on=on, result=answer, note=note)

    _answer_form(file, "court", "confirmation_result", ConfirmationResult, write)


def performance_form(file: MediationFile) -> None:
    def write(s, u, agreement_id, version, *, on, answer, note):
        return agreements.record_performance(s, u, agreement_id, version, on=on, status=answer, note=note)

    _answer_form(file, "performance", "performance_status", PerformanceStatus, write)


FORMS = {
    "consent": consent_form,
    "session": session_form,
    "conclude": conclude_form,
    "apply": apply_form,
    "court": court_form,
    "performance": performance_form,
}
