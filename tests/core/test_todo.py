"""My to-do: per role, the cases waiting for the user's action, soonest due date first, through indexes."""

from __future__ import annotations

from datetime import date

import pytest

from core.desk import todo
from models import CaseStatus, Role
from tests.factories import act, case_in_status, make_unit, make_user
from tests.plans import sqlite_plans

S = CaseStatus
LATER = date(2025, 3, 20)  # the cases below were received on 2025-03-03 (factories.START)


def _view(session, user, today=LATER) -> list[tuple[str, str, date | None]]:
    items = todo.todo_for(session, user, today)
    assert todo.todo_count(session, user, today) == len(items)
    return [(item.number, item.action, item.due_on) for item in items]


@pytest.fixture()
def office(session):
    """One case in each status the office and a unit act on, all led by one unit."""
    admin, unit = make_user(session, Role.ADMIN), make_unit(session)
    cases = {
        s: case_in_status(session, s, actor=admin, unit=unit)
        for s in (
            S.REGISTERED,
            S.FORWARDED,
            S.ASSIGNED,
            S.OBJECTED,
            S.HANDLING,
            S.PAUSED,
            S.REPLIED,
            S.RATED,
            S.REVIEW_REQUESTED,
            S.CLOSED,
        )
    }
    return admin, unit, cases


def test_the_office_sees_what_to_triage_settle_rate_close_and_review(session, office):
    _, _, c = office
    registrar = make_user(session, Role.REGISTRAR)
    assert _view(session, registrar) == [
        (c[S.OBJECTED].number, "settle_dispute", date(2025, 3, 10)),  # objected 3-5, 5 days to settle
        (c[S.REGISTERED].number, "forward", date(2025, 3, 18)),  # received 3-3, 15 days to triage
        (c[S.REVIEW_REQUESTED].number, "decide_review", date(2025, 4, 14)),  # 4-12 is a Saturday
        (c[S.REPLIED].number, "rate", None),  # no running deadline: last, oldest first
        (c[S.RATED].number, "close", None),
    ]


def test_a_handler_sees_his_unit_s_cases_to_accept_reply_resume_rate_and_close(session, office):
    admin, unit, c = office
    handler = make_user(session, Role.HANDLER, unit=unit)
    case_in_status(session, S.ASSIGNED, actor=admin)  # another unit's: not his business
    assert _view(session, handler) == [
        (c[S.FORWARDED].number, "accept", date(2025, 3, 19)),  # received by the unit 3-4, 15 days
        (c[S.ASSIGNED].number, "accept", date(2025, 3, 19)),
        (c[S.HANDLING].number, "reply", date(2025, 5, 6)),  # accepted 3-5 + 60 days = 5-4, in the May holiday
        (c[S.PAUSED].number, "resume", None),
        (c[S.REPLIED].number, "rate", None),
        (c[S.RATED].number, "close", None),
    ]
    labels = [item.action_label for item in todo.todo_for(session, handler, LATER)]
    assert labels[:4] == ["受理", "受理", "答复", "恢复计时"]


def test_a_leader_follows_the_open_cases_he_took_charge_of(session):
    admin, leader = make_user(session, Role.ADMIN), make_user(session, Role.LEADER)
    handling = case_in_status(session, S.HANDLING, actor=admin)
    registered = case_in_status(session, S.REGISTERED, actor=admin)
    dropped = case_in_status(session, S.REGISTERED, actor=admin)
    case_in_status(session, S.REGISTERED, actor=admin)  # nobody took charge
    for case in (handling, registered, dropped):
        act(session, leader, case, "take_charge")
    act(session, admin, dropped, "invalidate", on=date(2025, 3, 4), reason="重复录入")
    assert _view(session, leader) == [
        (registered.number, "instruct", date(2025, 3, 18)),
        (handling.number, "instruct", date(2025, 5, 6)),
    ]
    assert todo.todo_for(session, leader, LATER)[0].action_label == "批示"


def test_a_supervisor_sees_the_overdue_open_cases(session, office):
    _, _, c = office
    supervisor = make_user(session, Role.SUPERVISOR)
    assert _view(session, supervisor) == [
        (c[S.OBJECTED].number, "urge", date(2025, 3, 10)),
        (c[S.REGISTERED].number, "urge", date(2025, 3, 18)),
        (c[S.FORWARDED].number, "urge", date(2025, 3, 19)),
        (c[S.ASSIGNED].number, "urge", date(2025, 3, 19)),
    ]
    assert _view(session, supervisor, today=date(2025, 3, 10)) == []  # due today is not overdue yet


def test_a_mediator_and_a_handler_without_unit_have_nothing_to_do(session, office):
    mediator = make_user(session, Role.MEDIATOR)
    drifter = make_user(session, Role.HANDLER)
    drifter.unit_id = None
    assert _view(session, mediator) == [] and _view(session, drifter) == []


def test_the_list_is_cut_at_the_limit_but_the_count_is_not(session, office):
    admin, unit, c = office
    handler = make_user(session, Role.HANDLER, unit=unit)
    items = todo.todo_for(session, handler, LATER, limit=2)
    assert [i.number for i in items] == [c[S.FORWARDED].number, c[S.ASSIGNED].number]
    assert todo.todo_count(session, handler, LATER) == 6


@pytest.mark.parametrize("role", [Role.REGISTRAR, Role.HANDLER, Role.LEADER, Role.SUPERVISOR])
def test_every_query_starts_from_an_index(session, office, role):
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("query plans are checked on SQLite")
    user = make_user(session, role, unit=office[1] if role == Role.HANDLER else None)
    plans = sqlite_plans(
        session, lambda: (todo.todo_for(session, user, LATER), todo.todo_count(session, user, LATER))
    )
    assert plans and not [p for p in plans if p.startswith("SCAN case") and "INDEX" not in p], plans


def test_the_supervisor_s_overdue_list_moves_with_the_reference_date(session, reference_day):
    """Overdue means the deadline has passed by "today": due yesterday is listed, due today is not yet."""
    from datetime import timedelta

    from core.platform import timeutil

    admin, unit = make_user(session, Role.ADMIN), make_unit(session)
    yesterday, today = reference_day - timedelta(days=1), timeutil.today()
    late = case_in_status(session, S.REGISTERED, actor=admin, unit=unit)
    due_today = case_in_status(session, S.REGISTERED, actor=admin, unit=unit)
    for case, due in ((late, yesterday), (due_today, reference_day)):
        case.due_on = due  # the clock's deadline, set directly: only the comparison with today is tested
        session.add(case)
    session.commit()
    supervisor = make_user(session, Role.SUPERVISOR)
    assert _view(session, supervisor, today=today) == [(late.number, "urge", yesterday)]
