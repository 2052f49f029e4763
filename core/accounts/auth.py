"""Passwords (argon2id), sign-in with lockout, and the signed session cookie that the shell verifies."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlmodel import Session, select

from core.accounts import audit
from core.platform import db, timeutil
from core.platform.config import secret_key
from core.platform.errors import AuthError, ValidationError
from i18n import t
from models import Setting, User

SESSION_COOKIE = "pd_session"
SESSION_HOURS_KEY = "auth.session_hours"
DEFAULT_SESSION_HOURS = 8.0
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
LOCK_DURATION = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256
MAX_USERNAME_LENGTH = 40

_hasher = PasswordHasher()  # argon2id with the library's current recommended cost


class AccountLocked(AuthError):
    """Too many failed sign-ins: the account refuses every password until `locked_until`."""

    code = "locked"

    def __init__(self, message: str, *, locked_until: datetime):
        super().__init__(message)
        self.locked_until = locked_until


def hash_password(password: str) -> str:
    """Return the argon2id hash of a password."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Return whether `password` matches the stored hash."""
    if not password_hash or not password:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hasher.hash("not-a-password-0")


def password_problem(username: str, password: str) -> str | None:
    """Return why a new password is refused (length, letters and digits, not the username), or None."""
    if len(password or "") < MIN_PASSWORD_LENGTH:
        return t("auth.password_too_short", n=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        return t("auth.password_too_long", n=MAX_PASSWORD_LENGTH)
    if not re.search(r"[A-Za-z]", password) or not re.search(r"\d", password):
        return t("auth.password_letters_digits")
    name, lowered = (username or "").strip().lower(), password.lower()
    if name and (lowered == name or (len(name) >= 4 and name in lowered)):
        return t("auth.password_has_username")
    return None


def check_password(username: str, password: str, field: str = "password") -> None:
    """Raise ValidationError on `field` unless the password follows the rules."""
    problem = password_problem(username, password)
    if problem:
        raise ValidationError(problem, errors={field: problem})


def _local(value: datetime | None) -> datetime | None:
    return timeutil.to_local(value)


def is_locked(user: User, now: datetime | None = None) -> bool:
    """Return whether the account is locked out right now."""
    until = _local(user.locked_until)
    return until is not None and until > (now or timeutil.now())


def _locked_error(user: User) -> AccountLocked:
    until = _local(user.locked_until)
    return AccountLocked(t("auth.locked", until=until.strftime("%H:%M")), locked_until=until)


def _audit_login(
    session: Session, user: User | None, action: str, username: str, ip: str | None, **extra
) -> None:
    after = {"username": username[:MAX_USERNAME_LENGTH], "ip": ip, **extra}
    audit.record(session, user, action, object_type="user", object_id=user.id if user else None, after=after)


def _count_failure(user: User, now: datetime) -> None:
    first = _local(user.first_failed_at)
    if first is None or now - first > FAILURE_WINDOW:
        user.failed_logins, user.first_failed_at = 1, now
    else:
        user.failed_logins += 1
    if user.failed_logins >= MAX_FAILURES:
        user.locked_until = now + LOCK_DURATION


def _find_user(session: Session, username: str) -> User | None:
    if not username or len(username) > MAX_USERNAME_LENGTH:
        return None
    stmt = select(User).where(User.username == username).with_for_update()
    # The counters must be the database's, not a copy the session already holds.
    stmt = stmt.execution_options(populate_existing=True)
    return session.exec(stmt).first()


def _refuse(session: Session, user: User | None, username: str, ip: str | None, reason: str) -> AuthError:
    _audit_login(session, user, "auth.login_failed", username, ip, reason=reason)
    session.commit()
    return AuthError(t("auth.invalid_credentials"))


def _wrong_password(session: Session, user: User, username: str, ip: str | None) -> AuthError:
    _count_failure(user, timeutil.now())
    locked = timeutil.to_local(user.locked_until) if is_locked(user) else None
    _audit_login(
        session,
        user,
        "auth.login_failed",
        username,
        ip,
        reason="password",
        failed_logins=user.failed_logins,
        locked_until=locked,
    )
    session.commit()
    return _locked_error(user) if locked else AuthError(t("auth.invalid_credentials"))


def _succeed(session: Session, user: User, username: str, password: str, ip: str | None) -> User:
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_logins, user.first_failed_at, user.locked_until = 0, None, None
    user.last_login_at = timeutil.now()
    _audit_login(session, user, "auth.login", username, ip, method="password")
    session.commit()
    session.refresh(user)
    return user


def authenticate(session: Session, username: str, password: str, ip: str | None = None) -> User:
    """Return the user whose password matches, or raise AuthError / AccountLocked; every attempt is audited."""
    username = (username or "").strip().lower()
    user = _find_user(session, username)
    if user is None or not user.active or not user.password_hash:
        verify_password(_dummy_hash(), password or "")  # same time for unknown and known users
        raise _refuse(session, user, username, ip, "unknown" if user is None else "inactive")
    if is_locked(user):
        _audit_login(session, user, "auth.login_failed", username, ip, reason="locked")
        session.commit()
        raise _locked_error(user)
    if not verify_password(user.password_hash, password or ""):
        raise _wrong_password(session, user, username, ip)
    return _succeed(session, user, username, password, ip)


def record_sso_login(session: Session, user: User, subject: str | None) -> None:
    """Audit a sign-in through the configured OIDC provider."""
    user = session.get(User, user.id)
    user.last_login_at = timeutil.now()
    _audit_login(session, user, "auth.login", user.username, None, method="oidc", subject=subject)
    session.commit()


def record_logout(session: Session, user: User) -> None:
    """Audit a sign-out."""
    audit.record(session, user, "auth.logout", object_type="user", object_id=user.id)
    session.commit()


def session_hours(session: Session) -> float:
    """Return how long a sign-in lasts (Setting `auth.session_hours`, default 8)."""
    row = session.get(Setting, SESSION_HOURS_KEY)
    try:
        hours = float(json.loads(row.value)) if row else DEFAULT_SESSION_HOURS
    except (TypeError, ValueError):
        hours = DEFAULT_SESSION_HOURS
    return min(max(hours, 0.25), 24 * 30)


def session_stamp(user: User) -> str:
    """Return a short fingerprint that changes whenever the user's password changes."""
    changed = user.password_changed_at.isoformat() if user.password_changed_at else ""
    raw = f"{user.id}|{user.password_hash or ''}|{changed}"
    return hashlib.sha256(raw.encode()).hexdigest()[:20]


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key(), salt="petition-desk.session")


def make_session_cookie(user: User) -> str:
    """Return the signed value of the session cookie for this user."""
    return _serializer().dumps({"u": user.id, "s": session_stamp(user)})


def user_from_cookie(session: Session, value: str | None) -> User | None:
    """Return the active user named by a valid, unexpired session cookie value, or None."""
    if not value:
        return None
    try:
        payload = _serializer().loads(value, max_age=int(session_hours(session) * 3600))
        user = session.get(User, int(payload["u"]))
    except (BadSignature, KeyError, TypeError, ValueError):
        return None
    if user is None or not user.active or payload.get("s") != session_stamp(user):
        return None
    return user


def user_from_cookies(cookies: Mapping[str, str]) -> User | None:
    """Return the signed-in user from the request's cookies (a detached row), or None."""
    value = cookies.get(SESSION_COOKIE)
    if not value:
        return None
    with db.session_scope() as session:
        user = user_from_cookie(session, value)
        if user is not None:
            session.expunge(user)
        return user
