"""The intake form a clerk has begun, kept on the server per user until he registers or discards it.

A draft is the clerk's own unsent form, like a word processor's autosave: saving it changes no record
anyone else sees, so it is not an audit event (the registration that follows is). It may hold personal data,
so only its owner ever reads it, and it is gone once registered or discarded.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlmodel import Session

from core.accounts import permissions
from core.platform import timeutil
from core.platform.errors import ValidationError
from i18n import t
from models import IntakeDraft, User

MAX_BYTES = 64 * 1024  # a form's text at its longest limits is well below this


def save(session: Session, user: User, data: dict) -> None:
    """Keep `data` (JSON-safe field values) as the user's intake draft, replacing the one before."""
    permissions.require(user, "case.register")
    if len(json.dumps(data, ensure_ascii=False).encode()) > MAX_BYTES:
        raise ValidationError(t("desk.draft.too_large"), field="draft")
    draft = session.get(IntakeDraft, user.id) or IntakeDraft(user_id=user.id, data={})
    draft.data, draft.updated_at = data, timeutil.now()
    session.add(draft)
    session.commit()


def load(session: Session, user: User) -> tuple[dict, datetime] | None:
    """Return the user's intake draft and when it was last saved, or None."""
    permissions.require(user, "case.register")
    draft = session.get(IntakeDraft, user.id)
    return (dict(draft.data), draft.updated_at) if draft else None


def discard(session: Session, user: User) -> None:
    """Forget the user's intake draft (registered, or thrown away); nothing happens when there is none."""
    permissions.require(user, "case.register")
    draft = session.get(IntakeDraft, user.id)
    if draft is not None:
        session.delete(draft)
        session.commit()
