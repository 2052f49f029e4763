"""GET /healthz: database reachability, a write probe and schema revision (503 when down or locked)."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from core.platform import db


async def healthz(_request: Request) -> JSONResponse:
    """Return the health of the app and its database as JSON."""
    report = await run_in_threadpool(db.health)
    headers = {"Cache-Control": "no-store"}
    if report.get("database") != "ok":
        return JSONResponse(report, status_code=503, headers=headers | {"Retry-After": str(db.RETRY_AFTER_S)})
    return JSONResponse(report, headers=headers)
