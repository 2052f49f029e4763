"""Petitioner self-service: the number and query code show only the public view; failures are rate-limited
in the database without saying whether a number exists; the reply is rated once."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest
from sqlmodel import select

from core.cases import self_service as ss
from core.cases.registration import register_case
from core.platform import timeutil
from core.platform.errors import IllegalTransition, NotFound, ValidationError
from models import CaseEvent, CaseStatus, Role, Satisfaction
from tests.factories import act, case_data, concurrently, inputs, make_unit, make_user

CLIENT = "203.0.113.7"
WRONG = "casefile.public.wrong"


def _registered(session):
    admin = make_user(session, Role.ADMIN)
    done = register_case(session, admin, case_data(received_on=date(2025, 3, 3)))
    return admin, done.case, done.query_code


def _replied(session):
    admin, case, code = _registered(session)
    unit = make_unit(session)
    for action, day in (("assign", 4), ("accept", 4), ("reply", 20)):
        act(session, admin, case, action, **inputs(action, date(2025, 3, day), unit_id=unit.id))
    return case, code


def _events(session, action):
    # in the order they were written: without ORDER BY, PostgreSQL may return them in any order
    return list(
        session.exec(select(CaseEvent).where(CaseEvent.action == action).order_by(CaseEvent.id)).all()
    )


def test_the_right_code_shows_status_and_due_dates_and_nothing_else(session):
    _, case, code = _registered(session)
    view = ss.lookup(session, f" {case.number.lower()} ", code.lower(), CLIENT)
    assert [f.name for f in dataclasses.fields(view)] == [
        "number",
        "status",
        "dues",
        "replied_on",
        "outcome",
        "reply_summary",
        "satisfaction",
        "rated_on",
    ]
    # Received Mon 2025-03-03: 15 days for triage end Tue 03-18.
    assert (view.number, view.status) == (case.number, "registered")
    assert view.dues == (ss.PublicDue("triage", date(2025, 3, 18), False, True),)
    assert view.can_rate is False
    [event] = _events(session, ss.LOOKUP)
    assert (event.actor_id, event.object_type, event.case_id) == (None, "self_service", case.id)


def test_a_wrong_code_and_an_unknown_number_get_the_same_answer_and_the_code_is_never_stored(session):
    _, case, code = _registered(session)
    messages = []
    for number, typed in ((case.number, "WRONG123"), ("JB-2099-999999", code), ("x" * 40, code)):
        with pytest.raises(NotFound) as caught:
            ss.lookup(session, number, typed, CLIENT)
        messages.append(caught.value.message)
    assert messages == ["案件编号或查询码不正确。"] * 3
    failures = _events(session, ss.FAILED)
    assert len(failures) == 3
    assert all(code not in str(e.after) and "WRONG123" not in str(e.after) for e in failures)
    assert failures[0].after == {"client": CLIENT, "number": case.number}


def test_empty_inputs_are_asked_for_and_not_counted(session):
    with pytest.raises(ValidationError):
        ss.lookup(session, "  ", "", CLIENT)
    assert _events(session, ss.FAILED) == []


def test_the_sixth_attempt_after_five_failures_from_one_client_is_refused_even_with_the_right_code(session):
    _, case, code = _registered(session)
    for n in range(5):
        with pytest.raises(NotFound):
            ss.lookup(session, f"JB-2025-90000{n}", "AAAA2222", CLIENT)
    with pytest.raises(ss.TooManyAttempts) as caught:
        ss.lookup(session, case.number, code, CLIENT)
    assert caught.value.message == "尝试次数过多，请 15 分钟后再试。"
    assert ss.lookup(session, case.number, code, "198.51.100.1").number == case.number  # another client


def test_failures_on_one_number_slow_it_down_but_never_lock_the_petitioner_out(session, monkeypatch):
    _, case, code = _registered(session)
    pauses = []
    monkeypatch.setattr(ss, "_pause", pauses.append)
    for n in range(7):  # someone tries the petitioner's number from seven places
        with pytest.raises(NotFound):
            ss.lookup(session, case.number, "AAAA2222", f"198.51.100.{n}")
    assert pauses == [ss.SLOWDOWN, ss.SLOWDOWN]  # the 6th and 7th waited 3 s before being checked
    assert ss.lookup(session, case.number, code, "192.0.2.99").number == case.number  # he still gets in
    assert pauses == [ss.SLOWDOWN] * 3
    assert _events(session, ss.REFUSED) == []


def test_thirty_concurrent_wrong_codes_from_one_client_get_at_most_five_checks(engine, session):
    _, case, _code = _registered(session)

    def attempt(own, i: int) -> str:
        try:
            ss.lookup(own, case.number, f"WRONG{i:03d}", CLIENT)
        except ss.TooManyAttempts:
            return "refused"
        except NotFound:
            return "wrong code"
        return "shown"

    answers = concurrently(engine, attempt)
    assert answers.count("wrong code") == ss.MAX_FAILURES == 5  # checked and counted: exactly the limit
    assert answers.count("refused") == 25
    assert len(_events(session, ss.FAILED)) == 5 and len(_events(session, ss.REFUSED)) == 25


def test_failures_older_than_the_window_no_longer_count(session):
    _, case, code = _registered(session)
    for _ in range(5):
        with pytest.raises(NotFound):
            ss.lookup(session, case.number, "AAAA2222", CLIENT)
    # Move the failures back past the window (the audit log is append-only, so by SQL on the table).
    import sqlalchemy as sa

    table = CaseEvent.__table__
    with session.get_bind().begin() as conn:
        conn.execute(sa.update(table).values(at=timeutil.now() - ss.WINDOW - timedelta(minutes=1)))
    assert ss.lookup(session, case.number, code, CLIENT).status == "registered"


def test_the_reply_is_rated_once_by_the_petitioner(session):
    case, code = _replied(session)
    view = ss.lookup(session, case.number, code, CLIENT)
    assert (view.status, view.outcome, view.reply_summary, view.can_rate) == (
        "replied",
        "support",
        "责成物业维修",
        True,
    )
    # Accepted Tue 03-04: 60 days end Sat 05-03, inside the Labour Day holiday (05-01..05-05), so Tue 05-06.
    assert ss.PublicDue("handling", date(2025, 5, 6), False, False, date(2025, 3, 20)) in view.dues
    version = case.version
    rated = ss.rate(session, case.number, code, Satisfaction.BASICALLY_SATISFIED, CLIENT)
    assert (rated.status, rated.satisfaction, rated.rated_on) == (
        "rated",
        "basically_satisfied",
        timeutil.today(),
    )
    assert rated.can_rate is False
    session.refresh(case)
    assert (case.status, case.version) == (CaseStatus.RATED, version + 1)
    [event] = _events(session, ss.RATED)
    assert (event.actor_id, event.before["status"], event.after["satisfaction"]) == (
        None,
        "replied",
        "basically_satisfied",
    )
    with pytest.raises(IllegalTransition) as caught:
        ss.rate(session, case.number, code, Satisfaction.SATISFIED, CLIENT)
    assert caught.value.message == "本事项已评价，不能重复评价。"


def test_rating_before_the_reply_or_without_a_choice_is_refused(session):
    _, case, code = _registered(session)
    with pytest.raises(IllegalTransition):
        ss.rate(session, case.number, code, Satisfaction.SATISFIED, CLIENT)
    with pytest.raises(ValidationError):
        ss.rate(session, case.number, code, Satisfaction.NOT_RATED, CLIENT)
    with pytest.raises(NotFound):
        ss.rate(session, case.number, "AAAA2222", Satisfaction.SATISFIED, CLIENT)


def test_the_client_key_believes_x_forwarded_for_only_from_a_trusted_proxy(monkeypatch):
    assert ss.client_key("61.128.1.7", "10.0.0.1") == "61.128.1.7"  # direct: the header is ignored
    assert ss.client_key("10.0.0.2", "1.2.3.4, 61.128.1.7") == "10.0.0.2"  # no proxy named: not believed
    assert ss.client_key("127.0.0.1", "1.2.3.4") == "127.0.0.1"  # not even from loopback
    monkeypatch.setenv("PETITION_DESK_TRUSTED_PROXIES", "10.0.0.0/24, ::1")
    assert ss.client_key("10.0.0.2", "1.2.3.4, 61.128.1.7") == "61.128.1.7"  # the proxy appended the last
    assert ss.client_key("61.128.1.7", "1.2.3.4") == "61.128.1.7"  # a client is no proxy
    assert ss.client_key("10.0.0.2", "1.2.3.4, 10.0.0.9, 61.128.1.7") == "61.128.1.7"
    assert ss.client_key("10.0.0.2", "61.128.1.7, 10.0.0.9") == "61.128.1.7"  # two proxies in a row
    assert ss.client_key("10.0.0.2", "not-an-address") == "10.0.0.2"
    assert ss.client_key(None, None) == "local"
