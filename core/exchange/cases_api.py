"""The public API v1's case services: codes and numbers in, the same core functions as the pages underneath.

Nothing here checks a rule of its own: registration, the workflow and the case list do, with their
permission checks and visibility; this module only turns codes into rows and rows into codes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from core.accounts import pii
from core.accounts.permissions import require, scope_cases
from core.calendar import clock
from core.cases import case_list, workflow
from core.cases.registration import CaseCreate, case_timeline, get_case, register_case
from core.exchange.schemas import API_NAMES, CaseIn, CaseListQuery, action_func, action_inputs
from core.platform import timeutil
from core.platform.errors import IllegalTransition, NotFound, ValidationError
from core.platform.validation import Errors
from i18n import t
from models import Case, Community, Grid, Street, Unit, User


def _renamed(exc: ValidationError) -> ValidationError:
    """Return the error with the service's field names (lead_unit_id) as the API names them (unit_code)."""

    def rename(name: str) -> str:
        head, dot, rest = name.partition(".")
        return API_NAMES.get(head, head) + dot + rest

    errors = {rename(k): v for k, v in exc.errors.items()}
    return ValidationError(exc.message, errors=errors)


def _codes(session: Session, model, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    return dict(session.exec(select(model.id, model.code).where(model.id.in_(wanted))).all())


def _id_of(session: Session, errors: Errors, model, field: str, code: str | None) -> int | None:
    """Return the row id of an active row by its code; a field error when no active row has it."""
    if code is None:
        return None
    row = session.exec(select(model.id, model.active).where(model.code == code)).first()
    if row is None or not row[1]:
        errors.add(field, t("api.v1.unknown_code", code=code))
        return None
    return row[0]


def _case_id_of(session: Session, errors: Errors, field: str, number: str | None) -> int | None:
    if number is None:
        return None
    found = session.exec(select(Case.id).where(Case.number == number)).first()
    if found is None:
        errors.add(field, t("api.v1.unknown_case", number=number))
    return found


def case_by_number(session: Session, user: User, number: str, *, for_update: bool = False) -> Case:
    """Return the case with this number if the user may see it; NotFound otherwise."""
    found = session.exec(select(Case.id).where(Case.number == number)).first()
    if found is None:
        raise NotFound(t("api.error.no_case"))
    return get_case(session, user, found, for_update=for_update)


def case_out(session: Session, user: User, case: Case) -> dict[str, Any]:
    """Return the case as GET /api/v1/cases/{number} shows it to the user (core.exchange.schemas.CaseOut)."""
    identity = pii.can_see_identity(user, case)
    cal, limits = clock.load_calendar(session), clock.load_limits(session)
    repeat_of = session.get(Case, case.repeat_of_id).number if case.repeat_of_id and identity else None
    lead = session.get(Unit, case.lead_unit_id) if case.lead_unit_id else None
    street = session.get(Street, case.street_id) if case.street_id else None
    events = case_timeline(session, user, case.id)
    higher = None
    if case.higher_number:
        higher = {"number": case.higher_number, "due_on": case.higher_due_on, "body": case.higher_body}
    return {
        "number": case.number,
        "external_id": case.external_id,
        "status": case.status,
        "channel": case.channel,
        "received_on": case.received_on,
        "category": case.category,
        "route": case.route,
        "subject": case.subject,
        "title": case.title,
        # the accuser's material, and the link to his other petitions, stay with those who need them
        "content": case.content if identity else None,
        "request": case.request if identity else None,
        "lead_unit_code": lead.code if lead else None,
        "street_code": street.code if street else None,
        "first_petition": case.is_first,
        "repeat_of": repeat_of,
        "stage": case.stage,
        "version": case.version,
        "due": {
            stage: {"date": due.on, "provisional": due.provisional}
            for stage, due in clock.due_dates(case, cal, limits).items()
        },
        "alert": clock.alert(case.due_on, timeutil.today(), cal) if case.due_on else None,
        "higher_level": higher,
        "petitioners": [
            {k: row[k] for k in ("role", "hidden", "masked", "name", "id_number", "phone", "address")}
            for row in pii.party_view(session, user, case)
        ],
        "actions": workflow.available_actions(session, user, case),
        "timeline": [{"at": e.at, "action": e.action, "actor": e.actor_name, "note": e.note} for e in events],
    }


def _by_external_id(session: Session, user: User, external_id: str | None) -> Case | None:
    if external_id is None:
        return None
    found = session.exec(select(Case.id).where(Case.external_id == external_id)).first()
    return get_case(session, user, found) if found is not None else None


def create_case(session: Session, user: User, data: CaseIn) -> tuple[dict[str, Any], bool]:
    """Register a petition; return the case and True, or the case stored under its external_id and False.

    With lead_unit_code the case is assigned (交办) to that unit on the day it was received.
    """
    require(user, "case.register")
    known = _by_external_id(session, user, data.external_id)
    if known is not None:
        return case_out(session, user, known), False
    errors = Errors()
    street_id = _id_of(session, errors, Street, "street_code", data.street_code)
    community_id = _id_of(session, errors, Community, "community_code", data.community_code)
    grid_id = _id_of(session, errors, Grid, "grid_code", data.grid_code)
    unit_id = _id_of(session, errors, Unit, "lead_unit_code", data.lead_unit_code)
    errors.raise_if_any()
    if unit_id is not None:
        require(user, "case.triage")
    fields = data.model_dump(exclude={"street_code", "community_code", "grid_code", "lead_unit_code"})
    create = CaseCreate.model_validate(
        fields | {"street_id": street_id, "community_id": community_id, "grid_id": grid_id}
    )
    try:
        done = register_case(session, user, create)
    except IntegrityError:  # the same external_id registered a moment ago by a parallel request
        session.rollback()
        known = _by_external_id(session, user, data.external_id)
        if known is None:
            raise
        return case_out(session, user, known), False
    except ValidationError as exc:
        raise _renamed(exc) from None
    case = done.case
    if unit_id is not None:
        try:
            workflow.assign(session, user, case.id, case.version, lead_unit_id=unit_id, on=data.received_on)
        except ValidationError as exc:
            raise _renamed(exc) from None
    return case_out(session, user, case) | {"query_code": done.query_code}, True


def run_action(session: Session, user: User, number: str, body: BaseModel) -> dict[str, Any]:
    """Take a workflow action on the case by its number, with codes resolved to rows; return the case."""
    case = case_by_number(session, user, number)
    action = body.action
    errors, kwargs = Errors(), {}
    for api_name, (name, kind) in action_inputs(action).items():
        value = getattr(body, api_name)
        if kind == "unit":
            value = _id_of(session, errors, Unit, api_name, value)
        elif kind == "units":
            value = [_id_of(session, errors, Unit, f"{api_name}.{i}", code) for i, code in enumerate(value)]
        elif kind == "case":
            value = _case_id_of(session, errors, api_name, value)
        kwargs[name] = value
    errors.raise_if_any()
    try:
        action_func(action)(session, user, case.id, body.version, **kwargs)
    except ValidationError as exc:
        raise _renamed(exc) from None
    return case_out(session, user, get_case(session, user, case.id))


def list_cases(session: Session, user: User, query: CaseListQuery) -> dict[str, Any]:
    """Return one page of the cases the user may see, as the case list finds them, and the total."""
    params = {k: str(v) for k, v in query.model_dump(exclude={"updated_since"}).items() if v is not None}
    flt = case_list.from_params(params)
    extra = None
    if query.updated_since is not None:
        since = datetime.combine(query.updated_since, time.min, tzinfo=timeutil.now().tzinfo)
        extra = sa.and_(Case.updated_at >= since)
    rows, total = case_list.search_cases(session, user, flt, timeutil.today(), extra=extra)
    items = [
        {
            "number": r.number,
            "status": r.status,
            "channel": r.channel,
            "received_on": r.received_on,
            "category": r.category,
            "subject": r.subject,
            "title": r.title,
            "stage": r.stage,
            "due_on": r.due_on,
            "due_provisional": r.due_provisional,
            "lead_unit": r.unit,
            "street": r.street,
            "petitioners": r.petitioners,
        }
        for r in rows
    ]
    return {"total": total, "page": flt.page, "page_size": flt.page_size, "items": items}


def higher_report(session: Session, user: User, number: str) -> dict[str, Any]:
    """Return the 办结报告 of a closed case from a higher level (HigherReport); 422 before it is closed."""
    case = case_by_number(session, user, number)
    if not case.higher_number:
        raise IllegalTransition(t("api.v1.not_higher"))
    if case.closed_on is None:
        raise IllegalTransition(t("api.v1.not_closed"))
    lead = session.get(Unit, case.lead_unit_id) if case.lead_unit_id else None
    return {
        "number": case.number,
        "higher_number": case.higher_number,
        "higher_body": case.higher_body,
        "higher_due_on": case.higher_due_on,
        "received_on": case.received_on,
        "lead_unit_code": lead.code if lead else None,
        "accepted_on": case.accepted_on,
        "replied_on": case.replied_on,
        "closed_on": case.closed_on,
        "outcome": str(case.outcome) if case.outcome else None,
        "reply_summary": case.reply_summary if pii.can_see_identity(user, case) else None,
        "satisfaction": str(case.satisfaction) if case.satisfaction else None,
        "on_time": case.closed_on <= case.higher_due_on if case.higher_due_on else None,
    }


def higher_cases(session: Session, user: User) -> dict[str, Any]:
    """Return the visible cases from higher levels: the open ones by the higher deadline, then the closed."""
    require(user, "case.view")
    stmt = select(Case).where(Case.higher_number.is_not(None))
    stmt = (
        scope_cases(stmt, user).order_by(Case.closed_on.is_not(None), Case.higher_due_on, Case.id).limit(1000)
    )
    items = [
        {
            "number": c.number,
            "higher_number": c.higher_number,
            "higher_body": c.higher_body,
            "higher_due_on": c.higher_due_on,
            "due_on": c.due_on,
            "status": c.status,
            "closed_on": c.closed_on,
            "report_ready": c.closed_on is not None,
        }
        for c in session.exec(stmt)
    ]
    return {"total": len(items), "items": items}
