"""催办 (urge), 督办 (supervise, with its own deadline) and 挂牌督办 (listed supervision) of a case (第38–40条).

Each is a supervision_action row addressed to the case's lead unit, shown in that unit's to-do until its
handler answers, and closed by the supervisor (摘牌 for a listed case). The case side goes through
core.cases.workflow.urge, in the same commit: the urge event in the case's timeline is the audit event, and
the case's version guards against acting on a case that changed meanwhile.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, func, select

from core.accounts import audit
from core.accounts.permissions import require
from core.cases import workflow
from core.cases.registration import get_case
from core.cases.status import open_clause
from core.platform import timeutil
from core.platform.errors import IllegalTransition, PermissionDenied
from core.platform.validation import Errors
from core.supervision import common
from core.supervision.letters import may_answer
from i18n import label, t
from models import ActionKind, ActionStatus, Case, SupervisionAction, User

K, A = ActionKind, ActionStatus
OBJECT = "supervision_action"
DEADLINED = frozenset({K.SUPERVISE, K.LISTED})


def take_action(
    session: Session,
    actor: User,
    case_id: int,
    version: int,
    *,
    kind: str,
    note: str,
    due_on: date | None = None,
    on: date | None = None,
) -> SupervisionAction:
    """催办, 督办 or 挂牌督办 a case: addressed to its lead unit, logged in the case's timeline."""
    try:
        require(actor, "supervision.edit")
        case = get_case(session, actor, case_id)
        on = on or timeutil.today()
        errors = Errors()
        if kind not in set(ActionKind):
            errors.add("kind", t("workflow.error.invalid_value", field=t("workflow.field.kind")))
        errors.text("note", note)
        if kind in DEADLINED and due_on is None:
            errors.add("due_on", t("workflow.error.required", field=t("workflow.field.due_on")))
        elif kind in DEADLINED and due_on <= on:
            errors.add("due_on", t("supervision.error.due_after", date=on.isoformat()))
        if case.lead_unit_id is None:
            errors.add("case_id", t("supervision.error.no_unit", number=case.number))
        if kind in DEADLINED and _open_of_kind(session, case.id, kind):
            errors.add("kind", t("supervision.error.already_open", kind=label("action_kind", kind)))
        errors.raise_if_any()
        action = SupervisionAction(
            case_id=case.id,
            unit_id=case.lead_unit_id,
            kind=kind,
            note=note.strip(),
            issued_on=on,
            due_on=due_on if kind in DEADLINED else None,
            issued_by_id=actor.id,
        )
        session.add(action)
        session.flush()
    except Exception:
        session.rollback()
        raise
    # the case's own event and version check, committed with the action row
    text = f"{label('action_kind', kind)}：{note.strip()}"
    if action.due_on:
        text += t("supervision.note.due", date=action.due_on.isoformat())
    workflow.urge(session, actor, case.id, version, note=text)
    session.refresh(action)
    return action


def _open_of_kind(session: Session, case_id: int, kind: str) -> bool:
    stmt = select(SupervisionAction.id).where(
        SupervisionAction.case_id == case_id,
        SupervisionAction.kind == kind,
        SupervisionAction.status != A.CLOSED,
    )
    return session.exec(stmt.limit(1)).first() is not None


def answer_action(
    session: Session, actor: User, action_id: int, version: int, *, answer: str, on: date | None = None
) -> SupervisionAction:
    """Record the unit's answer to a 催办/督办: what it did about the case."""
    with common.one_commit(session):
        require(actor, "supervision.reply")
        action = common.load(session, SupervisionAction, action_id, for_update=True)
        if not may_answer(actor, action.unit_id):
            raise PermissionDenied(t("error.forbidden"))
        if action.status != A.OPEN:
            raise IllegalTransition(t("supervision.error.action_answered"))
        common.bump(session, action, version, OBJECT)
        on = on or timeutil.today()
        errors = Errors()
        errors.date("answered_on", on, after=action.issued_on, after_field="issued_on")
        errors.text("reply", answer)
        errors.raise_if_any()
        action.status, action.answered_on, action.answer = A.ANSWERED, on, answer.strip()
        session.add(action)
        audit.record(session, actor, "supervision.action_answer", object_type=OBJECT, object_id=action.id,
                     case_id=action.case_id, before={"status": "open"}, after={"status": "answered"},
                     note=action.answer)  # fmt: skip
    session.refresh(action)
    return action


def close_action(
    session: Session, actor: User, action_id: int, version: int, *, on: date | None = None
) -> SupervisionAction:
    """Close a 催办/督办 (摘牌 for 挂牌督办): the supervisor is satisfied."""
    with common.one_commit(session):
        require(actor, "supervision.edit")
        action = common.load(session, SupervisionAction, action_id, for_update=True)
        if action.status == A.CLOSED:
            raise IllegalTransition(t("supervision.error.action_closed"))
        common.bump(session, action, version, OBJECT)
        on = on or timeutil.today()
        errors = Errors()
        errors.date("closed_on", on, after=action.issued_on, after_field="issued_on")
        errors.raise_if_any()
        before = {"status": str(action.status)}
        action.status, action.closed_on = A.CLOSED, on
        session.add(action)
        audit.record(session, actor, "supervision.action_close", object_type=OBJECT, object_id=action.id,
                     case_id=action.case_id, before=before, after={"status": "closed"})  # fmt: skip
    session.refresh(action)
    return action


# --- reads ----------------------------------------------------------------------------------------


def overdue_action_clause(today: date) -> sa.ColumnElement[bool]:
    """Return the condition of a 督办/挂牌督办 left unanswered past its own deadline."""
    return sa.and_(SupervisionAction.status == A.OPEN, SupervisionAction.due_on < today)


def open_for_unit(session: Session, unit_id: int, limit: int = 200) -> list[dict]:
    """Return the unit's unanswered actions on cases still open, soonest deadline first (its to-do)."""
    stmt = (
        select(SupervisionAction, Case.number, Case.title)
        .join(Case, Case.id == SupervisionAction.case_id)
        .where(SupervisionAction.unit_id == unit_id, SupervisionAction.status == A.OPEN, open_clause())
        .order_by(SupervisionAction.due_on.is_(None), SupervisionAction.due_on, SupervisionAction.id)
        .limit(limit)
    )
    return [
        {
            "id": a.id,
            "version": a.version,
            "kind": str(a.kind),
            "case_id": a.case_id,
            "number": number,
            "title": title,
            "note": a.note,
            "issued_on": a.issued_on,
            "due_on": a.due_on,
        }  # fmt: skip
        for a, number, title in session.exec(stmt).all()
    ]


def actions_of_case(session: Session, actor: User, case_id: int) -> list[SupervisionAction]:
    """Return the case's actions, newest first (a user who may see the case may see them)."""
    get_case(session, actor, case_id)
    stmt = select(SupervisionAction).where(SupervisionAction.case_id == case_id)
    return list(session.exec(stmt.order_by(SupervisionAction.id.desc())).all())


def counts_by_unit(session: Session, since: date | None = None) -> dict[int, dict[str, int]]:
    """Return per unit how many cases were urged, supervised and listed (since a day, if given)."""
    stmt = select(
        SupervisionAction.unit_id, SupervisionAction.kind, func.count(sa.distinct(SupervisionAction.case_id))
    )
    if since is not None:
        stmt = stmt.where(SupervisionAction.issued_on >= since)
    out: dict[int, dict[str, int]] = {}
    for unit_id, kind, n in session.exec(
        stmt.group_by(SupervisionAction.unit_id, SupervisionAction.kind)
    ).all():
        if unit_id is not None:
            out.setdefault(int(unit_id), {})[str(kind)] = int(n)
    return out
