"""Registration (登记): numbering, people, validation, on-the-spot resolution, query codes, scoped reads."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import func, select

from core.cases import registration as cases
from core.cases import self_service
from core.cases.registration import case_timeline, get_case, register_case
from core.platform import timeutil
from core.platform.errors import NotFound, PermissionDenied, ValidationError
from models import (
    Case,
    CaseEvent,
    CaseParty,
    CaseStatus,
    Category,
    Channel,
    Gender,
    Outcome,
    Person,
    Role,
)
from tests.factories import (
    act,
    case_data,
    case_in_status,
    id_number,
    make_place,
    make_unit,
    make_user,
    person_in,
    register,
)


def count(session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def test_registration_numbers_the_case_and_starts_the_triage_clock(session):
    registrar = make_user(session, Role.REGISTRAR, name="登记员王芳")
    done = register_case(session, registrar, case_data(received_on=date(2025, 9, 20)))
    case = done.case
    assert case.number == "JB-2025-000001"
    assert case.status == CaseStatus.REGISTERED
    assert (case.stage, case.stage_started_on) == ("triage", date(2025, 9, 20))
    # 15 days from Sat 2025-09-20 end on Sun 2025-10-05, inside the National Day holiday (10-01..10-08):
    # the deadline moves to the next working day, Thu 2025-10-09.
    assert case.due_on == date(2025, 10, 9)
    assert case.is_first is True and case.confidential is False
    assert case.registrar_id == registrar.id and case.version == 1
    [event] = session.exec(select(CaseEvent)).all()
    assert (event.action, event.case_id, event.actor_name) == ("register", case.id, "登记员王芳")
    assert event.after["number"] == "JB-2025-000001" and event.after["due_on"] == "2025-10-09"
    assert event.after["parties"] == [
        {"person_id": event.after["parties"][0]["person_id"], "role": "petitioner"}
    ]


def test_query_code_is_shown_once_and_only_its_hash_is_stored(session):
    done = register_case(session, make_user(session), case_data())
    code, stored = done.query_code, done.case.query_code_hash
    assert len(code) == 8 and code.isalnum() and code.upper() == code
    assert code not in stored and stored.startswith("scrypt$4096$8$1$")
    assert self_service.lookup(session, done.case.number, code.lower(), "test").number == done.case.number
    for number, typed in ((done.case.number, "22222222"), ("JB-2025-999999", code)):
        with pytest.raises(NotFound):
            self_service.lookup(session, number, typed, "test")


def test_a_query_code_hashed_at_an_earlier_cost_still_checks(monkeypatch):
    monkeypatch.setattr(cases, "SCRYPT_N", 2**14)
    stored = cases.hash_query_code("ABCD 2345")
    monkeypatch.undo()
    assert stored.startswith("scrypt$16384$8$1$")
    assert cases.check_query_code("abcd2345", stored)
    assert not cases.check_query_code("ABCD2346", stored)
    assert not cases.check_query_code("ABCD2345", "bcrypt$x") and not cases.check_query_code("ABCD2345", None)


def test_numbers_count_up_within_a_year_and_restart_in_another(session):
    registrar = make_user(session)
    numbers = [
        register_case(session, registrar, case_data(received_on=day)).case.number
        for day in (date(2025, 3, 1), date(2025, 3, 2), date(2024, 12, 31))
    ]
    assert numbers == ["JB-2025-000001", "JB-2025-000002", "JB-2024-000001"]


def test_a_number_taken_by_a_concurrent_registration_is_retried(session, monkeypatch):
    # registrations take numbers one at a time; a ledger import writing numbers meanwhile can still take the one
    # read, which the first attempt sees as a stale maximum: it fails on the unique number and is retried
    registrar = make_user(session)
    register_case(session, registrar, case_data())
    real_next_number = cases._next_number
    handed = []

    def stale_then_real(s, year):
        handed.append("JB-2025-000001" if not handed else real_next_number(s, year))
        return handed[-1]

    monkeypatch.setattr(cases, "_next_number", stale_then_real)
    mine = register_case(session, registrar, case_data()).case
    assert handed == ["JB-2025-000001", "JB-2025-000002"]
    assert mine.number == "JB-2025-000002"
    assert count(session, Case) == 2 and count(session, CaseEvent) == 2


def test_a_known_person_is_reused_by_id_number_and_blanks_are_filled(session):
    registrar = make_user(session)
    number = "11010519491231002X"
    first = register(
        session, registrar, petitioners=[person_in(id_number=number, phone=None, address="江北区1号")]
    )
    second = register(
        session, registrar, petitioners=[person_in(id_number="110105491231002", phone="13900001111")]
    )
    assert count(session, Person) == 1
    person = session.exec(select(Person)).one()
    assert person.phone == "13900001111" and person.address == "江北区1号"  # filled in, not overwritten
    assert person.gender == Gender.FEMALE  # from the ID number: sequence 002, even
    parties = session.exec(select(CaseParty.case_id).where(CaseParty.person_id == person.id)).all()
    assert sorted(parties) == sorted([first.id, second.id])


def test_a_person_both_petitioner_and_representative_is_one_person(session):
    rep = person_in(name="李四")
    case = register(
        session,
        petitioners=[rep, person_in(name="王五")],
        representatives=[rep],
        group_size=6,
    )
    assert count(session, Person) == 2
    roles = session.exec(select(CaseParty.role).where(CaseParty.case_id == case.id)).all()
    assert sorted(roles) == ["petitioner", "petitioner", "representative"]


def test_accusations_are_confidential_automatically(session):
    case = register(session, category=Category.ACCUSATION, subject="discipline", title="举报某干部违规收费")
    assert case.confidential is True


def test_an_anonymous_letter_is_registered_without_petitioners(session):
    case = register(session, channel=Channel.LETTER, anonymous=True, petitioners=[])
    assert case.anonymous is True and case.status == CaseStatus.REGISTERED
    assert count(session, CaseParty) == 0


def test_every_invalid_field_is_reported_at_once_and_nothing_is_written(session):
    registrar = make_user(session)
    tomorrow = timeutil.today() + timedelta(days=1)
    data = case_data(
        received_on=tomorrow,
        subject="weather",
        title=" ",
        content="",
        category=Category.SUGGESTION,
        route="arbitration",
        petitioners=[
            person_in(id_number="110105194912310021", phone="12345"),
            person_in(name="", address=None, phone=None),
        ],
        representatives=[person_in() for _ in range(6)],
        group_size=6,
    )
    with pytest.raises(ValidationError) as err:
        register_case(session, registrar, data)
    errors = err.value.errors
    assert errors["received_on"] == f"收到信访日期不能晚于今天（{timeutil.today()}）。"
    assert errors["subject"] == "所选事项类别不存在。"
    assert errors["title"] == "请填写标题。"
    assert errors["content"] == "请填写主要内容。"
    assert errors["route"].startswith("只有申诉求决类事项才有法定途径之分")
    assert errors["petitioners.0.id_number"] == "身份证号码校验位不符，请逐位核对。"
    assert errors["petitioners.0.phone"].startswith("电话号码格式不正确")
    assert errors["petitioners.1.name"] == "请填写信访人2的姓名。"
    assert errors["representatives"] == "群体访推选的代表不得超过5人（第20条）。"
    assert err.value.message.startswith(f"有{len(errors)}处需要更正：")
    session.rollback()
    assert [count(session, m) for m in (Case, Person, CaseParty, CaseEvent)] == [0, 0, 0, 0]


def test_a_named_petitioner_needs_a_phone_or_an_address(session):
    with pytest.raises(ValidationError) as err:
        register(session, petitioners=[person_in(name="赵六", phone=None, address="  ")])
    assert err.value.errors == {"petitioners.0.phone": "请填写赵六的联系电话或住址。"}


def test_a_non_anonymous_petition_needs_a_petitioner(session):
    with pytest.raises(ValidationError) as err:
        register(session, petitioners=[])
    assert err.value.errors == {"petitioners": "非匿名信访须至少登记一名信访人。"}


def test_a_group_visit_of_five_or_more_must_name_representatives(session):
    with pytest.raises(ValidationError) as err:
        register(session, group_size=30)
    assert err.value.errors == {"representatives": "5人以上集体走访须登记推选的代表（第20条）。"}
    case = register(session, group_size=30, representatives=[person_in(name="代表甲")])
    assert case.group_size == 30


def test_street_and_community_are_filled_from_the_grid_and_must_agree(session):
    street, community, grid = make_place(session)
    case = register(session, grid_id=grid.id)
    assert (case.street_id, case.community_id, case.grid_id) == (street.id, community.id, grid.id)
    other_street, _, _ = make_place(session)
    with pytest.raises(ValidationError) as err:
        register(session, grid_id=grid.id, street_id=other_street.id)
    assert err.value.errors == {"community_id": "所选社区不属于所选街道/镇。"}


def test_leader_reception_resolved_on_the_spot_closes_at_once(session):
    leader = make_user(session, Role.LEADER, name="区长")
    case = register(
        session,
        leader,
        channel=Channel.LEADER_RECEPTION,
        received_on=date(2025, 9, 20),
        received_by_leader_id=leader.id,
        onsite_resolved=True,
        onsite_outcome=Outcome.SUPPORT,
        onsite_note="当场协调物业公司三日内维修电梯",
    )
    assert case.status == CaseStatus.CLOSED and case.onsite_resolved is True
    assert (case.replied_on, case.reply_received_on, case.closed_on) == (date(2025, 9, 20),) * 3
    assert case.outcome == Outcome.SUPPORT and case.reply_summary == "当场协调物业公司三日内维修电梯"
    assert (case.stage, case.due_on) == (None, None)


def test_leader_channels_need_the_receiving_leader_and_an_on_the_spot_outcome(session):
    registrar = make_user(session)
    with pytest.raises(ValidationError) as err:
        register(session, registrar, channel=Channel.ONSITE_OFFICE, onsite_resolved=True)
    assert err.value.errors == {
        "received_by_leader_id": "请填写接待领导。",
        "onsite_outcome": "请填写当场处理结果。",
        "onsite_note": "请填写当场处理情况。",
    }
    with pytest.raises(ValidationError) as err:
        register(session, registrar, onsite_resolved=True, onsite_outcome="support", onsite_note="已解决")
    assert err.value.errors == {"onsite_resolved": "只有领导接访或马路办公当场化解的事项才能当场办结。"}
    with pytest.raises(ValidationError) as err:
        register(session, registrar, channel=Channel.LEADER_RECEPTION, received_by_leader_id=registrar.id)
    assert err.value.errors == {"received_by_leader_id": "接待领导须是具有领导角色的用户。"}


def test_a_repeat_of_a_matter_ended_after_reexamination_is_not_accepted_again(session):
    earlier = case_in_status(session, CaseStatus.TERMINATED)
    done = register_case(session, make_user(session), case_data(repeat_of_id=earlier.id))
    assert done.case.repeat_of_id == earlier.id
    assert (done.case.is_first, done.case.not_accepted_again) == (False, True)
    why = f"不再受理：同一事项已由案件{earlier.number}于2025-03-16复核终结，同一事实和理由不再受理（第36条第3款）。"
    assert done.messages == [why]  # what the registrar reads (re-examination decided on START + 13)
    case = done.case  # registered as 不再受理: closed on the day received, never on the handling clock
    assert (case.status, case.stage, case.due_on, case.closed_on, case.end_reason) == (
        "barred",
        None,
        None,
        case.received_on,
        why,
    )


def test_new_facts_and_reasons_open_a_new_matter_after_reexamination_and_the_register_event_keeps_them(
    session,
):
    earlier = case_in_status(session, CaseStatus.TERMINATED)
    data = case_data(repeat_of_id=earlier.id, new_facts="物业于2025年8月再次停水，属新的事实")
    done = register_case(session, make_user(session), data)
    assert done.messages == [
        f"信访人提出新的事实和理由：与案件{earlier.number}关联，作为新的信访事项登记办理。"
    ]
    assert (done.case.status, done.case.stage, done.case.not_accepted_again) == (
        "registered",
        "triage",
        False,
    )
    event = session.exec(select(CaseEvent).where(CaseEvent.case_id == done.case.id)).one()
    assert event.after["new_facts"] == "物业于2025年8月再次停水，属新的事实"


def test_a_repeat_after_the_review_window_lapsed_is_not_accepted_again(session):
    earlier = case_in_status(session, CaseStatus.CLOSED)
    # the reply reached the petitioner on START + 7 = Mon 03-10; 30 days end Wed 04-09; received 04-10
    done = register_case(
        session, make_user(session), case_data(repeat_of_id=earlier.id, received_on=date(2025, 4, 10))
    )
    assert done.messages == [
        f"不再受理：案件{earlier.number}的处理意见已于2025-03-10送达，信访人在复查申请期限（至2025-04-09）内未请求复查，"
        "处理意见已生效，同一事实和理由不再受理（第35条、第36条）。"
    ]
    assert done.case.status == "barred"


def test_a_repeat_within_the_review_window_is_handled_in_the_earlier_case(session):
    earlier = case_in_status(session, CaseStatus.CLOSED)
    done = register_case(
        session, make_user(session), case_data(repeat_of_id=earlier.id, received_on=date(2025, 4, 9))
    )
    assert done.case.status == "joined" and done.case.due_on is None
    assert done.messages[0].startswith(f"同一事项正在案件{earlier.number}中办理（已办结）")


def test_input_of_the_wrong_type_is_reported_by_field(session):
    data = {"channel": "fax", "received_on": "yesterday", "subject": "other", "title": "t", "content": "c"}
    with pytest.raises(ValidationError) as err:
        register_case(session, make_user(session), data)
    assert err.value.errors == {
        "channel": "信访渠道的值无效。",
        "received_on": "收到信访日期应为 YYYY-MM-DD 格式的日期。",
    }


def test_only_registrars_admins_and_leaders_register(session):
    with pytest.raises(PermissionDenied):
        register_case(session, make_user(session, Role.HANDLER), case_data())
    assert count(session, Case) == 0


def test_a_handler_sees_only_his_units_cases_and_others_get_not_found(session):
    admin = make_user(session, Role.ADMIN)
    unit_a, unit_b = make_unit(session), make_unit(session)
    case = register(session, admin, petitioners=[person_in(id_number=id_number())])
    act(session, admin, case, "assign", lead_unit_id=unit_a.id, on=date(2025, 3, 4))
    assert get_case(session, make_user(session, Role.HANDLER, unit=unit_a), case.id).id == case.id
    for stranger in (make_user(session, Role.HANDLER, unit=unit_b), make_user(session, Role.MEDIATOR)):
        with pytest.raises(NotFound) as err:
            get_case(session, stranger, case.id)
        assert err.value.message == "未找到该案件，或您无权查看。"
    with pytest.raises(NotFound) as err:
        get_case(session, admin, 999_999)
    assert err.value.message == "未找到该案件，或您无权查看。"  # the same words: existence is not revealed


def test_the_timeline_lists_the_events_oldest_first(session):
    admin = make_user(session, Role.ADMIN)
    case = register(session, admin)
    act(session, admin, case, "assign", lead_unit_id=make_unit(session).id, on=date(2025, 3, 4))
    act(session, admin, case, "accept", notice_date=date(2025, 3, 5))
    assert [e.action for e in case_timeline(session, admin, case.id)] == ["register", "assign", "accept"]


def test_control_characters_are_refused_at_registration_with_field_messages(session):
    data = case_data(
        title="物业\x07维修",
        content="第一段\n\t第二段",  # newlines and tabs belong in a long text
        request="退还\x00费用",
        petitioners=[person_in(name="张\x1b三")],
    )
    with pytest.raises(ValidationError) as err:
        register_case(session, make_user(session), data)
    assert err.value.errors == {
        "title": "标题含有不可见的控制字符，请删除后重新输入。",
        "request": "诉求含有不可见的控制字符，请删除后重新输入。",
        "petitioners.0.name": "信访人1的姓名含有不可见的控制字符，请删除后重新输入。",
    }
    assert session.exec(select(Case)).all() == []
