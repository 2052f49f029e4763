"""Supervision (监督追责): supervision letters and registration spot checks."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import StrEnum, created_field, enum_field, version_field


class LetterKind(StrEnum):
    SUPERVISION = "supervision"  # 督办函
    RISK_ALERT = "risk_alert"  # 风险提示函
    IMPROVEMENT = "improvement"  # 改进工作建议函


class LetterTrigger(StrEnum):
    OVERDUE = "overdue"
    NO_FEEDBACK = "no_feedback"
    WRONG_PROCEDURE = "wrong_procedure"
    PASSING_THE_BUCK = "passing_the_buck"  # 推诿
    NOT_CARRIED_OUT = "not_carried_out"
    OTHER = "other"


class LetterStatus(StrEnum):
    ISSUED = "issued"
    REPLIED = "replied"
    CLOSED = "closed"


class SpotCheckStatus(StrEnum):
    DRAWN = "drawn"
    CHECKED = "checked"
    NOTIFIED = "notified"  # 通报整改
    RECTIFIED = "rectified"


class SupervisionLetter(SQLModel, table=True):
    """A numbered letter to a unit, tracked until its written reply."""

    __tablename__ = "supervision_letter"
    __table_args__ = (sa.Index("ix_supervision_letter_kind_issued", "kind", "issued_on"),)

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=30, unique=True)
    kind: LetterKind = enum_field(LetterKind)
    trigger: LetterTrigger = enum_field(LetterTrigger, LetterTrigger.OTHER)
    case_id: int | None = Field(default=None, foreign_key="case.id", index=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    subject: str = Field(max_length=200)
    content: str = Field(sa_type=sa.Text)
    issued_on: date
    due_on: date | None = None
    status: LetterStatus = enum_field(LetterStatus, LetterStatus.ISSUED)
    replied_on: date | None = None
    reply: str | None = Field(default=None, sa_type=sa.Text)
    issued_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = created_field()
    version: int = version_field()


class SpotCheck(SQLModel, table=True):
    """A random sample of registered cases checked against a checklist (登记抽查)."""

    __tablename__ = "spot_check"

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=30, unique=True)
    period_from: date
    period_to: date
    sample_size: int
    seed: int  # the random seed, so the draw can be reproduced
    drawn_on: date
    drawn_by_id: int | None = Field(default=None, foreign_key="user.id")
    status: SpotCheckStatus = enum_field(SpotCheckStatus, SpotCheckStatus.DRAWN)
    summary: str | None = Field(default=None, sa_type=sa.Text)
    version: int = version_field()


class SpotCheckItem(SQLModel, table=True):
    """One sampled case in a spot check, with findings and rectification."""

    __tablename__ = "spot_check_item"
    __table_args__ = (sa.UniqueConstraint("spot_check_id", "case_id", name="uq_spot_check_item_pair"),)

    id: int | None = Field(default=None, primary_key=True)
    spot_check_id: int = Field(foreign_key="spot_check.id", index=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    passed: bool | None = None
    findings: str | None = Field(default=None, sa_type=sa.Text)
    unit_id: int | None = Field(default=None, foreign_key="unit.id")
    rectification_due: date | None = None
    rectified_on: date | None = None
    version: int = version_field()
