"""A locked or unreachable database gets 503 with Retry-After, never a bare 500 (issue 9, item 7)."""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.testclient import TestClient

from api.routes import routes
from api.security import FrameGuard
from core.accounts import tokens
from core.platform import db as core_db
from models import Role
from tests import factories as f
from tests.api.contract import case_body

PASSWORD = "correct horse battery staple 42"


@pytest.fixture()
def client() -> TestClient:
    return TestClient(Starlette(routes=routes()), raise_server_exceptions=False)


@pytest.fixture()
def short_waits(engine, monkeypatch):
    """The process engine on the same database, waiting 0.3 s for a lock instead of 10 s (a quick suite)."""
    quick = core_db.create_db_engine(engine.url.render_as_string(hide_password=False), lock_timeout_s=0.3)
    monkeypatch.setattr(core_db, "HEALTH_PROBE_TIMEOUT_S", 0.3)
    core_db.set_engine(quick)
    yield quick
    core_db.set_engine(engine)
    quick.dispose()


@contextmanager
def write_lock(engine):
    """Hold the database's write lock from another connection, as a long import or a backup would."""
    if engine.dialect.name == "sqlite":
        other = sqlite3.connect(engine.url.database, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            other.execute("ROLLBACK")
            other.close()
        return
    holder = sa.create_engine(engine.url, poolclass=sa.pool.NullPool)
    with holder.connect() as conn:
        names = conn.execute(sa.text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).scalars()
        tables = ", ".join(f'"{name}"' for name in names)
        conn.execute(sa.text(f"LOCK TABLE {tables} IN EXCLUSIVE MODE"))  # reads go on, writes wait
        try:
            yield
        finally:
            conn.rollback()
    holder.dispose()


def _headers(session, user) -> dict[str, str]:
    admin = f.make_user(session, Role.ADMIN)
    _, plain = tokens.create_token(session, admin, user.id, "test")
    return {"Authorization": f"Bearer {plain}"}


def test_registering_while_the_database_is_locked_says_retry_later(session, client, short_waits):
    headers = _headers(session, f.make_user(session, Role.REGISTRAR))
    body = case_body()
    with write_lock(short_waits):
        response = client.post("/api/v1/cases", json=body, headers=headers)
    assert response.status_code == 503
    assert response.headers["retry-after"] == "10"
    assert response.json() == {
        "error": "database_unavailable",
        "message": "数据库正忙或暂时无法连接，请 10 秒后重试。",
        "errors": [{"field": "", "message": "数据库正忙或暂时无法连接，请 10 秒后重试。"}],
    }
    after = client.post("/api/v1/cases", json=body, headers=headers)  # the lock is gone: it goes through
    assert after.status_code == 201, after.text


def test_signing_in_while_the_database_is_locked_shows_a_retry_message(session, client, short_waits):
    f.first_admin(session, PASSWORD)
    with write_lock(short_waits):
        response = client.post(
            "/auth/login", data={"username": "wang.admin", "password": PASSWORD}, follow_redirects=False
        )
    assert response.status_code == 503
    assert response.headers["retry-after"] == "10"
    assert "数据库正忙或暂时无法连接，请 10 秒后重试。" in response.text


def test_healthz_is_503_while_the_write_lock_is_held(client, short_waits):
    assert client.get("/healthz").status_code == 200
    with write_lock(short_waits):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "locked"
    assert response.headers["retry-after"] == "10"
    assert client.get("/healthz").status_code == 200  # the probe gave the lock back


def test_an_unreachable_database_gets_503_json_on_the_api(engine, session, client):
    headers = _headers(session, f.make_user(session, Role.REGISTRAR))
    core_db.set_engine(core_db.create_db_engine("postgresql://nobody@127.0.0.1:1/none"))
    try:
        response = client.get("/api/v1/cases", headers=headers)
    finally:
        core_db.set_engine(engine)
    assert response.status_code == 503
    assert response.json()["error"] == "database_unavailable"
    assert response.headers["retry-after"] == "10"


def test_no_other_site_may_frame_any_page(session):
    f.first_admin(session, PASSWORD)  # else /auth/login sends a fresh install to the setup screen

    async def page(_request):
        from starlette.responses import HTMLResponse

        return HTMLResponse("<p>case list</p>")

    from starlette.routing import Route

    app = Starlette(routes=[Route("/", page), *routes()], middleware=[Middleware(FrameGuard)])
    client = TestClient(app)
    response = client.get("/")
    assert response.headers["x-frame-options"] == "SAMEORIGIN"
    assert response.headers["content-security-policy"] == "frame-ancestors 'self'"
    login = client.get("/auth/login")  # keeps its own stricter policy
    assert login.headers["x-frame-options"] == "DENY"
