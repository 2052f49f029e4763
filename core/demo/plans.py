"""Each demo case's life from registration to the reply date, planned as dated steps of the workflow:
triage (or an end at triage), a dispute over the unit, acceptance, and handling with its extension, pause,
mediation and meetings. The reply and what follows it are planned by replies.py. Steps may lie after today;
cases.py applies those up to today."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from core.demo import mediation, replies
from core.demo.draw import Weighted, between, choice
from core.demo.intake import Draft
from core.demo.steps import INTERRUPTING, Step, settle
from core.demo.tables import (
    DECLINE_SHARE,
    EXTENSION_NOTICES,
    MEDIATION_SUBJECTS,
    ONSITE_CHANNELS,
    ROUTE_OUT_IN_HANDLING,
    ROUTED_TO,
    ROUTES_OUT,
    ROUTES_OUT_DEFAULT,
)
from core.demo.texts import (
    BARRED_NOTE,
    DECLINE_TEXTS,
    DECLINE_TEXTS_BY_SUBJECT,
    EXTENSION_REASONS,
    OBJECTION_NOTE,
    ONSITE_NOTES,
    PAUSE_REASONS,
    ROUTE_OUT_NOTE,
)
from models import CaseStatus as S

if TYPE_CHECKING:
    from core.demo.context import Demo


def plan(demo: Demo, draft: Draft) -> None:
    """Plan the case's whole life as the dated workflow steps of core.workflow; some may lie after today.

    The life is checked against the workflow's transition table (steps.settle) as soon as it is planned.
    """
    _life(demo, draft)
    settle(draft.number, draft.steps)


def _life(demo: Demo, draft: Draft) -> None:
    rng, r, steps = demo.rng, draft.received, draft.steps
    if _onsite(demo, draft):
        return
    if draft.barred:  # the same matter was ended by re-examination: registered as 不再受理 (第36条第3款)
        draft.lead = None
        changes = {"closed_on": r, "end_reason": BARRED_NOTE}
        steps.append(Step(r, "register", changes, "registrar", status=S.BARRED))
        return
    steps.append(Step(r, "register", {}, "registrar"))
    late_triage = rng.random() < 0.01
    delay = int(rng.triangular(0, 7 if draft.channel == "letter" else 4, 1))
    d = r + timedelta(days=between(rng, 16, 24) if late_triage else delay)
    if late_triage:
        draft.late = (r + timedelta(days=15), d)
    if _triage_ends(demo, draft, d):
        return
    action = "assign" if rng.random() < 0.3 or draft.group_size > 1 or draft.parent else "forward"
    changes = {"triaged_on": d, "unit_received_on": d, "lead_unit_id": draft.lead}
    extra = {"assisting_unit_ids": draft.assists}
    steps.append(Step(d, action, changes, "registrar", extra=extra))
    if draft.in_charge:
        steps.append(Step(d, "take_charge", {"leader_in_charge_id": draft.in_charge}, "in_charge"))
    if rng.random() < 0.05:
        d = _dispute(demo, draft, d)
    if rng.random() < DECLINE_SHARE:
        _decline(demo, draft, d)
        return
    accepted = _accept(demo, draft, d)
    if rng.random() < 0.008:
        on = accepted + timedelta(days=between(rng, 3, 20))
        steps.append(Step(on, "withdraw", {}, "registrar", "信访人主动撤回信访事项", {"on": on}))
        return
    if _routed_out_in_handling(demo, draft, accepted):
        return
    reply_on = _handling(demo, draft, accepted)
    replies.plan_reply(demo, draft, accepted, reply_on)


def _onsite(demo: Demo, draft: Draft) -> bool:
    """Leader reception or 马路办公 settles many simple complaints on the spot: closed at registration."""
    rng, r = demo.rng, draft.received
    if not (draft.channel in ONSITE_CHANNELS and draft.category == "complaint" and draft.route == "petition"):
        return False
    if draft.group_size > 1 or draft.parent or rng.random() >= 0.8:
        return False
    outcome = "support" if rng.random() < 0.7 else "explain"
    changes = {"onsite_resolved": True, "outcome": outcome, "reply_summary": ONSITE_NOTES[outcome]}
    changes.update(replied_on=r, reply_received_on=r, closed_on=r)
    draft.steps.append(Step(r, "register", changes, "leader", status=S.CLOSED))
    return True


def _triage_ends(demo: Demo, draft: Draft, d: date) -> bool:
    """Route the case out of the petition track, or end it as invalid or merged: its life ends at triage."""
    rng, steps = demo.rng, draft.steps
    if draft.route != "petition":
        to = choice(rng, ROUTED_TO[draft.route])
        draft.lead = None
        steps.append(Step(d, "route_out", {"routed_to": to, "closed_on": d}, "registrar"))
        return True
    u = rng.random()
    if u < 0.004:
        draft.lead = None
        note = "信访人身份无法核实，且无具体诉求"
        steps.append(Step(d, "invalidate", {}, "registrar", note, {"on": d}))
        return True
    if u < 0.014 and draft.parent is None and not draft.anonymous:
        target = demo.memory.merge_target(draft.subject, draft.place.street, draft.received)
        if target is not None:
            draft.lead = None
            note, extra = "与同一事项的在办信访事项合并办理", {"merged_into": target.number}
            steps.append(Step(d, "merge", {"merged_into_id": target.id}, "registrar", note, extra))
            return True
    return False


def _dispute(demo: Demo, draft: Draft, d: date) -> date:
    """The unit objects that it is not responsible (受理争议); the office upholds or reassigns in 5 days."""
    rng, steps, world = demo.rng, draft.steps, demo.world
    d += timedelta(days=between(rng, 1, 5))  # within the 5 working days of the objection window
    steps.append(Step(d, "raise_objection", {"objected_on": d}, note=OBJECTION_NOTE))
    d += timedelta(days=between(rng, 1, 5))
    changes = {"dispute_settled_on": d, "unit_received_on": d}
    if rng.random() < 0.7:
        candidates = [world.street_office[draft.place.street], world.units["ZJW"], world.units["CGJ"]]
        draft.lead = choice(rng, [u for u in candidates if u != draft.lead])
        draft.assists = [u for u in draft.assists if u != draft.lead]
        changes.update(lead_unit_id=draft.lead, objected_on=None)  # the new unit has its own window
        extra, note = {"decision": "reassign"}, "经协调，明确责任单位，重新交办"
    else:
        extra, note = {"decision": "uphold"}, "经审核，该事项属于该单位职责范围，应予受理"
    steps.append(Step(d, "settle_dispute", changes, "registrar", note, extra))
    return d


def _decline(demo: Demo, draft: Draft, d: date) -> None:
    """The unit decides not to accept (不予受理) within its 15 days, saying why and where to turn instead."""
    rng = demo.rng
    on = d + timedelta(days=between(rng, 1, 10))
    reason, to = choice(rng, DECLINE_TEXTS + DECLINE_TEXTS_BY_SUBJECT.get(draft.subject, ()))
    changes = {"declined_on": on, "closed_on": on, "end_reason": reason, "routed_to": to}
    draft.steps.append(Step(on, "decline", changes))


def _routed_out_in_handling(demo: Demo, draft: Draft, accepted: date) -> bool:
    """The unit finds during handling that a complaint belongs to a legal procedure and routes it out
    (诉访分离), a tenth as often as the office did at triage for the subject."""
    rng = demo.rng
    if draft.category != "complaint":
        return False
    shares = ROUTES_OUT.get(draft.subject, ROUTES_OUT_DEFAULT)
    if rng.random() * 100 >= sum(shares.values()) * ROUTE_OUT_IN_HANDLING:
        return False
    route = Weighted(shares).pick(rng)
    on = accepted + timedelta(days=between(rng, 5, 30))
    changes = {"route": route, "routed_to": choice(rng, ROUTED_TO[route]), "closed_on": on}
    draft.steps.append(Step(on, "route_out", changes, note=ROUTE_OUT_NOTE))
    return True


def _accept(demo: Demo, draft: Draft, d: date) -> date:
    """Plan the acceptance (受理告知), a few after the 15 days; return its date."""
    rng = demo.rng
    late = rng.random() < 0.02
    accepted = d + timedelta(days=between(rng, 16, 26) if late else int(rng.triangular(1, 12, 3)))
    if late and draft.late is None:
        draft.late = (d + timedelta(days=15), accepted)
    draft.steps.append(Step(accepted, "accept", {"accepted_on": accepted}))
    if draft.meetings:
        draft.steps.append(Step(accepted, "record_meeting", meeting=("acceptance", accepted)))
    return accepted


def _handling(demo: Demo, draft: Draft, accepted: date) -> date:
    """Plan extension, pause, mediation and the investigation meeting; return the reply date.

    Handling gets shorter every year (the seed's "4 days shorter than the same period last year").
    """
    rng, steps, extension = demo.rng, draft.steps, None
    duration = max(2, round(rng.triangular(3, 55, 15) * (1.15 - 0.17 * draft.years)))
    r = rng.random()
    if r < 0.04:  # extension approved before the 60 days run out (第34条)
        on = accepted + timedelta(days=between(rng, 45, 58))
        changes = {"extension_days": 30, "extension_reason": choice(rng, EXTENSION_REASONS)}
        extension = Step(on, "extend", changes, note=changes["extension_reason"])
        steps.append(extension)
        duration = between(rng, 62, 88)
    elif r < 0.065:  # replied late; a few drag on for months
        duration = between(rng, 61, 110) if rng.random() < 0.85 else between(rng, 111, 240)
        draft.late = (accepted + timedelta(days=60), accepted + timedelta(days=duration))
    if rng.random() < 0.03:
        duration = _pause(demo, draft, accepted, duration)
    reply_on = accepted + timedelta(days=duration)
    p_mediation = MEDIATION_SUBJECTS.get(draft.subject, 0.0) * 1.4 ** (draft.years - 1.5)
    if not draft.anonymous and draft.pause is None and rng.random() < p_mediation:
        reply_on = _mediation(demo, draft, accepted, reply_on)
    if extension is not None:
        _extend_while_handling(steps, extension)
        _tell_extension(demo, draft, extension, reply_on)
    if draft.meetings and (reply_on - accepted).days >= 2:
        on = accepted + timedelta(days=between(rng, 1, (reply_on - accepted).days - 1))
        steps.append(Step(on, "record_meeting", meeting=("investigation", on)))
    return reply_on


def _extend_while_handling(steps: list[Step], extension: Step) -> None:
    """Move an extension that fell in a pause or a mediation to the day after it: only a case in handling
    is extended (TRANSITIONS["extend"]), and a pause pushed the due date back by its days anyway."""
    for start, end in zip(steps, steps[1:], strict=False):
        if start.action in INTERRUPTING and start.on <= extension.on <= end.on:
            extension.on = end.on + timedelta(days=1)


def _tell_extension(demo: Demo, draft: Draft, extension: Step, reply_on: date) -> None:
    """Record the head's approval day and when and how the petitioner was told the reason (第34条):
    within three days, before the reply, never after today."""
    rng, on = demo.rng, extension.on
    told = min(on + timedelta(days=between(rng, 0, 3)), reply_on, max(on, demo.today))
    how = "online" if draft.channel == "online" and rng.random() < 0.5 else EXTENSION_NOTICES.pick(rng)
    extension.changes.update(extension_approved_on=on, extension_notified_on=told, extension_notice=how)


def _pause(demo: Demo, draft: Draft, accepted: date, duration: int) -> int:
    """Plan a hearing (听证) or a suspension (中止) that stops the clock; return the handling duration."""
    rng = demo.rng
    kind = "hearing" if rng.random() < 0.4 else "suspension"
    since = accepted + timedelta(days=between(rng, 3, max(3, min(duration - 1, 25))))
    length = between(rng, 10, 40)
    reason = PAUSE_REASONS[kind]
    draft.steps.append(Step(since, "pause", {"paused_since": since}, note=reason, extra={"pause_kind": kind}))
    changes = {"paused_since": None, "paused_days": length}
    extra = {"paused_days_added": length}
    draft.steps.append(Step(since + timedelta(days=length), "resume", changes, extra=extra))
    draft.pause = (kind, since, length)
    return max(duration, (since - accepted).days + length + between(rng, 3, 20))


def _mediation(demo: Demo, draft: Draft, accepted: date, reply_on: date) -> date:
    """Plan a referral to the mediation centre (调解优先) and the return; return the reply date."""
    rng = demo.rng
    m = draft.mediation = mediation.plan(demo, accepted + timedelta(days=between(rng, 1, 5)))
    extra = {"referred_on": m["applied"].isoformat()}
    note = "转区矛盾纠纷多元化解中心调解"
    draft.steps.append(Step(m["applied"], "refer_mediation", {}, note=note, extra=extra))
    back = m["closed"] + timedelta(days=between(rng, 0, 2))
    agreed = m["result"] == "agreed"
    note = "调解达成协议" if agreed else "调解未成，继续办理"
    draft.steps.append(Step(back, "return_from_mediation", {}, note=note, extra={"agreed": agreed}))
    return max(reply_on, back + timedelta(days=between(rng, 1, 7)))
