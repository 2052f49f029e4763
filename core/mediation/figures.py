"""Each mediator's load and results, counted over every case he sits on (a co-mediated case credits each)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session

from models import MediationCase, MediationMediator, MediationStatus

OPEN = (MediationStatus.APPLIED.value, MediationStatus.ACCEPTED.value)


@dataclass(frozen=True)
class MediatorFigures:
    """Open cases now, and cases ever ended with an agreement or as failed (DOMAIN.md §8's success rate)."""

    open: int = 0
    agreed: int = 0
    failed: int = 0

    @property
    def decided(self) -> int:
        return self.agreed + self.failed

    @property
    def rate(self) -> float | None:
        """Agreements among mediations that took place and ended; None before the first."""
        return self.agreed / self.decided if self.decided else None


def _count(condition) -> sa.ColumnElement:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def open_loads(session: Session) -> dict[int, int]:
    """Return every mediator's open cases (open ones are few: read from the status index, not per mediator)."""
    # An IN, not a join: SQLite's planner would walk every mediator's cases instead of the open ones.
    open_ids = sa.select(MediationCase.id).where(MediationCase.status.in_(OPEN))
    stmt = (
        sa.select(MediationMediator.mediator_id, sa.func.count())
        .where(MediationMediator.mediation_id.in_(open_ids))
        .group_by(MediationMediator.mediator_id)
    )
    return {int(m): int(n) for m, n in session.execute(stmt).all()}


def figures_of(session: Session, mediator_ids: Iterable[int]) -> dict[int, MediatorFigures]:
    """Return the figures of each mediator named (one grouped query); one without cases gets zeros."""
    ids = sorted(set(mediator_ids))
    if not ids:
        return {}
    status = MediationCase.status
    stmt = (
        sa.select(
            MediationMediator.mediator_id,
            _count(status.in_(OPEN)),
            _count(status == MediationStatus.AGREED.value),
            _count(status == MediationStatus.FAILED.value),
        )
        .join(MediationCase, MediationCase.id == MediationMediator.mediation_id)
        .where(MediationMediator.mediator_id.in_(ids))
        .group_by(MediationMediator.mediator_id)
    )
    found = {int(m): MediatorFigures(int(o), int(a), int(f)) for m, o, a, f in session.execute(stmt).all()}
    return {i: found.get(i, MediatorFigures()) for i in ids}
