"""Supervision (issue 15): 催办/督办/挂牌督办, numbered letters with their replies and escalation, the board's
colours and league table, and supervision_output equal to what was issued."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import Session, select

from core.kpis import indicators
from core.platform.errors import IllegalTransition, PermissionDenied, StaleVersion, ValidationError
from core.supervision import actions, board, letters
from core.supervision.inbox import unit_inbox
from models import CaseEvent, CaseStatus, Role, Setting, SupervisionLetter, SupervisionLetterCase, User
from tests.factories import case_in_status, concurrently, make_unit, make_user, register

TODAY = date(2026, 9, 28)  # the suite's pinned day
ISSUED = date(2026, 9, 1)  # Tue; + 10 working days (no holiday before National Day) = Tue 09-15


@pytest.fixture()
def people(session):
    unit = make_unit(session, name="区住建委")
    return {
        "supervisor": make_user(session, Role.SUPERVISOR),
        "handler": make_user(session, Role.HANDLER, unit=unit),
        "other": make_user(session, Role.HANDLER),
        "unit": unit,
    }


def _letter(session, actor, unit, kind="supervision", **kw):
    values = {
        "subject": "关于督促办理的函",
        "content": "请于收函后10个工作日内书面报告。",
        "issued_on": ISSUED,
    }
    return letters.issue_letter(session, actor, kind=kind, unit_id=unit.id, **(values | kw))


def test_letters_are_numbered_per_kind_and_year_and_due_in_ten_working_days(session, people):
    sup, unit = people["supervisor"], people["unit"]
    case = case_in_status(session, CaseStatus.HANDLING, unit=unit)
    first = _letter(session, sup, unit, case_ids=[case.id])
    second = _letter(session, sup, unit, policy_area="物业管理")
    alert = _letter(session, sup, unit, kind="risk_alert", policy_area="保交楼")
    assert [first.number, second.number, alert.number] == [
        "江北信督〔2026〕1号",
        "江北信督〔2026〕2号",
        "江北信险〔2026〕1号",
    ]
    assert (first.due_on, first.case_id, first.status) == (date(2026, 9, 15), case.id, "issued")
    linked = session.exec(
        select(SupervisionLetterCase.case_id).where(SupervisionLetterCase.letter_id == first.id)
    )
    assert linked.all() == [case.id]
    event = session.exec(select(CaseEvent).where(CaseEvent.object_type == "supervision_letter").order_by(CaseEvent.id)).first()
    assert (event.action, event.after["number"], event.after["cases"]) == (
        "supervision.letter_issue", "江北信督〔2026〕1号", [case.number]
    )  # fmt: skip


def test_a_refused_letter_leaves_no_gap_and_says_what_is_missing(session, people):
    sup, unit = people["supervisor"], people["unit"]
    with pytest.raises(ValidationError) as refused:
        _letter(session, sup, unit, subject=" ")  # neither cases nor a policy area either
    assert set(refused.value.errors) == {"letter_subject", "case_ids"}
    assert refused.value.errors["case_ids"] == "请填写涉及的信访事项或政策领域。"
    assert _letter(session, sup, unit, policy_area="物业").number == "江北信督〔2026〕1号"
    assert session.exec(select(SupervisionLetter)).all()[0].number == "江北信督〔2026〕1号"


def test_the_prefix_is_a_setting_and_a_series_continues_after_stored_letters(session, people):
    sup, unit = people["supervisor"], people["unit"]
    setting = session.exec(select(Setting).where(Setting.key == "supervision.letter_prefix")).one()
    setting.value = json.dumps("渝北信")
    session.add(setting)
    for n in (1, 2, 3):  # as the demo writes them, without the counter
        session.add(SupervisionLetter(number=f"渝北信建〔2026〕{n}号", kind="improvement", unit_id=unit.id,
                                      subject="s", content="c", issued_on=ISSUED))  # fmt: skip
    session.commit()
    assert _letter(session, sup, unit, kind="improvement", policy_area="x").number == "渝北信建〔2026〕4号"


def test_only_supervisors_issue_and_only_the_unit_replies(session, people):
    sup, handler, other, unit = people["supervisor"], people["handler"], people["other"], people["unit"]
    with pytest.raises(PermissionDenied):
        _letter(session, handler, unit, policy_area="x")
    letter = _letter(session, sup, unit, policy_area="物业管理")
    with pytest.raises(PermissionDenied):
        letters.reply_letter(session, other, letter.id, letter.version, reply="已整改")
    with pytest.raises(ValidationError):
        letters.reply_letter(
            session, handler, letter.id, letter.version, reply="已整改", replied_on=date(2026, 8, 31)
        )
    replied = letters.reply_letter(
        session, handler, letter.id, letter.version, reply="已整改落实", replied_on=date(2026, 9, 10)
    )
    assert (replied.status, replied.replied_on, replied.reply, replied.replied_by_id) == (
        "replied", date(2026, 9, 10), "已整改落实", handler.id
    )  # fmt: skip
    with pytest.raises(IllegalTransition):
        letters.reply_letter(session, handler, letter.id, replied.version, reply="again")
    with pytest.raises(StaleVersion):
        letters.close_letter(session, sup, letter.id, letter.version - 1)
    closed = letters.close_letter(session, sup, letter.id, replied.version, closed_on=date(2026, 9, 11))
    assert (closed.status, closed.closed_on) == ("closed", date(2026, 9, 11))


def test_an_unanswered_letter_escalates_on_the_board_and_in_the_units_todo(session, people):
    sup, handler, unit = people["supervisor"], people["handler"], people["unit"]
    late = _letter(session, sup, unit, policy_area="物业管理")  # due 09-15, today 09-28
    on_time = _letter(session, sup, unit, policy_area="保交楼", issued_on=date(2026, 9, 24))
    items = unit_inbox(session, handler, TODAY)
    assert [(i.kind, i.number, i.overdue) for i in items] == [
        ("letter", late.number, True), ("letter", on_time.number, False)
    ]  # fmt: skip
    assert unit_inbox(session, people["other"], TODAY) == []
    assert board.escalations(session, sup, TODAY) == {"letters_overdue": 1, "actions_overdue": 0}
    row = next(r for r in board.league(session, sup, TODAY) if r.unit_id == unit.id)
    assert (row.letters, row.letters_overdue) == (2, 1)


def test_supervision_output_on_the_dashboard_equals_the_letters_issued(session, people):
    sup, unit = people["supervisor"], people["unit"]
    for kind in ("supervision", "supervision", "risk_alert", "improvement", "improvement", "improvement"):
        _letter(session, sup, unit, kind=kind, policy_area="x")
    _letter(session, sup, unit, policy_area="x", issued_on=date(2026, 6, 30))  # before the quarter
    period = indicators.Period.make(date(2026, 7, 1), date(2026, 9, 30), TODAY)
    figure = indicators.compute(session, sup, period, keys=["supervision_output"])["supervision_output"]
    assert figure.value == 6
    assert figure.by["kind"] == {"supervision": 2, "risk_alert": 1, "improvement": 3}


def _issue_in_thread(engine, times):
    def attempt(own: Session, i: int):
        actor = own.get(User, attempt.sup_id)
        return letters.issue_letter(own, actor, kind="supervision", unit_id=attempt.unit_id, subject=f"函{i}",
                                    content="请办理。", policy_area="x", issued_on=ISSUED).number  # fmt: skip

    return attempt


def test_two_supervisors_issuing_at_once_never_get_the_same_number(engine, session, people):
    attempt = _issue_in_thread(engine, 12)
    attempt.sup_id, attempt.unit_id = people["supervisor"].id, people["unit"].id
    numbers = concurrently(engine, attempt, times=12)
    assert sorted(numbers) == sorted(f"江北信督〔2026〕{n}号" for n in range(1, 13))


# --- 催办, 督办, 挂牌督办 ----------------------------------------------------------------------------


def test_an_urge_is_logged_on_the_case_shown_to_the_unit_and_counted(session, people):
    sup, handler, unit = people["supervisor"], people["handler"], people["unit"]
    case = case_in_status(session, CaseStatus.HANDLING, unit=unit)
    action = actions.take_action(
        session, sup, case.id, case.version, kind="urge", note="请加快办理", on=TODAY
    )
    assert (action.unit_id, action.kind, action.status, action.due_on) == (unit.id, "urge", "open", None)
    event = session.exec(
        select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.action == "urge")
    ).one()
    assert event.note == "催办：请加快办理"
    assert [(i.kind, i.number) for i in unit_inbox(session, handler, TODAY)] == [("urge", case.number)]
    row = next(r for r in board.league(session, sup, TODAY) if r.unit_id == unit.id)
    assert (row.urged, row.supervised, row.listed) == (1, 0, 0)
    answered = actions.answer_action(
        session, handler, action.id, action.version, answer="已约见信访人", on=TODAY
    )
    assert answered.status == "answered"
    assert unit_inbox(session, handler, TODAY) == []


def test_supervise_and_listed_need_their_own_deadline_and_escalate_past_it(session, people):
    sup, handler, unit = people["supervisor"], people["handler"], people["unit"]
    case = case_in_status(session, CaseStatus.HANDLING, unit=unit)
    with pytest.raises(ValidationError) as missing:
        actions.take_action(session, sup, case.id, case.version, kind="supervise", note="督办", on=ISSUED)
    assert set(missing.value.errors) == {"due_on"}
    session.refresh(case)
    listed = actions.take_action(session, sup, case.id, case.version, kind="listed", note="挂牌督办",
                                 due_on=date(2026, 9, 20), on=ISSUED)  # fmt: skip
    session.refresh(case)
    with pytest.raises(ValidationError):
        actions.take_action(session, sup, case.id, case.version, kind="listed", note="again",
                            due_on=date(2026, 10, 9), on=ISSUED)  # fmt: skip
    assert board.escalations(session, sup, TODAY) == {"letters_overdue": 0, "actions_overdue": 1}
    assert [(i.kind, i.overdue) for i in unit_inbox(session, handler, TODAY)] == [("listed", True)]
    rows, total = board.board_cases(session, sup, board.BoardFilter(colour="overdue"), TODAY)
    assert total == 1 and rows[0]["listed"] is True
    closed = actions.close_action(session, sup, listed.id, listed.version, on=TODAY)
    assert closed.status == "closed"


# --- the board ------------------------------------------------------------------------------------


def test_the_board_sorts_cases_into_their_colours(session, people):
    sup, unit = people["supervisor"], people["unit"]
    handling = case_in_status(session, CaseStatus.HANDLING, unit=unit)  # accepted in 2025: long overdue
    objected = case_in_status(session, CaseStatus.OBJECTED, unit=unit)
    fresh = register(session, received_on=date(2026, 9, 14))  # triage due 09-29: one working day away
    counts = board.colour_counts(session, sup, board.BoardFilter(), TODAY)
    assert counts["overdue"] >= 1 and counts["objected"] == 1 and counts["near_due"] == 1
    rows, _ = board.board_cases(session, sup, board.BoardFilter(colour="near_due"), TODAY)
    assert [r["number"] for r in rows] == [fresh.number]
    rows, _ = board.board_cases(session, sup, board.BoardFilter(colour="objected", unit_id=unit.id), TODAY)
    assert [r["number"] for r in rows] == [objected.number]
    rows, _ = board.board_cases(session, sup, board.BoardFilter(colour="overdue", unit_id=unit.id), TODAY)
    assert handling.number in [r["number"] for r in rows]


def test_near_due_reaches_over_national_day_to_the_third_working_day(session):
    # Mon 09-28: Tue 29 and Wed 30 work, 10-01..10-07 is the holiday, Thu 10-08 is the third working day
    assert board.near_due_until(session, TODAY) == date(2026, 10, 8)
    assert board.near_due_until(session, date(2026, 9, 14)) == date(2026, 9, 17)  # Mon -> Thu


def test_the_board_filter_round_trips_through_the_url():
    f = board.BoardFilter(colour="repeat", unit_id=7, since=date(2026, 1, 1))
    assert f.to_params() == {"colour": "repeat", "unit_id": "7", "since": "2026-01-01"}
    assert board.BoardFilter.from_params(f.to_params()) == f
    assert board.BoardFilter.from_params({"colour": "nonsense", "unit_id": "x"}) == board.BoardFilter()


def test_the_league_table_exports_as_xlsx(session, people):
    import io

    from openpyxl import load_workbook

    sup, unit = people["supervisor"], people["unit"]
    case_in_status(session, CaseStatus.HANDLING, unit=unit)
    data = board.export_league(
        session, sup, TODAY, None, {"sheet": "单位排名", "unit": "单位", "overdue": "超期"}
    )
    sheet = load_workbook(io.BytesIO(data)).active
    rows = list(sheet.values)
    assert rows[0][:3] == ("单位", "open", "超期")
    assert rows[1][0] == "区住建委" and rows[1][2] == 1
    assert session.exec(select(CaseEvent).where(CaseEvent.action == "supervision.export")).first() is not None
