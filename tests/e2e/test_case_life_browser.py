"""In a real browser: one case through its whole life, each step by the role that owns it, through the
case file's dialogs; then the petitioner looks it up without signing in. Screenshots go to screens/."""

from __future__ import annotations

import json
import re

import pytest

from tests.e2e.conftest import ROOT, run_cli, run_python

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PASSWORD = "river2025stone"
SCREENS = ROOT / "screens"
WAIT_MS = 45_000

UNIT = """
from core.platform import db
from models import Unit, UnitKind

with db.session_scope() as session:
    session.add(Unit(code="U-ZJW", name="区住房城乡建委", kind=UnitKind.DEPARTMENT))
    session.commit()
"""

CASE = """
import json
from sqlmodel import select
from core.platform import db, timeutil
from core.cases.registration import register_case
from models import User
from tests.factories import case_data, person_in

with db.session_scope() as session:
    registrar = session.exec(select(User).where(User.username == "li.clerk")).one()
    data = case_data(
        received_on=timeutil.today(),
        title="观音桥某小区电梯长期停运",
        content="小区3栋电梯自今年5月起多次故障停运，物业公司以维修资金不足为由拒不维修。\\n老人上下楼困难。",
        request="督促物业公司尽快修复电梯",
        petitioners=[person_in(name="陈静", id_number="11010519491231002X", phone="13812345678")],
    )
    leader = session.exec(select(User).where(User.username == "wang.leader")).one()
    register_case(
        session,
        registrar,
        case_data(
            channel="onsite_office",
            received_on=timeutil.today(),
            title="五里店某路段路灯不亮",
            received_by_leader_id=leader.id,
            onsite_resolved=True,
            onsite_outcome="support",
            onsite_note="现场协调供电公司当晚修复",
        ),
    )
    done = register_case(session, registrar, data)
    print(json.dumps({"id": done.case.id, "number": done.case.number, "code": done.query_code}))
"""


def _seed(env: dict[str, str]) -> dict:
    run_python(env, "-c", UNIT)
    for username, role, name, unit in (
        ("li.clerk", "registrar", "李登记", None),
        ("zhao.handler", "handler", "赵承办", "U-ZJW"),
        ("wang.leader", "leader", "王区长", None),
    ):
        args = ["create-user", "--username", username, "--role", role, "--display-name", name]
        run_cli(env, *args, *(["--unit", unit] if unit else []), stdin=PASSWORD + "\n")
    return json.loads(run_python(env, "-c", CASE).strip().splitlines()[-1])


@pytest.fixture()
def new_page(browser):
    contexts = []

    def make():
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def _sign_in(page, app_url: str, username: str, case_id: int):
    from playwright.sync_api import expect

    page.goto(app_url + "/auth/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.get_by_text(re.compile(r"，您好$"))).to_be_visible(
        timeout=WAIT_MS
    )  # the per-role home greets by name
    page.goto(f"{app_url}/case?id={case_id}")
    expect(page.locator("h1")).to_be_visible(timeout=WAIT_MS)


def _act(page, action: str, fill=None, done: str | None = None, shot: str | None = None):
    """Open the action's dialog, let `fill` complete it, submit, and wait for the success message."""
    from playwright.sync_api import expect

    page.get_by_test_id("stMainBlockContainer").get_by_role("button", name=action, exact=True).click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible(timeout=WAIT_MS)
    if fill:
        fill(dialog)
    if shot:
        page.screenshot(path=str(SCREENS / shot))
    dialog.get_by_role("button", name=action, exact=True).click()
    expect(page.get_by_text(done or f"已{action}。")).to_be_visible(timeout=WAIT_MS)
    expect(dialog).to_have_count(0, timeout=WAIT_MS)


def _choose(page, dialog, field: str, option: str):
    dialog.get_by_label(field).click()
    page.get_by_role("option", name=option, exact=True).click()


def _badge(page, text: str):
    from playwright.sync_api import expect

    expect(page.get_by_test_id("stMainBlockContainer").get_by_text(text, exact=True).first).to_be_visible(
        timeout=WAIT_MS
    )


def test_a_case_from_registration_to_close_in_the_browser(app_url, e2e_env, new_page):
    case = _seed(e2e_env)
    SCREENS.mkdir(exist_ok=True)

    clerk = new_page()
    _sign_in(clerk, app_url, "li.clerk", case["id"])
    _badge(clerk, "已登记")
    _act(clerk, "交办", lambda d: _choose(clerk, d, "主办单位", "区住房城乡建委"))
    _badge(clerk, "已交办")

    handler = new_page()
    _sign_in(handler, app_url, "zhao.handler", case["id"])
    _act(handler, "受理")
    _badge(handler, "办理中")
    handler.screenshot(path=str(SCREENS / "case-file-handling.png"), full_page=True)

    def reply(dialog):
        _choose(handler, dialog, "处理结果", "支持")
        dialog.get_by_label("意见摘要").fill("责成物业公司于30日内修复电梯，街道督促落实。")

    _act(handler, "答复", reply, shot="case-file-reply-dialog.png")
    _badge(handler, "已答复")
    _act(handler, "登记送达")  # rating and closing need the reply's delivery date

    clerk.reload()
    _badge(clerk, "已答复")
    _act(clerk, "登记满意度", lambda d: _choose(clerk, d, "满意度", "满意"), done="已登记满意度。")
    _act(clerk, "办结")
    _badge(clerk, "已办结")
    clerk.get_by_role("tab", name="办理过程").click()
    clerk.screenshot(path=str(SCREENS / "case-file-closed.png"), full_page=True)

    _reception(clerk, app_url)
    _self_service(new_page(), app_url, case)


def _reception(page, app_url: str):
    from playwright.sync_api import expect

    page.goto(app_url + "/reception")
    expect(page.get_by_text("接访事项")).to_be_visible(timeout=WAIT_MS)
    expect(page.get_by_test_id("stDataFrame")).to_be_visible(timeout=WAIT_MS)
    page.screenshot(path=str(SCREENS / "reception.png"))


def _self_service(page, app_url: str, case: dict):
    from playwright.sync_api import expect

    page.goto(app_url + "/query")
    expect(page.get_by_role("heading", name="信访事项查询")).to_be_visible(timeout=WAIT_MS)
    page.get_by_label("案件编号").fill(case["number"])
    page.get_by_label("查询码").fill("WRONG234")
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_text("案件编号或查询码不正确。")).to_be_visible(timeout=WAIT_MS)
    page.get_by_label("查询码").fill(case["code"])
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_text("责成物业公司于30日内修复电梯，街道督促落实。")).to_be_visible(timeout=WAIT_MS)
    expect(page.get_by_text("已办结", exact=True)).to_be_visible()
    expect(page.get_by_text("您的评价：满意")).to_be_visible()
    expect(page.get_by_text("陈静")).to_have_count(0)
    page.screenshot(path=str(SCREENS / "self-service.png"), full_page=True)
