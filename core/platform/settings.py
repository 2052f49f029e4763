"""Tunables kept in the Setting table (stage limits, alert thresholds), with their defaults."""

from __future__ import annotations

import json

from sqlmodel import Session, select

from models import Setting, Stage

# DOMAIN.md §4: key -> (limit, unit); unit is "calendar" or "working" days.
STAGE_DEFAULTS: dict[str, dict] = {
    Stage.TRIAGE: {"days": 15, "unit": "calendar"},
    Stage.ACCEPTANCE: {"days": 15, "unit": "calendar"},
    Stage.OBJECTION: {"days": 5, "unit": "working"},
    Stage.DISPUTE: {"days": 5, "unit": "calendar"},
    Stage.HANDLING: {"days": 60, "unit": "calendar"},
    Stage.EXTENSION: {"days": 30, "unit": "calendar"},
    Stage.REVIEW_REQUEST: {"days": 30, "unit": "calendar"},
    Stage.REVIEW: {"days": 30, "unit": "calendar"},
    Stage.REEXAM_REQUEST: {"days": 30, "unit": "calendar"},
    Stage.REEXAM: {"days": 30, "unit": "calendar"},
    Stage.MEDIATION: {"days": 30, "unit": "calendar"},
    Stage.JUDICIAL_CONFIRMATION: {"days": 30, "unit": "calendar"},
    Stage.LETTER_REPLY: {"days": 10, "unit": "working"},
}

# The law's own maxima: a setting may lower them, never raise them (a longer or differently counted value is
# ignored). 第34条: an extension is at most 30 days.
STATUTORY_MAXIMUM: dict[str, dict] = {
    Stage.EXTENSION: {"days": 30, "unit": "calendar"},
}

OTHER_DEFAULTS: dict[str, object] = {
    "alert.yellow_working_days": 3,
    "auth.session_hours": 8,
    "auth.idle_minutes": 120,
}


def defaults() -> dict[str, object]:
    """Return every setting key with its default value."""
    out: dict[str, object] = {f"stage.{k}": v for k, v in STAGE_DEFAULTS.items()}
    out.update(OTHER_DEFAULTS)
    return out


def ensure_defaults(session: Session) -> int:
    """Insert missing settings with their defaults; return how many were added."""
    have = set(session.exec(select(Setting.key)).all())
    added = [Setting(key=k, value=json.dumps(v)) for k, v in defaults().items() if k not in have]
    session.add_all(added)
    session.commit()
    return len(added)


def get_all(session: Session) -> dict[str, object]:
    """Return all settings as decoded JSON values, defaults filling any gap."""
    values = defaults()
    for row in session.exec(select(Setting)).all():
        values[row.key] = json.loads(row.value)
    return values
