"""Reception days: the cases a leader received in person and what became of them; who may look."""

from __future__ import annotations

from datetime import date

import pytest

from core.cases import reception
from core.places import places
from core.platform.errors import PermissionDenied, ValidationError
from models import Channel, Outcome, Role
from tests.factories import START, act, inputs, make_unit, make_user, register

DAY = date(2025, 3, 5)


def _received(session, leader, channel=Channel.LEADER_RECEPTION, on=DAY, **extra):
    return register(
        session, leader, channel=channel, received_on=on, received_by_leader_id=leader.id, **extra
    )


@pytest.fixture()
def world(session):
    wang = make_user(session, Role.LEADER, name="王区长")
    li = make_user(session, Role.LEADER, name="李副区长")
    onsite = _received(
        session,
        wang,
        Channel.ONSITE_OFFICE,
        onsite_resolved=True,
        onsite_outcome=Outcome.SUPPORT,
        onsite_note="现场协调物业修复路灯",
    )
    open_case = _received(session, wang)
    admin = make_user(session, Role.ADMIN)
    unit = make_unit(session)
    for action in ("assign", "accept"):
        act(session, admin, open_case, action, **inputs(action, DAY, unit_id=unit.id))
    _received(session, wang, on=date(2025, 4, 1))  # outside the range below
    _received(session, li)  # another leader's
    register(
        session, wang, channel=Channel.VISIT, received_on=DAY, received_by_leader_id=wang.id
    )  # not reception
    return wang, li, onsite, open_case


def test_a_leader_sees_his_reception_cases_and_what_became_of_them(session, world):
    wang, _, onsite, open_case = world
    rows = reception.reception_cases(session, wang, wang.id, START, date(2025, 3, 31))
    assert [(r.number, r.channel, r.status, r.outcome, r.onsite_resolved, r.closed_on) for r in rows] == [
        (onsite.number, "onsite_office", "closed", "support", True, DAY),
        (open_case.number, "leader_reception", "handling", None, False, None),
    ]
    assert reception.summarise(rows) == reception.ReceptionSummary(
        total=2, onsite_resolved=1, closed=1, rated=0, satisfied=0
    )


def test_a_leader_may_not_look_at_another_leaders_days_but_the_office_may(session, world):
    wang, li, _, _ = world
    with pytest.raises(PermissionDenied):
        reception.reception_cases(session, wang, li.id, START, DAY)
    for role in (Role.REGISTRAR, Role.SUPERVISOR, Role.ADMIN):
        assert len(reception.reception_cases(session, make_user(session, role), li.id, START, DAY)) == 1
    with pytest.raises(PermissionDenied):
        reception.reception_cases(session, make_user(session, Role.HANDLER), wang.id, START, DAY)


def test_the_leaders_are_listed_by_name_and_a_range_is_checked(session, world):
    wang, li, _, _ = world
    assert [(c.id, c.name) for c in places.leaders(session, fresh=True)] == sorted(
        [(wang.id, "王区长"), (li.id, "李副区长")], key=lambda x: x[1]
    )
    with pytest.raises(ValidationError):
        reception.reception_cases(session, wang, wang.id, DAY, START)
