"""The demo's mediation centre: mediation cases referred from petitions or brought directly, their teams of
mediators (老马带小马), sessions and agreements."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from core.calendar import clock
from core.demo import geography, names
from core.demo.draw import between, choice
from core.demo.tables import DISPUTE_SUBJECT, DISPUTE_TYPES, MEDIATION_KINDS, SUBJECT_DISPUTE
from core.demo.texts import RESULT_NOTES, SESSION_NOTES
from models import Stage

if TYPE_CHECKING:
    from core.demo.context import Demo

COMPANY_SUBJECTS = ("labour_wages", "property_management", "market_regulation")  # the other party is a firm


def plan(demo: Demo, applied: date) -> dict:
    """Plan a mediation applied for on `applied`: when it is accepted and closed, and its result."""
    rng = demo.rng
    r = rng.random()
    if r < 0.03:  # a party refuses: no mediation (第17条)
        closed = applied + timedelta(days=between(rng, 1, 3))
        return {"applied": applied, "accepted": None, "closed": closed, "result": "refused"}
    accepted = applied + timedelta(days=between(rng, 0, 2))
    days = between(rng, 31, 45) if rng.random() < 0.03 else max(1, int(rng.triangular(1, 30, 6)))
    result = "withdrawn" if r < 0.04 else ("agreed" if rng.random() < 0.92 else "failed")
    return {
        "applied": applied,
        "accepted": accepted,
        "closed": accepted + timedelta(days=days),
        "result": result,
    }


def add_mediation(demo: Demo, d: date, spec: dict | None) -> None:
    """Write a mediation case applied for on `d`: referred from a petition (spec) or brought directly."""
    if spec is None:
        course, where, kind, case_id, dispute, title, a, b = _direct(demo, d)
    else:
        course, where, kind, case_id, dispute, title, a, b = _referred(demo, spec)
    parties = f"{a}（申请人）；{b}（被申请人）"
    demo.mediation_seq[d.year] += 1
    number = f"{demo.prefix}-TJ-{d.year}-{demo.mediation_seq[d.year]:06d}"
    s = demo.world.streets[where.street]
    status, accepted, closed, due = "applied", None, None, None
    if course["accepted"] is not None and course["accepted"] <= demo.today:
        status, accepted = "accepted", course["accepted"]
        due = clock.stage_due(demo.cal, demo.limits, Stage.MEDIATION, accepted).on
    if course["closed"] <= demo.today:
        status, closed = course["result"], course["closed"]
    mid = demo.w.add_row(
        "mediation_case",
        number=number,
        case_id=case_id,
        kind=kind,
        dispute_type=dispute,
        title=title,
        parties=parties,
        summary=f"当事人因{dispute}申请调解。",
        grid_id=demo.world.grids[where.grid]["id"],
        street_id=s["id"],
        status=status,
        applied_on=d,
        accepted_on=accepted,
        due_on=due,
        closed_on=closed,
        result_note=RESULT_NOTES.get(status),
        created_at=demo.at(d, 10, 0),
        version=1 + (accepted is not None) + (closed is not None),
    )
    _consents(demo, mid, a, b, status, accepted, closed)
    if accepted is None:
        return
    team = _team(demo, where.street)
    for i, m in enumerate(team):
        demo.w.add_row("mediation_mediator", mediation_id=mid, mediator_id=m, is_lead=i == 0)
    _sessions(demo, mid, where, team, parties, status, accepted, closed)
    if status == "agreed":
        _agreement(demo, mid, number, dispute, closed)


def _consents(demo: Demo, mid: int, a: str, b: str, status: str, accepted, closed) -> None:
    """Write the parties' answers as core.mediation.referral keeps them: both consent on acceptance, or the
    other side refuses and there is no mediation (第17条)."""
    answers = {"refused": ((a, "申请人", True, closed), (b, "被申请人", False, closed))}.get(status)
    if answers is None and accepted is not None:
        answers = ((a, "申请人", True, accepted), (b, "被申请人", True, accepted))
    for party, side, consented, on in answers or ():  # by side, not name: two parties may share a name
        demo.w.add_row(
            "mediation_consent",
            mediation_id=mid,
            party=f"{party}（{side}）"[:80],
            consented=consented,
            recorded_on=on,
            recorded_by_id=None,
        )


def _direct(demo: Demo, d: date) -> tuple:
    """Draw a dispute brought straight to the centre: its plan, place, kind, parties and title."""
    rng = demo.rng
    dispute = DISPUTE_TYPES.pick(rng)
    where = geography.place(demo, DISPUTE_SUBJECT.get(dispute, "other"))
    course, kind = plan(demo, d), MEDIATION_KINDS.pick(rng)
    a = names.full_name(rng, None, between(rng, 1950, 2000))
    b = names.full_name(rng) if rng.random() < 0.7 else choice(rng, demo.world.companies)
    return course, where, kind, None, dispute, f"{a}与{b}{dispute}", a, b


def _referred(demo: Demo, spec: dict) -> tuple:
    """Take a petition's referral (信访转调解): the petitioner applies, the other side is a firm or a person."""
    rng, subject = demo.rng, spec["subject"]
    dispute = SUBJECT_DISPUTE.get(subject, "其他纠纷")
    kind = {
        "labour_wages": "labour_arbitration" if rng.random() < 0.4 else "administrative",
        "property_management": "industry" if rng.random() < 0.4 else "people",
    }.get(subject, "people")
    a = spec["petitioner"]
    b = choice(rng, demo.world.companies) if subject in COMPANY_SUBJECTS else names.full_name(rng)
    title = f"{spec['title']}（信访转调解）"[:200]
    return spec["plan"], spec["place"], kind, spec["case_id"], dispute, title, a, b


def _sessions(
    demo: Demo, mid: int, where, team: list[int], parties: str, status: str, accepted, closed
) -> None:
    """Write one to three sessions (and the closing one) in the centre's or the street's rooms."""
    rng, world = demo.rng, demo.world
    s = world.streets[where.street]
    present = f"{parties}；调解员" + "、".join(demo.staff.mediators[m]["name"] for m in team)
    span = ((closed or demo.today) - accepted).days
    days = {accepted + timedelta(days=between(rng, 0, span)) for _ in range(between(rng, 1, 3))}
    rooms = [
        f"{s['name']}人民调解委员会调解室",
        "区矛盾纠纷多元化解中心调解室",
        f"{world.communities[where.community]['name']}小马工作站",
    ]
    for on in sorted(days | ({closed} if closed else set())):
        notes = (
            SESSION_NOTES.get(status, SESSION_NOTES["accepted"])
            if on == closed
            else SESSION_NOTES["accepted"]
        )
        demo.w.add_row(
            "mediation_session",
            mediation_id=mid,
            held_at=demo.at(on, between(rng, 9, 16), 0),
            place=choice(rng, rooms),
            present=present[:500],
            notes=notes,
            recorded_by_id=demo.staff.mediators[team[0]]["user"],
        )


def _agreement(demo: Demo, mediation_id: int, number: str, dispute: str, signed: date) -> None:
    rng, T = demo.rng, demo.today
    applied = signed + timedelta(days=between(rng, 1, 20)) if rng.random() < 0.15 else None
    applied = applied if applied and applied <= T else None
    demo.w.add_row(
        "agreement",
        mediation_id=mediation_id,
        number=number.replace("-TJ-", "-XY-"),
        facts=f"双方因{dispute}发生争议，经调解员主持调解查明事实。",
        responsibility="双方对纠纷的发生均负有一定责任。",
        terms=f"被申请人于协议生效之日起支付申请人{between(rng, 5, 300) * 100}元，双方就本纠纷再无其他争议。",
        performance="一次性银行转账支付",
        performance_due=signed + timedelta(days=between(rng, 7, 60)),
        signed_on=signed,
        effective_on=signed,
        confirmation_applied_on=applied,
        confirmation_due=clock.stage_due(demo.cal, demo.limits, Stage.JUDICIAL_CONFIRMATION, signed).on,
        confirmed=bool(applied and applied + timedelta(days=15) <= T),
    )


def _team(demo: Demo, street: int) -> list[int]:
    """A lead mediator of the street, often with his mentor or mentee (老马带小马)."""
    rng, mediators = demo.rng, demo.staff.mediators
    lead_id = choice(rng, demo.world.streets[street]["mediators"])
    lead = mediators[lead_id]
    if not lead["veteran"] and lead["mentor"] and rng.random() < 0.6:
        return [lead_id, lead["mentor"]]
    if lead["veteran"] and lead["mentees"] and rng.random() < 0.4:
        return [lead_id, choice(rng, lead["mentees"])]
    return [lead_id]
