"""Passwords (argon2id), sign-in with per-client throttling and account lockout, and the session cookie.

The cookie carries the signed random id of a user_session row (core.accounts.sessions), which the server
can end; the shell and the API look the row up on every request.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, URLSafeSerializer
from sqlmodel import Session, select

from core.accounts import audit, sessions, throttle
from core.platform import db, timeutil
from core.platform.config import secret_key
from core.platform.errors import AuthError, ValidationError
from i18n import t
from models import SignInMethod, User

SESSION_COOKIE = "pd_session"
SESSION_HOURS_KEY = sessions.SESSION_HOURS_KEY
IDLE_MINUTES_KEY = sessions.IDLE_MINUTES_KEY
session_hours = sessions.session_hours
# One address may fail CLIENT_MAX_FAILURES times per window before it is refused, fewer than the account
# lockout needs: nobody locks an account (the administrator's, say) from one place.
CLIENT_MAX_FAILURES = 5
CLIENT_WINDOW = timedelta(minutes=15)
MAX_FAILURES = 10
FAILURE_WINDOW = timedelta(minutes=15)
LOCK_DURATION = timedelta(minutes=15)
REFUSED = "auth.login_refused"
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256
MAX_USERNAME_LENGTH = 40

_hasher = PasswordHasher()  # argon2id with the library's current recommended cost


class TooManyAttempts(AuthError):
    """Too many failed sign-ins from this address: wait, whichever account is tried."""

    code = "rate_limited"
    http_status = 429


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
def dummy_hash() -> str:
    """Return a hash to verify against when there is nothing to check, so a refusal takes as long."""
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


def _count_failure(user: User, now: datetime) -> None:
    first = _local(user.first_failed_at)
    if first is None or now - first > FAILURE_WINDOW:
        user.failed_logins, user.first_failed_at = 1, now
    else:
        user.failed_logins += 1
    if user.failed_logins >= MAX_FAILURES:
        user.locked_until = now + LOCK_DURATION


def _find_user(session: Session, username: str, *, lock: bool = False) -> User | None:
    if not username or len(username) > MAX_USERNAME_LENGTH:
        return None
    stmt = select(User).where(User.username == username)
    if lock:
        stmt = stmt.with_for_update()
    # The counters must be the database's, not a copy the session already holds.
    return session.exec(stmt.execution_options(populate_existing=True)).first()


def _failure_reason(user: User | None, stored: str | None, ok: bool) -> str | None:
    """Return why the attempt fails (unknown, inactive, locked, password), or None when it succeeds."""
    if user is None:
        return "unknown"
    if not user.active or not user.password_hash:
        return "inactive"
    if is_locked(user):
        return "locked"
    if not ok or user.password_hash != stored:  # a password changed meanwhile is checked next time
        return "password"
    return None


def _client_failures(session: Session, ip: str | None) -> int:
    if not ip:
        return 0
    since = timeutil.now() - CLIENT_WINDOW
    return throttle.counts(session, "auth.login_failed", since, ip=ip)["ip"]


def _throttled(session: Session, username: str, ip: str | None) -> TooManyAttempts:
    after = {"username": username[:MAX_USERNAME_LENGTH], "ip": ip, "reason": "client_limit"}
    audit.record(session, None, REFUSED, object_type="user", after=after)
    session.commit()
    return TooManyAttempts(t("session.too_many_attempts", minutes=int(CLIENT_WINDOW.total_seconds() // 60)))


def _record(session: Session, user: User | None, action: str, after: dict) -> None:
    audit.record(session, user, action, object_type="user", object_id=user.id if user else None, after=after)


def _authenticate(
    session: Session,
    username: str,
    password: str,
    ip: str | None,
    user_agent: str | None,
    method: SignInMethod | None,
) -> tuple[User, str | None]:
    username = (username or "").strip().lower()
    password = password or ""
    if _client_failures(session, ip) >= CLIENT_MAX_FAILURES:  # cheap early answer; decided again below
        raise _throttled(session, username, ip)
    # One argon2 check whatever the account's state, outside any lock: unknown, inactive, locked and
    # wrong-password attempts take the same time and get the same answer.
    seen = _find_user(session, username)
    stored = seen.password_hash if seen is not None and seen.active and seen.password_hash else None
    ok = verify_password(stored or dummy_hash(), password) and stored is not None
    session.commit()
    throttle.lock(session, "auth.login", ip or "")  # until the commit: concurrent attempts count this one
    if _client_failures(session, ip) >= CLIENT_MAX_FAILURES:
        raise _throttled(session, username, ip)
    user = _find_user(session, username, lock=True)
    reason = _failure_reason(user, stored, ok)
    if reason is None:
        return user, _succeed(session, user, password, ip, user_agent, method)
    after = {"username": username[:MAX_USERNAME_LENGTH], "ip": ip, "reason": reason}
    if reason == "password":
        _count_failure(user, timeutil.now())
        locked = timeutil.to_local(user.locked_until) if is_locked(user) else None
        after |= {"failed_logins": user.failed_logins, "locked_until": locked}
    _record(session, user, "auth.login_failed", after)
    session.commit()
    # A locked account answers like a wrong password: only the audit log and the users screen say "locked".
    raise AuthError(t("auth.invalid_credentials"))


def _succeed(
    session: Session,
    user: User,
    password: str,
    ip: str | None,
    user_agent: str | None,
    method: SignInMethod | None,
) -> str | None:
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_logins, user.first_failed_at, user.locked_until = 0, None, None
    user.last_login_at = timeutil.now()
    token, after = None, {"username": user.username, "ip": ip, "method": "password"}
    if method is not None:
        row, token = sessions.open_session(session, user, method, ip=ip, user_agent=user_agent)
        after["session"] = row.id
    _record(session, user, "auth.login", after)
    session.commit()
    session.refresh(user)
    return token


def authenticate(session: Session, username: str, password: str, ip: str | None = None) -> User:
    """Return the user whose password matches, or raise AuthError / TooManyAttempts; every attempt is audited.

    More than CLIENT_MAX_FAILURES failures from one address in CLIENT_WINDOW refuse that address (without
    touching any account); MAX_FAILURES failures on one account in FAILURE_WINDOW lock the account, which
    still answers like a wrong password.
    """
    return _authenticate(session, username, password, ip, None, None)[0]


def sign_in(
    session: Session, username: str, password: str, ip: str | None = None, user_agent: str | None = None
) -> tuple[User, str]:
    """Check the password as `authenticate` does and open a session; return the user and the cookie value."""
    user, token = _authenticate(session, username, password, ip, user_agent, SignInMethod.PASSWORD)
    return user, sign_token(token)


def _serializer() -> URLSafeSerializer:
    # a new salt: cookies of the stateless scheme before user_session rows no longer verify
    return URLSafeSerializer(secret_key(), salt="petition-desk.session.v2")


def sign_token(token: str) -> str:
    """Return the signed cookie value that carries a session id."""
    return _serializer().dumps(token)


def token_from_cookie(value: str | None) -> str | None:
    """Return the session id a cookie value carries, or None if it is missing or tampered with."""
    if not value:
        return None
    try:
        token = _serializer().loads(value)
    except BadSignature:
        return None
    return token if isinstance(token, str) else None


def make_session_cookie(
    session: Session, user: User, *, ip: str | None = None, user_agent: str | None = None
) -> str:
    """Open a password session for `user` (committed) and return its cookie value (tests and tools)."""
    _row, token = sessions.open_session(session, user, SignInMethod.PASSWORD, ip=ip, user_agent=user_agent)
    session.commit()
    return sign_token(token)


def user_from_cookie(session: Session, value: str | None) -> User | None:
    """Return the active user of the live session a cookie value names, or None."""
    found = sessions.resolve(session, token_from_cookie(value))
    return found[0] if found else None


def sign_out(session: Session, value: str | None) -> User | None:
    """End the session a cookie value names (audited); return its user, or None if it was not live."""
    return sessions.end(session, token_from_cookie(value))


def current_from_cookies(cookies: Mapping[str, str]) -> tuple[User, int] | None:
    """Return the signed-in user (a detached row) and his session's id from the request's cookies, or None."""
    token = token_from_cookie(cookies.get(SESSION_COOKIE))
    if not token:
        return None
    with db.session_scope() as session:
        found = sessions.resolve(session, token)
        if found is None:
            return None
        user, row = found
        session.expunge(user)
        return user, row.id


def user_from_cookies(cookies: Mapping[str, str]) -> User | None:
    """Return the signed-in user from the request's cookies (a detached row), or None."""
    found = current_from_cookies(cookies)
    return found[0] if found else None
