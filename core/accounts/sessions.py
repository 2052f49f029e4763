"""Sign-in sessions the server can end: one user_session row per sign-in, by password or single sign-on.

The browser's cookie carries a random id (signed, see core.accounts.auth); a single sign-on identity is
mapped to a row keyed on the claims of the ID token it came with. Only the SHA-256 of either is stored.
Every request reads its row (no per-process cache), so sign-out, "end all sessions", deactivation and the
idle timeout take effect on the very next request in every app process sharing the database.
last_seen_at is written at most once per TOUCH_EVERY per session, so a Streamlit rerun costs one indexed
read; the idle timeout is therefore exact to within TOUCH_EVERY.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from core.accounts import audit
from core.platform import timeutil
from models import Role, SessionEnd, Setting, SignInMethod, User, UserSession

SESSION_HOURS_KEY = "auth.session_hours"
DEFAULT_SESSION_HOURS = 8.0
IDLE_MINUTES_KEY = "auth.idle_minutes"
DEFAULT_IDLE_MINUTES = 120.0
TOUCH_EVERY = timedelta(minutes=1)
# The meeting room's screen is watched, not used: nobody clicks it for hours, so no idle timeout ends its
# sign-in; sign-out, an administrator, deactivation and the absolute lifetime (auth.session_hours) still do.
IDLE_EXEMPT = frozenset({Role.DISPLAY})
MAX_USER_AGENT = 200
# The claims that tell one single sign-on sign-in from the next: the ID token's issue time and nonce change.
SSO_CLAIMS = ("provider", "iss", "sub", "email", "iat", "nonce")


def new_token() -> str:
    """Return a fresh random session id (256 bits)."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """Return the SHA-256 hex digest stored for a session id."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _number(raw: str | None, default: float, low: float, high: float) -> float:
    try:
        value = float(json.loads(raw)) if raw is not None else default
    except (TypeError, ValueError):
        value = default
    return min(max(value, low), high)


def _hours(raw: str | None) -> float:
    return _number(raw, DEFAULT_SESSION_HOURS, 0.25, 24 * 30)


def _idle(raw: str | None) -> timedelta:
    return timedelta(minutes=_number(raw, DEFAULT_IDLE_MINUTES, 5, 24 * 60 * 30))


def _setting(session: Session, key: str) -> str | None:
    row = session.get(Setting, key)
    return row.value if row else None


def session_hours(session: Session) -> float:
    """Return how long a sign-in lasts at most (Setting `auth.session_hours`, default 8)."""
    return _hours(_setting(session, SESSION_HOURS_KEY))


def idle_timeout(session: Session) -> timedelta:
    """Return after how long without activity a sign-in ends (Setting `auth.idle_minutes`, default 120)."""
    return _idle(_setting(session, IDLE_MINUTES_KEY))


def open_session(
    session: Session,
    user: User,
    method: SignInMethod,
    *,
    token: str | None = None,
    ip: str | None = None,
    user_agent: str | None = None,
) -> tuple[UserSession, str]:
    """Add a session row for `user` to the caller's transaction; return it and its id (the caller commits)."""
    token = token or new_token()
    now = timeutil.now()
    row = UserSession(
        user_id=user.id,
        token_hash=token_hash(token),
        method=method,
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(hours=session_hours(session)),
        client_ip=(ip or None) and ip[:45],
        user_agent=(user_agent or None) and user_agent[:MAX_USER_AGENT],
    )
    session.add(row)
    session.flush()
    return row, token


def _ended_by_time(row: UserSession, user: User, now: datetime, idle: timedelta) -> SessionEnd | None:
    if timeutil.to_local(row.expires_at) <= now:
        return SessionEnd.EXPIRED
    if user.role not in IDLE_EXEMPT and now - timeutil.to_local(row.last_seen_at) >= idle:
        return SessionEnd.IDLE
    return None


def _mark(session: Session, row_id: int, reason: SessionEnd, now: datetime) -> int:
    table = UserSession.__table__
    stmt = (
        sa.update(table)
        .where(table.c.id == row_id, table.c.revoked_at.is_(None))
        .values(revoked_at=now, revoked_reason=reason.value)
    )
    return session.execute(stmt).rowcount


def _touch(session: Session, row: UserSession, now: datetime) -> None:
    """Move last_seen_at to now unless another request (in any process) did within TOUCH_EVERY."""
    table = UserSession.__table__
    stmt = (
        sa.update(table)
        .where(table.c.id == row.id, table.c.last_seen_at <= now - TOUCH_EVERY)
        .values(last_seen_at=now)
    )
    session.execute(stmt)
    session.commit()


def resolve(session: Session, token: str | None) -> tuple[User, UserSession] | None:
    """Return the active user and the live session behind a session id, or None (ended, expired, idle, unknown).

    One indexed read per call; a write only when last_seen_at is over a minute old or the session just ran out.
    """
    if not token:
        return None
    idle_raw = select(Setting.value).where(Setting.key == IDLE_MINUTES_KEY).scalar_subquery()
    stmt = (
        sa.select(UserSession, User, idle_raw)
        .join(User, User.id == UserSession.user_id)
        .where(UserSession.token_hash == token_hash(token))
        .execution_options(populate_existing=True)
    )
    found = session.execute(stmt).first()
    if found is None:
        return None
    row, user, raw = found
    if row.revoked_at is not None or not user.active:
        return None
    now = timeutil.now()
    ended = _ended_by_time(row, user, now, _idle(raw))
    if ended is not None:
        _mark(session, row.id, ended, now)  # so the administrator sees why it ended
        session.commit()
        return None
    if now - timeutil.to_local(row.last_seen_at) >= TOUCH_EVERY:
        _touch(session, row, now)
    return user, row


def exists(session: Session, token: str) -> bool:
    """Return whether a session with this id was ever opened (live or ended)."""
    stmt = select(UserSession.id).where(UserSession.token_hash == token_hash(token))
    return session.exec(stmt).first() is not None


def owner_language(session: Session, token: str | None) -> str | None:
    """Return the interface language of the user a session id belongs to, live or ended (for the sign-out page)."""
    if not token:
        return None
    stmt = (
        select(User.language)
        .join(UserSession, UserSession.user_id == User.id)
        .where(UserSession.token_hash == token_hash(token))
    )
    return session.exec(stmt).first()


def end(session: Session, token: str | None, reason: SessionEnd = SessionEnd.LOGOUT) -> User | None:
    """End the live session behind a session id (sign-out): audited and committed; return its user, or None."""
    found = resolve(session, token)
    if found is None:
        return None
    user, row = found
    _mark(session, row.id, reason, timeutil.now())
    audit.record(
        session, user, "auth.logout", object_type="user", object_id=user.id, after={"session": row.id}
    )
    session.commit()
    return user


def _live(now: datetime, idle: timedelta):
    table = UserSession.__table__
    exempt = select(User.id).where(User.role.in_([r.value for r in IDLE_EXEMPT]))
    active = sa.or_(table.c.last_seen_at > now - idle, table.c.user_id.in_(exempt))
    return sa.and_(table.c.revoked_at.is_(None), table.c.expires_at > now, active)


def end_all(session: Session, user_id: int, reason: SessionEnd, *, keep_id: int | None = None) -> int:
    """End every live session of a user (but `keep_id`) in the caller's transaction; return how many ended."""
    table, now = UserSession.__table__, timeutil.now()
    where = [table.c.user_id == user_id, _live(now, idle_timeout(session))]
    if keep_id is not None:
        where.append(table.c.id != keep_id)
    stmt = sa.update(table).where(*where).values(revoked_at=now, revoked_reason=reason.value)
    return session.execute(stmt).rowcount


def live_counts(session: Session, user_ids: list[int]) -> dict[int, int]:
    """Return the number of live sessions of each of these users (one grouped query)."""
    if not user_ids:
        return {}
    table = UserSession.__table__
    stmt = (
        sa.select(table.c.user_id, sa.func.count())
        .where(table.c.user_id.in_(user_ids), _live(timeutil.now(), idle_timeout(session)))
        .group_by(table.c.user_id)
    )
    return {uid: int(n) for uid, n in session.execute(stmt).all()}


def sso_token(claims: Mapping) -> str | None:
    """Return the session key of one single sign-on sign-in, or None if the claims cannot tell sign-ins apart.

    A new st.login gets a new ID token (new `iat` and `nonce`), hence a new key and a new session; an ended
    session's key stays ended for as long as the browser keeps that identity cookie.
    """
    parts = {name: claims.get(name) for name in SSO_CLAIMS}
    if parts["iat"] is None and parts["nonce"] is None:
        return None
    return "oidc:" + json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False)


def open_sso_session(
    session: Session, user: User, token: str, *, ip: str | None, user_agent: str | None, subject: str | None
) -> tuple[User, UserSession] | None:
    """Return the user and live session of the single sign-on sign-in `token`, opened (and audited) on first sight.

    None when that sign-in's session has ended: the person must sign in with the provider again.
    """
    found = resolve(session, token)
    if found is not None or exists(session, token):
        return found
    user = session.get(User, user.id)
    row, _ = open_session(session, user, SignInMethod.OIDC, token=token, ip=ip, user_agent=user_agent)
    user.last_login_at = timeutil.now()
    after = {"username": user.username, "ip": ip, "method": "oidc", "subject": subject, "session": row.id}
    audit.record(session, user, "auth.login", object_type="user", object_id=user.id, after=after)
    try:
        session.commit()
    except sa.exc.IntegrityError:  # another tab or process opened it a moment ago
        session.rollback()
        return resolve(session, token)
    return user, row
