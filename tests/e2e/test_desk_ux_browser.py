"""In a real browser, the desk as people meet it: the case list hides nothing after navigating, the language
sticks, the intake form is filled from the keyboard alone, and nothing English shows in the Chinese UI."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import ROOT, run_cli

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PASSWORD = "river2025stone"
SCREENS = ROOT / "screens"
WAIT_MS = 45_000
REGISTRAR = "demo.registrar1"


@pytest.fixture(scope="module")
def demo(e2e_env) -> dict[str, str]:
    """A demo district of 300 cases with a password on the first registrar."""
    run_cli(e2e_env, "load-demo", "--cases", "300")
    run_cli(e2e_env, "set-password", "--username", REGISTRAR, stdin=PASSWORD + "\n")
    return e2e_env


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
    expect(page.get_by_test_id("stSidebar")).to_be_visible(timeout=WAIT_MS)


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


def test_english_picked_in_the_sidebar_survives_f5_links_and_signing_out(app_url, demo, page):
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
