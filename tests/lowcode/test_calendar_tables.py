"""Holidays and settings through their generated screens: edits move open deadlines, and say how many."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from core.calendar import clock, holidays, tunables
from core.platform.errors import ValidationError
from models import Case, CaseEvent, Channel, Holiday, HolidayYear, Setting

PAGE = "from pages import admin\nadmin.render()\n"
NOTICE_2027 = """# 国务院办公厅关于2027年部分节假日安排的通知（示例）
2027-01-01~2027-01-03 元旦
2027-01-31 春节 上班
2027-02-05~2027-02-11 春节
2027-02-13 春节 上班
"""


def _open(monkeypatch, user, **params) -> AppTest:
    monkeypatch.setattr("widgets.session.current_user", lambda: user)
    at = AppTest.from_string(PAGE, default_timeout=30)
    for name, value in params.items():
        at.query_params[name] = str(value)
    at = at.run()
    assert not at.exception, at.exception
    return at


def _case_in_triage(session, started: date) -> Case:
    case = Case(
        number=f"JB-2026-{started:%m%d}01",
        channel=Channel.VISIT,
        received_on=started,
        subject="property_management",
        title="测试案件",
        content="测试内容",
        stage="triage",
        stage_started_on=started,
    )
    clock.refresh_case(case, clock.load_calendar(session), clock.load_limits(session))
    session.add(case)
    session.commit()
    return case


def test_add_next_year_takes_the_notice_and_says_how_many_deadlines_moved(session, monkeypatch, admin):
    new_year = _case_in_triage(session, date(2026, 12, 17))  # + 15 days = Fri 2027-01-01, provisional
    assert (new_year.due_on, new_year.due_provisional) == (date(2027, 1, 1), True)
    at = _open(monkeypatch, admin, table="holidays")
    at = at.button(key="lc.holidays.table_action.add_next_year").click().run()
    area = at.text_area(key="lc.holidays.action.add_next_year.None.entries")
    assert area.value.startswith(
        "# 按国务院办公厅 2027 年部分节假日安排通知填写"
    )  # the package stops at 2026
    area.input("2027-01-01 元旦\n2027-13-01 春节")
    at = at.button(key="FormSubmitter:lc_holidays_action_add_next_year-添加下一年").click().run()
    assert any(c.value.startswith(":red[第 2 行无法识别：“2027\\-13\\-01 春节”") for c in at.caption)
    at.text_area(key="lc.holidays.action.add_next_year.None.entries").input(NOTICE_2027)
    at = at.button(key="FormSubmitter:lc_holidays_action_add_next_year-添加下一年").click().run()
    assert not at.exception
    # 3 + 1 + 7 + 1 = 12 days; the case due on the New Year holiday moves to Mon 2027-01-04
    assert [s.value for s in at.success] == ["已添加 2027 年节假日安排 12 天；1 件在办案件的期限随之调整。"]
    session.refresh(new_year)
    assert (new_year.due_on, new_year.due_provisional) == (date(2027, 1, 4), False)
    assert session.get(HolidayYear, 2027) is not None


def test_a_holiday_edited_in_its_form_moves_deadlines_and_is_marked_the_administrators(
    session, monkeypatch, admin
):
    case = _case_in_triage(session, date(2026, 9, 8))  # + 15 = Wed 2026-09-23
    at = _open(monkeypatch, admin, table="holidays")
    at = at.button(key="lc.holidays.new").click().run()
    at.date_input(key="lc.holidays.create.0.day").set_value(date(2026, 9, 23))
    at.text_input(key="lc.holidays.create.0.name").input("抗洪调休")
    at = at.button(key="FormSubmitter:lc_holidays_create-创建").click().run()
    assert [s.value for s in at.success] == ["已保存。1 件在办案件的期限已重新计算。"]
    session.refresh(case)
    assert case.due_on == date(2026, 9, 24)  # the rest day rolls the last day to Thu 09-24
    assert session.get(Holiday, date(2026, 9, 23)).source == "admin"
    event = session.exec(select(CaseEvent).where(CaseEvent.action == "holiday.create")).one()
    assert event.object_id == 20260923 and event.after["cases_recomputed"] == 1


def test_a_stage_limit_is_edited_as_days_and_their_count_within_its_range(session, monkeypatch, admin):
    case = _case_in_triage(session, date(2026, 9, 8))  # 15 days: due Wed 09-23
    at = _open(monkeypatch, admin, table="settings")
    frame = at.dataframe[0].value.set_index("设置项")
    assert (
        frame.loc["登记分流期限", "值"] == "15 天（自然日）"
        and frame.loc["登记分流期限", "允许范围"] == "1–15 天"
    )
    assert frame.loc["黄色预警（剩余工作日）", "值"] == "3 个工作日"
    at = _open(monkeypatch, admin, table="settings", row="stage.triage")
    prefix = "lc.settings.edit.stage.triage.1.0."
    assert at.number_input(key=prefix + "days").value == 15
    at.number_input(key=prefix + "days").set_value(10)
    at.selectbox(key=prefix + "unit").select("working")
    at = at.button(key="FormSubmitter:lc_settings_edit-保存").click().run()
    assert [s.value for s in at.success] == ["已保存。1 件在办案件的期限已重新计算。"]
    assert json.loads(session.get(Setting, "stage.triage").value) == {"days": 10, "unit": "working"}
    session.refresh(case)
    # 10 working days after Tue 09-08: 09-09 .. 09-11 (3), 09-14 .. 09-18 (8), Sun 09-20, a make-up
    # working day before National Day (9), Mon 09-21 (10)
    assert case.due_on == date(2026, 9, 21)


def test_a_setting_outside_its_range_is_refused_under_its_field(session, admin):
    with pytest.raises(ValidationError) as bad:
        tunables.save(session, admin, "stage.triage", 1, {"days": 16, "unit": "calendar"})
    assert bad.value.errors == {"days": "应在 1 到 15 之间。"}
    with pytest.raises(ValidationError) as bad:
        tunables.save(session, admin, "stage.review_request", 1, {"days": 20, "unit": "calendar"})
    assert bad.value.errors == {"days": "应在 30 到 90 之间。"}  # the petitioner's 30 days cannot shrink


def test_the_notice_parser_reads_ranges_and_make_up_days_and_round_trips_the_package():
    entries = holidays.parse_entries(NOTICE_2027)
    assert len(entries) == 12 and (date(2027, 1, 31), True, "春节") in entries
    assert holidays.parse_entries(holidays.package_text(2025)) == [
        e for e in holidays.package_entries() if e[0].year == 2025
    ]
