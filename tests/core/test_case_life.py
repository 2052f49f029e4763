"""One petition's whole life: registration, assignment, handling with a hearing, reply, satisfaction,
close, review, re-examination with a hearing, and a later repeat petition that is not accepted again.

Every due date below is worked out by hand from the 2025/2026 holiday table:
National Day 2025-10-01..08 (10-11 Saturday worked), New Year 2026-01-01..03 (01-04 Sunday worked).
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from core.cases import workflow as wf
from core.cases.registration import case_timeline, register_case
from core.cases.repeats import find_repeats
from core.platform.errors import ValidationError
from models import CaseMeeting, CasePause, CaseStatus, Role
from tests.factories import case_data, make_unit, make_user, person_in

S = CaseStatus
ID_NUMBER = "11010519491231002X"


def test_the_whole_life_of_a_case(session):
    registrar = make_user(session, Role.REGISTRAR, name="登记员王芳")
    unit, helper = make_unit(session, name="区住房城乡建委"), make_unit(session, name="观音桥街道")
    handler = make_user(session, Role.HANDLER, unit=unit, name="承办员李明")
    petitioner = person_in(name="陈静", id_number=ID_NUMBER, phone="13812345678")

    # Registered Sat 2025-09-20: 15 days end Sun 10-05 in the holiday, so triage is due Thu 10-09.
    case = register_case(
        session, registrar, case_data(received_on=date(2025, 9, 20), petitioners=[petitioner])
    ).case
    assert (case.number, case.status, case.stage, case.due_on) == (
        "JB-2025-000001",
        S.REGISTERED,
        "triage",
        date(2025, 10, 9),
    )

    # Assigned Mon 09-22: 15 days end Tue 10-07 in the holiday, so acceptance is due Thu 10-09.
    case = wf.assign(
        session,
        registrar,
        case.id,
        case.version,
        lead_unit_id=unit.id,
        assisting_unit_ids=[helper.id],
        on=date(2025, 9, 22),
    )
    assert (case.status, case.stage, case.due_on) == (S.ASSIGNED, "acceptance", date(2025, 10, 9))

    # Accepted Thu 09-25: 60 days end Mon 11-24, a working day.
    case = wf.accept(session, handler, case.id, case.version, notice_date=date(2025, 9, 25))
    assert (case.status, case.stage, case.stage_started_on, case.due_on) == (
        S.HANDLING,
        "handling",
        date(2025, 9, 25),
        date(2025, 11, 24),
    )
    case = wf.record_meeting(
        session,
        handler,
        case.id,
        case.version,
        kind="acceptance",
        held_on=date(2025, 9, 25),
        place="区信访接待大厅",
        people="陈静、李明",
    )

    # A hearing from 10-10 to 10-15 stops the clock 5 days: 09-30 + 60 = Sat 11-29, so due Mon 12-01.
    case = wf.pause(
        session, handler, case.id, case.version, kind="hearing", on=date(2025, 10, 10), reason="组织听证"
    )
    assert (case.status, case.due_on) == (S.PAUSED, None)
    case = wf.resume(session, handler, case.id, case.version, on=date(2025, 10, 15))
    assert (case.status, case.paused_days, case.due_on) == (S.HANDLING, 5, date(2025, 12, 1))
    case = wf.record_meeting(
        session,
        handler,
        case.id,
        case.version,
        kind="investigation",
        held_on=date(2025, 10, 20),
        place="小区现场",
        people="陈静、李明、物业公司",
    )

    case = wf.reply(
        session,
        handler,
        case.id,
        case.version,
        replied_on=date(2025, 11, 20),
        outcome="explain",
        summary="依据物业服务合同解释说明",
        delivered_on=date(2025, 11, 21),
    )
    assert (case.status, case.outcome, case.stage, case.due_on) == (S.REPLIED, "explain", None, None)
    case = wf.record_meeting(
        session,
        handler,
        case.id,
        case.version,
        kind="reply",
        held_on=date(2025, 11, 21),
        place="社区",
        people="陈静、李明",
    )
    case = wf.rate(
        session, registrar, case.id, case.version, satisfaction="dissatisfied", rated_on=date(2025, 11, 21)
    )
    case = wf.close(session, registrar, case.id, case.version, closed_on=date(2025, 11, 24))
    assert (case.status, case.closed_on, wf.missing_meetings(session, case)) == (
        S.CLOSED,
        date(2025, 11, 24),
        [],
    )

    # Review requested 12-05 (window: 11-21 + 30 = Sun 12-21, so Mon 12-22); decided within
    # 12-05 + 30 = Sun 2026-01-04, a Sunday worked after New Year, so it is due that very day.
    case = wf.request_review(session, registrar, case.id, case.version, requested_on=date(2025, 12, 5))
    assert (case.status, case.stage, case.due_on) == (S.REVIEW_REQUESTED, "review", date(2026, 1, 4))
    case = wf.decide_review(
        session,
        registrar,
        case.id,
        case.version,
        decided_on=date(2026, 1, 5),
        outcome="explain",
        summary="维持原处理意见",
        delivered_on=date(2026, 1, 6),
    )
    assert (case.status, case.review_outcome, case.stage) == (S.REVIEWED, "explain", None)

    # Re-examination: 30 days from receiving the review decision, 01-06 + 30 = Thu 02-05.
    with pytest.raises(ValidationError) as err:
        wf.request_reexam(session, registrar, case.id, case.version, requested_on=date(2026, 2, 6))
    assert (
        err.value.message
        == "复核申请期限已于2026-02-05届满（信访人2026-01-06收到复查意见，30日内可申请复核，第36条），不予受理。"
    )
    case = wf.request_reexam(session, registrar, case.id, case.version, requested_on=date(2026, 2, 5))
    # 02-05 + 30 = Sat 03-07, so due Mon 03-09.
    assert (case.status, case.stage, case.due_on) == (S.REEXAM_REQUESTED, "reexam", date(2026, 3, 9))
    # Hearing time is not counted (第36条): 02-10..02-24 is 14 days, 02-19 + 30 = Sat 03-21, so due Mon 03-23.
    case = wf.pause(
        session, registrar, case.id, case.version, kind="hearing", on=date(2026, 2, 10), reason="复核听证"
    )
    case = wf.resume(session, registrar, case.id, case.version, on=date(2026, 2, 24))
    assert (case.status, case.paused_days, case.due_on) == (S.REEXAM_REQUESTED, 14, date(2026, 3, 23))
    case = wf.decide_reexam(
        session,
        registrar,
        case.id,
        case.version,
        decided_on=date(2026, 3, 10),
        outcome="explain",
        summary="复核维持",
    )
    assert (case.status, case.not_accepted_again, case.stage, case.due_on) == (S.TERMINATED, True, None, None)
    assert case.closed_on == date(2025, 11, 24)  # the first close stays the close date

    timeline = case_timeline(session, registrar, case.id)
    assert [e.action for e in timeline] == [
        "register", "assign", "accept", "record_meeting", "pause", "resume", "record_meeting", "reply",
        "record_meeting", "rate", "close", "request_review", "decide_review", "request_reexam", "pause",
        "resume", "decide_reexam",
    ]  # fmt: skip
    assert case.version == len(timeline)
    accept_event = timeline[2]
    assert accept_event.actor_name == "承办员李明"
    assert accept_event.before == {
        "status": "assigned",
        "stage": "acceptance",
        "stage_started_on": "2025-09-22",
        "due_on": "2025-10-09",
        "accepted_on": None,
    }
    assert accept_event.after == {
        "status": "handling",
        "stage": "handling",
        "stage_started_on": "2025-09-25",
        "due_on": "2025-11-24",
        "accepted_on": "2025-09-25",
    }
    assert "meetings_incomplete" not in timeline[10].after
    assert timeline[-1].after["not_accepted_again"] is True
    pauses = session.exec(
        select(CasePause.stage, CasePause.started_on, CasePause.ended_on).order_by(CasePause.id)
    ).all()
    assert pauses == [
        ("handling", date(2025, 10, 10), date(2025, 10, 15)),
        ("reexam", date(2026, 2, 10), date(2026, 2, 24)),
    ]
    assert len(session.exec(select(CaseMeeting)).all()) == 3

    # Months later the same person petitions again on the same facts: intake finds the ended case.
    again = register_case(
        session, registrar, case_data(received_on=date(2026, 4, 1), petitioners=[petitioner])
    ).case
    [earlier] = find_repeats(
        session, registrar, id_numbers=[ID_NUMBER], phones=["13812345678"], exclude_case_id=again.id
    )
    assert (earlier.case_id, earlier.reasons, earlier.not_accepted_again) == (
        case.id,
        ("id_number", "phone"),
        True,
    )
    linked = wf.link_repeat(session, registrar, again.id, again.version, repeat_of_id=case.id)
    assert (linked.case.is_first, linked.case.not_accepted_again) == (False, True)
    barred = "不再受理：同一事项已由案件JB-2025-000001于2026-03-10复核终结，同一事实和理由不再受理（第36条第3款）。"
    assert linked.message == barred
    assert again.number == "JB-2026-000001"
    # 不再受理: closed with the reason the day the link is recorded (the suite's today), never on a clock
    assert (again.status, again.stage, again.due_on, again.end_reason) == (S.BARRED, None, None, barred)
    assert again.closed_on == date(2026, 9, 28)
    assert wf.available_actions(session, registrar, again) == []
    # registered with the link at intake, the registrar reads why at once
    third = register_case(
        session,
        registrar,
        case_data(received_on=date(2026, 5, 6), petitioners=[petitioner], repeat_of_id=case.id),
    )
    assert third.messages == [barred]
    assert (third.case.status, third.case.closed_on, third.case.due_on) == (S.BARRED, date(2026, 5, 6), None)

    # A new matter of his: the unit finds it is a civil dispute and declines within its 15 days (第23条).
    other = register_case(
        session,
        registrar,
        case_data(received_on=date(2026, 6, 1), petitioners=[petitioner], title="邻里漏水纠纷"),
    ).case
    other = wf.assign(session, registrar, other.id, other.version, lead_unit_id=unit.id, on=date(2026, 6, 2))
    other = wf.decline(
        session,
        handler,
        other.id,
        other.version,
        on=date(2026, 6, 10),
        reason="属民事纠纷",
        routed_to="向江北区人民法院起诉",
    )
    assert (other.status, other.declined_on, other.closed_on, other.stage) == (
        S.DECLINED,
        date(2026, 6, 10),
        date(2026, 6, 10),
        None,
    )

    # Another one is accepted, and during handling the unit finds it belongs to arbitration: routed out.
    labour = register_case(
        session,
        registrar,
        case_data(received_on=date(2026, 7, 1), petitioners=[petitioner], title="拖欠工资"),
    ).case
    labour = wf.assign(
        session, registrar, labour.id, labour.version, lead_unit_id=unit.id, on=date(2026, 7, 2)
    )
    labour = wf.accept(session, handler, labour.id, labour.version, notice_date=date(2026, 7, 3))
    labour = wf.route_out(
        session,
        handler,
        labour.id,
        labour.version,
        route="arbitration",
        routed_to="区劳动人事争议仲裁院",
        on=date(2026, 7, 20),
    )
    assert (labour.status, labour.route, labour.closed_on, labour.stage, labour.due_on) == (
        S.ROUTED_OUT,
        "arbitration",
        date(2026, 7, 20),
        None,
        None,
    )
