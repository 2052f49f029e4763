"""The roster as the mediation centre reads it: one page of mediators with their place, mentor, load and
results, contacts masked per role, and the load chart's figures; scoped by core.accounts.permissions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from core.accounts import permissions, pii
from core.mediation import specialties
from core.mediation.figures import MediatorFigures, figures_of
from models import Community, Grid, Mediator, Mentorship, Street, User

PAGE_SIZE = 50
CHART_SIZE = 25


@dataclass(frozen=True)
class RosterRow:
    """One mediator on the roster."""

    id: int
    name: str
    phone: str | None
    level: str
    organisation: str | None
    organisation_kind: str | None
    street: str | None
    community: str | None
    grid: str | None
    specialties: tuple[str, ...]
    trained_on: date | None
    certified_on: date | None
    certificate_expires_on: date | None
    active: bool
    mentor: str | None
    figures: MediatorFigures


def _filters(user: User, street_id: int | None, level: str | None, q: str | None, active_only: bool) -> list:
    where = [permissions.mediator_clause(user)]
    if street_id is not None:
        where.append(Mediator.street_id == street_id)
    if level:
        where.append(Mediator.level == level)
    if q and q.strip():
        where.append(Mediator.name.contains(q.strip()[:40], autoescape=True))
    if active_only:
        where.append(Mediator.active == sa.true())
    return where


def roster(
    session: Session,
    user: User,
    *,
    street_id: int | None = None,
    level: str | None = None,
    q: str | None = None,
    active_only: bool = True,
    page: int = 1,
    page_size: int = PAGE_SIZE,
) -> tuple[list[RosterRow], int]:
    """Return one page of the roster the user may see, by street then name, and how many rows match."""
    permissions.require(user, "mediation.view")
    where = _filters(user, street_id, level, q, active_only)
    total = session.exec(select(sa.func.count()).select_from(Mediator).where(*where)).one()
    mentor = aliased(Mediator)
    current = (
        select(mentor.name)
        .join(Mentorship, Mentorship.mentor_id == mentor.id)
        .where(Mentorship.mentee_id == Mediator.id, Mentorship.ended_on.is_(None))
        .order_by(Mentorship.started_on.desc())
        .limit(1)
        .scalar_subquery()
    )
    community = aliased(Community)
    stmt = (
        select(Mediator, Street.name, sa.func.coalesce(community.name, Community.name), Grid.name, current)
        .outerjoin(Street, Street.id == Mediator.street_id)
        .outerjoin(Grid, Grid.id == Mediator.grid_id)
        .outerjoin(Community, Community.id == Grid.community_id)
        .outerjoin(community, community.id == Mediator.community_id)
        .where(*where)
        .order_by(Street.code, Mediator.name, Mediator.id)
        .offset(max(0, page - 1) * page_size)
        .limit(page_size)
    )
    found = session.exec(stmt).all()
    figures = figures_of(session, [m.id for m, *_ in found])
    full = permissions.allowed(user, "mediator.edit")
    rows = [
        RosterRow(
            m.id,
            m.name,
            m.phone if full or m.user_id == user.id else pii.mask_phone(m.phone),
            str(m.level),
            m.organisation,
            str(m.organisation_kind) if m.organisation_kind else None,
            street,
            comm,
            grid,
            tuple(specialties.keys_of(m.specialties)),
            m.trained_on,
            m.certified_on,
            m.certificate_expires_on,
            m.active,
            mentor_name,
            figures[m.id],
        )
        for m, street, comm, grid, mentor_name in found
    ]
    return rows, int(total)


def load_chart_rows(
    session: Session, user: User, street_id: int | None, limit: int = CHART_SIZE
) -> list[dict]:
    """Return the busiest mediators the user may see (open cases, then results): name, open, agreed, failed."""
    permissions.require(user, "mediation.view")
    ids = dict(
        session.exec(
            select(Mediator.id, Mediator.name).where(*_filters(user, street_id, None, None, True))
        ).all()
    )
    figures = figures_of(session, ids)
    ranked = sorted(ids, key=lambda i: (-figures[i].open, -figures[i].decided, ids[i], i))[:limit]
    return [
        {
            "mediator_id": i,
            "name": ids[i],
            "open": figures[i].open,
            "agreed": figures[i].agreed,
            "failed": figures[i].failed,
            "rate": figures[i].rate,
        }
        for i in ranked
    ]
