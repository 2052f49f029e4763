"""The supervision board (督查督办): where it is going wrong, by alert colour, and the units' league table.

The colours are SQL conditions over the case table built from the one definitions in core.cases.status
(overdue, open, running) and the clock's yellow threshold (alert.yellow_working_days, DOMAIN.md §4):

- overdue: running and past its current deadline (status.overdue_clause);
- near_due: running, due today or within the yellow threshold of working days;
- returned: still open after a unit objected to it (退回) and the office settled the dispute;
- objected: a unit's objection waiting for the office's decision (受理争议);
- disputed: the petitioner contests the reply: rated dissatisfied, or a review/re-examination requested;
- repeat: open and a repeat petition, or an earlier matter that repeats were linked to.
"""

from __future__ import annotations

import contextlib
from dataclasses import asdict, dataclass, fields
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, func, select

from core.accounts import audit
from core.accounts.permissions import require, scope_cases
from core.calendar import clock
from core.cases.status import RUNNING, open_clause, overdue_clause
from core.kpis import indicators
from core.platform import settings
from core.platform.spreadsheet import XlsxSheet
from core.supervision.actions import overdue_action_clause
from core.supervision.letters import overdue_reply_clause
from models import (
    ActionKind,
    ActionStatus,
    Case,
    CaseStatus,
    Satisfaction,
    Street,
    SupervisionAction,
    SupervisionLetter,
    Unit,
    User,
)

S = CaseStatus
COLOURS = ("overdue", "near_due", "returned", "objected", "disputed", "repeat")
PAGE_SIZE = 50


@dataclass
class BoardFilter:
    """The board's filters, all from the URL; None = not set."""

    colour: str = "overdue"
    unit_id: int | None = None
    street_id: int | None = None
    subject: str | None = None
    since: date | None = None  # urges counted in the league table from this day (default: 1 January)

    def to_params(self) -> dict[str, str]:
        """Return the filters that are set, as URL parameters."""
        return {
            k: str(v)
            for k, v in asdict(self).items()
            if v not in (None, "") and not (k == "colour" and v == "overdue")
        }

    @classmethod
    def from_params(cls, params) -> BoardFilter:
        """Read the filters from URL parameters, ignoring what does not parse."""

        def number(name: str) -> int | None:
            value = str(params.get(name) or "")
            return int(value) if value.isdigit() and len(value) < 18 else None

        since = None
        with contextlib.suppress(ValueError):
            since = date.fromisoformat(str(params.get("since") or ""))
        colour = str(params.get("colour") or "overdue")
        return cls(
            colour=colour if colour in COLOURS else "overdue",
            unit_id=number("unit_id"),
            street_id=number("street_id"),
            subject=str(params.get("subject") or "") or None,
            since=since,
        )


def near_due_until(session: Session, today: date) -> date:
    """Return the last day that still reads yellow today: within alert.yellow_working_days working days."""
    cal = clock.load_calendar(session)
    yellow = int(settings.get_all(session).get("alert.yellow_working_days", 3))
    day = today
    while clock.working_days_between(cal, today, day + timedelta(days=1)) <= yellow:
        day += timedelta(days=1)
    return day


def colour_clause(session: Session, colour: str, today: date) -> sa.ColumnElement[bool]:
    """Return the SQL condition of one alert colour (see the module's docstring)."""
    if colour == "overdue":
        return overdue_clause(today)
    if colour == "near_due":
        until = near_due_until(session, today)
        return sa.and_(Case.status.in_(sorted(RUNNING)), Case.due_on >= today, Case.due_on <= until)
    if colour == "returned":
        return sa.and_(open_clause(), Case.objected_on.is_not(None), Case.status != S.OBJECTED)
    if colour == "objected":
        return Case.status == S.OBJECTED
    if colour == "disputed":
        contested = sa.or_(
            Case.status.in_((S.REVIEW_REQUESTED, S.REEXAM_REQUESTED)),
            Case.satisfaction == Satisfaction.DISSATISFIED,
        )
        return sa.and_(open_clause(), contested)
    if colour == "repeat":
        later = aliased(Case)
        repeated = select(later.id).where(later.repeat_of_id == Case.id).exists()
        return sa.and_(open_clause(), sa.or_(Case.repeat_of_id.is_not(None), repeated))
    raise ValueError(f"unknown colour {colour!r}")


def _where(f: BoardFilter) -> list:
    out = []
    if f.unit_id is not None:
        out.append(Case.lead_unit_id == f.unit_id)
    if f.street_id is not None:
        out.append(Case.street_id == f.street_id)
    if f.subject:
        out.append(Case.subject == f.subject)
    return out


def colour_counts(session: Session, user: User, f: BoardFilter, today: date) -> dict[str, int]:
    """Return how many cases each colour holds under the filters (the board's tiles)."""
    require(user, "supervision.view")
    out = {}
    for colour in COLOURS:
        stmt = select(func.count()).select_from(Case).where(colour_clause(session, colour, today), *_where(f))
        out[colour] = int(session.exec(scope_cases(stmt, user)).one())
    return out


def _supervised(kind: str):
    return (
        select(func.count())
        .where(SupervisionAction.case_id == Case.id, SupervisionAction.kind == kind)
        .correlate(Case)
        .scalar_subquery()
    )


def _listed_open():
    return (
        select(SupervisionAction.id)
        .where(
            SupervisionAction.case_id == Case.id,
            SupervisionAction.kind == ActionKind.LISTED,
            SupervisionAction.status != ActionStatus.CLOSED,
        )
        .exists()
    )


def board_cases(
    session: Session, user: User, f: BoardFilter, today: date, page: int = 1
) -> tuple[list[dict], int]:
    """Return one colour's cases (soonest deadline first, a page of them) and how many there are."""
    require(user, "supervision.view")
    where = [colour_clause(session, f.colour, today), *_where(f)]
    total = int(session.exec(scope_cases(select(func.count()).select_from(Case).where(*where), user)).one())
    stmt = (
        select(
            Case.id,
            Case.number,
            Case.title,
            Case.status,
            Case.subject,
            Case.due_on,
            Case.received_on,
            Case.version,
            Unit.name.label("unit"),
            Street.name.label("street"),
            _supervised(ActionKind.URGE).label("urged"),
            _supervised(ActionKind.SUPERVISE).label("supervised"),
            _listed_open().label("listed"),
        )  # fmt: skip
        .select_from(Case)
        .outerjoin(Unit, Unit.id == Case.lead_unit_id)
        .outerjoin(Street, Street.id == Case.street_id)
        .where(*where)
        .order_by(Case.due_on.is_(None), Case.due_on, Case.id)
        .offset((max(page, 1) - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    )
    rows = [dict(r._mapping) for r in session.exec(scope_cases(stmt, user)).all()]
    for r in rows:
        r["status"], r["listed"] = str(r["status"]), bool(r["listed"])
        r["days_overdue"] = (today - r["due_on"]).days if r["due_on"] and r["due_on"] < today else 0
    return rows, total


@dataclass
class LeagueRow:
    """One unit's line in the league table."""

    unit_id: int
    unit: str
    open: int = 0
    overdue: int = 0
    urged: int = 0
    supervised: int = 0
    listed: int = 0
    actions_overdue: int = 0
    letters: int = 0
    letters_overdue: int = 0


def league(session: Session, user: User, today: date, since: date | None = None) -> list[LeagueRow]:
    """Return the units worst first: overdue cases (core.kpis' one count), then cases urged since `since`."""
    require(user, "supervision.view")
    since = since or date(today.year, 1, 1)
    rows: dict[int, LeagueRow] = {}
    for r in indicators.overdue_by_unit(session, user, today):
        rows[r["unit_id"]] = LeagueRow(r["unit_id"], r["unit"], open=r["open"], overdue=r["overdue"])
    names = dict(session.exec(select(Unit.id, Unit.name)).all())

    def row(unit_id: int) -> LeagueRow:
        return rows.setdefault(unit_id, LeagueRow(unit_id, names.get(unit_id, "?")))

    urged = (
        select(
            SupervisionAction.unit_id,
            SupervisionAction.kind,
            func.count(sa.distinct(SupervisionAction.case_id)),
        )
        .where(SupervisionAction.issued_on >= since, SupervisionAction.issued_on <= today)
        .group_by(SupervisionAction.unit_id, SupervisionAction.kind)
    )
    for unit_id, kind, n in session.exec(urged).all():
        if unit_id is not None:
            setattr(
                row(unit_id),
                {"urge": "urged", "supervise": "supervised", "listed": "listed"}[str(kind)],
                int(n),
            )
    late = select(SupervisionAction.unit_id, func.count()).where(overdue_action_clause(today))
    for unit_id, n in session.exec(late.group_by(SupervisionAction.unit_id)).all():
        if unit_id is not None:
            row(unit_id).actions_overdue = int(n)
    letters = (
        select(SupervisionLetter.unit_id, func.count())
        .where(SupervisionLetter.issued_on >= since, SupervisionLetter.issued_on <= today)
        .group_by(SupervisionLetter.unit_id)
    )
    for unit_id, n in session.exec(letters).all():
        row(unit_id).letters = int(n)
    for unit_id, n in session.exec(
        select(SupervisionLetter.unit_id, func.count())
        .where(overdue_reply_clause(today))
        .group_by(SupervisionLetter.unit_id)
    ).all():
        row(unit_id).letters_overdue = int(n)
    return sorted(rows.values(), key=lambda r: (-r.overdue, -r.urged, -r.letters_overdue, r.unit))


def escalations(session: Session, user: User, today: date) -> dict[str, int]:
    """Return what has escalated: letters unanswered past their deadline, 督办 past its own deadline."""
    require(user, "supervision.view")
    letters = session.exec(
        select(func.count()).select_from(SupervisionLetter).where(overdue_reply_clause(today))
    ).one()
    actions = session.exec(
        select(func.count()).select_from(SupervisionAction).where(overdue_action_clause(today))
    ).one()
    return {"letters_overdue": int(letters), "actions_overdue": int(actions)}


def export_league(
    session: Session, user: User, today: date, since: date | None, headers: dict[str, str]
) -> bytes:
    """Return the league table as an .xlsx workbook (headers: field -> column title); the export is audited."""
    table = league(session, user, today, since)
    names = [f.name for f in fields(LeagueRow) if f.name != "unit_id"]
    sheet = XlsxSheet(headers.get("sheet", "league"), [headers.get(n, n) for n in names])
    for r in table:
        sheet.append([getattr(r, n) for n in names])
    data = sheet.save()
    audit.record(session, user, "supervision.export", object_type="supervision_board",
                 after={"rows": len(table), "as_of": today, "since": since})  # fmt: skip
    session.commit()
    return data
