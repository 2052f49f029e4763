"""GET /healthz: database reachability and schema revision (503 when the database is down)."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from core.platform import db


async def healthz(_request: Request) -> JSONResponse:
    """Return the health of the app and its database as JSON."""
    report = await run_in_threadpool(db.health)
    status = 200 if report.get("database") == "ok" else 503
    return JSONResponse(report, status_code=status, headers={"Cache-Control": "no-store"})
