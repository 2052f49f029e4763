"""Users, their roles, their sign-in sessions, and API tokens."""

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
    DISPLAY = "display"  # 大屏账户: the meeting room's big screen, aggregates only (no cases, no PII)


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


class SignInMethod(StrEnum):
    PASSWORD = "password"  # the /auth/login form
    OIDC = "oidc"  # single sign-on through st.login


class SessionEnd(StrEnum):
    """Why a sign-in session ended before its time (UserSession.revoked_reason)."""

    LOGOUT = "logout"
    ENDED_BY_ADMIN = "ended_by_admin"
    DEACTIVATED = "deactivated"
    PASSWORD_CHANGED = "password_changed"
    IDLE = "idle"
    EXPIRED = "expired"


class UserSession(SQLModel, table=True):
    """One sign-in (browser cookie or single sign-on identity); only the SHA-256 of its random id is stored."""

    __tablename__ = "user_session"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    method: SignInMethod = enum_field(SignInMethod, length=16)
    created_at: datetime = created_field()
    last_seen_at: datetime
    expires_at: datetime  # the absolute end (auth.session_hours after sign-in), whatever the activity
    revoked_at: datetime | None = None
    revoked_reason: SessionEnd | None = enum_field(SessionEnd, nullable=True, length=20)
    client_ip: str | None = Field(default=None, max_length=45)
    user_agent: str | None = Field(default=None, max_length=200)
