"""The one-time setup code a fresh install asks for before anyone may create the first administrator.

A mistyped DATABASE_URL opens an empty database; without the code the first visitor of that database
could make himself administrator. The server prints the code to its log at start (streamlit_app.py), as
Jenkins and Grafana do; `python -m core setup-code` prints a new one. Only its argon2 hash is stored (the
setting `auth.setup_code`, removed once the administrator exists); the newest code issued is the one that
counts. Wrong codes are limited per client address like sign-ins.
"""

from __future__ import annotations

import json
import secrets
from datetime import timedelta

from sqlmodel import Session, select

from core.accounts import audit, auth, throttle
from core.platform import timeutil
from core.platform.errors import PermissionDenied, ValidationError
from i18n import t
from models import Setting, User

SETUP_CODE_KEY = "auth.setup_code"
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: copied from a log by hand
GROUPS, GROUP_LENGTH = 3, 4  # 12 characters, 32**12 = 2**60 codes
FAILED, REFUSED = "auth.setup_failed", "auth.setup_refused"
MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)
FIELD = "setup_code"


def _normalise(code: str | None) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def _has_users(session: Session) -> bool:
    return session.exec(select(User.id).limit(1)).first() is not None


def issue_setup_code(session: Session) -> str:
    """Store a fresh setup code (its hash) and return it; refused once any user exists."""
    if _has_users(session):
        raise PermissionDenied(t("auth.setup_done"))
    code = "-".join("".join(secrets.choice(ALPHABET) for _ in range(GROUP_LENGTH)) for _ in range(GROUPS))
    value = json.dumps(
        {"hash": auth.hash_password(_normalise(code)), "issued_at": timeutil.now().isoformat()}
    )
    session.merge(Setting(key=SETUP_CODE_KEY, value=value))
    session.commit()
    return code


def issue_if_fresh(session: Session) -> str | None:
    """Return a new setup code when the database has no user yet (the server's start), else None."""
    return None if _has_users(session) else issue_setup_code(session)


def _stored_hash(session: Session) -> str | None:
    row = session.get(Setting, SETUP_CODE_KEY)
    try:
        return json.loads(row.value)["hash"] if row else None
    except (TypeError, ValueError, KeyError):
        return None


def _failures(session: Session, client: str) -> int:
    return throttle.counts(session, FAILED, timeutil.now() - WINDOW, client=client)["client"]


def _refused(session: Session, client: str) -> auth.TooManyAttempts:
    audit.record(session, None, REFUSED, object_type="setting", after={"client": client})
    session.commit()
    return auth.TooManyAttempts(t("session.setup_too_many", minutes=int(WINDOW.total_seconds() // 60)))


def check_setup_code(session: Session, code: str | None, client: str | None) -> None:
    """Raise unless `code` is the current setup code: ValidationError on the field, TooManyAttempts when limited.

    A wrong code is counted against the client (audited, no code stored); the caller's transaction is fresh.
    """
    client = client or "local"
    if _failures(session, client) >= MAX_FAILURES:  # a cheap early answer; decided again under the lock
        raise _refused(session, client)
    if not _normalise(code):
        msg = t("session.setup_code_required")
        raise ValidationError(msg, errors={FIELD: msg})
    stored = _stored_hash(session)
    ok = auth.verify_password(stored or auth.dummy_hash(), _normalise(code)) and stored is not None
    session.commit()
    throttle.lock(session, FAILED, client)
    if _failures(session, client) >= MAX_FAILURES:
        raise _refused(session, client)
    if not ok:
        audit.record(session, None, FAILED, object_type="setting", after={"client": client})
        session.commit()
        msg = t("session.setup_code_wrong")
        raise ValidationError(msg, errors={FIELD: msg})
    session.commit()


def consume(session: Session) -> None:
    """Remove the setup code in the caller's transaction (the first administrator is being created)."""
    row = session.get(Setting, SETUP_CODE_KEY)
    if row is not None:
        session.delete(row)
