"""Generated standard documents and uploaded attachments (content-addressed files under data/attachments)."""

from __future__ import annotations

from datetime import datetime

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
    """A numbered standard document produced from a template for a case or mediation."""

    id: int | None = Field(default=None, primary_key=True)
    kind: DocumentKind = enum_field(DocumentKind)
    number: str = Field(max_length=40, unique=True)
    case_id: int | None = Field(default=None, foreign_key="case.id", index=True)
    mediation_id: int | None = Field(default=None, foreign_key="mediation_case.id", index=True)
    attachment_id: int | None = Field(default=None, foreign_key="attachment.id")
    title: str = Field(max_length=200)
    created_at: datetime = created_field()
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
