"""Bring a database to a usable state: schema at head, reference data (holidays, settings) present."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session

from core.platform import db


def seed_reference(engine: sa.Engine) -> None:
    """Insert the holiday table, default settings and the subjects where they are missing."""
    from core.calendar import holidays
    from core.places import subjects
    from core.platform import settings

    with Session(engine) as session:
        holidays.seed_from_package(session)
        settings.ensure_defaults(session)
        subjects.ensure_seeded(session)


def prepare_database(engine: sa.Engine | None = None) -> sa.Engine:
    """Upgrade the schema to head and seed reference data; return the engine."""
    engine = engine or db.get_engine()
    db.upgrade(engine)
    seed_reference(engine)
    return engine
