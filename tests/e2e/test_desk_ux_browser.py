"""In a real browser, the desk as people meet it: the case list hides nothing after navigating, the language
sticks, the intake form is filled from the keyboard alone, and nothing English shows in the Chinese UI."""

from __future__ import annotations

import re

import pytest

from tests.chinese import latin_only
from tests.e2e.conftest import ROOT, run_cli, run_python

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PASSWORD = "river2025stone"
SCREENS = ROOT / "screens"
WAIT_MS = 45_000
REGISTRAR = "demo.registrar1"


FIRST_OF_EACH_ROLE = """
from sqlmodel import func, select
from core.platform import db
from models import User

with db.session_scope() as session:
    for role, name in session.exec(select(User.role, func.min(User.username)).group_by(User.role)):
        print(role, name)
"""


@pytest.fixture(scope="module")
def demo(e2e_env) -> dict[str, str]:
    """A demo district of 300 cases, an administrator, and a password on the first user of each role."""
    run_cli(e2e_env, "load-demo", "--cases", "300")
    args = ["--username", "ux.admin", "--role", "admin", "--display-name", "王管理"]
    run_cli(e2e_env, "create-user", *args, stdin=PASSWORD + "\n")
    for line in run_python(e2e_env, "-c", FIRST_OF_EACH_ROLE).strip().splitlines():
        run_cli(e2e_env, "set-password", "--username", line.split()[1], stdin=PASSWORD + "\n")
    return e2e_env


@pytest.fixture(scope="module")
def role_users(demo) -> dict[str, str]:
    """Return role -> the user name signed in as that role."""
    return dict(line.split() for line in run_python(demo, "-c", FIRST_OF_EACH_ROLE).strip().splitlines())


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    yield context.new_page()
    context.close()


def sign_in(page, app_url: str, username: str = REGISTRAR) -> None:
    from playwright.sync_api import expect

    page.goto(app_url + "/auth/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    # the shell's navigation, not the pages/ folder's that Streamlit may show for a moment before it
    home = page.get_by_test_id("stSidebarNav").get_by_role("link", name=re.compile(r"^(首页|Home)$"))
    expect(home).to_be_visible(timeout=WAIT_MS)


def nav(page, title: str) -> None:
    """Open a page through the sidebar, as a user does."""
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=re.compile(rf"^{title}")).click()


def found(page) -> str:
    """Return the case list's count line once it is drawn."""
    from playwright.sync_api import expect

    line = page.get_by_text(re.compile(r"^共 [\d,]+ 件 · 第"))
    expect(line).to_be_visible(timeout=WAIT_MS)
    return line.inner_text()


def _more_filters_stay_empty(page, count: str) -> None:
    """Open 更多筛选 and check that the dates stay empty and the list keeps its count."""
    from playwright.sync_api import expect

    page.get_by_text(re.compile(r"^更多筛选")).click()
    expect(page.get_by_role("group", name="登记日期自")).to_be_visible(timeout=WAIT_MS)
    page.wait_for_timeout(1500)  # a date input that filled itself would have rerun the list by now
    for name in ("登记日期自", "登记日期至"):  # an empty date shows only its placeholder segments
        year = page.get_by_role("spinbutton", name=f"year, {name}")
        assert year.get_attribute("aria-valuetext") == "Empty", name
    assert found(page) == count
    expect(page.get_by_text("已选筛选：")).to_have_count(0)


def test_the_case_list_hides_nothing_after_navigating_away_and_opening_more_filters(app_url, demo, page):
    from playwright.sync_api import expect

    sign_in(page, app_url)
    nav(page, "案件查询")
    first = found(page)
    assert first.startswith("共 300 件")  # the demo's 300 cases, no filter set
    _more_filters_stay_empty(page, first)
    for _ in range(2):
        nav(page, "首页")
        expect(page.get_by_role("heading", level=1)).not_to_have_text("案件查询", timeout=WAIT_MS)
        nav(page, "案件查询")
        assert found(page) == first
    _more_filters_stay_empty(page, first)


BACK_TO_CHINESE = """
from sqlmodel import select
from core.platform import db
from models import User

with db.session_scope() as session:
    user = session.exec(select(User).where(User.username == "%s")).one()
    user.language = None
    session.add(user)
    session.commit()
"""


@pytest.fixture()
def back_to_chinese(demo):
    """The language sticks to the user row, so the registrar is given Chinese back for the tests after."""
    yield
    run_python(demo, "-c", BACK_TO_CHINESE % REGISTRAR)


def test_english_picked_in_the_sidebar_survives_f5_links_and_signing_out(
    app_url, demo, back_to_chinese, page
):
    from playwright.sync_api import expect

    sign_in(page, app_url)
    page.get_by_role("combobox", name="语言").click()
    page.get_by_role("option", name="English", exact=True).click()
    sidebar_nav = page.get_by_test_id("stSidebarNav")
    expect(sidebar_nav.get_by_role("link", name="Cases", exact=True)).to_be_visible(timeout=WAIT_MS)
    page.reload()  # F5
    expect(sidebar_nav.get_by_role("link", name="Cases", exact=True)).to_be_visible(timeout=WAIT_MS)
    page.get_by_test_id("stMainBlockContainer").get_by_role("link", name=re.compile(r"^JB-")).first.click()
    expect(page).to_have_url(re.compile(r"/case\?id=\d+"), timeout=WAIT_MS)
    expect(sidebar_nav.get_by_role("link", name="Cases", exact=True)).to_be_visible(timeout=WAIT_MS)
    page.goto(app_url + "/cases")  # a link typed or bookmarked, in a new page load
    expect(page.get_by_role("heading", name="Cases", exact=True)).to_be_visible(timeout=WAIT_MS)
    page.get_by_test_id("stSidebar").get_by_role("button", name="Sign out").click()
    expect(page.get_by_label("Username")).to_be_visible(timeout=WAIT_MS)


# Every text node the user can see (icons' ligature names aside), every visible placeholder and tooltip.
VISIBLE_LATIN_JS = r"""() => {
  const out = new Set();
  const seen = el => { const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
    const clipped = s.clip === 'rect(0px, 0px, 0px, 0px)' && document.activeElement !== el;  // a skip link
    return r.width > 1 && r.height > 1 && s.visibility !== 'hidden' && s.display !== 'none'
      && s.fontSize !== '0px' && !clipped; };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const n = walker.currentNode, text = n.textContent.trim(), el = n.parentElement;
    if (!text || !/[A-Za-z]/.test(text) || !el || el.closest('script,style')) continue;
    if (getComputedStyle(el).fontFamily.includes('Material')) continue;  // an icon's ligature name
    if (seen(el)) out.add(text.slice(0, 80));
  }
  document.querySelectorAll('input,textarea').forEach(e => {
    if (e.placeholder && !e.value && seen(e)) out.add(e.placeholder);
  });
  return [...out];
}"""


def _latin_on_screen(page) -> list[str]:
    page.wait_for_timeout(1500)  # let the page finish drawing
    return sorted({text for text in page.evaluate(VISIBLE_LATIN_JS) if latin_only(text)})


def _walk(page, role: str) -> dict[str, list[str]]:
    """Open every page of the sidebar, the case list's 更多筛选 and one case file; return what is not Chinese."""
    from playwright.sync_api import expect

    found = {}
    nav = page.get_by_test_id("stSidebarNav")
    hrefs = [link.get_attribute("href") for link in nav.get_by_role("link").all()]
    for href in hrefs:
        link = nav.locator(f'a[href="{href}"]')
        if not link.is_visible():  # the big screen hides the sidebar: back to the desk, as its link does
            page.go_back()
            expect(link).to_be_visible(timeout=WAIT_MS)
        title = link.inner_text().split("\n")[-1]  # after the icon's ligature name
        link.click()
        expect(page.get_by_test_id("stMainBlockContainer")).to_be_visible(timeout=WAIT_MS)
        if title.startswith("案件查询"):
            found[title] = _latin_on_screen(page)
            page.get_by_text(re.compile(r"^更多筛选")).click()
            title = "案件查询 · 更多筛选"
        found[title] = _latin_on_screen(page)
        case_links = page.get_by_test_id("stMainBlockContainer").get_by_role("link", name=re.compile(r"^JB-"))
        if title.startswith("我的待办") and case_links.count():
            case_links.first.click()
            expect(page).to_have_url(re.compile(r"/case\?id="), timeout=WAIT_MS)
            found["案件档案"] = _latin_on_screen(page)
    SCREENS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENS / f"zh-only-{role}.png"))
    return {title: latin for title, latin in found.items() if latin}


def test_every_page_of_every_role_shows_only_chinese_in_the_browser(app_url, demo, role_users, browser):
    found = {}
    for role, username in sorted(role_users.items()):
        if (
            role == "display"
        ):  # no sidebar to walk: its one screen is tested in tests/pages/test_big_screen.py
            continue
        context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
        page = context.new_page()
        try:
            sign_in(page, app_url, username)
            found.update({f"{role}: {title}": latin for title, latin in _walk(page, role).items()})
        finally:
            context.close()
    assert found == {}


FOCUSED_JS = """() => { const e = document.activeElement;
  return (e && (e.getAttribute('aria-label') || (e.labels && e.labels[0] && e.labels[0].innerText))) || '' }"""


def _keys(page, *steps: str) -> None:
    """Press keys and type text (a step with a ":" types what follows it), letting each rerun settle."""
    for step in steps:
        if step.startswith(":"):
            page.keyboard.type(step[1:], delay=20)
        else:
            page.keyboard.press(step)
        page.wait_for_timeout(400)


def _pick(page, field: str, typed: str) -> None:
    """Type into a select box and take the first option that starts with it, once the options are there."""
    box = page.get_by_role("combobox", name=field)
    option = page.get_by_role("option", name=re.compile("^" + re.escape(typed)))
    for _ in range(10):  # the options of a place picker arrive with the rerun after its parent was picked
        box.focus()
        _keys(page, f":{typed}")
        if option.count():
            option.first.click()
            page.wait_for_timeout(400)
            return
        _keys(page, "Control+a", "Backspace", "Escape")
        page.wait_for_timeout(500)
    raise AssertionError(f"{field}: no option starting with {typed}")


def _focused(page, label: str) -> None:
    """Wait until the cursor is in the field with this label."""
    for _ in range(40):
        if page.evaluate(FOCUSED_JS).endswith(label):
            return
        page.wait_for_timeout(250)
    raise AssertionError(f"the cursor is in {page.evaluate(FOCUSED_JS)!r}, not in {label!r}")


def test_a_visit_is_registered_from_the_keyboard_alone(app_url, demo, page):
    """No mouse on the intake page: the cursor starts in the first field, Enter moves on, Ctrl+Enter registers."""
    from playwright.sync_api import expect

    sign_in(page, app_url)
    page.goto(app_url + "/intake")
    expect(page.locator(".st-key-pd_intake_submit")).to_be_visible(timeout=WAIT_MS)  # the whole form is drawn
    page.wait_for_timeout(1000)
    _focused(page, "信访渠道")
    _keys(page, "Enter")  # 来访 as preset
    _focused(page, "收到信访日期")  # today as preset, a date's segments count as one field
    _keys(page, "Enter", "Enter", "Enter")  # past the date, 匿名信访 and 群体访
    _focused(page, "姓名")
    _keys(page, ":王建国", "Enter", ":11010519491231002X", "Enter", ":13812341234", "Enter")
    _keys(page, ":重庆市江北区建新北路1号", "Enter")
    expect(page.get_by_text("女，1949年12月31日出生")).to_be_visible(timeout=WAIT_MS)
    _focused(page, "事项分类")
    _keys(page, "Enter", "Enter", ":物业")  # category and route as preset; the subject picker filters
    _keys(page, "Enter", "Enter")  # pick 物业纠纷, move on
    _focused(page, "标题")
    _keys(
        page, ":小区电梯停运三个月无人维修", "Enter", ":电梯自今年起停运，物业推诿不修。", "Tab", ":修好电梯"
    )
    _focused(page, "诉求")
    _keys(page, "Tab", "Tab", ":观音桥", "Enter", "Enter")  # past 保密; pick the street, move on
    _focused(page, "社区/村")
    _keys(page, "Control+Enter")
    expect(page.get_by_text(re.compile(r"已登记，案件编号 JB-\d{4}-\d{6}。"))).to_be_visible(timeout=WAIT_MS)
    SCREENS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENS / "intake-keyboard-registered.png"))


# Text in the main area cut off at its end: an ellipsis that hides something, or a picker's value too wide.
CUT_JS = """() => [...document.querySelectorAll('[data-testid=stMain] *')].filter(e => {
    const s = getComputedStyle(e);
    if (e.matches('input[role=combobox]')) return e.value && e.scrollWidth > e.clientWidth + 1;
    return s.textOverflow === 'ellipsis' && e.textContent.trim() && e.scrollWidth > e.clientWidth + 1;
  }).map(e => (e.value || e.textContent).trim().slice(0, 40))"""


def test_at_1440_px_the_key_columns_unit_names_and_grids_are_not_cut_off(app_url, demo, role_users, page):
    from playwright.sync_api import expect

    from tests.pages.test_cases import MAIN_WIDTH_AT_1440, PICKER_COLUMN
    from widgets.case_table import KEY_WIDTHS

    sign_in(page, app_url, role_users["handler"])
    nav(page, "我的账户")
    expect(page.get_by_text("单位", exact=True)).to_be_visible(timeout=WAIT_MS)
    page.wait_for_timeout(1000)
    assert page.evaluate(CUT_JS) == []
    nav(page, "案件查询")
    found(page)
    table = page.get_by_test_id("stDataFrame").first.bounding_box()
    assert table["width"] >= MAIN_WIDTH_AT_1440 - 2  # the page tests' assumption holds in the browser
    assert table["width"] >= PICKER_COLUMN + sum(KEY_WIDTHS.values())

    page.context.clear_cookies()  # signed out
    sign_in(page, app_url, REGISTRAR)
    page.goto(app_url + "/intake")
    expect(page.locator(".st-key-pd_intake_submit")).to_be_visible(timeout=WAIT_MS)
    for field, typed in (("街道/镇", "华新街"), ("社区/村", "华新村"), ("网格", "第1")):
        _pick(page, field, typed)
    expect(page.get_by_role("combobox", name="网格")).to_have_value("第1网格", timeout=WAIT_MS)
    assert page.evaluate(CUT_JS) == []
    SCREENS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENS / "intake-grid-picked.png"))


def test_f5_on_a_half_filled_intake_form_keeps_it(app_url, demo, page):
    from playwright.sync_api import expect

    sign_in(page, app_url)
    page.goto(app_url + "/intake")
    expect(page.locator(".st-key-pd_intake_submit")).to_be_visible(timeout=WAIT_MS)
    page.get_by_label("姓名", exact=True).fill("陈静")
    page.get_by_label("标题", exact=True).fill("楼道堆物占道")
    page.get_by_label("标题", exact=True).press("Tab")  # leaving the field commits it
    page.wait_for_timeout(1500)
    page.reload()
    expect(page.get_by_label("标题", exact=True)).to_have_value("楼道堆物占道", timeout=WAIT_MS)
    expect(page.get_by_label("姓名", exact=True)).to_have_value("陈静")
    expect(page.get_by_text(re.compile("^已恢复您 "))).to_be_visible()
    page.get_by_role("button", name="放弃草稿").click()
    expect(page.get_by_text(re.compile("^已恢复您 "))).to_have_count(0, timeout=WAIT_MS)
    expect(page.get_by_label("标题", exact=True)).to_have_count(1, timeout=WAIT_MS)
    expect(page.get_by_label("标题", exact=True)).to_have_value("", timeout=WAIT_MS)
