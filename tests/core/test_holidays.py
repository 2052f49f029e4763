"""The holiday table: seeded from chinesecalendar, edited by administrators, open deadlines follow every edit."""

from __future__ import annotations

import itertools
from datetime import date

import pytest
import sqlalchemy as sa
from chinese_calendar import constants
from sqlmodel import func, select

from core.calendar import clock, holidays
from core.platform.errors import NotFound, PermissionDenied, ValidationError
from models import Case, CaseEvent, Channel, Holiday, HolidaySource, HolidayYear, Role, User

D = date
# A plausible 2027 list (not the State Council's, which is published late in 2026): New Year on
# Fri 01-01 .. Sun 01-03, Spring Festival Fri 02-05 .. Thu 02-11 with make-up Sunday 01-31 and Saturday 02-13.
YEAR_2027 = [
    (D(2027, 1, 1), False, "元旦"),
    (D(2027, 1, 2), False, "元旦"),
    (D(2027, 1, 3), False, "元旦"),
    (D(2027, 1, 31), True, "春节"),
    *[(D(2027, 2, d), False, "春节") for d in range(5, 12)],
    (D(2027, 2, 13), True, "春节"),
]
_numbers = itertools.count(1)


def add_user(session, role: Role = Role.ADMIN) -> User:
    user = User(username=f"{role.value}{next(_numbers)}", display_name=f"测试{role.value}", role=role)
    session.add(user)
    session.commit()
    return user


def add_case(session, stage: str | None, started: date | None, **fields) -> Case:
    """Insert a minimal case in `stage` since `started`, its due date computed by the clock."""
    case = Case(
        number=f"JB-2026-{next(_numbers):06d}",
        channel=Channel.VISIT,
        received_on=started or D(2026, 1, 5),
        subject="物业纠纷",
        title="测试案件",
        content="测试内容",
        stage=stage,
        stage_started_on=started,
        **fields,
    )
    clock.refresh_case(case, clock.load_calendar(session), clock.load_limits(session))
    session.add(case)
    session.commit()
    return case


def reload(session, case: Case) -> tuple[date | None, bool]:
    session.refresh(case)
    return case.due_on, case.due_provisional


def count_commits(session) -> list[int]:
    commits: list[int] = []
    sa.event.listen(session, "after_commit", lambda _s: commits.append(1))
    return commits


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    clock.invalidate_cache()  # the conftest reseeds tables without telling the clock
    yield
    clock.invalidate_cache()


# --- seed and reads -------------------------------------------------------------------------------


def test_seed_fills_the_package_years_with_chinese_names_and_is_idempotent(session):
    assert holidays.seed_from_package(session) == 0  # the fixture already seeded
    rows = session.exec(select(func.count()).select_from(Holiday)).one()
    assert rows == len(set(constants.holidays) | set(constants.workdays))
    assert session.get(Holiday, D(2025, 10, 1)).name == "国庆节"
    assert session.get(Holiday, D(2025, 10, 11)).is_workday is True
    assert holidays.known_years(session) == list(range(2004, 2027))


def test_list_days_returns_one_year_in_order(session):
    days = holidays.list_days(session, 2025)
    assert [d.day for d in days] == sorted(d.day for d in days)
    assert {d.day.year for d in days} == {2025}
    assert (D(2025, 9, 28), True) in [(d.day, d.is_workday) for d in days]


# --- add_year -------------------------------------------------------------------------------------


def test_add_year_makes_2027_deadlines_final_and_moves_those_on_new_holidays(session):
    admin = add_user(session)
    new_year = add_case(session, "triage", D(2026, 12, 17))  # + 15 = Fri 2027-01-01
    monday = add_case(session, "triage", D(2026, 12, 20))  # + 15 = Mon 2027-01-04
    make_up = add_case(session, "objection", D(2027, 1, 26))  # 01-27, 01-28, 01-29, 02-01, 02-02
    in_2026 = add_case(session, "triage", D(2026, 12, 1))  # + 15 = Wed 2026-12-16
    closed = add_case(session, None, None)
    assert reload(session, new_year) == (D(2027, 1, 1), True)
    assert reload(session, make_up) == (D(2027, 2, 2), True)
    commits = count_commits(session)

    assert holidays.add_year(session, admin, 2027, YEAR_2027) == len(YEAR_2027)

    assert commits == [1]
    assert reload(session, new_year) == (D(2027, 1, 4), False)  # 01-01 is now 元旦
    assert reload(session, monday) == (D(2027, 1, 4), False)  # same day, no longer provisional
    assert reload(session, make_up) == (D(2027, 2, 1), False)  # Sunday 01-31 now counts as working day 4
    assert reload(session, in_2026) == (D(2026, 12, 16), False)
    assert reload(session, closed) == (None, False)
    assert holidays.known_years(session)[-1] == 2027
    assert session.get(HolidayYear, 2027).source == HolidaySource.ADMIN
    assert clock.load_calendar(session).last_known_year == 2027  # the cache saw the edit


def test_add_year_is_audited_with_the_recomputed_count(session):
    admin = add_user(session)
    add_case(session, "triage", D(2026, 12, 17))
    holidays.add_year(session, admin, 2027, YEAR_2027)
    event = session.exec(select(CaseEvent).where(CaseEvent.action == "holiday.add_year")).one()
    assert (event.object_type, event.object_id, event.actor_id) == ("holiday", 2027, admin.id)
    assert event.after["holidays"][:3] == ["2027-01-01", "2027-01-02", "2027-01-03"]
    assert event.after["workdays"] == ["2027-01-31", "2027-02-13"]
    assert event.after["cases_recomputed"] == 1
    assert event.before is None


def test_add_year_again_replaces_the_rows_of_that_year(session):
    admin = add_user(session)
    holidays.add_year(session, admin, 2027, YEAR_2027)
    holidays.list_days(session, 2027)  # rows loaded in the session must not get in the way
    holidays.add_year(session, admin, 2027, [(D(2027, 1, 1), False, "元旦")])
    assert [(h.day, h.name) for h in holidays.list_days(session, 2027)] == [(D(2027, 1, 1), "元旦")]
    assert holidays.known_years(session).count(2027) == 1


def test_add_year_can_correct_a_package_year(session):
    admin = add_user(session)
    case = add_case(session, "triage", D(2025, 9, 26))  # + 15 = Sat 10-11, a 调休 working day
    entries = [
        (h.day, h.is_workday, h.name) for h in holidays.list_days(session, 2025) if h.day != D(2025, 10, 11)
    ]
    holidays.add_year(session, admin, 2025, entries)
    assert reload(session, case) == (D(2025, 10, 13), False)  # 10-11 is a plain Saturday now
    assert session.get(HolidayYear, 2025).source == HolidaySource.ADMIN


def test_add_year_needs_the_holiday_edit_permission(session):
    registrar = add_user(session, Role.REGISTRAR)
    with pytest.raises(PermissionDenied):
        holidays.add_year(session, registrar, 2027, YEAR_2027)
    with pytest.raises(PermissionDenied):
        holidays.add_year(session, None, 2027, YEAR_2027)
    assert holidays.known_years(session)[-1] == 2026


def test_add_year_refuses_a_gap_in_the_known_years(session):
    with pytest.raises(ValidationError) as err:
        holidays.add_year(session, add_user(session), 2028, [(D(2028, 1, 1), False, "元旦")])
    assert err.value.message == "请先录入2027年的节假日安排，再录入2028年（年份须连续）"
    assert err.value.field == "year"


@pytest.mark.parametrize(
    ("year", "entries", "message"),
    [
        (1999, [(D(1999, 1, 1), False, "元旦")], "年份须在2000年至2100年之间"),
        (2027, [], "2027年的节假日安排不能为空，请至少录入一天"),
        (2027, [(D(2028, 1, 1), False, "元旦")], "2028-01-01不在2027年内"),
        (2027, [(D(2027, 1, 1), False, "元旦")] * 2, "2027-01-01重复录入"),
        (2027, [(D(2027, 1, 4), True, "元旦")], "2027-01-04是周一至周五，本就是工作日，不能设为调休上班日"),
        (2027, [(D(2027, 1, 1), False, " ")], "请填写2027-01-01的节日名称"),
        (2027, [(D(2027, 1, 1), False, "节" * 41)], "2027-01-01的节日名称不能超过40个字"),
        (2027, [("2027-01-01", False, "元旦")], "无法识别的日期条目：('2027-01-01', False, '元旦')"),
    ],
    ids=[
        "year_range",
        "empty",
        "wrong_year",
        "duplicate",
        "weekday_workday",
        "no_name",
        "long_name",
        "not_a_date",
    ],
)
def test_add_year_explains_bad_input_in_chinese(session, year, entries, message):
    with pytest.raises(ValidationError) as err:
        holidays.add_year(session, add_user(session), year, entries)
    assert err.value.message == message
    assert holidays.known_years(session)[-1] == 2026


# --- set_day and delete_day -----------------------------------------------------------------------


def test_set_day_adds_a_holiday_and_moves_the_deadline_on_it(session):
    admin = add_user(session)
    case = add_case(session, "triage", D(2026, 5, 18))  # + 15 = Tue 06-02
    commits = count_commits(session)
    row = holidays.set_day(session, admin, D(2026, 6, 2), False, "临时假日")
    assert commits == [1]
    assert (row.source, row.is_workday) == (HolidaySource.ADMIN, False)
    assert reload(session, case) == (D(2026, 6, 3), False)
    event = session.exec(select(CaseEvent).where(CaseEvent.action == "holiday.set_day")).one()
    assert event.before is None
    assert event.after == {
        "day": "2026-06-02",
        "is_workday": False,
        "name": "临时假日",
        "cases_recomputed": 1,
    }


def test_a_holiday_edit_leaves_a_paused_case_without_a_deadline(session):
    admin = add_user(session)
    paused = add_case(session, "handling", D(2026, 5, 18), status="paused", paused_since=D(2026, 5, 25))
    running = add_case(session, "handling", D(2026, 5, 18))  # + 60 = Fri 07-17
    assert reload(session, paused) == (None, False)
    holidays.set_day(session, admin, D(2026, 7, 17), False, "临时假日")
    assert reload(session, paused) == (None, False)
    assert reload(session, running) == (D(2026, 7, 20), False)  # Sat, Sun, then Mon 07-20


def test_set_day_makes_a_sunday_a_working_day(session):
    holidays.set_day(session, add_user(session), D(2025, 10, 12), True, "国庆节")
    assert clock.load_calendar(session).is_workday(D(2025, 10, 12))


def test_set_day_changes_an_existing_row(session):
    holidays.set_day(session, add_user(session), D(2025, 10, 8), False, "国庆节补假")
    assert session.get(Holiday, D(2025, 10, 8)).name == "国庆节补假"
    event = session.exec(select(CaseEvent).where(CaseEvent.action == "holiday.set_day")).one()
    assert event.before == {"day": "2025-10-08", "is_workday": False, "name": "国庆节"}


def test_set_day_needs_a_known_year_and_a_weekend_for_a_make_up_day(session):
    admin = add_user(session)
    with pytest.raises(ValidationError, match="2027年的节假日安排尚未录入，请先添加该年度"):
        holidays.set_day(session, admin, D(2027, 1, 1), False, "元旦")
    with pytest.raises(ValidationError, match="本就是工作日"):
        holidays.set_day(session, admin, D(2026, 6, 2), True, "调休")
    with pytest.raises(PermissionDenied):
        holidays.set_day(session, add_user(session, Role.HANDLER), D(2026, 6, 2), False, "临时假日")


def test_delete_day_restores_the_weekday_rule_and_moves_deadlines(session):
    admin = add_user(session)
    case = add_case(session, "triage", D(2025, 9, 26))  # + 15 = Sat 10-11, a 调休 working day
    commits = count_commits(session)
    holidays.delete_day(session, admin, D(2025, 10, 11))
    assert commits == [1]
    assert session.get(Holiday, D(2025, 10, 11)) is None
    assert reload(session, case) == (D(2025, 10, 13), False)
    event = session.exec(select(CaseEvent).where(CaseEvent.action == "holiday.delete_day")).one()
    assert event.before == {"day": "2025-10-11", "is_workday": True, "name": "国庆节"}


def test_delete_day_of_a_day_not_in_the_table_is_not_found(session):
    with pytest.raises(NotFound, match="节假日表中没有2025-10-10"):
        holidays.delete_day(session, add_user(session), D(2025, 10, 10))


def test_a_failed_recompute_rolls_the_whole_edit_back(session):
    admin = add_user(session)
    broken = add_case(session, None, None)
    broken.stage, broken.stage_started_on = "appeal", D(2026, 12, 1)  # no such stage: the recompute fails
    session.commit()
    with pytest.raises(ValueError, match="unknown stage"):
        holidays.add_year(session, admin, 2027, YEAR_2027)
    assert holidays.known_years(session)[-1] == 2026
    assert holidays.list_days(session, 2027) == []
    assert session.exec(select(CaseEvent).where(CaseEvent.action == "holiday.add_year")).all() == []
    assert clock.load_calendar(session).last_known_year == 2026
