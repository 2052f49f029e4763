"""Properties of the statutory clock that hold for every start date and limit (hypothesis)."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
from chinese_calendar import constants
from hypothesis import given
from hypothesis import strategies as st

from core.calendar import clock
from core.calendar.clock import Calendar, StageLimit
from core.platform.settings import STAGE_DEFAULTS

CAL = Calendar({**dict.fromkeys(constants.holidays, False), **dict.fromkeys(constants.workdays, True)}, 2026)
LIMITS = {stage: StageLimit(**value) for stage, value in STAGE_DEFAULTS.items()}

starts = st.dates(date(2004, 1, 1), date(2029, 12, 31))
wide_starts = st.dates(date(1985, 1, 1), date(2080, 12, 31))  # reaches past the precomputed window
sizes = st.integers(0, 120)
units = st.sampled_from(["calendar", "working"])
pauses = st.integers(0, 60)


def naive_is_workday(d: date) -> bool:
    """Answer from the package for its years and by weekday otherwise (the clock's rule, written plainly)."""
    if 2004 <= d.year <= 2026:
        return chinese_calendar.is_workday(d)
    return d.weekday() < 5


def naive_due(start: date, days: int, unit: str, paused: int = 0) -> date:
    """Count day by day: the reference the fast clock must match."""
    day = start + timedelta(days=paused)
    if unit == "working" and days:
        left = days
        while left:
            day += timedelta(days=1)
            left -= naive_is_workday(day)
        return day
    day += timedelta(days=days)
    while not naive_is_workday(day):
        day += timedelta(days=1)
    return day


@given(wide_starts, sizes, units, pauses)
def test_fast_clock_matches_day_by_day_counting(start, days, unit, paused):
    assert clock.add_limit(CAL, start, StageLimit(days, unit), paused_days=paused).on == naive_due(
        start, days, unit, paused
    )


@given(starts, sizes, units)
def test_due_date_is_never_before_its_start_and_after_it_for_one_day_or_more(start, days, unit):
    due = clock.add_limit(CAL, start, StageLimit(days, unit)).on
    assert due >= start
    if days >= 1:
        assert due > start


@given(starts, sizes, units)
def test_due_date_is_a_working_day(start, days, unit):
    due = clock.add_limit(CAL, start, StageLimit(days, unit))
    assert CAL.is_workday(due.on)
    if CAL.known(due.on):
        assert chinese_calendar.is_workday(due.on)


@given(starts, sizes, units)
def test_due_date_is_provisional_exactly_when_it_lies_beyond_the_table(start, days, unit):
    due = clock.add_limit(CAL, start, StageLimit(days, unit))
    assert due.provisional == (due.on.year > 2026)


@given(starts, sizes, sizes, units)
def test_due_date_is_monotonic_in_the_limit(start, a, b, unit):
    low, high = sorted((a, b))
    assert (
        clock.add_limit(CAL, start, StageLimit(low, unit)).on
        <= clock.add_limit(CAL, start, StageLimit(high, unit)).on
    )


@given(starts, starts, sizes, units)
def test_due_date_is_monotonic_in_the_start(a, b, days, unit):
    early, late = sorted((a, b))
    limit = StageLimit(days, unit)
    assert clock.add_limit(CAL, early, limit).on <= clock.add_limit(CAL, late, limit).on


@given(starts, sizes, units, pauses, pauses)
def test_pausing_never_shortens_a_deadline(start, days, unit, a, b):
    less, more = sorted((a, b))
    limit = StageLimit(days, unit)
    assert (
        clock.add_limit(CAL, start, limit, paused_days=less).on
        <= clock.add_limit(CAL, start, limit, paused_days=more).on
    )


@given(starts, st.integers(1, 120))
def test_working_day_limit_n_is_exactly_n_working_days_after_start(start, days):
    due = clock.add_limit(CAL, start, StageLimit(days, "working")).on
    assert clock.working_days_between(CAL, start, due) == days
    assert CAL.is_workday(due)


@given(starts, sizes)
def test_calendar_limit_is_the_first_working_day_from_start_plus_n(start, days):
    due = clock.add_limit(CAL, start, StageLimit(days, "calendar")).on
    raw = start + timedelta(days=days)
    assert due >= raw
    assert not any(CAL.is_workday(raw + timedelta(days=i)) for i in range((due - raw).days))


@given(starts, st.integers(0, 30), pauses)
def test_an_extension_never_ends_before_handling_and_grows_with_its_days(start, extension, paused):
    handling = clock.stage_due(CAL, LIMITS, "handling", start, paused_days=paused).on
    extended = clock.stage_due(
        CAL, LIMITS, "handling", start, paused_days=paused, extension_days=extension
    ).on
    assert extended >= handling
    if extension:
        assert extended > handling


@given(wide_starts, st.integers(0, 800))
def test_working_days_between_is_antisymmetric_and_matches_counting(low, span):
    high = low + timedelta(days=span)
    expected = sum(naive_is_workday(low + timedelta(days=i)) for i in range(1, (high - low).days + 1))
    assert clock.working_days_between(CAL, low, high) == expected
    assert clock.working_days_between(CAL, high, low) == -expected


@given(starts, starts)
def test_alert_is_red_exactly_when_the_due_date_has_passed(due, today):
    colour = clock.alert(due, today, CAL)
    assert (colour == "red") == (today > due)
    assert colour in {"green", "yellow", "red"}
