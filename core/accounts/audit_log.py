"""Reading the audit log for the administrator: filter, page and export; there is no edit or delete."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlmodel import Session, func, select

from core.accounts import audit, permissions
from core.platform import timeutil
from core.platform.errors import ValidationError
from core.platform.spreadsheet import XlsxSheet
from i18n import t
from models import Case, CaseEvent, Unit, User

MAX_PAGE_SIZE = 500
MAX_EXPORT_ROWS = 200_000
COLUMNS = ("at", "actor_name", "action", "object_type", "object_id", "case_id", "before", "after", "note")


@dataclass(frozen=True)
class EventFilter:
    """What the administrator filters the log by; None means any."""

    actor_id: int | None = None
    object_type: str | None = None
    object_id: int | None = None
    action: str | None = None
    since: date | datetime | None = None
    until: date | datetime | None = None  # a date includes that whole day

    def as_dict(self) -> dict:
        return {
            k: v.isoformat() if isinstance(v, date) else v for k, v in self.__dict__.items() if v is not None
        }


def _start(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        return value
    return datetime.combine(value, time.min, tzinfo=timeutil.CST)


def _end(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        return value
    return datetime.combine(value + timedelta(days=1), time.min, tzinfo=timeutil.CST)


def _where(stmt, f: EventFilter):
    if f.actor_id is not None:
        stmt = stmt.where(CaseEvent.actor_id == f.actor_id)
    if f.object_type:
        stmt = stmt.where(CaseEvent.object_type == f.object_type)
    if f.object_id is not None:
        stmt = stmt.where(CaseEvent.object_id == f.object_id)
    if f.action:
        stmt = stmt.where(CaseEvent.action == f.action)
    if f.since is not None:
        stmt = stmt.where(CaseEvent.at >= _start(f.since))
    if f.until is not None:
        stmt = stmt.where(CaseEvent.at < _end(f.until))
    return stmt


def _row(event: CaseEvent) -> dict:
    return {
        "id": event.id,
        "at": timeutil.to_local(event.at),
        "actor_id": event.actor_id,
        "actor_name": event.actor_name,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "case_id": event.case_id,
        "before": event.before,
        "after": event.after,
        "note": event.note,
    }


def query_events(
    session: Session, actor: User, *, page: int = 1, page_size: int = 50, **filters
) -> tuple[list[dict], int]:
    """Return one page of events matching the filters, newest first, and how many match in all."""
    permissions.require(actor, "audit.view")
    f = EventFilter(**filters)
    page_size = max(1, min(page_size, MAX_PAGE_SIZE))
    total = session.exec(_where(select(func.count()).select_from(CaseEvent), f)).one()
    stmt = _where(select(CaseEvent), f).order_by(CaseEvent.at.desc(), CaseEvent.id.desc())
    stmt = stmt.offset((max(page, 1) - 1) * page_size).limit(page_size)
    return [_row(e) for e in session.exec(stmt).all()], total


def filter_choices(session: Session, actor: User) -> dict[str, list]:
    """Return the actions, object types and actors that occur in the log, for the filter widgets."""
    permissions.require(actor, "audit.view")
    actions = session.exec(select(CaseEvent.action).distinct().order_by(CaseEvent.action)).all()
    types = session.exec(select(CaseEvent.object_type).distinct().order_by(CaseEvent.object_type)).all()
    users = session.exec(select(User.id, User.display_name, User.username).order_by(User.username)).all()
    return {"actions": list(actions), "object_types": list(types), "actors": [tuple(u) for u in users]}


# before/after fields that hold the id of a unit, a user or a case: shown by name in the readable log
UNIT_FIELDS = frozenset({"lead_unit_id", "unit_id", "assisting_unit_ids"})
USER_FIELDS = frozenset({"leader_in_charge_id", "received_by_leader_id", "registrar_id", "user_id"})
CASE_FIELDS = frozenset({"merged_into_id", "review_of_id", "repeat_of_id", "into_case_id"})


@dataclass(frozen=True)
class Names:
    """Names of the units, users and cases a page of events refers to, by id."""

    unit_names: dict[int, str]
    user_names: dict[int, str]
    case_numbers: dict[int, str]


def _ids(rows: list[dict], names: frozenset[str]) -> set[int]:
    out: set[int] = set()
    for row in rows:
        for side in (row["before"] or {}, row["after"] or {}):
            for name in names & side.keys():
                value = side[name]
                out.update(v for v in (value if isinstance(value, list) else [value]) if isinstance(v, int))
    return out


def _lookup(session: Session, key, name, ids: set[int]) -> dict[int, str]:
    return dict(session.exec(select(key, name).where(key.in_(ids))).all()) if ids else {}


def names_for(session: Session, actor: User, rows: list[dict]) -> Names:
    """Return the names a page of events refers to (three small queries, whatever the page holds)."""
    permissions.require(actor, "audit.view")
    cases = _ids(rows, CASE_FIELDS) | {r["case_id"] for r in rows if r["case_id"]}
    users = _ids(rows, USER_FIELDS) | {
        r["object_id"] for r in rows if r["object_type"] == "user" and r["object_id"]
    }
    return Names(
        unit_names=_lookup(session, Unit.id, Unit.name, _ids(rows, UNIT_FIELDS)),
        user_names=_lookup(session, User.id, User.display_name, users),
        case_numbers=_lookup(session, Case.id, Case.number, cases),
    )


def _cell(value):
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)  # shown in China Standard Time; Excel has no time zones
    return value


def _workbook(rows, language: str | None) -> bytes:
    sheet = XlsxSheet(
        t("audit.sheet", language=language), [t(f"audit.col_{c}", language=language) for c in COLUMNS]
    )
    for event in rows:
        row = _row(event)
        sheet.append([_cell(row[c]) for c in COLUMNS])
    return sheet.save()


def export_events(session: Session, actor: User, *, language: str | None = None, **filters) -> bytes:
    """Return the matching events as an .xlsx workbook; the export itself is audited."""
    permissions.require(actor, "audit.export")
    f = EventFilter(**filters)
    total = session.exec(_where(select(func.count()).select_from(CaseEvent), f)).one()
    if total > MAX_EXPORT_ROWS:
        raise ValidationError(t("audit.export_too_large", n=MAX_EXPORT_ROWS))
    stmt = _where(select(CaseEvent), f).order_by(CaseEvent.at, CaseEvent.id).execution_options(yield_per=2000)
    data = _workbook(session.exec(stmt), language)
    audit.record(
        session, actor, "audit.export", object_type="audit", after={"filters": f.as_dict(), "rows": total}
    )
    session.commit()
    return data
