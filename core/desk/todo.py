"""My to-do (我的待办): the cases waiting for the signed-in user's action, by role, soonest deadline first.

Each role has a short list of rules: a status (plus, for a few, a condition) and the action it waits for.
Every query starts from an index: (status, due_on) for the office and the supervisor, (lead_unit_id,
status, due_on) for a unit's handler, (leader_in_charge_id, status) for a leader, and each per-status
query is limited, so the list stays fast at a million cases.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, func, select

from core.cases.workflow import RUNNING, TRANSITIONS, action_label, open_clause, overdue_clause
from core.platform import timeutil
from core.supervision.inbox import InboxItem, unit_inbox
from i18n import t
from models import Case, CaseStatus, Role, Stage, User

S = CaseStatus
FOLLOW, SUPERVISE = "instruct", "urge"  # the leader instructs on his 包案 cases, the supervisor urges


@dataclass(frozen=True)
class Rule:
    """Cases in `status` (meeting `condition`, if any) wait for `action`."""

    status: CaseStatus
    action: str
    condition: sa.ColumnElement[bool] | None = None


OFFICE_RULES = (
    Rule(S.REGISTERED, "forward"),
    Rule(S.OBJECTED, "settle_dispute"),
    Rule(S.MEDIATING, "return_from_mediation", Case.accepted_on.is_(None)),
    Rule(S.REPLIED, "rate"),
    Rule(S.RATED, "close"),
    Rule(S.REVIEW_REQUESTED, "decide_review"),
    Rule(S.PAUSED, "resume", Case.stage.in_((Stage.REVIEW, Stage.REEXAM))),
    Rule(S.REVIEWED, "close"),
    Rule(S.REEXAM_REQUESTED, "decide_reexam"),
)
HANDLER_RULES = (
    Rule(S.FORWARDED, "accept"),
    Rule(S.ASSIGNED, "accept"),
    Rule(S.HANDLING, "reply"),
    Rule(S.PAUSED, "resume", Case.stage == Stage.HANDLING),
    Rule(S.MEDIATING, "return_from_mediation", Case.accepted_on.is_not(None)),
    Rule(S.REPLIED, "rate"),
    Rule(S.RATED, "close"),
)
COLUMNS = (
    Case.id, Case.number, Case.title, Case.status, Case.stage, Case.due_on, Case.due_provisional,
    Case.higher_due_on, Case.higher_body,
)  # fmt: skip


@dataclass(frozen=True)
class TodoItem:
    """One case waiting for the user, and the action it waits for."""

    case_id: int
    number: str
    title: str
    status: str
    stage: str | None
    due_on: date | None
    due_provisional: bool
    action: str
    higher_due_on: date | None = None  # a case from a higher level (交办件): that level's deadline
    higher_body: str | None = None

    @property
    def action_label(self) -> str:
        """Return the action as display text."""
        return (
            action_label(self.action) if self.action in TRANSITIONS else t(f"desk.todo.action.{self.action}")
        )


def _rules(user: User) -> tuple[Rule, ...]:
    role = Role(user.role)
    if role in (Role.ADMIN, Role.REGISTRAR):
        return OFFICE_RULES
    if role == Role.HANDLER and user.unit_id is not None:
        return HANDLER_RULES
    return ()


def _scope(user: User) -> list:
    return [Case.lead_unit_id == user.unit_id] if Role(user.role) == Role.HANDLER else []


def _by_due(rows: list, limit: int) -> list:
    return sorted(rows, key=lambda r: (r.due_on is None, r.due_on or date.min, r.id))[:limit]


def _rule_rows(session: Session, user: User, rule: Rule, limit: int) -> list:
    """Return the rule's cases with a due date (soonest first), then those without, at most `limit`."""
    base = [Case.status == rule.status, *_scope(user)]
    if rule.condition is not None:
        base.append(rule.condition)
    dated = select(*COLUMNS).where(*base, Case.due_on.is_not(None)).order_by(Case.due_on, Case.id)
    rows = list(session.exec(dated.limit(limit)))
    if len(rows) < limit:
        undated = select(*COLUMNS).where(*base, Case.due_on.is_(None)).order_by(Case.id)
        rows += list(session.exec(undated.limit(limit - len(rows))))
    return rows


def _item(row, action: str) -> TodoItem:
    return TodoItem(
        case_id=row.id,
        number=row.number,
        title=row.title,
        status=str(row.status),
        stage=row.stage,
        due_on=row.due_on,
        due_provisional=bool(row.due_provisional),
        action=action,
        higher_due_on=row.higher_due_on,
        higher_body=row.higher_body,
    )


def _leader_rows(session: Session, user: User, limit: int) -> list:
    stmt = select(*COLUMNS).where(Case.leader_in_charge_id == user.id, open_clause())
    return list(session.exec(stmt.order_by(Case.due_on.is_(None), Case.due_on, Case.id).limit(limit)))


def _overdue_rows(session: Session, today: date, limit: int) -> list:
    rows = []
    for status in sorted(RUNNING):  # one index range per status, each limited
        stmt = select(*COLUMNS).where(Case.status == status, overdue_clause(today))
        rows += list(session.exec(stmt.order_by(Case.due_on, Case.id).limit(limit)))
    return _by_due(rows, limit)


def todo_for(session: Session, user: User, today: date, limit: int = 200) -> list[TodoItem]:
    """Return what waits for the user's action, soonest due date first (cases without one last)."""
    role = Role(user.role)
    if role == Role.LEADER:
        return [_item(r, FOLLOW) for r in _leader_rows(session, user, limit)]
    if role == Role.SUPERVISOR:
        return [_item(r, SUPERVISE) for r in _overdue_rows(session, today, limit)]
    actions: dict[int, str] = {}
    rows = []
    for rule in _rules(user):
        for row in _rule_rows(session, user, rule, limit):
            actions[row.id] = rule.action
            rows.append(row)
    return [_item(r, actions[r.id]) for r in _by_due(rows, limit)]


def _condition(user: User, today: date) -> sa.ColumnElement[bool] | None:
    role = Role(user.role)
    if role == Role.LEADER:
        return sa.and_(Case.leader_in_charge_id == user.id, open_clause())
    if role == Role.SUPERVISOR:
        return overdue_clause(today)
    rules = _rules(user)
    if not rules:
        return None
    each = [
        sa.and_(Case.status == r.status, *([r.condition] if r.condition is not None else [])) for r in rules
    ]
    return sa.and_(*_scope(user), sa.or_(*each))


def supervision_todo(session: Session, user: User, today: date) -> list[InboxItem]:
    """Return what supervision waits for from the user's unit: 催办/督办, letters, rectification notices."""
    return unit_inbox(session, user, today)


def todo_count(session: Session, user: User, today: date | None = None) -> int:
    """Return how many cases (and supervision items) wait for the user (for the count in the navigation)."""
    today = today or timeutil.today()
    condition = _condition(user, today)
    supervision = len(unit_inbox(session, user, today))
    if condition is None:
        return supervision
    return session.exec(select(func.count()).select_from(Case).where(condition)).one() + supervision
