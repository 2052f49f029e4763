"""Database fixtures: every DB test runs on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set."""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from core import db as core_db
from core.bootstrap import prepare_database, seed_reference
from models import metadata

PG_URL = os.environ.get("TEST_DATABASE_URL")
BACKENDS = ["sqlite", "postgresql"]


def _fresh_engine(backend: str, tmp_path_factory) -> sa.Engine:
    if backend == "sqlite":
        path = tmp_path_factory.mktemp("db") / "test.db"
        return core_db.create_db_engine(f"sqlite:///{path}")
    if not PG_URL:
        pytest.skip("TEST_DATABASE_URL not set: PostgreSQL tests skipped")
    engine = core_db.create_db_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    return engine


@pytest.fixture(scope="session", params=BACKENDS)
def migrated_engine(request, tmp_path_factory) -> sa.Engine:
    """An engine whose schema was built by running the migrations (never create_all)."""
    engine = _fresh_engine(request.param, tmp_path_factory)
    prepare_database(engine)
    yield engine
    engine.dispose()


def _clean(engine: sa.Engine) -> None:
    tables = [t.name for t in metadata.sorted_tables]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(
                sa.text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE")
            )
        else:
            conn.execute(sa.text("INSERT INTO case_fts(case_fts) VALUES ('delete-all')"))
            for name in reversed(tables):
                conn.execute(sa.text(f'DELETE FROM "{name}"'))
            conn.execute(sa.text("DELETE FROM sqlite_sequence")) if conn.execute(
                sa.text("SELECT 1 FROM sqlite_master WHERE name='sqlite_sequence'")
            ).first() else None


@pytest.fixture()
def engine(migrated_engine) -> sa.Engine:
    """A migrated database with reference data only, made the process engine for the test."""
    _clean(migrated_engine)
    seed_reference(migrated_engine)
    core_db.set_engine(migrated_engine)
    yield migrated_engine
    core_db.set_engine(None)


@pytest.fixture()
def session(engine) -> Session:
    with Session(engine, expire_on_commit=False) as s:
        yield s
