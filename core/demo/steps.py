"""A planned step of a demo case's life, shaped like the core.cases.workflow action that would record it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(slots=True)
class Step:
    """One dated step of a case's life, as a core.workflow action would record it.

    `changes` are case fields, `extra` goes into the event only, `meeting` is (kind, day) of a 三见面 record.
    """

    on: date
    action: str | None  # None: the step updates fields without a timeline event
    status: str | None  # the new status, or None to keep the current one
    changes: dict = field(default_factory=dict)
    actor: str = "handler"  # "registrar" | "handler" | "leader" | "in_charge"
    note: str | None = None
    extra: dict | None = None
    meeting: tuple[str, date] | None = None
