"""The database engine, short sessions, and schema upgrades through Alembic."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlmodel import Session

from core.platform.config import PROJECT_ROOT, get_settings
from core.platform.errors import PetitionDeskError
from core.platform.timeutil import reference_date
from i18n import t

log = logging.getLogger(__name__)
MIGRATIONS_DIR = PROJECT_ROOT / "migrations"


def normalize_url(url: str) -> str:
    """Route postgres URLs through psycopg 3 whatever way they were written."""
    for prefix in ("postgres://", "postgresql://", "postgresql+psycopg2://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


class DatabaseFolderMissing(PetitionDeskError):
    """DATABASE_URL names a SQLite file in a folder that does not exist (a typo, not a fresh install)."""

    code = "database_folder_missing"
    http_status = 503


def _check_sqlite_folder(path: str) -> None:
    """Create the data folder for the default database; any other missing folder is an error naming it.

    Creating whatever folder a mistyped DATABASE_URL names would open an empty database instead.
    """
    folder = Path(path).expanduser().absolute().parent
    if folder.is_dir():
        return
    if folder == Path(get_settings().data_dir).expanduser().absolute():
        folder.mkdir(parents=True, exist_ok=True)
        return
    raise DatabaseFolderMissing(t("storage.folder_missing", folder=str(folder), path=path))


def create_db_engine(url: str | None = None, **kwargs) -> sa.Engine:
    """Build an engine: SQLite in WAL mode with foreign keys and a busy timeout, or PostgreSQL via psycopg 3."""
    url = normalize_url(url or get_settings().database_url)
    if url.startswith("sqlite"):
        path = sa.engine.make_url(url).database
        if path and path != ":memory:" and not path.startswith("file:"):
            _check_sqlite_folder(path)
        engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 10}, **kwargs)
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return sa.create_engine(url, **kwargs)


_engine: sa.Engine | None = None


def get_engine() -> sa.Engine:
    """Return the process-wide engine (created on first use)."""
    global _engine
    if _engine is None:
        _engine = create_db_engine()
    return _engine


def set_engine(engine: sa.Engine | None) -> None:
    """Replace the process-wide engine (tests, CLI with --database-url)."""
    global _engine
    _engine = engine


@contextmanager
def session_scope(engine: sa.Engine | None = None) -> Iterator[Session]:
    """Yield one short session; services commit, anything left open is rolled back."""
    with Session(engine or get_engine(), expire_on_commit=False) as session:
        try:
            yield session
        finally:
            session.rollback()


def alembic_config(engine: sa.Engine | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("path_separator", "os")
    if engine is not None:
        cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: sa.Engine | None = None, revision: str = "head") -> None:
    """Upgrade the schema to `revision` (head by default)."""
    command.upgrade(alembic_config(engine or get_engine()), revision)


def downgrade(engine: sa.Engine | None = None, revision: str = "base") -> None:
    """Downgrade the schema to `revision` (base by default)."""
    command.downgrade(alembic_config(engine or get_engine()), revision)


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: sa.Engine | None = None) -> str | None:
    with (engine or get_engine()).connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def health(engine: sa.Engine | None = None) -> dict:
    """Return database reachability and schema revision, for /healthz."""
    engine = engine or get_engine()
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
            revision = MigrationContext.configure(conn).get_current_revision()
    except Exception as exc:  # any driver error means the database is down for us
        log.warning("health check failed: %s", exc)
        return {"status": "error", "database": "unreachable", "error": type(exc).__name__}
    head = head_revision()
    pinned = reference_date()
    return {
        "status": "ok",
        "reference_date": pinned.isoformat() if pinned else None,
        "database": "ok",
        "dialect": engine.dialect.name,
        "schema_revision": revision,
        "schema_head": head,
        "schema_current": revision == head,
    }
