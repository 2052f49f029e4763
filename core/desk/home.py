"""Read-only counts for the home page, scoped to what the user may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, func, select

from core.accounts import permissions
from core.cases.workflow import open_clause, overdue_clause
from models import Case, Grid, Mediator, Street, Unit, User


@dataclass(frozen=True)
class HomeCounts:
    cases_total: int
    cases_open: int
    cases_overdue: int
    cases_this_year: int
    mediators: int
    units: int
    grids: int
    streets: int


def _scope(stmt, user: User):
    return permissions.scope_cases(stmt, user)


def home_counts(session: Session, user: User, today: date) -> HomeCounts:
    """Return the counts shown on the home page; case counts cover only the cases the user may see."""
    count = select(func.count()).select_from(Case)
    return HomeCounts(
        cases_total=session.exec(_scope(count, user)).one(),
        cases_open=session.exec(_scope(count.where(open_clause()), user)).one(),
        cases_overdue=session.exec(_scope(count.where(overdue_clause(today)), user)).one(),
        cases_this_year=session.exec(
            _scope(count.where(Case.received_on >= date(today.year, 1, 1)), user)
        ).one(),
        mediators=session.exec(
            select(func.count()).select_from(Mediator).where(Mediator.active == sa.true())
        ).one(),
        units=session.exec(select(func.count()).select_from(Unit)).one(),
        grids=session.exec(select(func.count()).select_from(Grid)).one(),
        streets=session.exec(select(func.count()).select_from(Street)).one(),
    )
