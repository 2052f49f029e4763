"""What the specs' row and table actions call, and the computed list columns: plain functions over core.

Each action calls one core function (which checks permission, audits and commits) and returns the message
the user sees; none of them imports streamlit.
"""

from __future__ import annotations

from sqlmodel import Session

from core.accounts import sessions, users
from core.calendar import holidays, tunables
from core.platform import settings, timeutil
from core.platform.errors import ValidationError
from i18n import label, t
from i18n.format import fmt_datetime, fmt_int


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


# --- users ---------------------------------------------------------------------------------------------------


def live_sessions(session: Session, rows: list[dict]) -> None:
    """Add each user's number of live sign-ins to the page's rows (one grouped query)."""
    counts = sessions.live_counts(session, [r["id"] for r in rows])
    for r in rows:
        r["sessions"] = counts.get(r["id"], 0)


def is_locked(row: dict) -> bool:
    """Return whether a user's row is locked out after failed sign-ins right now."""
    until = timeutil.to_local(row.get("locked_until"))
    return until is not None and until > timeutil.now()


def lock_text(row: dict) -> str:
    """Return 锁定至 2026年9月28日 14:05 for a locked-out user, nothing otherwise."""
    return (
        t("lowcode.users.locked_until", when=fmt_datetime(row.get("locked_until"))) if is_locked(row) else ""
    )


def has_sessions(row: dict) -> bool:
    return bool(row.get("sessions"))


def reset_password(session: Session, actor, pk, inputs: dict) -> str:
    """Set a user's new password (typed twice); every sign-in of his ends."""
    new, again = inputs.get("new_password") or "", inputs.get("again") or ""
    if new != again:
        raise ValidationError(t("auth.form_has_errors"), errors={"again": t("auth.passwords_differ")})
    users.set_password(session, actor, pk, new)
    return t("auth.password_reset_done")


def unlock(session: Session, actor, pk, _inputs: dict) -> str:
    """Clear a user's lockout after failed sign-ins."""
    done = users.unlock(session, actor, pk)
    return t("lowcode.users.unlocked", name=done.display_name)


def end_sessions(session: Session, actor, pk, _inputs: dict) -> str:
    """End every live sign-in of a user, in every browser."""
    return t("session.ended_n", n=users.end_sessions(session, actor, pk))
