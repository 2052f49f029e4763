"""Reception days (接访日): the cases a leader received in person (领导接访, 马路办公) and what became of them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session

from core.accounts import permissions
from core.cases.registration import LEADER_CHANNELS
from core.platform.errors import PermissionDenied, ValidationError
from i18n import t
from models import Case, Satisfaction, User

ROW_LIMIT = 1000
MAX_DAYS = 366
SATISFIED = frozenset({Satisfaction.SATISFIED.value, Satisfaction.BASICALLY_SATISFIED.value})
RATED = SATISFIED | {Satisfaction.DISSATISFIED.value}


@dataclass(frozen=True)
class ReceptionRow:
    """One case a leader received, with what became of it."""

    id: int
    number: str
    received_on: date
    channel: str
    title: str
    status: str
    outcome: str | None
    satisfaction: str | None
    onsite_resolved: bool
    closed_on: date | None


@dataclass(frozen=True)
class ReceptionSummary:
    """Counts over the listed cases."""

    total: int
    onsite_resolved: int
    closed: int
    rated: int
    satisfied: int


def may_pick(user: User) -> bool:
    """Return whether the user may look at any leader's reception days (not only his own)."""
    return permissions.allowed(user, "reception.any_leader")


def require_reception(user: User, leader_id: int | None) -> None:
    """Raise PermissionDenied unless the user may see this leader's reception days."""
    if may_pick(user):
        return
    if permissions.allowed(user, "reception.view") and leader_id == user.id:
        return
    raise PermissionDenied(t("error.forbidden"))


def reception_cases(
    session: Session, user: User, leader_id: int, start: date, end: date
) -> list[ReceptionRow]:
    """Return the cases the leader received at reception or on-site office from start to end, oldest first."""
    require_reception(user, leader_id)
    if end < start or (end - start).days >= MAX_DAYS:
        raise ValidationError(t("casefile.reception.range", days=MAX_DAYS), field="range")
    columns = (
        Case.id,
        Case.number,
        Case.received_on,
        Case.channel,
        Case.title,
        Case.status,
        Case.outcome,
        Case.satisfaction,
        Case.onsite_resolved,
        Case.closed_on,
    )
    stmt = (
        sa.select(*columns)
        .where(
            Case.received_by_leader_id == leader_id,  # with received_on: ix_case_received_by_leader
            Case.received_on.between(start, end),
            Case.channel.in_(LEADER_CHANNELS),
        )
        .order_by(Case.received_on, Case.id)
        .limit(ROW_LIMIT)
    )
    stmt = permissions.scope_cases(stmt, user)
    return [ReceptionRow(*(_plain(v) for v in row)) for row in session.execute(stmt).all()]


def _plain(value):
    return getattr(value, "value", value)


def summarise(rows: list[ReceptionRow]) -> ReceptionSummary:
    """Return how many cases were received, resolved on the spot, closed, rated and satisfied."""
    return ReceptionSummary(
        total=len(rows),
        onsite_resolved=sum(r.onsite_resolved for r in rows),
        closed=sum(r.closed_on is not None for r in rows),
        rated=sum(r.satisfaction in RATED for r in rows),
        satisfied=sum(r.satisfaction in SATISFIED for r in rows),
    )
