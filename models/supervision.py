"""Supervision (监督追责): supervision letters and registration spot checks."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import StrEnum, created_field, enum_field, json_field, version_field


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
    policy_area: str | None = Field(default=None, max_length=200)  # a letter about a policy area, not cases
    replied_by_id: int | None = Field(default=None, foreign_key="user.id")
    closed_on: date | None = None
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
    method: str | None = Field(default=None, max_length=200)  # how it was drawn, e.g. "share=5%;by=channel"
    population: int | None = None  # registrations in the period the sample was drawn from
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
    stratum: str | None = Field(default=None, max_length=40)  # the channel or unit it was drawn in
    answers: dict | None = json_field()  # checklist key -> True (pass) / False
    checked_on: date | None = None
    checked_by_id: int | None = Field(default=None, foreign_key="user.id")
    notice_number: str | None = Field(default=None, max_length=30)  # the 整改通知书 (通报整改)
    notified_on: date | None = None
    rectification_report: str | None = Field(default=None, sa_type=sa.Text)
    version: int = version_field()


class ActionKind(StrEnum):
    URGE = "urge"  # 催办
    SUPERVISE = "supervise"  # 督办, with its own deadline
    LISTED = "listed"  # 挂牌督办, the worst cases


class ActionStatus(StrEnum):
    OPEN = "open"
    ANSWERED = "answered"  # the unit reported what it did
    CLOSED = "closed"  # the supervisor closed it (摘牌 for a listed case)


class SupervisionAction(SQLModel, table=True):
    """A supervisor's 催办, 督办 or 挂牌督办 of one case, shown to its unit until answered."""

    __tablename__ = "supervision_action"
    __table_args__ = (sa.Index("ix_supervision_action_unit_status", "unit_id", "status", "due_on"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    unit_id: int | None = Field(default=None, foreign_key="unit.id")
    kind: ActionKind = enum_field(ActionKind)
    note: str = Field(sa_type=sa.Text)
    issued_on: date
    due_on: date | None = None  # 督办 and 挂牌督办 carry their own deadline
    status: ActionStatus = enum_field(ActionStatus, ActionStatus.OPEN)
    answered_on: date | None = None
    answer: str | None = Field(default=None, sa_type=sa.Text)
    closed_on: date | None = None
    issued_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = created_field()
    version: int = version_field()


class SupervisionLetterCase(SQLModel, table=True):
    """A case a supervision letter is about (a letter may name several; `case_id` on the letter is the first)."""

    __tablename__ = "supervision_letter_case"
    __table_args__ = (sa.UniqueConstraint("letter_id", "case_id", name="uq_supervision_letter_case_pair"),)

    id: int | None = Field(default=None, primary_key=True)
    letter_id: int = Field(foreign_key="supervision_letter.id", index=True)
    case_id: int = Field(foreign_key="case.id", index=True)


class NumberCounter(SQLModel, table=True):
    """The last number given in a series and year (letters, notices): taken under a row lock, so no gaps."""

    __tablename__ = "number_counter"

    series: str = Field(max_length=30, primary_key=True)
    year: int = Field(primary_key=True)
    last: int = 0
