"""The one error shape of every JSON route, the request-body guard, and the mapping of outages to 503.

Every error reply is {"error": code, "message": text, "errors": [{"field": "petitioners[0].id_number",
"message": "…"}]}: a list, so one field may carry several messages; "field" is "" for the request as a whole.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import pydantic
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from core.platform import db
from core.platform.errors import PetitionDeskError, ValidationError
from core.platform.validation import api_field, error_list, from_pydantic, safe_label
from i18n import t

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024  # 1 MB: the longest case (content 20,000 characters) is well under it
NO_STORE = {"Cache-Control": "no-store"}  # replies carry case data: no browser or proxy may keep them
_HTTP_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    413: "too_large",
}


class BadRequest(PetitionDeskError):
    """The body is not a JSON object we can read (malformed, nested too deeply, not an object)."""

    code = "bad_request"
    http_status = 400


class BodyTooLarge(PetitionDeskError):
    code = "too_large"
    http_status = 413


def error_body(code: str, message: str, errors: list[dict[str, str]] | None = None) -> dict[str, Any]:
    """Return the error reply's JSON: code, message and the list of field errors."""
    return {"error": code, "message": message, "errors": errors or [{"field": "", "message": message}]}


def error_response(exc: Exception) -> JSONResponse:
    """Return the JSON reply for an exception a route let out: ours, pydantic's, HTTP's or the database's."""
    if isinstance(exc, pydantic.ValidationError):
        exc = from_pydantic(exc)
    if isinstance(exc, ValidationError):
        body = error_body(exc.code, exc.message, error_list(exc))
        return JSONResponse(body, status_code=exc.http_status, headers=NO_STORE)
    if isinstance(exc, PetitionDeskError):
        errors = [{"field": api_field(exc.field), "message": exc.message}] if exc.field else None
        retry = getattr(exc, "retry_after", None)  # the rate limit says when to come back
        headers = NO_STORE | ({"Retry-After": str(retry)} if retry else {})
        return JSONResponse(
            error_body(exc.code, exc.message, errors), status_code=exc.http_status, headers=headers
        )
    if isinstance(exc, HTTPException):
        code = _HTTP_CODES.get(exc.status_code, "error")
        headers = NO_STORE | dict(exc.headers or {})
        return JSONResponse(error_body(code, str(exc.detail)), status_code=exc.status_code, headers=headers)
    if db.is_unavailable(exc):
        return unavailable_response(exc)
    raise exc


def unavailable_response(exc: BaseException) -> JSONResponse:
    """Return 503 with Retry-After: the database is locked or unreachable, nothing was saved."""
    log.warning("database unavailable: %s", exc)
    message = t("api.error.database_busy", seconds=db.RETRY_AFTER_S)
    headers = NO_STORE | {"Retry-After": str(db.RETRY_AFTER_S)}
    return JSONResponse(error_body(db.DatabaseUnavailable.code, message), status_code=503, headers=headers)


def json_route(handler: Callable[[Request], Awaitable[Response]]) -> Callable[[Request], Awaitable[Response]]:
    """Wrap an async route: every error it lets out becomes the one error shape; replies are never cached."""

    @functools.wraps(handler)
    async def wrapped(request: Request) -> Response:
        try:
            response = await handler(request)
        except Exception as exc:  # error_response re-raises what is neither ours nor an outage
            return error_response(exc)
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    return wrapped


async def read_json_object(request: Request) -> dict:
    """Return the request's JSON object; 413 past MAX_BODY_BYTES, 400 unless JSON, 422 for a lone surrogate."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise BodyTooLarge(t("api.error.body_too_large", limit=MAX_BODY_BYTES // (1024 * 1024)))
    raw = bytearray()
    async for chunk in request.stream():  # a chunked body has no Content-Length: count as it comes
        raw += chunk
        if len(raw) > MAX_BODY_BYTES:
            raise BodyTooLarge(t("api.error.body_too_large", limit=MAX_BODY_BYTES // (1024 * 1024)))
    try:
        body = json.loads(raw)
    except RecursionError:
        raise BadRequest(t("api.error.nesting")) from None
    except ValueError:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        body = None
    if not isinstance(body, dict):
        raise BadRequest(t("api.bad_json"))
    _refuse_surrogates(body)
    return body


MAX_DEPTH = 16  # a case is 3 levels deep (case -> petitioners -> person); deeper is no input of ours


def _refuse_surrogates(value: Any, path: str = "") -> None:
    """Raise ValidationError naming every string (key or value) holding a lone surrogate: no database stores one."""
    errors: dict[str, str] = {}

    def walk(item: Any, where: str, depth: int = 0) -> None:
        if depth > MAX_DEPTH:
            raise BadRequest(t("api.error.nesting"))
        if isinstance(item, str):
            if any("\ud800" <= ch <= "\udfff" for ch in item):
                errors.setdefault(
                    where, t("input.control_chars", field=safe_label(where) if where else "body")
                )
        elif isinstance(item, dict):
            for key, sub in item.items():
                walk(key, where, depth + 1)
                walk(sub, f"{where}.{key}" if where else str(key), depth + 1)
        elif isinstance(item, list):
            for i, sub in enumerate(item):
                walk(sub, f"{where}.{i}", depth + 1)

    walk(value, path)
    if errors:
        raise ValidationError(next(iter(errors.values())), errors=errors)
