"""Each role's first screen (UX.md): what the home page shows a registrar, handler, mediator, supervisor,
leader or administrator, gathered from the wings below in a few bounded queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, func, select

from core.accounts import permissions
from core.cases.workflow import open_clause, overdue_clause
from core.desk import todo
from core.mediation import reads as mediation
from core.platform import timeutil
from models import Case, Grid, HolidayYear, Mediator, Role, Street, Unit, User

TODO_ON_HOME = 8  # the most urgent few; the to-do page has the rest
LOCKED_ON_HOME = 10


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


@dataclass(frozen=True)
class SystemState:
    """What an administrator checks first: who is locked out, until which year holidays are known."""

    active_users: int
    locked_users: list[str]  # display names, at most LOCKED_ON_HOME
    locked_total: int
    holidays_through: int | None  # the last year whose holidays are in the table


@dataclass(frozen=True)
class Home:
    """Everything one user's home page shows; parts a role does not see are empty."""

    role: Role
    counts: HomeCounts | None = None
    todo: list[todo.TodoItem] = field(default_factory=list)
    todo_total: int = 0
    mediations: list[mediation.MediationRow] = field(default_factory=list)
    mediation_counts: mediation.MediationCounts | None = None
    is_mediator_on_roster: bool = False
    system: SystemState | None = None


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


def system_state(session: Session, user: User) -> SystemState:
    """Return the state of the system for an administrator."""
    permissions.require(user, "user.manage")
    locked = select(User.display_name).where(User.active == sa.true(), User.locked_until > timeutil.now())
    return SystemState(
        active_users=session.exec(
            select(func.count()).select_from(User).where(User.active == sa.true())
        ).one(),
        locked_users=list(session.exec(locked.order_by(User.display_name).limit(LOCKED_ON_HOME))),
        locked_total=session.exec(select(func.count()).select_from(locked.subquery())).one(),
        holidays_through=session.exec(select(func.max(HolidayYear.year))).one(),
    )


def _with_todo(session: Session, user: User, today: date, **parts) -> Home:
    items = todo.todo_for(session, user, today, limit=TODO_ON_HOME)
    return Home(Role(user.role), todo=items, todo_total=todo.todo_count(session, user, today), **parts)


def _mediator_home(session: Session, user: User, today: date) -> Home:
    on_roster = session.exec(
        select(func.count()).select_from(Mediator).where(Mediator.user_id == user.id)
    ).one()
    return Home(
        Role.MEDIATOR,
        mediations=mediation.my_mediations(session, user),
        mediation_counts=mediation.my_mediation_counts(session, user, today),
        is_mediator_on_roster=on_roster > 0,
    )


def home_for(session: Session, user: User, today: date) -> Home:
    """Return the home page of this user's role: his to-do, his mediations, or the state of the system."""
    role = Role(user.role)
    if role == Role.MEDIATOR:
        return _mediator_home(session, user, today)
    counts = home_counts(session, user, today)
    if role == Role.ADMIN:
        return _with_todo(session, user, today, counts=counts, system=system_state(session, user))
    return _with_todo(session, user, today, counts=counts)
