"""The briefing page: a leader picks the last full week by default and gets the two files in one click."""

from __future__ import annotations

from datetime import date

from core.platform.timeutil import REFERENCE_DATE_ENV
from i18n import t
from models import Role
from tests.factories import make_user, register
from tests.pages.helpers import open_page

TODAY = date(2025, 3, 12)


def test_a_leader_makes_the_weekly_briefing_in_one_click(session, monkeypatch):
    monkeypatch.setenv(REFERENCE_DATE_ENV, TODAY.isoformat())
    leader = make_user(session, Role.LEADER)
    register(session, leader, received_on=date(2025, 3, 4))
    at = open_page(monkeypatch, "briefing", leader)
    assert at.title[0].value == "每周通报"
    week = at.selectbox[0]
    assert week.label == "统计周（周一至周日）"
    assert week.value == date(2025, 3, 3)  # the last full week, Monday to Sunday
    assert week.options[0] == "2025年3月3日至2025年3月9日"
    assert not at.get("download_button")
    at.button[0].click().run()
    assert not at.exception, at.exception
    buttons = at.get("download_button")
    assert [b.proto.label for b in buttons] == ["下载 Word 文档", "下载 Excel 数据"]
    assert at.status[0].label == "已生成"  # the progress box, complete
    assert [m.value for m in at.status[0].markdown] == ["正在计算指标……", "正在绘制图表……", "正在生成文件……"]


def test_the_annual_report_is_picked_by_year(session, monkeypatch):
    monkeypatch.setenv(REFERENCE_DATE_ENV, TODAY.isoformat())
    supervisor = make_user(session, Role.SUPERVISOR)
    at = open_page(monkeypatch, "briefing", supervisor)
    at.button_group[0].set_value("annual").run()
    assert at.selectbox[0].label == "年度"
    assert at.selectbox[0].value == 2025
    at.button[0].click().run()
    assert [b.proto.label for b in at.get("download_button")] == ["下载 Word 文档", "下载 Excel 数据"]


def test_handlers_do_not_get_the_page(session, monkeypatch):
    at = open_page(monkeypatch, "briefing", make_user(session, Role.HANDLER))
    assert at.error[0].value == t("error.forbidden")
    assert not at.button
