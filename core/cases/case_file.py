"""The case file (案件卷宗): one read that gathers everything the case page shows, in a bounded number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, select

from core.accounts import permissions, pii
from core.calendar import clock
from core.cases import workflow
from core.cases.registration import get_case
from i18n import catalog, get_language, t
from models import (
    Attachment,
    Case,
    CaseEvent,
    CaseMeeting,
    CasePause,
    CaseStatus,
    CaseUnit,
    Community,
    Document,
    Grid,
    MeetingKind,
    Stage,
    Street,
    Unit,
    User,
)

EVENT_LIMIT = 300  # the newest events shown; older ones stay in the audit log
LINK_LIMIT = 50  # per relation: a frequent petitioner may have many repeats
REPEAT_RELATIONS = frozenset({"repeat_of", "repeated_by"})
UNIT_FIELDS = ("lead_unit_id",)
UNIT_LIST_FIELDS = ("assisting_unit_ids",)
USER_FIELDS = ("leader_in_charge_id", "received_by_leader_id", "registrar_id")
# The petitioner's own windows to ask for a review: their end is no deadline of the office.
PETITIONER_WINDOWS = frozenset({Stage.REVIEW_REQUEST, Stage.REEXAM_REQUEST})
# stage -> the case field that records the stage was done
STAGE_DONE = {
    Stage.TRIAGE: "triaged_on",
    Stage.ACCEPTANCE: "accepted_on",
    Stage.OBJECTION: "objected_on",
    Stage.DISPUTE: "dispute_settled_on",
    Stage.HANDLING: "replied_on",
    Stage.REVIEW_REQUEST: "review_requested_on",
    Stage.REVIEW: "review_decided_on",
    Stage.REEXAM_REQUEST: "reexam_requested_on",
    Stage.REEXAM: "reexam_decided_on",
}


@dataclass(frozen=True)
class UnitOnCase:
    """A unit working on the case: lead (主办) or assisting (协办)."""

    unit_id: int
    name: str
    role: str
    assigned_on: date | None


@dataclass(frozen=True)
class LinkedCase:
    """Another case related to this one; `relation` says how (repeat_of, repeated_by, merged_into, …)."""

    relation: str
    id: int
    number: str
    title: str
    status: str
    received_on: date


@dataclass(frozen=True)
class StageDue:
    """One stage's due date on the case file, and whether it runs now or was done (and when)."""

    stage: str
    on: date
    provisional: bool
    current: bool
    running: bool
    done_on: date | None


@dataclass
class CaseFile:
    """Everything the case page shows about one case, read for one user."""

    case: Case
    today: date
    calendar: clock.Calendar
    units: list[UnitOnCase]
    parties: list[dict]
    attachments: list[Attachment]
    meetings: list[CaseMeeting]
    missing_meetings: list[MeetingKind]
    pauses: list[CasePause]
    events: list[CaseEvent]
    events_truncated: bool
    linked: list[LinkedCase]
    documents: list[Document]
    stages: list[StageDue]
    actions: list[str]
    unit_names: dict[int, str] = field(default_factory=dict)
    user_names: dict[int, str] = field(default_factory=dict)
    place: list[str] = field(default_factory=list)
    can_reveal: bool = False
    material_hidden: bool = False  # the accuser's content and request are kept from this user (第30条)

    @property
    def lead_unit(self) -> UnitOnCase | None:
        """Return the lead unit (主办), if the case has one."""
        return next((u for u in self.units if u.role == "lead"), None)


def load(session: Session, user: User, case_id: int, today: date) -> CaseFile:
    """Return the case file as the user may see it; NotFound when the case is not visible to him."""
    case = get_case(session, user, case_id)
    units = _units(session, case)  # loads Unit rows first, so pii's lead-unit check needs no query
    events, truncated = _events(session, case.id)
    events = pii.events_for(user, case, events)
    meetings = _meetings(session, case.id)
    cal, limits = clock.load_calendar(session), clock.load_limits(session)
    return CaseFile(
        case=case,
        today=today,
        calendar=cal,
        units=units,
        parties=pii.party_view(session, user, case),
        attachments=pii.visible_attachments(session, user, case),
        meetings=meetings,
        missing_meetings=_missing(case, meetings),
        pauses=_pauses(session, case.id),
        events=events,
        events_truncated=truncated,
        linked=linked_cases(session, user, case),
        documents=documents_of(session, case.id, pii.can_see_identity(user, case)),
        stages=stage_dues(case, clock.due_dates(case, cal, limits)),
        actions=workflow.available_actions(session, user, case),
        unit_names=_unit_names(session, units, events),
        user_names=_user_names(session, case, events),
        place=_place(session, case),
        can_reveal=permissions.allowed(user, "pii.reveal"),
        material_hidden=not pii.can_see_identity(user, case),
    )


def _units(session: Session, case: Case) -> list[UnitOnCase]:
    stmt = (
        select(CaseUnit, Unit)
        .join(Unit, Unit.id == CaseUnit.unit_id)
        .where(CaseUnit.case_id == case.id)
        .order_by(CaseUnit.role.desc(), CaseUnit.id)
    )
    return [
        UnitOnCase(unit.id, unit.name, getattr(cu.role, "value", cu.role), cu.assigned_on)
        for cu, unit in session.exec(stmt).all()
    ]


def _events(session: Session, case_id: int) -> tuple[list[CaseEvent], bool]:
    """Return the newest events of the case, oldest first, and whether older ones were left out."""
    stmt = (
        select(CaseEvent)
        .where(CaseEvent.case_id == case_id)
        .order_by(CaseEvent.at.desc(), CaseEvent.id.desc())
        .limit(EVENT_LIMIT + 1)
    )
    rows = list(session.exec(stmt).all())
    return rows[:EVENT_LIMIT][::-1], len(rows) > EVENT_LIMIT


def _meetings(session: Session, case_id: int) -> list[CaseMeeting]:
    stmt = select(CaseMeeting).where(CaseMeeting.case_id == case_id)
    return list(session.exec(stmt.order_by(CaseMeeting.held_on, CaseMeeting.id)).all())


def _missing(case: Case, meetings: list[CaseMeeting]) -> list[MeetingKind]:
    """Return the meetings of 三见面 a first petition still lacks (same rule as workflow.missing_meetings)."""
    if not case.is_first:
        return []
    held = {MeetingKind(m.kind) for m in meetings}
    return [kind for kind in MeetingKind if kind not in held]


def _pauses(session: Session, case_id: int) -> list[CasePause]:
    stmt = select(CasePause).where(CasePause.case_id == case_id)
    return list(session.exec(stmt.order_by(CasePause.started_on, CasePause.id)).all())


def documents_of(session: Session, case_id: int, identity: bool) -> list[Document]:
    """Return the case's documents, newest revision first; one naming a hidden accuser is left out (第30条)."""
    stmt = select(Document).where(Document.case_id == case_id)
    if not identity:
        stmt = stmt.where(Document.confidential.is_(False))
    order = (Document.kind, Document.number, Document.revision.desc(), Document.id.desc())
    return list(session.exec(stmt.order_by(*order)).all())


# --- linked cases ---------------------------------------------------------------------------------

_LINK_COLUMNS = (Case.id, Case.number, Case.title, Case.status, Case.received_on)


def _link_branch(user: User, relation: str, condition) -> sa.Select:
    if relation in REPEAT_RELATIONS:  # a repeat is the same person's: never a way to an accuser kept from him
        condition = sa.and_(condition, pii.identity_clause(user))
    stmt = sa.select(sa.literal(relation).label("relation"), *_LINK_COLUMNS).where(condition)
    return permissions.scope_cases(stmt, user).order_by(Case.received_on, Case.id).limit(LINK_LIMIT)


def linked_cases(session: Session, user: User, case: Case) -> list[LinkedCase]:
    """Return the visible cases this one repeats, is repeated by, is merged into or from, and reviews."""
    # merged_into_id has no index of its own, but only merged cases carry it: the status index finds them.
    # review_of_id has no index either, and review and re-examination run on the case itself, so the
    # chain is followed forward only (a reverse lookup would scan the whole table).
    merged_here = sa.and_(Case.status == CaseStatus.MERGED, Case.merged_into_id == case.id)
    repeats = not pii.is_sensitive(case) or pii.can_see_identity(user, case)
    branches = [_link_branch(user, "merged_from", merged_here)]
    if repeats:
        branches.append(_link_branch(user, "repeated_by", Case.repeat_of_id == case.id))
    for relation, target in (
        ("repeat_of", case.repeat_of_id if repeats else None),
        ("merged_into", case.merged_into_id),
        ("review_of", case.review_of_id),
    ):
        if target is not None:
            branches.append(_link_branch(user, relation, Case.id == target))
    # Each branch is its own subquery so that its ORDER BY/LIMIT applies; one round trip in all.
    union = sa.union_all(*(sa.select(b.subquery()) for b in branches))
    rows = session.execute(union).all()
    order = ("repeat_of", "merged_into", "review_of", "repeated_by", "merged_from")
    rows.sort(key=lambda r: (order.index(r.relation), r.received_on, r.id))
    return [
        LinkedCase(r.relation, r.id, r.number, r.title, getattr(r.status, "value", r.status), r.received_on)
        for r in rows
    ]


def case_id_for_number(session: Session, user: User, number: str | None) -> int | None:
    """Return the id of the visible case with this number (as typed in a form), or None."""
    number = (number or "").strip().upper()
    if not number or len(number) > 20:
        return None
    stmt = permissions.scope_cases(select(Case.id).where(Case.number == number), user)
    return session.exec(stmt).first()


# --- due dates ------------------------------------------------------------------------------------


def _running(case: Case, stage: str) -> bool:
    """Return whether the stage's deadline runs now (the current stage, or a window open beside it)."""
    status = CaseStatus(case.status)
    if stage == case.stage:
        return True
    if stage == Stage.OBJECTION:
        return status in {CaseStatus.FORWARDED, CaseStatus.ASSIGNED} and case.objected_on is None
    if stage == Stage.REVIEW_REQUEST:
        return case.review_requested_on is None and status in {
            CaseStatus.REPLIED,
            CaseStatus.RATED,
            CaseStatus.CLOSED,
        }
    if stage == Stage.REEXAM_REQUEST:
        return case.reexam_requested_on is None and status in {CaseStatus.REVIEWED, CaseStatus.CLOSED}
    return False


def stage_dues(case: Case, dues: dict[str, clock.Due]) -> list[StageDue]:
    """Return each stage's due date in the order of DOMAIN.md §4, marking the current and the running ones."""
    out = []
    for stage, due in dues.items():
        done_on = getattr(case, STAGE_DONE[stage]) if stage in STAGE_DONE else None
        current = stage == case.stage
        running = done_on is None and _running(case, stage)
        if stage == Stage.OBJECTION and done_on is None and not running:
            continue  # the unit accepted without objecting: its objection window no longer matters
        out.append(StageDue(stage, due.on, due.provisional, current, running, None if current else done_on))
    return out


# --- names for ids --------------------------------------------------------------------------------


def _event_ids(events: list[CaseEvent], scalar: tuple[str, ...], lists: tuple[str, ...] = ()) -> set[int]:
    ids: set[int] = set()
    for event in events:
        for values in (event.before or {}, event.after or {}):
            ids.update(v for k in scalar if isinstance(v := values.get(k), int))
            for k in lists:
                ids.update(v for v in values.get(k) or () if isinstance(v, int))
    return ids


def _unit_names(session: Session, units: list[UnitOnCase], events: list[CaseEvent]) -> dict[int, str]:
    names = {u.unit_id: u.name for u in units}
    missing = _event_ids(events, UNIT_FIELDS, UNIT_LIST_FIELDS) - set(names)
    if missing:
        names.update(session.execute(sa.select(Unit.id, Unit.name).where(Unit.id.in_(missing))).all())
    return names


def _user_names(session: Session, case: Case, events: list[CaseEvent]) -> dict[int, str]:
    ids = {getattr(case, f) for f in USER_FIELDS} | _event_ids(events, USER_FIELDS)
    ids.discard(None)
    if not ids:
        return {}
    return dict(session.execute(sa.select(User.id, User.display_name).where(User.id.in_(ids))).all())


def _place(session: Session, case: Case) -> list[str]:
    """Return the names of the case's street, community and grid (those it has)."""
    stmt = (
        sa.select(Street.name, Community.name, Grid.name)
        .select_from(Case)
        .outerjoin(Street, Street.id == Case.street_id)
        .outerjoin(Community, Community.id == Case.community_id)
        .outerjoin(Grid, Grid.id == Case.grid_id)
        .where(Case.id == case.id)
    )
    row = session.execute(stmt).first() if case.street_id or case.community_id or case.grid_id else None
    return [name for name in (row or ()) if name]


def event_label(action: str) -> str:
    """Return the words for an event's action: a workflow action's button label, or the event's own."""
    if action in workflow.TRANSITIONS:
        return workflow.action_label(action)
    words = catalog(get_language())
    for key in (f"casefile.event.{action.replace('.', '_')}", f"audit.action.{action.replace('.', '_')}"):
        if key in words:  # an event of its own, else the audit log's label (every action has one)
            return t(key)
    return action
