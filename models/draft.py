"""Drafts: a half-filled form kept per user on the server, so F5 or another page does not lose it."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from models.base import created_field, json_field


class IntakeDraft(SQLModel, table=True):
    """The intake form one user has begun and neither registered nor discarded (one per user)."""

    __tablename__ = "intake_draft"

    user_id: int = Field(foreign_key="user.id", primary_key=True)
    data: dict = json_field(nullable=False)
    updated_at: datetime = created_field()
