"""Who sees and who acts on a mediation case: the one scoping rule, applied inside every query.

A mediator sees the cases he sits on and those of the juniors he mentors (老马带小马); a handler the
mediations of his unit's petition cases; the office, leaders, supervisors and administrators all of them.
A mediator acts on the cases he sits on; the office and the unit act on a referred case as they may on the
petition case itself (core.cases.workflow's return_from_mediation); the office also on applications.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, select

from core.accounts import audit
from core.accounts.permissions import allowed, require, require_case, scope_cases
from core.cases import workflow
from core.platform.errors import IllegalTransition, NotFound, PermissionDenied, StaleVersion
from i18n import t
from models import Case, CaseStatus, MediationCase, MediationMediator, Mediator, Mentorship, Role, User

SEE_ALL = frozenset({Role.ADMIN, Role.REGISTRAR, Role.SUPERVISOR, Role.LEADER})


def my_mediator_ids(user: User):
    """Return a subquery of the roster entries that are this user."""
    return select(Mediator.id).where(Mediator.user_id == user.id)


def _sits_on(mediator_ids) -> sa.ColumnElement[bool]:
    return (
        select(MediationMediator.id)
        .where(
            MediationMediator.mediation_id == MediationCase.id,
            MediationMediator.mediator_id.in_(mediator_ids),
        )
        .exists()
    )


def visible(user: User | None) -> sa.ColumnElement[bool]:
    """Return the condition on MediationCase that keeps the mediations the user may see."""
    if not allowed(user, "mediation.view"):
        return sa.false()
    role = Role(user.role)
    if role in SEE_ALL:
        return sa.true()
    if role == Role.MEDIATOR:
        mine = my_mediator_ids(user)
        juniors = select(Mentorship.mentee_id).where(
            Mentorship.mentor_id.in_(mine), Mentorship.ended_on.is_(None)
        )
        # an IN on the team's mediations, not a correlated EXISTS: the planner starts from his few cases
        team = select(MediationMediator.mediation_id).where(
            MediationMediator.mediator_id.in_(sa.union(mine, juniors))
        )
        return MediationCase.id.in_(team)
    if role == Role.HANDLER:
        cases = scope_cases(select(Case.id), user)
        return sa.and_(MediationCase.case_id.is_not(None), MediationCase.case_id.in_(cases))
    return sa.false()


def get_mediation(
    session: Session, user: User, mediation_id: int, *, for_update: bool = False
) -> MediationCase:
    """Return the mediation if the user may see it; NotFound otherwise, so existence is not revealed."""
    require(user, "mediation.view")
    stmt = select(MediationCase).where(MediationCase.id == mediation_id, visible(user))
    if for_update:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    mediation = session.exec(stmt).first()
    if mediation is None:
        raise NotFound(t("error.not_found"))
    return mediation


def sits_on(session: Session, user: User, mediation_id: int) -> bool:
    """Return whether the user is one of the mediation's mediators."""
    stmt = select(MediationMediator.id).where(
        MediationMediator.mediation_id == mediation_id,
        MediationMediator.mediator_id.in_(my_mediator_ids(user)),
    )
    return session.exec(stmt).first() is not None


def acts_as_centre(session: Session, user: User, mediation: MediationCase) -> bool:
    """Return whether the user acts as the centre's mediator here (he sees no petition file)."""
    return Role(user.role) == Role.MEDIATOR and sits_on(session, user, mediation.id)


def may_act(session: Session, user: User, mediation: MediationCase) -> bool:
    """Return whether the user may change this mediation (consent, mediators, sessions, result, agreement)."""
    if not allowed(user, "mediation.view"):
        return False
    role = Role(user.role)
    if role == Role.ADMIN:
        return True
    if role == Role.MEDIATOR:
        return sits_on(session, user, mediation.id)
    if mediation.case_id is None:
        return allowed(user, "mediation.open")
    case = session.get(Case, mediation.case_id)
    try:
        if case.status == CaseStatus.MEDIATING:
            workflow.check_action(user, case, "return_from_mediation")
        else:  # the case is back: its agreement's follow-up stays with whoever keeps the case
            require_case(user, workflow.TRANSITIONS["return_from_mediation"].permission_for(case), case)
    except (PermissionDenied, IllegalTransition):
        return False
    return True


def require_act(session: Session, user: User, mediation: MediationCase) -> None:
    """Raise PermissionDenied unless the user may change this mediation."""
    if not may_act(session, user, mediation):
        raise PermissionDenied(t("error.forbidden"))


def bump_version(session: Session, row, version: int) -> None:
    """Bump a row's version with a guarded UPDATE, so two writers cannot both win (StaleVersion)."""
    session.flush()
    table = type(row).__table__
    result = session.execute(
        sa.update(table).where(table.c.id == row.id, table.c.version == version).values(version=version + 1)
    )
    if result.rowcount != 1:
        raise StaleVersion(t("workflow.stale_unknown"))
    set_committed_value(row, "version", version + 1)


def record(session: Session, actor: User, mediation: MediationCase, action: str, before, after, *, note=None):
    """Append a mediation's audit event; a referred case's timeline shows it too (its case_id)."""
    return audit.record(
        session,
        actor,
        action,
        object_type="mediation_case",
        object_id=mediation.id,
        case_id=mediation.case_id,
        before=before or None,
        after=after or None,
        note=note,
    )
