"""The declaration of a table an administrator maintains (`Rules`), which its own wing writes down.

Pure data and the per-write row cache the checks use: no permission, no audit. It sits in platform so that
every wing can describe its table (places, the lowest above platform, included); core.accounts.records
is the one write path that applies the rules.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, SQLModel

from models import User

REFERENCE_CAP = 10_000  # counting what points at a row stops here ("超过 10,000")


@dataclass(frozen=True)
class Link:
    """A many-to-many field kept in a link table, e.g. the assisting units of a responsibility line."""

    name: str  # the field's name in the values, e.g. "assisting_unit_ids"
    model: type[SQLModel]  # the link table, e.g. ResponsibilityUnit
    own: str  # its column naming the row, e.g. "responsibility_id"
    other: str  # its column naming the other side, e.g. "unit_id"


@dataclass(frozen=True)
class Change:
    """What one save or import changed, handed to the table's consequences before the commit."""

    kind: str  # create | update | delete | activate | deactivate | import
    pks: tuple = ()
    before: dict | None = None
    after: dict | None = None


@dataclass(frozen=True)
class Rules:
    """How one table is written: its model, permission, natural key, writable fields, checks and consequences."""

    model: type[SQLModel]
    permission: str  # the action of core.accounts.permissions every write of the table needs
    natural_key: tuple[str, ...]  # what identifies a row in a sheet: ("code",), ("username",), ("day",)
    fields: tuple[str, ...]  # the columns a form or a sheet may write
    object_type: str = ""  # the audit log's object_type (default: the table name)
    create_only: tuple[str, ...] = ()  # set once, never changed (a subject's key, which cases store)
    links: tuple[Link, ...] = ()
    # values as typed or read from a sheet -> the same in the table's form (a phone's hyphens, a code's case)
    normalise: Callable[[dict], dict] | None = None
    # (session, values after the change, pk of the row or None) -> {field: message}; beyond the schema
    check: Callable[[Session, dict, Any], dict[str, str]] | None = None
    # (session, actor, change) -> details for the audit event and the user's message, e.g. deadlines moved
    changed: Callable[[Session, User | None, Change], dict | None] | None = None
    audit_id: Callable[[Any], int | None] | None = None  # the audit object_id of a pk that is not an int
    # (session, pk) -> [(table, rows)] that name the row without a foreign key (cases store a subject's key)
    referenced_by: Callable[[Session, Any], list[tuple[str, int]]] | None = None

    @property
    def kind(self) -> str:
        return self.object_type or self.model.__tablename__

    @property
    def table(self) -> sa.Table:
        return self.model.__table__

    @property
    def pk(self) -> str:
        return primary_key(self.model)

    def link(self, name: str) -> Link | None:
        return next((link for link in self.links if link.name == name), None)


def primary_key(model: type[SQLModel]) -> str:
    """Return the name of the model's single primary-key column."""
    (column,) = model.__table__.primary_key.columns
    return column.name


CACHE = "records_rows"  # session.info key: the rows a write's checks read, kept for that write only


def get(session: Session, model: type[SQLModel], pk):
    """Return a row a check needs (a grid's community), read once per write: an import asks it per row."""
    cache = session.info.setdefault(CACHE, {})
    key = (model, pk)
    if key not in cache:
        cache[key] = session.get(model, pk)
    return cache[key]


def forget_rows(session: Session) -> None:
    """Forget the rows read for the last write (each write starts afresh)."""
    session.info.pop(CACHE, None)
