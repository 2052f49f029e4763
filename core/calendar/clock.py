"""The statutory clock (DOMAIN.md §4): stage limits, working days, due dates and alert colours.

Counting follows 民事诉讼法第85条: the start day is not counted; "N days" are calendar days and a
last day that is a rest day moves to the next working day; "N working days" count working days only.
"""

from __future__ import annotations

import logging
import time
from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session

from models import Case, Holiday, HolidayYear, Stage

log = logging.getLogger(__name__)

CALENDAR, WORKING = "calendar", "working"
UNITS = (CALENDAR, WORKING)
HANDLING, EXTENSION = Stage.HANDLING, Stage.EXTENSION
GREEN, YELLOW, RED = "green", "yellow", "red"

# stage key -> the Case field its clock starts from (DOMAIN.md §4, column "from")
STAGE_STARTS: dict[Stage, str] = {
    Stage.TRIAGE: "received_on",
    Stage.ACCEPTANCE: "unit_received_on",
    Stage.OBJECTION: "unit_received_on",
    Stage.DISPUTE: "objected_on",
    Stage.HANDLING: "accepted_on",
    Stage.REVIEW_REQUEST: "reply_received_on",
    Stage.REVIEW: "review_requested_on",
    Stage.REEXAM_REQUEST: "review_decision_received_on",
    Stage.REEXAM: "reexam_requested_on",
}

_WINDOW_FIRST_YEAR = 2000  # days in the precomputed window are answered by bisect, others by a loop
_WINDOW_YEARS_AHEAD = 25
_MEMO_MAX = 200_000
CACHE_SECONDS = 60.0  # another replica's holiday edit reaches this process within this time


@dataclass(frozen=True, slots=True)
class StageLimit:
    """A stage's time limit: a number of calendar or working days."""

    days: int
    unit: str  # "calendar" | "working"

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(f"unit must be one of {UNITS}, not {self.unit!r}")
        if self.days < 0:
            raise ValueError(f"days must not be negative, got {self.days}")


@dataclass(frozen=True, slots=True)
class Due:
    """A due date; provisional when it lies beyond the years of the holiday table."""

    on: date
    provisional: bool


@dataclass(frozen=True, eq=False)
class Calendar:
    """Working days: Monday–Friday, corrected by the holiday table up to `last_known_year`."""

    overrides: Mapping[date, bool]  # date -> is_workday (holidays False, 调休 make-up weekend days True)
    last_known_year: int
    _lo: int = field(init=False, repr=False)
    _flags: bytearray = field(init=False, repr=False)
    _workdays: list[int] = field(init=False, repr=False)
    _memo: dict = field(init=False, repr=False)

    def __post_init__(self) -> None:
        years = [d.year for d in self.overrides] or [_WINDOW_FIRST_YEAR]
        lo = date(min(_WINDOW_FIRST_YEAR, *years), 1, 1).toordinal()
        hi = date(max(self.last_known_year, 2026, *years) + _WINDOW_YEARS_AHEAD, 12, 31).toordinal()
        flags = bytearray(self._rule(date.fromordinal(o)) for o in range(lo, hi + 1))
        object.__setattr__(self, "_lo", lo)
        object.__setattr__(self, "_flags", flags)
        object.__setattr__(self, "_workdays", [lo + i for i, f in enumerate(flags) if f])
        object.__setattr__(self, "_memo", {})

    def _rule(self, d: date) -> bool:
        if d.year <= self.last_known_year:
            override = self.overrides.get(d)
            if override is not None:
                return override
        return d.weekday() < 5

    def is_workday(self, d: date) -> bool:
        """Return whether `d` is a working day."""
        i = d.toordinal() - self._lo
        return bool(self._flags[i]) if 0 <= i < len(self._flags) else self._rule(d)

    def known(self, d: date) -> bool:
        """Return whether `d` lies within the years of the holiday table."""
        return d.year <= self.last_known_year

    def _inside(self, ordinal: int) -> bool:
        return self._lo <= ordinal < self._lo + len(self._flags)

    def _workday_from(self, ordinal: int) -> int:
        """Return the first working day on or after `ordinal`."""
        if self._inside(ordinal):
            i = bisect_left(self._workdays, ordinal)
            if i < len(self._workdays):
                return self._workdays[i]
        while not self.is_workday(date.fromordinal(ordinal)):
            ordinal += 1
        return ordinal

    def _nth_workday_after(self, ordinal: int, n: int) -> int:
        """Return the n-th working day after `ordinal` (n >= 1)."""
        if self._inside(ordinal):
            i = bisect_right(self._workdays, ordinal) + n - 1
            if i < len(self._workdays):
                return self._workdays[i]
        while n:
            ordinal += 1
            n -= self.is_workday(date.fromordinal(ordinal))
        return ordinal

    def _count_through(self, ordinal: int) -> int:
        """Return the working days of the window up to and including `ordinal`."""
        return bisect_right(self._workdays, ordinal)

    def _count_between(self, a: int, b: int) -> int:
        """Return the working days in (a, b] for a <= b."""
        if self._inside(a) and self._inside(b):
            return self._count_through(b) - self._count_through(a)
        return sum(self.is_workday(date.fromordinal(o)) for o in range(a + 1, b + 1))


def add_limit(cal: Calendar, start: date, limit: StageLimit, *, paused_days: int = 0) -> Due:
    """Return the due date of `limit` counted from `start`, the clock stopped for `paused_days`."""
    key = (start, limit.days, limit.unit, paused_days)
    due = cal._memo.get(key)
    if due is None:
        due = _add_limit(cal, start, limit, paused_days)
        if len(cal._memo) >= _MEMO_MAX:
            cal._memo.clear()
        cal._memo[key] = due
    return due


def _add_limit(cal: Calendar, start: date, limit: StageLimit, paused_days: int) -> Due:
    if paused_days < 0:
        raise ValueError(f"paused_days must not be negative, got {paused_days}")
    # A pause moves the start forward by its calendar days, as if the stage had begun that much later.
    begin = start.toordinal() + paused_days
    if limit.unit == WORKING and limit.days:
        end = cal._nth_workday_after(begin, limit.days)
    else:
        end = cal._workday_from(begin + limit.days)
    on = date.fromordinal(end)
    # Every day the count looks at lies on or before `on`, so `on` alone decides provisional.
    return Due(on, on.year > cal.last_known_year)


def _limit(limits: Mapping[str, StageLimit], stage: str) -> StageLimit:
    try:
        return limits[stage]
    except KeyError:
        raise ValueError(f"unknown stage {stage!r}: not in the stage limits") from None


def stage_due(
    cal: Calendar,
    limits: Mapping[str, StageLimit],
    stage: str,
    start: date,
    *,
    paused_days: int = 0,
    extension_days: int = 0,
) -> Due:
    """Return the due date of `stage` begun on `start`, with its pauses and (handling only) extension."""
    due = add_limit(cal, start, _limit(limits, stage), paused_days=paused_days)
    if not extension_days:
        return due
    if stage != HANDLING or extension_days < 0:
        raise ValueError(f"an extension of {extension_days} days does not apply to stage {stage!r}")
    # Counted from the rolled-forward end: the day the handling limit legally expires (民诉法第85条),
    # so every approved extension day adds time even when the raw end falls in a holiday.
    extension = StageLimit(extension_days, _limit(limits, EXTENSION).unit)
    return add_limit(cal, due.on, extension)


def due_dates(case, cal: Calendar, limits: Mapping[str, StageLimit]) -> dict[str, Due]:
    """Return the due date of every stage whose start date the case has."""
    out: dict[str, Due] = {}
    for stage, attr in STAGE_STARTS.items():
        start = getattr(case, attr)
        if start is None:
            continue
        paused = case.paused_days if stage == case.stage else 0  # paused_days belong to the current stage
        extension = case.extension_days if stage == HANDLING else 0
        out[stage] = stage_due(
            cal, limits, stage, start, paused_days=paused or 0, extension_days=extension or 0
        )
    return out


def _current_due(cal, limits, stage, start, paused_days, extension_days, paused_since) -> Due | None:
    if stage is None or start is None or paused_since is not None:  # no deadline runs while paused (中止)
        return None
    extension = (extension_days or 0) if stage == HANDLING else 0
    return stage_due(cal, limits, stage, start, paused_days=paused_days or 0, extension_days=extension)


def stage_deadlines(
    cal: Calendar,
    limits: Mapping[str, StageLimit],
    *,
    unit_received_on: date | None,
    accepted_on: date | None,
    extension_days: int,
    handling_paused_days: int,
    stage: str | None,
    paused_days: int,
    paused_since: date | None,
) -> tuple[date | None, date | None]:
    """Return the acceptance and reply deadlines (DOMAIN.md §8 "due"), kept after their stages end.

    The reply deadline is unknown while the handling clock stands still (中止): it moves with every paused day.
    """
    acceptance = None
    if unit_received_on is not None:
        paused = (paused_days or 0) if stage == Stage.ACCEPTANCE else 0
        acceptance = stage_due(cal, limits, Stage.ACCEPTANCE, unit_received_on, paused_days=paused).on
    reply = None
    if accepted_on is not None and not (stage == HANDLING and paused_since is not None):
        reply = stage_due(
            cal,
            limits,
            HANDLING,
            accepted_on,
            paused_days=handling_paused_days or 0,
            extension_days=extension_days or 0,
        ).on
    return acceptance, reply


def stage_deadlines_of(case, cal: Calendar, limits: Mapping[str, StageLimit]) -> tuple[date | None, ...]:
    """Return `stage_deadlines` of anything with a case's clock attributes (a Case, a selected row, …)."""
    return stage_deadlines(
        cal,
        limits,
        unit_received_on=case.unit_received_on,
        accepted_on=case.accepted_on,
        extension_days=case.extension_days,
        handling_paused_days=case.handling_paused_days,
        stage=case.stage,
        paused_days=case.paused_days,
        paused_since=case.paused_since,
    )


def _kept(stage: str | None, old: tuple, new: tuple) -> tuple:
    """The kept deadlines after a refresh: only the running stage's moves (an ended stage's is history)."""
    acceptance, reply = old
    if stage == Stage.ACCEPTANCE:
        acceptance = new[0]
    elif stage == HANDLING:
        reply = new[1]
    return acceptance, reply


def refresh_case(case, cal: Calendar, limits: Mapping[str, StageLimit]) -> None:
    """Set case.due_on and case.due_provisional from the current stage, and that stage's kept deadline."""
    old = (case.acceptance_due_on, case.reply_due_on)
    acceptance, reply = _kept(case.stage, old, stage_deadlines_of(case, cal, limits))
    if case.acceptance_due_on != acceptance:
        case.acceptance_due_on = acceptance
    if case.reply_due_on != reply:
        case.reply_due_on = reply
    due = _current_due(
        cal,
        limits,
        case.stage,
        case.stage_started_on,
        case.paused_days,
        case.extension_days,
        case.paused_since,
    )
    on, provisional = (due.on, due.provisional) if due else (None, False)
    if case.due_on != on:  # unchanged values are not written, so an untouched case stays clean
        case.due_on = on
    if case.due_provisional != provisional:
        case.due_provisional = provisional


def working_days_between(cal: Calendar, start: date, end: date) -> int:
    """Return the working days after `start` up to and including `end` (negative when end < start)."""
    a, b = start.toordinal(), end.toordinal()
    return cal._count_between(a, b) if a <= b else -cal._count_between(b, a)


def alert(due: date | Due | None, today: date, cal: Calendar, yellow_working_days: int = 3) -> str | None:
    """Return "green", "yellow" or "red" for a due date seen on `today`; None without a due date."""
    if due is None:
        return None
    on = due.on if isinstance(due, Due) else due
    if today > on:
        return RED
    return GREEN if working_days_between(cal, today, on) > yellow_working_days else YELLOW


# --- loading from the database -------------------------------------------------------------------

_cache: dict[object, tuple[float, Calendar]] = {}
_generation = 0


def _read_calendar(session: Session) -> Calendar:
    rows = session.execute(sa.select(Holiday.day, Holiday.is_workday)).all()
    last = session.execute(sa.select(sa.func.max(HolidayYear.year))).scalar()
    return Calendar({day: bool(workday) for day, workday in rows}, last or 0)


def load_calendar(session: Session) -> Calendar:
    """Return the calendar of the session's database, cached per process."""
    bind = session.get_bind()
    key = getattr(bind, "engine", bind)
    hit = _cache.get(key)
    if hit is not None and hit[0] > time.monotonic():
        return hit[1]
    generation = _generation
    cal = _read_calendar(session)
    if generation == _generation:  # an edit committed while we read must not be hidden by this copy
        _cache[key] = (time.monotonic() + CACHE_SECONDS, cal)
    return cal


def invalidate_cache() -> None:
    """Forget every cached calendar (call after a holiday edit)."""
    global _generation
    _generation += 1
    _cache.clear()


def _parse_limit(stage: str, value: object, default: dict) -> StageLimit:
    try:
        return StageLimit(int(value["days"]), str(value["unit"]))
    except (TypeError, KeyError, ValueError):
        log.warning("setting stage.%s is malformed (%r): using the default %r", stage, value, default)
        return StageLimit(int(default["days"]), default["unit"])


def load_limits(session: Session) -> dict[str, StageLimit]:
    """Return the limit of every stage from the settings, defaults filling gaps."""
    from core.platform import settings

    values = settings.get_all(session)
    stages = dict.fromkeys(settings.STAGE_DEFAULTS)
    stages.update(dict.fromkeys(k.removeprefix("stage.") for k in values if k.startswith("stage.")))
    out = {}
    for stage in stages:
        default = settings.STAGE_DEFAULTS.get(stage, {"days": 0, "unit": CALENDAR})
        limit = _parse_limit(stage, values.get(f"stage.{stage}", default), default)
        out[stage] = _within_the_law(stage, limit, settings.STATUTORY_MAXIMUM.get(stage))
    return out


def _within_the_law(stage: str, limit: StageLimit, most: dict | None) -> StageLimit:
    """Return the limit, or the statutory maximum when the setting exceeds it or counts other days."""
    if most is None or (limit.unit == most["unit"] and limit.days <= most["days"]):
        return limit
    log.warning("setting stage.%s (%s) exceeds the statutory maximum: using %r", stage, limit, most)
    return StageLimit(int(most["days"]), most["unit"])


_COLUMNS = (
    Case.id,
    Case.stage,
    Case.stage_started_on,
    Case.paused_days,
    Case.extension_days,
    Case.paused_since,
)
_UPDATE = (
    sa.update(Case.__table__)
    .where(Case.__table__.c.id == sa.bindparam("b_id"))
    .values(due_on=sa.bindparam("b_due"), due_provisional=sa.bindparam("b_provisional"))
)


def recompute_open_cases(session: Session, batch_size: int = 5000, *, ended_stages: bool = False) -> int:
    """Refresh due_on/due_provisional and the running stage's kept deadline of every case in a stage, and with
    `ended_stages` (a holiday edit: the calendar was wrong) the kept deadlines of ended stages too; return how
    many cases changed (no commit). A limit change leaves ended stages alone: they ran under the old limit."""
    session.flush()
    cal, limits = load_calendar(session), load_limits(session)
    changed: set[int] = set()
    last_id = 0
    while True:
        stmt = sa.select(*_COLUMNS, Case.due_on, Case.due_provisional).where(Case.stage.is_not(None))
        rows = session.execute(stmt.where(Case.id > last_id).order_by(Case.id).limit(batch_size)).all()
        updates = []
        for case_id, stage, start, paused, extension, since, due_on, provisional in rows:
            due = _current_due(cal, limits, stage, start, paused, extension, since)
            new = (due.on, due.provisional) if due else (None, False)
            if new != (due_on, bool(provisional)):
                updates.append({"b_id": case_id, "b_due": new[0], "b_provisional": new[1]})
        if updates:
            session.execute(_UPDATE, updates)
            changed.update(u["b_id"] for u in updates)
        if len(rows) < batch_size:
            break
        last_id = rows[-1][0]
    changed |= _stage_deadlines_pass(session, cal, limits, batch_size, current_only=not ended_stages)
    _expire_cases(session, changed)
    return len(changed)


_DEADLINE_COLUMNS = (
    Case.id,
    Case.unit_received_on,
    Case.accepted_on,
    Case.extension_days,
    Case.handling_paused_days,
    Case.stage,
    Case.paused_days,
    Case.paused_since,
    Case.acceptance_due_on,
    Case.reply_due_on,
)
_DEADLINE_UPDATE = (
    sa.update(Case.__table__)
    .where(Case.__table__.c.id == sa.bindparam("b_id"))
    .values(acceptance_due_on=sa.bindparam("b_acceptance"), reply_due_on=sa.bindparam("b_reply"))
)


def recompute_stage_deadlines(session: Session, batch_size: int = 5000) -> int:
    """Refresh the kept acceptance and reply deadlines of every case, ended ones too; return how many changed."""
    session.flush()
    cal, limits = load_calendar(session), load_limits(session)
    changed = _stage_deadlines_pass(session, cal, limits, batch_size, current_only=False)
    _expire_cases(session, changed)
    return len(changed)


def _stage_deadlines_pass(
    session: Session, cal: Calendar, limits, batch_size: int, *, current_only: bool
) -> set[int]:
    changed: set[int] = set()
    last_id = 0
    started = sa.or_(Case.unit_received_on.is_not(None), Case.accepted_on.is_not(None))
    if current_only:
        started = Case.stage.in_([Stage.ACCEPTANCE, HANDLING])
    while True:
        stmt = sa.select(*_DEADLINE_COLUMNS).where(started, Case.id > last_id).order_by(Case.id)
        rows = session.execute(stmt.limit(batch_size)).all()
        updates = []
        for row in rows:
            new = stage_deadlines_of(row, cal, limits)
            if current_only:
                new = _kept(row.stage, (row.acceptance_due_on, row.reply_due_on), new)
            if new != (row.acceptance_due_on, row.reply_due_on):
                updates.append({"b_id": row.id, "b_acceptance": new[0], "b_reply": new[1]})
        if updates:
            session.execute(_DEADLINE_UPDATE, updates)
            changed.update(u["b_id"] for u in updates)
        if len(rows) < batch_size:
            break
        last_id = rows[-1][0]
    return changed


def _expire_cases(session: Session, ids: set[int]) -> None:
    """Make loaded Case objects reread the due dates that a bulk update changed under them."""
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Case) and obj.id in ids:
            session.expire(obj, ["due_on", "due_provisional", "acceptance_due_on", "reply_due_on"])
