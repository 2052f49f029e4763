"""The holiday table behind the statutory clock, and tunable settings (stage limits and others)."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from models.base import StrEnum, created_field, enum_field, version_field


class HolidaySource(StrEnum):
    PACKAGE = "chinesecalendar"  # seeded from the chinesecalendar package
    ADMIN = "admin"  # entered by an administrator


class Holiday(SQLModel, table=True):
    """A day that differs from the Monday–Friday rule: a public holiday, or a weekend made a working day (调休)."""

    day: date = Field(primary_key=True)
    is_workday: bool = Field(default=False)
    name: str = Field(max_length=40)
    source: HolidaySource = enum_field(HolidaySource, HolidaySource.PACKAGE)
    version: int = version_field()


class HolidayYear(SQLModel, table=True):
    """A year whose holiday list is known; deadlines beyond the last known year are provisional."""

    __tablename__ = "holiday_year"

    year: int = Field(primary_key=True)
    source: HolidaySource = enum_field(HolidaySource, HolidaySource.PACKAGE)
    added_at: datetime = created_field()


class Setting(SQLModel, table=True):
    """A tunable value (JSON text), e.g. `stage.handling` = {"days": 60, "unit": "calendar"}."""

    key: str = Field(primary_key=True, max_length=60)
    value: str = Field(max_length=2000)
    updated_at: datetime = created_field()
    updated_by_id: int | None = Field(default=None, foreign_key="user.id")
    version: int = version_field()
