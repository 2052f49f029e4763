"""Repeat petitions: likely earlier cases with their reasons, ranking, index use, and 不再受理 on linking."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from core.cases import repeats, workflow
from core.cases.repeats import find_repeats, link_repeat, title_similarity
from core.platform import timeutil
from core.platform.errors import IllegalTransition, ValidationError
from models import CaseStatus, Role
from tests.factories import START, act, case_in_status, id_number, make_user, person_in, register

RECENT = timeutil.today() - timedelta(days=30)  # inside the two-year window of the title comparison


def test_title_similarity_is_the_dice_coefficient_of_character_bigrams():
    # 物业 业不 不修 修电 电梯 against the same five plus 梯门: 2 * 5 / (5 + 6) = 0.909...
    assert round(title_similarity("物业不修电梯", "物业不修电梯门"), 3) == 0.909
    assert title_similarity("物业不修电梯", "拖欠工资") == 0.0
    assert title_similarity("", "物业") == 0.0


def test_an_earlier_case_of_the_same_id_number_is_found_in_either_form(session):
    earlier = register(session, petitioners=[person_in(id_number="11010519491231002X")])
    for typed in ("11010519491231002x", "110105491231002"):
        [hit] = find_repeats(session, make_user(session), id_numbers=[typed])
        assert (hit.case_id, hit.number, hit.reasons) == (earlier.id, earlier.number, ("id_number",))
        assert hit.reason_labels == ["身份证号码相同"]


def test_the_same_phone_and_the_same_name_and_address_are_found(session):
    earlier = register(
        session, petitioners=[person_in(name="陈静", phone="023-67512345", address="重庆市江北区建新北路1号")]
    )
    [by_phone] = find_repeats(session, make_user(session), phones=["02367512345"])
    assert (by_phone.case_id, by_phone.reasons) == (earlier.id, ("phone",))
    [by_address] = find_repeats(session, make_user(session), name_address=[("陈静", "江北区 建新北路1号")])
    assert (by_address.case_id, by_address.reasons) == (earlier.id, ("name_address",))
    assert find_repeats(session, make_user(session), name_address=[("陈静", "渝北区2号")]) == []
    assert find_repeats(session, make_user(session), name_address=[("陈晶", "重庆市江北区建新北路1号")]) == []


def test_a_similar_title_counts_only_with_the_same_subject_in_the_last_two_years(session):
    same = register(session, received_on=RECENT, subject="property_management", title="物业不修电梯")
    register(session, received_on=RECENT, subject="labour_wages", title="物业不修电梯")
    register(
        session, received_on=RECENT - timedelta(days=800), subject="property_management", title="物业不修电梯"
    )
    register(session, received_on=RECENT, subject="property_management", title="小区停车收费过高")
    [hit] = find_repeats(session, make_user(session), title="物业不修电梯门", subject="property_management")
    assert (hit.case_id, hit.reasons, hit.score) == (same.id, ("similar_title",), 36.36)  # 40 * 0.909


def test_candidates_are_ranked_by_the_strength_of_their_reasons(session):
    number, phone = id_number(), "13812345678"
    by_title = register(session, received_on=RECENT, title="物业不修电梯", petitioners=[person_in()])
    by_phone = register(session, petitioners=[person_in(phone=phone)])
    by_both = register(session, petitioners=[person_in(id_number=number, phone=phone)])
    same_person_earlier = register(
        session, received_on=START - timedelta(days=30), petitioners=[person_in(id_number=number)]
    )
    found = find_repeats(
        session,
        make_user(session),
        id_numbers=[number],
        phones=[phone],
        title="物业不修电梯",
        subject="property_management",
    )
    assert [c.case_id for c in found] == [by_both.id, same_person_earlier.id, by_phone.id, by_title.id]
    # the earlier case is the same Person (reused by ID number), so it matches by phone too; newer wins the tie
    assert [(c.reasons, c.score) for c in found] == [
        (("id_number", "phone"), 160),
        (("id_number", "phone"), 160),
        (("phone",), 60),
        (("similar_title",), 40),
    ]
    assert [
        c.case_id
        for c in find_repeats(session, make_user(session), id_numbers=[number], phones=[phone], limit=2)
    ] == [
        by_both.id,
        same_person_earlier.id,
    ]


def test_the_new_case_itself_and_invalid_or_merged_cases_are_left_out(session):
    admin = make_user(session, Role.ADMIN)
    number = id_number()
    kept = register(session, admin, petitioners=[person_in(id_number=number)])
    invalid = case_in_status(
        session, CaseStatus.INVALID, actor=admin, petitioners=[person_in(id_number=number)]
    )
    current = register(session, admin, petitioners=[person_in(id_number=number)])
    found = find_repeats(session, make_user(session), id_numbers=[number], exclude_case_id=current.id)
    assert [c.case_id for c in found] == [kept.id]
    assert invalid.id not in [c.case_id for c in found]


def test_an_unfinished_id_number_or_phone_finds_nothing_and_raises_nothing(session):
    register(session)
    assert (
        find_repeats(
            session, make_user(session), id_numbers=["1101051949"], phones=["138"], name_address=[("", "")]
        )
        == []
    )


def test_every_lookup_of_the_repeat_search_can_use_an_index(session):
    register(
        session,
        received_on=RECENT,
        petitioners=[person_in(id_number="11010519491231002X", phone="13812345678")],
    )
    registrar = make_user(session)  # before the connection is taken: the commit would release it
    statements = []
    conn = session.connection()

    def remember(_conn, _cursor, statement, parameters, _context, _many):
        statements.append((statement, parameters))

    sa.event.listen(conn, "before_cursor_execute", remember)
    try:
        find_repeats(
            session,
            registrar,
            id_numbers=["11010519491231002X"],
            phones=["13812345678"],
            name_address=[("张三", "重庆市江北区建新北路1号")],
            title="物业不修电梯",
            subject="property_management",
        )
    finally:
        sa.event.remove(conn, "before_cursor_execute", remember)
    assert len(statements) >= 5
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        conn.exec_driver_sql(
            "SET LOCAL enable_seqscan = off"
        )  # tiny tables: ask whether an index *can* be used
    for statement, parameters in statements:
        plan = [
            str(row[-1])
            for row in conn.exec_driver_sql(
                ("EXPLAIN " if postgres else "EXPLAIN QUERY PLAN ") + statement, parameters
            )
        ]
        full_scans = [step for step in plan if ("Seq Scan" in step if postgres else step.startswith("SCAN"))]
        assert full_scans == [], (statement, plan)


# --- linking --------------------------------------------------------------------------------------


def test_linking_a_repeat_marks_it_and_clears_first_petition(session):
    registrar = make_user(session)
    earlier, later = register(session, registrar), register(session, registrar)
    # the earlier petition was withdrawn: it left the track, so the repeat is a petition of its own
    earlier = act(session, make_user(session, Role.ADMIN), earlier, "withdraw", on=START, reason="撤回")
    linked = link_repeat(session, registrar, later.id, later.version, repeat_of_id=earlier.id)
    assert (linked.not_accepted_again, linked.message) == (False, None)
    assert (linked.case.repeat_of_id, linked.case.is_first, linked.case.version) == (earlier.id, False, 2)
    with pytest.raises(IllegalTransition) as err:
        link_repeat(session, registrar, later.id, later.version, repeat_of_id=earlier.id)
    assert err.value.message == "本案已关联到先前的案件。"


def test_linking_to_a_matter_ended_after_reexamination_flags_not_accepted_again(session):
    admin = make_user(session, Role.ADMIN)
    number = id_number()
    ended = case_in_status(
        session, CaseStatus.TERMINATED, actor=admin, petitioners=[person_in(id_number=number)]
    )
    new = register(session, admin, received_on=date(2025, 6, 2), petitioners=[person_in(id_number=number)])
    [candidate] = find_repeats(session, make_user(session), id_numbers=[number], exclude_case_id=new.id)
    assert (candidate.case_id, candidate.status, candidate.not_accepted_again) == (
        ended.id,
        "terminated",
        True,
    )
    linked = act(session, admin, new, "link_repeat", repeat_of_id=ended.id)
    assert linked.not_accepted_again is True and linked.case.not_accepted_again is True
    # case_in_status decides the re-examination on START + 13 = 2025-03-16
    why = f"不再受理：同一事项已由案件{ended.number}于2025-03-16复核终结，同一事实和理由不再受理（第36条第3款）。"
    assert linked.message == why
    # registered, closed the day the link was recorded, never on a clock, with the reason on the case
    assert (new.status, new.stage, new.due_on, new.closed_on, new.end_reason) == (
        "barred",
        None,
        None,
        timeutil.today(),
        why,
    )
    assert workflow.available_actions(session, admin, new) == []
    # the flag passes down a chain of repeats
    newest = register(session, admin, received_on=date(2025, 7, 1))
    assert act(session, admin, newest, "link_repeat", repeat_of_id=new.id).not_accepted_again is True


def test_linking_a_repeat_to_a_case_in_handling_hands_it_to_that_case(session):
    admin = make_user(session, Role.ADMIN)
    live = case_in_status(session, CaseStatus.HANDLING, actor=admin)
    again = register(session, admin, received_on=START + timedelta(days=10))
    linked = act(session, admin, again, "link_repeat", repeat_of_id=live.id)
    assert linked.message == (
        f"同一事项正在案件{live.number}中办理（办理中），本件登记并关联该案，不另行受理、不另起办理期限（第19条第3款）；"
        "请告知信访人该事项正在办理中。"
    )
    assert (again.status, again.stage, again.due_on, again.repeat_of_id) == ("joined", None, None, live.id)
    assert workflow.available_actions(session, admin, again) == []  # not handled twice
    timeline = workflow_timeline(session, admin, live)
    assert [(e.action, e.after) for e in timeline][-1] == (
        "repeat_received",
        {"repeat": again.number, "received_on": "2025-03-13"},
    )


def test_a_case_is_never_linked_as_a_repeat_of_a_later_case(session):
    admin = make_user(session, Role.ADMIN)
    first = register(session, admin, received_on=START)
    later = register(session, admin, received_on=START + timedelta(days=3))
    with pytest.raises(ValidationError) as err:
        act(session, admin, first, "link_repeat", repeat_of_id=later.id)
    assert err.value.errors == {
        "repeat_of_id": f"案件{later.number}的收到日期晚于本案，不能把本案关联为其后案件的重复信访；请在后一案件上关联本案。"
    }


def workflow_timeline(session, actor, case):
    from core.cases.registration import case_timeline

    return case_timeline(session, actor, case.id)


def test_repeats_module_exposes_the_linking_transition():
    from core.cases import workflow

    assert repeats.link_repeat is workflow.link_repeat
