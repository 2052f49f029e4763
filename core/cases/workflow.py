"""The case workflow (DOMAIN.md §3–§5): one function per transition, the transition table that holds them
(TRANSITIONS, at the end of the module), and the actions a user may take now.

Every transition loads the case (row-locked on PostgreSQL), checks scope, permission, version and
status, validates its inputs, moves the stage and due date through core.clock, appends one event,
bumps the version with a guarded UPDATE and commits once; on any error nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, select

from core.accounts import audit
from core.accounts.permissions import allowed, case_in_scope, require, require_case
from core.calendar import clock
from core.cases.registration import get_case, settle_repeat
from core.cases.status import ENDED as ENDED  # the one definition of each lives in core.cases.status
from core.cases.status import OPEN as OPEN
from core.cases.status import RUNNING as RUNNING
from core.cases.status import ended_clause as ended_clause
from core.cases.status import is_ended as is_ended
from core.cases.status import is_overdue as is_overdue
from core.cases.status import open_clause as open_clause
from core.cases.status import overdue_clause as overdue_clause
from core.platform import timeutil
from core.platform.errors import IllegalTransition, NotFound, PermissionDenied, StaleVersion
from core.platform.validation import Errors, Id, field_label
from i18n import label, t
from models import (
    Case,
    CaseEvent,
    CaseMeeting,
    CasePause,
    CaseStatus,
    CaseUnit,
    Category,
    MeetingKind,
    NoticeMethod,
    Outcome,
    PauseKind,
    Role,
    Route,
    Satisfaction,
    Stage,
    Unit,
    UnitRole,
    User,
)
from models.base import StrEnum

S = CaseStatus


BEFORE_REPLY = frozenset(
    {S.REGISTERED, S.FORWARDED, S.ASSIGNED, S.OBJECTED, S.HANDLING, S.PAUSED, S.MEDIATING}
)
BEFORE_ACCEPTANCE = frozenset({S.REGISTERED, S.FORWARDED, S.ASSIGNED, S.OBJECTED})
RESUMES_TO = {Stage.HANDLING: S.HANDLING, Stage.REVIEW: S.REVIEW_REQUESTED, Stage.REEXAM: S.REEXAM_REQUESTED}
# The stage dates of a case in the order of its path: every new date is checked against all of them.
HISTORY = (
    "triaged_on",
    "unit_received_on",
    "objected_on",
    "dispute_settled_on",
    "accepted_on",
    "declined_on",
    "extension_notified_on",
    "extension_approved_on",  # after the notice in this list: a tie names the approval
    "replied_on",
    "reply_received_on",
    "rated_on",
    "closed_on",
    "review_requested_on",
    "review_decided_on",
    "review_decision_received_on",
    "reexam_requested_on",
    "reexam_decided_on",
)
CASE_FIELDS = tuple(
    c.name
    for c in Case.__table__.columns
    if c.name not in {"id", "version", "updated_at", "updated_by_id", "registered_at", "query_code_hash"}
    # the kept stage deadlines copy due_on, which the events already record
    and c.name not in {"acceptance_due_on", "reply_due_on", "handling_paused_days"}
)


class DisputeDecision(StrEnum):
    UPHOLD = "uphold"  # the unit is responsible after all and must accept
    REASSIGN = "reassign"  # another unit is responsible


@dataclass
class Linked:
    """The result of linking a repeat petition; `message` explains a 不再受理 flag."""

    case: Case
    not_accepted_again: bool
    message: str | None = None


# --- the parts of the transition table (TRANSITIONS itself closes the module) ----------------------

Guard = Callable[[Case, User], str | None]  # returns the i18n key saying why the action is not open


def _stage_permission(case: Case) -> str:
    return "case.handle" if case.stage == Stage.HANDLING else "case.review"


def _office_or_unit(case: Case) -> str:
    # Before acceptance the petition office acts on the case, after it the unit that handles it.
    return "case.handle" if case.accepted_on else "case.triage"


def _delivery_permission(case: Case) -> str:
    return "case.handle" if _delivery_field(case) == "reply_received_on" else "case.review"


def _delivery_field(case: Case) -> str | None:
    """Return the date field a delivery would fill now: the reply's or the review decision's receipt."""
    if case.review_decided_on is not None:
        return "review_decision_received_on" if case.review_decision_received_on is None else None
    if case.review_requested_on is None and case.replied_on is not None and case.reply_received_on is None:
        return "reply_received_on"
    return None


def pending_delivery(case: Case) -> str | None:
    """Return the date field a delivery (送达回证 returned) would fill now, or None when nothing awaits one."""
    return _delivery_field(case)


def _not_objected(case: Case, actor: User) -> str | None:
    return "workflow.guard.already_objected" if case.objected_on is not None else None


def _on_petition_route(case: Case, actor: User) -> str | None:
    # Routes 1–5 leave the petition track at triage (诉访分离, 第31条): no unit and no handling clock.
    return "workflow.guard.legal_route" if case.route != Route.PETITION else None


def _accepted_again(case: Case, actor: User) -> str | None:
    # 不再受理 (第36条第3款): a case flagged so is never triaged or accepted onto the petition clock.
    return "workflow.guard.not_accepted_again" if case.not_accepted_again else None


def _may_enter_clock(case: Case, actor: User) -> str | None:
    return _on_petition_route(case, actor) or _accepted_again(case, actor)


def _not_extended(case: Case, actor: User) -> str | None:
    return "workflow.guard.already_extended" if case.extension_days else None


def _delivery_pending(case: Case, actor: User) -> str | None:
    return None if _delivery_field(case) else "workflow.guard.nothing_to_deliver"


def _review_open(case: Case, actor: User) -> str | None:
    if case.review_requested_on is not None:
        return "workflow.guard.already_reviewed"
    return "workflow.guard.reply_not_delivered" if case.reply_received_on is None else None


def _reexam_open(case: Case, actor: User) -> str | None:
    if case.review_decided_on is None:
        return "workflow.guard.no_review"
    if case.reexam_requested_on is not None:
        return "workflow.guard.already_reexamined"
    return "workflow.guard.review_not_delivered" if case.review_decision_received_on is None else None


def _reply_delivered(case: Case, actor: User) -> str | None:
    # The petitioner rates a reply he has received: no delivery date, no rating and no close (issue 11).
    return "workflow.guard.reply_not_delivered" if case.reply_received_on is None else None


def _closable(case: Case, actor: User) -> str | None:
    if case.status == S.REVIEWED:
        return None
    if case.reply_received_on is None:
        return "workflow.guard.reply_not_delivered"
    if case.status == S.REPLIED and not rating_lapsed(case, timeutil.today()):
        return "workflow.guard.rating_pending"
    return None


def rating_window_days(session: Session | None = None) -> int:
    """Return the petitioner's days to rate a delivered reply (setting rating.window_days)."""
    from core.platform import settings

    values = settings.get_all(session) if session is not None else settings.defaults()
    try:
        return max(1, int(values.get("rating.window_days", settings.OTHER_DEFAULTS["rating.window_days"])))
    except (TypeError, ValueError):
        return int(settings.OTHER_DEFAULTS["rating.window_days"])


def rating_window_end(case: Case, days: int | None = None) -> date | None:
    """Return the last day the petitioner may rate the reply, or None before it reached him."""
    if case.reply_received_on is None:
        return None
    if days is None:
        days = rating_window_days(Session.object_session(case))  # a guard has the case, not the session
    return case.reply_received_on + timedelta(days=days)


def rating_lapsed(case: Case, today: date, days: int | None = None) -> bool:
    """Return whether the rating window of a delivered reply has passed without a rating."""
    end = rating_window_end(case, days)
    return case.satisfaction is None and end is not None and today > end


def satisfaction_as_read(case: Case, today: date, days: int | None = None) -> Satisfaction | None:
    """Return the satisfaction a reader sees: the recorded one, or not rated once the window has passed."""
    if case.satisfaction is not None:
        return Satisfaction(case.satisfaction)
    return Satisfaction.NOT_RATED if rating_lapsed(case, today, days) else None


def _not_in_charge(case: Case, actor: User) -> str | None:
    return "workflow.guard.already_in_charge" if case.leader_in_charge_id == actor.id else None


def _in_charge(case: Case, actor: User) -> str | None:
    return None if case.leader_in_charge_id == actor.id else "workflow.guard.not_in_charge"


def _not_linked(case: Case, actor: User) -> str | None:
    return "workflow.guard.already_linked" if case.repeat_of_id is not None else None


@dataclass(frozen=True)
class Transition:
    """An action: the function that carries it out, the statuses it starts from, the permission key it
    needs, and any further condition."""

    func: Callable[..., Case | Linked]
    sources: frozenset[CaseStatus]
    permission: str | Callable[[Case], str]
    guard: Guard | None = None

    def permission_for(self, case: Case) -> str:
        """Return the permission key the action needs on this case."""
        return self.permission if isinstance(self.permission, str) else self.permission(case)


def _tr(func, sources, permission, guard: Guard | None = None) -> Transition:
    return Transition(func, frozenset(sources), permission, guard)


def action_label(action: str) -> str:
    """Return the button label of an action."""
    return t(f"workflow.action.{action}")


def _permission_error(actor: User, case: Case, action: str) -> PermissionDenied | None:
    if not allowed(actor, TRANSITIONS[action].permission_for(case)):
        return PermissionDenied(t("error.forbidden"))
    # An assisting unit (协办) sees the case but the lead unit (主办) acts on it.
    if Role(actor.role) == Role.HANDLER and case.lead_unit_id != actor.unit_id:
        return PermissionDenied(t("workflow.error.lead_unit_only", action=action_label(action)))
    return None


def _transition_error(actor: User, case: Case, action: str) -> IllegalTransition | None:
    transition = TRANSITIONS[action]
    if case.status not in transition.sources:
        status = label("status", case.status)
        return IllegalTransition(t("workflow.error.illegal", status=status, action=action_label(action)))
    reason = transition.guard(case, actor) if transition.guard else None
    return IllegalTransition(t(reason)) if reason else None


def check_action(actor: User, case: Case, action: str) -> None:
    """Raise PermissionDenied or IllegalTransition unless the user may take the action on the case now
    (for the wings above, which check before they write their own records)."""
    require_case(actor, TRANSITIONS[action].permission_for(case), case)
    error = _permission_error(actor, case, action) or _transition_error(actor, case, action)
    if error:
        raise error


def available_actions(session: Session, actor: User, case: Case) -> list[str]:
    """Return the actions the user may take on the case now, in table order."""
    if not allowed(actor, "case.view") or not case_in_scope(actor, case):
        return []
    return [
        action
        for action in TRANSITIONS
        if _permission_error(actor, case, action) is None and _transition_error(actor, case, action) is None
    ]


# --- the shared steps of a transition -------------------------------------------------------------


class _Step:
    """One transition in progress: the locked case and its state before the change."""

    def __init__(self, session: Session, actor: User, case: Case, version: int, action: str):
        self.session, self.actor, self.case, self.version, self.action = session, actor, case, version, action
        self.before = audit.snapshot(case, CASE_FIELDS)

    def date(self, errors: Errors, field: str, value: date | None) -> None:
        """Check a new date of the case: given, not in the future, not before anything its record holds."""
        latest, latest_field = latest_date(self.session, self.case)
        errors.date(field, value, after=latest, after_field=latest_field)

    def finish(
        self, *, note: str | None = None, extra: dict | None = None, object_type: str = "case", object_id=None
    ) -> Case:
        """Write the event, bump the version if nobody else did, commit; return the case."""
        session, case = self.session, self.case
        case.updated_at, case.updated_by_id = timeutil.now(), self.actor.id
        before, after = audit.diff(self.before, audit.snapshot(case, CASE_FIELDS))
        audit.record(
            session,
            self.actor,
            self.action,
            object_type=object_type,
            object_id=object_id or case.id,
            case_id=case.id,
            before=before,
            after=after | (extra or {}),
            note=(note or "").strip() or None,
        )
        session.flush()
        _bump_version(session, case, self.version)
        session.commit()
        return case


@contextmanager
def _step(
    session: Session,
    actor: User,
    case_id: int,
    version: int,
    action: str,
    *,
    note: str | None = None,
    centre: bool = False,
) -> Iterator[_Step]:
    """Open a transition on a locked, visible case; roll back on any error so nothing is half-written.

    `note` is the action's optional free note, checked here like every text (the required ones are checked
    by the action with its other inputs). `centre`: the mediation centre acts, who sees no petition file.
    """
    try:
        if centre:
            require(actor, "mediation.edit")
            stmt = select(Case).where(Case.id == case_id).with_for_update()
            case = session.exec(stmt.execution_options(populate_existing=True)).first()
            if case is None:
                raise NotFound(t("workflow.not_found"))
        else:
            case = get_case(session, actor, case_id, for_update=True)
            require_case(actor, TRANSITIONS[action].permission_for(case), case)
            denied = _permission_error(actor, case, action)
            if denied:
                raise denied
        if case.version != version:
            raise _stale(session, case_id)
        illegal = _transition_error(actor, case, action)
        if illegal:
            raise illegal
        errors = Errors()
        errors.text("note", note, required=False)
        errors.raise_if_any()
        yield _Step(session, actor, case, version, action)
    except Exception:
        session.rollback()
        raise


def latest_date(session: Session, case: Case) -> tuple[date, str]:
    """Return the latest day the case's record holds (stage dates and pauses) and the field that holds it.

    A new stage date may not lie before it, so the record never says that something happened before what
    it followed (a reply inside a pause, a withdrawal before the pause it ends, a reply before its extension).
    """
    found = (case.received_on, "received_on")
    for name in HISTORY:
        value = getattr(case, name)
        if value is not None and value >= found[0]:
            found = (value, name)
    stmt = select(CasePause.started_on, CasePause.ended_on).where(CasePause.case_id == case.id)
    for started, ended in session.exec(stmt).all():
        for value, name in ((started, "pause_started_on"), (ended, "pause_ended_on")):
            if value is not None and value >= found[0]:
                found = (value, name)
    return found


def _bump_version(session: Session, case: Case, version: int) -> None:
    """Raise StaleVersion unless the row still has `version`; the UPDATE's WHERE makes it race-safe."""
    table = Case.__table__
    result = session.execute(
        sa.update(table).where(table.c.id == case.id, table.c.version == version).values(version=version + 1)
    )
    if result.rowcount != 1:
        session.rollback()
        raise _stale(session, case.id)
    set_committed_value(case, "version", version + 1)


def _stale(session: Session, case_id: int) -> StaleVersion:
    """Return the StaleVersion error naming who changed the case last, and when."""
    stmt = (
        select(CaseEvent)
        .where(CaseEvent.case_id == case_id)
        .order_by(CaseEvent.at.desc(), CaseEvent.id.desc())
    )
    event = session.exec(stmt.limit(1)).first()
    if event is None:
        return StaleVersion(t("workflow.stale_unknown"))
    when = timeutil.to_local(event.at)
    message = t("workflow.stale", who=event.actor_name or "?", when=when.strftime("%Y-%m-%d %H:%M"))
    return StaleVersion(message, changed_by=event.actor_name, changed_at=when)


def _set_stage(session: Session, case: Case, stage: str | None, start: date | None) -> None:
    """Start a new clock stage (pauses belong to one stage) and recompute the due date."""
    case.stage, case.stage_started_on, case.paused_days = stage, start, 0
    _refresh_due(session, case)


def _refresh_due(session: Session, case: Case) -> None:
    clock.refresh_case(case, clock.load_calendar(session), clock.load_limits(session))


def _window_end(session: Session, stage: str, start: date) -> date:
    """Return the last day of a time window such as the petitioner's 30 days to request a review."""
    return clock.stage_due(clock.load_calendar(session), clock.load_limits(session), stage, start).on


def _check_request(step: _Step, requested_on: date, received: date, window: str) -> None:
    """Refuse a petitioner's request dated before he received the decision or after his 30-day window."""
    errors = Errors()
    step.date(errors, "requested_on", requested_on)
    if not errors.errors and requested_on > (end := _window_end(step.session, window, received)):
        if window == Stage.REVIEW_REQUEST:
            message = t("workflow.error.review_window", date=end, received=received)
        else:
            message = t("workflow.error.reexam_window", date=end, received=received)
        errors.add("requested_on", message)
    errors.raise_if_any()


def _enum(errors: Errors, field: str, enum_cls: type[Enum], value):
    try:
        return enum_cls(value)
    except ValueError:
        message = t(
            "workflow.error.required" if value is None else "workflow.error.invalid_value",
            field=field_label(field),
        )
        errors.add(field, message)
        return None


def _check_units(
    session: Session, errors: Errors, lead_unit_id: int | None, assisting: Sequence[int]
) -> list[int]:
    """Check the lead and assisting units exist and are active; return the assisting ids without repeats."""
    lead = session.get(Unit, lead_unit_id) if lead_unit_id is not None else None
    if lead is None or not lead.active:
        errors.add("lead_unit_id", t("workflow.error.unit_required"))
    assists = list(dict.fromkeys(assisting))
    if lead_unit_id in assists:
        errors.add("assisting_unit_ids", t("workflow.error.lead_also_assisting"))
    for unit_id in assists:
        unit = session.get(Unit, unit_id)
        if unit is None or not unit.active:
            errors.add(
                "assisting_unit_ids", t("workflow.error.unknown", field=field_label("assisting_unit_ids"))
            )
    return assists


def _set_units(session: Session, case: Case, lead_unit_id: int, assists: list[int], on: date) -> None:
    session.execute(sa.delete(CaseUnit).where(CaseUnit.case_id == case.id))
    session.add(CaseUnit(case_id=case.id, unit_id=lead_unit_id, role=UnitRole.LEAD, assigned_on=on))
    session.add_all(
        CaseUnit(case_id=case.id, unit_id=u, role=UnitRole.ASSIST, assigned_on=on) for u in assists
    )
    case.lead_unit_id = lead_unit_id


def _open_pause(session: Session, case: Case) -> CasePause | None:
    stmt = select(CasePause).where(CasePause.case_id == case.id, CasePause.ended_on.is_(None))
    return session.exec(stmt.order_by(CasePause.id.desc())).first()


def _end_open_pause(session: Session, case: Case, on: date) -> int:
    """End the running pause on `on`; return the calendar days the clock stood still."""
    pause = _open_pause(session, case)
    if pause is None:
        return 0
    pause.ended_on = on
    session.add(pause)
    return (on - pause.started_on).days


# --- triage by the petition office ----------------------------------------------------------------


def forward(
    session: Session,
    actor: User,
    case_id: int,
    version: int,
    *,
    lead_unit_id: Id,
    on: date,
    assisting_unit_ids: Sequence[Id] = (),
    note: str | None = None,
) -> Case:
    """Forward the case (转送) to the responsible unit; its 15 days to accept start."""
    return _triage(
        session, actor, case_id, version, "forward", S.FORWARDED, lead_unit_id, assisting_unit_ids, on, note
    )


def assign(
    session: Session,
    actor: User,
    case_id: int,
    version: int,
    *,
    lead_unit_id: Id,
    on: date,
    assisting_unit_ids: Sequence[Id] = (),
    note: str | None = None,
) -> Case:
    """Assign the case (交办) to the responsible unit; its 15 days to accept start."""
    return _triage(
        session, actor, case_id, version, "assign", S.ASSIGNED, lead_unit_id, assisting_unit_ids, on, note
    )


def _triage(
    session: Session,
    actor: User,
    case_id: int,
    version: int,
    action: str,
    status,
    lead_unit_id,
    assisting,
    on,
    note,
) -> Case:
    with _step(session, actor, case_id, version, action, note=note) as step:
        case, errors = step.case, Errors()
        step.date(errors, "on", on)
        assists = _check_units(session, errors, lead_unit_id, assisting)
        errors.raise_if_any()
        _set_units(session, case, lead_unit_id, assists, on)
        case.status, case.triaged_on, case.unit_received_on = status, on, on
        _set_stage(session, case, Stage.ACCEPTANCE, on)
        return step.finish(note=note, extra={"assisting_unit_ids": assists})


def route_out(
    session: Session,
    actor: User,
    case_id: int,
    version: int,
    *,
    route: Route | str,
    routed_to: str,
    on: date,
    note: str | None = None,
) -> Case:
    """Send the case to a legal procedure (诉访分离, routes 1–5, 第31条) and close it as 导入法定途径.

    The petition office does it at triage; the unit may do it during handling, when it finds the matter
    belongs to a legal procedure (a running pause ends that day).
    """
    with _step(session, actor, case_id, version, "route_out", note=note) as step:
        case, errors = step.case, Errors()
        route = _enum(errors, "route", Route, route)
        if route == Route.PETITION:
            errors.add("route", t("workflow.error.route_not_legal"))
        elif case.category != Category.COMPLAINT:
            errors.add("route", t("workflow.error.route_category"))
        errors.text("routed_to", routed_to)
        step.date(errors, "on", on)
        errors.raise_if_any()
        _end_open_pause(session, case, on)
        case.status, case.route, case.routed_to, case.closed_on = S.ROUTED_OUT, route, routed_to.strip(), on
        case.paused_since = None
        _set_stage(session, case, None, None)
        return step.finish(note=note)


def merge(
    session: Session,
    actor: User,
    case_id: int,
    version: int,
    *,
    into_case_id: Id,
    on: date,
    note: str | None = None,
) -> Case:
    """Merge the case into another case about the same matter."""
    with _step(session, actor, case_id, version, "merge", note=note) as step:
        case, errors = step.case, Errors()
        step.date(errors, "on", on)
        target = _other_case(session, actor, errors, "into_case_id", into_case_id, case)
        if target is not None and (target.status in {S.MERGED, S.INVALID, S.WITHDRAWN, S.BARRED, S.JOINED}):
            errors.add("into_case_id", t("workflow.error.merge_target", number=target.number))
        errors.raise_if_any()
        case.status, case.merged_into_id = S.MERGED, target.id
        _set_stage(session, case, None, None)
        return step.finish(note=note, extra={"merged_into": target.number})


def _other_case(
    session: Session, actor: User, errors: Errors, field: str, case_id: int | None, case: Case
) -> Case | None:
    """Return another visible case, recording a field error when it is missing or the case itself."""
    try:
        other = get_case(session, actor, case_id) if case_id is not None else None
    except NotFound:
        other = None
    if other is None:
        errors.add(field, t("workflow.error.unknown", field=field_label(field)))
    elif other.id == case.id:
        errors.add(field, t("workflow.error.same_case"))
        return None
    return other


def invalidate(session: Session, actor: User, case_id: int, version: int, *, on: date, reason: str) -> Case:
    """Mark a registration invalid (not a petition, entered twice by mistake)."""
    return _end(session, actor, case_id, version, "invalidate", S.INVALID, on, reason)


def withdraw(session: Session, actor: User, case_id: int, version: int, *, on: date, reason: str) -> Case:
    """Record that the petitioner withdrew the petition; a running pause ends."""
    return _end(session, actor, case_id, version, "withdraw", S.WITHDRAWN, on, reason)


def _end(session: Session, actor: User, case_id: int, version: int, action: str, status, on, reason) -> Case:
    with _step(session, actor, case_id, version, action) as step:
        case, errors = step.case, Errors()
        step.date(errors, "on", on)
        errors.text("reason", reason)
        errors.raise_if_any()
        _end_open_pause(session, case, on)
        case.status, case.paused_since = status, None
        _set_stage(session, case, None, None)
        return step.finish(note=reason, extra={"on": on})


# --- acceptance by the responsible unit -----------------------------------------------------------


def accept(
    session: Session, actor: User, case_id: int, version: int, *, notice_date: date, note: str | None = None
) -> Case:
    """Accept the case (受理告知); the handling clock (60 days, 第34条) starts."""
    with _step(session, actor, case_id, version, "accept", note=note) as step:
        case, errors = step.case, Errors()
        step.date(errors, "notice_date", notice_date)
        errors.raise_if_any()
        case.status, case.accepted_on, case.handling_paused_days = S.HANDLING, notice_date, 0
        _set_stage(session, case, Stage.HANDLING, notice_date)
        return step.finish(note=note)


def raise_objection(
    session: Session, actor: User, case_id: int, version: int, *, on: date, reason: str
) -> Case:
    """Object that the unit is not responsible (受理争议); allowed only within the objection window."""
    with _step(session, actor, case_id, version, "raise_objection") as step:
        case, errors = step.case, Errors()
        step.date(errors, "on", on)
        errors.text("reason", reason)
        if not errors.errors and on > (end := _window_end(session, Stage.OBJECTION, case.unit_received_on)):
            errors.add("on", t("workflow.error.objection_window", date=end))
        errors.raise_if_any()
        case.status, case.objected_on = S.OBJECTED, on
        _set_stage(session, case, Stage.DISPUTE, on)
        return step.finish(note=reason)


def decline(
    session: Session,
    actor: User,
    case_id: int,
    version: int,
    *,
    on: date,
    reason: str,
    routed_to: str,
    note: str | None = None,
) -> Case:
    """Decide not to accept the case (不予受理, 第23条) within the acceptance limit, telling the petitioner why
    and where to turn instead; the case leaves the petition track."""
    with _step(session, actor, case_id, version, "decline", note=note) as step:
        case, errors = step.case, Errors()
        step.date(errors, "on", on)
        if "on" not in errors.errors and case.due_on is not None and on > case.due_on:
            errors.add("on", t("workflow.error.decline_late", date=case.due_on))
        errors.text("reason", reason)
        errors.text("routed_to", routed_to)
        errors.raise_if_any()
        case.status, case.declined_on, case.closed_on = S.DECLINED, on, on
        case.end_reason, case.routed_to = reason.strip(), routed_to.strip()
        _set_stage(session, case, None, None)
        return step.finish(note=note)


def settle_dispute(
    session: Session,
    actor: User,
    case_id: int,
    version: int,
    *,
    decision: DisputeDecision | str,
    on: date,
    note: str,
    lead_unit_id: Id | None = None,
    assisting_unit_ids: Sequence[Id] = (),
) -> Case:
    """Settle an acceptance dispute: uphold (the unit must accept) or reassign to another unit."""
    with _step(session, actor, case_id, version, "settle_dispute") as step:
        case, errors = step.case, Errors()
        decision = _enum(errors, "decision", DisputeDecision, decision)
        step.date(errors, "on", on)
        errors.text("note", note)
        if decision == DisputeDecision.REASSIGN:
            assists = _check_units(session, errors, lead_unit_id, assisting_unit_ids)
            if lead_unit_id == case.lead_unit_id:
                errors.add("lead_unit_id", t("workflow.error.same_unit"))
        errors.raise_if_any()
        if decision == DisputeDecision.REASSIGN:
            _set_units(session, case, lead_unit_id, assists, on)
            case.objected_on = None  # the new unit has its own objection window
        case.status, case.dispute_settled_on, case.unit_received_on = S.ASSIGNED, on, on
        _set_stage(session, case, Stage.ACCEPTANCE, on)
        return step.finish(note=note, extra={"decision": decision.value})


# --- handling -------------------------------------------------------------------------------------


def pause(
    session: Session, actor: User, case_id: int, version: int, *, kind: PauseKind | str, on: date, reason: str
) -> Case:
    """Stop the clock for a hearing (听证) or an approved suspension (中止)."""
    with _step(session, actor, case_id, version, "pause") as step:
        case, errors = step.case, Errors()
        kind = _enum(errors, "kind", PauseKind, kind)
        step.date(errors, "on", on)  # after the end of every earlier pause: pauses never overlap
        errors.text("reason", reason)
        if _open_pause(session, case) is not None:
            errors.add("on", t("workflow.error.pause_open"))
        errors.raise_if_any()
        session.add(
            CasePause(case_id=case.id, kind=kind, stage=case.stage, started_on=on, reason=reason.strip())
        )
        case.status, case.paused_since = S.PAUSED, on
        _refresh_due(session, case)  # the clock gives a paused case no deadline
        return step.finish(note=reason, extra={"pause_kind": kind.value})


def resume(
    session: Session, actor: User, case_id: int, version: int, *, on: date, note: str | None = None
) -> Case:
    """Restart the clock; the paused calendar days push the due date back."""
    with _step(session, actor, case_id, version, "resume", note=note) as step:
        case, errors = step.case, Errors()
        step.date(errors, "on", on)
        errors.raise_if_any()
        days = _end_open_pause(session, case, on)
        case.paused_days += days
        if case.stage == Stage.HANDLING:  # kept for the reply deadline after the stage ends
            case.handling_paused_days += days
        # A pause taken while mediating ends back in mediation: the referral is still open.
        back = S.MEDIATING if _still_referred(session, case) else RESUMES_TO[case.stage]
        case.status, case.paused_since = back, None
        _refresh_due(session, case)
        return step.finish(note=note, extra={"paused_days_added": days})


def extend(
    session: Session,
    actor: User,
    case_id: int,
    version: int,
    *,
    days: int,
    reason: str,
    approved_on: date,
    notified_on: date,
    notified_by: NoticeMethod | str,
    late_reason: str | None = None,
) -> Case:
    """Extend the handling limit once, by at most 30 days, approved by the unit's head before the limit
    expires, the petitioner told the reason (第34条: when and how is recorded).

    Recorded after the limit has passed it is refused whatever approval date is typed; an administrator may
    still record it with `late_reason`, which the event keeps.
    """
    with _step(session, actor, case_id, version, "extend") as step:
        case, errors = step.case, Errors()
        most = clock.load_limits(session)[Stage.EXTENSION].days
        if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= most:
            errors.add("days", t("workflow.error.extension_days", max=most))
        errors.text("reason", reason)
        step.date(errors, "approved_on", approved_on)
        if "approved_on" not in errors.errors and case.due_on and approved_on > case.due_on:
            errors.add("approved_on", t("workflow.error.extension_late", date=case.due_on))
        late = _late_extension(errors, actor, case, late_reason)
        notified_by = _enum(errors, "notified_by", NoticeMethod, notified_by)
        if "approved_on" not in errors.errors:
            errors.date("notified_on", notified_on, after=approved_on, after_field="approved_on")
        errors.raise_if_any()
        case.extension_days, case.extension_reason = days, reason.strip()
        case.extension_approved_on, case.extension_notified_on = approved_on, notified_on
        case.extension_notice = notified_by
        _refresh_due(session, case)
        return step.finish(note=reason, extra={"late_override": late_reason.strip()} if late else None)


def _late_extension(errors: Errors, actor: User, case: Case, late_reason: str | None) -> bool:
    """Return whether the extension is recorded after the handling limit passed (an administrator's override)."""
    today = timeutil.today()
    if case.due_on is None or today <= case.due_on:
        return False
    if Role(actor.role) != Role.ADMIN:
        errors.add("approved_on", t("workflow.error.extension_recorded_late", date=case.due_on))
    else:
        errors.text("late_reason", late_reason)
    return True


def refer_mediation(
    session: Session,
    actor: User,
    case_id: int,
    version: int,
    *,
    on: date,
    note: str | None = None,
    mediation_id: Id | None = None,
) -> Case:
    """Refer the case to the mediation centre (调解优先); called by core.mediation.referral with its record.

    A handling case keeps its running handling clock (pause and extension stay open); a registered case's
    referral is the office's triage decision, so the triage clock gives way to the mediation one (30 days).
    """
    with _step(session, actor, case_id, version, "refer_mediation", note=note) as step:
        case, errors = step.case, Errors()
        step.date(errors, "on", on)
        errors.raise_if_any()
        case.status = S.MEDIATING
        if case.accepted_on is None:
            case.triaged_on = on
            _set_stage(session, case, Stage.MEDIATION, on)
        extra = {"referred_on": on} | ({"mediation_id": mediation_id} if mediation_id else {})
        return step.finish(note=note, extra=extra)


def return_from_mediation(
    session: Session,
    actor: User,
    case_id: int,
    version: int,
    *,
    on: date,
    agreed: bool,
    note: str,
    mediation_id: Id | None = None,
) -> Case:
    """Take the case back from mediation; called by core.mediation.referral when the mediation ends.

    With an agreement the case can be replied to (the agreement is the basis of the reply) and closed; a
    registered case has no handling clock, so it waits for the reply without a deadline. Without one a
    handling case goes on with its running clock and a registered case goes back to triage, its 15 days
    counted from the return (the referral decided nothing).
    """
    return _return_from_mediation(session, actor, case_id, version, on, agreed, note, mediation_id)


def return_from_centre(
    session: Session, actor: User, case_id: int, *, on: date, agreed: bool, note: str, mediation_id: int
) -> Case:
    """Take the case back when the mediator who sits on its mediation ends it (core.mediation checks he
    does); the same step as return_from_mediation, without the petition file's scope he does not have."""
    case = session.get(Case, case_id)
    version = case.version if case is not None else 0
    return _return_from_mediation(
        session, actor, case_id, version, on, agreed, note, mediation_id, centre=True
    )


def _return_from_mediation(session, actor, case_id, version, on, agreed, note, mediation_id, *, centre=False):
    with _step(session, actor, case_id, version, "return_from_mediation", centre=centre) as step:
        case, errors = step.case, Errors()
        errors.date("on", on, after=_referred_on(session, case), after_field="referred_on")
        errors.text("note", note)
        errors.raise_if_any()
        if case.accepted_on is not None:
            case.status = S.HANDLING
        elif agreed:
            case.status = S.HANDLING
            _set_stage(session, case, None, None)
        else:
            case.status, case.triaged_on = S.REGISTERED, None
            _set_stage(session, case, Stage.TRIAGE, on)
        extra = {"agreed": bool(agreed)} | ({"mediation_id": mediation_id} if mediation_id else {})
        return step.finish(note=note, extra=extra)


def _referred_on(session: Session, case: Case) -> date | None:
    stmt = select(CaseEvent.after).where(CaseEvent.case_id == case.id, CaseEvent.action == "refer_mediation")
    after = session.exec(stmt.order_by(CaseEvent.id.desc()).limit(1)).first() or {}
    return date.fromisoformat(after["referred_on"]) if after.get("referred_on") else None


def _still_referred(session: Session, case: Case) -> bool:
    """Return whether the case's latest mediation event is a referral (not yet taken back)."""
    actions = ("refer_mediation", "return_from_mediation")
    stmt = select(CaseEvent.action).where(CaseEvent.case_id == case.id, CaseEvent.action.in_(actions))
    return session.exec(stmt.order_by(CaseEvent.id.desc()).limit(1)).first() == "refer_mediation"


def _clock_is_handling(case: Case, actor: User) -> str | None:
    # Pause and extension act on the handling clock, which a case referred before acceptance has not.
    without = case.status in {S.HANDLING, S.MEDIATING} and case.stage != Stage.HANDLING
    return "workflow.guard.no_handling_clock" if without else None


def _extend_guard(case: Case, actor: User) -> str | None:
    return _not_extended(case, actor) or _clock_is_handling(case, actor)


def _reply_permission(case: Case) -> str:
    # A registered case settled by mediation has no unit: the petition office replies on the agreement.
    return "case.handle" if case.accepted_on else "case.triage"


def record_meeting(
    session: Session,
    actor: User,
    case_id: int,
    version: int,
    *,
    kind: MeetingKind | str,
    held_on: date,
    place: str,
    people: str,
    notes: str | None = None,
) -> Case:
    """Record one of the three meetings (三见面) with the petitioner."""
    with _step(session, actor, case_id, version, "record_meeting") as step:
        case, errors = step.case, Errors()
        kind = _enum(errors, "kind", MeetingKind, kind)
        errors.date("held_on", held_on, after=case.received_on, after_field="received_on")
        errors.text("place", place)
        errors.text("people", people)
        errors.text("notes", notes, required=False)
        errors.raise_if_any()
        meeting = CaseMeeting(
            case_id=case.id,
            kind=kind,
            held_on=held_on,
            place=place.strip(),
            people=people.strip(),
            notes=notes,
            recorded_by_id=actor.id,
        )
        session.add(meeting)
        session.flush()
        extra = audit.snapshot(meeting, ("kind", "held_on", "place", "people"))
        return step.finish(extra=extra, object_type="case_meeting", object_id=meeting.id)


def missing_meetings(session: Session, case: Case) -> list[MeetingKind]:
    """Return the meetings of 三见面 not yet recorded for a first petition (none for other cases)."""
    if not case.is_first:
        return []
    held = set(session.exec(select(CaseMeeting.kind).where(CaseMeeting.case_id == case.id)).all())
    return [kind for kind in MeetingKind if kind not in held]


# --- reply, satisfaction, close -------------------------------------------------------------------


def reply(
    session: Session,
    actor: User,
    case_id: int,
    version: int,
    *,
    replied_on: date,
    outcome: Outcome | str,
    summary: str,
    delivered_on: date | None = None,
) -> Case:
    """Reply with a 信访处理意见书: the outcome and its summary; optionally the day the petitioner got it."""
    with _step(session, actor, case_id, version, "reply") as step:
        case, errors = step.case, Errors()
        step.date(errors, "replied_on", replied_on)
        outcome = _enum(errors, "outcome", Outcome, outcome)
        errors.text("summary", summary)
        if delivered_on is not None:
            errors.date("delivered_on", delivered_on, after=replied_on, after_field="replied_on")
        errors.raise_if_any()
        case.status, case.replied_on, case.outcome = S.REPLIED, replied_on, outcome
        case.reply_summary, case.reply_received_on = summary.strip(), delivered_on
        _set_stage(session, case, None, None)
        missing = missing_meetings(session, case)  # a finding the supervisor's spot checks count
        extra = (
            {"meetings_incomplete": True, "missing_meetings": [m.value for m in missing]} if missing else {}
        )
        return step.finish(extra=extra)


def record_delivery(session: Session, actor: User, case_id: int, version: int, *, delivered_on: date) -> Case:
    """Record the day the petitioner received the reply or the review decision; his window opens."""
    with _step(session, actor, case_id, version, "record_delivery") as step:
        case, errors = step.case, Errors()
        target = _delivery_field(case)
        step.date(errors, "delivered_on", delivered_on)
        errors.raise_if_any()
        setattr(case, target, delivered_on)
        return step.finish()


def rate(
    session: Session,
    actor: User,
    case_id: int,
    version: int,
    *,
    satisfaction: Satisfaction | str,
    rated_on: date,
) -> Case:
    """Record the petitioner's satisfaction with the reply, or that he did not rate it."""
    with _step(session, actor, case_id, version, "rate") as step:
        case, errors = step.case, Errors()
        satisfaction = _enum(errors, "satisfaction", Satisfaction, satisfaction)
        step.date(errors, "rated_on", rated_on)
        end = rating_window_end(case, rating_window_days(session))
        if satisfaction == Satisfaction.NOT_RATED and "rated_on" not in errors.errors and rated_on <= end:
            # "Not rated" is what the window's passing says, never a clerk's entry on the day of the reply.
            errors.add("satisfaction", t("workflow.error.not_rated_early", date=end))
        errors.raise_if_any()
        case.status, case.satisfaction, case.rated_on = S.RATED, satisfaction, rated_on
        return step.finish()


def close(
    session: Session, actor: User, case_id: int, version: int, *, closed_on: date, note: str | None = None
) -> Case:
    """Close the case (办结); a first petition without all three meetings is closed but flagged.

    A replied case is closed only once its delivered reply's rating window has passed unrated: it is closed as
    not rated, after that window.
    """
    with _step(session, actor, case_id, version, "close", note=note) as step:
        case, errors = step.case, Errors()
        step.date(errors, "closed_on", closed_on)
        unrated = case.status == S.REPLIED
        end = rating_window_end(case, rating_window_days(session))
        if unrated and "closed_on" not in errors.errors and closed_on <= end:
            errors.add("closed_on", t("workflow.error.close_in_rating_window", date=end))
        errors.raise_if_any()
        if unrated:
            case.satisfaction = Satisfaction.NOT_RATED
        missing = missing_meetings(session, case)
        first = case.closed_on is None
        case.status, case.closed_on = S.CLOSED, case.closed_on or closed_on  # the indicators count the first
        _set_stage(session, case, None, None)
        extra = {} if first else {"closed_again_on": closed_on}  # a later close stays in the history
        if missing:
            extra |= {"meetings_incomplete": True, "missing_meetings": [m.value for m in missing]}
        return step.finish(note=note, extra=extra)


# --- review (复查) and re-examination (复核) -------------------------------------------------------


def request_review(
    session: Session, actor: User, case_id: int, version: int, *, requested_on: date, note: str | None = None
) -> Case:
    """Record the petitioner's review request (复查), refused outside 30 days from receiving the reply."""
    with _step(session, actor, case_id, version, "request_review", note=note) as step:
        case = step.case
        _check_request(step, requested_on, case.reply_received_on, Stage.REVIEW_REQUEST)
        case.status, case.review_requested_on = S.REVIEW_REQUESTED, requested_on
        _set_stage(session, case, Stage.REVIEW, requested_on)
        return step.finish(note=note)


def decide_review(
    session: Session,
    actor: User,
    case_id: int,
    version: int,
    *,
    decided_on: date,
    outcome: Outcome | str,
    summary: str,
    delivered_on: date | None = None,
) -> Case:
    """Record the review decision (复查意见) and optionally the day the petitioner received it."""
    with _step(session, actor, case_id, version, "decide_review") as step:
        case, errors = step.case, Errors()
        step.date(errors, "decided_on", decided_on)
        outcome = _enum(errors, "outcome", Outcome, outcome)
        errors.text("summary", summary)
        if delivered_on is not None:
            errors.date("delivered_on", delivered_on, after=decided_on, after_field="review_decided_on")
        errors.raise_if_any()
        case.status, case.review_decided_on, case.review_outcome = S.REVIEWED, decided_on, outcome
        case.review_decision_received_on = delivered_on
        _set_stage(session, case, None, None)
        return step.finish(note=summary)


def request_reexam(
    session: Session, actor: User, case_id: int, version: int, *, requested_on: date, note: str | None = None
) -> Case:
    """Record a re-examination request (复核), refused outside 30 days from receiving the review decision."""
    with _step(session, actor, case_id, version, "request_reexam", note=note) as step:
        case = step.case
        _check_request(step, requested_on, case.review_decision_received_on, Stage.REEXAM_REQUEST)
        case.status, case.reexam_requested_on = S.REEXAM_REQUESTED, requested_on
        _set_stage(session, case, Stage.REEXAM, requested_on)
        return step.finish(note=note)


def decide_reexam(
    session: Session,
    actor: User,
    case_id: int,
    version: int,
    *,
    decided_on: date,
    outcome: Outcome | str,
    summary: str,
) -> Case:
    """Record the re-examination decision; the matter ends and is not accepted again (第36条第3款)."""
    with _step(session, actor, case_id, version, "decide_reexam") as step:
        case, errors = step.case, Errors()
        step.date(errors, "decided_on", decided_on)
        outcome = _enum(errors, "outcome", Outcome, outcome)
        errors.text("summary", summary)
        errors.raise_if_any()
        case.status, case.reexam_decided_on, case.reexam_outcome = S.TERMINATED, decided_on, outcome
        case.not_accepted_again, case.closed_on = True, case.closed_on or decided_on
        _set_stage(session, case, None, None)
        return step.finish(note=summary)


# --- leaders and repeats --------------------------------------------------------------------------


def take_charge(
    session: Session, actor: User, case_id: int, version: int, *, note: str | None = None
) -> Case:
    """Make the acting leader personally in charge of the case (包案)."""
    with _step(session, actor, case_id, version, "take_charge", note=note) as step:
        step.case.leader_in_charge_id = actor.id
        return step.finish(note=note)


def instruct(session: Session, actor: User, case_id: int, version: int, *, instruction: str) -> Case:
    """Record the leader-in-charge's instruction (批示) or follow-up note on his 包案 case."""
    with _step(session, actor, case_id, version, "instruct") as step:
        errors = Errors()
        errors.text("instruction", instruction)
        errors.raise_if_any()
        return step.finish(note=instruction)


def urge(session: Session, actor: User, case_id: int, version: int, *, note: str) -> Case:
    """Record the supervisor's urging (督办/催办) of the case, until supervision letters carry it."""
    with _step(session, actor, case_id, version, "urge") as step:
        errors = Errors()
        errors.text("note", note)
        errors.raise_if_any()
        return step.finish(note=note)


def link_repeat(
    session: Session,
    actor: User,
    case_id: int,
    version: int,
    *,
    repeat_of_id: Id,
    note: str | None = None,
    new_facts: str | None = None,
) -> Linked:
    """Mark the case as a repeat petition of an earlier case, with the earlier matter's finality: 不再受理
    after 复核 or a lapsed window (第36条), handled in the earlier case while it is live (第19条第3款), unless
    the petitioner brings new facts and reasons (`new_facts`, kept in the event)."""
    with _step(session, actor, case_id, version, "link_repeat", note=note) as step:
        case, errors = step.case, Errors()
        earlier = _other_case(session, actor, errors, "repeat_of_id", repeat_of_id, case)
        if earlier is not None and earlier.repeat_of_id == case.id:
            errors.add("repeat_of_id", t("workflow.error.repeat_cycle", number=earlier.number))
        elif earlier is not None and earlier.received_on > case.received_on:
            errors.add("repeat_of_id", t("workflow.error.repeat_later", number=earlier.number))
        errors.text("new_facts", new_facts, required=False)
        errors.raise_if_any()
        on = timeutil.today()
        standing = settle_repeat(session, actor, case, earlier, on, new_facts)
        if standing.ended:
            _end_open_pause(session, case, on)
            case.paused_since, case.closed_on = None, on if standing.kind == "barred" else None
            _set_stage(session, case, None, None)
        extra = {"repeat_of": earlier.number} | (
            {"new_facts": new_facts.strip()} if standing.new_matter else {}
        )
        standing.record_on_live(session, actor, case)
        step.finish(note=note, extra=extra)
        return Linked(case=case, not_accepted_again=standing.kind == "barred", message=standing.message)


# --- the transition table -------------------------------------------------------------------------

# action -> the function that carries it out, where it may start, who may take it. The screens and the API
# call TRANSITIONS[action].func; the function and the action share their name (the event's `action`).
TRANSITIONS: dict[str, Transition] = {
    "forward": _tr(forward, {S.REGISTERED}, "case.triage", _may_enter_clock),
    "assign": _tr(assign, {S.REGISTERED}, "case.triage", _may_enter_clock),
    "accept": _tr(accept, {S.FORWARDED, S.ASSIGNED}, "case.accept", _accepted_again),
    "decline": _tr(decline, {S.FORWARDED, S.ASSIGNED}, "case.accept"),
    "raise_objection": _tr(raise_objection, {S.FORWARDED, S.ASSIGNED}, "case.object", _not_objected),
    "settle_dispute": _tr(settle_dispute, {S.OBJECTED}, "case.settle_dispute"),
    "pause": _tr(
        pause,
        {S.HANDLING, S.MEDIATING, S.REVIEW_REQUESTED, S.REEXAM_REQUESTED},
        _stage_permission,
        _clock_is_handling,
    ),
    "resume": _tr(resume, {S.PAUSED}, _stage_permission),
    "extend": _tr(extend, {S.HANDLING, S.MEDIATING}, "case.extend", _extend_guard),
    "refer_mediation": _tr(refer_mediation, {S.REGISTERED, S.HANDLING}, _office_or_unit),
    "return_from_mediation": _tr(return_from_mediation, {S.MEDIATING}, _office_or_unit),
    "record_meeting": _tr(
        record_meeting, {S.HANDLING, S.PAUSED, S.MEDIATING, S.REPLIED, S.RATED}, "case.handle"
    ),
    "reply": _tr(reply, {S.HANDLING}, _reply_permission),
    "record_delivery": _tr(
        record_delivery, {S.REPLIED, S.RATED, S.CLOSED, S.REVIEWED}, _delivery_permission, _delivery_pending
    ),
    "rate": _tr(rate, {S.REPLIED}, "case.rate", _reply_delivered),
    "close": _tr(close, {S.REPLIED, S.RATED, S.REVIEWED}, "case.close", _closable),
    "request_review": _tr(request_review, {S.REPLIED, S.RATED, S.CLOSED}, "case.review", _review_open),
    "decide_review": _tr(decide_review, {S.REVIEW_REQUESTED}, "case.review"),
    "request_reexam": _tr(request_reexam, {S.REVIEWED, S.CLOSED}, "case.review", _reexam_open),
    "decide_reexam": _tr(decide_reexam, {S.REEXAM_REQUESTED}, "case.review"),
    "route_out": _tr(route_out, {*BEFORE_ACCEPTANCE, S.HANDLING, S.PAUSED}, _office_or_unit),
    "merge": _tr(merge, {S.REGISTERED, S.FORWARDED, S.ASSIGNED}, "case.triage"),
    "withdraw": _tr(withdraw, BEFORE_REPLY, "case.withdraw"),
    "invalidate": _tr(invalidate, {S.REGISTERED}, "case.triage"),
    "take_charge": _tr(take_charge, OPEN, "case.take_charge", _not_in_charge),
    "link_repeat": _tr(link_repeat, BEFORE_REPLY, "case.register", _not_linked),
    "instruct": _tr(instruct, OPEN, "case.instruct", _in_charge),
    "urge": _tr(urge, OPEN, "case.urge"),
}
