"""Petitioners (信访人) and the parties of a case."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from models.base import StrEnum, created_field, enum_field, version_field


class Gender(StrEnum):
    MALE = "male"
    FEMALE = "female"
    UNKNOWN = "unknown"


class Person(SQLModel, table=True):
    """A natural person who petitions or is a party; ID number and phone are PII, masked by role."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=40, index=True)
    id_number: str | None = Field(default=None, max_length=18, index=True)
    phone: str | None = Field(default=None, max_length=20, index=True)
    gender: Gender = enum_field(Gender, Gender.UNKNOWN)
    address: str | None = Field(default=None, max_length=200)
    grid_id: int | None = Field(default=None, foreign_key="grid.id", index=True)
    created_at: datetime = created_field()
    version: int = version_field()
