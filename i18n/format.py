"""Localised display of dates, times, numbers and rates (data keeps ISO dates and 0–1 fractions)."""

from __future__ import annotations

from datetime import date, datetime

from i18n import get_language


def fmt_date(value: date | None, language: str | None = None) -> str:
    """Return a date as 2025年3月3日 (Chinese) or 2025-03-03 (English); empty for None."""
    if value is None:
        return ""
    if (language or get_language()) == "zh_CN":
        return f"{value.year}年{value.month}月{value.day}日"
    return value.isoformat()


def fmt_datetime(value: datetime | None, language: str | None = None) -> str:
    """Return a time in China Standard Time, e.g. 2025年3月3日 14:05."""
    if value is None:
        return ""
    from core.platform.timeutil import to_local

    local = to_local(value)
    return f"{fmt_date(local.date(), language)} {local:%H:%M}"


def fmt_int(value: int | None) -> str:
    """Return an integer with thousands separators."""
    return "" if value is None else f"{value:,}"


def fmt_rate(value: float | None, digits: int = 1) -> str:
    """Return a 0–1 fraction as a percentage, e.g. 0.9412 -> 94.1%; a dash when there is no rate."""
    return "—" if value is None else f"{value * 100:.{digits}f}%"
