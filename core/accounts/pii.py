"""Personal data by role: masked ID numbers and phones, the accuser's identity kept from the accused (第30条)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, select

from core.accounts import audit, permissions
from core.platform.errors import NotFound, PermissionDenied, ValidationError
from i18n import t
from models import (
    Attachment,
    Case,
    CaseEvent,
    CaseParty,
    Category,
    PartyRole,
    Person,
    Role,
    Unit,
    UnitKind,
    User,
)

REVEALABLE = ("id_number", "phone", "address")
# Units that receive accusations (纪检监察) or run the petition office may know the accuser.
TRUSTED_UNIT_KINDS = frozenset({UnitKind.DISCIPLINE, UnitKind.PETITION_OFFICE})
ACCUSER_ROLES = frozenset({PartyRole.PETITIONER, PartyRole.REPRESENTATIVE})


def mask_id_number(value: str | None) -> str | None:
    """Return an ID number with only its first 6 and last 4 characters shown: 110105********002X."""
    if not value:
        return value
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str | None) -> str | None:
    """Return a phone number with only its first 3 and last 4 digits shown: 138****1234."""
    if not value:
        return value
    if len(value) < 8:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def is_sensitive(case: Case) -> bool:
    """Return whether the case is an accusation or marked confidential."""
    return bool(case.confidential) or Category(case.category) == Category.ACCUSATION


def sensitive_clause() -> sa.ColumnElement[bool]:
    """Return the SQL condition of `is_sensitive`."""
    return sa.or_(Case.category == Category.ACCUSATION.value, Case.confidential.is_(True))


def identity_clause(user: User | None) -> sa.ColumnElement[bool]:
    """Return the SQL form of `can_see_identity` for a query over Case already narrowed by scope_cases.

    The same rule in the same order: not sensitive; else the role may know accusers; a handler only when his
    unit leads the case and is a trusted kind (a constant subquery, so the database evaluates it once).
    """
    open_case = sa.not_(sensitive_clause())
    if not permissions.allowed(user, "case.identity"):
        return open_case
    if Role(user.role) != Role.HANDLER:
        return sa.true()
    trusted = select(Unit.id).where(
        Unit.id == user.unit_id, Unit.kind.in_([k.value for k in TRUSTED_UNIT_KINDS])
    )
    return sa.or_(open_case, Case.lead_unit_id.in_(trusted))


def sees_every_identity(user: User | None) -> bool:
    """Return whether `identity_clause` holds for every case the user may see (no search needs narrowing)."""
    return permissions.allowed(user, "case.identity") and Role(user.role) != Role.HANDLER


def _lead_unit_trusted(case: Case) -> bool:
    session = Session.object_session(case)
    unit = session.get(Unit, case.lead_unit_id) if session is not None and case.lead_unit_id else None
    return unit is not None and UnitKind(unit.kind) in TRUSTED_UNIT_KINDS


def can_see_identity(user: User | None, case: Case) -> bool:
    """Return whether the user may know who petitioned (always, unless the case is sensitive and he has no need)."""
    if not permissions.case_in_scope(user, case):
        return False
    if not is_sensitive(case):
        return True
    if not permissions.allowed(user, "case.identity"):
        return False
    if Role(user.role) != Role.HANDLER:
        return True
    return case.lead_unit_id == user.unit_id and _lead_unit_trusted(case)


def _contact(person: Person, full: bool) -> dict:
    return {
        "id_number": person.id_number if full else mask_id_number(person.id_number),
        "phone": person.phone if full else mask_phone(person.phone),
    }


HIDDEN_PARTY = {
    "person_id": None,
    "name": None,
    "id_number": None,
    "phone": None,
    "address": None,
    "hidden": True,
    "masked": False,
    "can_reveal": False,
}  # an accuser kept from this user: only that someone petitioned, nothing that leads to the person


def _party_row(party: CaseParty, person: Person, *, identity: bool, full: bool, reveal: bool) -> dict:
    role = PartyRole(party.role)
    if role in ACCUSER_ROLES and not identity:
        return {"role": role.value} | HIDDEN_PARTY
    masked = not full and bool(person.id_number or person.phone)
    return {
        "person_id": person.id,
        "role": role.value,
        "hidden": False,
        "name": person.name,
        "address": person.address,
        **_contact(person, full),
        "masked": masked,
        "can_reveal": masked and reveal,
    }


def party_view(session: Session, user: User, case: Case) -> list[dict]:
    """Return the case's parties as the user may see them: names, ID numbers, phones, addresses masked or hidden."""
    permissions.require_case(user, "case.view", case)
    flags = {
        "identity": can_see_identity(user, case),
        "full": permissions.allowed(user, "pii.view"),
        "reveal": permissions.allowed(user, "pii.reveal"),
    }
    stmt = (
        select(CaseParty, Person)
        .join(Person, Person.id == CaseParty.person_id)
        .where(CaseParty.case_id == case.id)
        .order_by(CaseParty.id)
    )
    return [_party_row(party, person, **flags) for party, person in session.exec(stmt)]


# What an event may carry that leads to the accuser: the parties (person ids), his words, his address on
# the internet (self-service), the link to his other petitions; attachments and reveals name his material.
IDENTITY_KEYS = frozenset(
    {"parties", "content", "request", "client", "repeat_of_id", "repeat_of", "new_facts", "end_reason"}
)  # end_reason of a repeat names the earlier case
SHIELDED_OBJECTS = frozenset({"attachment", "person"})


def _cut(values: dict | None, whole: bool) -> dict | None:
    if not values or whole:
        return None
    return {k: v for k, v in values.items() if k not in IDENTITY_KEYS} or None


def _shielded_event(event: CaseEvent) -> CaseEvent:
    whole = event.object_type in SHIELDED_OBJECTS
    copy = CaseEvent(**{c.name: getattr(event, c.name) for c in CaseEvent.__table__.columns})
    copy.before, copy.after = _cut(event.before, whole), _cut(event.after, whole)
    if whole:
        copy.object_id = None
    return copy  # a detached copy: the stored event stays as it is (the log is append-only)


def events_for(user: User, case: Case, events: list[CaseEvent]) -> list[CaseEvent]:
    """Return the case's events as the user may see them: without what leads to an accuser kept from him."""
    if can_see_identity(user, case):
        return events
    return [_shielded_event(e) for e in events]


def attachment_visible(user: User, case: Case, attachment: Attachment) -> bool:
    """Return whether the user may see this attachment (the accuser's material stays with those who need it)."""
    if not permissions.case_in_scope(user, case):
        return False
    if attachment.confidential or is_sensitive(case):
        return can_see_identity(user, case)
    return True


def visible_attachments(session: Session, user: User, case: Case) -> list[Attachment]:
    """Return the case's attachments the user may see, oldest first."""
    permissions.require_case(user, "case.view", case)
    stmt = (
        select(Attachment)
        .where(Attachment.case_id == case.id)
        .order_by(Attachment.uploaded_at, Attachment.id)
    )
    return [a for a in session.exec(stmt).all() if attachment_visible(user, case, a)]


def reveal(session: Session, actor: User, case_id: int, person_id: int, field: str) -> str | None:
    """Return one full value of a party's personal data, writing the audit event "pii.reveal" first."""
    if field not in REVEALABLE:
        raise ValidationError(t("pii.field_invalid"), field="field")
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(t("error.not_found"))
    permissions.require_case(actor, "pii.reveal", case)
    party = session.exec(
        select(CaseParty).where(CaseParty.case_id == case_id, CaseParty.person_id == person_id)
    ).first()
    if party is None:
        raise NotFound(t("error.not_found"))
    if PartyRole(party.role) in ACCUSER_ROLES and not can_see_identity(actor, case):
        raise PermissionDenied(t("error.forbidden"))
    person = session.get(Person, person_id)
    audit.record(
        session,
        actor,
        "pii.reveal",
        object_type="person",
        object_id=person_id,
        case_id=case_id,
        after={"field": field},
    )
    session.commit()
    return getattr(person, field)
