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


LOCK_TIMEOUT_S = 10.0  # how long a write waits for another's lock before the user is told to retry
HEALTH_PROBE_TIMEOUT_S = 2.0  # /healthz answers within this even while another holds the write lock
RETRY_AFTER_S = 10  # what a 503 for a busy database tells the client to wait


class DatabaseUnavailable(PetitionDeskError):
    """The database is locked by another writer past LOCK_TIMEOUT_S, or cannot be reached."""

    code = "database_unavailable"
    http_status = 503


def is_unavailable(exc: BaseException) -> bool:
    """Return whether a driver error means the database is locked or unreachable (retry later), not a bug."""
    if isinstance(exc, DatabaseUnavailable | sa.exc.TimeoutError):  # TimeoutError: no pooled connection free
        return True
    return isinstance(exc, sa.exc.OperationalError) or (
        isinstance(exc, sa.exc.DBAPIError) and exc.connection_invalidated
    )


def _sqlite_pragmas(busy_ms: int):
    def on_connect(dbapi_conn, _record) -> None:
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={busy_ms}")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    return on_connect


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


def create_db_engine(
    url: str | None = None, *, lock_timeout_s: float = LOCK_TIMEOUT_S, **kwargs
) -> sa.Engine:
    """Build an engine: SQLite in WAL mode with foreign keys and a busy timeout, or PostgreSQL via psycopg 3.

    On both a write waits at most `lock_timeout_s` for another's lock, then fails (is_unavailable -> 503).
    """
    url = normalize_url(url or get_settings().database_url)
    busy_ms = int(lock_timeout_s * 1000)
    if url.startswith("sqlite"):
        path = sa.engine.make_url(url).database
        if path and path != ":memory:" and not path.startswith("file:"):
            _check_sqlite_folder(path)
        connect_args = {"check_same_thread": False, "timeout": lock_timeout_s}
        engine = sa.create_engine(url, connect_args=connect_args, **kwargs)
        sa.event.listen(engine, "connect", _sqlite_pragmas(busy_ms))
        engine._petition_desk_busy_ms = busy_ms
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    connect_args = {"connect_timeout": 10, "options": f"-c lock_timeout={busy_ms}"}
    engine = sa.create_engine(url, connect_args=connect_args | kwargs.pop("connect_args", {}), **kwargs)
    engine._petition_desk_busy_ms = busy_ms
    return engine


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


def _write_probe(conn: sa.Connection, engine: sa.Engine) -> None:
    """Take the write lock for a moment and give it back, waiting at most HEALTH_PROBE_TIMEOUT_S.

    Reads go on while another writer holds the lock (WAL, MVCC), so only a write shows that saving would hang.
    """
    probe_ms = int(HEALTH_PROBE_TIMEOUT_S * 1000)
    sqlite = conn.dialect.name == "sqlite"
    conn.rollback()
    if sqlite:
        conn.exec_driver_sql(f"PRAGMA busy_timeout={probe_ms}")
    else:
        conn.exec_driver_sql(f"SET LOCAL lock_timeout = {probe_ms}")
        conn.exec_driver_sql(f"SET LOCAL statement_timeout = {2 * probe_ms}")  # lock_timeout says why first
    try:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = version_num"))
    finally:
        conn.rollback()
        if sqlite:
            conn.exec_driver_sql(f"PRAGMA busy_timeout={getattr(engine, '_petition_desk_busy_ms', 10000)}")


def health(engine: sa.Engine | None = None) -> dict:
    """Return database reachability and schema revision, for /healthz."""
    engine = engine or get_engine()
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
            revision = MigrationContext.configure(conn).get_current_revision()
            if revision is not None:
                _write_probe(conn, engine)
    except Exception as exc:  # any driver error means the database is down for us
        log.warning("health check failed: %s", exc)
        locked = "lock" in str(exc).lower()
        return {
            "status": "error",
            "database": "locked" if locked else "unreachable",
            "error": type(exc).__name__,
        }
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
