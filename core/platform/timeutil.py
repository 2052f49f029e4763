"""Time helpers: times are aware datetimes (stored as UTC by SQLModel), shown in China Standard Time."""

from __future__ import annotations

from datetime import date, datetime

from models.base import CST, REFERENCE_DATE_ENV, now_local, reference_date

now = now_local
__all__ = ["CST", "REFERENCE_DATE_ENV", "now", "reference_date", "today", "to_local"]


def today() -> date:
    """Return today's date in China (the pinned reference date of a demo or test run, when set)."""
    return now_local().date()


def to_local(value: datetime | None) -> datetime | None:
    """Return `value` in China Standard Time (naive values are taken as UTC, as the database stores them)."""
    if value is None:
        return None
    if value.tzinfo is None:
        from datetime import UTC

        value = value.replace(tzinfo=UTC)
    return value.astimezone(CST)
