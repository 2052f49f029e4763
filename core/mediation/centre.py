"""Reads of the mediation centre's screens: the list (filtered, paged, exported), one mediation's file, and
a mediator's day. Every read is scoped inside its query by core.mediation.access.visible."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from sqlmodel import Session, func, select

from core.accounts import audit
from core.accounts.permissions import require
from core.calendar import clock
from core.mediation import access, agreements
from core.mediation.cases import mediators_of
from core.mediation.reads import OPEN
from core.mediation.referral import consents
from core.mediation.specialties import dispute_label
from core.platform.spreadsheet import XlsxSheet
from i18n import label, t
from models import (
    Agreement,
    Case,
    CaseEvent,
    MediationCase,
    MediationMediator,
    MediationSession,
    MediationStatus,
    Mediator,
    Street,
    User,
)

PAGE_SIZE = 50
EXPORT_LIMIT = 10_000
MEDIATION_ACTIONS = ("refer_mediation", "return_from_mediation")  # the petition case's side of it


@dataclass
class MediationFilter:
    """The list's filters as the URL keeps them; None is "not set"."""

    q: str | None = None
    status: str | None = None
    kind: str | None = None
    source: str | None = None
    street_id: int | None = None
    applied_from: date | None = None
    applied_to: date | None = None
    page: int = 1
    page_size: int = PAGE_SIZE


@dataclass(frozen=True)
class ListRow:
    id: int
    number: str
    status: str
    due_on: date | None
    title: str
    parties: str
    kind: str
    dispute_type: str
    source: str | None
    street: str | None
    lead: str | None
    applied_on: date
    closed_on: date | None
    case_number: str | None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN


def _lead_name():
    return (
        select(Mediator.name)
        .join(MediationMediator, MediationMediator.mediator_id == Mediator.id)
        .where(MediationMediator.mediation_id == MediationCase.id, MediationMediator.is_lead.is_(True))
        .limit(1)
        .scalar_subquery()
    )


def _conditions(user: User, f: MediationFilter) -> list:
    where = [access.visible(user)]
    if f.q:
        like = f"%{f.q.strip()}%"
        where.append(
            sa.or_(
                MediationCase.number.ilike(like),
                MediationCase.title.ilike(like),
                MediationCase.parties.ilike(like),
            )
        )
    for column, value in (
        (MediationCase.status, f.status),
        (MediationCase.kind, f.kind),
        (MediationCase.source, f.source),
        (MediationCase.street_id, f.street_id),
    ):
        if value is not None:
            where.append(column == value)
    if f.applied_from:
        where.append(MediationCase.applied_on >= f.applied_from)
    if f.applied_to:
        where.append(MediationCase.applied_on <= f.applied_to)
    return where


def search_mediations(session: Session, user: User, f: MediationFilter) -> tuple[list[ListRow], int]:
    """Return one page of the mediations the user may see, open ones by deadline first, and the total."""
    require(user, "mediation.view")
    where = _conditions(user, f)
    total = session.exec(select(func.count()).select_from(MediationCase).where(*where)).one()
    stmt = (
        select(
            MediationCase.id,
            MediationCase.number,
            MediationCase.status,
            MediationCase.due_on,
            MediationCase.title,
            MediationCase.parties,
            MediationCase.kind,
            MediationCase.dispute_type,
            MediationCase.source,
            Street.name,
            _lead_name(),
            MediationCase.applied_on,
            MediationCase.closed_on,
            Case.number,
        )
        .outerjoin(Street, Street.id == MediationCase.street_id)
        .outerjoin(Case, Case.id == MediationCase.case_id)
        .where(*where)
        .order_by(
            MediationCase.status.not_in(OPEN),
            MediationCase.due_on.is_(None),
            MediationCase.due_on,
            MediationCase.applied_on.desc(),
            MediationCase.id.desc(),
        )
        .offset((max(f.page, 1) - 1) * f.page_size)
        .limit(f.page_size)
    )
    return [ListRow(*row) for row in session.exec(stmt).all()], total


EXPORT_COLUMNS = (
    ("number", "medcentre.col.number"),
    ("status", "medcentre.col.status"),
    ("due_on", "medcentre.col.due"),
    ("title", "medcentre.col.title"),
    ("parties", "medcentre.col.parties"),
    ("kind", "medcentre.col.kind"),
    ("dispute_type", "medcentre.col.dispute_type"),
    ("source", "medcentre.col.source"),
    ("street", "medcentre.col.street"),
    ("lead", "medcentre.col.lead"),
    ("applied_on", "medcentre.col.applied"),
    ("closed_on", "medcentre.col.closed"),
    ("case_number", "medcentre.col.case"),
)
ENUMS = {"status": "mediation_status", "kind": "mediation_kind", "source": "mediation_source"}


def export_xlsx(session: Session, user: User, f: MediationFilter) -> tuple[bytes, int]:
    """Return the filtered list as an .xlsx workbook (at most 10,000 rows) and its row count; audited."""
    require(user, "mediation.view")
    sheet = XlsxSheet(t("medcentre.sheet"), [t(key) for _, key in EXPORT_COLUMNS])
    chunk = MediationFilter(**{**asdict(f), "page_size": 1000, "page": 1})
    written = 0
    while written < EXPORT_LIMIT:
        rows, _ = search_mediations(session, user, chunk)
        for r in rows:
            values = asdict(r)
            values["dispute_type"] = dispute_label(values["dispute_type"])
            sheet.append(
                label(ENUMS[name], values[name]) if name in ENUMS else values[name]
                for name, _ in EXPORT_COLUMNS
            )
        written += len(rows)
        if len(rows) < chunk.page_size:
            break
        chunk.page += 1
    data = sheet.save()
    params = {k: v for k, v in asdict(f).items() if v is not None and k not in {"page", "page_size"}}
    audit.record(
        session,
        user,
        "mediation.export",
        object_type="mediation_list",
        after={"filter": params, "rows": written},
    )
    session.commit()
    return data, written


# --- one mediation's file -------------------------------------------------------------------------


@dataclass
class MediationFile:
    mediation: MediationCase
    case_number: str | None
    street: str | None
    mediators: list[tuple[Mediator, bool]]
    consents: dict[str, bool]
    sessions: list[MediationSession]
    agreement: Agreement | None
    events: list[CaseEvent]
    may_act: bool
    user_names: dict[int, str] = field(default_factory=dict)

    @property
    def lead(self) -> Mediator | None:
        return next((m for m, is_lead in self.mediators if is_lead), None)


def mediation_file(session: Session, user: User, mediation_id: int) -> MediationFile:
    """Return everything the mediation's page shows, if the user may see it (NotFound otherwise)."""
    mediation = access.get_mediation(session, user, mediation_id)
    case_number = session.get(Case, mediation.case_id).number if mediation.case_id else None
    street = session.get(Street, mediation.street_id).name if mediation.street_id else None
    sessions = session.exec(
        select(MediationSession)
        .where(MediationSession.mediation_id == mediation.id)
        .order_by(MediationSession.held_at, MediationSession.id)
    ).all()
    agreement = session.exec(select(Agreement).where(Agreement.mediation_id == mediation.id)).first()
    file = MediationFile(
        mediation=mediation,
        case_number=case_number,
        street=street,
        mediators=mediators_of(session, mediation.id),
        consents=consents(session, mediation.id),
        sessions=list(sessions),
        agreement=agreement,
        events=timeline(session, mediation),
        may_act=access.may_act(session, user, mediation),
    )
    session.expunge_all()  # the screen reads the rows after its short session has ended
    return file


def timeline(session: Session, mediation: MediationCase) -> list[CaseEvent]:
    """Return the mediation's events, with the petition case's referral and return of this mediation."""
    own = sa.and_(CaseEvent.object_type == "mediation_case", CaseEvent.object_id == mediation.id)
    cond = own
    if mediation.case_id is not None:
        cond = sa.or_(
            own, sa.and_(CaseEvent.case_id == mediation.case_id, CaseEvent.action.in_(MEDIATION_ACTIONS))
        )
    events = session.exec(select(CaseEvent).where(cond).order_by(CaseEvent.at, CaseEvent.id)).all()
    return [
        e
        for e in events
        if e.object_type == "mediation_case" or (e.after or {}).get("mediation_id") == mediation.id
    ]


# --- a mediator's day -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DayItem:
    id: int
    number: str
    title: str
    parties: str
    status: str
    due_on: date | None
    alert: str | None
    last_session: date | None = None
    agreement_id: int | None = None
    agreement_number: str | None = None
    confirmation_due: date | None = None
    confirmation_state: str | None = None


@dataclass(frozen=True)
class MyDay:
    alerts: list[DayItem]  # open mediations yellow or red, soonest first
    to_record: list[DayItem]  # in mediation, no session in the last week (or none yet)
    confirmations: list[DayItem]  # agreements whose joint application is open or awaiting the court


def my_day(session: Session, user: User, today: date, *, limit: int = 50) -> MyDay:
    """Return what the user's mediations ask of him today (scoped like the list)."""
    require(user, "mediation.view")
    cal = clock.load_calendar(session)
    visible = access.visible(user)
    last = (
        select(func.max(MediationSession.held_at))
        .where(MediationSession.mediation_id == MediationCase.id)
        .scalar_subquery()
    )
    columns = (MediationCase.id, MediationCase.number, MediationCase.title, MediationCase.parties,
               MediationCase.status, MediationCase.due_on)  # fmt: skip
    running = session.exec(
        select(*columns, last)
        .where(visible, MediationCase.status.in_(OPEN))
        .order_by(MediationCase.due_on.is_(None), MediationCase.due_on, MediationCase.id)
        .limit(limit * 4)
    ).all()
    alerts, to_record = [], []
    week_ago = today - timedelta(days=7)
    for *row, held in running:
        colour = clock.alert(row[5], today, cal)
        held_on = held.date() if held is not None else None
        item = DayItem(*row, alert=colour, last_session=held_on)
        if colour in {clock.YELLOW, clock.RED}:
            alerts.append(item)
        if row[4] == MediationStatus.ACCEPTED and (held_on is None or held_on < week_ago):
            to_record.append(item)
    confirmations = []
    pending = session.exec(
        select(*columns, Agreement.id, Agreement.number, Agreement.confirmation_due, Agreement)
        .join(Agreement, Agreement.mediation_id == MediationCase.id)
        .where(
            visible,
            Agreement.confirmation_result.is_(None),
            sa.or_(Agreement.confirmation_applied_on.is_not(None), Agreement.confirmation_due >= today),
        )
        .order_by(Agreement.confirmation_due, Agreement.id)
        .limit(limit)
    ).all()
    for *row, agreement_id, number, due, agreement in pending:
        state = agreements.confirmation_state(agreement, today)
        colour = clock.alert(due, today, cal) if state == "open" else None
        confirmations.append(
            DayItem(
                *row,
                alert=colour,
                agreement_id=agreement_id,
                agreement_number=number,
                confirmation_due=due,
                confirmation_state=state,
            )  # fmt: skip
        )
    return MyDay(alerts[:limit], to_record[:limit], confirmations)


def roster_choices(
    session: Session, user: User, street_id: int | None, *, limit: int = 300
) -> list[Mediator]:
    """Return active mediators to pick from, those of the dispute's street first (no ranking: suggest.py's)."""
    require(user, "mediation.view")
    order = [Mediator.name, Mediator.id]
    if street_id is not None:  # no street: no first part (SQLite reads ORDER BY 0 as a column's position)
        order.insert(0, (Mediator.street_id == street_id).desc())
    stmt = select(Mediator).where(Mediator.active.is_(True)).order_by(*order)
    found = list(session.exec(stmt.limit(limit)).all())
    session.expunge_all()
    return found
