"""A petition case referred to the mediation centre (调解优先, DOMAIN.md §5, §7): the mediation record.

refer_case opens a mediation record linked to the case, record_consent keeps each party's answer (one refusal
and there is no mediation, 人民调解法第17条), conclude_mediation ends it with an agreement (kept as an
Agreement row), a failure or a withdrawal. Each checks, validates, audits and commits once; the case's own
state moves through core.cases.workflow (refer_mediation, return_from_mediation) in that same commit.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date

from sqlmodel import Session, func, select

from core.accounts import audit, throttle
from core.calendar import clock
from core.cases import workflow
from core.cases.registration import get_case
from core.mediation import access, agreements
from core.platform.errors import IllegalTransition, StaleVersion
from core.platform.validation import Errors
from i18n import label, t
from models import (
    Case,
    MediationCase,
    MediationConsent,
    MediationKind,
    MediationMediator,
    MediationStatus,
    Mediator,
    Stage,
    User,
)
from models.base import StrEnum

M = MediationStatus
ENDED = frozenset({M.AGREED, M.FAILED, M.REFUSED, M.WITHDRAWN})
# What the result changes on the record, under the names both timelines read (the case's own "status" is
# the petition's); the result's note is the event's note.
RECORD_FIELDS = ("status", "closed_on")
EVENT_NAMES = {"status": "mediation_status"}


class Outcome(StrEnum):
    """How a mediation that took place ends."""

    AGREED = "agreed"  # 达成协议 (第28条)
    FAILED = "failed"  # 调解不成 (第26条)
    WITHDRAWN = "withdrawn"


def split_parties(parties: str | Sequence[str]) -> list[str]:
    """Return the party names of a referral, given as a list or as one text separated by 、 , ， ; or ；."""
    names = re.split(r"[、,，;；\n]", parties) if isinstance(parties, str) else list(parties)
    return list(dict.fromkeys(n.strip() for n in names if n and n.strip()))


def open_mediation(session: Session, case_id: int) -> MediationCase | None:
    """Return the case's mediation record that has not ended, if any."""
    stmt = select(MediationCase).where(MediationCase.case_id == case_id, MediationCase.status.not_in(ENDED))
    return session.exec(stmt.order_by(MediationCase.id.desc())).first()


def consents(session: Session, mediation_id: int) -> dict[str, bool]:
    """Return each party's recorded answer: True consented, False refused."""
    stmt = select(MediationConsent).where(MediationConsent.mediation_id == mediation_id)
    return {c.party: c.consented for c in session.exec(stmt.order_by(MediationConsent.id)).all()}


def parties_of(mediation: MediationCase) -> list[str]:
    return split_parties(mediation.parties)


# --- the three writes -----------------------------------------------------------------------------


def refer_case(
    session: Session,
    actor: User,
    case_id: int,
    version: int,
    *,
    on: date,
    parties: str | Sequence[str],
    mediator_id: int | None = None,
    note: str | None = None,
) -> MediationCase:
    """Refer a registered or handling case to the mediation centre: a new mediation record, the case mediating."""
    try:
        case = get_case(session, actor, case_id)
        workflow.check_action(actor, case, "refer_mediation")  # a stale version is the workflow's to refuse
        errors, names = Errors(), split_parties(parties)
        latest, latest_field = workflow.latest_date(session, case)
        errors.date("on", on, after=latest, after_field=latest_field)
        errors.text("parties", "、".join(names))
        for i, name in enumerate(names):
            errors.text(f"parties.{i}.name", name)
        if len(names) < 2:
            errors.add("parties", t("mediation.error.two_parties"))
        mediator = session.get(Mediator, mediator_id) if mediator_id is not None else None
        if mediator_id is not None and (mediator is None or not mediator.active):
            errors.add("mediator_id", t("mediation.error.mediator"))
        errors.text("note", note, required=False)
        errors.raise_if_any()
        mediation = MediationCase(
            number=next_number(session, on),
            case_id=case.id,
            kind=MediationKind.PEOPLE,
            dispute_type=case.subject,
            title=case.title,
            parties="、".join(names),
            summary=case.request,
            grid_id=case.grid_id,
            street_id=case.street_id,
            status=M.APPLIED,
            applied_on=on,
            referred_by_id=actor.id,
        )
        session.add(mediation)
        session.flush()
        if mediator is not None:
            session.add(MediationMediator(mediation_id=mediation.id, mediator_id=mediator.id, is_lead=True))
        after = audit.snapshot(mediation, ("number", "parties", "applied_on")) | {"mediator_id": mediator_id}
        audit.record(
            session,
            actor,
            "mediation.refer",
            object_type="mediation_case",
            object_id=mediation.id,
            after=after,
            note=(note or "").strip() or None,
        )
    except Exception:
        session.rollback()
        raise
    workflow.refer_mediation(session, actor, case.id, version, on=on, note=note, mediation_id=mediation.id)
    session.refresh(mediation)
    return mediation


def record_consent(
    session: Session, actor: User, mediation_id: int, version: int, *, on: date, answers: Mapping[str, bool]
) -> MediationCase:
    """Record parties' answers to the referral. All consenting, the mediation is accepted and its 30 days
    start; one refusing, there is no mediation and the case goes back (第17条)."""
    try:
        mediation, case = _load(session, actor, mediation_id, version)
        if mediation.status != M.APPLIED:
            raise IllegalTransition(t("mediation.error.consent_closed"))
        refused = _consent(session, actor, mediation, case, on, answers)
        _finish(session, mediation, version)
        if refused is None:
            session.commit()
            return mediation
    except Exception:
        session.rollback()
        raise
    return _back(session, actor, mediation, case, on, False, t("mediation.note.refused", party=refused))


def conclude_mediation(
    session: Session,
    actor: User,
    mediation_id: int,
    version: int,
    *,
    outcome: Outcome | str,
    on: date,
    terms: str | None = None,
    note: str | None = None,
    agreement: agreements.Particulars | None = None,
    routes_told: Sequence[str] | None = None,
) -> MediationCase:
    """End a mediation the parties consented to: an agreement (the 调解协议书 with its particulars, or only
    its terms, the basis of the reply), a failure (the parties told of other routes, 第26条: required from
    the mediator who sat on it) or a withdrawal; a referred case comes back in the same commit."""
    try:
        mediation, case = _load(session, actor, mediation_id, version)
        if mediation.status == M.APPLIED:
            raise IllegalTransition(t("mediation.error.no_consent"))
        if mediation.status != M.ACCEPTED:
            raise IllegalTransition(t("mediation.error.ended"))
        errors = Errors()
        try:
            outcome = Outcome(outcome)
        except ValueError:
            errors.add("outcome", t("mediation.error.outcome"))
        errors.date("on", on, after=mediation.accepted_on, after_field="accepted_on")
        agreed = outcome == Outcome.AGREED
        if agreed and agreement is None:
            errors.text("terms", terms)
            agreement = agreements.Particulars(facts=mediation.summary or mediation.title, terms=terms or "")
        elif agreed:
            agreements.check(errors, agreement, on)
        errors.text("note", note, required=not agreed and outcome != Outcome.FAILED)
        routes = agreements.check_routes(
            errors,
            routes_told,
            required=outcome == Outcome.FAILED and access.sits_on(session, actor, mediation.id),
        )
        if outcome == Outcome.FAILED and not routes:
            errors.text("note", note)
        errors.raise_if_any()
        if agreed:
            written = agreements.build(session, mediation, agreement, on)
        before = audit.snapshot(mediation, RECORD_FIELDS)
        mediation.status, mediation.closed_on = M(outcome.value), on
        mediation.result_note = (note or "").strip() or None
        mediation.routes_told = ",".join(routes) or None
        before, after = audit.diff(before, audit.snapshot(mediation, RECORD_FIELDS))
        before, after = ({EVENT_NAMES.get(k, k): v for k, v in d.items()} for d in (before, after))
        after |= {"terms": written.terms, "agreement_number": written.number} if agreed else {}
        if routes:
            after["routes_told"] = "、".join(label("route_told", r) for r in routes)
        access.record(
            session, actor, mediation, "mediation.conclude", before, after, note=mediation.result_note
        )
        _finish(session, mediation, version)
        back_note = mediation.result_note or (
            t("mediation.note.agreed", number=written.number) if agreed else after["routes_told"]
        )
    except Exception:
        session.rollback()
        raise
    return _back(session, actor, mediation, case, on, agreed, back_note)


# --- the case file's two actions ------------------------------------------------------------------


def take_back(
    session: Session,
    actor: User,
    case_id: int,
    version: int,
    *,
    on: date,
    result: str,
    party: str | None = None,
    consented: bool = False,
    terms: str | None = None,
    note: str | None = None,
) -> MediationCase:
    """The case file's "return from mediation" on the case's open mediation record: `result` "refused" (a
    party, named in `party`, refused), or the outcome of a mediation the parties consented to; `consented`
    records every party's consent first, in the same commit."""
    try:
        case = get_case(session, actor, case_id)
        mediation = open_mediation(session, case_id)
        if mediation is None:
            raise IllegalTransition(t("mediation.error.no_open"))
        if case.version != version:
            raise StaleVersion(t("workflow.stale_unknown"))
        if result == "refused":
            errors = Errors()
            errors.text("party", party)
            if party and party.strip() not in parties_of(mediation):
                errors.add("party", t("mediation.error.unknown_party", party=party.strip()))
            errors.raise_if_any()
            return record_consent(
                session, actor, mediation.id, mediation.version, on=on, answers={party.strip(): False}
            )
        if consented and mediation.status == M.APPLIED:
            workflow.check_action(actor, case, "return_from_mediation")
            _consent(session, actor, mediation, case, on, dict.fromkeys(parties_of(mediation), True))
    except Exception:
        session.rollback()
        raise
    return conclude_mediation(
        session, actor, mediation.id, mediation.version, outcome=result, on=on, terms=terms, note=note
    )


# The case file and the API take these two actions through the mediation record, not the bare transition.
CASE_ACTIONS = {"refer_mediation": refer_case, "return_from_mediation": take_back}


# --- the shared steps -----------------------------------------------------------------------------


def _load(
    session: Session, actor: User, mediation_id: int, version: int
) -> tuple[MediationCase, Case | None]:
    """Return the mediation record (locked) and its petition case if any, checking the user may act on it."""
    mediation = access.get_mediation(session, actor, mediation_id, for_update=True)
    if mediation.status not in ENDED:
        access.require_act(session, actor, mediation)
    if mediation.version != version:
        raise StaleVersion(t("workflow.stale_unknown"))
    case = session.get(Case, mediation.case_id) if mediation.case_id is not None else None
    return mediation, case


def _consent(
    session: Session,
    actor: User,
    mediation: MediationCase,
    case: Case | None,
    on: date,
    answers: Mapping[str, bool],
) -> str | None:
    """Write the answers; return the first party who refused, or None. All consenting accepts the mediation."""
    errors, names = Errors(), parties_of(mediation)
    errors.date("on", on, after=mediation.applied_on, after_field="applied_on")
    if not answers:
        errors.add("answers", t("mediation.error.no_answer"))
    for party, consented in answers.items():
        if party not in names:
            errors.add("answers", t("mediation.error.unknown_party", party=party))
        elif not isinstance(consented, bool):
            errors.add("answers", t("mediation.error.no_answer"))
    errors.raise_if_any()
    known = consents(session, mediation.id)
    was = mediation.status
    for party, consented in answers.items():
        row = session.exec(
            select(MediationConsent).where(
                MediationConsent.mediation_id == mediation.id, MediationConsent.party == party
            )
        ).first() or MediationConsent(
            mediation_id=mediation.id, party=party, consented=consented, recorded_on=on
        )
        row.consented, row.recorded_on, row.recorded_by_id = consented, on, actor.id
        session.add(row)
        known[party] = consented
    refused = next((p for p in names if known.get(p) is False), None)
    if refused is not None:
        mediation.status, mediation.closed_on = M.REFUSED, on
        mediation.result_note = t("mediation.note.refused", party=refused)
    elif all(known.get(p) for p in names):
        mediation.status, mediation.accepted_on = M.ACCEPTED, on
        mediation.due_on = clock.stage_due(
            clock.load_calendar(session), clock.load_limits(session), Stage.MEDIATION, on
        ).on
    # The case's timeline shows this event: the record's status and who answered what, in words.
    said = {
        "consented_by": [p for p, yes in answers.items() if yes],
        "refused_by": [p for p, yes in answers.items() if not yes],
    }
    before = {"mediation_status": M(was).value} if mediation.status != was else {}
    after = {"mediation_status": M(mediation.status).value} if before else {}
    after |= {k: "、".join(v) for k, v in said.items() if v}
    audit.record(
        session,
        actor,
        "mediation.consent",
        object_type="mediation_case",
        object_id=mediation.id,
        case_id=mediation.case_id,
        before=before,
        after=after,
    )
    return refused


def _back(
    session: Session,
    actor: User,
    mediation: MediationCase,
    case: Case | None,
    on: date,
    agreed: bool,
    note: str,
) -> MediationCase:
    """Take the case back from mediation in the same commit as the record's change (an application: commit)."""
    if case is None:
        session.commit()
    elif access.acts_as_centre(session, actor, mediation):
        workflow.return_from_centre(
            session, actor, case.id, on=on, agreed=agreed, note=note[:1000], mediation_id=mediation.id
        )
    else:
        workflow.return_from_mediation(
            session,
            actor,
            case.id,
            case.version,
            on=on,
            agreed=agreed,
            note=note[:1000],
            mediation_id=mediation.id,
        )
    session.refresh(mediation)
    return mediation


def _finish(session: Session, mediation: MediationCase, version: int) -> None:
    """Bump the record's version with a guarded UPDATE, so two writers cannot both win."""
    access.bump_version(session, mediation, version)


def next_number(session: Session, on: date) -> str:
    """Return the next mediation number of the year, 调解 TJ-2026-000001."""
    prefix = f"TJ-{on.year}-"
    throttle.lock(session, "mediation_number", on.year)  # count + 1: one taker at a time until commit
    count = session.exec(select(func.count()).where(MediationCase.number.startswith(prefix))).one()
    return f"{prefix}{count + 1:06d}"


__all__ = [
    "CASE_ACTIONS",
    "ENDED",
    "Outcome",
    "conclude_mediation",
    "consents",
    "open_mediation",
    "record_consent",
    "refer_case",
    "split_parties",
    "take_back",
]
