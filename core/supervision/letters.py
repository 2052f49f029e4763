"""Supervision letters (第40条): 督办函, 风险提示函 and 改进工作建议函 to a unit, numbered, tracked to the reply.

A letter is about one or more cases (supervision_letter_case; the letter's own case_id is the first, which the
indicators' scope follows) or about a policy area. Its reply is due `letter_reply` after issue (10 working
days by default); the unit's handler records the written reply, the supervisor closes the letter. A letter
still unanswered after its deadline is overdue: red on the board, in the unit's to-do, counted.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, func, select

from core.accounts import audit
from core.accounts.permissions import require
from core.cases.registration import get_case
from core.platform import timeutil
from core.platform.errors import IllegalTransition, NotFound, PermissionDenied
from core.platform.validation import Errors
from core.supervision import common, numbering
from i18n import t
from models import (
    Case,
    LetterKind,
    LetterStatus,
    LetterTrigger,
    Role,
    SupervisionLetter,
    SupervisionLetterCase,
    Unit,
    User,
)

FIELDS = ("number", "kind", "trigger", "unit_id", "subject", "issued_on", "due_on", "status", "policy_area")
OBJECT = "supervision_letter"
MAX_CASES = 50


def _stored(session: Session, begin: str) -> int:
    stmt = (
        select(func.count()).select_from(SupervisionLetter).where(SupervisionLetter.number.startswith(begin))
    )
    return session.exec(stmt).one()


def _unit(session: Session, errors: Errors, unit_id: int | None) -> Unit | None:
    unit = session.get(Unit, unit_id) if unit_id is not None else None
    if unit is None or not unit.active:
        errors.add("unit_id", t("supervision.error.unit"))
        return None
    return unit


def _cases(session: Session, actor: User, errors: Errors, case_ids: Sequence[int]) -> list[Case]:
    ids = list(dict.fromkeys(case_ids))
    if len(ids) > MAX_CASES:
        errors.add("case_ids", t("supervision.error.too_many_cases", max=MAX_CASES))
        return []
    out = []
    for case_id in ids:
        try:
            out.append(get_case(session, actor, case_id))
        except NotFound:
            errors.add("case_ids", t("supervision.error.case", id=case_id))
    return out


def issue_letter(
    session: Session,
    actor: User,
    *,
    kind: str,
    unit_id: int | None,
    subject: str,
    content: str,
    case_ids: Sequence[int] = (),
    policy_area: str | None = None,
    trigger: str = LetterTrigger.OTHER,
    issued_on: date | None = None,
) -> SupervisionLetter:
    """Issue a numbered letter to a unit about cases or a policy area; its reply is due `letter_reply` later."""
    with common.one_commit(session):
        require(actor, "supervision.edit")
        errors = Errors()
        issued_on = issued_on or timeutil.today()
        errors.date("issued_on", issued_on)
        if kind not in set(LetterKind):
            errors.add("kind", t("workflow.error.invalid_value", field=t("workflow.field.kind")))
        if trigger not in set(LetterTrigger):
            errors.add("trigger", t("workflow.error.invalid_value", field=t("workflow.field.trigger")))
        _unit(session, errors, unit_id)
        cases = _cases(session, actor, errors, case_ids)
        errors.text("letter_subject", subject)
        errors.text("letter_content", content)
        errors.text("policy_area", policy_area, required=False)
        if not case_ids and not (policy_area or "").strip():
            errors.add("case_ids", t("supervision.error.cases_or_area"))
        errors.raise_if_any()
        number = numbering.take(session, kind, issued_on.year, lambda begin: _stored(session, begin))
        letter = SupervisionLetter(
            number=number,
            kind=kind,
            trigger=trigger,
            case_id=cases[0].id if cases else None,
            unit_id=unit_id,
            subject=subject.strip(),
            content=content.strip(),
            policy_area=(policy_area or "").strip() or None,
            issued_on=issued_on,
            due_on=common.reply_due(session, issued_on),
            issued_by_id=actor.id,
        )
        session.add(letter)
        session.flush()
        session.add_all(SupervisionLetterCase(letter_id=letter.id, case_id=c.id) for c in cases)
        after = audit.snapshot(letter, FIELDS) | {"cases": [c.number for c in cases]}
        audit.record(session, actor, "supervision.letter_issue", object_type=OBJECT, object_id=letter.id,
                     case_id=letter.case_id, after=after)  # fmt: skip
    session.refresh(letter)
    return letter


def may_answer(actor: User, unit_id: int | None) -> bool:
    """A unit's reply is its own handler's to record (or an administrator's, on paper received)."""
    role = Role(actor.role)
    return role == Role.ADMIN or (
        role == Role.HANDLER and actor.unit_id is not None and actor.unit_id == unit_id
    )


def reply_letter(
    session: Session, actor: User, letter_id: int, version: int, *, reply: str, replied_on: date | None = None
) -> SupervisionLetter:
    """Record the unit's written reply to a letter (第40条: what it adopted, what it did)."""
    with common.one_commit(session):
        require(actor, "supervision.reply")
        letter = common.load(session, SupervisionLetter, letter_id, for_update=True)
        if not may_answer(actor, letter.unit_id):
            raise PermissionDenied(t("error.forbidden"))
        if letter.status != LetterStatus.ISSUED:
            raise IllegalTransition(t("supervision.error.already_replied", number=letter.number))
        common.bump(session, letter, version, OBJECT)
        errors = Errors()
        replied_on = replied_on or timeutil.today()
        errors.date("replied_on", replied_on, after=letter.issued_on, after_field="issued_on")
        errors.text("reply", reply)
        errors.raise_if_any()
        before = audit.snapshot(letter, ("status", "replied_on"))
        letter.status, letter.replied_on, letter.reply = LetterStatus.REPLIED, replied_on, reply.strip()
        letter.replied_by_id = actor.id
        session.add(letter)
        audit.record(session, actor, "supervision.letter_reply", object_type=OBJECT, object_id=letter.id,
                     case_id=letter.case_id, before=before, after=audit.snapshot(letter, ("status", "replied_on")),
                     note=letter.reply)  # fmt: skip
    session.refresh(letter)
    return letter


def close_letter(
    session: Session, actor: User, letter_id: int, version: int, *, closed_on: date | None = None
) -> SupervisionLetter:
    """Close a replied letter: the supervisor accepts the unit's reply."""
    with common.one_commit(session):
        require(actor, "supervision.edit")
        letter = common.load(session, SupervisionLetter, letter_id, for_update=True)
        if letter.status != LetterStatus.REPLIED:
            raise IllegalTransition(t("supervision.error.not_replied", number=letter.number))
        common.bump(session, letter, version, OBJECT)
        errors = Errors()
        closed_on = closed_on or timeutil.today()
        errors.date("closed_on", closed_on, after=letter.replied_on, after_field="replied_on")
        errors.raise_if_any()
        letter.status, letter.closed_on = LetterStatus.CLOSED, closed_on
        session.add(letter)
        audit.record(session, actor, "supervision.letter_close", object_type=OBJECT, object_id=letter.id,
                     case_id=letter.case_id, before={"status": "replied"}, after={"status": "closed"})  # fmt: skip
    session.refresh(letter)
    return letter


# --- reads ----------------------------------------------------------------------------------------


def overdue_reply_clause(today: date) -> sa.ColumnElement[bool]:
    """Return the condition of a letter whose reply is overdue: still issued, its deadline passed."""
    return sa.and_(SupervisionLetter.status == LetterStatus.ISSUED, SupervisionLetter.due_on < today)


def letter_cases(session: Session, letter_id: int) -> list[tuple[int, str, str]]:
    """Return (id, number, title) of the cases a letter is about, in the order they were named."""
    stmt = (
        select(Case.id, Case.number, Case.title)
        .join(SupervisionLetterCase, SupervisionLetterCase.case_id == Case.id)
        .where(SupervisionLetterCase.letter_id == letter_id)
        .order_by(SupervisionLetterCase.id)
    )
    return [tuple(r) for r in session.exec(stmt).all()]


def _visible(stmt, actor: User):
    require(actor, "supervision.view") if Role(actor.role) != Role.HANDLER else require(
        actor, "supervision.reply"
    )
    if Role(actor.role) == Role.HANDLER:
        return stmt.where(SupervisionLetter.unit_id == (actor.unit_id or -1))
    return stmt


def list_letters(
    session: Session,
    actor: User,
    *,
    kind: str | None = None,
    unit_id: int | None = None,
    status: str | None = None,
    overdue_on: date | None = None,
    limit: int = 500,
) -> list[dict]:
    """Return letters newest first as plain rows (a handler sees only his unit's), with the unit's name."""
    stmt = select(SupervisionLetter, Unit.name).join(Unit, Unit.id == SupervisionLetter.unit_id)
    stmt = _visible(stmt, actor)
    if kind:
        stmt = stmt.where(SupervisionLetter.kind == kind)
    if unit_id is not None:
        stmt = stmt.where(SupervisionLetter.unit_id == unit_id)
    if status:
        stmt = stmt.where(SupervisionLetter.status == status)
    if overdue_on is not None:
        stmt = stmt.where(overdue_reply_clause(overdue_on))
    stmt = stmt.order_by(SupervisionLetter.issued_on.desc(), SupervisionLetter.id.desc()).limit(limit)
    return [_row(letter, unit) for letter, unit in session.exec(stmt).all()]


def _row(letter: SupervisionLetter, unit: str) -> dict:
    return {
        "id": letter.id, "number": letter.number, "kind": str(letter.kind), "unit_id": letter.unit_id,
        "unit": unit, "subject": letter.subject, "issued_on": letter.issued_on, "due_on": letter.due_on,
        "status": str(letter.status), "replied_on": letter.replied_on, "version": letter.version,
    }  # fmt: skip


def get_letter(session: Session, actor: User, letter_id: int) -> SupervisionLetter:
    """Return one letter as the user may see it (a handler: his unit's), NotFound otherwise."""
    stmt = _visible(select(SupervisionLetter).where(SupervisionLetter.id == letter_id), actor)
    letter = session.exec(stmt).first()
    if letter is None:
        raise NotFound(t("workflow.not_found"))
    return letter


def counts_by_kind(session: Session, actor: User, start: date, end: date) -> dict[str, int]:
    """Return the letters issued in [start, end] per kind (what supervision_output counts)."""
    require(actor, "supervision.view")
    stmt = (
        select(SupervisionLetter.kind, func.count())
        .where(SupervisionLetter.issued_on >= start, SupervisionLetter.issued_on <= end)
        .group_by(SupervisionLetter.kind)
    )
    return {str(k): int(n) for k, n in session.exec(stmt).all()}


def case_ids_by_number(session: Session, actor: User, text: str) -> tuple[list[int], list[str]]:
    """Return the ids of the case numbers in a text (separated by commas, 、 or spaces) and the unknown ones."""
    import re

    numbers = [n for n in re.split(r"[\s,，、;；]+", text or "") if n]
    found = {}
    if numbers:
        from core.accounts.permissions import scope_cases

        stmt = scope_cases(select(Case.number, Case.id).where(Case.number.in_(numbers)), actor)
        found = dict(session.exec(stmt).all())
    return [found[n] for n in numbers if n in found], [n for n in numbers if n not in found]
