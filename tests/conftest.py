"""Database fixtures: every DB test runs on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set."""

from __future__ import annotations

import atexit
import contextlib
import itertools
import os
import shutil
import tempfile
from datetime import date

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from core import kpis
from core.bootstrap import prepare_database, seed_reference
from core.platform import config as core_config
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


def worker_name() -> str:
    """This test process's name: the pytest-xdist worker (gw0, gw1 …), or "main" in a run without workers."""
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


# The app's data folder (secret key, attachments, default database) is this process's own, never the checkout's.
DATA_DIR = tempfile.mkdtemp(prefix=f"petition-desk-test-{worker_name()}-")
os.environ["PETITION_DESK_DATA"] = DATA_DIR
core_config.get_settings.cache_clear()
core_config.secret_key.cache_clear()
atexit.register(shutil.rmtree, DATA_DIR, True)


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
    return core_db.create_db_engine(worker_pg_database())


def worker_pg_database() -> str:
    """Create this test process's empty PostgreSQL database and return its URL (dropped at exit).

    It is TEST_DATABASE_URL's database name plus the worker (test_gw0, test_gw1 …; test_main without
    workers), made anew through the server's maintenance database, so parallel workers never wipe each
    other's tables and the database TEST_DATABASE_URL names is never touched (it need not even exist).
    """
    return _new_pg_database(worker_name())


_extra_databases = itertools.count(1)


def private_pg_database() -> str:
    """Create another empty PostgreSQL database of this test process (test_gw0_1, test_gw0_2 …) for an app
    the test starts; return its URL (dropped at exit)."""
    return _new_pg_database(f"{worker_name()}_{next(_extra_databases)}")


def _new_pg_database(suffix: str) -> str:
    url = sa.engine.make_url(core_db.normalize_url(PG_URL))
    name = f"{url.database or 'test'}_{suffix}"
    with _maintenance(url) as conn:
        users = sa.text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = :name AND pid <> pg_backend_pid()"
        )
        if conn.execute(users, {"name": name}).scalar_one():
            pytest.exit(
                f"PostgreSQL database {name} is in use by another test run: give this run its own "
                "TEST_DATABASE_URL database name",
                returncode=3,
            )
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))  # a killed run's leftover
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    atexit.register(_drop_pg_database, url, name)
    return url.set(database=name).render_as_string(False)


@contextlib.contextmanager
def _maintenance(url: sa.URL):
    """An autocommit connection to the server's `postgres` database (else TEST_DATABASE_URL's own)."""
    last: Exception | None = None
    for database in ("postgres", url.database):
        admin = sa.create_engine(url.set(database=database), isolation_level="AUTOCOMMIT")
        try:
            conn = admin.connect()
        except sa.exc.OperationalError as exc:
            last = exc
            admin.dispose()
            continue
        try:
            yield conn
        finally:
            conn.close()
            admin.dispose()
        return
    raise last


def _drop_pg_database(url: sa.URL, name: str) -> None:
    try:
        with _maintenance(url) as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    except sa.exc.SQLAlchemyError:  # the server went away: nothing to clean
        pass


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
