"""An administrator's edit of a setting: checked against its range, audited, and when a stage limit changes,
every open deadline recomputed in the same transaction (core.platform.settings keeps the values and ranges).
"""

from __future__ import annotations

import json

from sqlmodel import Session

from core.accounts import records
from core.calendar import clock
from core.platform import rules, settings
from core.platform.errors import ValidationError
from i18n import t
from models import Setting, User


def decode(text: str | None):
    """Return a stored setting's value, or None when it is not JSON."""
    try:
        return json.loads(text) if text is not None else None
    except ValueError:
        return None


def _value_error(key: str, value) -> str | None:
    allowed = settings.range_of(key)
    if allowed is None:
        return None if value is not None else t("records.error.json")
    if allowed.stage:
        if not isinstance(value, dict) or value.get("unit") not in settings.STAGE_UNITS:
            return t("records.error.stage_value")
        value = value.get("days")
    if not isinstance(value, int) or isinstance(value, bool):
        return t("records.error.number")
    if not allowed.minimum <= value <= allowed.maximum:
        return t("records.error.range", min=allowed.minimum, max=allowed.maximum)
    return None


def _check(_session: Session, values: dict, pk) -> dict[str, str]:
    if values["key"] not in settings.defaults():
        return {"key": t("records.error.setting_unknown")}
    message = _value_error(values["key"], decode(values["value"]))
    return {"value": message} if message else {}


def _normalise(values: dict) -> dict:
    """Store JSON in one spelling, so a sheet's `{"days":60, "unit":"calendar"}` equals the table's."""
    value = decode(values.get("value")) if isinstance(values.get("value"), str) else None
    if value is not None:
        values = {**values, "value": json.dumps(value, ensure_ascii=False, sort_keys=True)}
    return values


def _recompute(session: Session, _actor: User | None, change: rules.Change) -> dict | None:
    keys = [(change.after or {}).get("key")] + list((change.after or {}).get("keys") or [])
    if change.kind == "update":
        keys.append(session.get(Setting, change.pks[0]).key)
    if not any(str(k).startswith("stage.") for k in keys if k):
        return None
    clock.invalidate_cache()
    return {"cases_recomputed": clock.recompute_open_cases(session)}


RULES = rules.Rules(
    model=Setting,
    permission="setting.edit",
    natural_key=("key",),
    fields=("key", "value"),
    create_only=("key",),
    normalise=_normalise,
    check=_check,
    changed=_recompute,
    audit_id=lambda key: None,
)


def value_of(parts: dict, key: str):
    """Return the stored value a form's parts make: {"days", "unit"} for a stage, else the number."""
    allowed = settings.range_of(key)
    if allowed is None:
        return decode(parts.get("value"))
    if allowed.stage:
        return {"days": parts.get("days"), "unit": parts.get("unit")}
    return parts.get("value")


def save(session: Session, actor: User | None, key: str, version: int, parts: dict) -> records.Result:
    """Set one setting from its form's parts; a stage limit's change moves open deadlines at once."""
    value = json.dumps(value_of(parts, key), ensure_ascii=False, sort_keys=True)
    try:
        return records.update(session, actor, RULES, key, version, {"value": value})
    except ValidationError as exc:  # the parts are the fields the user sees, not the JSON
        errors = dict(exc.errors)
        message = errors.pop("value", None)
        if message:
            field = "days" if settings.range_of(key) and settings.range_of(key).stage else "value"
            errors[field] = message
        raise ValidationError(exc.message, errors=errors) from None
