"""A demo case's life after handling: the reply, its delivery, the rating and the close, or a review (复查)
and a re-examination (复核) that ends the matter (第35–36条)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from core.demo.draw import between
from core.demo.intake import Draft
from core.demo.steps import Step
from core.demo.tables import (
    MEETING_KINDS,
    OUTCOMES,
    OUTCOMES_REPEAT,
    SATISFACTION,
    SATISFACTION_AGREED,
    SATISFACTION_REPEAT,
)
from core.demo.texts import REPLY_TEXT, REVIEW_NOTE, REVIEW_NOTICE, TERMINATED_NOTE

if TYPE_CHECKING:
    from core.demo.context import Demo

REEXAM_WINDOW_DAYS = 31  # a review decision left unchallenged this long is final (第36条: 30 days)


def plan_reply(demo: Demo, draft: Draft, accepted: date, reply_on: date) -> None:
    """Plan the reply, its delivery, the rating and the close, or a review (复查) and a re-examination (复核)."""
    rng, steps, repeat = demo.rng, draft.steps, draft.parent is not None
    agreed = draft.mediation is not None and draft.mediation["result"] == "agreed"
    outcome = "support" if agreed else (OUTCOMES_REPEAT if repeat else OUTCOMES).pick(rng)
    delivered = reply_on if rng.random() < 0.6 else reply_on + timedelta(days=between(rng, 1, 6))
    changes = {
        "replied_on": reply_on,
        "outcome": outcome,
        "reply_summary": REPLY_TEXT[outcome] + REVIEW_NOTICE,
    }
    changes["paused_days"] = 0
    if delivered == reply_on:  # handed over in person
        changes["reply_received_on"] = delivered
    steps.append(Step(reply_on, "reply", changes))
    if draft.meetings:
        steps.append(Step(reply_on, "record_meeting", meeting=("reply", reply_on)))
    if delivered != reply_on:
        steps.append(Step(delivered, "record_delivery", {"reply_received_on": delivered}))
    if agreed:
        satisfaction = SATISFACTION_AGREED.pick(rng)
    else:
        satisfaction = (SATISFACTION_REPEAT if repeat else SATISFACTION)[outcome].pick(rng)
    rated = delivered + timedelta(
        days=between(rng, 0, 7) if satisfaction != "not_rated" else between(rng, 10, 15)
    )
    steps.append(Step(rated, "rate", {"rated_on": rated, "satisfaction": satisfaction}, "registrar"))
    if satisfaction == "dissatisfied":
        draft.unhappy_on = rated
    if rng.random() >= (0.4 if satisfaction == "dissatisfied" else 0.002):
        _close(draft, rated + timedelta(days=between(rng, 0, 3)), "handler", accepted, reply_on)
        return
    asked = max(rated, delivered + timedelta(days=between(rng, 5, 28)))  # within the 30-day window (第35条)
    draft.unhappy_on = draft.unhappy_on or asked
    served, review_outcome = _review(demo, draft, asked)
    if review_outcome == "support" or rng.random() >= 0.3:
        _close(draft, served + timedelta(days=REEXAM_WINDOW_DAYS), "registrar", accepted, reply_on)
        return
    _reexam(demo, draft, served)


def _close(draft: Draft, on: date, actor: str, accepted: date, replied: date) -> None:
    extra = close_extra(draft, accepted, replied)
    draft.steps.append(Step(on, "close", {"closed_on": on}, actor, extra=extra))


def _review(demo: Demo, draft: Draft, asked: date) -> tuple[date, str]:
    """Plan the review request, decision and delivery; return the day the petitioner got it and the outcome."""
    rng, steps = demo.rng, draft.steps
    steps.append(Step(asked, "request_review", {"review_requested_on": asked}, "registrar"))
    decided = asked + timedelta(days=between(rng, 12, 30))
    outcome = "reject" if rng.random() < 0.7 else ("explain" if rng.random() < 0.7 else "support")
    served = decided + timedelta(days=between(rng, 0, 4))
    changes = {"review_decided_on": decided, "review_outcome": outcome}
    if served == decided:
        changes["review_decision_received_on"] = served
    steps.append(Step(decided, "decide_review", changes, "registrar", REVIEW_NOTE[outcome]))
    if served != decided:
        steps.append(Step(served, "record_delivery", {"review_decision_received_on": served}, "registrar"))
    return served, outcome


def _reexam(demo: Demo, draft: Draft, served: date) -> None:
    """Plan the re-examination request and its decision, which ends the matter (不再受理 afterwards)."""
    rng, steps = demo.rng, draft.steps
    asked = served + timedelta(days=between(rng, 5, 28))
    steps.append(Step(asked, "request_reexam", {"reexam_requested_on": asked}, "registrar"))
    decided = asked + timedelta(days=between(rng, 15, 30))
    outcome = "reject" if rng.random() < 0.8 else "explain"
    changes = {"reexam_decided_on": decided, "reexam_outcome": outcome, "not_accepted_again": True}
    changes["closed_on"] = decided
    steps.append(Step(decided, "decide_reexam", changes, "registrar", TERMINATED_NOTE))
    draft.terminated_on = decided


def close_extra(draft: Draft, accepted: date, replied: date) -> dict | None:
    """What core.workflow.close adds for a first petition closed without all three meetings."""
    if not draft.is_first:
        return None
    held = {"acceptance", "reply"} | ({"investigation"} if (replied - accepted).days >= 2 else set())
    missing = [kind for kind in MEETING_KINDS if not draft.meetings or kind not in held]
    return {"meetings_incomplete": True, "missing_meetings": missing} if missing else None
