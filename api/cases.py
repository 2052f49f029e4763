"""/api/v1: cases for HTTP clients, through the same core functions as the screens, as the token's user."""

from __future__ import annotations

import inspect
from datetime import date
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from api.deps import authenticate_request
from core.accounts import pii
from core.calendar import clock
from core.cases import case_list, workflow
from core.cases.registration import get_case, register_case
from core.mediation import referral
from core.platform import db
from core.platform.errors import PetitionDeskError, ValidationError
from core.platform.timeutil import today
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


def _error(exc: PetitionDeskError) -> JSONResponse:
    body = {"error": exc.code, "message": exc.message}
    if getattr(exc, "errors", None):
        body["errors"] = exc.errors
    return JSONResponse(body, status_code=exc.http_status)


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


def list_cases(request: Request) -> JSONResponse:
    """GET /api/v1/cases: the case list with the same query parameters as the case list page."""
    _language(request)
    user = authenticate_request(request)
    flt = case_list.from_params(dict(request.query_params))
    with db.session_scope() as session:
        try:
            rows, total = case_list.search_cases(session, user, flt, today())
        except PetitionDeskError as exc:
            return _error(exc)
    items = [{k: _json(v) for k, v in row.__dict__.items()} for row in rows]
    return JSONResponse({"total": total, "page": flt.page, "page_size": flt.page_size, "items": items})


def show_case(request: Request) -> JSONResponse:
    """GET /api/v1/cases/{id}: one case with its due dates, parties (masked per role) and open actions."""
    _language(request)
    user = authenticate_request(request)
    with db.session_scope() as session:
        try:
            case = get_case(session, user, request.path_params["case_id"])
            return JSONResponse(_case_body(session, user, case))
        except PetitionDeskError as exc:
            return _error(exc)


async def _body(request: Request) -> dict:
    try:
        body = await request.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise HTTPException(400, detail=t("api.bad_json"))
    return body


async def create_case(request: Request) -> JSONResponse:
    """POST /api/v1/cases: register a petition (JSON as core.cases.CaseCreate); 201 with number and query code."""
    from starlette.concurrency import run_in_threadpool

    _language(request)
    user = await run_in_threadpool(authenticate_request, request)
    body = await _body(request)

    def work() -> JSONResponse:
        with db.session_scope() as session:
            try:
                done = register_case(session, user, body)
            except PetitionDeskError as exc:
                return _error(exc)
            payload = {"id": done.case.id, "number": done.case.number, "query_code": done.query_code}
            return JSONResponse(payload | {"messages": done.messages}, status_code=201)

    return await run_in_threadpool(work)


def _inputs(func, body: dict) -> dict:
    """Turn JSON values into the transition's keyword arguments (ISO dates into dates)."""
    params = inspect.signature(func).parameters
    out = {}
    for key, value in body.items():
        if key not in params or key in ("session", "actor", "case_id", "version"):
            raise PetitionDeskError(t("api.unknown_field", field=key), field=key)
        annotation = str(params[key].annotation)
        if "date" in annotation and isinstance(value, str):
            try:
                value = date.fromisoformat(value)
            except ValueError:
                raise PetitionDeskError(t("api.bad_date", field=key), field=key) from None
        out[key] = value
    missing = [
        name
        for name, p in params.items()
        if p.kind is p.KEYWORD_ONLY and p.default is p.empty and name not in out
    ]
    if missing:
        raise ValidationError(
            t("api.missing_fields", fields=", ".join(missing)), errors={m: t("api.required") for m in missing}
        )
    return out


async def act(request: Request) -> JSONResponse:
    """POST /api/v1/cases/{id}/actions/{action}: take a workflow action; body {"version": n, ...inputs}."""
    from starlette.concurrency import run_in_threadpool

    _language(request)
    user = await run_in_threadpool(authenticate_request, request)
    action = request.path_params["action"]
    if action not in workflow.TRANSITIONS:
        return JSONResponse({"error": "not_found", "message": t("api.unknown_action", action=action)}, 404)
    body = await _body(request)
    version = body.pop("version", None)
    if not isinstance(version, int):
        return JSONResponse({"error": "invalid", "message": t("api.version_required")}, 422)

    def work() -> JSONResponse:
        # refer_mediation / return_from_mediation go through the mediation record (core.mediation.referral)
        func = referral.CASE_ACTIONS.get(action, workflow.TRANSITIONS[action].func)
        with db.session_scope() as session:
            try:
                func(session, user, request.path_params["case_id"], version, **_inputs(func, body))
                case = get_case(session, user, request.path_params["case_id"])
                return JSONResponse(_case_body(session, user, case))
            except PetitionDeskError as exc:
                return _error(exc)

    return await run_in_threadpool(work)


def routes() -> list[BaseRoute]:
    """Return the /api/v1 case routes."""
    return [
        Route("/api/v1/cases", list_cases, methods=["GET"]),
        Route("/api/v1/cases", create_case, methods=["POST"]),
        Route("/api/v1/cases/{case_id:int}", show_case, methods=["GET"]),
        Route("/api/v1/cases/{case_id:int}/actions/{action}", act, methods=["POST"]),
    ]
