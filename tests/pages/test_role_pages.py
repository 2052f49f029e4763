"""Every page for every role: navigation shows only allowed pages, render() checks again; the auth screens work."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

import shell
from core.accounts import audit, auth, first_run, users
from core.platform import timeutil
from models import CaseEvent, Role, User, UserSession
from tests.factories import first_admin, make_unit, make_user

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = "您没有执行此操作的权限。"
PASSWORD = "river2025stone"
# role -> url paths of the pages its navigation shows, written out by hand
EXPECTED_PAGES = {
    Role.ADMIN: [
        "home",
        "todo",
        "intake",
        "cases",
        "case",
        "documents",
        "supervision",
        "my_mediations",
        "mediations",
        "mediation",
        "dashboard",
        "kpis",
        "reception",
        "big_screen",
        "briefing",
        "roster",
        "import",
        "admin",
        "users",
        "audit",
        "deliveries",
        "account",
        "query",
    ],
    Role.REGISTRAR: [
        "home",
        "todo",
        "intake",
        "cases",
        "case",
        "documents",
        "mediations",
        "mediation",
        "reception",
        "roster",
        "import",
        "admin",
        "account",
        "query",
    ],
    Role.HANDLER: [
        "home",
        "todo",
        "cases",
        "case",
        "documents",
        "mediations",
        "mediation",
        "dashboard",
        "kpis",
        "roster",
        "admin",
        "account",
        "query",
    ],
    Role.MEDIATOR: [
        "home",
        "my_mediations",
        "mediations",
        "mediation",
        "roster",
        "admin",
        "account",
        "query",
    ],
    Role.SUPERVISOR: [
        "home",
        "todo",
        "cases",
        "case",
        "documents",
        "supervision",
        "mediations",
        "mediation",
        "dashboard",
        "kpis",
        "reception",
        "briefing",
        "roster",
        "admin",
        "account",
        "query",
    ],
    Role.LEADER: [
        "home",
        "todo",
        "intake",
        "cases",
        "case",
        "supervision",
        "mediations",
        "mediation",
        "dashboard",
        "kpis",
        "reception",
        "big_screen",
        "briefing",
        "roster",
        "admin",
        "account",
        "query",
    ],
    Role.DISPLAY: ["big_screen"],  # the meeting room's screen: nothing else, not even the home page
}


def _page(module: str) -> AppTest:
    return AppTest.from_string(f"from pages import {module}\n{module}.render()\n", default_timeout=30)


def _as(monkeypatch, user: User | None) -> None:
    monkeypatch.setattr("widgets.session.current_user", lambda: user)


def _errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_the_navigation_shows_each_role_only_its_pages(role):
    user = User(id=1, username="x", display_name="x", role=role, unit_id=1)
    assert [spec.url_path for spec in shell.visible_pages(user)] == EXPECTED_PAGES[role]


VISITOR_PAGES = ["query", "sign-in"]  # the petitioner's lookup and the sign-in (or first-run) page
USER_PAGES = [spec for spec in shell.PAGES if spec.audience == "user"]


def test_a_visitor_s_navigation_holds_only_the_sign_in_and_the_status_lookup():
    assert [spec.url_path for spec in shell.visible_pages(None)] == VISITOR_PAGES
    assert next(spec for spec in shell.visible_pages(None) if spec.default).url_path == "sign-in"


def test_every_page_in_the_navigation_is_covered_by_the_expected_table():
    expected = {p for pages in EXPECTED_PAGES.values() for p in pages} | set(VISITOR_PAGES)
    assert {spec.url_path for spec in shell.PAGES} == expected


def test_every_screen_is_in_the_one_page_table_and_widgets_never_import_pages():
    modules = {path.stem for path in (ROOT / "pages").glob("*.py")} - {"__init__"}
    assert modules == {spec.module for spec in shell.PAGES}
    for path in (ROOT / "widgets").glob("*.py"):
        assert not re.search(r"^\s*(from pages\b|import pages\b)", path.read_text(), re.M), path.name


def test_every_page_renders_for_the_roles_that_may_open_it_and_refuses_the_others(session, monkeypatch):
    unit = make_unit(session)
    outcome = {}
    for role in Role:
        user = make_user(session, role, unit=unit if role == Role.HANDLER else None)
        allowed = {spec.module for spec in shell.visible_pages(user)}
        _as(monkeypatch, user)
        for spec in USER_PAGES:
            at = _page(spec.module).run()
            assert not at.exception, (role, spec.module, at.exception)
            refused = FORBIDDEN in _errors(at)
            outcome[(role.value, spec.module)] = "refused" if refused else "shown"
            assert refused == (spec.module not in allowed), (role, spec.module)
    assert len(outcome) == len(Role) * len(USER_PAGES)


def test_a_visitor_is_refused_on_every_page(engine, monkeypatch):
    _as(monkeypatch, None)
    for spec in USER_PAGES:
        assert FORBIDDEN in _errors(_page(spec.module).run()), spec.module


@pytest.mark.parametrize("role", [Role.ADMIN, Role.HANDLER], ids=lambda r: r.value)
def test_the_whole_shell_runs_for_a_signed_in_user(session, monkeypatch, role):
    user = make_user(session, role)
    _as(monkeypatch, user)
    at = AppTest.from_file(str(shell.__file__), default_timeout=60).run()
    assert not at.exception
    assert any(user.display_name in c.value for c in at.sidebar.caption)


def _fill_setup(at: AppTest, username: str, password: str, again: str, code: str = "") -> AppTest:
    at.text_input(key="pd_setup_code").input(code)
    at.text_input(key="pd_setup_username").input(username)
    at.text_input(key="pd_setup_display_name").input("王管理")
    at.text_input(key="pd_setup_password").input(password)
    at.text_input(key="pd_setup_password2").input(again)
    return at.button[0].click().run()


def test_first_run_shows_the_setup_form_and_creates_the_administrator(engine, session: Session):
    code = first_run.issue_setup_code(session)  # what the server printed to its log at start
    at = _page("sign_in").run()
    assert at.title[0].value == "初始化信访工作台"
    at = _fill_setup(at, "wang.admin", PASSWORD, PASSWORD + "x", code)
    assert any(c.value == ":red[两次输入的密码不一致。]" for c in at.caption)
    at = _fill_setup(at, "wang.admin", "weak", "weak", code)
    assert any("密码至少 10 个字符。" in c.value for c in at.caption)
    at = _fill_setup(at, "wang.admin", PASSWORD, PASSWORD)
    assert any(c.value == ":red[请填写服务器日志中的安装码。]" for c in at.caption)
    at = _fill_setup(at, "wang.admin", PASSWORD, PASSWORD, "2222-3333-4444")
    assert any(c.value == ":red[安装码不正确。请使用服务器最近一次打印的安装码。]" for c in at.caption)
    assert not users.any_user(session)
    at = _fill_setup(at, "wang.admin", PASSWORD, PASSWORD, code)
    assert not at.exception
    assert at.success[0].value == "管理员账户已创建，请登录。"
    assert any('href="/auth/login"' in m.value for m in at.markdown)
    assert auth.authenticate(session, "wang.admin", PASSWORD, None).role == Role.ADMIN


def test_the_setup_form_refuses_after_five_wrong_codes(engine, session: Session):
    code = first_run.issue_setup_code(session)
    at = _page("sign_in").run()
    for n in range(5):
        at = _fill_setup(at, "wang.admin", PASSWORD, PASSWORD, f"2222-3333-444{n}")
    at = _fill_setup(at, "wang.admin", PASSWORD, PASSWORD, code)
    assert [e.value for e in at.error] == ["安装码输错次数过多，请 15 分钟后再试。"]
    assert not users.any_user(session)


def test_with_users_the_visitor_page_links_to_the_sign_in_form(session):
    make_user(session, Role.ADMIN)
    at = _page("sign_in").run()
    assert at.title[0].value == "信访工作台"
    assert not at.text_input  # no setup form once a user exists
    assert any('href="/auth/login" target="_self"' in m.value for m in at.markdown)


def test_the_audit_page_lists_and_filters_every_change(session, monkeypatch):
    admin = make_user(session, Role.ADMIN)
    audit.record(session, admin, "accept", object_id=7, case_id=None, after={"status": "handling"})
    audit.record(session, None, "auth.login_failed", object_type="user", after={"username": "nobody"})
    session.commit()
    _as(monkeypatch, admin)
    at = _page("audit").run()
    assert not at.exception
    frame = at.dataframe[0].value
    assert set(frame["动作"]) == {"受理", "登录失败"}
    at.selectbox(key="pd_audit_action").select("accept")
    at = at.button[0].click().run()
    assert list(at.dataframe[0].value["动作"]) == ["受理"]
    assert at.get("download_button")


def test_the_audit_export_is_a_workbook_and_is_itself_audited(session):
    from io import BytesIO

    from openpyxl import load_workbook

    from core.accounts import audit_log

    admin = make_user(session, Role.ADMIN)
    audit.record(session, admin, "case.accept", object_id=7, after={"status": "handling"})
    session.commit()
    data = audit_log.export_events(session, admin, action="case.accept")
    sheet = load_workbook(BytesIO(data)).active
    rows = list(sheet.values)
    assert rows[0][:3] == ("时间", "操作人", "动作") and rows[1][2] == "case.accept"
    assert session.exec(select(CaseEvent).where(CaseEvent.action == "audit.export")).one().after["rows"] == 1


def _with_cookie(monkeypatch, cookie: str | None) -> None:
    """Stand in the browser's cookies (AppTest sends none): the shell resolves them as it does in use."""
    monkeypatch.setattr("widgets.session._cookies", lambda: {auth.SESSION_COOKIE: cookie} if cookie else {})


def test_changing_the_password_on_the_account_page_ends_the_other_sessions(session, monkeypatch):
    user = first_admin(session, PASSWORD)
    here, phone = auth.make_session_cookie(session, user), auth.make_session_cookie(session, user)
    _with_cookie(monkeypatch, here)
    at = _page("account").run()
    at.text_input(key="pd_acc_old").input("not-my-password-1")
    at.text_input(key="pd_acc_new").input("lake2026water")
    at.text_input(key="pd_acc_again").input("lake2026water")
    at = at.button[0].click().run()
    assert any("当前密码不正确。" in c.value for c in at.caption)
    at.text_input(key="pd_acc_old").input(PASSWORD)
    at.text_input(key="pd_acc_new").input("lake2026water")
    at.text_input(key="pd_acc_again").input("lake2026water")
    at = at.button[0].click().run()
    assert at.success[0].value == "密码已修改；您在其他设备和浏览器上的登录已全部结束。"
    assert auth.authenticate(session, "wang.admin", "lake2026water", None)
    assert auth.user_from_cookie(session, here) is not None and auth.user_from_cookie(session, phone) is None


SHELL_USER = """
from widgets import session
user = session.current_user()
import streamlit as st
st.write(user.display_name if user else "anonymous")
"""


def test_a_cookie_replayed_after_sign_out_leaves_nobody_signed_in_in_the_shell(session, monkeypatch):
    user = make_user(session, Role.REGISTRAR, name="李登记")
    cookie = auth.make_session_cookie(session, user)
    _with_cookie(monkeypatch, cookie)
    shell_app = AppTest.from_file(str(shell.__file__), default_timeout=60).run()
    assert any("李登记" in c.value for c in shell_app.sidebar.caption)
    auth.sign_out(session, cookie)  # what /auth/logout and the sidebar button do
    shell_app.run()
    assert not shell_app.exception and not any("李登记" in c.value for c in shell_app.sidebar.caption)
    new_tab = AppTest.from_file(str(shell.__file__), default_timeout=60).run()
    assert new_tab.title[0].value == "信访工作台" and not new_tab.sidebar.caption  # the visitor's page
    assert AppTest.from_string(SHELL_USER, default_timeout=30).run().markdown[0].value == "anonymous"


SSO_SCRIPT = """
import streamlit as st
from widgets import session
user = session.current_user()
st.write(user.display_name if user else "anonymous")
"""


def _sso_app(monkeypatch, identity: dict, script: str = SSO_SCRIPT) -> AppTest:
    monkeypatch.setattr("widgets.session.oidc_configured", lambda: True)
    at = AppTest.from_string(script, default_timeout=30)
    # what Streamlit's cookie holds after st.login: the ID token's claims, with its issue time and nonce
    at.user = {"is_logged_in": True, "provider": "default", "iat": 1790000000, "nonce": "n-1", **identity}
    return at


def _sso_leader(session) -> None:
    """A leader whose single sign-on subject is his work e-mail."""
    admin = make_user(session, Role.ADMIN)
    users.create_user(
        session,
        admin,
        username="chen.l",
        display_name="陈领导",
        role=Role.LEADER,
        oidc_subject="chen@jb.gov.cn",
    )


def test_single_sign_on_maps_a_known_identity_to_its_local_user_and_audits_once(session, monkeypatch):
    _sso_leader(session)
    at = _sso_app(monkeypatch, {"email": "chen@jb.gov.cn", "sub": "abc"}).run()
    assert at.markdown[0].value == "陈领导"
    at.run()
    other_tab = _sso_app(monkeypatch, {"email": "chen@jb.gov.cn", "sub": "abc"}).run()
    assert other_tab.markdown[0].value == "陈领导"
    logins = session.exec(select(CaseEvent).where(CaseEvent.action == "auth.login")).all()
    assert [e.after["method"] for e in logins] == ["oidc"]  # one sign-in, one session, one audit event
    [row] = session.exec(select(UserSession)).all()
    assert row.method == "oidc"


SSO_SIGN_IN_PAGE = """
from widgets import session
if session.current_user() is None:
    from pages import sign_in
    sign_in.render()
else:
    import streamlit as st
    st.write(session.current_user().display_name)
"""


def test_a_single_sign_on_session_ends_like_any_other(session, monkeypatch):
    _sso_leader(session)
    leader = session.exec(select(User).where(User.username == "chen.l")).one()
    admin = session.exec(select(User).where(User.role == Role.ADMIN)).first()
    identity = {"email": "chen@jb.gov.cn", "sub": "abc"}
    at = _sso_app(monkeypatch, identity, SSO_SIGN_IN_PAGE).run()
    assert at.markdown[0].value == "陈领导"
    assert users.end_sessions(session, admin, leader.id) == 1
    at.run()  # the same browser, the same identity cookie: ended
    assert at.info[0].value.startswith("您的登录已结束") and not at.warning
    assert at.button(key="pd_sso_again").label == "使用单位统一身份认证登录"
    # signing in with the provider again brings a new ID token, hence a new session
    again = _sso_app(monkeypatch, identity | {"iat": 1790003600, "nonce": "n-2"}, SSO_SIGN_IN_PAGE).run()
    assert again.markdown[0].value == "陈领导"
    users.deactivate(session, admin, leader.id)
    assert again.run().info[0].value.startswith("您的登录已结束")
    third = _sso_app(monkeypatch, identity | {"iat": 1790007200, "nonce": "n-3"}, SSO_SIGN_IN_PAGE).run()
    assert third.warning[0].value.startswith("您的统一身份认证账户尚未开通本系统")  # deactivated: no way in


def test_a_single_sign_on_session_goes_idle(session, monkeypatch):
    _sso_leader(session)
    start = timeutil.now()
    at = _sso_app(monkeypatch, {"email": "chen@jb.gov.cn", "sub": "abc"}).run()
    assert at.markdown[0].value == "陈领导"
    monkeypatch.setattr(timeutil, "now", lambda: start + timedelta(minutes=121))
    assert at.run().markdown[0].value == "anonymous"
    [row] = session.exec(select(UserSession)).all()
    session.refresh(row)
    assert row.revoked_reason == "idle"


def test_single_sign_on_refuses_an_unknown_identity(session, monkeypatch):
    make_user(session, Role.ADMIN)
    stranger = {"email": "stranger@example.com", "sub": "zzz"}
    assert _sso_app(monkeypatch, stranger).run().markdown[0].value == "anonymous"
    at = AppTest.from_string("from pages import sign_in\nsign_in.render()\n", default_timeout=30)
    at.user = {"is_logged_in": True, **stranger}
    assert at.run().warning[0].value.startswith("您的统一身份认证账户尚未开通本系统")


def test_single_sign_on_ignores_an_unverified_email(session, monkeypatch):
    _sso_leader(session)
    identity = {"email": "chen@jb.gov.cn", "email_verified": False, "sub": "abc"}
    assert _sso_app(monkeypatch, identity).run().markdown[0].value == "anonymous"


def test_a_database_lost_mid_session_is_said_in_words_on_any_page(session, monkeypatch):
    """The sign-in is read before any page runs: losing the database there is the busy message, not a trace."""
    import sqlalchemy as sa

    def lost():
        raise sa.exc.OperationalError("select", {}, Exception("server closed the connection unexpectedly"))

    monkeypatch.setattr("widgets.session.current_user", lost)
    at = AppTest.from_file(str(shell.__file__), default_timeout=60).run()
    assert not at.exception
    assert _errors(at) == ["数据库正忙或暂时无法连接，您的操作未保存。请稍后刷新页面重试。"]
