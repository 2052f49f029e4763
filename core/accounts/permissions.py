"""One table maps every action to the roles allowed to take it; scoping rules narrow it per object."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from core.platform.errors import PermissionDenied
from models import Case, CaseEvent, CaseUnit, Mediator, Mentorship, Role, User

A, R, H, M, S, L = Role.ADMIN, Role.REGISTRAR, Role.HANDLER, Role.MEDIATOR, Role.SUPERVISOR, Role.LEADER
D = Role.DISPLAY
# every role a person signs in with; the display account sees the big screen and nothing else
PEOPLE = frozenset(Role) - {D}

# action -> roles allowed. Object-level scoping (a handler only acts on his unit's cases) is in `case_in_scope`.
PERMISSIONS: dict[str, frozenset[Role]] = {
    # cases
    "case.view": frozenset({A, R, H, S, L}),  # mediators work on mediation cases, not petition files
    "case.register": frozenset({A, R, L}),  # a leader registers what he receives in person (领导接访)
    "case.triage": frozenset({A, R}),  # forward (转送) / assign (交办) / route out / merge / invalid
    "case.accept": frozenset({A, H}),
    "case.object": frozenset({A, H}),
    "case.settle_dispute": frozenset({A, R}),
    "case.handle": frozenset({A, H}),  # pause, resume, meetings, refer to mediation, reply
    "case.extend": frozenset({A, H}),
    "case.rate": frozenset({A, R, H}),
    "case.close": frozenset({A, R, H}),
    "case.review": frozenset({A, R}),  # record review / re-examination requests and decisions
    "case.withdraw": frozenset({A, R}),
    "case.take_charge": frozenset({L}),  # 包案
    "case.instruct": frozenset({L}),  # the leader in charge's instruction (批示) on his case
    "case.urge": frozenset({A, S}),  # 督办/催办 note on a case
    "case.export": frozenset({A, R, S, L}),
    "case.import": frozenset({A, R}),  # a case ledger (台账) from Excel or CSV (core.exchange.ledger)
    # leaders' reception days (接访日): a leader sees his own, these roles may pick any leader's
    "reception.view": frozenset({A, R, S, L}),
    "reception.any_leader": frozenset({A, R, S}),
    # personal data (第30条): who may see the accuser of a confidential case, and full ID numbers and phones
    # a handler only in a lead unit of kind discipline or petition office (core.pii.can_see_identity)
    "case.identity": frozenset({A, R, H, S}),
    "pii.view": frozenset({R}),  # sees full ID numbers and phones without a reveal (intake, repeat matching)
    "pii.reveal": frozenset({A, R, H, S}),  # reveals one masked value, audited
    # mediation
    "mediation.view": frozenset({A, R, H, M, S, L}),  # a handler: his unit's cases' mediations
    "mediation.open": frozenset({A, R, M}),  # a mediation on application at the centre's window (第17条)
    "mediation.edit": frozenset({A, M}),
    "mediator.edit": frozenset({A}),
    "mentorship.sign_off": frozenset({A, M}),  # a mentor's own juniors only (core.mediation.mentorship)
    # supervision
    "supervision.view": frozenset({A, S, L}),
    "supervision.edit": frozenset({A, S}),
    "supervision.reply": frozenset({A, H}),
    # standard documents (core.documents.standard: each kind is generated under its stage's action) and archives
    "document.template": frozenset({A}),  # replace a document kind's template
    "webhook.manage": frozenset({A}),  # subscribe other systems to case events (issue 16)
    "archive.export": frozenset({A, R}),  # a closed case's archive package (信访档案)
    "archive.view": frozenset({A, R, S}),  # the list of archives due for review of destruction
    "document.page": frozenset({A, R, H, S}),  # the documents page: batch printing, templates, archives due
    # dashboards and reference data (the low-code admin: each table names its view and write actions)
    "kpi.view": frozenset(
        {A, S, L, H, D}
    ),  # a handler sees his own unit's figures (core.kpis.effective_scope)
    # the dashboard and the KPI reference page (with their drill-down to cases): not the display account
    "kpi.dashboard": frozenset({A, S, L, H}),
    # the meeting room's big screen (大屏): district and street aggregates
    "kpi.big_screen": frozenset({A, L, D}),
    "briefing.view": frozenset({A, S, L}),  # the weekly briefing and the annual report (每周通报, 第41条)
    "home.view": PEOPLE,  # the home page and the petitioners' status lookup inside the app
    "data.view": PEOPLE,  # open the reference-data page; each table on it checks its own view action
    "reference.view": frozenset({A, R, H, S, L}),  # places, units, subjects, responsibility list, holidays
    "reference.edit": frozenset({A}),
    "holiday.edit": frozenset({A}),
    "setting.view": frozenset({A, S}),
    "setting.edit": frozenset({A}),
    # accounts and the audit log
    "account.password": PEOPLE,  # change one's own password (the display account's is the administrator's)
    "account.language": frozenset(Role),  # the display account too: the sign-in page's choice is kept on it
    "user.manage": frozenset({A}),
    "token.manage": frozenset({A}),
    "audit.view": frozenset({A}),
    "audit.export": frozenset({A}),
    "demo.load": frozenset({A}),
}


def allowed(user: User | None, action: str) -> bool:
    """Return whether the user's role may take `action` at all."""
    roles = PERMISSIONS.get(action)
    if roles is None:
        raise KeyError(f"unknown action {action!r}: add it to core.permissions.PERMISSIONS")
    if user is None or not user.active:
        return False
    return Role(user.role) in roles


def _deny() -> PermissionDenied:
    from i18n import t

    return PermissionDenied(t("error.forbidden"))


def require(user: User | None, action: str) -> None:
    """Raise PermissionDenied unless the user's role may take `action`."""
    if not allowed(user, action):
        raise _deny()


def _assists(session: Session, case_id: int, unit_id: int) -> bool:
    hit = session.exec(select(CaseUnit.id).where(CaseUnit.case_id == case_id, CaseUnit.unit_id == unit_id))
    return hit.first() is not None


def case_in_scope(user: User | None, case) -> bool:
    """Return whether the user may see this case at all (a handler: only cases of his unit)."""
    if not allowed(user, "case.view"):
        return False
    if Role(user.role) != Role.HANDLER:
        return True
    if user.unit_id is None:
        return False
    if case.lead_unit_id == user.unit_id:
        return True
    session = Session.object_session(case)
    return session is not None and case.id is not None and _assists(session, case.id, user.unit_id)


def require_case(user: User | None, action: str, case) -> None:
    """Raise PermissionDenied unless the user may take `action` on this particular case."""
    require(user, action)
    if not case_in_scope(user, case):
        raise _deny()


def scope_cases(stmt, user: User | None):
    """Narrow a select over Case to the cases the user may see (handler: lead or assisting unit)."""
    if not allowed(user, "case.view"):
        return stmt.where(sa.false())
    if Role(user.role) != Role.HANDLER:
        return stmt
    if user.unit_id is None:
        return stmt.where(sa.false())
    assisting = (
        select(CaseUnit.id).where(CaseUnit.case_id == Case.id, CaseUnit.unit_id == user.unit_id).exists()
    )
    return stmt.where(sa.or_(Case.lead_unit_id == user.unit_id, assisting))


def mediator_clause(user: User | None, mediator=Mediator) -> sa.ColumnElement[bool]:
    """Return the condition on `mediator` (the table or an alias) of the roster rows the user may see: a
    mediator his own record and his juniors' (every mentorship he holds as mentor), other roles all."""
    if not allowed(user, "mediation.view"):
        return sa.false()
    if Role(user.role) != Role.MEDIATOR:
        return sa.true()
    mentor = aliased(Mediator)
    juniors = (
        select(Mentorship.mentee_id)
        .join(mentor, mentor.id == Mentorship.mentor_id)
        .where(mentor.user_id == user.id)
    )
    return sa.or_(mediator.user_id == user.id, mediator.id.in_(juniors))


# The audit log is append-only: no session of the product may update or delete a CaseEvent.
@event.listens_for(OrmSession, "before_flush")
def _forbid_audit_changes(session, _flush_context, _instances) -> None:
    for obj in session.deleted:
        if isinstance(obj, CaseEvent):
            raise _deny()
    for obj in session.dirty:
        if isinstance(obj, CaseEvent) and session.is_modified(obj):
            raise _deny()


@event.listens_for(OrmSession, "do_orm_execute")
def _forbid_audit_bulk_changes(state) -> None:
    if not (state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) == CaseEvent.__tablename__:
        raise _deny()
