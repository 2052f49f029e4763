"""A petition case referred to mediation (issue 11 item 6): the mediation record, consent (人民调解法第17条),
the agreement as a record, the case back where it can be replied to and closed; pause and extension meanwhile."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from core.cases.workflow import available_actions
from core.mediation import referral
from core.platform.errors import IllegalTransition, StaleVersion, ValidationError
from models import Agreement, CaseEvent, CaseStatus, MediationCase, MediationConsent, MediationStatus, Role
from tests.factories import START, act, case_in_status, make_unit, make_user, register

S, M = CaseStatus, MediationStatus
PARTIES = "张三、李四"


def handling_since(session, admin, day: date):
    case = register(session, admin, received_on=day - timedelta(days=2))
    case = act(session, admin, case, "assign", lead_unit_id=make_unit(session).id, on=day - timedelta(days=1))
    return act(session, admin, case, "accept", notice_date=day)


def test_a_registered_case_settled_by_agreement_is_replied_to_and_closed(session):
    registrar = make_user(session, Role.REGISTRAR)
    case = register(session, registrar)  # received 2025-03-03: triage due 03-18
    assert case.due_on == date(2025, 3, 18)
    m = referral.refer_case(session, registrar, case.id, case.version, on=date(2025, 3, 5), parties=PARTIES)
    session.refresh(case)
    assert (m.case_id, m.status, m.parties, m.applied_on, m.referred_by_id) == (
        case.id, M.APPLIED, PARTIES, date(2025, 3, 5), registrar.id
    )  # fmt: skip
    assert m.number == "TJ-2025-000001"
    # the referral is the office's triage decision: the mediation's 30 days (一般一个月) replace the 15 of
    # triage; 03-05 + 30 = Fri 04-04, 清明 (04-04..04-06): due Mon 04-07
    assert (case.status, case.stage, case.due_on) == (S.MEDIATING, "mediation", date(2025, 4, 7))
    assert "pause" not in available_actions(session, registrar, case)  # no handling clock to stop

    m = referral.record_consent(
        session, registrar, m.id, m.version, on=date(2025, 3, 6), answers={"张三": True}
    )
    assert m.status == M.APPLIED  # 李四 has not answered
    m = referral.record_consent(
        session, registrar, m.id, m.version, on=date(2025, 3, 6), answers={"李四": True}
    )
    assert (m.status, m.accepted_on) == (M.ACCEPTED, date(2025, 3, 6))
    assert referral.consents(session, m.id) == {"张三": True, "李四": True}

    terms = "李四于2025年4月1日前赔偿张三修缮费3000元，张三不再就此事信访。"
    m = referral.conclude_mediation(
        session, registrar, m.id, m.version, outcome="agreed", on=date(2025, 3, 20), terms=terms
    )
    session.refresh(case)
    assert (m.status, m.closed_on) == (M.AGREED, date(2025, 3, 20))
    agreement = session.exec(select(Agreement).where(Agreement.mediation_id == m.id)).one()
    assert (agreement.number, agreement.terms, agreement.signed_on) == (
        "XY-2025-000001",
        terms,
        date(2025, 3, 20),
    )
    # settled: no clock left running (the triage deadline of 03-18 is not brought back), reply open
    assert (case.status, case.stage, case.due_on) == (S.HANDLING, None, None)
    assert "reply" in available_actions(session, registrar, case)
    back = session.exec(
        select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.action == "return_from_mediation")
    ).one()
    assert (back.after["agreed"], back.after["mediation_id"]) == (True, m.id)
    assert back.note == "调解达成协议（XY-2025-000001），据此答复"

    case = act(session, registrar, case, "reply", replied_on=date(2025, 3, 21), outcome="support",
               summary="依调解协议XY-2025-000001答复", delivered_on=date(2025, 3, 21))  # fmt: skip
    case = act(session, registrar, case, "rate", satisfaction="satisfied", rated_on=date(2025, 3, 22))
    case = act(session, registrar, case, "close", closed_on=date(2025, 3, 23))
    assert (case.status, case.closed_on) == (S.CLOSED, date(2025, 3, 23))


def test_a_party_refusing_means_no_mediation_and_the_handling_case_goes_on_with_its_clock(session):
    admin = make_user(session, Role.ADMIN)
    case = handling_since(session, admin, date(2025, 3, 5))
    # 60 days from 03-05 end on Sun 05-04, inside Labour Day (05-01..05-05): due Tue 05-06
    assert case.due_on == date(2025, 5, 6)
    m = referral.refer_case(session, admin, case.id, case.version, on=date(2025, 3, 6), parties="张三，李四")
    session.refresh(case)
    assert (case.status, case.stage, case.due_on) == (S.MEDIATING, "handling", date(2025, 5, 6))
    m = referral.record_consent(
        session, admin, m.id, m.version, on=date(2025, 3, 7), answers={"张三": True, "李四": False}
    )
    session.refresh(case)
    assert (m.status, m.closed_on, m.accepted_on) == (M.REFUSED, date(2025, 3, 7), None)
    assert m.result_note == "当事人李四拒绝调解，不予调解（人民调解法第17条）"
    assert (case.status, case.due_on) == (S.HANDLING, date(2025, 5, 6))  # the clock ran on
    assert session.exec(select(Agreement).where(Agreement.mediation_id == m.id)).first() is None
    assert "reply" in available_actions(session, admin, case)
    # no result can be recorded for a mediation that never took place
    with pytest.raises(IllegalTransition):
        referral.conclude_mediation(
            session, admin, m.id, m.version, outcome="failed", on=date(2025, 3, 8), note="x"
        )


def test_a_failed_mediation_of_a_registered_case_gives_triage_its_15_days_from_the_return(session):
    registrar = make_user(session, Role.REGISTRAR)
    case = register(session, registrar)
    m = referral.refer_case(session, registrar, case.id, case.version, on=date(2025, 3, 5), parties=PARTIES)
    m = referral.record_consent(
        session, registrar, m.id, m.version, on=date(2025, 3, 6), answers={"张三": True, "李四": True}
    )
    m = referral.conclude_mediation(
        session,
        registrar,
        m.id,
        m.version,
        outcome="failed",
        on=date(2025, 3, 28),
        note="双方分歧过大，已告知仲裁、诉讼途径",
    )
    session.refresh(case)
    assert (m.status, m.result_note) == (M.FAILED, "双方分歧过大，已告知仲裁、诉讼途径")
    # 03-28 + 15 = Sat 04-12: due Mon 04-14
    assert (case.status, case.stage, case.due_on, case.triaged_on) == (
        S.REGISTERED, "triage", date(2025, 4, 14), None
    )  # fmt: skip
    assert {"forward", "assign"} <= set(available_actions(session, registrar, case))


def test_pause_and_extension_stay_open_while_mediating_and_a_pause_ends_back_in_mediation(session):
    admin = make_user(session, Role.ADMIN)
    case = handling_since(session, admin, date(2025, 3, 5))
    referral.refer_case(session, admin, case.id, case.version, on=date(2025, 3, 6), parties=PARTIES)
    session.refresh(case)
    assert {"pause", "extend", "return_from_mediation"} <= set(available_actions(session, admin, case))
    case = act(session, admin, case, "pause", kind="hearing", on=date(2025, 3, 10), reason="组织听证")
    assert (case.status, case.due_on) == (S.PAUSED, None)
    case = act(session, admin, case, "resume", on=date(2025, 3, 20))
    # back in mediation, the 10 paused days added: 03-05 + 70 = Wed 05-14
    assert (case.status, case.due_on) == (S.MEDIATING, date(2025, 5, 14))
    assert referral.open_mediation(session, case.id).status == M.APPLIED


def test_the_illegal_paths_write_nothing(session):
    admin = make_user(session, Role.ADMIN)
    closed = case_in_status(session, S.CLOSED, actor=admin)
    with pytest.raises(IllegalTransition):
        referral.refer_case(
            session, admin, closed.id, closed.version, on=START + timedelta(days=20), parties=PARTIES
        )
    assert session.exec(select(MediationCase).where(MediationCase.case_id == closed.id)).first() is None

    case = handling_since(session, admin, date(2025, 3, 5))
    with pytest.raises(ValidationError) as err:
        referral.refer_case(session, admin, case.id, case.version, on=date(2025, 3, 6), parties="张三")
    assert err.value.errors == {"parties": "调解须列明至少两方当事人（以“、”分隔）。"}
    with pytest.raises(StaleVersion):
        referral.refer_case(session, admin, case.id, case.version - 1, on=date(2025, 3, 6), parties=PARTIES)
    assert session.exec(select(MediationCase).where(MediationCase.case_id == case.id)).first() is None
    session.refresh(case)
    assert case.status == S.HANDLING

    m = referral.refer_case(session, admin, case.id, case.version, on=date(2025, 3, 6), parties=PARTIES)
    # an agreement needs every party's consent first (第17条)
    with pytest.raises(IllegalTransition) as illegal:
        referral.conclude_mediation(
            session, admin, m.id, m.version, outcome="agreed", on=date(2025, 3, 7), terms="赔偿3000元"
        )
    assert illegal.value.message == "当事人尚未全部同意调解，不能登记调解结果（人民调解法第17条）。"
    with pytest.raises(ValidationError) as err:
        referral.record_consent(session, admin, m.id, m.version, on=date(2025, 3, 7), answers={"王五": True})
    assert err.value.errors == {"answers": "“王五”不是本次调解的当事人。"}
    m = referral.record_consent(
        session, admin, m.id, m.version, on=date(2025, 3, 7), answers={"张三": True, "李四": True}
    )
    with pytest.raises(ValidationError) as err:
        referral.conclude_mediation(session, admin, m.id, m.version, outcome="agreed", on=date(2025, 3, 8))
    assert set(err.value.errors) == {"terms"}
    with pytest.raises(StaleVersion):
        referral.conclude_mediation(
            session, admin, m.id, m.version - 1, outcome="agreed", on=date(2025, 3, 8), terms="赔偿"
        )
    session.refresh(m)
    session.refresh(case)
    assert (m.status, case.status) == (M.ACCEPTED, S.MEDIATING)
    assert session.exec(select(Agreement).where(Agreement.mediation_id == m.id)).first() is None
    assert len(session.exec(select(MediationConsent).where(MediationConsent.mediation_id == m.id)).all()) == 2
    m = referral.conclude_mediation(
        session, admin, m.id, m.version, outcome="withdrawn", on=date(2025, 3, 8), note="申请人撤回调解申请"
    )
    with pytest.raises(IllegalTransition):
        referral.record_consent(session, admin, m.id, m.version, on=date(2025, 3, 9), answers={"张三": True})


def test_a_mediator_without_the_case_file_cannot_refer(session):
    mediator = make_user(session, Role.MEDIATOR)
    admin = make_user(session, Role.ADMIN)
    case = handling_since(session, admin, date(2025, 3, 5))
    with pytest.raises(Exception) as err:
        referral.refer_case(session, mediator, case.id, case.version, on=date(2025, 3, 6), parties=PARTIES)
    assert type(err.value).__name__ in {"PermissionDenied", "NotFound"}
    assert session.exec(select(MediationCase).where(MediationCase.case_id == case.id)).first() is None
