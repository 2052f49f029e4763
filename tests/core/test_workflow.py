"""The case workflow: every transition from every status, permissions, stale saves, clock and windows."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from sqlmodel import Session, func, select

import i18n
from core.cases import workflow
from core.cases.status import OPEN, is_ended, petition_track_closed
from core.cases.workflow import TRANSITIONS, available_actions, missing_meetings
from core.platform.errors import IllegalTransition, NotFound, PermissionDenied, StaleVersion, ValidationError
from core.platform.timeutil import REFERENCE_DATE_ENV, to_local, today
from models import Case, CaseEvent, CasePause, CaseStatus, CaseUnit, Category, Role, UnitRole, User
from tests.factories import START, act, case_in_status, inputs, make_unit, make_user, register

S = CaseStatus
LATER = START + timedelta(days=17)  # after every step of tests.factories.PATHS

# Worked out by hand from DOMAIN.md §3–§5: what an administrator (a leader for take_charge) can do.
EXPECTED: dict[CaseStatus, set[str]] = {
    S.REGISTERED: {
        "forward",
        "assign",
        "refer_mediation",
        "route_out",
        "merge",
        "withdraw",
        "invalidate",
        "take_charge",
        "link_repeat",
    },
    S.FORWARDED: {
        "accept",
        "decline",
        "raise_objection",
        "route_out",
        "merge",
        "withdraw",
        "take_charge",
        "link_repeat",
    },
    S.ASSIGNED: {
        "accept",
        "decline",
        "raise_objection",
        "route_out",
        "merge",
        "withdraw",
        "take_charge",
        "link_repeat",
    },
    S.OBJECTED: {"settle_dispute", "route_out", "withdraw", "take_charge", "link_repeat"},
    S.HANDLING: {
        "pause",
        "extend",
        "refer_mediation",
        "record_meeting",
        "reply",
        "route_out",
        "withdraw",
        "take_charge",
        "link_repeat",
    },
    S.PAUSED: {"resume", "record_meeting", "route_out", "withdraw", "take_charge", "link_repeat"},
    # The handling clock runs on while mediating: the unit may still pause it or extend it (issue 11 item 6).
    S.MEDIATING: {
        "pause",
        "extend",
        "return_from_mediation",
        "record_meeting",
        "withdraw",
        "take_charge",
        "link_repeat",
    },  # fmt: skip
    S.REPLIED: {
        "record_meeting",
        "rate",
        "close",
        "request_review",
        "take_charge",
    },  # the 2025 reply's window passed
    S.RATED: {"record_meeting", "close", "request_review", "take_charge"},
    S.CLOSED: {"request_review"},
    S.REVIEW_REQUESTED: {"pause", "decide_review", "take_charge"},
    S.REVIEWED: {"close", "request_reexam", "take_charge"},
    S.REEXAM_REQUESTED: {"pause", "decide_reexam", "take_charge"},
    S.TERMINATED: set(),
    S.ROUTED_OUT: set(),
    S.DECLINED: set(),
    S.BARRED: set(),
    S.JOINED: set(),
    S.MERGED: set(),
    S.WITHDRAWN: set(),
    S.INVALID: set(),
}


def events(session, case, action=None) -> list[CaseEvent]:
    stmt = select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)
    return list(session.exec(stmt.where(CaseEvent.action == action) if action else stmt).all())


def test_the_expected_table_covers_every_status_and_action():
    assert set(EXPECTED) == set(CaseStatus)
    assert set().union(*EXPECTED.values()) <= set(TRANSITIONS)


def test_the_table_holds_each_action_s_function_of_the_same_name():
    # the event's `action` is the key, so a reader finds the function by the name in the timeline
    assert [a for a, tr in TRANSITIONS.items() if tr.func.__name__ != a] == []
    assert all(tr.func.__module__ == workflow.__name__ for tr in TRANSITIONS.values())


@pytest.mark.parametrize("status", list(CaseStatus))
def test_each_action_works_from_exactly_its_statuses(session, status):
    admin, leader, unit = make_user(session, Role.ADMIN), make_user(session, Role.LEADER), make_unit(session)
    other = register(session, admin)
    probe = case_in_status(session, status, actor=admin, unit=unit)
    version = probe.version
    assert available_actions(session, admin, probe) == [
        a for a in TRANSITIONS if a in EXPECTED[status] - {"take_charge"} or (a == "urge" and status in OPEN)
    ]
    worked = set()
    for action in TRANSITIONS:
        if action in ("instruct", "urge"):  # notes on any open case, tested in tests/pages/test_todo_actions.py
            continue
        actor = leader if action == "take_charge" else admin
        case = (
            case_in_status(session, status, actor=admin, unit=unit) if action in EXPECTED[status] else probe
        )
        on = START + timedelta(days=2) if action in ("raise_objection", "decline") else LATER
        try:
            act(session, actor, case, action, **inputs(action, on, unit_id=unit.id, other_case_id=other.id))
            worked.add(action)
        except IllegalTransition:
            pass
    assert worked == EXPECTED[status]
    session.expire_all()
    assert (probe.status, probe.version) == (status, version)  # the refusals wrote nothing


def test_an_illegal_transition_names_the_current_status_in_chinese(session):
    case = register(session)
    with pytest.raises(IllegalTransition) as err:
        act(session, make_user(session, Role.ADMIN), case, "accept", notice_date=START)
    assert err.value.message == "案件当前状态为“已登记”，不能“受理”。"


def test_every_action_and_refusal_has_text_in_both_languages():
    keys = [f"workflow.action.{a}" for a in TRANSITIONS]
    keys += [f"workflow.guard.{k}" for k in ("already_objected", "already_extended", "nothing_to_deliver")]
    keys += [f"workflow.guard.{k}" for k in ("already_reviewed", "reply_not_delivered", "no_review")]
    keys += [
        f"workflow.guard.{k}" for k in ("already_reexamined", "review_not_delivered", "already_in_charge")
    ]
    keys += ["workflow.guard.already_linked", "workflow.decision.uphold", "workflow.decision.reassign"]
    for language in i18n.LANGUAGES:
        assert [k for k in keys if k not in i18n.catalog(language)] == []


# --- permissions ----------------------------------------------------------------------------------


def test_a_handler_of_another_unit_cannot_even_see_the_case(session):
    case = case_in_status(session, S.ASSIGNED)
    outsider = make_user(session, Role.HANDLER)
    with pytest.raises(NotFound):
        act(session, outsider, case, "accept", notice_date=START + timedelta(days=2))
    assert available_actions(session, outsider, case) == []


def test_an_assisting_unit_sees_the_case_but_only_the_lead_unit_acts(session):
    admin, lead, assisting = make_user(session, Role.ADMIN), make_unit(session), make_unit(session)
    case = register(session, admin)
    act(session, admin, case, "assign", lead_unit_id=lead.id, assisting_unit_ids=[assisting.id], on=START)
    helper = make_user(session, Role.HANDLER, unit=assisting)
    with pytest.raises(PermissionDenied) as err:
        act(session, helper, case, "accept", notice_date=START)
    assert err.value.message == "只有主办单位可以“受理”，协办单位仅可查看。"
    assert available_actions(session, helper, case) == []
    handler = make_user(session, Role.HANDLER, unit=lead)
    assert available_actions(session, handler, case) == ["accept", "decline", "raise_objection"]
    assert act(session, handler, case, "accept", notice_date=START).status == S.HANDLING


def test_a_leader_cannot_accept_but_may_take_charge(session):
    case = case_in_status(session, S.ASSIGNED)
    leader = make_user(session, Role.LEADER, name="刘副区长")
    with pytest.raises(PermissionDenied) as err:
        act(session, leader, case, "accept", notice_date=START + timedelta(days=2))
    assert err.value.message == "您没有执行此操作的权限。"
    assert available_actions(session, leader, case) == ["take_charge", "link_repeat"]  # leaders also register
    assert act(session, leader, case, "take_charge").leader_in_charge_id == leader.id
    with pytest.raises(IllegalTransition) as err:
        act(session, leader, case, "take_charge")
    assert err.value.message == "您已是本案的包案领导。"


def test_a_registrar_triages_but_does_not_accept(session):
    registrar = make_user(session, Role.REGISTRAR)
    case = register(session, registrar)
    assert available_actions(session, registrar, case) == [
        "forward", "assign", "refer_mediation", "route_out", "merge", "withdraw", "invalidate", "link_repeat"
    ]  # fmt: skip
    case = act(session, registrar, case, "forward", lead_unit_id=make_unit(session).id, on=START)
    with pytest.raises(PermissionDenied):
        act(session, registrar, case, "accept", notice_date=START)


# --- versions -------------------------------------------------------------------------------------


def test_a_save_on_a_stale_version_is_refused_naming_who_changed_it(session, engine):
    unit = make_unit(session)
    handler = make_user(session, Role.HANDLER, unit=unit, name="承办员李明")
    case = case_in_status(session, S.ASSIGNED, unit=unit)
    seen = case.version
    with Session(engine, expire_on_commit=False) as first, Session(engine, expire_on_commit=False) as second:
        workflow.accept(
            first, first.get(User, handler.id), case.id, seen, notice_date=START + timedelta(days=2)
        )
        with pytest.raises(StaleVersion) as err:
            workflow.raise_objection(
                second,
                second.get(User, handler.id),
                case.id,
                seen,
                on=START + timedelta(days=2),
                reason="不属本单位",
            )
    latest = events(session, case)[-1]
    when = to_local(latest.at).strftime("%Y-%m-%d %H:%M")
    assert err.value.message == f"该案件已被承办员李明于{when}修改，请刷新后重新操作。"
    assert err.value.changed_by == "承办员李明"
    session.expire_all()
    assert session.get(Case, case.id).status == S.HANDLING
    assert [e.action for e in events(session, case)][-1] == "accept"


def test_two_saves_racing_on_one_case_let_exactly_one_win(session, engine, monkeypatch):
    admin = make_user(session, Role.ADMIN)
    case = case_in_status(session, S.ASSIGNED, actor=admin)
    version, results, others = case.version, {}, []
    real_get_case = workflow.get_case

    def save(name: str, on: date) -> None:
        with Session(engine, expire_on_commit=False) as s:
            try:
                workflow.accept(s, s.get(User, admin.id), case.id, version, notice_date=on)
                results[name] = "saved"
            except StaleVersion:
                results[name] = "stale"

    def load_then_let_another_clerk_in(s, actor, case_id, **kwargs):
        loaded = real_get_case(s, actor, case_id, **kwargs)
        if not others and kwargs.get("for_update"):
            other = threading.Thread(target=save, args=("second", START + timedelta(days=3)))
            others.append(other)
            other.start()
            # PostgreSQL: the other save waits for our row lock. SQLite: it commits now, under our feet.
            other.join(timeout=1.0)
        return loaded

    monkeypatch.setattr(workflow, "get_case", load_then_let_another_clerk_in)
    save("first", START + timedelta(days=2))
    others[0].join(timeout=30)
    assert sorted(results.values()) == ["saved", "stale"]
    session.expire_all()
    assert session.get(Case, case.id).version == version + 1
    assert len(events(session, case, "accept")) == 1


def test_a_validation_error_writes_nothing_and_the_same_version_can_be_saved_after(session):
    admin = make_user(session, Role.ADMIN)
    case = case_in_status(session, S.ASSIGNED, actor=admin)
    version, before = case.version, len(events(session, case))
    with pytest.raises(ValidationError) as err:
        act(session, admin, case, "accept", notice_date=START)  # before the unit received it (START + 1)
    assert err.value.errors == {"notice_date": "受理告知日期不能早于单位收到日期（2025-03-04）。"}
    session.expire_all()
    fresh = session.get(Case, case.id)
    assert (fresh.status, fresh.version, fresh.accepted_on, len(events(session, case))) == (
        S.ASSIGNED,
        version,
        None,
        before,
    )
    tomorrow = today() + timedelta(days=1)
    with pytest.raises(ValidationError) as err:
        workflow.accept(session, admin, case.id, version, notice_date=tomorrow)
    assert err.value.errors["notice_date"].startswith("受理告知日期不能晚于今天")
    assert (
        workflow.accept(session, admin, case.id, version, notice_date=START + timedelta(days=2)).version
        == version + 1
    )


# --- acceptance, objection and dispute ------------------------------------------------------------


def assigned_on(session, admin, unit, day: date, **overrides) -> Case:
    case = register(session, admin, received_on=day - timedelta(days=1), **overrides)
    return act(session, admin, case, "assign", lead_unit_id=unit.id, on=day)


def test_assignment_records_the_lead_and_assisting_units_and_starts_the_acceptance_clock(session):
    admin, lead, helper = make_user(session, Role.ADMIN), make_unit(session), make_unit(session)
    case = assigned_on(session, admin, lead, date(2025, 9, 22))
    # assigned again is impossible; check the rows of this assignment
    rows = session.exec(select(CaseUnit.unit_id, CaseUnit.role).where(CaseUnit.case_id == case.id)).all()
    assert rows == [(lead.id, UnitRole.LEAD)]
    # 15 days from Mon 2025-09-22 end on Tue 2025-10-07, a National Day holiday: due Thu 2025-10-09
    assert (case.status, case.stage, case.unit_received_on, case.due_on) == (
        S.ASSIGNED,
        "acceptance",
        date(2025, 9, 22),
        date(2025, 10, 9),
    )
    other = register(session, admin)
    with pytest.raises(ValidationError) as err:
        act(
            session,
            admin,
            other,
            "forward",
            lead_unit_id=lead.id,
            assisting_unit_ids=[lead.id, helper.id],
            on=START,
        )
    assert err.value.errors == {"assisting_unit_ids": "主办单位不能同时作为协办单位。"}


def test_objection_is_allowed_only_within_five_working_days(session):
    admin, unit = make_user(session, Role.ADMIN), make_unit(session)
    # Received Tue 2025-09-30; working days after it: 10-09, 10-10, 10-11 (a make-up Saturday), 10-13, 10-14.
    late = assigned_on(session, admin, unit, date(2025, 9, 30))
    with pytest.raises(ValidationError) as err:
        act(session, admin, late, "raise_objection", on=date(2025, 10, 15), reason="不属本单位职责")
    assert err.value.errors == {"on": "提出受理异议的期限已于2025-10-14届满，应当受理。"}
    case = act(session, admin, late, "raise_objection", on=date(2025, 10, 14), reason="不属本单位职责")
    assert (case.status, case.stage, case.objected_on) == (S.OBJECTED, "dispute", date(2025, 10, 14))
    assert case.due_on == date(2025, 10, 20)  # 5 days: Sun 10-19 rolls to Mon 10-20


def test_an_upheld_objection_sends_the_case_back_and_the_unit_must_accept(session):
    admin, unit = make_user(session, Role.ADMIN), make_unit(session)
    case = assigned_on(session, admin, unit, START)
    act(session, admin, case, "raise_objection", on=START + timedelta(days=1), reason="不属本单位职责")
    case = act(
        session,
        admin,
        case,
        "settle_dispute",
        decision="uphold",
        on=START + timedelta(days=2),
        note="属该单位职责",
    )
    assert (case.status, case.lead_unit_id, case.unit_received_on, case.stage) == (
        S.ASSIGNED,
        unit.id,
        START + timedelta(days=2),
        "acceptance",
    )
    assert events(session, case)[-1].after["decision"] == "uphold"
    with pytest.raises(IllegalTransition) as err:
        act(session, admin, case, "raise_objection", on=START + timedelta(days=2), reason="再次异议")
    assert err.value.message == "本单位已提出过受理异议，信访部门已作出决定，应当受理。"
    assert act(session, admin, case, "accept", notice_date=START + timedelta(days=3)).status == S.HANDLING


def test_a_dispute_settled_by_reassignment_gives_the_new_unit_its_own_objection_window(session):
    admin, first, second = make_user(session, Role.ADMIN), make_unit(session), make_unit(session)
    case = assigned_on(session, admin, first, START)
    act(session, admin, case, "raise_objection", on=START + timedelta(days=1), reason="不属本单位职责")
    with pytest.raises(ValidationError) as err:
        act(
            session,
            admin,
            case,
            "settle_dispute",
            decision="reassign",
            lead_unit_id=first.id,
            on=START + timedelta(days=2),
            note="改派",
        )
    assert err.value.errors == {"lead_unit_id": "改派的单位须不同于原主办单位。"}
    case = act(
        session,
        admin,
        case,
        "settle_dispute",
        decision="reassign",
        lead_unit_id=second.id,
        on=START + timedelta(days=2),
        note="改派",
    )
    assert (case.status, case.lead_unit_id, case.objected_on) == (S.ASSIGNED, second.id, None)
    assert session.exec(select(CaseUnit.unit_id).where(CaseUnit.case_id == case.id)).all() == [second.id]
    handler = make_user(session, Role.HANDLER, unit=second)
    assert available_actions(session, handler, case) == ["accept", "decline", "raise_objection"]


# --- handling: pauses, extension, mediation -------------------------------------------------------


def handling_since(session, admin, day: date) -> Case:
    case = assigned_on(session, admin, make_unit(session), day - timedelta(days=1))
    return act(session, admin, case, "accept", notice_date=day)


def test_a_pause_stops_the_clock_and_resuming_adds_the_paused_days(session):
    admin = make_user(session, Role.ADMIN)
    case = handling_since(session, admin, date(2025, 3, 5))
    # 60 days from 2025-03-05 end on Sun 2025-05-04, inside Labour Day (05-01..05-05): due Tue 2025-05-06
    assert case.due_on == date(2025, 5, 6)
    case = act(session, admin, case, "pause", kind="hearing", on=date(2025, 3, 10), reason="组织听证")
    assert (case.status, case.paused_since, case.due_on) == (S.PAUSED, date(2025, 3, 10), None)
    case = act(session, admin, case, "resume", on=date(2025, 3, 20))
    # stopped 10 days: 2025-03-15 + 60 days = Wed 2025-05-14, a working day
    assert (case.status, case.paused_days, case.paused_since, case.due_on) == (
        S.HANDLING,
        10,
        None,
        date(2025, 5, 14),
    )
    pause = session.exec(select(CasePause).where(CasePause.case_id == case.id)).one()
    assert (pause.stage, pause.started_on, pause.ended_on) == (
        "handling",
        date(2025, 3, 10),
        date(2025, 3, 20),
    )
    assert events(session, case)[-1].after["paused_days_added"] == 10


def test_a_resume_cannot_predate_the_pause(session):
    admin = make_user(session, Role.ADMIN)
    case = handling_since(session, admin, date(2025, 3, 5))
    case = act(session, admin, case, "pause", kind="suspension", on=date(2025, 3, 10), reason="等待鉴定结论")
    with pytest.raises(ValidationError) as err:
        act(session, admin, case, "resume", on=date(2025, 3, 9))
    assert err.value.errors == {"on": "办理日期不能早于中止日期（2025-03-10）。"}


def test_one_extension_of_at_most_thirty_days_with_a_reason_told_to_the_petitioner(session, monkeypatch):
    admin = make_user(session, Role.ADMIN)
    case = handling_since(session, admin, date(2025, 3, 5))
    monkeypatch.setenv(REFERENCE_DATE_ENV, "2025-05-06")  # recorded on the last day of the limit
    with pytest.raises(ValidationError) as err:
        act(
            session,
            admin,
            case,
            "extend",
            days=31,
            reason="",
            approved_on=date(2025, 5, 7),
            notified_on=date(2025, 5, 1),
            notified_by="fax",
        )
    assert err.value.errors == {
        "days": "延期天数应为1至30天（第34条）。",
        "reason": "请填写理由。",
        "approved_on": "批准日期不能晚于今天（2025-05-06）。",
        "notified_by": "告知方式的值无效。",
    }
    with pytest.raises(ValidationError) as err:
        act(
            session,
            admin,
            case,
            "extend",
            days=30,
            reason="涉及多个部门",
            approved_on=date(2025, 4, 30),
            notified_on=date(2025, 4, 29),
            notified_by="letter",
        )
    assert err.value.errors == {"notified_on": "告知信访人日期不能早于批准日期（2025-04-30）。"}
    case = act(
        session,
        admin,
        case,
        "extend",
        days=30,
        reason="涉及多个部门，情况复杂",
        approved_on=date(2025, 4, 30),
        notified_on=date(2025, 5, 2),
        notified_by="letter",
    )
    # counted from the lawful end Tue 2025-05-06: + 30 days = Thu 2025-06-05
    assert (case.extension_days, case.due_on) == (30, date(2025, 6, 5))
    assert (case.extension_approved_on, case.extension_notified_on, case.extension_notice) == (
        date(2025, 4, 30), date(2025, 5, 2), "letter"
    )  # fmt: skip
    assert "late_override" not in events(session, case)[-1].after
    with pytest.raises(IllegalTransition) as err:
        act(session, admin, case, "extend", **inputs("extend", date(2025, 5, 6)))
    assert err.value.message == "本案已延期一次，不得再次延期（第34条）。"


def test_an_extension_recorded_after_the_limit_is_refused_unless_an_administrator_gives_a_reason(
    session, monkeypatch
):
    admin, unit = make_user(session, Role.ADMIN), make_unit(session)
    case = act(
        session,
        admin,
        assigned_on(session, admin, unit, date(2025, 3, 4)),
        "accept",
        notice_date=date(2025, 3, 5),
    )
    handler = make_user(session, Role.HANDLER, unit=unit)
    # due Tue 2025-05-06; recorded on 05-20, two weeks late, with an approval dated on the deadline
    monkeypatch.setenv(REFERENCE_DATE_ENV, "2025-05-20")
    late = {"days": 10, "reason": "情况复杂", "approved_on": date(2025, 5, 6)}
    late |= {"notified_on": date(2025, 5, 6), "notified_by": "phone"}
    with pytest.raises(ValidationError) as err:
        act(session, handler, case, "extend", **late)
    assert err.value.errors == {
        "approved_on": "办理期限已于2025-05-06届满，不能再登记延期（第34条：延期须在期限届满前批准并告知信访人）；"
        "确需补录的，由系统管理员填写补录理由。"
    }
    with pytest.raises(ValidationError) as err:
        act(session, handler, case, "extend", **late, late_reason="补录")  # only an administrator may
    assert list(err.value.errors) == ["approved_on"]
    with pytest.raises(ValidationError) as err:
        act(session, admin, case, "extend", **late)
    assert err.value.errors == {"late_reason": "请填写补录理由（期限届满后，仅管理员）。"}
    case = act(session, admin, case, "extend", **late, late_reason="纸质审批单05-06已签批，系统故障未录入")
    # 2025-05-06 + 10 days = Fri 05-16
    assert (case.extension_days, case.due_on) == (10, date(2025, 5, 16))
    event = events(session, case)[-1]
    assert (event.action, event.actor_id, event.after["late_override"]) == (
        "extend", admin.id, "纸质审批单05-06已签批，系统故障未录入"
    )  # fmt: skip


def test_mediation_keeps_the_clock_running_and_returns_the_case_where_it_was(session):
    admin = make_user(session, Role.ADMIN)
    case = handling_since(session, admin, date(2025, 3, 5))
    case = act(session, admin, case, "refer_mediation", on=date(2025, 3, 6))
    assert (case.status, case.stage, case.due_on) == (S.MEDIATING, "handling", date(2025, 5, 6))
    with pytest.raises(ValidationError) as err:
        act(session, admin, case, "return_from_mediation", on=date(2025, 3, 5), agreed=True, note="达成协议")
    assert err.value.errors == {"on": "办理日期不能早于转调解日期（2025-03-06）。"}
    case = act(
        session, admin, case, "return_from_mediation", on=date(2025, 3, 20), agreed=True, note="达成协议"
    )
    assert case.status == S.HANDLING and events(session, case)[-1].after["agreed"] is True
    fresh = register(session, admin)
    fresh = act(session, admin, fresh, "refer_mediation", on=START)
    assert (
        act(session, admin, fresh, "return_from_mediation", on=START, agreed=False, note="调解不成").status
        == S.REGISTERED
    )


# --- reply, review windows, meetings --------------------------------------------------------------


def test_the_review_window_runs_thirty_days_from_receiving_the_reply(session):
    admin = make_user(session, Role.ADMIN)
    case = handling_since(session, admin, date(2025, 8, 1))
    case = act(
        session, admin, case, "reply", replied_on=date(2025, 9, 1), outcome="explain", summary="依政策解释"
    )
    assert (case.status, case.stage, case.due_on) == (S.REPLIED, None, None)
    with pytest.raises(IllegalTransition) as err:
        act(session, admin, case, "request_review", requested_on=date(2025, 9, 10))
    assert err.value.message == "尚未登记处理意见送达信访人的日期，请先登记送达。"
    case = act(session, admin, case, "record_delivery", delivered_on=date(2025, 9, 5))
    assert case.reply_received_on == date(2025, 9, 5)
    # 2025-09-05 + 30 days = Sun 2025-10-05 in the National Day holiday: the window ends Thu 2025-10-09
    with pytest.raises(ValidationError) as err:
        act(session, admin, case, "request_review", requested_on=date(2025, 10, 10))
    assert err.value.message == (
        "复查申请期限已于2025-10-09届满（信访人2025-09-05收到处理意见，30日内可申请复查，第35条），不予受理。"
    )
    case = act(session, admin, case, "request_review", requested_on=date(2025, 10, 9))
    assert (case.status, case.stage, case.due_on) == (
        S.REVIEW_REQUESTED,
        "review",
        date(2025, 11, 10),
    )  # Sat 11-08 -> Mon


def test_closing_a_first_petition_without_all_three_meetings_is_flagged(session):
    admin = make_user(session, Role.ADMIN)
    case = handling_since(session, admin, START)
    meeting = {"place": "社区会议室", "people": "信访人、承办人"}
    case = act(session, admin, case, "record_meeting", kind="acceptance", held_on=START, **meeting)
    assert missing_meetings(session, case) == ["investigation", "reply"]
    assert events(session, case)[-1].object_type == "case_meeting"
    case = act(
        session,
        admin,
        case,
        "reply",
        replied_on=START + timedelta(days=5),
        outcome="support",
        summary="支持",
        delivered_on=START + timedelta(days=5),
    )
    case = act(
        session, admin, case, "record_meeting", kind="reply", held_on=START + timedelta(days=5), **meeting
    )
    case = act(session, admin, case, "rate", satisfaction="satisfied", rated_on=START + timedelta(days=6))
    case = act(session, admin, case, "close", closed_on=START + timedelta(days=7))
    close_event = events(session, case, "close")[0]
    assert close_event.after["missing_meetings"] == ["investigation"]
    assert close_event.after["meetings_incomplete"] is True
    assert close_event.after["status"] == "closed"


def test_closing_a_case_with_all_meetings_or_a_repeat_carries_no_flag(session):
    admin = make_user(session, Role.ADMIN)
    first = case_in_status(session, S.RATED, actor=admin)
    for kind in ("acceptance", "investigation", "reply"):
        act(session, admin, first, "record_meeting", kind=kind, held_on=LATER, place="街道", people="信访人")
    repeat = case_in_status(session, S.RATED, actor=admin, is_first=False)
    for case in (first, repeat):
        assert missing_meetings(session, case) == []
        act(session, admin, case, "close", closed_on=LATER)
        assert "missing_meetings" not in events(session, case, "close")[0].after


# --- leaving the ordinary track -------------------------------------------------------------------


def test_routing_out_records_where_the_case_went_and_closes_it(session):
    admin = make_user(session, Role.ADMIN)
    case = case_in_status(session, S.ASSIGNED, actor=admin)
    with pytest.raises(ValidationError) as err:
        act(session, admin, case, "route_out", route="petition", routed_to="", on=LATER)
    assert err.value.errors == {
        "route": "请选择诉讼、仲裁、党员申诉、行政程序或申请查处等法定途径（第1至5类）。",
        "routed_to": "请填写导入的机关或途径。",
    }
    case = act(
        session,
        admin,
        case,
        "route_out",
        route="arbitration",
        routed_to="江北区劳动人事争议仲裁委员会",
        on=LATER,
    )
    assert (case.status, case.route, case.routed_to, case.closed_on, case.stage, case.due_on) == (
        S.ROUTED_OUT, "arbitration", "江北区劳动人事争议仲裁委员会", LATER, None, None
    )  # fmt: skip
    suggestion = register(session, admin, category=Category.SUGGESTION)
    with pytest.raises(ValidationError) as err:
        act(session, admin, suggestion, "route_out", route="litigation", routed_to="法院", on=LATER)
    assert err.value.errors["route"].startswith("只有申诉求决类事项")


def test_merging_needs_another_live_case(session):
    admin = make_user(session, Role.ADMIN)
    case, target = register(session, admin), register(session, admin)
    with pytest.raises(ValidationError) as err:
        act(session, admin, case, "merge", into_case_id=case.id, on=LATER)
    assert err.value.errors == {"into_case_id": "不能选择本案件。"}
    case = act(session, admin, case, "merge", into_case_id=target.id, on=LATER)
    assert (case.status, case.merged_into_id) == (S.MERGED, target.id)
    third = register(session, admin)
    with pytest.raises(ValidationError) as err:
        act(session, admin, third, "merge", into_case_id=case.id, on=LATER)
    assert err.value.errors == {"into_case_id": f"案件{case.number}已合并、撤回或无效，不能作为合并对象。"}


def test_withdrawing_a_paused_case_ends_the_pause(session):
    admin = make_user(session, Role.ADMIN)
    case = case_in_status(session, S.PAUSED, actor=admin)
    case = act(session, admin, case, "withdraw", on=LATER, reason="信访人书面撤回")
    assert (case.status, case.paused_since, case.stage, case.due_on) == (S.WITHDRAWN, None, None, None)
    assert session.exec(select(CasePause.ended_on).where(CasePause.case_id == case.id)).one() == LATER
    assert events(session, case)[-1].note == "信访人书面撤回"


def test_every_transition_writes_one_event_and_bumps_the_version_once(session):
    admin = make_user(session, Role.ADMIN)
    case = case_in_status(session, S.TERMINATED, actor=admin)
    actions = [e.action for e in events(session, case)]
    assert actions == [
        "register",
        "assign",
        "accept",
        "reply",
        "rate",
        "close",
        "request_review",
        "decide_review",
        "request_reexam",
        "decide_reexam",
    ]
    assert case.version == len(actions)
    count = session.exec(
        select(func.count()).select_from(CaseEvent).where(CaseEvent.case_id == case.id)
    ).one()
    assert count == len(actions)


def test_a_note_with_control_characters_is_refused_and_nothing_is_written(session):
    admin = make_user(session, Role.ADMIN)
    case = case_in_status(session, S.ASSIGNED, actor=admin)
    version, before = case.version, len(events(session, case))
    with pytest.raises(ValidationError) as err:
        act(session, admin, case, "accept", notice_date=START + timedelta(days=2), note="已受理\x00")
    assert err.value.errors == {"note": "说明含有不可见的控制字符，请删除后重新输入。"}
    with pytest.raises(ValidationError) as err:
        act(session, admin, case, "accept", notice_date=START + timedelta(days=2), note="字" * 1001)
    assert err.value.errors == {"note": "说明不能超过1000个字。"}
    session.expire_all()
    fresh = session.get(Case, case.id)
    assert (fresh.status, fresh.version, len(events(session, case))) == (S.ASSIGNED, version, before)
    assert act(session, admin, fresh, "accept", notice_date=START + timedelta(days=2), note="已受理\n第二行")


# --- declining, routing out during handling, the petition track -----------------------------------


def test_a_unit_declines_within_its_limit_telling_the_petitioner_where_to_turn(session):
    admin, unit = make_user(session, Role.ADMIN), make_unit(session)
    case = assigned_on(session, admin, unit, START)
    handler = make_user(session, Role.HANDLER, unit=unit)
    # assigned Mon 03-03: 15 days end Tue 03-18, the last day a 不予受理 may be decided
    case = act(
        session,
        handler,
        case,
        "decline",
        on=date(2025, 3, 18),
        reason="属于合同纠纷，应通过诉讼解决",
        routed_to="向江北区人民法院提起诉讼",
    )
    assert (case.status, case.declined_on, case.closed_on, case.stage, case.due_on) == (
        S.DECLINED, date(2025, 3, 18), date(2025, 3, 18), None, None
    )  # fmt: skip
    assert (case.end_reason, case.routed_to) == ("属于合同纠纷，应通过诉讼解决", "向江北区人民法院提起诉讼")
    assert is_ended(case.status) and not petition_track_closed(case.status, case.closed_on)
    assert available_actions(session, admin, case) == []


def test_a_unit_routes_a_paused_case_out_during_handling_and_the_pause_ends(session):
    admin, unit = make_user(session, Role.ADMIN), make_unit(session)
    case = act(session, admin, assigned_on(session, admin, unit, START), "accept", notice_date=START)
    case = act(
        session, admin, case, "pause", kind="suspension", on=START + timedelta(days=3), reason="等待鉴定"
    )
    handler = make_user(session, Role.HANDLER, unit=unit)
    assert "route_out" in available_actions(session, handler, case)
    case = act(
        session,
        handler,
        case,
        "route_out",
        route="administrative",
        routed_to="区人力社保局（劳动保障监察）",
        on=START + timedelta(days=10),
    )
    assert (case.status, case.paused_since, case.closed_on, case.stage) == (
        S.ROUTED_OUT, None, START + timedelta(days=10), None
    )  # fmt: skip
    pause = session.exec(select(CasePause).where(CasePause.case_id == case.id)).one()
    assert pause.ended_on == START + timedelta(days=10)


def test_a_case_registered_for_a_legal_route_can_only_be_routed_out(session):
    registrar = make_user(session, Role.REGISTRAR)
    case = register(session, registrar, route="litigation")
    assert case.stage == "triage"  # the office still owes the triage within 15 days
    assert available_actions(session, registrar, case) == [
        "refer_mediation", "route_out", "merge", "withdraw", "invalidate", "link_repeat"
    ]  # fmt: skip


def test_closed_on_the_petition_track_leaves_out_every_case_that_left_it():
    closed = {s for s in CaseStatus if petition_track_closed(s, START)}
    left = {S.ROUTED_OUT, S.DECLINED, S.BARRED, S.JOINED, S.WITHDRAWN, S.INVALID, S.MERGED}
    assert closed == set(CaseStatus) - left
    assert not petition_track_closed(S.CLOSED, None)


def test_the_sql_of_closed_on_the_petition_track_counts_the_closed_case_not_the_declined_one(session):
    from core.cases.status import petition_track_closed_clause

    admin = make_user(session, Role.ADMIN)
    closed, declined = case_in_status(session, S.CLOSED, actor=admin), case_in_status(session, S.DECLINED)
    stmt = select(Case.id).where(Case.id.in_([closed.id, declined.id]), petition_track_closed_clause())
    assert session.exec(stmt).all() == [closed.id]


# --- dates that cannot contradict each other ------------------------------------------------------


def test_a_second_close_after_a_review_keeps_the_first_close_date_and_records_the_second(session):
    admin = make_user(session, Role.ADMIN)
    case = case_in_status(session, S.REVIEWED, actor=admin)  # closed START + 9, review decided START + 11
    case = act(session, admin, case, "close", closed_on=START + timedelta(days=12))
    assert (case.status, case.closed_on) == (S.CLOSED, START + timedelta(days=9))
    first, second = events(session, case, "close")
    assert "closed_again_on" not in first.after
    assert (second.after["status"], second.after["closed_again_on"]) == ("closed", "2025-03-15")


def test_two_pauses_one_after_the_other_stop_the_clock_for_their_own_days(session):
    admin = make_user(session, Role.ADMIN)
    case = handling_since(session, admin, date(2025, 3, 5))
    case = act(session, admin, case, "pause", kind="hearing", on=date(2025, 3, 10), reason="听证")
    case = act(session, admin, case, "resume", on=date(2025, 3, 20))
    case = act(session, admin, case, "pause", kind="suspension", on=date(2025, 3, 20), reason="鉴定")
    case = act(session, admin, case, "resume", on=date(2025, 3, 21))
    # 10 + 1 = 11 days: 2025-03-05 + 11 = 03-16, + 60 days = Thu 2025-05-15
    assert (case.paused_days, case.due_on) == (11, date(2025, 5, 15))


def test_a_delivered_reply_left_unrated_reads_as_not_rated_after_the_window_and_closes_so(session):
    admin, unit = make_user(session, Role.ADMIN), make_unit(session)
    case = case_in_status(session, S.HANDLING, actor=admin, unit=unit)
    reply = {"replied_on": START + timedelta(days=7), "outcome": "support", "summary": "支持"}
    act(session, admin, case, "reply", **reply)
    assert "rate" not in available_actions(session, admin, case)  # not delivered: nobody could rate it
    act(session, admin, case, "record_delivery", delivered_on=START + timedelta(days=9))
    # delivered Wed 03-12: the 7-day window ends Wed 03-19; the suite's today (2026) is long after it
    assert workflow.rating_window_end(case) == date(2025, 3, 19)
    assert workflow.satisfaction_as_read(case, date(2025, 3, 19)) is None
    assert workflow.satisfaction_as_read(case, date(2025, 3, 20)) == "not_rated"
    with pytest.raises(ValidationError) as err:
        act(session, admin, case, "close", closed_on=date(2025, 3, 19))
    assert err.value.errors == {
        "closed_on": "信访人尚未评价，评价期至2025-03-19届满；期满未评价的方可按“未评价”办结。"
    }
    act(session, admin, case, "close", closed_on=date(2025, 3, 20))
    assert (case.status, case.satisfaction, case.closed_on) == (S.CLOSED, "not_rated", date(2025, 3, 20))


def test_a_first_petition_replied_with_one_meeting_records_two_missing_as_a_finding(session):
    from core.cases.findings import replies_missing_meetings

    admin = make_user(session, Role.ADMIN)
    case = handling_since(session, admin, START)
    meeting = {"place": "社区会议室", "people": "信访人、承办人"}
    case = act(session, admin, case, "record_meeting", kind="acceptance", held_on=START, **meeting)
    assert replies_missing_meetings(session).meetings == 0
    case = act(session, admin, case, "reply", replied_on=START + timedelta(days=5), outcome="support", summary="支持")
    reply_event = events(session, case, "reply")[0]
    assert reply_event.after["missing_meetings"] == ["investigation", "reply"]
    found = replies_missing_meetings(session)
    assert (found.cases, found.meetings, found.case_ids) == (1, 2, (case.id,))
