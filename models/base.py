"""Shared column helpers and the metadata naming convention for every table."""

from __future__ import annotations

import enum
import os
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

# Stable constraint names so Alembic migrations are identical on SQLite and PostgreSQL.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class StrEnum(enum.StrEnum):
    """An enum whose members are their string values (stored as VARCHAR, never a native DB enum)."""


def enum_type(enum_cls: type[enum.Enum], length: int = 32) -> sa.Enum:
    """Return a portable VARCHAR-backed column type that stores the enum's values."""
    return sa.Enum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=length,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )


def enum_field(
    enum_cls: type[enum.Enum], default=None, *, index: bool = False, nullable: bool = False, length: int = 32
):
    """A SQLModel Field for an enum column stored by value."""
    kwargs = {"sa_type": enum_type(enum_cls, length), "index": index, "nullable": nullable}
    if default is None and nullable:
        return Field(default=None, **kwargs)
    if default is None:
        return Field(**kwargs)
    return Field(default=default, **kwargs)


CST = timezone(timedelta(hours=8), "CST")
REFERENCE_DATE_ENV = "PETITION_DESK_TODAY"


@lru_cache(maxsize=8)
def _parse_reference_date(value: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"{REFERENCE_DATE_ENV}={value!r} is not a date (YYYY-MM-DD)") from None


def reference_date() -> date | None:
    """Return the pinned "today" of a demo or a test run (PETITION_DESK_TODAY), or None in normal use."""
    value = os.environ.get(REFERENCE_DATE_ENV)
    return _parse_reference_date(value) if value else None


def now_local() -> datetime:
    """Return the current time as an aware datetime in China Standard Time (stored as UTC, shown as CST).

    With a pinned reference date the day is that date and the time of day is the wall clock's, so demo and
    test data never lie after "now" and screens show the pin (see shell.py).
    """
    now = datetime.now(CST).replace(microsecond=0)
    pinned = reference_date()
    return datetime.combine(pinned, now.timetz()) if pinned else now


def created_field():
    return Field(default_factory=now_local, nullable=False)


def version_field():
    """Optimistic-lock counter: a save with a stale version is refused."""
    return Field(default=1, nullable=False)


def json_field(nullable: bool = True):
    return Field(default=None, sa_type=sa.JSON, nullable=nullable)
