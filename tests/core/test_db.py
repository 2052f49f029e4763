"""The schema is owned by Alembic: models and migrations agree, and migrations go down and up again."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from core.platform import db as core_db
from models import Holiday, metadata


def test_models_and_migrations_agree(engine):
    with engine.connect() as conn:
        from migrations.env_filters import include_object

        opts = {"compare_type": True, "include_object": include_object}
        diff = compare_metadata(MigrationContext.configure(conn, opts=opts), metadata)
    assert diff == []


def test_migrations_go_down_and_up_again(engine):
    head = core_db.head_revision()
    assert core_db.current_revision(engine) == head
    core_db.downgrade(engine, "base")
    assert core_db.current_revision(engine) is None
    assert "case" not in sa.inspect(engine).get_table_names()
    core_db.upgrade(engine)
    assert core_db.current_revision(engine) == head
    assert "case" in sa.inspect(engine).get_table_names()


def test_health_reports_revision(engine):
    h = core_db.health(engine)
    assert h["database"] == "ok"
    assert h["schema_revision"] == core_db.head_revision()
    assert h["schema_current"] is True


def test_health_reports_unreachable_database():
    bad = core_db.create_db_engine("postgresql://nobody@127.0.0.1:1/none")
    h = core_db.health(bad)
    assert h["database"] == "unreachable"


def test_sqlite_runs_wal_with_foreign_keys(tmp_path):
    e = core_db.create_db_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with e.connect() as conn:
        assert conn.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(sa.text("PRAGMA busy_timeout")).scalar() == 10000


def test_reference_holidays_are_seeded(session):
    from datetime import date

    national_day = session.get(Holiday, date(2025, 10, 1))
    assert national_day is not None and national_day.is_workday is False
    makeup_saturday = session.get(Holiday, date(2025, 10, 11))
    assert makeup_saturday is not None and makeup_saturday.is_workday is True
