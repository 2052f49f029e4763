"""Every HTTP route of the app, mounted beside Streamlit by st.App (never name this package `http`)."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from api.health import healthz


def routes() -> list[BaseRoute]:
    """Return the app's HTTP routes."""
    out: list[BaseRoute] = [Route("/healthz", healthz, methods=["GET"])]
    try:
        from api import auth
    except ImportError:  # sign-in routes arrive with the auth module
        return out
    return out + auth.routes()
