"""Personal data by role: masked ID numbers and phones, the accuser's identity kept from the accused (第30条)."""

from __future__ import annotations

from sqlmodel import Session, select

from core.accounts import audit, permissions
from core.platform.errors import NotFound, PermissionDenied, ValidationError
from i18n import t
from models import Attachment, Case, CaseParty, Category, PartyRole, Person, Role, Unit, UnitKind, User

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


def mask_name(value: str | None) -> str | None:
    """Return a name with only its first character shown: 张*."""
    if not value:
        return value
    return value[0] + "*" * max(len(value) - 1, 1)


def is_sensitive(case: Case) -> bool:
    """Return whether the case is an accusation or marked confidential."""
    return bool(case.confidential) or Category(case.category) == Category.ACCUSATION


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


def _hidden_row(row: dict, person: Person, leader: bool) -> dict:
    if leader:  # a leader learns that someone petitioned, masked; never the full identity
        return row | {
            "name": mask_name(person.name),
            **_contact(person, False),
            "address": None,
            "masked": True,
            "can_reveal": False,
        }
    return row | {
        "name": None,
        "id_number": None,
        "phone": None,
        "address": None,
        "hidden": True,
        "masked": False,
        "can_reveal": False,
    }


def _party_row(
    party: CaseParty, person: Person, *, identity: bool, full: bool, reveal: bool, leader: bool
) -> dict:
    row = {"person_id": person.id, "role": PartyRole(party.role).value, "hidden": False}
    if PartyRole(party.role) in ACCUSER_ROLES and not identity:
        return _hidden_row(row, person, leader)
    masked = not full and bool(person.id_number or person.phone)
    return row | {
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
        "leader": Role(user.role) == Role.LEADER,
    }
    stmt = (
        select(CaseParty, Person)
        .join(Person, Person.id == CaseParty.person_id)
        .where(CaseParty.case_id == case.id)
        .order_by(CaseParty.id)
    )
    return [_party_row(party, person, **flags) for party, person in session.exec(stmt)]


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
