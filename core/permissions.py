"""One table maps every action to the roles allowed to take it; scoping rules narrow it per object."""

from __future__ import annotations

from models import Role, User

from core.errors import PermissionDenied

A, R, H, M, S, L = Role.ADMIN, Role.REGISTRAR, Role.HANDLER, Role.MEDIATOR, Role.SUPERVISOR, Role.LEADER
ALL = frozenset(Role)

# action -> roles allowed. Object-level scoping (a handler only acts on his unit's cases) is in `can_act`.
PERMISSIONS: dict[str, frozenset[Role]] = {
    # cases
    "case.view": ALL,
    "case.register": frozenset({A, R, L}),
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
    "case.export": frozenset({A, R, S, L}),
    "pii.reveal": frozenset({A, R, H, S}),
    # mediation
    "mediation.view": frozenset({A, R, M, S, L}),
    "mediation.edit": frozenset({A, M}),
    "mediator.edit": frozenset({A}),
    # supervision
    "supervision.view": frozenset({A, S, L}),
    "supervision.edit": frozenset({A, S}),
    "supervision.reply": frozenset({A, H}),
    # dashboards and reference data
    "kpi.view": frozenset({A, S, L}),
    "holiday.edit": frozenset({A}),
    "setting.edit": frozenset({A}),
    "user.manage": frozenset({A}),
    "token.manage": frozenset({A}),
    "audit.view": frozenset({A}),
    "audit.export": frozenset({A}),
    "demo.load": frozenset({A}),
}


def allowed(user: User | None, action: str) -> bool:
    """Return whether the user's role may take `action` at all."""
    if user is None or not user.active:
        return False
    roles = PERMISSIONS.get(action)
    if roles is None:
        raise KeyError(f"unknown action {action!r}: add it to core.permissions.PERMISSIONS")
    return Role(user.role) in roles


def require(user: User | None, action: str) -> None:
    """Raise PermissionDenied unless the user's role may take `action`."""
    if not allowed(user, action):
        from i18n import t

        raise PermissionDenied(t("error.forbidden"))


def case_in_scope(user: User, case) -> bool:
    """Return whether the user may see this case at all (a handler: only cases of his unit)."""
    role = Role(user.role)
    if role == Role.HANDLER:
        from sqlmodel import Session, select

        from models import CaseUnit

        if user.unit_id is None:
            return False
        if case.lead_unit_id == user.unit_id:
            return True
        session = Session.object_session(case)
        if session is None:
            return False
        hit = session.exec(
            select(CaseUnit.id).where(CaseUnit.case_id == case.id, CaseUnit.unit_id == user.unit_id)
        ).first()
        return hit is not None
    if role == Role.MEDIATOR:
        return False  # mediators work on mediation cases, not petition files
    return True


def require_case(user: User | None, action: str, case) -> None:
    """Raise PermissionDenied unless the user may take `action` on this particular case."""
    require(user, action)
    if not case_in_scope(user, case):
        from i18n import t

        raise PermissionDenied(t("error.forbidden"))
