"""The petition case (信访事项) aggregate: case, parties, assisting units, meetings, pauses, events."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import StrEnum, created_field, enum_field, json_field, version_field


class Channel(StrEnum):
    LETTER = "letter"  # 来信
    VISIT = "visit"  # 来访
    ONLINE = "online"  # 网上信访
    PHONE = "phone"  # 来电/传真
    HOTLINE_12345 = "hotline_12345"
    LEADER_MAILBOX = "leader_mailbox"  # 领导信箱
    LEADER_RECEPTION = "leader_reception"  # 领导接访
    ONSITE_OFFICE = "onsite_office"  # 马路办公
    GRASSROOTS_VISIT = "grassroots_visit"  # 四下基层
    GRID_REPORT = "grid_report"  # 网格上报


class Category(StrEnum):
    SUGGESTION = "suggestion"  # 建议意见类
    ACCUSATION = "accusation"  # 检举控告类
    COMPLAINT = "complaint"  # 申诉求决类


class Route(StrEnum):
    LITIGATION = "litigation"  # 1 诉讼、复议
    ARBITRATION = "arbitration"  # 2 仲裁
    PARTY_APPEAL = "party_appeal"  # 3 党员申诉
    ADMINISTRATIVE = "administrative"  # 4 行政程序
    DUTY_REQUEST = "duty_request"  # 5 申请查处/履职
    PETITION = "petition"  # 6 信访程序


class Stage(StrEnum):
    """A stage of the statutory clock (DOMAIN.md §4): the key of its limit in the settings, the code and the API.

    The values are what Case.stage and CasePause.stage store, so a member compares equal to the stored string.
    """

    TRIAGE = "triage"  # 登记分流 by the petition office, 15 days (第22条)
    ACCEPTANCE = "acceptance"  # acceptance notice by the unit, 15 days (第23条)
    OBJECTION = "objection"  # objection by a unit that is not responsible, 5 working days (第23条)
    DISPUTE = "dispute"  # acceptance dispute settled, 5 days (local rule)
    HANDLING = "handling"  # handling and reply, 60 days (第34条)
    EXTENSION = "extension"  # extension of handling, at most 30 days, once (第34条)
    REVIEW_REQUEST = "review_request"  # the petitioner's 30 days to ask for a review (第35条)
    REVIEW = "review"  # review decision, 30 days (第35条)
    REEXAM_REQUEST = "reexam_request"  # the petitioner's 30 days to ask for a re-examination (第36条)
    REEXAM = "reexam"  # re-examination decision, 30 days (第36条)
    MEDIATION = "mediation"  # mediation settled, 30 days (《人民调解工作若干规定》第33条)
    JUDICIAL_CONFIRMATION = "judicial_confirmation"  # joint application, 30 days (人民调解法第33条)
    LETTER_REPLY = "letter_reply"  # supervision letter answered, 10 working days (local practice)


class CaseStatus(StrEnum):
    REGISTERED = "registered"  # 已登记, awaiting triage
    FORWARDED = "forwarded"  # 已转送, awaiting the unit's acceptance
    ASSIGNED = "assigned"  # 已交办, awaiting the unit's acceptance
    OBJECTED = "objected"  # 受理争议, awaiting the office's decision
    HANDLING = "handling"  # 已受理/办理中
    PAUSED = "paused"  # 中止 (hearing, suspension): the clock stops
    MEDIATING = "mediating"  # referred to the mediation centre, the parties consenting (人民调解法第17条)
    REPLIED = "replied"  # 已答复, awaiting satisfaction
    RATED = "rated"  # satisfaction recorded or not rated, awaiting close
    CLOSED = "closed"  # 已办结
    REVIEW_REQUESTED = "review_requested"  # 复查中
    REVIEWED = "reviewed"  # 复查已决定
    REEXAM_REQUESTED = "reexam_requested"  # 复核中
    TERMINATED = "terminated"  # 复核终结, 不再受理
    ROUTED_OUT = "routed_out"  # 导入法定途径 (诉访分离, 第31条)
    DECLINED = "declined"  # 不予受理: the unit decided within the acceptance limit not to accept (第23条)
    BARRED = (
        "barred"  # 不再受理: a repeat of a matter ended by 复核 or left final by a lapsed window (第36条)
    )
    JOINED = "joined"  # a repeat received while the same matter is in progress: handled there (第19条第3款)
    MERGED = "merged"  # 已合并
    WITHDRAWN = "withdrawn"  # 已撤回
    INVALID = "invalid"  # 无效


class Outcome(StrEnum):
    SUPPORT = "support"  # 支持
    EXPLAIN = "explain"  # 解释说明
    REJECT = "reject"  # 不予支持


class Satisfaction(StrEnum):
    SATISFIED = "satisfied"
    BASICALLY_SATISFIED = "basically_satisfied"
    DISSATISFIED = "dissatisfied"
    NOT_RATED = "not_rated"


class PartyRole(StrEnum):
    PETITIONER = "petitioner"  # 信访人
    REPRESENTATIVE = "representative"  # 群体访代表 (at most 5)
    RESPONDENT = "respondent"  # 被反映人/被检举人


class MeetingKind(StrEnum):
    ACCEPTANCE = "acceptance"  # 受理见面
    INVESTIGATION = "investigation"  # 调查见面
    REPLY = "reply"  # 答复见面


class PauseKind(StrEnum):
    HEARING = "hearing"  # 听证
    SUSPENSION = "suspension"  # 中止


class NoticeMethod(StrEnum):
    """How the petitioner was told (the reason for an extension, 第34条)."""

    IN_PERSON = "in_person"  # 当面告知
    LETTER = "letter"  # 书面告知 (信函)
    PHONE = "phone"  # 电话告知
    SMS = "sms"  # 短信告知
    ONLINE = "online"  # 网上信访平台


class UnitRole(StrEnum):
    LEAD = "lead"  # 主办
    ASSIST = "assist"  # 协办


_KPI_SCOPE = ("status", "channel", "category", "subject", "street_id", "lead_unit_id")


class Case(SQLModel, table=True):
    """A petition case from registration to closure, with the dates of every stage."""

    __table_args__ = (
        sa.Index("ix_case_status_due", "status", "due_on"),
        sa.Index("ix_case_due_on", "due_on"),  # the list sorted by deadline, with or without a text search
        sa.Index("ix_case_lead_unit_status_due", "lead_unit_id", "status", "due_on"),
        sa.Index("ix_case_received_channel", "received_on", "channel"),
        sa.Index("ix_case_street_received", "street_id", "received_on"),
        sa.Index("ix_case_category_received", "category", "received_on"),
        sa.Index("ix_case_subject_received", "subject", "received_on"),
        sa.Index("ix_case_first_closed", "is_first", "closed_on"),
        sa.Index("ix_case_replied_on", "replied_on"),
        sa.Index("ix_case_leader_in_charge", "leader_in_charge_id", "status"),
        sa.Index("ix_case_received_by_leader", "received_by_leader_id", "received_on"),
        # the indicators (core.kpis): one covering index per date that places a case in a period, so each
        # aggregate reads the index alone, never the wide rows
        sa.Index(
            "ix_case_kpi_received", "received_on", *_KPI_SCOPE, "repeat_of_id", "onsite_resolved", "closed_on"
        ),
        sa.Index("ix_case_kpi_acceptance", "acceptance_due_on", *_KPI_SCOPE, "accepted_on", "declined_on"),
        sa.Index("ix_case_kpi_reply", "reply_due_on", *_KPI_SCOPE, "replied_on"),
        sa.Index(
            "ix_case_kpi_closed",
            "closed_on",
            *_KPI_SCOPE,
            "is_first",
            "received_on",
            "satisfaction",
            "rated_on",
            "onsite_resolved",
            "review_requested_on",
            "reexam_requested_on",
        ),  # fmt: skip
        sa.Index("ix_case_kpi_replied", "replied_on", *_KPI_SCOPE, "satisfaction", "rated_on"),
        sa.Index("ix_case_kpi_repeat", "repeat_of_id", "received_on", "status"),
        sa.Index("ix_case_kpi_review", "review_of_id", "received_on", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=20, unique=True)  # JB-2026-000123
    # another system's number for the case (a ledger's 编号, the hotline's id): a second import or POST finds it
    external_id: str | None = Field(default=None, max_length=64, unique=True, index=True)
    query_code_hash: str | None = Field(default=None, max_length=128)  # petitioner self-service
    # a case assigned by a higher level (交办件): its number there, its deadline and the body that assigned it
    higher_number: str | None = Field(default=None, max_length=40, index=True)
    higher_due_on: date | None = None
    higher_body: str | None = Field(default=None, max_length=80)
    channel: Channel = enum_field(Channel)
    received_on: date
    registered_at: datetime = created_field()
    registrar_id: int | None = Field(default=None, foreign_key="user.id")
    category: Category = enum_field(Category, Category.COMPLAINT)
    route: Route = enum_field(Route, Route.PETITION)
    subject: str = Field(max_length=40)  # key of core.reference.SUBJECTS
    title: str = Field(max_length=200)
    content: str = Field(sa_type=sa.Text)
    request: str | None = Field(default=None, sa_type=sa.Text)  # what the petitioner asks for
    street_id: int | None = Field(default=None, foreign_key="street.id")
    community_id: int | None = Field(default=None, foreign_key="community.id", index=True)
    grid_id: int | None = Field(default=None, foreign_key="grid.id", index=True)
    location: str | None = Field(default=None, max_length=200)
    lead_unit_id: int | None = Field(default=None, foreign_key="unit.id")
    status: CaseStatus = enum_field(CaseStatus, CaseStatus.REGISTERED)
    is_first: bool = Field(default=True)  # 初信初访
    repeat_of_id: int | None = Field(default=None, foreign_key="case.id", index=True)
    merged_into_id: int | None = Field(default=None, foreign_key="case.id", index=True)
    review_of_id: int | None = Field(default=None, foreign_key="case.id", index=True)  # chain of 复查/复核
    group_size: int = Field(default=1)
    anonymous: bool = Field(default=False)
    confidential: bool = Field(default=False)
    not_accepted_again: bool = Field(default=False)  # 不再受理 (第36条第3款)
    received_by_leader_id: int | None = Field(default=None, foreign_key="user.id")  # 领导接访/马路办公
    leader_in_charge_id: int | None = Field(default=None, foreign_key="user.id")  # 包案
    onsite_resolved: bool = Field(default=False)  # resolved on the spot
    routed_to: str | None = Field(
        default=None, max_length=200
    )  # body of the legal procedure, or where to turn
    end_reason: str | None = Field(
        default=None, sa_type=sa.Text
    )  # why it left the track (不予受理, 不再受理)
    # stage dates
    triaged_on: date | None = None  # forwarded or assigned
    unit_received_on: date | None = None
    accepted_on: date | None = None
    declined_on: date | None = None  # 不予受理 notice: the unit decided, as acceptance does (DOMAIN.md §8)
    objected_on: date | None = None
    dispute_settled_on: date | None = None
    extension_days: int = Field(default=0)
    extension_reason: str | None = Field(default=None, max_length=500)
    extension_approved_on: date | None = None  # approved by the unit's head (第34条)
    extension_notified_on: date | None = None  # the petitioner told the reason (第34条)
    extension_notice: NoticeMethod | None = enum_field(NoticeMethod, nullable=True)  # how he was told
    paused_days: int = Field(default=0)  # calendar days of completed pauses in the current stage
    paused_since: date | None = None
    replied_on: date | None = None
    reply_received_on: date | None = None  # petitioner receives the reply
    outcome: Outcome | None = enum_field(Outcome, nullable=True)
    reply_summary: str | None = Field(default=None, sa_type=sa.Text)
    satisfaction: Satisfaction | None = enum_field(Satisfaction, nullable=True)
    rated_on: date | None = None
    closed_on: date | None = None
    review_requested_on: date | None = None
    review_decided_on: date | None = None
    review_decision_received_on: date | None = None
    review_outcome: Outcome | None = enum_field(Outcome, nullable=True)
    reexam_requested_on: date | None = None
    reexam_decided_on: date | None = None
    reexam_outcome: Outcome | None = enum_field(Outcome, nullable=True)
    # the current statutory clock, kept by core.clock so lists can sort and filter in the database
    stage: str | None = Field(default=None, max_length=24)  # a Stage (DOMAIN.md §4), stored as its value
    stage_started_on: date | None = None
    due_on: date | None = None
    due_provisional: bool = Field(default=False)
    # each stage's deadline as the clock last set it, kept after the stage ends: the on-time rates are SQL
    acceptance_due_on: date | None = Field(default=None, index=True)  # of the unit that finally decided
    reply_due_on: date | None = Field(default=None, index=True)  # handling + extension + its pauses
    handling_paused_days: int = Field(default=0)  # the pauses of the handling stage (paused_days resets)
    updated_at: datetime = created_field()
    updated_by_id: int | None = Field(default=None, foreign_key="user.id")
    version: int = version_field()


class CaseParty(SQLModel, table=True):
    """A person's role in a case: petitioner, group representative or respondent."""

    __tablename__ = "case_party"

    __table_args__ = (
        sa.UniqueConstraint("case_id", "person_id", "role", name="uq_case_party_case_person_role"),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    role: PartyRole = enum_field(PartyRole, PartyRole.PETITIONER)


class CaseUnit(SQLModel, table=True):
    """A unit working on a case: the lead unit (主办) and assisting units (协办)."""

    __tablename__ = "case_unit"

    __table_args__ = (sa.UniqueConstraint("case_id", "unit_id", name="uq_case_unit_case_unit"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    role: UnitRole = enum_field(UnitRole, UnitRole.ASSIST)
    assigned_on: date | None = None


class CaseMeeting(SQLModel, table=True):
    """One of the three meetings (三见面) with the petitioner of a first petition."""

    __tablename__ = "case_meeting"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    kind: MeetingKind = enum_field(MeetingKind)
    held_on: date
    place: str = Field(max_length=200)
    people: str = Field(max_length=200)
    notes: str | None = Field(default=None, sa_type=sa.Text)
    recorded_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = created_field()


class CasePause(SQLModel, table=True):
    """A period when the clock stops (hearing 听证, approved suspension 中止)."""

    __tablename__ = "case_pause"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    kind: PauseKind = enum_field(PauseKind)
    stage: str = Field(max_length=24)
    started_on: date
    ended_on: date | None = None
    reason: str | None = Field(default=None, max_length=500)


class CaseEvent(SQLModel, table=True):
    """Append-only timeline and audit log: who did what to which object, with before and after."""

    __tablename__ = "case_event"
    __table_args__ = (
        sa.Index("ix_case_event_case_at", "case_id", "at"),
        sa.Index("ix_case_event_actor_at", "actor_id", "at"),
        sa.Index("ix_case_event_object", "object_type", "object_id"),
        sa.Index("ix_case_event_action_at", "action", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = created_field()
    actor_id: int | None = Field(default=None, foreign_key="user.id")
    actor_name: str | None = Field(default=None, max_length=60)  # kept if the user is renamed
    action: str = Field(max_length=40)
    object_type: str = Field(default="case", max_length=30)
    object_id: int | None = None
    case_id: int | None = Field(default=None, foreign_key="case.id")
    before: dict[str, Any] | None = json_field()
    after: dict[str, Any] | None = json_field()
    note: str | None = Field(default=None, sa_type=sa.Text)
