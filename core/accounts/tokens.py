"""API tokens: made by an administrator for a user, shown once, stored as a SHA-256 hash, revocable."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, select

from core.accounts import audit, permissions
from core.platform import timeutil
from core.platform.errors import NotFound, ValidationError
from core.platform.validation import has_control_chars
from i18n import t
from models import ApiToken, User

TOKEN_PREFIX = "pd_"
MAX_TOKEN_LENGTH = 100
LAST_USED_RESOLUTION = timedelta(minutes=1)  # write last_used_at at most once a minute per token


def hash_token(plain: str) -> str:
    """Return the SHA-256 hex digest stored for a token."""
    return hashlib.sha256(plain.encode("utf-8")).hexdigest()


def _issue(
    session: Session, actor: User | None, user: User, name: str, note: str | None
) -> tuple[ApiToken, str]:
    name = (name or "").strip()
    if not name or len(name) > 60 or has_control_chars(name):
        raise ValidationError(t("auth.token_name_required"), errors={"name": t("auth.token_name_required")})
    if not user.active:
        raise ValidationError(t("auth.token_user_inactive"))
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=name,
        prefix=plain[:11],
        token_hash=hash_token(plain),
        created_by_id=actor.id if actor else None,
    )
    session.add(token)
    session.flush()
    audit.record(
        session,
        actor,
        "token.create",
        object_type="api_token",
        object_id=token.id,
        after={"user_id": user.id, "name": name, "prefix": token.prefix},
        note=note,
    )
    session.commit()
    session.refresh(token)
    return token, plain


def create_token(session: Session, actor: User, user_id: int, name: str) -> tuple[ApiToken, str]:
    """Create a token for a user; return the row and the plain token, which is never shown again."""
    permissions.require(actor, "token.manage")
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(t("error.not_found"))
    return _issue(session, actor, user, name, None)


def create_token_by_operator(session: Session, username: str, name: str) -> tuple[ApiToken, str]:
    """Create a token from the command line (audited with note "cli")."""
    user = session.exec(select(User).where(User.username == username.strip().lower())).first()
    if user is None:
        raise NotFound(t("error.not_found"))
    return _issue(session, None, user, name, "cli")


def revoke_token(session: Session, actor: User, token_id: int) -> ApiToken:
    """Revoke a token: requests carrying it are refused from now on."""
    permissions.require(actor, "token.manage")
    token = session.get(ApiToken, token_id)
    if token is None:
        raise NotFound(t("error.not_found"))
    if token.revoked_at is None:
        token.revoked_at = timeutil.now()
        audit.record(
            session,
            actor,
            "token.revoke",
            object_type="api_token",
            object_id=token.id,
            after={"user_id": token.user_id, "name": token.name, "prefix": token.prefix},
        )
        session.commit()
        session.refresh(token)
    return token


@dataclass(frozen=True)
class TokenRow:
    """One token as the tokens list shows it; the secret is never part of it."""

    id: int
    user_id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


def list_tokens(session: Session, actor: User, user_id: int | None = None) -> list[TokenRow]:
    """Return tokens (of one user, or all), newest first."""
    permissions.require(actor, "token.manage")
    stmt = select(ApiToken).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    if user_id is not None:
        stmt = stmt.where(ApiToken.user_id == user_id)
    fields = ("id", "user_id", "name", "prefix", "created_at", "last_used_at", "revoked_at")
    return [TokenRow(**{f: getattr(r, f) for f in fields}) for r in session.exec(stmt).all()]


def _touch(session: Session, token: ApiToken) -> None:
    now = timeutil.now()
    last = timeutil.to_local(token.last_used_at)
    if last is None or now - last >= LAST_USED_RESOLUTION:
        token.last_used_at = now
        session.commit()


def authenticate_token(session: Session, plain: str | None) -> User | None:
    """Return the active user a valid, unrevoked token belongs to (noting when it was used), or None."""
    if not plain or not plain.startswith(TOKEN_PREFIX) or len(plain) > MAX_TOKEN_LENGTH:
        return None
    token = session.exec(select(ApiToken).where(ApiToken.token_hash == hash_token(plain))).first()
    if token is None or token.revoked_at is not None:
        return None
    user = session.get(User, token.user_id)
    if user is None or not user.active:
        return None
    _touch(session, token)
    return user
