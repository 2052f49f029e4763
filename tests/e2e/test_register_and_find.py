"""In a real browser: a registrar registers a petition on the intake page and finds it on the case list."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import ROOT, run_cli, run_python

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PASSWORD = "river2025stone"
SCREENS = ROOT / "screens"
WAIT_MS = 45_000
ID_NUMBER = "11010519491231002X"


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    yield context.new_page()
    context.close()


@pytest.fixture(scope="module")
def registrar(e2e_env) -> str:
    """A district with demo data, and the password of its first registrar set."""
    run_cli(e2e_env, "load-demo", "--cases", "300")
    run_cli(e2e_env, "set-password", "--username", "demo.registrar1", stdin=PASSWORD + "\n")
    return "demo.registrar1"


TODO_COUNT = """
import sys
from sqlmodel import select
from core.platform import db
from core.desk import todo
from models import User

with db.session_scope() as session:
    user = session.exec(select(User).where(User.username == sys.argv[1])).one()
    print(todo.todo_count(session, user))
"""


def _todo_link(env: dict[str, str], username: str) -> str:
    """Return the to-do entry of the navigation as the user should see it: its count, or none when empty."""
    n = int(run_python(env, "-c", TODO_COUNT, username).strip().splitlines()[-1])
    return f"我的待办 ({n})" if n else "我的待办"


def _sign_in(page, app_url: str, username: str) -> None:
    from playwright.sync_api import expect

    page.goto(app_url + "/auth/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.get_by_text("数据概况")).to_be_visible(timeout=WAIT_MS)


def _shot(page, name: str) -> None:
    """Save a screenshot of the whole page (Streamlit scrolls inside its main area, so grow the window)."""
    height = page.evaluate("document.querySelector('[data-testid=stMain]').scrollHeight")
    page.set_viewport_size({"width": 1440, "height": max(900, min(height + 40, 4000))})
    page.wait_for_timeout(300)
    page.screenshot(path=str(SCREENS / f"{name}.png"))
    page.set_viewport_size({"width": 1440, "height": 900})


def _fill(page, label: str, value: str) -> None:
    field = page.get_by_label(label, exact=True).first
    field.fill(value)
    field.press("Tab")  # leaving the field commits it, as a clerk does


def _choose(page, label: str, option: str) -> None:
    page.get_by_label(label, exact=True).first.click()
    page.get_by_role("option", name=option, exact=True).click()


def _register(page, title: str, content: str) -> str:
    """Fill the intake form from the keyboard and register; return the new case number."""
    from playwright.sync_api import expect

    _fill(page, "姓名", "王建国")
    _fill(page, "身份证号码", ID_NUMBER)
    expect(page.get_by_text("女，1949年12月31日出生")).to_be_visible(timeout=WAIT_MS)
    _fill(page, "联系电话", "13812341234")
    _fill(page, "住址", "重庆市江北区建新北路1号")
    _choose(page, "事项类别", "物业纠纷")
    _fill(page, "标题", title)
    _fill(page, "主要内容", content)
    page.locator(".st-key-pd_intake_submit button").click()
    success = page.get_by_text(re.compile(r"已登记，案件编号 JB-\d{4}-\d{6}。"))
    expect(success).to_be_visible(timeout=WAIT_MS)
    return re.search(r"JB-\d{4}-\d{6}", success.inner_text()).group(0)


def test_a_registrar_registers_a_case_and_finds_it_on_the_case_list(app_url, e2e_env, registrar, page):
    from playwright.sync_api import expect

    SCREENS.mkdir(exist_ok=True)
    _sign_in(page, app_url, registrar)
    before = _todo_link(e2e_env, registrar)
    expect(page.get_by_role("link", name=before, exact=True)).to_be_visible(timeout=WAIT_MS)
    page.get_by_role("link", name="登记", exact=True).click()
    expect(page.get_by_role("heading", name="信访登记")).to_be_visible(timeout=WAIT_MS)
    _fill(page, "身份证号码", "110105194912310021")
    expect(page.get_by_text("身份证号码校验位不符，请逐位核对。")).to_be_visible(timeout=WAIT_MS)
    _shot(page, "intake-error")
    number = _register(page, "小区电梯停运三个月无人维修", "观音桥某小区电梯自今年起停运，物业公司推诿不修。")
    _shot(page, "intake-registered")

    page.get_by_role("button", name="继续登记").click()
    _fill(page, "身份证号码", ID_NUMBER)
    expect(page.get_by_text("身份证号码相同")).to_be_visible(timeout=WAIT_MS)
    expect(page.get_by_text(number).first).to_be_visible()
    _shot(page, "intake-repeat")

    page.get_by_role("link", name="案件查询", exact=True).click()
    search = page.get_by_label("搜索", exact=True)
    expect(search).to_be_visible(timeout=WAIT_MS)
    _shot(page, "cases")
    search.fill(number)
    search.press("Enter")
    expect(page.get_by_text("共 1 件 · 第 1 页，共 1 页")).to_be_visible(timeout=WAIT_MS)
    expect(page).to_have_url(re.compile(rf"q={number}"))
    _shot(page, "cases-found")
    search.fill("停运三个月")
    search.press("Enter")
    expect(page.get_by_text("共 1 件 · 第 1 页，共 1 页")).to_be_visible(timeout=WAIT_MS)

    page.goto(app_url + "/cases?status=registered&page_size=20")
    expect(page.get_by_text(re.compile(r"共 \d+ 件 · 第 1 页"))).to_be_visible(timeout=WAIT_MS)
    _shot(page, "cases-filtered")

    after = _todo_link(e2e_env, registrar)  # the new case waits for triage: one more than before
    assert after == f"我的待办 ({int(before.strip('我的待办 ()') or 0) + 1})"
    page.get_by_role("link", name=after, exact=True).click()
    expect(page.get_by_role("heading", name="我的待办")).to_be_visible(timeout=WAIT_MS)
    expect(page.get_by_role("link", name=number)).to_be_visible(timeout=WAIT_MS)
    _shot(page, "todo")
