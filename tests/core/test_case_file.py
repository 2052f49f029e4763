"""The case file read: everything the page shows, scoped to the user, in a bounded number of queries."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date

import pytest
import sqlalchemy as sa

from core.cases import case_file
from core.platform.errors import NotFound
from models import CaseStatus, Document, DocumentKind, PartyRole, Role
from tests.factories import START, act, case_in_status, inputs, make_unit, make_user, person_in, register

S = CaseStatus
TODAY = date(2025, 3, 10)


@contextmanager
def counted(engine):
    """Count the SQL statements run on the engine inside the block."""
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)


def test_an_assigned_case_shows_its_units_stages_and_the_handlers_actions(session):
    unit, helper = make_unit(session, name="区住建委"), make_unit(session, name="观音桥街道")
    case = register(session)
    admin = make_user(session, Role.ADMIN)
    act(
        session,
        admin,
        case,
        "assign",
        lead_unit_id=unit.id,
        assisting_unit_ids=[helper.id],
        on=date(2025, 3, 4),
    )
    handler = make_user(session, Role.HANDLER, unit=unit)

    file = case_file.load(session, handler, case.id, TODAY)

    assert [(u.name, u.role) for u in file.units] == [("区住建委", "lead"), ("观音桥街道", "assist")]
    assert file.actions == ["accept", "decline", "raise_objection"]
    # Received Mon 03-03: triage due Tue 03-18, done 03-04. Assigned Tue 03-04: acceptance due in 15 days,
    # Wed 03-19; an objection within 5 working days, 03-05..03-07 and 03-10..03-11, so Tue 03-11.
    stages = {s.stage: (s.on, s.current, s.running, s.done_on) for s in file.stages}
    assert stages == {
        "triage": (date(2025, 3, 18), False, False, date(2025, 3, 4)),
        "acceptance": (date(2025, 3, 19), True, True, None),
        "objection": (date(2025, 3, 11), False, True, None),
    }
    assert [e.action for e in file.events] == ["register", "assign"]
    assert file.missing_meetings  # a first petition, no meeting yet
    assert [row["role"] for row in file.parties] == ["petitioner"]


def test_a_leader_may_take_charge_but_not_accept(session):
    case = case_in_status(session, S.ASSIGNED)
    leader = make_user(session, Role.LEADER)
    assert case_file.load(session, leader, case.id, TODAY).actions == ["take_charge", "link_repeat"]


def test_another_units_handler_is_told_the_case_is_not_found(session):
    case = case_in_status(session, S.ASSIGNED)
    stranger = make_user(session, Role.HANDLER)
    with pytest.raises(NotFound):
        case_file.load(session, stranger, case.id, TODAY)


def test_linked_cases_in_every_direction_and_scoped_to_the_handler(session):
    admin = make_user(session, Role.ADMIN)
    unit = make_unit(session)
    earlier = case_in_status(session, S.DECLINED, actor=admin, unit=unit)  # off the track: links stay plain
    case = register(session, admin)
    act(session, admin, case, "link_repeat", repeat_of_id=earlier.id)
    later = register(session, admin)
    act(
        session, admin, later, "link_repeat", repeat_of_id=case.id, new_facts="又发现新的漏水点"
    )  # a new matter
    duplicate = register(session, admin)
    act(session, admin, duplicate, "merge", into_case_id=case.id, on=START)

    links = {(link.relation, link.number) for link in case_file.load(session, admin, case.id, TODAY).linked}
    assert links == {
        ("repeat_of", earlier.number),
        ("repeated_by", later.number),
        ("merged_from", duplicate.number),
    }
    merged = case_file.load(session, admin, duplicate.id, TODAY).linked
    assert [(m.relation, m.number, m.status) for m in merged] == [("merged_into", case.number, "registered")]
    # A handler of the earlier case's unit sees that case, not the registered ones outside his unit.
    handler = make_user(session, Role.HANDLER, unit=unit)
    assert [link.number for link in case_file.linked_cases(session, handler, case)] == [earlier.number]
    act(session, admin, later, "assign", lead_unit_id=unit.id, on=START)
    seen = [link.number for link in case_file.linked_cases(session, handler, case)]
    assert seen == [earlier.number, later.number]


def test_the_query_count_does_not_grow_with_events_parties_meetings_or_links(session, engine):
    admin = make_user(session, Role.ADMIN)
    small = case_in_status(session, S.HANDLING, actor=admin)
    big = case_in_status(
        session,
        S.HANDLING,
        actor=admin,
        group_size=3,
        petitioners=[person_in(), person_in(name="李四"), person_in(name="王五")],
    )
    for n in range(3):
        act(session, admin, big, "record_meeting", **inputs("record_meeting", START.replace(day=5 + n)))
        other = register(session, admin)
        act(session, admin, other, "link_repeat", repeat_of_id=big.id)
        session.add(
            Document(kind=DocumentKind.REPLY_OPINION, number=f"D-{n}", case_id=big.id, title="意见书")
        )
    session.commit()

    def queries(case_id):
        session.expunge_all()
        with counted(engine) as statements:
            case_file.load(session, admin, case_id, TODAY)
        return len(statements)

    few, many = queries(small.id), queries(big.id)
    assert many == few, (few, many)
    assert many <= 12, many


def test_the_petitioner_of_an_accusation_is_hidden_from_an_assisting_units_handler(session):
    from models import UnitKind

    discipline = make_unit(session, name="区纪委监委", kind=UnitKind.DISCIPLINE)
    accused = make_unit(session, name="区住建委")
    case = register(session, category="accusation", petitioners=[person_in(name="张三")])
    act(
        session,
        make_user(session, Role.ADMIN),
        case,
        "assign",
        lead_unit_id=discipline.id,
        assisting_unit_ids=[accused.id],
        on=START,
    )
    rows = case_file.load(session, make_user(session, Role.HANDLER, unit=accused), case.id, TODAY).parties
    assert [(r["role"], r["hidden"], r["name"]) for r in rows] == [(PartyRole.PETITIONER.value, True, None)]
    lead = case_file.load(session, make_user(session, Role.HANDLER, unit=discipline), case.id, TODAY).parties
    assert lead[0]["name"] == "张三" and lead[0]["can_reveal"] is True


def test_a_case_number_is_found_only_when_visible(session):
    case = case_in_status(session, S.ASSIGNED)
    admin = make_user(session, Role.ADMIN)
    assert case_file.case_id_for_number(session, admin, f" {case.number.lower()} ") == case.id
    assert case_file.case_id_for_number(session, make_user(session, Role.HANDLER), case.number) is None
    assert case_file.case_id_for_number(session, admin, "") is None


def test_a_stage_done_late_keeps_its_due_date_and_the_day_it_was_done(session):
    case = register(session, received_on=date(2025, 1, 2))
    admin = make_user(session, Role.ADMIN)
    # Received Thu 01-02: 15 days end Fri 01-17; triaged on Mon 02-03, late.
    act(session, admin, case, "forward", lead_unit_id=make_unit(session).id, on=date(2025, 2, 3))
    triage = case_file.load(session, admin, case.id, TODAY).stages[0]
    assert (triage.stage, triage.on, triage.done_on, triage.running) == (
        "triage",
        date(2025, 1, 17),
        date(2025, 2, 3),
        False,
    )
