"""Users, their roles, and API tokens."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from models.base import StrEnum, created_field, enum_field, version_field


class Role(StrEnum):
    ADMIN = "admin"
    REGISTRAR = "registrar"  # 登记员
    HANDLER = "handler"  # 承办员: only the cases of his unit
    MEDIATOR = "mediator"  # 调解员: his mediation cases
    SUPERVISOR = "supervisor"  # 督查
    LEADER = "leader"  # 领导: dashboards, read-only cases, 包案


class User(SQLModel, table=True):
    """A person who signs in; the password is an argon2id hash, never the password."""

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=40, unique=True)
    display_name: str = Field(max_length=40)
    role: Role = enum_field(Role, index=True)
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    password_hash: str | None = Field(default=None, max_length=200)
    oidc_subject: str | None = Field(default=None, max_length=200, unique=True)
    active: bool = Field(default=True)
    failed_logins: int = Field(default=0)
    first_failed_at: datetime | None = None
    locked_until: datetime | None = None
    last_login_at: datetime | None = None
    password_changed_at: datetime | None = None
    language: str | None = Field(default=None, max_length=8)  # i18n.LANGUAGES key; None follows the browser
    created_at: datetime = created_field()
    version: int = version_field()


class ApiToken(SQLModel, table=True):
    """A bearer token for the HTTP API; only its SHA-256 hash is stored."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    name: str = Field(max_length=60)
    prefix: str = Field(max_length=12)  # first characters, to recognise a token in lists
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = created_field()
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None
