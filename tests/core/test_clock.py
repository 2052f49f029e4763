"""The statutory clock counts like 民事诉讼法第85条 over the real 2025 National Day and 2026 Spring Festival.

2025: 10-01 (Wed) .. 10-08 (Wed) are holidays; Sunday 09-28 and Saturday 10-11 are make-up working days.
2026: 02-15 (Sun) .. 02-23 (Mon) are holidays; Saturdays 02-14 and 02-28 are make-up working days;
04-04 .. 04-06 (Sat..Mon) are Qingming holidays.
"""

from __future__ import annotations

import itertools
import json
import re
from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
import pytest
from chinese_calendar import constants
from sqlmodel import select

from core.calendar import clock
from core.calendar.clock import Calendar, Due, StageLimit
from core.platform.settings import STAGE_DEFAULTS
from i18n import catalog
from models import Case, Channel, Setting

D = date
CAL = Calendar({**dict.fromkeys(constants.holidays, False), **dict.fromkeys(constants.workdays, True)}, 2026)
LIMITS = {stage: StageLimit(**value) for stage, value in STAGE_DEFAULTS.items()}
ROOT = Path(__file__).resolve().parents[2]
_numbers = itertools.count(1)


def days(n: int) -> StageLimit:
    return StageLimit(n, "calendar")


def working(n: int) -> StageLimit:
    return StageLimit(n, "working")


def new_case(**fields) -> Case:
    """Return a minimal in-memory Case; stage dates and clock fields come from `fields`."""
    fields.setdefault("received_on", D(2025, 9, 1))
    return Case(
        number=f"JB-2025-{next(_numbers):06d}",
        channel=Channel.LETTER,
        subject="物业纠纷",
        title="测试案件",
        content="测试内容",
        **fields,
    )


def add_case(session, **fields) -> Case:
    case = new_case(**fields)
    session.add(case)
    session.commit()
    return case


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    clock.invalidate_cache()  # the conftest reseeds tables without telling the clock
    yield
    clock.invalidate_cache()


# --- the calendar ---------------------------------------------------------------------------------


def test_calendar_agrees_with_chinesecalendar_on_every_day_2004_to_2026():
    day, mismatches = D(2004, 1, 1), []
    while day <= D(2026, 12, 31):
        if CAL.is_workday(day) != chinese_calendar.is_workday(day):
            mismatches.append(day)
        day += timedelta(days=1)
    assert mismatches == []


def test_make_up_weekend_days_are_working_days_and_holidays_are_not():
    assert CAL.is_workday(D(2025, 9, 28))  # Sunday, 调休
    assert CAL.is_workday(D(2025, 10, 11))  # Saturday, 调休
    assert not CAL.is_workday(D(2025, 10, 8))  # Wednesday, National Day
    assert not CAL.is_workday(D(2025, 10, 12))  # plain Sunday


def test_years_beyond_the_table_follow_weekends_only_and_ignore_overrides():
    cal = Calendar({D(2027, 1, 1): False}, 2026)
    assert cal.known(D(2026, 12, 31)) and not cal.known(D(2027, 1, 1))
    assert cal.is_workday(D(2027, 1, 1))  # a Friday: the table does not know 2027 yet
    assert not cal.is_workday(D(2027, 1, 2))  # Saturday


def test_days_far_outside_the_precomputed_window_follow_the_same_rule():
    assert clock.add_limit(CAL, D(1990, 1, 5), working(1)) == Due(D(1990, 1, 8), False)  # Fri -> Mon
    assert clock.add_limit(CAL, D(2099, 12, 25), days(1)) == Due(D(2099, 12, 28), True)  # Sat -> Mon


# --- counting rules (DOMAIN.md §4) ----------------------------------------------------------------


def test_start_day_is_not_counted():
    # 2025-09-01 is a Monday: 1 day later is Tuesday 09-02; 15 days later Tuesday 09-16.
    assert clock.add_limit(CAL, D(2025, 9, 1), days(1)).on == D(2025, 9, 2)
    assert clock.add_limit(CAL, D(2025, 9, 1), days(15)).on == D(2025, 9, 16)
    assert clock.add_limit(CAL, D(2025, 9, 1), working(1)).on == D(2025, 9, 2)


def test_15_days_ending_in_national_day_move_to_the_first_working_day_after():
    # 09-20 + 15 = 10-05 (Sunday inside the holiday 10-01..10-08) -> Thursday 10-09.
    assert clock.add_limit(CAL, D(2025, 9, 20), days(15)) == Due(D(2025, 10, 9), False)


def test_calendar_days_ending_on_a_plain_weekend_move_to_monday():
    # 10-11 + 15 = Sunday 10-26 -> Monday 10-27.
    assert clock.add_limit(CAL, D(2025, 10, 11), days(15)).on == D(2025, 10, 27)


def test_calendar_days_ending_on_a_make_up_weekend_day_stay_there():
    # 09-26 + 15 = Saturday 10-11 (调休 working day); 09-13 + 15 = Sunday 09-28 (调休 working day).
    assert clock.add_limit(CAL, D(2025, 9, 26), days(15)).on == D(2025, 10, 11)
    assert clock.add_limit(CAL, D(2025, 9, 13), days(15)).on == D(2025, 9, 28)


def test_calendar_days_count_holidays_in_the_middle():
    # 09-25 + 15 = Friday 10-10: the eight holidays inside the span still count as days.
    assert clock.add_limit(CAL, D(2025, 9, 25), days(15)).on == D(2025, 10, 10)


def test_5_working_days_count_the_make_up_saturday():
    # After Thu 10-09: Fri 10-10 (1), Sat 10-11 调休 (2), Mon 10-13 (3), 10-14 (4), 10-15 (5).
    assert clock.add_limit(CAL, D(2025, 10, 9), working(5)) == Due(D(2025, 10, 15), False)


def test_5_working_days_skip_the_holiday_week():
    # After Fri 09-26: Sun 09-28 调休 (1), 09-29 (2), 09-30 (3), [10-01..10-08 off], 10-09 (4), 10-10 (5).
    assert clock.add_limit(CAL, D(2025, 9, 26), working(5)).on == D(2025, 10, 10)


def test_working_days_started_on_a_holiday_count_from_the_first_working_day():
    # After 10-03 (holiday): 10-09 (1), 10-10 (2), Sat 10-11 (3), 10-13 (4), 10-14 (5).
    assert clock.add_limit(CAL, D(2025, 10, 3), working(5)).on == D(2025, 10, 14)


def test_30_days_ending_in_spring_festival_move_past_it():
    # 2026-01-20 + 30 = Thursday 02-19 (holiday 02-15..02-23) -> Tuesday 02-24.
    assert clock.stage_due(CAL, LIMITS, "review", D(2026, 1, 20)) == Due(D(2026, 2, 24), False)


def test_30_days_ending_on_the_spring_festival_make_up_saturday_stay():
    # 2026-01-15 + 30 = Saturday 02-14, a 调休 working day.
    assert clock.stage_due(CAL, LIMITS, "review_request", D(2026, 1, 15)).on == D(2026, 2, 14)


def test_10_working_days_across_spring_festival():
    # After Mon 02-09: 02-10..02-13 (1-4), Sat 02-14 (5), [02-15..02-23 off], 02-24..02-27 (6-9), Sat 02-28 (10).
    assert clock.stage_due(CAL, LIMITS, "letter_reply", D(2026, 2, 9)).on == D(2026, 2, 28)


def test_zero_days_mean_the_start_day_or_the_next_working_day():
    assert clock.add_limit(CAL, D(2025, 10, 10), days(0)).on == D(2025, 10, 10)
    assert clock.add_limit(CAL, D(2025, 10, 1), working(0)).on == D(2025, 10, 9)


# --- stages ---------------------------------------------------------------------------------------


def test_triage_is_15_days_from_registration():
    # 2025-09-20 + 15 = 10-05 (holiday) -> 10-09.
    assert clock.stage_due(CAL, LIMITS, "triage", D(2025, 9, 20)).on == D(2025, 10, 9)


def test_acceptance_is_15_days_and_objection_5_working_days_from_receipt_by_the_unit():
    # 09-12 + 15 = Saturday 09-27 -> Sunday 09-28, a 调休 working day.
    assert clock.stage_due(CAL, LIMITS, "acceptance", D(2025, 9, 12)).on == D(2025, 9, 28)
    # After Fri 09-12: 09-15 .. 09-19 are working days 1..5.
    assert clock.stage_due(CAL, LIMITS, "objection", D(2025, 9, 12)).on == D(2025, 9, 19)


def test_handling_is_60_days_from_acceptance():
    # 2025-08-07 + 60 = 10-06 (Mid-autumn, inside the holiday) -> 10-09.
    assert clock.stage_due(CAL, LIMITS, "handling", D(2025, 8, 7)).on == D(2025, 10, 9)


def test_extension_runs_from_the_rolled_forward_end_of_handling():
    # Handling ends 10-09 (raw 10-06). 10-09 + 30 = Saturday 11-08 -> Monday 11-10 (the raw end would give 11-05).
    due = clock.stage_due(CAL, LIMITS, "handling", D(2025, 8, 7), extension_days=30)
    assert due == Due(D(2025, 11, 10), False)


def test_a_short_extension_still_adds_time_when_handling_ended_in_a_holiday():
    # 10-09 + 3 = Sunday 10-12 -> 10-13; counted from the raw end 10-06 it would be swallowed (10-09 again).
    assert clock.stage_due(CAL, LIMITS, "handling", D(2025, 8, 7), extension_days=3).on == D(2025, 10, 13)


def test_extension_applies_to_handling_only():
    with pytest.raises(ValueError):
        clock.stage_due(CAL, LIMITS, "triage", D(2025, 8, 7), extension_days=3)


def test_unknown_stage_is_an_error():
    with pytest.raises(ValueError, match="unknown stage"):
        clock.stage_due(CAL, LIMITS, "appeal", D(2025, 8, 7))


def test_due_dates_of_a_case_in_handling():
    case = new_case(
        received_on=D(2025, 9, 5),  # triage: + 15 = Sat 09-20 -> Mon 09-22
        unit_received_on=D(2025, 9, 12),  # acceptance 09-28 (调休 Sunday); objection 09-19
        objected_on=D(2025, 9, 16),  # dispute: + 5 = Sun 09-21 -> Mon 09-22
        accepted_on=D(2025, 9, 22),  # handling: + 60 = Fri 11-21
        stage="handling",
        stage_started_on=D(2025, 9, 22),
    )
    assert {k: v.on for k, v in clock.due_dates(case, CAL, LIMITS).items()} == {
        "triage": D(2025, 9, 22),
        "acceptance": D(2025, 9, 28),
        "objection": D(2025, 9, 19),
        "dispute": D(2025, 9, 22),
        "handling": D(2025, 11, 21),
    }


def test_due_dates_of_the_review_chain():
    case = new_case(
        received_on=D(2025, 11, 3),
        reply_received_on=D(2026, 1, 15),  # + 30 = Sat 02-14, 调休
        review_requested_on=D(2026, 1, 20),  # + 30 = 02-19 (Spring Festival) -> 02-24
        review_decision_received_on=D(2026, 2, 24),  # + 30 = Thu 03-26
        reexam_requested_on=D(2026, 3, 6),  # + 30 = 04-05 (Qingming 04-04..04-06) -> Tue 04-07
    )
    got = clock.due_dates(case, CAL, LIMITS)
    assert got["review_request"].on == D(2026, 2, 14)
    assert got["review"].on == D(2026, 2, 24)
    assert got["reexam_request"].on == D(2026, 3, 26)
    assert got["reexam"].on == D(2026, 4, 7)
    assert "handling" not in got


def test_due_dates_apply_pauses_to_the_current_stage_and_the_extension_to_handling():
    case = new_case(
        received_on=D(2025, 8, 1),
        accepted_on=D(2025, 8, 7),
        stage="handling",
        stage_started_on=D(2025, 8, 7),
        paused_days=10,
        extension_days=30,
    )
    got = clock.due_dates(case, CAL, LIMITS)
    # handling: 08-17 + 60 = Thu 10-16, + 30 = Sat 11-15 -> Mon 11-17.  triage: 08-16 (Sat) -> 08-18, no pause.
    assert got["handling"].on == D(2025, 11, 17)
    assert got["triage"].on == D(2025, 8, 18)


def test_refresh_case_sets_the_due_date_of_the_current_stage():
    case = new_case(stage="handling", stage_started_on=D(2025, 8, 7), extension_days=30)
    clock.refresh_case(case, CAL, LIMITS)
    assert (case.due_on, case.due_provisional) == (D(2025, 11, 10), False)


def test_refresh_case_ignores_an_extension_outside_handling():
    case = new_case(stage="review", stage_started_on=D(2026, 1, 20), extension_days=30)
    clock.refresh_case(case, CAL, LIMITS)
    assert case.due_on == D(2026, 2, 24)


def test_refresh_case_clears_the_due_date_without_a_stage():
    case = new_case(stage=None, due_on=D(2025, 1, 1), due_provisional=True)
    clock.refresh_case(case, CAL, LIMITS)
    assert (case.due_on, case.due_provisional) == (None, False)


# --- pauses ---------------------------------------------------------------------------------------


def test_pause_pushes_a_calendar_limit_by_its_days():
    # Unpaused: 09-10 + 15 = Thu 09-25. Paused 7: 09-17 + 15 = 10-02 (holiday) -> 10-09.
    assert clock.add_limit(CAL, D(2025, 9, 10), days(15)).on == D(2025, 9, 25)
    assert clock.add_limit(CAL, D(2025, 9, 10), days(15), paused_days=7).on == D(2025, 10, 9)


def test_pause_moves_the_start_of_a_working_day_limit():
    # Unpaused after Mon 09-22: 09-23..09-26 (1-4), Sun 09-28 调休 (5).
    # Paused 2 calendar days: counting starts after 09-24: 09-25, 09-26, 09-28, 09-29, 09-30.
    assert clock.add_limit(CAL, D(2025, 9, 22), working(5)).on == D(2025, 9, 28)
    assert clock.add_limit(CAL, D(2025, 9, 22), working(5), paused_days=2).on == D(2025, 9, 30)


def test_pause_inside_a_holiday_roll_may_change_nothing():
    # Handling from 08-07 already rolls from 10-06 to 10-09; a 3-day pause gives 08-10 + 60 = 10-09 too.
    assert clock.stage_due(CAL, LIMITS, "handling", D(2025, 8, 7), paused_days=3).on == D(2025, 10, 9)


def test_negative_pause_is_an_error():
    with pytest.raises(ValueError):
        clock.add_limit(CAL, D(2025, 9, 1), days(15), paused_days=-1)


def test_stage_limit_rejects_unknown_units_and_negative_days():
    with pytest.raises(ValueError):
        StageLimit(5, "weeks")
    with pytest.raises(ValueError):
        StageLimit(-1, "calendar")


# --- provisional deadlines ------------------------------------------------------------------------


def test_deadline_in_a_year_beyond_the_table_is_provisional():
    # 2026-12-17 + 15 = Friday 2027-01-01: a working day by the weekends-only rule, but unconfirmed.
    assert clock.add_limit(CAL, D(2026, 12, 17), days(15)) == Due(D(2027, 1, 1), True)
    assert clock.add_limit(CAL, D(2026, 12, 1), days(15)) == Due(D(2026, 12, 16), False)


def test_working_day_deadline_reaching_beyond_the_table_is_provisional():
    # After Thu 2026-12-24: 12-25, 12-28..12-31 (1-5), 2027-01-01 (6), 01-04..01-07 (7-10).
    assert clock.stage_due(CAL, LIMITS, "letter_reply", D(2026, 12, 24)) == Due(D(2027, 1, 7), True)


def test_calendar_deadline_rolling_into_an_unknown_year_is_provisional():
    # 2026-12-16 + 15 = Thursday 12-31: known.
    assert not clock.add_limit(CAL, D(2026, 12, 16), days(15)).provisional
    cal = Calendar({D(2026, 12, 31): False}, 2026)  # 12-31 a holiday: the next working day is in 2027
    assert clock.add_limit(cal, D(2026, 12, 16), days(15)) == Due(D(2027, 1, 1), True)


# --- alerts ---------------------------------------------------------------------------------------


def test_working_days_between_counts_after_start_through_end():
    assert clock.working_days_between(CAL, D(2025, 9, 30), D(2025, 10, 9)) == 1  # the holiday week is skipped
    assert clock.working_days_between(CAL, D(2025, 10, 10), D(2025, 10, 10)) == 0
    assert clock.working_days_between(CAL, D(2025, 10, 11), D(2025, 10, 10)) == -1


@pytest.mark.parametrize(
    ("today", "left", "colour"),
    [
        (D(2025, 9, 28), 4, "green"),  # 09-29, 09-30, 10-09, 10-10 left
        (D(2025, 9, 29), 3, "yellow"),  # 09-30, 10-09, 10-10
        (D(2025, 10, 10), 0, "yellow"),  # due today
        (D(2025, 10, 11), -1, "red"),  # Saturday 调休, a day late
    ],
)
def test_alert_colour_by_working_days_left(today, left, colour):
    due = D(2025, 10, 10)
    assert clock.working_days_between(CAL, today, due) == left
    assert clock.alert(due, today, CAL) == colour
    assert clock.alert(Due(due, False), today, CAL) == colour


def test_alert_threshold_is_configurable_and_none_without_a_due_date():
    assert clock.alert(D(2025, 10, 10), D(2025, 9, 28), CAL, yellow_working_days=4) == "yellow"
    assert clock.alert(None, D(2025, 9, 28), CAL) is None


# --- loading from the database (SQLite and PostgreSQL) ----------------------------------------------


def test_load_calendar_reads_the_seeded_holiday_table(session):
    cal = clock.load_calendar(session)
    assert cal.last_known_year == 2026
    assert dict(cal.overrides) == dict(CAL.overrides)
    assert clock.add_limit(cal, D(2025, 9, 20), days(15)) == Due(D(2025, 10, 9), False)


def test_load_calendar_is_cached_until_invalidated(session):
    first = clock.load_calendar(session)
    assert clock.load_calendar(session) is first
    clock.invalidate_cache()
    assert clock.load_calendar(session) is not first


def test_load_limits_reads_settings_and_defaults_fill_gaps(session):
    session.get(Setting, "stage.triage").value = json.dumps({"days": 10, "unit": "working"})
    session.delete(session.get(Setting, "stage.dispute"))
    session.get(Setting, "stage.review").value = json.dumps({"days": "many"})
    session.commit()
    limits = clock.load_limits(session)
    assert limits["triage"] == StageLimit(10, "working")
    assert limits["dispute"] == StageLimit(5, "calendar")  # row gone: default
    assert limits["review"] == StageLimit(30, "calendar")  # malformed: default
    assert set(STAGE_DEFAULTS) <= set(limits)


@pytest.mark.parametrize(
    ("setting", "limit"),
    [
        ({"days": 20, "unit": "calendar"}, StageLimit(20, "calendar")),  # lowered: the office's stricter rule
        ({"days": 45, "unit": "calendar"}, StageLimit(30, "calendar")),  # raised: 第34条 caps it at 30 days
        ({"days": 30, "unit": "working"}, StageLimit(30, "calendar")),  # 30 working days are ~6 weeks: capped
    ],
)
def test_a_setting_may_lower_the_extension_but_never_raise_it_above_30_days(session, setting, limit):
    session.get(Setting, "stage.extension").value = json.dumps(setting)
    session.commit()
    assert clock.load_limits(session)["extension"] == limit


def test_recompute_open_cases_refreshes_changed_cases_without_committing(session):
    stale = add_case(session, stage="triage", stage_started_on=D(2025, 9, 20), due_on=D(2025, 10, 5))
    right = add_case(session, stage="objection", stage_started_on=D(2025, 10, 9), due_on=D(2025, 10, 15))
    closed = add_case(session, stage=None, due_on=D(2025, 1, 1))
    assert clock.recompute_open_cases(session) == 1
    assert (stale.due_on, right.due_on, closed.due_on) == (D(2025, 10, 9), D(2025, 10, 15), D(2025, 1, 1))
    session.rollback()
    assert session.get(Case, stale.id).due_on == D(2025, 10, 5)  # the caller commits, not the clock


def test_recompute_open_cases_walks_every_batch(session):
    cases = [add_case(session, stage="triage", stage_started_on=D(2025, 9, 20 + i)) for i in range(5)]
    assert clock.recompute_open_cases(session, batch_size=2) == 5
    session.commit()
    # 09-20..09-24 + 15 = 10-05..10-09: the first four land in the holiday and move to 10-09.
    assert [c.due_on for c in session.exec(select(Case).order_by(Case.id)).all()] == [D(2025, 10, 9)] * 5
    assert len(cases) == 5


# --- messages -------------------------------------------------------------------------------------


def test_clock_messages_exist_in_both_languages_with_the_same_keys():
    zh = {k for k in catalog("zh_CN") if k.startswith("clock.")}
    en = {k for k in catalog("en") if k.startswith("clock.")}
    assert zh and zh == en
    assert {f"clock.stage.{stage}" for stage in STAGE_DEFAULTS} <= zh


def test_every_message_key_the_clock_code_uses_exists():
    code = "".join(
        (ROOT / "core" / "calendar" / name).read_text(encoding="utf-8")
        for name in ("clock.py", "holidays.py")
    )
    used = set(re.findall(r"""\bt\(\s*["'](clock\.[\w.]+)["']""", code))
    assert used and used <= set(catalog("zh_CN"))


# The 3rd and 4th working day after each reference date, counted by hand from the State Council's schedules:
# National Day 2026 runs 1–7 October; Spring Festival 2026 runs 15–23 February; Sunday 4 January 2026 is a
# make-up working day (调休) after New Year's Day.
THIRD_AND_FOURTH_WORKING_DAY = {
    date(2026, 9, 28): (date(2026, 10, 8), date(2026, 10, 9)),  # 29 and 30 September, then 8 October
    date(2026, 2, 16): (date(2026, 2, 26), date(2026, 2, 27)),  # 24, 25, 26 February
    date(2025, 12, 31): (
        date(2026, 1, 6),
        date(2026, 1, 7),
    ),  # 4 (a Sunday, 调休) and 5 January, then 6 January
}


def test_alert_colours_on_each_reference_date(session, reference_day):
    from core.platform import timeutil

    today = timeutil.today()
    assert today == reference_day
    cal = clock.load_calendar(session)
    third, fourth = THIRD_AND_FOURTH_WORKING_DAY[reference_day]
    assert clock.alert(today - timedelta(days=1), today, cal) == clock.RED
    assert clock.alert(today, today, cal) == clock.YELLOW
    assert clock.alert(third, today, cal) == clock.YELLOW
    assert clock.alert(fourth, today, cal) == clock.GREEN
