"""Findings the supervisor's spot checks count: first petitions replied to without all of 三见面."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from models import CaseEvent


@dataclass(frozen=True)
class MeetingsMissing:
    """Replies to first petitions that lacked meetings: how many cases and how many meetings in all."""

    cases: int
    meetings: int
    case_ids: tuple[int, ...]


def replies_missing_meetings(session: Session, case_ids=None) -> MeetingsMissing:
    """Count the replies recorded with meetings missing (the reply event keeps the kinds), optionally of some cases."""
    stmt = select(CaseEvent.case_id, CaseEvent.after).where(CaseEvent.action == "reply")
    if case_ids is not None:
        stmt = stmt.where(CaseEvent.case_id.in_(list(case_ids)))
    found: dict[int, int] = {}
    for case_id, after in session.exec(stmt).all():
        missing = (after or {}).get("missing_meetings") or []
        if missing:
            found[case_id] = len(missing)  # a case replied to again counts once, as of its last reply
    return MeetingsMissing(len(found), sum(found.values()), tuple(sorted(found)))
