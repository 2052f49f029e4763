"""/api/v1/cases: the public case API (core.exchange), as the token's user, with the per-token rate limit.

Cases by number, units by code, places by division code; the bodies validate against the schemas of
core.exchange.schemas, which are also what /api/v1/openapi.json documents.
"""

from __future__ import annotations

import json
import re

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from api import ratelimit
from api.deps import authenticate_request
from api.errors import json_route, read_json_object
from core.accounts.permissions import require
from core.exchange import cases_api
from core.exchange.schemas import (
    CaseCreated,
    CaseIn,
    CaseListQuery,
    CaseOut,
    CasePage,
    HigherCaseList,
    HigherReport,
    action_model,
    actions,
)
from core.platform import db
from core.platform.errors import NotFound, ValidationError
from i18n import LANGUAGES, set_language, t
from models import User

_NUMBER = re.compile(r"^[A-Za-z0-9-]{1,20}$")


def _language(request: Request) -> None:
    wanted = request.query_params.get("lang") or request.headers.get("accept-language", "")
    set_language("en" if wanted.lower().startswith("en") else "zh_CN" if wanted not in LANGUAGES else wanted)


async def _caller(request: Request) -> User:
    """Return the token's user (401 without one) after counting the request against its rate limit."""
    _language(request)
    user = await run_in_threadpool(authenticate_request, request)
    ratelimit.limit(request)
    return user


def _number(request: Request) -> str:
    number = request.path_params["number"]
    if not _NUMBER.match(number):
        raise NotFound(t("api.error.no_case"))
    return number


def _reply(model, payload: dict, status_code: int = 200) -> JSONResponse:
    # through the documented model: a reply never carries what the schema does not describe
    return JSONResponse(model.model_validate(payload).model_dump(mode="json"), status_code=status_code)


@json_route
async def list_cases(request: Request) -> JSONResponse:
    """GET /api/v1/cases?q=&status=&updated_since=&page=&page_size=: one page of the visible cases."""
    user = await _caller(request)
    params = {k: v for k, v in request.query_params.items() if v != "" and k != "lang"}
    query = CaseListQuery.model_validate(params)

    def work() -> JSONResponse:
        with db.session_scope() as session:
            return _reply(CasePage, cases_api.list_cases(session, user, query))

    return await run_in_threadpool(work)


@json_route
async def show_case(request: Request) -> JSONResponse:
    """GET /api/v1/cases/{number}: the case with its due dates, alert, open actions and timeline."""
    user = await _caller(request)
    number = _number(request)

    def work() -> JSONResponse:
        with db.session_scope() as session:
            return _reply(
                CaseOut, cases_api.case_out(session, user, cases_api.case_by_number(session, user, number))
            )

    return await run_in_threadpool(work)


@json_route
async def create_case(request: Request) -> JSONResponse:
    """POST /api/v1/cases: 201 with the new case; 200 with the stored one when its external_id is known."""
    user = await _caller(request)
    require(user, "case.register")  # a caller who may never register is told so, whatever the body
    data = CaseIn.model_validate_json(json.dumps(await read_json_object(request)), strict=True)

    def work() -> JSONResponse:
        with db.session_scope() as session:
            case, created = cases_api.create_case(session, user, data)
            return _reply(CaseCreated, {"query_code": None} | case, 201 if created else 200)

    return await run_in_threadpool(work)


@json_route
async def act(request: Request) -> JSONResponse:
    """POST /api/v1/cases/{number}/actions: {action, version, ...inputs} runs one workflow transition."""
    user = await _caller(request)
    number = _number(request)
    body = await read_json_object(request)
    action = body.get("action")
    if not isinstance(action, str) or not action:
        raise ValidationError(t("api.v1.action_required"), field="action")
    if action not in actions():
        raise ValidationError(t("api.v1.unknown_action", action=action[:40]), field="action")
    if not isinstance(body.get("version"), int) or isinstance(body.get("version"), bool):
        raise ValidationError(t("api.version_required"), field="version")
    inputs = action_model(action).model_validate_json(json.dumps(body), strict=True)

    def work() -> JSONResponse:
        with db.session_scope() as session:
            return _reply(CaseOut, cases_api.run_action(session, user, number, inputs))

    return await run_in_threadpool(work)


@json_route
async def higher_report(request: Request) -> JSONResponse:
    """GET /api/v1/cases/{number}/report: the 办结报告 of a closed case from a higher level (交办件)."""
    user = await _caller(request)
    number = _number(request)

    def work() -> JSONResponse:
        with db.session_scope() as session:
            return _reply(HigherReport, cases_api.higher_report(session, user, number))

    return await run_in_threadpool(work)


@json_route
async def higher_cases(request: Request) -> JSONResponse:
    """GET /api/v1/higher-level-cases: the visible cases from higher levels, the open ones by their deadline."""
    user = await _caller(request)

    def work() -> JSONResponse:
        with db.session_scope() as session:
            return _reply(HigherCaseList, cases_api.higher_cases(session, user))

    return await run_in_threadpool(work)


def routes() -> list[BaseRoute]:
    """Return the /api/v1 case routes."""
    return [
        Route("/api/v1/cases", list_cases, methods=["GET"]),
        Route("/api/v1/cases", create_case, methods=["POST"]),
        Route("/api/v1/cases/{number}", show_case, methods=["GET"]),
        Route("/api/v1/cases/{number}/actions", act, methods=["POST"]),
        Route("/api/v1/cases/{number}/report", higher_report, methods=["GET"]),
        Route("/api/v1/higher-level-cases", higher_cases, methods=["GET"]),
    ]
