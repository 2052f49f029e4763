"""/api/v1/kpis: every indicator of DOMAIN.md §8 for a period, as the screens compute them (core.kpis)."""

from __future__ import annotations

from datetime import date

import pydantic
import sqlalchemy as sa
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from api.cases import _language
from api.deps import authenticate_request
from api.errors import json_route
from core import kpis
from core.platform import db
from core.platform.errors import ValidationError
from core.platform.timeutil import today
from core.platform.validation import Errors
from i18n import t
from models import Category, Channel, Street, Unit


class KpiQuery(pydantic.BaseModel):
    """The query parameters of GET /api/v1/kpis."""

    model_config = pydantic.ConfigDict(extra="ignore", populate_by_name=True)

    start: date = pydantic.Field(alias="from")
    end: date = pydantic.Field(alias="to")
    as_of: date | None = None
    street_code: str | None = pydantic.Field(None, max_length=12)
    unit_code: str | None = pydantic.Field(None, max_length=20)
    category: Category | None = None
    subject: str | None = pydantic.Field(None, max_length=40)
    channel: Channel | None = None

    @pydantic.model_validator(mode="after")
    def _ordered(self) -> KpiQuery:
        if self.start > self.end:
            raise ValueError(t("kpi.api.period_order"))
        return self


def _scope(session, query: KpiQuery) -> kpis.Scope:
    errors = Errors()
    ids = {}
    for name, model, code in (
        ("street_code", Street, query.street_code),
        ("unit_code", Unit, query.unit_code),
    ):
        if code:
            ids[name] = session.execute(sa.select(model.id).where(model.code == code)).scalar()
            if ids[name] is None:
                errors.add(name, t("kpi.api.unknown_code", code=code))
    errors.raise_if_any()
    return kpis.Scope(
        street_id=ids.get("street_code"),
        unit_id=ids.get("unit_code"),
        category=query.category.value if query.category else None,
        subject=query.subject,
        channel=query.channel.value if query.channel else None,
    )


@json_route
async def get_kpis(request: Request) -> JSONResponse:
    """GET /api/v1/kpis?from=&to=[&as_of=][&street_code=][&unit_code=]: {key: {value, numerator, …}}."""
    _language(request)
    user = await run_in_threadpool(authenticate_request, request)
    params = {k: v for k, v in request.query_params.items() if v != ""}
    for required in ("from", "to"):
        if required not in params:
            raise ValidationError(t("kpi.api.period_required"), field=required)
    query = KpiQuery.model_validate(params)

    def work() -> JSONResponse:
        with db.session_scope() as session:
            period = kpis.Period.make(query.start, query.end, query.as_of or today())
            figures = kpis.compute(session, user, period, _scope(session, query))
        return JSONResponse({key: figure.as_dict() for key, figure in figures.items()})

    return await run_in_threadpool(work)


def routes() -> list[BaseRoute]:
    """Return the /api/v1/kpis route."""
    return [Route("/api/v1/kpis", get_kpis, methods=["GET"])]
