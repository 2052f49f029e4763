"""The /auth routes: the sign-in form, the session cookie, lockout, sign-out, bearer tokens and CSRF checks."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import Session, select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from api.routes import routes
from core.accounts import auth, sessions, tokens, users
from models import (
    Case,
    CaseEvent,
    CaseParty,
    CaseUnit,
    Category,
    Channel,
    PartyRole,
    Person,
    Role,
    Setting,
    UnitKind,
    UnitRole,
    UserSession,
)
from tests.factories import first_admin, make_unit, make_user, unique

PASSWORD = "river2025stone"


def _client(**kwargs) -> TestClient:
    return TestClient(Starlette(routes=routes()), follow_redirects=False, **kwargs)


@pytest.fixture()
def admin(session):
    return first_admin(session, PASSWORD)


def _sign_in(client: TestClient, username="wang.admin", password=PASSWORD, **headers):
    return client.post("/auth/login", data={"username": username, "password": password}, headers=headers)


def _actions(session: Session) -> list[str]:
    session.expire_all()
    return list(session.exec(select(CaseEvent.action).order_by(CaseEvent.id)).all())


def test_the_sign_in_form_is_chinese_by_default_and_english_on_request(admin):
    client = _client()
    page = client.get("/auth/login")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert 'name="username"' in page.text and 'name="password"' in page.text and "用户名" in page.text
    assert (
        page.headers["cache-control"] == "no-store"
        and "frame-ancestors 'none'" in page.headers["content-security-policy"]
    )
    english = client.get("/auth/login?lang=en")
    assert "Username" in english.text and 'value="en"' in english.text


def test_a_fresh_install_sends_the_visitor_to_the_setup_screen(engine):
    response = _client().get("/auth/login")
    assert response.status_code == 303 and response.headers["location"] == "/"


def test_signing_in_sets_a_signed_httponly_samesite_cookie(session, admin):
    client = _client()
    response = _sign_in(client)
    assert response.status_code == 303 and response.headers["location"] == "/"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{auth.SESSION_COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Max-Age=28800" in cookie
    assert "Secure" not in cookie
    me = client.get("/auth/me")
    assert me.status_code == 200 and me.json()["username"] == "wang.admin" and me.json()["role"] == "admin"
    assert _actions(session)[-1] == "auth.login"
    assert client.get("/auth/login").headers["location"] == "/"  # already signed in


def test_the_cookie_is_secure_over_https_and_lasts_the_configured_hours(session, admin):
    session.merge(Setting(key=auth.SESSION_HOURS_KEY, value=json.dumps(2)))
    session.commit()
    client = _client(base_url="https://desk.example")
    cookie = _sign_in(client, origin="https://desk.example").headers["set-cookie"]
    assert "Secure" in cookie and "Max-Age=7200" in cookie


def test_a_wrong_password_re_renders_the_form_with_the_same_message_as_an_unknown_user(session, admin):
    client = _client()
    wrong = _sign_in(client, password="guess-number-1")
    unknown = _sign_in(client, username="nobody")
    for response in (wrong, unknown):
        assert response.status_code == 401 and "用户名或密码不正确。" in response.text
        assert auth.SESSION_COOKIE not in response.headers.get("set-cookie", "")
    events = session.exec(select(CaseEvent).where(CaseEvent.action == "auth.login_failed")).all()
    assert [(e.actor_id, e.after["username"]) for e in events] == [(admin.id, "wang.admin"), (None, "nobody")]


def test_the_form_escapes_what_the_user_typed(admin):
    response = _sign_in(_client(), username='<script>alert("x")</script>')
    assert "<script>alert" not in response.text and "&lt;script&gt;" in response.text


def test_one_client_cannot_lock_the_administrator_out(session, admin):
    attacker = _client(client=("61.128.1.7", 50000))
    wrong = [_sign_in(attacker, password=f"guess-number-{i}") for i in range(5)]
    assert all(r.status_code == 401 and "用户名或密码不正确。" in r.text for r in wrong)
    refused = _sign_in(attacker)  # the right password too: the address is refused, whoever it names
    assert refused.status_code == 429 and "登录失败次数过多，请 15 分钟后再试。" in refused.text
    assert "set-cookie" not in refused.headers
    assert _sign_in(attacker, username="nobody").status_code == 429
    session.refresh(admin)
    assert admin.failed_logins == 5 and admin.locked_until is None  # refusals leave the account alone
    office = _client(client=("10.20.0.5", 50000))
    assert _sign_in(office).status_code == 303  # the administrator still gets in from his desk


def test_a_locked_account_answers_exactly_like_a_wrong_password(session, admin):
    for n in range(10):  # two addresses, five each: the account lockout (10) needs more than one place
        _sign_in(_client(client=(f"61.128.1.{n // 5}", 50000)), password="guess-number-1")
    session.refresh(admin)
    assert auth.is_locked(admin)
    locked = _sign_in(_client(client=("61.128.2.1", 50000)))  # the right password
    wrong = _sign_in(_client(client=("61.128.2.2", 50000)), password="guess-number-2")
    unknown = _sign_in(_client(client=("61.128.2.3", 50000)), username="nobody")
    assert locked.status_code == wrong.status_code == unknown.status_code == 401
    assert locked.text == wrong.text and "锁定" not in locked.text  # byte for byte
    assert locked.text == unknown.text.replace('value="nobody"', 'value="wang.admin"')


def test_a_sign_in_posted_from_another_site_is_refused(session, admin):
    response = _sign_in(_client(), origin="https://evil.example")
    assert response.status_code == 403 and "set-cookie" not in response.headers
    assert "auth.login_failed" not in _actions(session) and "auth.login" not in _actions(session)
    assert _sign_in(_client(), referer="http://testserver/auth/login").status_code == 303


def test_signing_out_clears_the_cookie_and_shows_the_form_again(session, admin):
    client = _client()
    _sign_in(client)
    response = client.get("/auth/logout")
    assert response.status_code == 303 and response.headers["location"] == "/auth/login?out=1"
    assert (
        f'{auth.SESSION_COOKIE}=""' in response.headers["set-cookie"]
        and "Max-Age=0" in response.headers["set-cookie"]
    )
    assert client.get("/auth/me").status_code == 401
    assert "您已退出登录" in client.get("/auth/login?out=1").text
    assert _actions(session)[-1] == "auth.logout"


def test_a_cookie_replayed_after_sign_out_is_refused(session, admin):
    client = _client()
    cookie = _sign_in(client).cookies[auth.SESSION_COOKIE]
    assert client.get("/auth/me").status_code == 200
    client.get("/auth/logout")
    replay = _client(cookies={auth.SESSION_COOKIE: cookie})
    assert replay.get("/auth/me").status_code == 401
    assert replay.get("/api/v1/cases").status_code == 401
    assert replay.get("/auth/login").status_code == 200  # the form again, not "signed in already"
    [row] = session.exec(select(UserSession)).all()
    assert row.revoked_reason == "logout" and row.client_ip == "testclient"


def test_x_forwarded_for_counts_only_from_a_trusted_proxy(session, admin, monkeypatch):
    spoofer = _client(client=("61.128.1.7", 50000))
    for i in range(5):  # a new made-up address every time: still one client
        _sign_in(spoofer, password="guess-number-1", **{"x-forwarded-for": f"1.2.3.{i}"})
    assert _sign_in(spoofer, **{"x-forwarded-for": "1.2.3.99"}).status_code == 429
    monkeypatch.setenv("PETITION_DESK_TRUSTED_PROXIES", "10.0.0.0/24")
    proxy = _client(client=("10.0.0.2", 50000))
    response = _sign_in(proxy, **{"x-forwarded-for": "1.2.3.4, 61.128.9.9"})
    assert response.status_code == 303  # 61.128.9.9, the proxy's word for the client, has no failures
    logins = session.exec(select(CaseEvent).where(CaseEvent.action == "auth.login")).all()
    assert [e.after["ip"] for e in logins] == ["61.128.9.9"]


def test_single_sign_on_requests_are_handed_to_streamlit(admin):
    response = _client().get("/auth/login?provider=not-a-valid-token")
    assert response.status_code in (302, 303, 307) and 'name="password"' not in response.text


def test_a_bearer_token_acts_with_its_users_role(session, admin):
    handler = make_user(session, Role.HANDLER)
    row, plain = tokens.create_token(session, admin, handler.id, "对接")
    client = _client()
    me = client.get("/auth/me", headers={"Authorization": f"Bearer {plain}"})
    assert (
        me.status_code == 200 and me.json()["role"] == "handler" and me.json()["unit_id"] == handler.unit_id
    )
    tokens.revoke_token(session, admin, row.id)
    assert client.get("/auth/me", headers={"Authorization": f"Bearer {plain}"}).status_code == 401
    refused = client.get("/auth/me", headers={"Authorization": "Basic d2FuZzp4"})
    assert refused.status_code == 401 and refused.headers["www-authenticate"] == "Bearer"
    assert client.get("/auth/me").status_code == 401


def _case(session: Session, lead_unit_id: int, **fields) -> Case:
    values = {
        "channel": Channel.VISIT,
        "received_on": date(2026, 3, 2),
        "subject": "other",
        "title": "电梯故障",
    }
    case = Case(
        number=unique("JB-")[:20], content="电梯长期故障", lead_unit_id=lead_unit_id, **(values | fields)
    )
    session.add(case)
    session.commit()
    return case


def _bearer(session: Session, admin, user) -> dict[str, str]:
    _row, plain = tokens.create_token(session, admin, user.id, "对接")
    return {"Authorization": f"Bearer {plain}"}


def test_a_handler_of_unit_a_cannot_see_or_change_a_case_of_unit_b_through_the_api(session, admin):
    unit_a, unit_b = make_unit(session), make_unit(session)
    mine, theirs = _case(session, unit_a.id), _case(session, unit_b.id)
    bearer = _bearer(session, admin, make_user(session, Role.HANDLER, unit=unit_a))
    client = _client()
    assert client.get(f"/api/v1/cases/{mine.number}", headers=bearer).json()["number"] == mine.number
    assert client.get(f"/api/v1/cases/{theirs.number}", headers=bearer).status_code == 404
    listed = client.get("/api/v1/cases", headers=bearer).json()
    assert [item["number"] for item in listed["items"]] == [mine.number]
    searched = client.get("/api/v1/cases", params={"q": theirs.number}, headers=bearer).json()
    assert searched["total"] == 0
    changed = client.post(
        f"/api/v1/cases/{theirs.number}/actions",
        json={"action": "accept", "version": theirs.version, "notice_date": "2026-03-05"},
        headers=bearer,
    )
    assert changed.status_code in (403, 404)
    session.refresh(theirs)
    assert theirs.version == 1


def test_the_accused_unit_reads_an_accusation_without_the_accusers_identity(session, admin):
    discipline, accused = make_unit(session, kind=UnitKind.DISCIPLINE), make_unit(session)
    case = _case(session, discipline.id, category=Category.ACCUSATION, title="反映某局干部问题")
    accuser = Person(name="张三", id_number="11010519491231002X", phone="13812341234")
    session.add(accuser)
    session.flush()
    session.add_all(
        [
            CaseParty(case_id=case.id, person_id=accuser.id, role=PartyRole.PETITIONER),
            CaseUnit(case_id=case.id, unit_id=accused.id, role=UnitRole.ASSIST),
        ]
    )
    session.commit()
    bearer = _bearer(session, admin, make_user(session, Role.HANDLER, unit=accused))
    body = _client().get(f"/api/v1/cases/{case.number}", headers=bearer).json()
    assert body["number"] == case.number and body["content"] is None
    assert body["petitioners"][0]["hidden"] is True and body["petitioners"][0]["name"] is None
    assert "张三" not in json.dumps(body, ensure_ascii=False) and "13812341234" not in json.dumps(body)


def test_a_cookie_authenticated_write_from_another_site_is_refused(session, admin):
    case = _case(session, make_unit(session).id)
    client = _client()
    _sign_in(client)
    url = f"/api/v1/cases/{case.number}/actions"
    forged = client.post(
        url,
        json={"action": "accept", "version": case.version, "notice_date": "2026-03-05"},
        headers={"Origin": "https://evil.example"},
    )
    assert forged.status_code == 403
    same_site = client.post(
        url,
        json={"action": "accept", "version": case.version, "notice_date": "2026-03-05"},
        headers={"Origin": "http://testserver"},
    )
    assert same_site.status_code != 403  # past the origin check; the workflow decides


def test_signing_out_ends_a_single_sign_on_session_too(session, admin):
    from streamlit.web.server.server_util import get_cookie_secret
    from streamlit.web.server.starlette.starlette_app_utils import create_signed_value
    from streamlit.web.server.starlette.starlette_server_config import USER_COOKIE_NAME

    leader = users.create_user(
        session, admin, username="chen.l", display_name="陈领导", role="leader", oidc_subject="chen@jb.gov.cn"
    )
    claims = {
        "email": "chen@jb.gov.cn",
        "sub": "abc",
        "iat": 1790000000,
        "nonce": "n-1",
        "provider": "default",
    }
    token = sessions.sso_token(claims | {"is_logged_in": True})
    assert sessions.open_sso_session(session, leader, token, ip=None, user_agent=None, subject="abc")
    cookie = create_signed_value(
        get_cookie_secret(), USER_COOKIE_NAME, json.dumps(claims | {"is_logged_in": True})
    )
    client = _client(cookies={USER_COOKIE_NAME: cookie.decode()})
    response = client.get("/auth/logout")
    assert response.status_code in (302, 303, 307)
    assert sessions.resolve(session, token) is None and sessions.exists(session, token)
    assert _actions(session)[-1] == "auth.logout"
