"""Attempt limits that hold under concurrency, counted from audit events so every app process sees them.

A limited attempt decides in one short transaction: `lock` the key, count the window's events, append the
attempt's own event (failed, refused or successful) and commit. The lock is held until that commit, so the
next attempt on the key counts this one: 30 concurrent attempts cannot all see "4 so far".
PostgreSQL: a transaction-level advisory lock on the key. SQLite: BEGIN IMMEDIATE, its one write lock.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session

from models import CaseEvent


def _lock_id(key: tuple) -> int:
    digest = hashlib.sha256("\x1f".join(str(part) for part in key).encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def lock(session: Session, *key) -> None:
    """Serialize this transaction with every other that locks the same key, until it commits or rolls back."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(sa.select(sa.func.pg_advisory_xact_lock(_lock_id(key))))
    elif connection.dialect.name == "sqlite" and not connection.connection.dbapi_connection.in_transaction:
        # pysqlite opens its transaction only at the first write; take the write lock before counting instead
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def counts(session: Session, action: str, since: datetime, **fields: str | None) -> dict[str, int]:
    """Return, per keyword, how many `action` events since `since` carry that value in `after` (one query)."""
    columns = [
        sa.func.coalesce(sa.func.sum(sa.case((CaseEvent.after[name].as_string() == value, 1), else_=0)), 0)
        for name, value in fields.items()
    ]
    # served by ix_case_event_action_at: the window of one action is small
    stmt = sa.select(*columns).where(CaseEvent.action == action, CaseEvent.at >= since)
    row = session.execute(stmt).one()
    return {name: int(n) for name, n in zip(fields, row, strict=True)}
