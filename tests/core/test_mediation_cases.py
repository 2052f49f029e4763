"""Mediation cases end to end (issue 14 items 1, 2, 6): an application at the centre, its mediators, the 30-day
clock and its alerts, a refusal (人民调解法第17条), sessions (第27条), the agreement and its 30-day window for
judicial confirmation (第33条), the round trip of a referred petition case, and who sees which mediation."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlmodel import select

from core.cases.registration import case_timeline
from core.cases.workflow import available_actions
from core.mediation import agreements, cases, centre, referral
from core.platform import timeutil
from core.platform.errors import IllegalTransition, NotFound, PermissionDenied, ValidationError
from models import (
    Agreement,
    CaseStatus,
    MediationStatus,
    Mediator,
    MediatorLevel,
    Mentorship,
    Role,
)
from tests.factories import act, make_place, make_unit, make_user, register

S, M = CaseStatus, MediationStatus


def mediator(session, name: str, *, level=MediatorLevel.VETERAN) -> SimpleNamespace:
    """A roster entry and the mediator's own sign-in (`account`)."""
    account = make_user(session, Role.MEDIATOR, name=name)
    row = Mediator(name=name, level=level, user_id=account.id)
    session.add(row)
    session.commit()
    return SimpleNamespace(id=row.id, name=name, account=account)


def at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=timeutil.now().tzinfo)


def apply(session, actor, **overrides):
    street, _, grid = make_place(session)
    values = (
        dict(
            on=date(2025, 3, 3),
            source="walk_in",
            kind="people",
            dispute_type="邻里纠纷",
            title="楼上漏水损坏楼下吊顶",
            parties="王五、赵六",
            summary="楼上卫生间漏水，楼下吊顶受损，双方就赔偿金额争执不下。",
            grid_id=grid.id,
        )
        | overrides
    )
    return cases.open_application(session, actor, **values)


def handling_case(session, admin, unit, day: date):
    case = register(session, admin, received_on=day - timedelta(days=2))
    case = act(session, admin, case, "assign", lead_unit_id=unit.id, on=day - timedelta(days=1))
    return act(session, admin, case, "accept", notice_date=day)


def test_an_application_runs_thirty_days_from_consent_and_turns_yellow_three_working_days_before(session):
    lead = mediator(session, "老周")
    m = apply(session, lead.account)
    assert (m.number, m.status, m.source, m.case_id, m.due_on) == (
        "TJ-2025-000001", M.APPLIED, "walk_in", None, None
    )  # fmt: skip
    assert [(x.name, is_lead) for x, is_lead in cases.mediators_of(session, m.id)] == [("老周", True)]
    m = referral.record_consent(
        session, lead.account, m.id, m.version, on=date(2025, 3, 5), answers={"王五": True, "赵六": True}
    )
    # 03-05 + 30 days = Fri 04-04, 清明 (04-04..04-06): the deadline rolls to Mon 04-07
    assert (m.status, m.accepted_on, m.due_on) == (M.ACCEPTED, date(2025, 3, 5), date(2025, 4, 7))

    def alert_on(day):
        alerts = centre.my_day(session, lead.account, day).alerts
        return [(a.number, a.alert) for a in alerts]

    assert alert_on(date(2025, 3, 31)) == []  # 4 working days left: 04-01, 02, 03, 07
    assert alert_on(date(2025, 4, 1)) == [("TJ-2025-000001", "yellow")]  # 3 left: 04-02, 03, 07
    assert alert_on(date(2025, 4, 7)) == [("TJ-2025-000001", "yellow")]  # the last day
    assert alert_on(date(2025, 4, 8)) == [("TJ-2025-000001", "red")]
    # no session yet, so it waits to be recorded
    assert [i.number for i in centre.my_day(session, lead.account, date(2025, 3, 6)).to_record] == [m.number]


def test_one_party_refusing_ends_an_application_before_it_starts(session):
    lead = mediator(session, "老周")
    m = apply(session, lead.account)
    m = referral.record_consent(
        session, lead.account, m.id, m.version, on=date(2025, 3, 4), answers={"王五": True, "赵六": False}
    )
    assert (m.status, m.closed_on, m.accepted_on, m.due_on) == (M.REFUSED, date(2025, 3, 4), None, None)
    assert m.result_note == "当事人赵六拒绝调解，不予调解（人民调解法第17条）"
    with pytest.raises(IllegalTransition):
        cases.record_session(session, lead.account, m.id, m.version, held_at=at(date(2025, 3, 5)),
                             place="调解室", present="王五、赵六", notes="x")  # fmt: skip
    with pytest.raises(IllegalTransition):
        referral.conclude_mediation(
            session, lead.account, m.id, m.version, outcome="failed", on=date(2025, 3, 5), note="x"
        )
    assert centre.my_day(session, lead.account, date(2025, 3, 5)).alerts == []


def test_no_session_before_the_parties_consent_and_bad_input_is_named_by_field(session):
    lead = mediator(session, "老周")
    m = apply(session, lead.account)
    with pytest.raises(IllegalTransition):
        cases.record_session(session, lead.account, m.id, m.version, held_at=at(date(2025, 3, 4)),
                             place="调解室", present="王五", notes="x")  # fmt: skip
    with pytest.raises(ValidationError) as bad:
        apply(session, lead.account, parties="王五", source="referral", dispute_type=" ")
    assert set(bad.value.errors) == {"parties", "source", "dispute_type"}


def test_a_referred_case_goes_to_mediation_holds_two_sessions_and_comes_back_on_an_agreement(session):
    admin, unit = make_user(session, Role.ADMIN), make_unit(session)
    handler = make_user(session, Role.HANDLER, unit=unit)
    case = handling_case(session, admin, unit, date(2025, 3, 5))  # handling due Tue 05-06
    lead, co = mediator(session, "老周"), mediator(session, "小李", level=MediatorLevel.JUNIOR)
    m = referral.refer_case(
        session, handler, case.id, case.version, on=date(2025, 3, 6), parties="张三、李四"
    )
    m = cases.assign_mediators(session, handler, m.id, m.version, lead_id=lead.id, co_ids=[co.id])
    assert [(x.name, is_lead) for x, is_lead in cases.mediators_of(session, m.id)] == [
        ("老周", True), ("小李", False)
    ]  # fmt: skip
    m = referral.record_consent(
        session, lead.account, m.id, m.version, on=date(2025, 3, 7), answers={"张三": True, "李四": True}
    )
    assert m.due_on == date(2025, 4, 7)  # 03-07 + 30 = Sun 04-06, 清明: Mon 04-07
    for day, notes in (
        (date(2025, 3, 10), "双方陈述，分歧在赔偿金额"),
        (date(2025, 3, 14), "双方同意按评估价赔偿"),
    ):
        cases.record_session(session, lead.account, m.id, m.version, held_at=at(day), place="五里店调解室",
                             present="张三、李四、老周、小李", notes=notes)  # fmt: skip
        session.refresh(m)
    assert centre.my_day(session, lead.account, date(2025, 3, 17)).to_record == []  # a session 3 days ago

    terms = agreements.Particulars(
        facts="李四家装修致张三家墙面开裂，双方就修缮费用发生争议。",
        responsibility="李四承担全部修缮责任。",
        terms="李四赔偿张三修缮费3000元。",
        performance="2025年4月15日前一次性转账支付。",
        performance_due=date(2025, 4, 15),
    )
    m = referral.conclude_mediation(
        session, lead.account, m.id, m.version, outcome="agreed", on=date(2025, 3, 17), agreement=terms
    )
    session.refresh(case)
    assert (m.status, m.closed_on) == (M.AGREED, date(2025, 3, 17))
    agreement = session.exec(select(Agreement).where(Agreement.mediation_id == m.id)).one()
    # the window for joint judicial confirmation: 03-17 + 30 = Wed 04-16
    assert (agreement.number, agreement.signed_on, agreement.confirmation_due, agreement.performance_due) == (
        "XY-2025-000001", date(2025, 3, 17), date(2025, 4, 16), date(2025, 4, 15)
    )  # fmt: skip
    assert agreements.confirmation_state(agreement, date(2025, 4, 16)) == "open"
    assert agreements.confirmation_state(agreement, date(2025, 4, 17)) == "lapsed"
    # the petition case is back handling on its own clock and can be replied to
    assert (case.status, case.stage, case.due_on) == (S.HANDLING, "handling", date(2025, 5, 6))
    assert "reply" in available_actions(session, handler, case)

    day = centre.my_day(session, lead.account, date(2025, 4, 14))
    assert [(i.agreement_number, i.confirmation_state, i.alert) for i in day.confirmations] == [
        ("XY-2025-000001", "open", "yellow")
    ]
    with pytest.raises(ValidationError) as late:
        agreements.apply_confirmation(
            session, lead.account, agreement.id, agreement.version, on=date(2025, 4, 17)
        )
    assert "2025-04-16" in late.value.errors["on"]
    agreement = agreements.apply_confirmation(
        session, lead.account, agreement.id, agreement.version, on=date(2025, 4, 10)
    )
    assert (
        centre.my_day(session, lead.account, date(2025, 4, 20)).confirmations[0].confirmation_state
        == "applied"
    )
    agreement = agreements.record_confirmation(
        session, lead.account, agreement.id, agreement.version, on=date(2025, 4, 20), result="confirmed"
    )
    assert (agreement.confirmed, agreements.confirmation_state(agreement, date(2025, 4, 20))) == (
        True,
        "confirmed",
    )
    assert centre.my_day(session, lead.account, date(2025, 4, 21)).confirmations == []
    agreement = agreements.record_performance(
        session, lead.account, agreement.id, agreement.version, on=date(2025, 4, 16), status="performed",
        note="张三确认已收到3000元",
    )  # fmt: skip
    assert agreement.performance_status == "performed"

    # both timelines tell the story
    story = [
        "refer_mediation", "mediation.assign", "mediation.consent", "mediation.session", "mediation.session",
        "mediation.conclude", "return_from_mediation", "agreement.apply_confirmation", "agreement.confirmation",
        "agreement.performance",
    ]  # fmt: skip
    assert [e.action for e in case_timeline(session, handler, case.id)][-10:] == story
    assert [e.action for e in centre.mediation_file(session, lead.account, m.id).events] == [
        "mediation.refer",
        *story,
    ]
    back = next(e for e in case_timeline(session, handler, case.id) if e.action == "return_from_mediation")
    assert (back.actor_name, back.after["agreed"], back.note) == (
        "老周", True, "调解达成协议（XY-2025-000001），据此答复"
    )  # fmt: skip

    case = act(session, handler, case, "reply", replied_on=date(2025, 3, 18), outcome="support",
               summary="依调解协议XY-2025-000001答复", delivered_on=date(2025, 3, 18))  # fmt: skip
    assert case.replied_on == date(2025, 3, 18)


def test_a_failed_mediation_tells_the_parties_of_other_routes_and_sends_the_case_back_to_handling(session):
    admin, unit = make_user(session, Role.ADMIN), make_unit(session)
    handler = make_user(session, Role.HANDLER, unit=unit)
    case = handling_case(session, admin, unit, date(2025, 3, 5))
    lead = mediator(session, "老周")
    m = referral.refer_case(
        session,
        handler,
        case.id,
        case.version,
        on=date(2025, 3, 6),
        parties="张三、李四",
        mediator_id=lead.id,
    )
    m = referral.record_consent(
        session, lead.account, m.id, m.version, on=date(2025, 3, 7), answers={"张三": True, "李四": True}
    )
    with pytest.raises(ValidationError) as untold:
        referral.conclude_mediation(
            session, lead.account, m.id, m.version, outcome="failed", on=date(2025, 3, 20)
        )
    assert "第26条" in untold.value.errors["routes_told"]
    m = referral.conclude_mediation(
        session, lead.account, m.id, m.version, outcome="failed", on=date(2025, 3, 20),
        routes_told=["judicial", "arbitration"],
    )  # fmt: skip
    session.refresh(case)
    assert (m.status, m.routes_told) == (M.FAILED, "arbitration,judicial")
    assert (case.status, case.stage, case.due_on) == (S.HANDLING, "handling", date(2025, 5, 6))
    back = next(e for e in case_timeline(session, handler, case.id) if e.action == "return_from_mediation")
    assert (back.after["agreed"], back.note) == (False, "仲裁、司法途径（诉讼）")
    assert session.exec(select(Agreement).where(Agreement.mediation_id == m.id)).first() is None


def test_a_mediator_sees_his_cases_and_his_juniors_handlers_their_unit_s_the_leader_all(session):
    admin, unit = make_user(session, Role.ADMIN), make_unit(session)
    veteran = mediator(session, "老周")
    junior = mediator(session, "小李", level=MediatorLevel.JUNIOR)
    other = mediator(session, "老孙")
    session.add(Mentorship(mentor_id=veteran.id, mentee_id=junior.id, started_on=date(2024, 1, 1)))
    session.commit()
    own = apply(session, veteran.account, title="甲")
    juniors = apply(session, junior.account, title="乙")
    theirs = apply(session, other.account, title="丙")
    handler = make_user(session, Role.HANDLER, unit=unit)
    case = handling_case(session, admin, unit, date(2025, 3, 5))
    referred = referral.refer_case(
        session,
        handler,
        case.id,
        case.version,
        on=date(2025, 3, 6),
        parties="张三、李四",
        mediator_id=other.id,
    )

    def titles(user):
        rows, total = centre.search_mediations(session, user, centre.MediationFilter())
        assert total == len(rows)
        return sorted(r.title for r in rows)

    assert titles(veteran.account) == ["乙", "甲"]
    assert titles(junior.account) == ["乙"]
    assert titles(other.account) == sorted(["丙", case.title])
    assert titles(handler) == [case.title]
    assert titles(make_user(session, Role.HANDLER)) == []
    assert len(titles(make_user(session, Role.LEADER))) == 4
    with pytest.raises(NotFound):
        centre.mediation_file(session, junior.account, own.id)
    with pytest.raises(NotFound):
        centre.mediation_file(session, handler, theirs.id)
    # a mentor reads his junior's case but the junior's mediators act on it
    assert centre.mediation_file(session, veteran.account, juniors.id).may_act is False
    with pytest.raises(PermissionDenied):
        referral.record_consent(session, veteran.account, juniors.id, juniors.version, on=date(2025, 3, 4),
                                answers={"王五": True})  # fmt: skip
    assert centre.mediation_file(session, handler, referred.id).may_act is True
    # the filters and the export keep the same scope
    rows, total = centre.search_mediations(session, veteran.account, centre.MediationFilter(q="甲"))
    assert (total, [r.title for r in rows]) == (1, ["甲"])
    data, count = centre.export_xlsx(session, veteran.account, centre.MediationFilter())
    assert count == 2 and data[:2] == b"PK"
