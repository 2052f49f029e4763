"""GET /healthz answers with database reachability and schema revision; 503 when the database is down."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.testclient import TestClient

from api.routes import routes
from core.platform import db as core_db


def _client() -> TestClient:
    return TestClient(Starlette(routes=routes()))


def test_healthz_reports_ok_and_revision(engine):
    response = _client().get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok"
    assert body["schema_revision"] == core_db.head_revision()
    assert body["dialect"] == engine.dialect.name


def test_healthz_is_503_when_the_database_is_down():
    core_db.set_engine(core_db.create_db_engine("postgresql://nobody@127.0.0.1:1/none"))
    try:
        response = _client().get("/healthz")
    finally:
        core_db.set_engine(None)
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"
