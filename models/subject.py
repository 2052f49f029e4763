"""Subjects (事项类别) and the supervision responsibility list (《信访事项监管责任清单》)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import enum_field, version_field
from models.case import Category, Route


class Subject(SQLModel, table=True):
    """A subject of petitions (事项类别); cases store its `key`, so a key never changes once created."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=40, unique=True, schema_extra={"pattern": r"^[a-z][a-z0-9_]*$"})
    name: str = Field(max_length=40, min_length=1)
    name_en: str | None = Field(default=None, max_length=60)
    category: Category = enum_field(Category, Category.COMPLAINT)  # the legal category intake starts with
    route: Route = enum_field(Route, Route.PETITION)  # the route intake starts with
    sort_order: int = Field(default=0, ge=0, le=9999)
    active: bool = Field(default=True)
    version: int = version_field()


class Responsibility(SQLModel, table=True):
    """One line of the responsibility list: which unit answers for a subject, district-wide or in one street."""

    __table_args__ = (sa.Index("ix_responsibility_subject_street", "subject_id", "street_id"),)

    id: int | None = Field(default=None, primary_key=True)
    subject_id: int = Field(foreign_key="subject.id")
    street_id: int | None = Field(default=None, foreign_key="street.id")  # None: the whole district
    lead_unit_id: int = Field(foreign_key="unit.id", index=True)
    basis: str | None = Field(default=None, sa_type=sa.Text, max_length=2000)  # 职责依据
    note: str | None = Field(default=None, max_length=200)
    active: bool = Field(default=True)
    version: int = version_field()


class ResponsibilityUnit(SQLModel, table=True):
    """An assisting unit (协办单位) named on a line of the responsibility list."""

    __tablename__ = "responsibility_unit"
    __table_args__ = (
        sa.UniqueConstraint("responsibility_id", "unit_id", name="uq_responsibility_unit_pair"),
    )

    id: int | None = Field(default=None, primary_key=True)
    responsibility_id: int = Field(foreign_key="responsibility.id", index=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
