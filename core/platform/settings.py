"""Tunables kept in the Setting table (stage limits, alert thresholds), with their defaults."""

from __future__ import annotations

import json
from dataclasses import dataclass

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
    # The petitioner's days to rate a delivered reply; unrated after them, the case reads as not rated and may
    # be closed (local practice, 国信发〔2022〕11号 sets no number).
    "rating.window_days": 7,
    # Years a closed case's archive is kept before it is reviewed for destruction (信访档案; never deleted by
    # the product): accusations and complaints long, suggestions short.
    "archive.retention_years.accusation": 30,
    "archive.retention_years.complaint": 30,
    "archive.retention_years.suggestion": 10,
    # supervision letters' and notices' numbers: 江北信督〔2026〕12号 (core.supervision.numbering)
    "supervision.letter_prefix": "江北信",
    "supervision.letter_marks": {
        "supervision": "督",
        "risk_alert": "险",
        "improvement": "建",
        "rectification": "改",
    },
    # Suggested mediators (core.mediation.suggest): points for a specialty match, for the nearest place shared
    # with the case, for the past success rate (times the rate), and off per case he has open.
    "suggest.weight_specialty": 40,
    "suggest.weight_grid": 30,
    "suggest.weight_community": 20,
    "suggest.weight_street": 10,
    "suggest.weight_success": 20,
    "suggest.weight_load": 5,
}


@dataclass(frozen=True)
class Range:
    """What an administrator may set a tunable to: a number between two bounds, in a unit."""

    minimum: int
    maximum: int
    unit: str  # days | working_days | hours | points; a stage limit's unit is part of its value
    stage: bool = False  # the value is {"days": n, "unit": "calendar" | "working"}


STAGE_UNITS = ("calendar", "working")
# Statutory limits may be shortened by a local rule, never lengthened; a petitioner's or a party's window
# (review and re-examination requests, judicial confirmation) may be lengthened, never shortened.
_STAGE_RANGES = {
    "triage": (1, 15),  # 第22条
    "acceptance": (1, 15),  # 第23条
    "objection": (1, 5),  # 第23条, working days
    "dispute": (1, 15),  # local rule
    "handling": (1, 60),  # 第34条
    "extension": (1, 30),  # 第34条: at most 30 days, once
    "review_request": (30, 90),  # 第35条: the petitioner's right
    "review": (1, 30),  # 第35条
    "reexam_request": (30, 90),  # 第36条
    "reexam": (1, 30),  # 第36条
    "mediation": (1, 60),  # 一般一个月
    "judicial_confirmation": (30, 90),  # 人民调解法 第33条: the parties' window
    "letter_reply": (1, 30),  # local practice
}
RANGES: dict[str, Range] = {
    **{f"stage.{k}": Range(low, high, "days", stage=True) for k, (low, high) in _STAGE_RANGES.items()},
    "alert.yellow_working_days": Range(0, 20, "working_days"),
    "auth.session_hours": Range(1, 24, "hours"),
    "rating.window_days": Range(1, 30, "days"),
    **{
        f"archive.retention_years.{c}": Range(1, 100, "years")
        for c in ("accusation", "complaint", "suggestion")
    },
    **{
        f"suggest.weight_{k}": Range(0, 100, "points")
        for k in ("specialty", "grid", "community", "street", "success", "load")
    },
}


def range_of(key: str) -> Range | None:
    """Return the allowed range of a setting, or None for a key without one (edited as JSON)."""
    return RANGES.get(key)


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
