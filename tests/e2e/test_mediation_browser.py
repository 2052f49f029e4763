"""In a real browser: a petition case in handling referred to mediation from its case file, mediated in the
mediation centre (suggested mediators with their reasons, the lead picked, consent, two sessions) and ended
in an agreement with its 30-day judicial-confirmation window, the case back waiting for its reply and both
timelines showing the steps; then a failed mediation sends its case back to handling.

Only the reference data (street, community, grid, unit, the roster), the users and the case in handling are
seeded; every step after that is clicked. Screenshots of each step go to tests/e2e/artifacts/."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest

from i18n.format import fmt_date
from tests.e2e.conftest import ROOT, run_cli, run_python

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PASSWORD = "river2025stone"
ARTIFACTS = ROOT / "tests" / "e2e" / "artifacts"
WAIT_MS = 45_000

# The street, community and grid of the case, a unit, three mediators: 老王 in the case's grid and good at
# 物业纠纷 (he signs in as wang.mediator), 老李 in another community of the street, 老周 in another street.
REFERENCE = """
import json
from core.platform import db
from models import Community, Grid, Street, Unit, UnitKind

with db.session_scope() as session:
    street, other = Street(code="S-SMH", name="石马河街道"), Street(code="S-CT", name="寸滩街道")
    session.add_all([street, other, Unit(code="U-ZJW", name="区住房城乡建委", kind=UnitKind.DEPARTMENT)])
    session.flush()
    c1 = Community(code="C-NQS", name="南桥寺社区", street_id=street.id)
    c2 = Community(code="C-DQC", name="大庆村社区", street_id=street.id)
    c3 = Community(code="C-HEL", name="海尔路社区", street_id=other.id)
    session.add_all([c1, c2, c3])
    session.flush()
    session.add_all([
        Grid(code="G-NQS-1", name="南桥寺第1网格", community_id=c1.id),
        Grid(code="G-DQC-1", name="大庆村第1网格", community_id=c2.id),
        Grid(code="G-HEL-1", name="海尔路第1网格", community_id=c3.id),
    ])
    session.commit()
"""

ROSTER = """
from sqlmodel import select
from core.platform import db
from models import Community, Grid, Mediator, MediatorLevel, User

with db.session_scope() as session:
    grid = {g.code: g for g in session.exec(select(Grid)).all()}
    user = session.exec(select(User).where(User.username == "wang.mediator")).one()
    def place(code):
        g = grid[code]
        return {"grid_id": g.id, "community_id": g.community_id, "street_id": session.get(Community, g.community_id).street_id}
    session.add_all([
        Mediator(name="老王", level=MediatorLevel.VETERAN, specialties="property_management",
                 user_id=user.id, **place("G-NQS-1")),
        Mediator(name="老李", level=MediatorLevel.VETERAN, specialties="family_dispute", **place("G-DQC-1")),
        Mediator(name="老周", level=MediatorLevel.VETERAN, specialties="property_management",
                 **place("G-HEL-1")),
    ])
    session.commit()
"""

# A case received three days ago in grid 南桥寺第1网格, assigned to the unit and accepted: in handling.
CASE = """
import json, sys
from datetime import timedelta
from sqlmodel import select
from core.cases import workflow
from core.cases.registration import register_case
from core.platform import db, timeutil
from models import Community, Grid, Unit, User
from tests.factories import case_data, person_in

title = sys.argv[1]
with db.session_scope() as session:
    clerk = session.exec(select(User).where(User.username == "li.clerk")).one()
    handler = session.exec(select(User).where(User.username == "zhao.handler")).one()
    grid = session.exec(select(Grid).where(Grid.code == "G-NQS-1")).one()
    unit = session.exec(select(Unit).where(Unit.code == "U-ZJW")).one()
    today = timeutil.today()
    data = case_data(
        received_on=today - timedelta(days=3),
        subject="property_management",
        title=title,
        content="小区3栋电梯自今年5月起多次故障停运，物业公司以维修资金不足为由拒不维修。",
        request="督促物业公司尽快修复电梯",
        street_id=session.get(Community, grid.community_id).street_id,
        community_id=grid.community_id,
        grid_id=grid.id,
        petitioners=[person_in(name="陈静", id_number="11010519491231002X", phone="13812345678")],
    )
    case = register_case(session, clerk, data).case
    workflow.assign(session, clerk, case.id, case.version, lead_unit_id=unit.id, on=today - timedelta(days=2))
    workflow.accept(session, handler, case.id, case.version, notice_date=today - timedelta(days=1))
    print(json.dumps({"id": case.id, "number": case.number, "status": case.status}))
"""


def _seed_world(env: dict[str, str]) -> None:
    run_python(env, "-c", REFERENCE)
    for username, role, name, unit in (
        ("li.clerk", "registrar", "李登记", None),
        ("zhao.handler", "handler", "赵承办", "U-ZJW"),
        ("wang.mediator", "mediator", "王调解", None),
    ):
        args = ["create-user", "--username", username, "--role", role, "--display-name", name]
        run_cli(env, *args, *(["--unit", unit] if unit else []), stdin=PASSWORD + "\n")
    run_python(env, "-c", ROSTER)


def _seed_case(env: dict[str, str], title: str) -> dict:
    case = json.loads(run_python(env, "-c", CASE, title).strip().splitlines()[-1])
    assert case["status"] == "handling"
    return case


@pytest.fixture(scope="module")
def world(app_url, e2e_env):
    _seed_world(e2e_env)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return e2e_env


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


def _shot(page, day, name: str, at=None) -> None:
    """Save the screen (scrolled to `at` first: the app scrolls its main block, not the page)."""
    if at is not None:
        at.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / f"mediation-{day:%Y%m%d}-{name}.png"))


def _sign_in(page, app_url: str, username: str) -> None:
    from playwright.sync_api import expect

    page.goto(app_url + "/auth/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.get_by_text(re.compile(r"，您好$"))).to_be_visible(timeout=WAIT_MS)


def _main(page):
    return page.get_by_test_id("stMainBlockContainer")


def _see(page, text, *, exact: bool = True):
    from playwright.sync_api import expect

    expect(_main(page).get_by_text(text, exact=exact).first).to_be_visible(timeout=WAIT_MS)


def _open_case(page, app_url: str, case_id: int) -> None:
    from playwright.sync_api import expect

    page.goto(f"{app_url}/case?id={case_id}")
    expect(page.locator("h1")).to_be_visible(timeout=WAIT_MS)


def _refer(page, case: dict, day) -> None:
    """On the case file: 转调解 with the two parties; the case is then 调解中."""
    from playwright.sync_api import expect

    _see(page, "办理中")
    _main(page).get_by_role("button", name="转调解", exact=True).click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible(timeout=WAIT_MS)
    dialog.get_by_label("当事人").fill("陈静、重庆某物业服务有限公司")
    _shot(page, day, f"{case['tag']}-01-refer-dialog")
    dialog.get_by_role("button", name="转调解", exact=True).click()
    expect(page.get_by_text("已转调解。")).to_be_visible(timeout=WAIT_MS)
    expect(dialog).to_have_count(0, timeout=WAIT_MS)
    _see(page, "调解中")
    _shot(page, day, f"{case['tag']}-02-case-mediating")


def _open_from_list(page, app_url: str, case: dict, day, shot: str = "03-centre-list") -> None:
    """In the centre's list (/mediations), find the case's mediation and open its file (a row pick)."""
    from playwright.sync_api import expect

    page.goto(f"{app_url}/mediations?q={case['title']}")
    grid = page.get_by_test_id("stDataFrame")
    expect(grid).to_be_visible(timeout=WAIT_MS)
    expect(_main(page).get_by_text("共 1 件", exact=False)).to_be_visible(timeout=WAIT_MS)
    _shot(page, day, f"{case['tag']}-{shot}")
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 16, box["y"] + 35 + 17)  # the first row's selection box
    expect(page.locator("h1", has_text=case["title"])).to_be_visible(timeout=WAIT_MS)


def _tab(page, name: str):
    from playwright.sync_api import expect

    _main(page).get_by_role("tab", name=name, exact=True).click()
    panel = _main(page).get_by_role("tabpanel").filter(visible=True)
    expect(panel).to_have_count(1, timeout=WAIT_MS)
    return panel


def _submit(page, panel, button: str, done: str) -> None:
    from playwright.sync_api import expect

    panel.get_by_role("button", name=button, exact=True).click()
    expect(page.get_by_text(done).first).to_be_visible(timeout=WAIT_MS)


def _consent(page, case: dict, day) -> None:
    panel = _tab(page, "登记是否同意")
    for party in ("陈静", "重庆某物业服务有限公司"):
        group = panel.get_by_role("radiogroup", name=party)
        group.get_by_text("同意调解", exact=True).click()
    _shot(page, day, f"{case['tag']}-06-consent")
    _submit(page, panel, "登记是否同意", "同意调解")


def _session(page, case: dict, day, n: int, *, hour: str, place: str, people: str, notes: str) -> None:
    from playwright.sync_api import expect

    panel = _tab(page, "登记调解记录")
    if hour != "09:00":  # the time input's hour and minute are spin buttons: type into each
        hh, mm = hour.split(":")
        panel.locator("[role=spinbutton][data-type=hour]").press_sequentially(hh)
        panel.locator("[role=spinbutton][data-type=minute]").press_sequentially(mm)
    panel.get_by_label("地点").fill(place)
    panel.get_by_label("在场人员").fill(people)
    panel.get_by_label("情况记录").fill(notes)
    _shot(page, day, f"{case['tag']}-0{6 + n}-session-{n}")
    panel.get_by_role("button", name="登记调解记录", exact=True).click()
    expect(_main(page).get_by_text(f"调解记录（{n}次）")).to_be_visible(timeout=WAIT_MS)
    expect(_main(page).get_by_text(f"{fmt_date(day)} {hour} · {place}")).to_be_visible(timeout=WAIT_MS)


def _choose(page, box, option: str) -> None:
    """Pick an option of a selectbox (a click that lands while the page still settles may not open it)."""
    wanted = page.get_by_role("option", name=option, exact=True)
    for _ in range(3):
        box.click()
        try:
            wanted.wait_for(timeout=5_000)
            break
        except Exception:  # noqa: BLE001 - the list did not open: click again
            page.keyboard.press("Escape")
    wanted.click()


def _cells(page) -> list[str]:
    """The texts of the dataframe's cells (the grid draws on a canvas; its accessible table keeps the text)."""
    return [c.strip() for c in page.get_by_test_id("stDataFrame").locator("td").all_inner_texts()]


def _pick_lead(page, case: dict, day) -> None:
    """The suggested mediators show with their reasons in words; 老王 is chosen as lead."""
    from playwright.sync_api import expect

    panel = _tab(page, "指定调解员")
    expect(panel.get_by_text("推荐调解员", exact=True)).to_be_visible(timeout=WAIT_MS)
    expect(panel.get_by_test_id("stDataFrame")).to_be_visible(timeout=WAIT_MS)
    expect(panel.get_by_test_id("stDataFrame").locator("td", has_text="老周")).to_have_count(
        1, timeout=WAIT_MS
    )
    _shot(page, day, f"{case['tag']}-04-suggestions")
    cells = _cells(page)
    # 老王 40 (物业纠纷) + 30 (grid) + 10 (0.5 without history × 20) = 80; 老周 40 + 10 = 50 (another
    # street: the street has fewer than 10); 老李 10 (street) + 10 = 20
    assert "同网格 · 擅长物业纠纷 · 在办 0 件 · 暂无调解记录" in cells, cells
    assert "擅长物业纠纷 · 在办 0 件 · 暂无调解记录" in cells, cells
    assert "同街道 · 在办 0 件 · 暂无调解记录" in cells, cells
    assert [c for c in cells if c in ("老王", "老周", "老李")] == ["老王", "老周", "老李"], cells
    _choose(page, panel.get_by_label("主持调解员"), "老王")
    panel.get_by_role("button", name="确定调解员", exact=True).click()
    expect(page.get_by_text("已指定调解员。")).to_be_visible(timeout=WAIT_MS)
    expect(_main(page).get_by_text("老王 · 老马（资深调解员） · 主持调解员", exact=False)).to_be_visible(
        timeout=WAIT_MS
    )
    _shot(page, day, f"{case['tag']}-05-lead-named", at=_main(page).get_by_text("调解员", exact=True))


def _agree(page, case: dict, day) -> None:
    from playwright.sync_api import expect

    panel = _tab(page, "登记调解结果")
    panel.get_by_label("各方责任").fill("物业公司未尽维修义务，负主要责任。")
    panel.get_by_label("调解协议内容").fill("物业公司于15日内修复3栋电梯，业主委员会配合使用维修资金。")
    panel.get_by_label("履行方式和期限").fill("物业公司自行维修，街道督促，15日内完成。")
    _shot(page, day, f"{case['tag']}-09-agreement-form")
    panel.get_by_role("button", name="登记调解结果", exact=True).click()
    expect(_main(page).get_by_text(re.compile(r"^调解协议书 XY-\d{4}-\d{6}$"))).to_be_visible(timeout=WAIT_MS)


def _steps(scope) -> list[str]:
    """The action of each timeline entry ("**转调解** · 赵承办 · 2026年9月28日 10:00"), top to bottom."""
    lines = scope.locator("p:has(> strong)").all_inner_texts()
    return [line.split(" · ")[0].strip() for line in lines if " · " in line]


def test_a_referred_case_ends_in_an_agreement_and_comes_back_for_its_reply(
    world, app_url, new_page, e2e_today
):
    from playwright.sync_api import expect

    day = e2e_today
    title = "观音桥某小区电梯长期停运"
    case = _seed_case(world, title) | {"title": title, "tag": "agreed"}

    handler = new_page()
    _sign_in(handler, app_url, "zhao.handler")
    _open_case(handler, app_url, case["id"])
    _refer(handler, case, day)
    _open_from_list(handler, app_url, case, day)
    _see(handler, "已申请")
    _pick_lead(handler, case, day)

    mediator = new_page()
    _sign_in(mediator, app_url, "wang.mediator")
    _open_from_list(mediator, app_url, case, day, shot="05b-mediator-list")  # he sees the cases he sits on
    _consent(mediator, case, day)
    _session(mediator, case, day, 1, hour="09:00", place="南桥寺社区调解室", people="陈静、物业公司经理刘某、老王",
             notes="双方陈述电梯停运经过；物业称维修资金不足，业主不同意分摊。")  # fmt: skip
    _session(mediator, case, day, 2, hour="14:30", place="石马河街道综治中心", people="陈静、物业公司经理刘某、业委会主任、老王",
             notes="物业同意先行垫付维修费用，业委会同意申请使用维修资金。")  # fmt: skip
    _agree(mediator, case, day)
    due = fmt_date(day + timedelta(days=30))  # 人民调解法第33条: 30 calendar days from signing
    _see(mediator, "可申请司法确认", exact=False)
    _see(mediator, due, exact=False)
    _see(mediator, "达成协议", exact=True)
    _shot(
        mediator,
        day,
        "agreed-10-agreement-window",
        at=_main(mediator).get_by_text("可申请司法确认", exact=False),
    )
    steps = _steps(mediator)
    assert steps.count("调解记录") == 2 and "登记调解结果" in steps and "调解回流" in steps, steps
    # no order asserted: with a pinned day an event's time is the wall clock's, which wraps at midnight (CST)
    _shot(
        mediator, day, "agreed-11-mediation-timeline", at=_main(mediator).get_by_text("办理过程", exact=True)
    )

    _open_case(handler, app_url, case["id"])
    _see(handler, "办理中")
    expect(_main(handler).get_by_role("button", name="答复", exact=True)).to_be_visible(timeout=WAIT_MS)
    panel = _tab(handler, re.compile(r"^办理过程"))
    steps = _steps(panel)
    for step in ("转调解", "登记当事人是否同意调解", "登记调解结果", "调解回流"):
        assert step in steps, (step, steps)
    assert steps.count("调解记录") == 2, steps
    words = panel.inner_text()
    assert "调解状态: 调解中 → 达成协议" in words and "enum." not in words and "result_note" not in words, (
        words
    )
    assert "达成调解协议" in panel.inner_text() or "XY-" in panel.inner_text()
    _shot(handler, day, "agreed-12-case-timeline", at=panel.get_by_text("调解回流", exact=True).last)


def test_a_failed_mediation_sends_the_case_back_to_handling(world, app_url, new_page, e2e_today):
    from playwright.sync_api import expect

    day = e2e_today
    title = "南桥寺小区楼上漏水纠纷"
    case = _seed_case(world, title) | {"title": title, "tag": "failed"}

    handler = new_page()
    _sign_in(handler, app_url, "zhao.handler")
    _open_case(handler, app_url, case["id"])
    _refer(handler, case, day)
    _open_from_list(handler, app_url, case, day)
    _consent(handler, case, day)  # the unit keeps a referred case's mediation in hand (no lead named)
    _see(handler, "调解中")
    panel = _tab(handler, "登记调解结果")
    panel.get_by_text("调解不成", exact=True).click()
    panel.get_by_role("button", name="司法途径（诉讼）", exact=True).click()
    panel.get_by_label("说明").fill("物业公司不同意承担维修费用，调解不成，告知当事人可向法院起诉。")
    _shot(handler, day, "failed-07-result-form")
    panel.get_by_role("button", name="登记调解结果", exact=True).click()
    told = _main(handler).get_by_text("已告知当事人：司法途径（诉讼）")
    expect(told).to_be_visible(timeout=WAIT_MS)
    _see(handler, "调解不成")
    _shot(handler, day, "failed-08-mediation-file", at=told)

    _open_case(handler, app_url, case["id"])
    _see(handler, "办理中")  # back to handling: its handling clock runs on, the unit replies
    expect(_main(handler).get_by_role("button", name="答复", exact=True)).to_be_visible(timeout=WAIT_MS)
    expect(_main(handler).get_by_role("button", name="转调解", exact=True)).to_be_visible(timeout=WAIT_MS)
    panel = _tab(handler, re.compile(r"^办理过程"))
    steps = _steps(panel)
    for step in ("转调解", "登记当事人是否同意调解", "登记调解结果", "调解回流"):
        assert steps.count(step) == 1, (step, steps)  # in any order: see the agreed test
    assert "物业公司不同意承担维修费用" in panel.inner_text()
    _shot(handler, day, "failed-09-case-timeline", at=panel.get_by_text("调解回流", exact=True).last)
