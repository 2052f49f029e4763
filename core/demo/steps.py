"""A planned step of a demo case's life, shaped like the core.cases.workflow action that would record it,
and the check that a planned life is one the workflow allows.

Where an action may start comes from core.cases.workflow.TRANSITIONS; the demo keeps no copy of it. What
status an action leads to is set by the action's function there, not by the table, so LEADS_TO names it
here, once for the whole demo (tests/core/test_demo.py holds it to the table's actions).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from core.cases.workflow import TRANSITIONS
from models import CaseStatus as S

BACK = "back"  # the action returns the case to the status the last pause or referral interrupted

# action -> the status it leads to (None: the status stays). "register" is core.cases.registration's.
LEADS_TO: dict[str, str | None] = {
    "register": S.REGISTERED,  # or closed when settled on the spot (the step says so)
    "forward": S.FORWARDED,
    "assign": S.ASSIGNED,
    "accept": S.HANDLING,
    "decline": S.DECLINED,
    "raise_objection": S.OBJECTED,
    "settle_dispute": S.ASSIGNED,
    "pause": S.PAUSED,
    "resume": BACK,  # workflow.RESUMES_TO: the status of the stage that was paused
    "extend": None,
    "refer_mediation": S.MEDIATING,
    "return_from_mediation": BACK,  # handling once accepted, else registered
    "record_meeting": None,
    "reply": S.REPLIED,
    "record_delivery": None,
    "rate": S.RATED,
    "close": S.CLOSED,
    "request_review": S.REVIEW_REQUESTED,
    "decide_review": S.REVIEWED,
    "request_reexam": S.REEXAM_REQUESTED,
    "decide_reexam": S.TERMINATED,
    "route_out": S.ROUTED_OUT,
    "merge": S.MERGED,
    "withdraw": S.WITHDRAWN,
    "invalidate": S.INVALID,
    "take_charge": None,
    "instruct": None,  # the leader in charge's 批示, a note on the timeline
    "urge": None,  # the supervisor's 督办 note
    "link_repeat": None,
}
INTERRUPTING = frozenset({"pause", "refer_mediation"})


class PlanError(AssertionError):
    """A planned case life the workflow would refuse: a bug in the demo's plans, never bad input."""


@dataclass(slots=True)
class Step:
    """One dated step of a case's life, as a core.workflow action would record it.

    `changes` are case fields, `extra` goes into the event only, `meeting` is (kind, day) of a 三见面 record.
    `status` is the status after the step, set by `settle` from LEADS_TO (a step may set it itself only
    where the action's function decides among several, as registration settled on the spot does).
    """

    on: date
    action: str
    changes: dict = field(default_factory=dict)
    actor: str = "handler"  # "registrar" | "handler" | "leader" | "in_charge"
    note: str | None = None
    extra: dict | None = None
    meeting: tuple[str, date] | None = None
    status: str | None = None


def settle(number: str, steps: list[Step]) -> None:
    """Order the steps by day (same-day steps keep their planned order) and set the status after each.

    Raise PlanError when a step's action may not start, by TRANSITIONS, from the status before it.
    """
    steps.sort(key=lambda step: step.on)
    status, interrupted = None, None
    for step in steps:
        action = step.action
        if status is None:
            allowed = action == "register"
        else:
            allowed = action in TRANSITIONS and status in TRANSITIONS[action].sources
        if not allowed:
            raise PlanError(f"{number}: {action} on {step.on} is not open in status {status}")
        if action in INTERRUPTING:
            interrupted = status
        target = step.status or LEADS_TO[action]
        status = step.status = interrupted if target == BACK else (target or status)
