"""Generated standard documents and uploaded attachments (content-addressed files under data/attachments)."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import StrEnum, created_field, enum_field


class DocumentKind(StrEnum):
    ACCEPTANCE_NOTICE = "acceptance_notice"  # 受理告知书
    NON_ACCEPTANCE_NOTICE = "non_acceptance_notice"  # 不予受理告知书
    ASSIGNMENT = "assignment"  # 交办单
    FORWARDING = "forwarding"  # 转送单
    REPLY_OPINION = "reply_opinion"  # 信访处理意见书
    REVIEW_OPINION = "review_opinion"  # 复查意见书
    REEXAM_OPINION = "reexam_opinion"  # 复核意见书
    EXTENSION_NOTICE = "extension_notice"  # 延期告知书
    MEDIATION_AGREEMENT = "mediation_agreement"  # 调解协议书
    SUPERVISION_LETTER = "supervision_letter"  # 督办函
    BARRED_NOTICE = "barred_notice"  # 不再受理告知书
    RISK_ALERT = "risk_alert"  # 风险提示函
    IMPROVEMENT = "improvement"  # 改进工作建议函
    RECTIFICATION = "rectification"  # 整改通知书 (通报整改 after a spot check)
    DELIVERY_RECEIPT = "delivery_receipt"  # 送达回证


class AttachmentKind(StrEnum):
    SCAN = "scan"
    PHOTO = "photo"
    AUDIO = "audio"
    OTHER = "other"


class Attachment(SQLModel, table=True):
    """An uploaded file; the bytes live at data/attachments/<sha256[:2]>/<sha256>."""

    id: int | None = Field(default=None, primary_key=True)
    case_id: int | None = Field(default=None, foreign_key="case.id", index=True)
    mediation_id: int | None = Field(default=None, foreign_key="mediation_case.id", index=True)
    sha256: str = Field(max_length=64, index=True)
    filename: str = Field(max_length=200)
    mime_type: str = Field(max_length=100)
    size: int
    kind: AttachmentKind = enum_field(AttachmentKind, AttachmentKind.OTHER)
    confidential: bool = Field(default=False)  # accuser's material: hidden from the accused unit
    uploaded_by_id: int | None = Field(default=None, foreign_key="user.id")
    uploaded_at: datetime = created_field()


class Document(SQLModel, table=True):
    """A numbered standard document produced from a template; regenerating adds a revision, keeping the old."""

    __table_args__ = (sa.UniqueConstraint("number", "revision", name="uq_document_number_revision"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: DocumentKind = enum_field(DocumentKind)
    number: str = Field(max_length=60, index=True)  # the printed 文号, the same on every revision
    revision: int = Field(default=1)
    case_id: int | None = Field(default=None, foreign_key="case.id", index=True)
    mediation_id: int | None = Field(default=None, foreign_key="mediation_case.id", index=True)
    letter_id: int | None = Field(default=None, foreign_key="supervision_letter.id", index=True)
    spot_check_id: int | None = Field(default=None, foreign_key="spot_check.id", index=True)
    unit_id: int | None = Field(default=None, foreign_key="unit.id")  # the addressee, when a unit
    confidential: bool = Field(default=False)  # names an accuser: only for those who may know him
    returned_on: date | None = None  # a 送达回证's return: the day the petitioner received the document
    attachment_id: int | None = Field(default=None, foreign_key="attachment.id")
    title: str = Field(max_length=200)
    created_at: datetime = created_field()
    created_by_id: int | None = Field(default=None, foreign_key="user.id")


class DocumentTemplate(SQLModel, table=True):
    """An administrator's replacement template of one document kind; the newest row of a kind is in use."""

    __tablename__ = "document_template"

    id: int | None = Field(default=None, primary_key=True)
    kind: DocumentKind = enum_field(DocumentKind, index=True)
    sha256: str = Field(max_length=64)
    filename: str = Field(max_length=200)
    uploaded_by_id: int | None = Field(default=None, foreign_key="user.id")
    uploaded_at: datetime = created_field()
