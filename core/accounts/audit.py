"""The append-only audit log: one CaseEvent per change, added to the caller's transaction (never committed here)."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlmodel import Session

from core.platform import outbox
from models import CaseEvent, User


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    return value


def snapshot(obj: Any, fields: list[str] | tuple[str, ...]) -> dict[str, Any]:
    """Return the JSON-safe values of `fields` of `obj` (for before/after)."""
    return {f: _plain(getattr(obj, f)) for f in fields}


def diff(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Keep only the keys whose value changed."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def record(
    session: Session,
    actor: User | None,
    action: str,
    *,
    object_type: str = "case",
    object_id: int | None = None,
    case_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str | None = None,
) -> CaseEvent:
    """Append one audit event to the session; the caller commits it together with the change."""
    event = CaseEvent(
        actor_id=actor.id if actor else None,
        actor_name=actor.display_name if actor else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        case_id=case_id,
        before=_plain(before) if before else None,
        after=_plain(after) if after else None,
        note=note,
    )
    session.add(event)
    outbox.enqueue(session, event)  # what other systems and the petitioner must hear, in this transaction
    return event
