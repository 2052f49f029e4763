"""What the specs' row and table actions call, and the computed list columns: plain functions over core.

Each action calls one core function (which checks permission, audits and commits) and returns the message
the user sees; none of them imports streamlit.
"""

from __future__ import annotations

from sqlmodel import Session

from core.calendar import holidays, tunables
from core.platform import settings
from i18n import label, t
from i18n.format import fmt_int


def add_next_year(session: Session, actor, inputs: dict) -> str:
    """Add next year's holidays from the typed notice; say how many days and how many deadlines moved."""
    year, days, moved = holidays.add_next_year(session, actor, inputs.get("entries") or "")
    return t("lowcode.holidays.added", year=year, days=fmt_int(days), moved=fmt_int(moved))


def next_year_prefill(session: Session) -> dict:
    """Start the notice with what the chinesecalendar package knows of next year (nothing past its last)."""
    year = holidays.next_year(session)
    return {"entries": holidays.package_text(year) or t("lowcode.holidays.template", year=year)}


def setting_name(row: dict) -> str:
    """Return a setting's name: 受理期限 for stage.acceptance, else its key."""
    key = row["key"]
    if key.startswith("stage."):
        return t("lowcode.settings.stage_limit", stage=label("stage", key.removeprefix("stage.")))
    own = f"lowcode.settings.key.{key.replace('.', '_')}"
    found = t(own)
    return found if found != own else key


def _amount(number, unit: str) -> str:
    return t(f"lowcode.unit.{unit}_n", n=number)


def setting_value(row: dict) -> str:
    """Return a setting's value as a clerk reads it: 60 天（自然日）, 3 个工作日, 8 小时."""
    value = tunables.decode(row.get("value"))
    allowed = settings.range_of(row["key"])
    if allowed is None or value is None:
        return row.get("value") or ""
    if allowed.stage and isinstance(value, dict):
        return t(
            "lowcode.settings.stage_value", days=value.get("days"), unit=label("day_unit", value.get("unit"))
        )
    return _amount(value, allowed.unit)


def setting_range(row: dict) -> str:
    """Return what the setting may be set to: 1–60 天."""
    allowed = settings.range_of(row["key"])
    if allowed is None:
        return ""
    return t(
        "lowcode.settings.range",
        min=allowed.minimum,
        max=allowed.maximum,
        unit=t(f"lowcode.unit.{allowed.unit}"),
    )
