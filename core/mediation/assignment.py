"""The team of a mediation case (第19条): one lead mediator and co-mediators, picked by the centre.

A hard case (a group of 5 or more, a repeat petition, or one a leader took charge of, 包案) is led by a junior
only together with his mentor, unless the mentor has signed him off to lead alone.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlmodel import Session, select

from core.accounts import audit, permissions
from core.mediation.mentorship import active_mentor_of
from core.platform.db import bump_version
from core.platform.errors import IllegalTransition, NotFound
from core.platform.validation import Errors
from i18n import t
from models import (
    Case,
    MediationCase,
    MediationMediator,
    MediationStatus,
    Mediator,
    MediatorLevel,
    Role,
    User,
)

GROUP_SIZE = 5  # a group petition (集体访): five or more people
OPEN = (MediationStatus.APPLIED, MediationStatus.ACCEPTED)


def in_scope(session: Session, user: User, mediation: MediationCase) -> bool:
    """Return whether the user may see the mediation case: a mediator one he sits on, or one without a team."""
    if not permissions.allowed(user, "mediation.view"):
        return False
    if Role(user.role) != Role.MEDIATOR:
        return True
    team = session.exec(
        select(Mediator.user_id)
        .join(MediationMediator, MediationMediator.mediator_id == Mediator.id)
        .where(MediationMediator.mediation_id == mediation.id)
    ).all()
    return not team or user.id in team


def is_hard(session: Session, mediation: MediationCase) -> bool:
    """Return whether the case needs a veteran: its petition is a group's, a repeat, or a leader's 包案."""
    if mediation.case_id is None:
        return False
    case = session.get(Case, mediation.case_id)
    return case is not None and (
        case.group_size >= GROUP_SIZE
        or case.repeat_of_id is not None
        or not case.is_first
        or case.leader_in_charge_id is not None
    )


def team_of(session: Session, mediation_id: int) -> tuple[int | None, list[int]]:
    """Return the lead mediator's id and the co-mediators' ids of a mediation case."""
    rows = session.exec(
        select(MediationMediator.mediator_id, MediationMediator.is_lead)
        .where(MediationMediator.mediation_id == mediation_id)
        .order_by(MediationMediator.id)
    ).all()
    lead = next((m for m, is_lead in rows if is_lead), None)
    return lead, [m for m, is_lead in rows if not is_lead]


def assign_mediators(
    session: Session, actor: User, mediation_id: int, version: int, lead_id: int, co_ids: Sequence[int] = ()
) -> MediationCase:
    """Set the lead mediator and the co-mediators of an open mediation case, replacing the team it had."""
    try:
        permissions.require(actor, "mediation.assign")
        mediation = session.exec(
            select(MediationCase).where(MediationCase.id == mediation_id).with_for_update()
        ).first()
        if mediation is None or not in_scope(session, actor, mediation):
            raise NotFound(t("error.not_found"))
        if mediation.status not in OPEN:
            raise IllegalTransition(t("roster.error.assign_ended"))
        co = list(dict.fromkeys(int(i) for i in co_ids if int(i) != lead_id))
        _check_team(session, mediation, lead_id, co)
        before_lead, before_co = team_of(session, mediation.id)
        session.execute(sa.delete(MediationMediator).where(MediationMediator.mediation_id == mediation.id))
        session.add(MediationMediator(mediation_id=mediation.id, mediator_id=lead_id, is_lead=True))
        session.add_all(
            MediationMediator(mediation_id=mediation.id, mediator_id=i, is_lead=False) for i in co
        )
        bump_version(session, mediation, version)
        audit.record(
            session,
            actor,
            "mediation.assign",
            object_type="mediation_case",
            object_id=mediation.id,
            case_id=mediation.case_id,
            before={"lead_id": before_lead, "co_ids": before_co},
            after={"lead_id": lead_id, "co_ids": co},
        )
        session.commit()
    except Exception:
        session.rollback()
        raise
    session.refresh(mediation)
    return mediation


def _check_team(session: Session, mediation: MediationCase, lead_id: int, co: list[int]) -> None:
    errors = Errors()
    found = {m.id: m for m in session.exec(select(Mediator).where(Mediator.id.in_([lead_id, *co]))).all()}
    lead = found.get(lead_id)
    if lead is None or not lead.active:
        errors.add("lead_id", t("mediation.error.mediator"))
    if any(i not in found or not found[i].active for i in co):
        errors.add("co_ids", t("mediation.error.mediator"))
    if lead is not None and lead.level == MediatorLevel.JUNIOR and is_hard(session, mediation):
        mentor, signed_off = active_mentor_of(session, [lead.id]).get(lead.id, (None, None))
        if signed_off is None and mentor not in co:
            errors.add("co_ids", t("roster.error.mentor_needed"))
    errors.raise_if_any()
