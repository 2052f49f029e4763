"""Dates, numbers and rates are shown the way each language writes them; deadlines in words."""

from __future__ import annotations

from datetime import date

import chinese_calendar
from chinese_calendar import constants

from core.calendar.clock import Calendar
from i18n import set_language
from i18n.format import fmt_date, fmt_int, fmt_rate
from widgets.deadline import describe

CAL = Calendar(
    overrides={**{d: False for d in constants.holidays}, **{d: True for d in constants.workdays}},
    last_known_year=2026,
)


def test_dates_numbers_and_rates():
    assert fmt_date(date(2025, 3, 3), "zh_CN") == "2025年3月3日"
    assert fmt_date(date(2025, 3, 3), "en") == "2025-03-03"
    assert fmt_int(1234567) == "1,234,567"
    assert fmt_rate(0.9412) == "94.1%"
    assert fmt_rate(None) == "—"


def test_deadline_words_across_national_day():
    set_language("zh_CN")
    assert chinese_calendar.is_workday(date(2025, 9, 30))
    # from Tue 2025-09-30 to Thu 2025-10-09: 10-01..08 are holidays, so only 10-09 counts -> 1 working day, yellow
    d = describe(date(2025, 10, 9), False, date(2025, 9, 30), CAL)
    assert (d.alert, d.text) == ("yellow", "剩 1 个工作日 · 2025年10月9日")
    # Mon 2025-09-22 to Thu 10-09: 9-23..26 (4), 9-28 make-up Sunday (1), 9-29, 9-30 (2), 10-09 (1) = 8 -> green
    d = describe(date(2025, 10, 9), False, date(2025, 9, 22), CAL)
    assert (d.alert, d.text) == ("green", "剩 8 个工作日 · 2025年10月9日")
    d = describe(date(2025, 10, 9), False, date(2025, 10, 11), CAL)
    assert (d.alert, d.text) == ("red", "超期 2 天 · 2025年10月9日")


def test_provisional_deadlines_are_marked():
    set_language("zh_CN")
    d = describe(date(2027, 1, 5), True, date(2026, 12, 1), CAL)
    assert d.text.endswith("*") and "暂定" in d.help
