"""The way into a loaded demo: one account per role gets a password (the accounts wing hashes it), and a
demo administrator is created, so the demo can be shown from the browser at once (`load-demo`)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, func, select

from core.accounts import auth, users
from core.cases.workflow import open_clause
from core.platform.errors import ValidationError
from models import Case, MediationCase, MediationMediator, MediationStatus, Mediator, Role, Unit, User

ADMIN = "demo.admin"
ADMIN_NAME = "演示管理员"
ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/l/I to misread
GROUPS, GROUP_LEN = 4, 4  # xxxx-xxxx-xxxx-xxxx: 16 characters, about 92 bits


@dataclass(frozen=True)
class DemoLogin:
    """An account of the demo that can sign in: its role, its user name, and for a handler its unit."""

    role: str
    username: str
    display_name: str
    unit: str | None = None


def new_password() -> str:
    """Return a strong random password that the accounts wing accepts (letters and digits)."""
    while True:
        groups = ("".join(secrets.choice(ALPHABET) for _ in range(GROUP_LEN)) for _ in range(GROUPS))
        password = "-".join(groups)
        if auth.password_problem(ADMIN, password) is None:
            return password


def check_password(password: str) -> None:
    """Raise ValidationError unless the password suits every demo account (before a long load)."""
    names = (ADMIN, "demo.registrar1", "demo.leader1", "demo.supervisor1", "demo.mediator1", "demo.display")
    for username in names:
        problem = auth.password_problem(username, password)
        if problem:
            raise ValidationError(problem, errors={"demo_password": problem})


def set_demo_passwords(engine: sa.Engine, password: str) -> list[DemoLogin]:
    """Give the demo administrator (created if missing) and one demo account per role the password.

    The accounts chosen have something to do on the demo's day: the handler of the unit leading the most
    open cases, the leader in charge (包案) of the most open cases, the mediator leading most mediations.
    """
    check_password(password)
    with Session(engine) as session:
        chosen = demo_logins(session)
        if session.exec(select(User.id).where(User.username == ADMIN)).first() is None:
            users.create_user_by_operator(
                session,
                username=ADMIN,
                display_name=ADMIN_NAME,
                role=Role.ADMIN,
                unit_code=None,
                password=password,
            )
        else:
            users.set_password_by_operator(session, ADMIN, password)
        for login in chosen[1:]:
            users.set_password_by_operator(session, login.username, password)
    return chosen


def demo_logins(session: Session) -> list[DemoLogin]:
    """Return the admin and one demo account per role, in the order they are printed."""
    return [
        DemoLogin(Role.ADMIN.value, ADMIN, ADMIN_NAME),
        _login(session, Role.REGISTRAR, select(User).where(User.username == "demo.registrar1")),
        _busiest_handler(session),
        _busiest_leader(session),
        _login(session, Role.SUPERVISOR, select(User).where(User.username == "demo.supervisor1")),
        _busiest_mediator(session),
        _login(session, Role.DISPLAY, select(User).where(User.username == "demo.display")),
    ]


def _login(session: Session, role: Role, stmt, unit: str | None = None) -> DemoLogin:
    user = session.exec(stmt.where(User.role == role, User.username.startswith("demo.")).limit(1)).first()
    if user is None:
        raise ValidationError(f"the demo has no {role.value} account: load the demo first")
    return DemoLogin(role.value, user.username, user.display_name, unit)


def _busiest_handler(session: Session) -> DemoLogin:
    """The first handler of the unit that leads the most open cases."""
    open_cases = (
        select(Case.lead_unit_id, func.count().label("n"))
        .where(open_clause(), Case.lead_unit_id.is_not(None))
        .group_by(Case.lead_unit_id)
        .subquery()
    )
    stmt = (
        select(User)
        .join(open_cases, open_cases.c.lead_unit_id == User.unit_id)
        .order_by(open_cases.c.n.desc(), User.username)
    )
    login = _login(session, Role.HANDLER, stmt)
    unit = session.exec(
        select(Unit.name).join(User, User.unit_id == Unit.id).where(User.username == login.username)
    )
    return DemoLogin(login.role, login.username, login.display_name, unit.first())


def _busiest_leader(session: Session) -> DemoLogin:
    """The leader personally in charge (包案) of the most open cases."""
    in_charge = (
        select(Case.leader_in_charge_id, func.count().label("n"))
        .where(open_clause(), Case.leader_in_charge_id.is_not(None))
        .group_by(Case.leader_in_charge_id)
        .subquery()
    )
    stmt = (
        select(User)
        .outerjoin(in_charge, in_charge.c.leader_in_charge_id == User.id)
        .order_by(func.coalesce(in_charge.c.n, 0).desc(), User.username)
    )
    return _login(session, Role.LEADER, stmt)


def _busiest_mediator(session: Session) -> DemoLogin:
    """The mediator account with the most mediation cases still open."""
    led = (
        select(Mediator.user_id, func.count().label("n"))
        .join(MediationMediator, MediationMediator.mediator_id == Mediator.id)
        .join(MediationCase, MediationCase.id == MediationMediator.mediation_id)
        .where(MediationCase.status == MediationStatus.ACCEPTED, Mediator.user_id.is_not(None))
        .group_by(Mediator.user_id)
        .subquery()
    )
    stmt = (
        select(User)
        .outerjoin(led, led.c.user_id == User.id)
        .order_by(func.coalesce(led.c.n, 0).desc(), User.username)
    )
    return _login(session, Role.MEDIATOR, stmt)
