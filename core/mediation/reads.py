"""Reads of mediation cases for the desk: a mediator's own cases, open ones first (read-only for now)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, func, select

from core.accounts import permissions
from models import MediationCase, MediationMediator, MediationStatus, Mediator, Street, User

OPEN = (MediationStatus.APPLIED.value, MediationStatus.ACCEPTED.value)
COLUMNS = (
    MediationCase.id,
    MediationCase.number,
    MediationCase.title,
    MediationCase.parties,
    MediationCase.kind,
    MediationCase.dispute_type,
    MediationCase.status,
    MediationCase.applied_on,
    MediationCase.due_on,
    MediationCase.closed_on,
    MediationMediator.is_lead,
    Street.name,
)


@dataclass(frozen=True)
class MediationRow:
    """One mediation case on a mediator's list."""

    id: int
    number: str
    title: str
    parties: str
    kind: str
    dispute_type: str
    status: str
    applied_on: date
    due_on: date | None
    closed_on: date | None
    is_lead: bool
    street: str | None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN


@dataclass(frozen=True)
class MediationCounts:
    """A mediator's cases: still open, and closed since 1 January by result."""

    open: int
    agreed_this_year: int
    failed_this_year: int


def _mine(user: User):
    """Return the join that keeps the mediation cases the user sits on as a mediator."""
    # An IN on his roster rows, not a join: SQLite would otherwise walk every case of the status first.
    mine = MediationMediator.mediator_id.in_(sa.select(Mediator.id).where(Mediator.user_id == user.id))
    return (
        sa.join(
            MediationCase, MediationMediator, MediationMediator.mediation_id == MediationCase.id
        ).outerjoin(Street, Street.id == MediationCase.street_id)
    ), mine


def my_mediations(session: Session, user: User, *, limit: int = 20) -> list[MediationRow]:
    """Return the user's mediation cases: open ones by due date, then the latest closed, at most `limit`."""
    permissions.require(user, "mediation.view")
    source, mine = _mine(user)
    base = select(*COLUMNS).select_from(source).where(mine)
    open_rows = session.exec(
        base.where(MediationCase.status.in_(OPEN))
        .order_by(MediationCase.due_on.is_(None), MediationCase.due_on, MediationCase.id)
        .limit(limit)
    ).all()
    closed_rows = session.exec(
        base.where(MediationCase.status.not_in(OPEN))
        .order_by(MediationCase.closed_on.desc(), MediationCase.id.desc())
        .limit(max(0, limit - len(open_rows)))
    ).all()
    return [MediationRow(*row) for row in [*open_rows, *closed_rows]]


def my_mediation_counts(session: Session, user: User, today: date) -> MediationCounts:
    """Return how many of the user's mediation cases are open and how many closed this year, by result."""
    permissions.require(user, "mediation.view")
    source, mine = _mine(user)
    count = select(func.count()).select_from(source).where(mine)
    since = MediationCase.closed_on >= date(today.year, 1, 1)
    return MediationCounts(
        open=session.exec(count.where(MediationCase.status.in_(OPEN))).one(),
        agreed_this_year=session.exec(count.where(MediationCase.status == "agreed", since)).one(),
        failed_this_year=session.exec(count.where(MediationCase.status == "failed", since)).one(),
    )
