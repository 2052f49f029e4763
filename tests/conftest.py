"""Database fixtures: every DB test runs on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set."""

from __future__ import annotations

import atexit
import os
import secrets
from datetime import date

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from core import kpis
from core.bootstrap import prepare_database, seed_reference
from core.platform import db as core_db
from core.platform.timeutil import REFERENCE_DATE_ENV
from models import metadata

PG_URL = os.environ.get("TEST_DATABASE_URL")
BACKENDS = ["sqlite", "postgresql"]

# A test never depends on the wall-clock date: the suite runs on a pinned "today" (core.platform.timeutil),
# and the date-sensitive tests run again on each of REFERENCE_DATES through the `reference_day` fixture.
SUITE_TODAY = date(2026, 9, 28)
REFERENCE_DATES = {
    "monday-before-national-day": date(2026, 9, 28),
    "spring-festival-eve": date(2026, 2, 16),
    "new-years-eve": date(2025, 12, 31),
}
os.environ[REFERENCE_DATE_ENV] = SUITE_TODAY.isoformat()


@pytest.fixture(params=list(REFERENCE_DATES.values()), ids=list(REFERENCE_DATES))
def reference_day(request, monkeypatch) -> date:
    """Run the test with "today" pinned to each reference date in turn; return that date."""
    monkeypatch.setenv(REFERENCE_DATE_ENV, request.param.isoformat())
    return request.param


def _fresh_engine(backend: str, tmp_path_factory) -> sa.Engine:
    if backend == "sqlite":
        path = tmp_path_factory.mktemp("db") / "test.db"
        return core_db.create_db_engine(f"sqlite:///{path}")
    if not PG_URL:
        pytest.skip("TEST_DATABASE_URL not set: PostgreSQL tests skipped")
    return core_db.create_db_engine(private_pg_database())


def private_pg_database() -> str:
    """Create an empty PostgreSQL database for this test process and return its URL (dropped at exit).

    Parallel runs (pytest-xdist workers, two checkouts on one machine) each get their own database, so none
    wipes the tables another is using; the server's `test` database is only used to create them.
    """
    name = f"pd_test_{os.getpid()}_{secrets.token_hex(3)}"
    admin = sa.create_engine(core_db.normalize_url(PG_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    atexit.register(_drop_pg_database, name)
    return sa.engine.make_url(core_db.normalize_url(PG_URL)).set(database=name).render_as_string(False)


def _drop_pg_database(name: str) -> None:
    admin = sa.create_engine(core_db.normalize_url(PG_URL), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    except sa.exc.SQLAlchemyError:  # the server went away: nothing to clean
        pass
    finally:
        admin.dispose()


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
            # DELETE, not TRUNCATE: on a few rows it is ten times faster (no new files per table)
            for name in reversed(tables):
                conn.execute(sa.text(f'DELETE FROM "{name}"'))
            conn.execute(
                sa.text(
                    "SELECT setval(c.oid, 1, false) FROM pg_class c "
                    "JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE c.relkind = 'S' AND n.nspname = current_schema()"
                )
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
    kpis.clear_cache()  # a test's rows may be written without the audit event that tells the cache
    core_db.set_engine(migrated_engine)
    yield migrated_engine
    core_db.set_engine(None)


@pytest.fixture()
def session(engine) -> Session:
    with Session(engine, expire_on_commit=False) as s:
        yield s
