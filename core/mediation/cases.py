"""Mediation cases at the centre: an application taken directly (walk-in, grid report, the committee's own
initiative, 人民调解法第17条), its mediators (one lead and co-mediators, 第19条) and its sessions (第27条).

Consent and the result are referral.py's record_consent and conclude_mediation, which serve applications
and referred petition cases alike. Each write checks, validates, audits and commits once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlmodel import Session, delete, select

from core.accounts import audit
from core.accounts.permissions import require
from core.mediation import access, assignment
from core.mediation.referral import ENDED, M, next_number, split_parties
from core.platform import timeutil
from core.platform.errors import IllegalTransition, StaleVersion
from core.platform.validation import Errors
from i18n import t
from models import (
    Community,
    Grid,
    MediationCase,
    MediationKind,
    MediationMediator,
    MediationSession,
    MediationSource,
    Mediator,
    Role,
    Street,
    User,
)

APPLICATION_SOURCES = (MediationSource.WALK_IN, MediationSource.GRID_REPORT, MediationSource.INITIATIVE)


def open_application(
    session: Session,
    actor: User,
    *,
    on: date,
    source: MediationSource | str,
    kind: MediationKind | str,
    dispute_type: str,
    title: str,
    parties: str | Sequence[str],
    summary: str | None = None,
    street_id: int | None = None,
    grid_id: int | None = None,
    lead_mediator_id: int | None = None,
) -> MediationCase:
    """Register a mediation applied for at the centre; a mediator who registers it leads it unless another
    is named. The parties' consent comes next (record_consent)."""
    try:
        require(actor, "mediation.open")
        errors, names = Errors(), split_parties(parties)
        errors.date("on", on)
        source = _enum(errors, "source", MediationSource, source, APPLICATION_SOURCES)
        kind = _enum(errors, "mediation_kind", MediationKind, kind)
        errors.text("dispute_type", dispute_type)
        errors.text("title", title)
        errors.text("dispute_summary", summary, required=False)
        errors.text("parties", "、".join(names))
        for i, name in enumerate(names):
            errors.text(f"parties.{i}.name", name)
        if len(names) < 2:
            errors.add("parties", t("mediation.error.two_parties"))
        street_id = _place(session, errors, street_id, grid_id)
        if lead_mediator_id is None and Role(actor.role) == Role.MEDIATOR:
            lead_mediator_id = session.exec(access.my_mediator_ids(actor)).first()
        lead = _mediators(session, errors, "lead_mediator_id", [lead_mediator_id] if lead_mediator_id else [])
        errors.raise_if_any()
        mediation = MediationCase(
            number=next_number(session, on),
            kind=kind,
            dispute_type=dispute_type.strip(),
            title=title.strip(),
            parties="、".join(names),
            summary=(summary or "").strip() or None,
            grid_id=grid_id,
            street_id=street_id,
            status=M.APPLIED,
            applied_on=on,
            source=source,
        )
        session.add(mediation)
        session.flush()
        for mediator in lead:
            session.add(MediationMediator(mediation_id=mediation.id, mediator_id=mediator.id, is_lead=True))
        after = audit.snapshot(mediation, ("number", "source", "dispute_type", "parties", "applied_on"))
        after["mediation_kind"] = mediation.kind
        if lead:
            after["lead_mediator"] = lead[0].name
        access.record(session, actor, mediation, "mediation.open", None, after)
        session.commit()
    except Exception:
        session.rollback()
        raise
    session.refresh(mediation)
    return mediation


def assign_mediators(
    session: Session,
    actor: User,
    mediation_id: int,
    version: int,
    *,
    lead_id: int,
    co_ids: Sequence[int] = (),
) -> MediationCase:
    """Name the mediation's lead mediator and co-mediators (第19条), replacing those named before."""
    try:
        mediation = _open_for_change(session, actor, mediation_id, version)
        errors = Errors()
        co_ids = [i for i in dict.fromkeys(co_ids) if i != lead_id]
        lead = _mediators(session, errors, "lead_id", [lead_id])
        co = _mediators(session, errors, "co_ids", co_ids)
        assignment.check_hard_case(session, errors, mediation, lead[0] if lead else None, co_ids)
        errors.raise_if_any()
        before = mediators_of(session, mediation.id)
        session.exec(delete(MediationMediator).where(MediationMediator.mediation_id == mediation.id))
        session.flush()
        for mediator in lead:
            session.add(MediationMediator(mediation_id=mediation.id, mediator_id=mediator.id, is_lead=True))
        for mediator in co:
            session.add(MediationMediator(mediation_id=mediation.id, mediator_id=mediator.id, is_lead=False))
        after = {"lead_mediator": lead[0].name, "co_mediators": "、".join(m.name for m in co) or None}
        old = {
            "lead_mediator": next((m.name for m, is_lead in before if is_lead), None),
            "co_mediators": "、".join(m.name for m, is_lead in before if not is_lead) or None,
        }
        old, after = audit.diff(old, after)
        access.record(session, actor, mediation, "mediation.assign", old, after)
        access.bump_version(session, mediation, version)
        session.commit()
    except Exception:
        session.rollback()
        raise
    session.refresh(mediation)
    return mediation


def record_session(
    session: Session,
    actor: User,
    mediation_id: int,
    version: int,
    *,
    held_at: datetime,
    place: str,
    present: str,
    notes: str,
) -> MediationSession:
    """Record a mediation session (调解记录, 第27条): when, where, who was present and what was said."""
    try:
        mediation = _open_for_change(session, actor, mediation_id, version)
        if mediation.status != M.ACCEPTED:
            raise IllegalTransition(t("mediation.error.no_consent"))
        errors = Errors()
        if held_at is None:
            errors.add("held_at", t("workflow.error.required", field=t("workflow.field.held_at")))
        else:
            held_at = held_at if held_at.tzinfo else held_at.replace(tzinfo=timeutil.now().tzinfo)
            errors.date("held_at", timeutil.to_local(held_at).date(), after=mediation.accepted_on,
                        after_field="accepted_on")  # fmt: skip
        errors.text("place", place)
        errors.text("present", present)
        errors.text("notes", notes)
        errors.raise_if_any()
        row = MediationSession(
            mediation_id=mediation.id,
            held_at=held_at,
            place=place.strip(),
            present=present.strip(),
            notes=notes.strip(),
            recorded_by_id=actor.id,
        )
        session.add(row)
        after = {"session_on": timeutil.to_local(held_at).date(), "place": row.place, "present": row.present}
        access.record(session, actor, mediation, "mediation.session", None, after, note=row.notes[:1000])
        access.bump_version(session, mediation, version)
        session.commit()
    except Exception:
        session.rollback()
        raise
    session.refresh(row)
    return row


def mediators_of(session: Session, mediation_id: int) -> list[tuple[Mediator, bool]]:
    """Return the mediation's mediators with whether each leads, the lead first."""
    stmt = (
        select(Mediator, MediationMediator.is_lead)
        .join(MediationMediator, MediationMediator.mediator_id == Mediator.id)
        .where(MediationMediator.mediation_id == mediation_id)
        .order_by(MediationMediator.is_lead.desc(), MediationMediator.id)
    )
    return [(m, bool(lead)) for m, lead in session.exec(stmt).all()]


# --- the shared steps -----------------------------------------------------------------------------


def _open_for_change(session: Session, actor: User, mediation_id: int, version: int) -> MediationCase:
    mediation = access.get_mediation(session, actor, mediation_id, for_update=True)
    access.require_act(session, actor, mediation)
    if mediation.status in ENDED:
        raise IllegalTransition(t("mediation.error.ended"))
    if mediation.version != version:
        raise StaleVersion(t("workflow.stale_unknown"))
    return mediation


def _enum(errors: Errors, field: str, enum_cls, value, allowed=None):
    try:
        found = enum_cls(value)
    except ValueError:
        found = None
    if found is None or (allowed is not None and found not in allowed):
        errors.add(field, t("mediation.error.choose", field=t(f"workflow.field.{field}")))
    return found


def _place(session: Session, errors: Errors, street_id: int | None, grid_id: int | None) -> int | None:
    """Return the street of the dispute, from the grid when one is given."""
    if grid_id is not None:
        grid = session.get(Grid, grid_id)
        if grid is None:
            errors.add("grid_id", t("mediation.error.place"))
            return street_id
        community = session.get(Community, grid.community_id)
        if street_id is not None and community.street_id != street_id:
            errors.add("grid_id", t("records.error.grid_outside_street"))
        return community.street_id
    if street_id is not None and session.get(Street, street_id) is None:
        errors.add("street_id", t("mediation.error.place"))
    return street_id


def _mediators(session: Session, errors: Errors, field: str, ids: Sequence[int]) -> list[Mediator]:
    found = []
    for mediator_id in ids:
        mediator = session.get(Mediator, mediator_id) if mediator_id is not None else None
        if mediator is None or not mediator.active:
            errors.add(field, t("mediation.error.mediator"))
        else:
            found.append(mediator)
    return found
