"""Reference lists for pickers (streets, communities, grids, active units, leaders), cached per process.

The lists change rarely (an administrator edits them), yet the intake and case list pages read them on
every rerun; each list is kept per database for CACHE_SECONDS, so another replica's edit shows up within
that time and this process's own edits show up at once through `invalidate()`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, select

from models import Community, Grid, Role, Street, Unit, User

CACHE_SECONDS = 60.0


@dataclass(frozen=True, slots=True)
class Choice:
    """One option of a picker: the row id, its display name and its official code (when it has one)."""

    id: int
    name: str
    code: str = ""


_cache: dict[tuple, tuple[float, tuple]] = {}
_lock = threading.Lock()


def cached(session: Session, name: str, arg, load: Callable[[], list], *, fresh: bool = False) -> tuple:
    """Return the list `name` (for `arg`) of the session's database, loading it when the copy is old or `fresh`."""
    bind = session.get_bind()
    key = (getattr(bind, "engine", bind), name, arg)
    hit = _cache.get(key)
    if not fresh and hit is not None and hit[0] > time.monotonic():
        return hit[1]
    value = tuple(load())
    with _lock:
        _cache[key] = (time.monotonic() + CACHE_SECONDS, value)
    return value


def invalidate() -> None:
    """Forget every cached list (after an edit of streets, communities, grids, units or users)."""
    with _lock:
        _cache.clear()


def _choices(session: Session, stmt) -> list[Choice]:
    return [Choice(row[0], row[1], row[2] if len(row) > 2 else "") for row in session.exec(stmt)]


def streets(session: Session) -> tuple[Choice, ...]:
    """Return the active streets and towns in code order."""
    stmt = (
        select(Street.id, Street.name, Street.code)
        .where(Street.active == sa.true())
        .order_by(Street.code, Street.id)
    )
    return cached(session, "streets", None, lambda: _choices(session, stmt))


def _children(session: Session, kind: str, model, parent_column, parent_id: int | None) -> tuple[Choice, ...]:
    """Return the active places of one parent in code order (none without a parent)."""
    if parent_id is None:
        return ()
    stmt = (
        select(model.id, model.name, model.code)
        .where(parent_column == parent_id, model.active == sa.true())
        .order_by(model.code, model.id)
    )
    return cached(session, kind, parent_id, lambda: _choices(session, stmt))


def communities(session: Session, street_id: int | None) -> tuple[Choice, ...]:
    """Return the active communities and villages of one street in code order (none without a street)."""
    return _children(session, "communities", Community, Community.street_id, street_id)


def grids(session: Session, community_id: int | None) -> tuple[Choice, ...]:
    """Return the active grids of one community in code order (none without a community)."""
    return _children(session, "grids", Grid, Grid.community_id, community_id)


def units(session: Session, *, fresh: bool = False, full_names: bool = False) -> tuple[Choice, ...]:
    """Return the active units in code order, named by their short name where they have one.

    The one list of units every picker offers; `fresh` reads it now, not the minute-old copy, for a dialog that
    writes (which names them in full, as the decision it records will).
    """
    name = Unit.name if full_names else sa.func.coalesce(Unit.short_name, Unit.name)
    stmt = select(Unit.id, name, Unit.code).where(Unit.active == sa.true()).order_by(Unit.code, Unit.id)
    return cached(session, "units", full_names, lambda: _choices(session, stmt), fresh=fresh)


def leaders(session: Session, *, fresh: bool = False) -> tuple[Choice, ...]:
    """Return the active users with the leader role (the 接访/马路办公 and reception pickers), by name."""
    stmt = (
        select(User.id, User.display_name, User.username)
        .where(User.role == Role.LEADER, User.active == sa.true())
        .order_by(User.display_name, User.id)
    )
    return cached(session, "leaders", None, lambda: _choices(session, stmt), fresh=fresh)


def names(choices: tuple[Choice, ...]) -> dict[int, str]:
    """Return id -> display name, for a picker's format_func."""
    return {c.id: c.name for c in choices}
