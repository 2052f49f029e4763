"""Alembic environment: the engine comes from the caller (core.db) or DATABASE_URL."""

from __future__ import annotations

from alembic import context

import models  # noqa: F401  registers every table
from core.platform.db import create_db_engine
from migrations.env_filters import include_object
from models import metadata

config = context.config


def run_migrations() -> None:
    engine = config.attributes.get("engine") or create_db_engine()
    with engine.begin() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            include_object=include_object,
        )
        context.run_migrations()


run_migrations()
