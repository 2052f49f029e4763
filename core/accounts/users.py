"""Local accounts: the first administrator, creating and changing users, passwords, single sign-on mapping."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, func, select

from core.accounts import audit, auth, first_run, permissions, records, sessions
from core.platform import rules, timeutil
from core.platform.errors import NotFound, PermissionDenied, ValidationError
from core.platform.validation import has_control_chars
from i18n import t
from models import Role, SessionEnd, Unit, User

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,39}$")
AUDIT_FIELDS = ("username", "display_name", "role", "unit_id", "oidc_subject", "active")
FORM_FIELDS = ("username", "display_name", "role", "unit_id", "oidc_subject")
# the audit actions that change a user's row and its version (his sign-ins are audited on it too)
CHANGES = (
    "user.create",
    "user.update",
    "user.activate",
    "user.deactivate",
    "user.unlock",
    "user.reset_password",
    "user.change_password",
    "user.language",
)
# what the users screen (lowcode/tables.py USERS) needs to know; its writes are this module's functions
RULES = rules.Rules(
    model=User,
    permission="user.manage",
    natural_key=("username",),
    fields=FORM_FIELDS,
    object_type="user",
    create_only=("username",),
)


def any_user(session: Session) -> bool:
    """Return whether at least one user exists (false only on a fresh install)."""
    return session.exec(select(User.id).limit(1)).first() is not None


@dataclass(frozen=True)
class UserRow:
    """One user as the users screen shows it (plain values, safe after the session closes)."""

    id: int
    username: str
    display_name: str
    role: str
    unit_id: int | None
    oidc_subject: str | None
    active: bool
    locked: bool
    last_login_at: datetime | None
    version: int
    sessions: int = 0  # live sign-in sessions


def _row(user: User, live: int = 0) -> UserRow:
    return UserRow(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=Role(user.role).value,
        unit_id=user.unit_id,
        oidc_subject=user.oidc_subject,
        active=user.active,
        locked=auth.is_locked(user),
        last_login_at=user.last_login_at,
        version=user.version,
        sessions=live,
    )


def list_users(session: Session, actor: User) -> list[UserRow]:
    """Return every user, by username, with his number of live sessions."""
    permissions.require(actor, "user.manage")
    people = session.exec(select(User).order_by(User.username)).all()
    live = sessions.live_counts(session, [u.id for u in people])
    return [_row(u, live.get(u.id, 0)) for u in people]


def _get(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(t("error.not_found"))
    return user


def _field_errors(session: Session, fields: dict, exclude_id: int | None = None) -> dict[str, str]:
    errors: dict[str, str] = {}
    username = fields.get("username")
    if username is not None and not USERNAME_RE.match(username):
        errors["username"] = t("auth.username_invalid")
    elif username is not None and session.exec(select(User.id).where(User.username == username)).first():
        errors["username"] = t("auth.username_taken")
    if not (fields.get("display_name") or "").strip() or len(fields["display_name"]) > 40:
        errors["display_name"] = t("auth.display_name_required")
    elif has_control_chars(fields["display_name"]):
        errors["display_name"] = t("input.control_chars", field=t("auth.display_name"))
    if fields.get("role") not in {r.value for r in Role}:
        errors["role"] = t("auth.role_invalid")
    unit_id = fields.get("unit_id")
    if unit_id is not None and session.get(Unit, unit_id) is None:
        errors["unit_id"] = t("auth.unit_invalid")
    elif unit_id is None and fields.get("role") == Role.HANDLER.value:
        errors["unit_id"] = t("auth.unit_required")
    subject = fields.get("oidc_subject")
    if (
        subject
        and session.exec(select(User.id).where(User.oidc_subject == subject, User.id != exclude_id)).first()
    ):
        errors["oidc_subject"] = t("auth.oidc_subject_taken")
    return errors


def _validate(session: Session, fields: dict, password: str | None, exclude_id: int | None = None) -> None:
    errors = _field_errors(session, fields, exclude_id)
    problem = auth.password_problem(fields.get("username") or "", password) if password is not None else None
    if problem:
        errors["password"] = problem
    if errors:
        raise ValidationError(t("auth.form_has_errors"), errors=errors)


def _clean(username: str, display_name: str, role, unit_id, oidc_subject) -> dict:
    return {
        "username": (username or "").strip().lower(),
        "display_name": (display_name or "").strip(),
        "role": getattr(role, "value", role),
        "unit_id": unit_id,
        "oidc_subject": (oidc_subject or "").strip() or None,
    }


def _insert(
    session: Session, actor: User | None, fields: dict, password: str | None, note: str | None
) -> User:
    """Validate, add, audit and commit a new user; `actor` None with note "setup" means the user made himself."""
    _validate(session, fields, password)
    user = User(**fields, password_hash=auth.hash_password(password) if password else None)
    if password:
        user.password_changed_at = timeutil.now()
    session.add(user)
    session.flush()
    by = user if note == "setup" else actor
    audit.record(
        session,
        by,
        "user.create",
        object_type="user",
        object_id=user.id,
        after=audit.snapshot(user, AUDIT_FIELDS),
        note=note,
    )
    session.commit()
    session.refresh(user)
    return user


def create_first_admin(
    session: Session,
    *,
    username: str,
    display_name: str,
    password: str,
    setup_code: str | None,
    client: str | None = None,
) -> User:
    """Create the first administrator of a fresh install with the setup code from the server's log.

    Refused once any user exists; a wrong code is counted against the client (core.accounts.first_run).
    """
    if any_user(session):
        raise PermissionDenied(t("auth.setup_done"))
    first_run.check_setup_code(session, setup_code, client)
    if not password:
        raise ValidationError(t("auth.form_has_errors"), errors={"password": t("auth.password_required")})
    fields = _clean(username, display_name, Role.ADMIN, None, None)
    _validate(session, fields, password)
    first_run.consume(session)
    return _insert(session, None, fields, password, note="setup")


def create_user(
    session: Session,
    actor: User,
    *,
    username: str,
    display_name: str,
    role: Role | str,
    unit_id: int | None = None,
    password: str | None = None,
    oidc_subject: str | None = None,
) -> User:
    """Create a user (administrators only); a user without a password signs in by single sign-on only."""
    permissions.require(actor, "user.manage")
    fields = _clean(username, display_name, role, unit_id, oidc_subject)
    if not password and not fields["oidc_subject"]:
        raise ValidationError(t("auth.form_has_errors"), errors={"password": t("auth.password_required")})
    return _insert(session, actor, fields, password or None, note=None)


def create_user_by_operator(
    session: Session,
    *,
    username: str,
    display_name: str,
    role: Role | str,
    unit_code: str | None,
    password: str,
) -> User:
    """Create a user from the command line (the operator has the database itself; audited with note "cli")."""
    unit_id = None
    if unit_code:
        unit = session.exec(select(Unit).where(Unit.code == unit_code)).first()
        if unit is None:
            raise ValidationError(t("auth.unit_invalid"), errors={"unit_id": t("auth.unit_invalid")})
        unit_id = unit.id
    if not password:
        raise ValidationError(t("auth.password_required"), errors={"password": t("auth.password_required")})
    fields = _clean(username, display_name or username, role, unit_id, None)
    return _insert(session, None, fields, password, note="cli")


def _active_admins(session: Session) -> int:
    stmt = select(func.count()).select_from(User).where(User.role == Role.ADMIN, User.active == sa.true())
    return session.exec(stmt).one()


def _guard_last_admin(
    session: Session, user: User, *, new_role: str | None = None, active: bool = True
) -> None:
    still_admin = active and (new_role or user.role) == Role.ADMIN.value
    if user.role == Role.ADMIN and user.active and not still_admin and _active_admins(session) <= 1:
        raise ValidationError(t("auth.last_admin"), errors={"role": t("auth.last_admin")})


def _claim(session: Session, user: User, version: int | None) -> None:
    """Move the version on, from `version` if given: UPDATE … WHERE version = :seen refuses a lost race."""
    if version is None:
        user.version += 1
        return
    if user.version != version:
        raise records.stale(session, RULES, user.id, CHANGES)
    done = session.execute(
        sa.update(User.__table__)
        .where(User.__table__.c.id == user.id, User.__table__.c.version == version)
        .values(version=version + 1)
    )
    if done.rowcount != 1:  # someone saved between our read and this write
        session.rollback()
        raise records.stale(session, RULES, user.id, CHANGES)
    set_committed_value(user, "version", version + 1)


def _save(session: Session, actor: User, user: User, before: dict, action: str) -> User:
    old, new = audit.diff(before, audit.snapshot(user, AUDIT_FIELDS))
    audit.record(
        session, actor, action, object_type="user", object_id=user.id, before=old or None, after=new or None
    )
    session.commit()
    session.refresh(user)
    return user


def update_user(
    session: Session,
    actor: User,
    user_id: int,
    version: int,
    *,
    display_name: str,
    role: Role | str,
    unit_id: int | None,
    oidc_subject: str | None = None,
) -> User:
    """Change a user's name, role, unit or single sign-on subject (refused if someone saved it since `version`)."""
    permissions.require(actor, "user.manage")
    user = _get(session, user_id)
    if user.version != version:
        raise records.stale(session, RULES, user.id, CHANGES)
    fields = _clean(user.username, display_name, role, unit_id, oidc_subject)
    fields.pop("username")
    _validate(session, fields, None, exclude_id=user.id)
    _guard_last_admin(session, user, new_role=fields["role"])
    before = audit.snapshot(user, AUDIT_FIELDS)
    _claim(session, user, version)
    for key, value in fields.items():
        setattr(user, key, value)
    return _save(session, actor, user, before, "user.update")


def _set_active(
    session: Session, actor: User, user_id: int, active: bool, version: int | None
) -> tuple[User, int]:
    permissions.require(actor, "user.manage")
    user = _get(session, user_id)
    if version is not None and user.version != version:
        raise records.stale(session, RULES, user.id, CHANGES)
    if not active and user.id == actor.id:
        raise ValidationError(t("auth.cannot_deactivate_self"))
    if not active:
        _guard_last_admin(session, user, active=False)
    before = audit.snapshot(user, AUDIT_FIELDS)
    _claim(session, user, version)
    user.active = active
    ended = 0 if active else sessions.end_all(session, user.id, SessionEnd.DEACTIVATED)
    return _save(session, actor, user, before, "user.activate" if active else "user.deactivate"), ended


def set_active(
    session: Session, actor: User, user_id: int, active: bool, *, version: int | None = None
) -> User:
    """Deactivate or reactivate a user (seen at `version`, if given); every sign-in of a deactivated user ends.

    Nobody deactivates himself or the last administrator.
    """
    return _set_active(session, actor, user_id, active, version)[0]


def create_row(session: Session, actor: User, values: dict) -> records.Result:
    """Create a user from the users screen's form: an initial password, or a single sign-on subject only."""
    user = create_user(
        session,
        actor,
        username=values.get("username") or "",
        display_name=values.get("display_name") or "",
        role=values.get("role") or "",
        unit_id=values.get("unit_id"),
        password=values.get("password") or None,
        oidc_subject=values.get("oidc_subject"),
    )
    return records.Result(user)


def update_row(session: Session, actor: User, user_id: int, version: int, values: dict) -> records.Result:
    """Save the users screen's edit form (the username never changes)."""
    user = update_user(
        session,
        actor,
        user_id,
        version,
        display_name=values.get("display_name") or "",
        role=values.get("role") or "",
        unit_id=values.get("unit_id"),
        oidc_subject=values.get("oidc_subject"),
    )
    return records.Result(user)


def set_active_row(session: Session, actor: User, user_id: int, version: int, active: bool) -> records.Result:
    """The users screen's deactivate/reactivate; says how many sign-ins a deactivation ended."""
    user, ended = _set_active(session, actor, user_id, active, version)
    return records.Result(user, {} if active else {"sessions_ended": ended})


def deactivate(session: Session, actor: User, user_id: int) -> User:
    """Deactivate a user: his sessions end and his API tokens stop working at once."""
    return set_active(session, actor, user_id, False)


def end_sessions(session: Session, actor: User, user_id: int) -> int:
    """End every live sign-in of a user, in every browser and process (administrators); return how many."""
    permissions.require(actor, "user.manage")
    user = _get(session, user_id)
    ended = sessions.end_all(session, user.id, SessionEnd.ENDED_BY_ADMIN)
    audit.record(
        session, actor, "user.end_sessions", object_type="user", object_id=user.id, after={"sessions": ended}
    )
    session.commit()
    return ended


def unlock(session: Session, actor: User, user_id: int) -> User:
    """Clear a lockout after failed sign-ins."""
    permissions.require(actor, "user.manage")
    user = _get(session, user_id)
    before = {"locked_until": user.locked_until, "failed_logins": user.failed_logins}
    user.failed_logins, user.first_failed_at, user.locked_until = 0, None, None
    user.version += 1
    audit.record(session, actor, "user.unlock", object_type="user", object_id=user.id, before=before)
    session.commit()
    session.refresh(user)
    return user


def _store_password(
    session: Session,
    actor: User | None,
    user: User,
    password: str,
    action: str,
    note=None,
    keep_session: int | None = None,
) -> User:
    auth.check_password(user.username, password, field="new_password")
    user.password_hash = auth.hash_password(password)
    user.password_changed_at = timeutil.now()
    user.failed_logins, user.first_failed_at, user.locked_until = 0, None, None
    user.version += 1
    ended = sessions.end_all(session, user.id, SessionEnd.PASSWORD_CHANGED, keep_id=keep_session)
    after = {"sessions_ended": ended}
    audit.record(session, actor, action, object_type="user", object_id=user.id, after=after, note=note)
    session.commit()
    session.refresh(user)
    return user


def set_password(session: Session, actor: User, user_id: int, new_password: str) -> User:
    """Reset a user's password (administrators); every sign-in of his ends."""
    permissions.require(actor, "user.manage")
    return _store_password(session, actor, _get(session, user_id), new_password, "user.reset_password")


def set_password_by_operator(session: Session, username: str, new_password: str) -> User:
    """Reset a password from the command line (a locked-out administrator's way back in)."""
    user = session.exec(select(User).where(User.username == username.strip().lower())).first()
    if user is None:
        raise NotFound(t("error.not_found"))
    return _store_password(session, None, user, new_password, "user.reset_password", note="cli")


def change_password(
    session: Session, user: User, old_password: str, new_password: str, *, keep_session: int | None = None
) -> User:
    """Change one's own password after proving the old one; every sign-in of his but `keep_session` ends."""
    permissions.require(user, "account.password")
    row = _get(session, user.id)
    if not auth.verify_password(row.password_hash, old_password or ""):
        msg = t("auth.old_password_wrong")
        raise ValidationError(msg, errors={"old_password": msg})
    if old_password == new_password:
        msg = t("auth.password_unchanged")
        raise ValidationError(msg, errors={"new_password": msg})
    return _store_password(session, row, row, new_password, "user.change_password", keep_session=keep_session)


def user_for_oidc(session: Session, subject: str | None, email: str | None) -> User | None:
    """Return the active local user mapped to a single sign-on identity (by subject, then e-mail), or None."""
    for key in (subject, email):
        if key:
            user = session.exec(select(User).where(User.oidc_subject == key)).first()
            if user is not None:
                return user if user.active else None
    return None
