"""Registration spot checks (登记抽查) and the risk early warning (风险预警), issue 15 items 3 and 6."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from core.kpis import indicators
from core.platform.errors import IllegalTransition, PermissionDenied, ValidationError
from core.supervision import spot_checks as sc
from core.supervision import warning
from core.supervision.inbox import unit_inbox
from models import Channel, Role, SpotCheck, SpotCheckItem
from tests.factories import make_unit, make_user, register

TODAY = date(2026, 9, 28)
AUG = (date(2026, 8, 1), date(2026, 8, 31))


def test_allocation_is_proportional_by_largest_remainder():
    assert sc.allocate({"a": 6, "b": 3, "c": 1}, 5) == {"a": 3, "b": 2, "c": 0}  # 3, 1.5, 0.5: tie -> b
    assert sc.allocate({"a": 2, "b": 2}, 3) == {"a": 2, "b": 1}
    assert sc.sample_ids({"x": [5, 1, 3, 2, 4]}, 2, seed=7) == sc.sample_ids(
        {"x": [1, 2, 3, 4, 5]}, 2, seed=7
    )


def _august(session, registrar, n=10):
    cases = []
    for i in range(n):
        channel = Channel.VISIT if i % 2 else Channel.LETTER
        cases.append(register(session, registrar, received_on=date(2026, 8, 3 + i), channel=channel))
    return cases


def test_a_draw_is_stored_with_its_seed_and_method_and_repeats_exactly(session):
    sup, registrar = make_user(session, Role.SUPERVISOR), make_user(session, Role.REGISTRAR)
    cases = _august(session, registrar)
    register(session, registrar, received_on=date(2026, 9, 1))  # outside the period
    check = sc.draw(session, sup, period_from=AUG[0], period_to=AUG[1], share=0.25, stratify_by="channel", seed=42,
                    drawn_on=date(2026, 9, 3))  # fmt: skip
    items = session.exec(select(SpotCheckItem).where(SpotCheckItem.spot_check_id == check.id)).all()
    # 10 cases x 25 % = 2.5 -> 3; letters 5, visits 5: 1.5 each, tie by key -> letter 2, visit 1
    assert (check.number, check.sample_size, check.population, check.method) == ("JB-CC-2026-01", 3, 10,
                                                                                "v1;share=0.25;by=channel")  # fmt: skip
    assert sorted(i.stratum for i in items) == ["letter", "letter", "visit"]
    assert {i.case_id for i in items} <= {c.id for c in cases}
    assert sc.redraw(session, check) == sorted(i.case_id for i in items)
    again = sc.draw(session, sup, period_from=AUG[0], period_to=AUG[1], share=0.25, stratify_by="channel", seed=42,
                    drawn_on=date(2026, 9, 3))  # fmt: skip
    assert again.number == "JB-CC-2026-02"
    assert sorted(i.case_id for i in session.exec(select(SpotCheckItem).where(SpotCheckItem.spot_check_id == again.id))) \
        == sorted(i.case_id for i in items)  # fmt: skip


def test_a_draw_needs_a_size_or_a_share_and_cases_in_the_period(session):
    sup = make_user(session, Role.SUPERVISOR)
    with pytest.raises(ValidationError) as both:
        sc.draw(session, sup, period_from=AUG[0], period_to=AUG[1], size=3, share=0.1)
    assert both.value.errors == {"size": "请填写抽查件数或抽查比例（二选一）。"}
    with pytest.raises(ValidationError) as empty:
        sc.draw(session, sup, period_from=AUG[0], period_to=AUG[1], size=3)
    assert empty.value.errors == {"period_from": "该期间没有登记的信访事项。"}
    with pytest.raises(PermissionDenied):
        sc.draw(session, make_user(session, Role.REGISTRAR), period_from=AUG[0], period_to=AUG[1], size=3)
    assert session.exec(select(SpotCheck)).all() == []


def test_checklist_findings_notice_and_rectification_to_closure(session):
    sup, registrar = make_user(session, Role.SUPERVISOR), make_user(session, Role.REGISTRAR)
    unit = make_unit(session, name="区住建委")
    handler = make_user(session, Role.HANDLER, unit=unit)
    _august(session, registrar, n=2)
    check = sc.draw(
        session, sup, period_from=AUG[0], period_to=AUG[1], size=2, seed=1, drawn_on=date(2026, 9, 3)
    )
    first, second = [r["item"] for r in sc.items_of(session, sup, check.id)]
    with pytest.raises(ValidationError) as no_finding:
        sc.record_check(
            session, sup, first.id, first.version, answers={"category_route": False}, on=date(2026, 9, 4)
        )
    assert set(no_finding.value.errors) == {"findings"}
    bad = sc.record_check(session, sup, first.id, first.version, answers={"category_route": False, "petitioner_data": True},
                          findings="事项分类错误", on=date(2026, 9, 4))  # fmt: skip
    assert (bad.passed, bad.answers["category_route"], bad.answers["reply_in_time"]) == (False, False, None)
    session.refresh(check)
    assert check.status == "drawn"  # one case still to check
    sc.record_check(
        session,
        sup,
        second.id,
        second.version,
        answers=dict.fromkeys(sc.CHECKLIST, True),
        on=date(2026, 9, 4),
    )
    session.refresh(check)
    assert (check.status, check.summary) == ("checked", "抽查2件，合格1件，发现问题1件。")
    bad.unit_id = unit.id  # the registered cases have no lead unit yet: the notice goes to the one named
    session.add(bad)
    session.commit()
    notice = sc.notify(session, sup, bad.id, bad.version, on=date(2026, 9, 7))
    # Mon 09-07 + 10 working days: 8-11, 14-18 are nine, Sun 09-20 is National Day's make-up working day
    assert (notice.notice_number, notice.rectification_due) == ("江北信改〔2026〕1号", date(2026, 9, 20))
    with pytest.raises(IllegalTransition):
        sc.notify(session, sup, second.id, second.version + 1, on=date(2026, 9, 7))
    session.refresh(check)
    assert check.status == "notified"
    assert [(i.kind, i.number, i.overdue) for i in unit_inbox(session, handler, TODAY)] == [
        ("rectification", "江北信改〔2026〕1号", True)
    ]  # fmt: skip
    with pytest.raises(PermissionDenied):
        sc.report_rectification(session, make_user(session, Role.HANDLER), bad.id, notice.version, report="x")
    done = sc.report_rectification(
        session, handler, bad.id, notice.version, report="已更正分类并培训登记人员", on=TODAY
    )
    session.refresh(check)
    assert (done.rectified_on, check.status) == (TODAY, "rectified")
    assert unit_inbox(session, handler, TODAY) == []
    period = indicators.Period.make(date(2026, 9, 1), date(2026, 9, 30), TODAY)
    figure = indicators.compute(session, sup, period, keys=["supervision_output"])["supervision_output"]
    assert figure.by["spot_checks"] == {"completed": 1, "cases_checked": 2, "rectification_notices": 1}


def test_the_checklist_suggests_what_the_record_says(session):
    registrar = make_user(session, Role.REGISTRAR)
    case = register(session, registrar, received_on=date(2026, 8, 3))
    got = sc.suggest(session, case)
    assert got["petitioner_data"] is True and got["triage_in_time"] is None and got["reply_in_time"] is None


# --- risk early warning ---------------------------------------------------------------------------


def test_a_flat_series_never_alarms_and_a_planted_spike_does():
    assert warning.is_spike([4] * 12, 4)[0] is False
    assert warning.is_spike([4] * 12, 8)[0] is False  # P(X >= 8 | 4) = 0.051
    spike, lam, p = warning.is_spike([4] * 12, 15)
    assert spike and lam == pytest.approx(4.0) and p < 1e-4
    assert warning.is_spike([0] * 12, 2)[0] is False  # below MIN_COUNT however rare
    # a quiet series' baseline is floored at 0.5: three at once is rare (P = 0.0144) but not below 0.001
    assert warning.is_spike([0] * 12, 3)[0] is False
    assert warning.poisson_tail(3, 0.5) == pytest.approx(0.01439, abs=1e-4)
    assert warning.is_spike([0] * 12, 5)[0] is True  # P(X >= 5 | 0.5) = 0.00017


def test_names_of_estates_and_companies_come_out_of_titles():
    assert warning.name_in_title("反映嘉陵花园物业公司服务质量差") == "嘉陵花园"
    assert warning.name_in_title("反映北城新城停车管理收费问题") == "北城新城"
    assert warning.name_in_title("反映重庆鸿达建筑劳务有限公司拖欠工资问题") == "重庆鸿达建筑劳务有限公司"
    assert warning.name_in_title("反映悦江府逾期交房问题") == "悦江府"
    assert warning.name_in_title("建议增加学位供给") is None


def test_warnings_raise_the_planted_spike_with_its_cases_and_draft_a_risk_letter(session):
    from tests.factories import make_place

    sup, registrar = make_user(session, Role.SUPERVISOR), make_user(session, Role.REGISTRAR)
    street, _, _ = make_place(session)
    mondays = [date(2026, 7, 6) + timedelta(weeks=w) for w in range(12)]  # the 12 weeks before Mon 09-28
    for day in [*mondays, *mondays, TODAY, TODAY]:  # flat: two a week, two this week
        register(session, registrar, received_on=day, street_id=street.id, title="反映嘉陵花园物业服务差")
    for day in mondays:  # one a week, then seven this week
        register(session, registrar, received_on=day, street_id=street.id, subject="labour_wages",
                 title="反映鸿达公司拖欠工资")  # fmt: skip
    planted = [
        register(session, registrar, received_on=TODAY, street_id=street.id, subject="labour_wages",
                 title="反映鸿达公司拖欠工资").id
        for _ in range(7)
    ]  # fmt: skip
    found = warning.warnings(session, sup, TODAY)
    assert sorted((w.kind, w.key, w.count) for w in found) == [
        ("spike", f"劳动社保/欠薪 · {street.name}", 7), ("spike", "鸿达公司", 7)
    ]  # fmt: skip
    assert all(w.case_ids == sorted(planted) and w.baseline == pytest.approx(1.0) for w in found)
    draft = warning.draft_risk_letter(session, found[0])
    assert (draft["kind"], draft["case_ids"]) == ("risk_alert", sorted(planted))
    assert "7件" in draft["content"]


def test_a_group_petition_raises_a_warning(session):
    sup, registrar = make_user(session, Role.SUPERVISOR), make_user(session, Role.REGISTRAR)
    case = register(session, registrar, received_on=TODAY, group_size=30, title="悦江府业主集体反映逾期交房",
                    channel=Channel.LETTER)  # fmt: skip
    found = warning.warnings(session, sup, TODAY)
    assert [(w.kind, w.count, w.case_ids) for w in found] == [("group", 30, [case.id])]
