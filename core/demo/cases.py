"""Writing a planned demo case: its steps up to today applied to the case row, one timeline event each with
the before/after of what it changed, the clock's due date, and its parties, units, meetings and pauses."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from core.calendar import clock
from core.cases.registration import REGISTER_FIELDS
from core.cases.workflow import is_ended
from core.demo.draw import between, choice
from core.demo.history import Ref
from core.demo.intake import Draft
from core.demo.steps import Step
from core.demo.tables import EVENT_MINUTES
from core.demo.texts import MEETING_NOTES, PAUSE_REASONS
from models import CaseStatus as S
from models import Stage
from models.base import CST

if TYPE_CHECKING:
    from core.demo.context import Demo

MEETING_PLACES = (
    "信访人家中",
    "区群众工作中心接待室",
)  # besides the street's reception room and the community's


class _Clocked:
    """The attributes core.clock.refresh_case reads and writes."""

    __slots__ = (
        "acceptance_due_on",
        "accepted_on",
        "due_on",
        "due_provisional",
        "extension_days",
        "handling_paused_days",
        "paused_days",
        "paused_since",
        "reply_due_on",
        "stage",
        "stage_started_on",
        "unit_received_on",
    )

    def __init__(self, f: dict):
        for name in self.__slots__:
            setattr(self, name, f.get(name))
        for name in ("extension_days", "handling_paused_days", "paused_days"):
            setattr(self, name, f.get(name) or 0)
        self.due_provisional = bool(self.due_provisional)


class _Life:
    """A case while its steps are applied: its status, its last event, who acts in each role."""

    __slots__ = ("status", "last_at", "last_actor", "events", "lead_on", "actors")

    def __init__(self, actors: dict):
        self.status: str | None = None
        self.last_at: datetime | None = None
        self.last_actor: int = actors["registrar"]
        self.events = 0
        self.lead_on: date | None = None
        self.actors = actors


def write_case(demo: Demo, draft: Draft, f: dict) -> None:
    """Apply the steps up to today; write the case with its events, parties, units, meetings and pauses."""
    T, staff = demo.today, demo.staff
    f.update(stage=None, stage_started_on=None, due_on=None, due_provisional=False, handling_paused_days=0)
    actors = {"registrar": f["registrar_id"], "handler": staff.handler(demo.rng, draft.lead)}
    actors.update(leader=f["received_by_leader_id"] or staff.leaders[0], in_charge=draft.in_charge)
    life = _Life(actors)
    for step in draft.steps:
        if step.on > T:
            break
        new_lead = step.changes.get("lead_unit_id")
        if new_lead and new_lead != f.get("lead_unit_id"):
            actors["handler"], life.lead_on = staff.handler(demo.rng, new_lead), step.on
        _apply(demo, draft, f, step, life)
    _set_due(demo, f)
    demo.w.add(
        "case",
        id=draft.id,
        number=draft.number,
        updated_at=life.last_at,
        updated_by_id=life.last_actor,
        version=life.events,
        **f,
    )
    _write_case_rows(demo, draft, f, life.lead_on)
    _refer(demo, draft, f)
    _remember(demo, draft, f, life.status)


def _set_due(demo: Demo, f: dict) -> None:
    """Set the due date of the running stage and the kept stage deadlines, as core.calendar.clock decides."""
    c = _Clocked(f)
    clock.refresh_case(c, demo.cal, demo.limits)  # a paused case (paused_since set) gets no current deadline
    # the ended stages' too: the demo writes a case once, at its last step
    acceptance, reply = clock.stage_deadlines_of(c, demo.cal, demo.limits)
    f.update(
        due_on=c.due_on,
        due_provisional=c.due_provisional,
        acceptance_due_on=acceptance,
        reply_due_on=reply,
    )


def _refer(demo: Demo, draft: Draft, f: dict) -> None:
    """Hand a referral made by today to the mediation centre, which writes it on its application day."""
    m = draft.mediation
    if m is not None and m["applied"] <= demo.today:
        spec = {
            "plan": m,
            "case_id": draft.id,
            "place": draft.place,
            "subject": draft.subject,
            "title": f["title"],
        }
        spec["petitioner"] = draft.petitioner
        demo.memory.refer(m["applied"], draft.id, spec)


def _apply(demo: Demo, draft: Draft, f: dict, step: Step, life: _Life) -> None:
    """Apply one step to the case fields and append its event, with before/after of what changed."""
    old_status = life.status
    status = step.status
    changes = step.changes
    before = {k: f.get(k) for k in changes}
    f.update(changes)
    if "accepted_on" in changes:
        f["handling_paused_days"] = 0
    if "paused_days" in changes and f.get("stage") == Stage.HANDLING:  # kept for the reply deadline
        f["handling_paused_days"] = f["paused_days"]
    if status != old_status:
        before["status"] = old_status
        f["status"] = status
        stage, start = (None, None) if is_ended(status) else _stage(status, f)
        if stage != f["stage"] or start != f["stage_started_on"]:
            before["stage"], before["stage_started_on"] = f["stage"], f["stage_started_on"]
            f["stage"], f["stage_started_on"] = stage, start
            if "paused_days" not in changes:
                f["paused_days"] = 0  # pauses belong to one stage
    life.status = status
    if step.action is None:
        return
    at = _event_time(demo, step.on, life.last_at)
    actor = life.actors[step.actor]
    life.last_at, life.last_actor, life.events = at, actor, life.events + 1
    object_type, object_id = "case", draft.id
    if step.action == "register":
        f["registered_at"] = at
        before, after = None, _registration(demo, draft, f, status)
    elif step.meeting:
        object_type = "case_meeting"
        object_id, after = _meeting(demo, draft, step.meeting, actor)
        before = None
    else:
        before, after = _diff(before, f, step.extra)
    demo.w.add(
        "case_event",
        id=demo.w.new_id("case_event"),
        at=at,
        actor_id=actor,
        actor_name=demo.staff.names[actor],
        action=step.action,
        object_type=object_type,
        object_id=object_id,
        case_id=draft.id,
        before=before,
        after=after,
        note=step.note,
    )


def _event_time(demo: Demo, on: date, last_at: datetime | None) -> datetime:
    """Return when a step's event happened: office hours, after the case's last event, never after now."""
    rng, now = demo.rng, demo.now
    slot = int(rng.random() * 72)  # 08:00 … 16:50, in ten-minute steps
    at = datetime.combine(on, time(8 + slot // 8, EVENT_MINUTES[slot % 8]), tzinfo=CST)
    if on == demo.today:  # today's work happened between 08:00 and now, not later
        opened = datetime.combine(on, time(8, 0), tzinfo=CST)
        at = min(now, opened + (now - opened) * (slot / 72)) if now > opened else now
    if last_at is not None and at <= last_at:
        at = last_at + timedelta(minutes=between(rng, 5, 60))
    return min(at, now) if on >= demo.today else at


def _diff(before: dict, f: dict, extra: dict | None) -> tuple[dict, dict]:
    """Return before/after of the fields that changed, as audit.diff keeps them, dates as ISO text."""
    after = {k: f[k] for k in before if f[k] != before[k]}
    before = {k: before[k] for k in after}
    if extra:
        after.update(extra)
    for d in (before, after):
        for k, v in d.items():
            if type(v) is date:
                d[k] = v.isoformat()
    return before, after


def _stage(status: str, f: dict) -> tuple[str | None, date | None]:
    """Return the clock stage of the case and the day it started, as core.workflow sets them."""
    if status == S.REGISTERED:
        return Stage.TRIAGE, f["received_on"]
    if status in (S.FORWARDED, S.ASSIGNED):
        return Stage.ACCEPTANCE, f["unit_received_on"]
    if status == S.OBJECTED:
        return Stage.DISPUTE, f["objected_on"]
    if status in (S.HANDLING, S.PAUSED, S.MEDIATING):
        return Stage.HANDLING, f["accepted_on"]
    if status == S.REVIEW_REQUESTED:
        return Stage.REVIEW, f["review_requested_on"]
    if status == S.REEXAM_REQUESTED:
        return Stage.REEXAM, f["reexam_requested_on"]
    return None, None  # replied, rated and reviewed wait for the petitioner; ended cases have no clock


def _registration(demo: Demo, draft: Draft, f: dict, status: str) -> dict:
    """The register event's `after`, as core.cases.register_case writes it (REGISTER_FIELDS and parties)."""
    due = None
    if f["stage"]:
        due = clock.stage_due(demo.cal, demo.limits, f["stage"], f["stage_started_on"]).on.isoformat()
    defaults = demo.w.defaults["case"]
    after = {k: f.get(k, defaults[k]) for k in REGISTER_FIELDS}
    after.update(number=draft.number, status=status, due_on=due)
    for k, v in after.items():
        if type(v) is date:
            after[k] = v.isoformat()
    after["parties"] = [{"person_id": p, "role": role} for p, role in dict.fromkeys(draft.parties)]
    return after


def _meeting(demo: Demo, draft: Draft, meeting: tuple[str, date], handler: int) -> tuple[int, dict]:
    """Write one of the three meetings (三见面); return its id and what its event shows."""
    kind, on = meeting
    s, c = demo.world.streets[draft.place.street], demo.world.communities[draft.place.community]
    place = choice(demo.rng, [f"{s['name']}信访接待室", f"{c['name']}居委会", *MEETING_PLACES])
    people = f"承办人{demo.staff.names[handler]}、信访人{draft.petitioner}"
    meeting_id = demo.w.add_row(
        "case_meeting",
        case_id=draft.id,
        kind=kind,
        held_on=on,
        place=place,
        people=people,
        notes=MEETING_NOTES[kind],
        recorded_by_id=handler,
        created_at=demo.at(on, 17, 30),
    )
    return meeting_id, {"kind": kind, "held_on": on.isoformat(), "place": place, "people": people}


def _write_case_rows(demo: Demo, draft: Draft, f: dict, lead_on: date | None) -> None:
    """Parties, the lead and assisting units, and pauses of a written case."""
    w, cid = demo.w, draft.id
    lead = f.get("lead_unit_id")
    demo.memory.case_lead.append(lead or 0)
    for pid, role in dict.fromkeys(draft.parties):
        w.add("case_party", id=w.new_id("case_party"), case_id=cid, person_id=pid, role=role)
    units = [(lead, "lead"), *((u, "assist") for u in draft.assists)] if lead else []
    for unit, role in units:
        w.add(
            "case_unit", id=w.new_id("case_unit"), case_id=cid, unit_id=unit, role=role, assigned_on=lead_on
        )
    if draft.pause and draft.pause[1] <= demo.today:
        kind, since, length = draft.pause
        end = since + timedelta(days=length)
        w.add(
            "case_pause",
            id=w.new_id("case_pause"),
            case_id=cid,
            kind=kind,
            stage=Stage.HANDLING,
            started_on=since,
            ended_on=end if end <= demo.today else None,
            reason=PAUSE_REASONS[kind],
        )


def _remember(demo: Demo, draft: Draft, f: dict, status: str) -> None:
    """Keep what later cases (repeats, merges) and the supervision need to know of this case."""
    T, lead, memory = demo.today, f.get("lead_unit_id"), demo.memory
    if draft.late and draft.late[0] < T:
        done = draft.late[1] if draft.late[1] <= T else None
        memory.late.append((draft.id, draft.number, lead, draft.late[0], done))
    if (draft.group_size > 1 or draft.parent) and f.get("triaged_on") and lead:
        memory.risky.append((draft.id, draft.number, lead, f["triaged_on"]))
    if draft.persons and status not in ("invalid", "merged"):
        unhappy = draft.unhappy_on if draft.unhappy_on and draft.unhappy_on <= T else None
        ended = draft.terminated_on if draft.terminated_on and draft.terminated_on <= T else None
        ref = Ref(
            draft.id,
            draft.number,
            draft.received,
            draft.subject,
            draft.category,
            draft.place,
            draft.persons,
            draft.petitioner,
            draft.group_size,
            f["title"],
            unhappy,
            ended,
            lead,
        )
        memory.recent.append(ref)
        if unhappy:
            memory.unhappy.append(ref)
    demo.cases_done += 1
