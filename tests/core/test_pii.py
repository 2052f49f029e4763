"""Masking by role, and the accuser's identity kept from the accused unit (第30条); revealing is audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlmodel import Session, select

from core.accounts import pii
from core.platform.errors import PermissionDenied, ValidationError
from models import (
    Attachment,
    Case,
    CaseEvent,
    CaseParty,
    CaseUnit,
    Category,
    Channel,
    PartyRole,
    Person,
    Role,
    Unit,
    UnitKind,
    UnitRole,
    User,
)
from tests.factories import make_unit, make_user, unique

ID_NUMBER = "11010519491231002X"
PHONE = "13812341234"


def test_id_numbers_and_phones_are_masked():
    assert pii.mask_id_number(ID_NUMBER) == "110105********002X"
    assert pii.mask_id_number("110105491231002") == "110105*****1002"  # old 15-digit number
    assert pii.mask_phone(PHONE) == "138****1234"
    assert pii.mask_phone("023-6788123") == "023****8123"
    assert pii.mask_id_number(None) is None and pii.mask_phone("") == ""


@dataclass
class World:
    discipline: Unit  # 纪检监察: leads the accusation case
    accused: Unit  # the accused department, consulted as an assisting unit
    accusation: Case
    ordinary: Case
    accuser: Person
    official: Person


def _case(session: Session, lead: Unit, category: Category, *, assisting: Unit | None = None) -> Case:
    case = Case(
        number=unique("JB-")[:20],
        channel=Channel.LETTER,
        received_on=date(2026, 3, 2),
        subject="other",
        title="反映某局干部问题",
        content="……",
        category=category,
        lead_unit_id=lead.id,
    )
    session.add(case)
    session.flush()
    if assisting:
        session.add(CaseUnit(case_id=case.id, unit_id=assisting.id, role=UnitRole.ASSIST))
    return case


def _party(session: Session, case: Case, person: Person, role: PartyRole) -> None:
    session.add(CaseParty(case_id=case.id, person_id=person.id, role=role))


@pytest.fixture()
def world(session) -> World:
    discipline = make_unit(session, name="区纪委监委", kind=UnitKind.DISCIPLINE)
    accused = make_unit(session, name="区住建委")
    accuser = Person(name="张三", id_number=ID_NUMBER, phone=PHONE, address="江北区建新北路1号")
    official = Person(name="李四", phone="13900001111")
    session.add_all([accuser, official])
    session.flush()
    accusation = _case(session, discipline, Category.ACCUSATION, assisting=accused)
    ordinary = _case(session, accused, Category.COMPLAINT)
    for case in (accusation, ordinary):
        _party(session, case, accuser, PartyRole.PETITIONER)
    _party(session, accusation, official, PartyRole.RESPONDENT)
    session.add(
        Attachment(
            case_id=accusation.id,
            sha256="a" * 64,
            filename="举报信.pdf",
            mime_type="application/pdf",
            size=10,
            confidential=True,
        )
    )
    session.commit()
    return World(discipline, accused, accusation, ordinary, accuser, official)


def _handler(session: Session, unit: Unit) -> User:
    return make_user(session, Role.HANDLER, unit=unit)


def test_who_may_know_the_accuser(session, world):
    people = {
        "discipline_handler": _handler(session, world.discipline),
        "accused_handler": _handler(session, world.accused),
        "admin": make_user(session, Role.ADMIN),
        "registrar": make_user(session, Role.REGISTRAR),
        "supervisor": make_user(session, Role.SUPERVISOR),
        "leader": make_user(session, Role.LEADER),
        "mediator": make_user(session, Role.MEDIATOR),
    }
    knows = {name for name, user in people.items() if pii.can_see_identity(user, world.accusation)}
    assert knows == {"discipline_handler", "admin", "registrar", "supervisor"}
    assert pii.can_see_identity(people["accused_handler"], world.ordinary)  # his own, ordinary case


def test_a_confidential_case_led_by_an_ordinary_department_hides_the_petitioner_from_its_handler(
    session, world
):
    world.ordinary.confidential = True
    session.commit()
    assert not pii.can_see_identity(_handler(session, world.accused), world.ordinary)


def _by_role(rows: list[dict]) -> dict[str, dict]:
    return {row["role"]: row for row in rows}


def test_the_accused_unit_sees_the_accusation_without_the_accusers_identity(session, world):
    rows = _by_role(pii.party_view(session, _handler(session, world.accused), world.accusation))
    accuser = rows["petitioner"]
    assert accuser["hidden"] is True
    assert [accuser[k] for k in ("name", "id_number", "phone", "address")] == [None] * 4
    assert rows["respondent"]["name"] == "李四"
    assert pii.visible_attachments(session, _handler(session, world.accused), world.accusation) == []


def test_the_discipline_handler_sees_the_accuser_masked_and_may_reveal(session, world):
    handler = _handler(session, world.discipline)
    accuser = _by_role(pii.party_view(session, handler, world.accusation))["petitioner"]
    assert accuser["name"] == "张三" and accuser["id_number"] == "110105********002X"
    assert accuser["phone"] == "138****1234" and accuser["can_reveal"] is True
    assert [a.filename for a in pii.visible_attachments(session, handler, world.accusation)] == ["举报信.pdf"]


def test_a_registrar_sees_full_numbers_and_a_leader_masked_ones_but_no_accuser(session, world):
    full = _by_role(pii.party_view(session, make_user(session, Role.REGISTRAR), world.accusation))[
        "petitioner"
    ]
    assert full["id_number"] == ID_NUMBER and full["masked"] is False
    leader = make_user(session, Role.LEADER)
    ordinary = _by_role(pii.party_view(session, leader, world.ordinary))["petitioner"]
    assert ordinary["name"] == "张三" and ordinary["phone"] == "138****1234"
    assert ordinary["can_reveal"] is False
    # on the accusation he learns only that someone petitioned: no masked name, numbers or person id
    accuser = _by_role(pii.party_view(session, leader, world.accusation))["petitioner"]
    assert accuser == {"role": "petitioner"} | pii.HIDDEN_PARTY


def test_a_hidden_accuser_carries_no_person_id_that_leads_to_his_other_cases(session, world):
    handler = _handler(session, world.accused)
    hidden = _by_role(pii.party_view(session, handler, world.accusation))["petitioner"]
    shown = _by_role(pii.party_view(session, handler, world.ordinary))["petitioner"]
    assert shown["person_id"] == world.accuser.id  # his own unit's ordinary case names the same person
    assert hidden["person_id"] is None
    assert set(hidden.values()) <= {None, True, False, "petitioner"}  # nothing derived from the person


def test_party_view_refuses_a_case_out_of_scope(session, world):
    stranger = _handler(session, make_unit(session))
    with pytest.raises(PermissionDenied):
        pii.party_view(session, stranger, world.ordinary)


def _reveals(session: Session) -> list[CaseEvent]:
    return list(session.exec(select(CaseEvent).where(CaseEvent.action == "pii.reveal")).all())


def test_revealing_returns_the_full_value_and_is_audited(session, world):
    supervisor = make_user(session, Role.SUPERVISOR)
    value = pii.reveal(session, supervisor, world.accusation.id, world.accuser.id, "id_number")
    assert value == ID_NUMBER
    [event] = _reveals(session)
    assert (event.actor_id, event.object_type, event.object_id) == (supervisor.id, "person", world.accuser.id)
    assert event.case_id == world.accusation.id and event.after == {"field": "id_number"}
    assert ID_NUMBER not in str(event.after)


def test_the_accused_unit_and_the_leader_cannot_reveal_the_accuser(session, world):
    for user in (_handler(session, world.accused), make_user(session, Role.LEADER)):
        with pytest.raises(PermissionDenied):
            pii.reveal(session, user, world.accusation.id, world.accuser.id, "phone")
    assert _reveals(session) == []
    assert pii.reveal(
        session, _handler(session, world.accused), world.accusation.id, world.official.id, "phone"
    )


def test_only_personal_fields_can_be_revealed(session, world):
    with pytest.raises(ValidationError):
        pii.reveal(
            session, make_user(session, Role.ADMIN), world.accusation.id, world.accuser.id, "password_hash"
        )


def _agree_on(session, users: dict[str, User], cases: list[Case]) -> dict:
    """Return, per user and case, (Python's answer, SQL's answer) to "may he know the accuser?"."""
    from core.accounts import permissions

    out = {}
    for name, user in users.items():
        for case in cases:
            stmt = select(Case.id).where(Case.id == case.id, pii.identity_clause(user))
            in_sql = session.exec(permissions.scope_cases(stmt, user)).first() is not None
            out[(name, case.id)] = (pii.can_see_identity(user, case), in_sql)
    return out


def test_the_sql_and_the_python_forms_of_the_identity_rule_agree(session, world):
    petition_office = make_unit(session, name="区信访办", kind=UnitKind.PETITION_OFFICE)
    confidential = _case(session, world.accused, Category.COMPLAINT, assisting=petition_office)
    confidential.confidential = True
    led_by_office = _case(session, petition_office, Category.ACCUSATION, assisting=world.discipline)
    session.commit()
    users = {
        "discipline_handler": _handler(session, world.discipline),
        "accused_handler": _handler(session, world.accused),
        "office_handler": _handler(session, petition_office),
        "stranger_handler": _handler(session, make_unit(session)),
        **{role.value: make_user(session, role) for role in Role},
    }
    cases = [world.accusation, world.ordinary, confidential, led_by_office]
    answers = _agree_on(session, users, cases)
    assert all(python == sql for python, sql in answers.values()), answers
    knows = {(n, c) for (n, c), (python, _) in answers.items() if python}
    # worked out by hand: sensitive cases only for the office roles and a trusted lead unit's handler
    assert ("accused_handler", world.ordinary.id) in knows
    assert ("accused_handler", world.accusation.id) not in knows
    assert ("accused_handler", confidential.id) not in knows  # his unit leads, but is no trusted kind
    assert ("office_handler", confidential.id) not in knows  # assisting a confidential case: no
    assert ("office_handler", led_by_office.id) in knows
    assert ("discipline_handler", led_by_office.id) not in knows  # assisting
    assert {n for n, c in knows if c == world.accusation.id} == {
        "discipline_handler", "admin", "registrar", "supervisor"
    }  # fmt: skip
    assert not any(n in ("leader", "mediator") for n, c in knows if c != world.ordinary.id)
