"""Every HTTP route of the app, mounted beside Streamlit by st.App (never name this package `http`)."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from api import auth, cases, kpis, openapi
from api.health import healthz


def routes() -> list[BaseRoute]:
    """Return the app's HTTP routes: /healthz, /auth/*, /api/v1/*."""
    return [
        Route("/healthz", healthz, methods=["GET"]),
        *auth.routes(),
        *cases.routes(),
        *kpis.routes(),
        *openapi.routes(),
    ]
