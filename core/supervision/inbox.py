"""What supervision asks of a unit (its handler's to-do): 催办/督办 to answer, letters to reply to and
rectification notices to report on; the overdue ones (escalated) first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from core.supervision.actions import open_for_unit
from core.supervision.spot_checks import open_notices_for_unit
from models import LetterStatus, Role, SupervisionLetter, User


@dataclass(frozen=True)
class InboxItem:
    """One thing supervision waits for from the unit."""

    kind: str  # urge | supervise | listed | letter | rectification
    object_id: int
    version: int
    number: str  # the case's number, the letter's or the notice's
    title: str
    due_on: date | None
    case_id: int | None
    overdue: bool


def _letters(session: Session, unit_id: int, limit: int) -> list:
    stmt = (
        select(SupervisionLetter)
        .where(SupervisionLetter.unit_id == unit_id, SupervisionLetter.status == LetterStatus.ISSUED)
        .order_by(SupervisionLetter.due_on, SupervisionLetter.id)
        .limit(limit)
    )
    return list(session.exec(stmt).all())


def unit_inbox(session: Session, user: User, today: date, limit: int = 200) -> list[InboxItem]:
    """Return the handler's unit's supervision items, overdue first, then by deadline."""
    if Role(user.role) != Role.HANDLER or user.unit_id is None:
        return []
    unit = user.unit_id

    def late(due: date | None) -> bool:
        return due is not None and due < today

    items = [
        InboxItem(
            a["kind"],
            a["id"],
            a["version"],
            a["number"],
            a["title"],
            a["due_on"],
            a["case_id"],
            late(a["due_on"]),
        )  # fmt: skip
        for a in open_for_unit(session, unit, limit)
    ]
    items += [
        InboxItem("letter", x.id, x.version, x.number, x.subject, x.due_on, x.case_id, late(x.due_on))
        for x in _letters(session, unit, limit)
    ]
    items += [
        InboxItem(
            "rectification",
            n["id"],
            n["version"],
            n["notice_number"] or n["number"],
            n["title"],
            n["due_on"],
            n["case_id"],
            late(n["due_on"]),
        )  # fmt: skip
        for n in open_notices_for_unit(session, unit, limit)
    ]
    items.sort(key=lambda i: (not i.overdue, i.due_on is None, i.due_on or date.max, i.kind, i.object_id))
    return items[:limit]
