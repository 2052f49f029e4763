"""/api/v1: cases for HTTP clients, through the same core functions as the screens, as the token's user."""

from __future__ import annotations

import functools
import inspect
import json
import typing
from datetime import date
from typing import Any

import pydantic
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from api.deps import authenticate_request
from api.errors import json_route, read_json_object
from core.accounts import pii
from core.calendar import clock
from core.cases import case_list, workflow
from core.cases.registration import CaseCreate, get_case, register_case
from core.mediation import referral
from core.platform import db
from core.platform.errors import NotFound, ValidationError
from core.platform.timeutil import today
from core.platform.validation import MAX_ID, Id
from i18n import LANGUAGES, set_language, t

CASE_FIELDS = (
    "id", "number", "channel", "received_on", "category", "route", "subject", "title", "content", "request",
    "status", "stage", "due_on", "due_provisional", "is_first", "repeat_of_id", "merged_into_id", "group_size",
    "anonymous", "confidential", "not_accepted_again", "lead_unit_id", "leader_in_charge_id", "onsite_resolved",
    "triaged_on", "unit_received_on", "accepted_on", "objected_on", "extension_days", "replied_on",
    "reply_received_on", "outcome", "reply_summary", "satisfaction", "rated_on", "closed_on",
    "review_requested_on", "review_decided_on", "reexam_requested_on", "reexam_decided_on", "version",
)  # fmt: skip


def _json(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "value"):
        return value.value
    return value


def _language(request: Request) -> None:
    wanted = request.query_params.get("lang") or request.headers.get("accept-language", "")
    set_language("en" if wanted.lower().startswith("en") else "zh_CN" if wanted not in LANGUAGES else wanted)


def _case_body(session, user, case) -> dict:
    body = {name: _json(getattr(case, name)) for name in CASE_FIELDS}
    if not pii.can_see_identity(user, case):
        # the accuser's material, and the link to his other petitions, stay with those who need them
        body["content"] = body["request"] = body["repeat_of_id"] = None
    cal, limits = clock.load_calendar(session), clock.load_limits(session)
    body["due_dates"] = {
        stage: {"on": due.on.isoformat(), "provisional": due.provisional}
        for stage, due in clock.due_dates(case, cal, limits).items()
    }
    body["alert"] = clock.alert(case.due_on, today(), cal) if case.due_on else None
    body["parties"] = [{k: _json(v) for k, v in row.items()} for row in pii.party_view(session, user, case)]
    body["actions"] = workflow.available_actions(session, user, case)
    return body


class CaseListQuery(pydantic.BaseModel):
    """The typed query parameters of GET /api/v1/cases (the others are read as the case list page reads them)."""

    model_config = pydantic.ConfigDict(extra="ignore")

    page: int = pydantic.Field(1, ge=1, le=case_list.MAX_PAGE)
    page_size: int = pydantic.Field(50, ge=1, le=case_list.MAX_PAGE_SIZE)
    unit: Id | None = None
    street: Id | None = None
    received_from: date | None = None
    received_to: date | None = None


def _case_id(request: Request) -> int:
    case_id = request.path_params["case_id"]
    if not 1 <= case_id <= MAX_ID:  # no row has such an id; the driver would overflow on it
        raise NotFound(t("api.error.no_case"))
    return case_id


@json_route
async def list_cases(request: Request) -> JSONResponse:
    """GET /api/v1/cases: the case list with the same query parameters as the case list page."""
    _language(request)
    user = await run_in_threadpool(authenticate_request, request)
    params = {k: v for k, v in request.query_params.items() if v != ""}
    CaseListQuery.model_validate(params)  # a value out of its type or range is refused, not silently replaced
    flt = case_list.from_params(params)

    def work() -> JSONResponse:
        with db.session_scope() as session:
            rows, total = case_list.search_cases(session, user, flt, today())
        items = [{k: _json(v) for k, v in row.__dict__.items()} for row in rows]
        return JSONResponse({"total": total, "page": flt.page, "page_size": flt.page_size, "items": items})

    return await run_in_threadpool(work)


@json_route
async def show_case(request: Request) -> JSONResponse:
    """GET /api/v1/cases/{id}: one case with its due dates, parties (masked per role) and open actions."""
    _language(request)
    user = await run_in_threadpool(authenticate_request, request)
    case_id = _case_id(request)

    def work() -> JSONResponse:
        with db.session_scope() as session:
            return JSONResponse(_case_body(session, user, get_case(session, user, case_id)))

    return await run_in_threadpool(work)


@json_route
async def create_case(request: Request) -> JSONResponse:
    """POST /api/v1/cases: register a petition (JSON as core.cases.CaseCreate); 201 with number and query code."""
    _language(request)
    user = await run_in_threadpool(authenticate_request, request)
    # JSON types as declared: a number is no text, a date is a YYYY-MM-DD string
    data = CaseCreate.model_validate_json(json.dumps(await read_json_object(request)), strict=True)

    def work() -> JSONResponse:
        with db.session_scope() as session:
            done = register_case(session, user, data)
            payload = {"id": done.case.id, "number": done.case.number, "query_code": done.query_code}
            return JSONResponse(payload | {"messages": done.messages}, status_code=201)

    return await run_in_threadpool(work)


def _action_func(action: str):
    # refer_mediation / return_from_mediation go through the mediation record (core.mediation.referral)
    return referral.CASE_ACTIONS.get(action, workflow.TRANSITIONS[action].func)


@functools.cache
def action_schema(action: str) -> type[pydantic.BaseModel]:
    """Return the body schema of an action: `version` and the transition function's keyword arguments."""
    func = _action_func(action)
    hints = typing.get_type_hints(func, include_extras=True)
    fields: dict[str, Any] = {"version": (int, ...)}
    for name, param in inspect.signature(func).parameters.items():
        if param.kind is param.KEYWORD_ONLY:
            fields[name] = (hints[name], ... if param.default is param.empty else param.default)
    config = pydantic.ConfigDict(extra="forbid", strict=True)
    return pydantic.create_model(f"{action}_body", __config__=config, **fields)


@json_route
async def act(request: Request) -> JSONResponse:
    """POST /api/v1/cases/{id}/actions/{action}: take a workflow action; body {"version": n, ...inputs}."""
    _language(request)
    user = await run_in_threadpool(authenticate_request, request)
    action = request.path_params["action"]
    if action not in workflow.TRANSITIONS:
        raise NotFound(t("api.unknown_action", action=action))
    case_id = _case_id(request)
    body = await read_json_object(request)
    if not isinstance(body.get("version"), int) or isinstance(body.get("version"), bool):
        raise ValidationError(t("api.version_required"), field="version")
    inputs = dict(action_schema(action).model_validate_json(json.dumps(body), strict=True))
    version = inputs.pop("version")

    def work() -> JSONResponse:
        func = _action_func(action)
        with db.session_scope() as session:
            func(session, user, case_id, version, **inputs)
            return JSONResponse(_case_body(session, user, get_case(session, user, case_id)))

    return await run_in_threadpool(work)


def routes() -> list[BaseRoute]:
    """Return the /api/v1 case routes."""
    return [
        Route("/api/v1/cases", list_cases, methods=["GET"]),
        Route("/api/v1/cases", create_case, methods=["POST"]),
        Route("/api/v1/cases/{case_id:int}", show_case, methods=["GET"]),
        Route("/api/v1/cases/{case_id:int}/actions/{action}", act, methods=["POST"]),
    ]
