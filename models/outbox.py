"""The durable outbox: webhook subscriptions of other systems, and every message owed to them or to a petitioner."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import StrEnum, created_field, enum_field, json_field, version_field


class OutboxKind(StrEnum):
    WEBHOOK = "webhook"  # a signed POST to a subscriber
    TEXT = "text"  # a text message to a petitioner, through the configured sender


class OutboxStatus(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"  # gave up after the last attempt


class WebhookSubscription(SQLModel, table=True):
    """An external system (the 12345 hotline, the online portal) told of its cases' events by signed POSTs."""

    __tablename__ = "webhook_subscription"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=60, unique=True)
    url: str = Field(max_length=500)
    secret: str = Field(max_length=128)  # the HMAC-SHA256 key both sides hold
    events: list[str] = Field(default_factory=list, sa_type=sa.JSON)  # registered, accepted, replied, closed
    active: bool = Field(default=True)
    version: int = version_field()


class OutboxMessage(SQLModel, table=True):
    """One message owed: written in the transaction of the change it reports, delivered at least once."""

    __tablename__ = "outbox_message"
    __table_args__ = (sa.Index("ix_outbox_due", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: OutboxKind = enum_field(OutboxKind)
    event: str = Field(max_length=40)
    case_id: int | None = Field(default=None, foreign_key="case.id", index=True)
    subscription_id: int | None = Field(default=None, foreign_key="webhook_subscription.id")
    target: str = Field(max_length=500)  # the URL, or the phone number
    payload: dict[str, Any] | None = json_field()
    status: OutboxStatus = enum_field(OutboxStatus, OutboxStatus.PENDING)
    attempts: int = Field(default=0)
    created_at: datetime = created_field()
    next_attempt_at: datetime = created_field()
    leased_until: datetime | None = None  # a worker holds it until then; a crash lets it go
    delivered_at: datetime | None = None
    last_error: str | None = Field(default=None, max_length=500)
