"""Mediation centre (矛盾纠纷多元化解中心): mediators, mentorships, mediation cases, sessions, agreements."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import StrEnum, created_field, enum_field, version_field


class MediatorLevel(StrEnum):
    VETERAN = "veteran"  # 老马
    JUNIOR = "junior"  # 小马


class OrganisationKind(StrEnum):
    COMMITTEE = "committee"  # 人民调解委员会
    CENTRE = "centre"  # 矛盾纠纷多元化解中心
    LAW_FIRM = "law_firm"  # 律师事务所
    TRADE_BODY = "trade_body"  # 行业性、专业性调解组织


class MediationKind(StrEnum):
    PEOPLE = "people"  # 人民调解
    ADMINISTRATIVE = "administrative"  # 行政调解
    JUDICIAL = "judicial"  # 司法调解
    LAWYER = "lawyer"  # 律师调解
    INDUSTRY = "industry"  # 行业调解
    LABOUR_ARBITRATION = "labour_arbitration"  # 劳动仲裁
    LEGAL_AID = "legal_aid"  # 法律援助


class MediationStatus(StrEnum):
    APPLIED = "applied"  # 申请/登记
    ACCEPTED = "accepted"  # 已受理, clock running
    AGREED = "agreed"  # 达成协议
    FAILED = "failed"  # 调解不成 (parties told of other routes)
    REFUSED = "refused"  # a party refused: no mediation (第17条)
    WITHDRAWN = "withdrawn"


class MediationSource(StrEnum):
    """How a mediation came to the centre (人民调解法第17条: on application or on its own initiative)."""

    REFERRAL = "referral"  # a petition case referred by the office or a unit
    WALK_IN = "walk_in"  # a party applied at the window
    GRID_REPORT = "grid_report"  # reported by a grid worker
    INITIATIVE = "initiative"  # the committee's own initiative


class ConfirmationResult(StrEnum):
    """The court's answer to a joint application for judicial confirmation (司法确认, 第33条)."""

    CONFIRMED = "confirmed"
    REJECTED = "rejected"


class PerformanceStatus(StrEnum):
    """How an agreement has been carried out, as last followed up."""

    PERFORMED = "performed"
    PARTLY = "partly"
    NOT_PERFORMED = "not_performed"


class Mediator(SQLModel, table=True):
    """A mediator: a veteran (老马) or a junior (小马) attached to a grid."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=40, index=True)
    phone: str | None = Field(default=None, max_length=20)
    level: MediatorLevel = enum_field(MediatorLevel, MediatorLevel.JUNIOR)
    specialties: str | None = Field(default=None, max_length=200)  # comma-separated subject keys
    organisation: str | None = Field(default=None, max_length=80)  # committee or station
    organisation_kind: OrganisationKind | None = enum_field(OrganisationKind, nullable=True)
    street_id: int | None = Field(default=None, foreign_key="street.id", index=True)
    community_id: int | None = Field(default=None, foreign_key="community.id", index=True)
    grid_id: int | None = Field(default=None, foreign_key="grid.id", index=True)
    user_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    trained_on: date | None = None
    certified_on: date | None = None  # 调解员证 issued
    certificate_expires_on: date | None = None
    active: bool = Field(default=True)
    version: int = version_field()


class Mentorship(SQLModel, table=True):
    """老马带小马: a veteran mentors a junior."""

    __table_args__ = (sa.UniqueConstraint("mentor_id", "mentee_id", name="uq_mentorship_pair"),)

    id: int | None = Field(default=None, primary_key=True)
    mentor_id: int = Field(foreign_key="mediator.id", index=True)
    mentee_id: int = Field(foreign_key="mediator.id", index=True)
    started_on: date
    ended_on: date | None = None
    signed_off_on: date | None = None  # the mentor's word that the junior may lead alone
    signed_off_by_id: int | None = Field(default=None, foreign_key="user.id")
    version: int = version_field()


class MediationCase(SQLModel, table=True):
    """A dispute taken by the mediation centre, possibly referred from a petition case."""

    __tablename__ = "mediation_case"
    __table_args__ = (
        sa.Index("ix_mediation_case_status_due", "status", "due_on"),
        sa.Index("ix_mediation_case_kpi", "case_id", "status", "closed_on"),  # a case settled by agreement
        sa.Index("ix_mediation_case_result", "id", "status"),  # a mediator's results without the wide rows
    )

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=24, unique=True)
    case_id: int | None = Field(default=None, foreign_key="case.id", index=True)
    kind: MediationKind = enum_field(MediationKind, MediationKind.PEOPLE)
    dispute_type: str = Field(max_length=40)
    title: str = Field(max_length=200)
    parties: str = Field(max_length=500)
    summary: str | None = Field(default=None, sa_type=sa.Text)
    grid_id: int | None = Field(default=None, foreign_key="grid.id")
    street_id: int | None = Field(default=None, foreign_key="street.id", index=True)
    status: MediationStatus = enum_field(MediationStatus, MediationStatus.APPLIED)
    applied_on: date
    accepted_on: date | None = None
    due_on: date | None = None
    closed_on: date | None = Field(default=None, index=True)
    result_note: str | None = Field(default=None, sa_type=sa.Text)
    referred_by_id: int | None = Field(default=None, foreign_key="user.id")  # who referred the petition case
    source: MediationSource | None = enum_field(MediationSource, nullable=True, length=20)
    routes_told: str | None = Field(default=None, max_length=100)  # failed: routes the parties were told of
    created_at: datetime = created_field()
    version: int = version_field()


class MediationConsent(SQLModel, table=True):
    """A party's answer to a referral: consented or refused; one refusal means no mediation (第17条)."""

    __tablename__ = "mediation_consent"
    __table_args__ = (sa.UniqueConstraint("mediation_id", "party", name="uq_mediation_consent_party"),)

    id: int | None = Field(default=None, primary_key=True)
    mediation_id: int = Field(foreign_key="mediation_case.id", index=True)
    party: str = Field(max_length=80)
    consented: bool
    recorded_on: date
    recorded_by_id: int | None = Field(default=None, foreign_key="user.id")


class MediationMediator(SQLModel, table=True):
    """A mediator on a mediation case (one or more, 第19条)."""

    __tablename__ = "mediation_mediator"
    __table_args__ = (
        sa.UniqueConstraint("mediation_id", "mediator_id", name="uq_mediation_mediator_pair"),
        sa.Index("ix_mediation_mediator_cases", "mediator_id", "mediation_id"),  # a mediator's cases, covered
    )

    id: int | None = Field(default=None, primary_key=True)
    mediation_id: int = Field(foreign_key="mediation_case.id", index=True)
    mediator_id: int = Field(foreign_key="mediator.id", index=True)
    is_lead: bool = Field(default=False)


class MediationSession(SQLModel, table=True):
    """A recorded mediation session (调解记录, 第27条)."""

    __tablename__ = "mediation_session"

    id: int | None = Field(default=None, primary_key=True)
    mediation_id: int = Field(foreign_key="mediation_case.id", index=True)
    held_at: datetime
    place: str = Field(max_length=200)
    present: str = Field(max_length=500)
    notes: str = Field(sa_type=sa.Text)
    recorded_by_id: int | None = Field(default=None, foreign_key="user.id")


class Agreement(SQLModel, table=True):
    """A mediation agreement (调解协议书, 第28–29条) and its judicial confirmation (第33条)."""

    id: int | None = Field(default=None, primary_key=True)
    mediation_id: int = Field(foreign_key="mediation_case.id", unique=True)
    number: str = Field(max_length=24, unique=True)
    facts: str = Field(sa_type=sa.Text)
    responsibility: str | None = Field(default=None, sa_type=sa.Text)
    terms: str = Field(sa_type=sa.Text)
    performance: str | None = Field(default=None, sa_type=sa.Text)  # how and by when
    performance_due: date | None = None
    signed_on: date
    effective_on: date
    confirmation_applied_on: date | None = Field(default=None, index=True)
    confirmation_due: date | None = Field(default=None, index=True)
    confirmed: bool = Field(default=False)
    confirmation_result: ConfirmationResult | None = enum_field(ConfirmationResult, nullable=True, length=12)
    confirmation_decided_on: date | None = None
    performance_status: PerformanceStatus | None = enum_field(PerformanceStatus, nullable=True, length=16)
    performance_checked_on: date | None = None
    performance_note: str | None = Field(default=None, sa_type=sa.Text)
    version: int = version_field()
