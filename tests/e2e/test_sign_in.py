"""In a real browser: sign in, refresh and stay signed in, sign out; five wrong passwords pause the address."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import ROOT, run_cli, run_python

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PASSWORD = "river2025stone"
SCREENS = ROOT / "screens"
WAIT_MS = 45_000


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    yield context.new_page()
    context.close()


def _create_user(env, username: str, role: str, name: str) -> None:
    run_cli(
        env,
        "create-user",
        "--username",
        username,
        "--role",
        role,
        "--display-name",
        name,
        stdin=PASSWORD + "\n",
    )


def _submit(page, username: str, password: str) -> None:
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")


def test_sign_in_survives_a_refresh_and_sign_out_ends_it(app_url, e2e_env, page):
    from playwright.sync_api import expect

    _create_user(e2e_env, "wang.admin", "admin", "王管理")
    SCREENS.mkdir(exist_ok=True)
    page.goto(app_url + "/")
    link = page.get_by_text("前往登录页面")
    expect(link).to_be_visible(timeout=WAIT_MS)
    page.screenshot(path=str(SCREENS / "visitor.png"))
    link.click()
    page.wait_for_url("**/auth/login")
    expect(page.locator("h1")).to_have_text("信访工作台")
    page.screenshot(path=str(SCREENS / "sign-in.png"))
    _submit(page, "wang.admin", PASSWORD)
    welcome = page.get_by_text("王管理（系统管理员），您好")
    expect(welcome).to_be_visible(timeout=WAIT_MS)
    expect(page.get_by_role("link", name="审计日志")).to_be_visible()
    expect(page.get_by_text("案件总数")).to_be_visible(timeout=WAIT_MS)
    page.screenshot(path=str(SCREENS / "home.png"))
    page.reload()
    expect(page.get_by_text("王管理（系统管理员），您好")).to_be_visible(timeout=WAIT_MS)
    page.get_by_role("link", name="审计日志").click()
    # user.create (by the command line) and auth.login
    expect(page.get_by_text("共 2 条记录，第 1/1 页")).to_be_visible(timeout=WAIT_MS)
    expect(page.get_by_test_id("stDataFrame")).to_be_visible(timeout=WAIT_MS)
    expect(page.get_by_role("button", name="导出 Excel")).to_be_visible(timeout=WAIT_MS)
    page.screenshot(path=str(SCREENS / "audit.png"))
    page.get_by_role("link", name="用户与令牌").click()
    expect(page.get_by_text("共 1 条 · 第 1/1 页")).to_be_visible(timeout=WAIT_MS)  # the generated users list
    expect(page.get_by_role("button", name="新建")).to_be_visible(timeout=WAIT_MS)
    page.screenshot(path=str(SCREENS / "users.png"))
    saved = [c for c in page.context.cookies() if c["name"] == "pd_session"]
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url("**/auth/login?out=1", timeout=WAIT_MS)
    expect(page.get_by_text("您已退出登录。")).to_be_visible()
    page.context.add_cookies(saved)  # someone kept a copy of the cookie: it is dead on the server
    page.goto(app_url + "/")
    expect(page.get_by_text("前往登录页面")).to_be_visible(timeout=WAIT_MS)
    expect(page.get_by_text("王管理（系统管理员），您好")).to_have_count(0)


ACCOUNT_STATE = """
from sqlmodel import select
from core.platform import db
from models import User
with db.session_scope() as session:
    user = session.exec(select(User).where(User.username == "li.clerk")).one()
    print(user.failed_logins, user.locked_until)
"""


def test_five_wrong_passwords_pause_this_address_without_locking_the_account(app_url, e2e_env, page):
    from playwright.sync_api import expect

    _create_user(e2e_env, "li.clerk", "registrar", "李登记")
    page.goto(app_url + "/auth/login")
    expect(page.locator("footer")).to_contain_text("同一地址连续 5 次登录失败后，须等待 15 分钟再试。")
    for attempt in range(1, 6):
        _submit(page, "li.clerk", f"guess-number-{attempt}")
        expect(page.locator(".msg.error")).to_have_text("用户名或密码不正确。")
    _submit(page, "li.clerk", PASSWORD)
    expect(page.locator(".msg.error")).to_have_text("登录失败次数过多，请 15 分钟后再试。")
    page.screenshot(path=str(SCREENS / "throttled.png"))
    # the address is refused; the account only counted the five and is not locked
    assert run_python(e2e_env, "-c", ACCOUNT_STATE).split() == ["5", "None"]
