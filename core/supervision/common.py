"""What every supervision write shares: the row's guarded version bump and the "changed by X at T" refusal."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, SQLModel, select

from core.calendar import clock
from core.platform import timeutil
from core.platform.errors import NotFound, StaleVersion
from i18n import t
from models import CaseEvent, Stage


@contextmanager
def one_commit(session: Session) -> Iterator[None]:
    """Commit what the block wrote, once; on any error roll it all back, so nothing is half-written."""
    try:
        yield
        session.commit()
    except Exception:
        session.rollback()
        raise


def load(session: Session, model: type[SQLModel], row_id: int, *, for_update: bool = False):
    """Return the row or raise NotFound (row-locked on PostgreSQL when `for_update`)."""
    stmt = select(model).where(model.id == row_id)
    if for_update and session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    row = session.exec(stmt).first()
    if row is None:
        raise NotFound(t("workflow.not_found"))
    return row


def stale(session: Session, object_type: str, object_id: int) -> StaleVersion:
    """Return the StaleVersion error naming who changed the row last, and when."""
    stmt = select(CaseEvent).where(CaseEvent.object_type == object_type, CaseEvent.object_id == object_id)
    event = session.exec(stmt.order_by(CaseEvent.at.desc(), CaseEvent.id.desc()).limit(1)).first()
    if event is None:
        return StaleVersion(t("workflow.stale_unknown"))
    when = timeutil.to_local(event.at)
    message = t("workflow.stale", who=event.actor_name or "?", when=when.strftime("%Y-%m-%d %H:%M"))
    return StaleVersion(message, changed_by=event.actor_name, changed_at=when)


def bump(session: Session, row, version: int, object_type: str) -> None:
    """Raise StaleVersion unless the row still has `version`; the UPDATE's WHERE makes it race-safe."""
    table = type(row).__table__
    result = session.execute(
        sa.update(table).where(table.c.id == row.id, table.c.version == version).values(version=version + 1)
    )
    if result.rowcount != 1:
        raise stale(session, object_type, row.id)
    set_committed_value(row, "version", version + 1)


def reply_due(session: Session, issued_on: date) -> date:
    """Return a letter's or notice's reply deadline: `letter_reply` (10 working days by default) from issue."""
    cal, limits = clock.load_calendar(session), clock.load_limits(session)
    return clock.stage_due(cal, limits, Stage.LETTER_REPLY, issued_on).on
