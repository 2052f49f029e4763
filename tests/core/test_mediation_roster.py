"""The roster's figures, mentorships (老马带小马) and suggested mediators, on the world of tests/mediation_world.py,
whose numbers are worked out by hand in its docstring."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import select

from core import kpis
from core.mediation import cases, mentorship, suggest
from core.mediation.figures import figures_of
from core.platform.errors import IllegalTransition, NotFound, PermissionDenied, ValidationError
from models import CaseEvent, MediationMediator, MediationStatus, Mentorship, Role, Setting
from tests import mediation_world
from tests.factories import make_user


@pytest.fixture()
def world(session):
    return mediation_world.with_mediator_users(session, "ACD")


def test_a_co_mediated_case_credits_both_mediators(session, world):
    m = world.mediators
    f = figures_of(session, [m[k].id for k in "ABCDE"])
    assert (f[m["A"].id].open, f[m["A"].id].agreed, f[m["A"].id].failed) == (2, 6, 1)
    assert (f[m["C"].id].open, f[m["C"].id].agreed, f[m["C"].id].failed) == (1, 3, 1)
    assert f[m["C"].id].rate == 0.75
    assert f[m["D"].id].rate == 0.0
    assert f[m["E"].id].rate is None


def test_suggestions_rank_by_specialty_nearness_load_and_success(session, world):
    leader = make_user(session, Role.LEADER)
    found = suggest.suggest_mediators(session, leader, world.target.id)
    # A 40+30+20·6/7−5·2 = 77.14 · C 40+20+20·0.75−5 = 70 · E 40+20·0.5 = 50 · D 30+0 = 30 · B 10+20·0.5 = 20
    assert [(s.name, round(s.score, 2)) for s in found] == [
        ("老王", 77.14),
        ("小张", 70.0),
        ("老周", 50.0),
        ("小赵", 30.0),
        ("老李", 20.0),
    ]  # 老孙 is inactive
    assert found[0].reason == "同网格 · 擅长物业纠纷 · 在办 2 件 · 成功率 86 %"
    assert found[1].reason == "同社区 · 擅长物业纠纷 · 在办 1 件 · 成功率 75 %"
    assert found[2].reason == "擅长物业纠纷 · 在办 0 件 · 暂无调解记录"
    assert all(s.co_ids == () for s in found)


def test_the_reasons_read_in_english_too(session, world):
    from i18n import set_language

    set_language("en")
    try:
        top = suggest.suggest_mediators(session, make_user(session, Role.LEADER), world.target.id)[0]
    finally:
        set_language("zh_CN")
    assert top.reason == "same grid · good at Property management · 2 open · success rate 86 %"


def test_the_weights_are_settings(session, world):
    row = session.exec(select(Setting).where(Setting.key == "suggest.weight_load")).one()
    row.value = json.dumps(20)
    session.commit()
    found = suggest.suggest_mediators(session, make_user(session, Role.LEADER), world.target.id)
    # A 77.14−30 = 47.14 · C 70−15 = 55 · E 50 · D 30 · B 20
    assert [s.name for s in found] == ["小张", "老周", "老王", "小赵", "老李"]


def test_on_a_hard_case_a_junior_comes_only_with_his_mentor_unless_signed_off(session, world):
    admin = make_user(session, Role.ADMIN)
    mediation_world.make_hard(session, world, admin)
    found = {s.name: s for s in suggest.suggest_mediators(session, admin, world.target.id)}
    assert found["小张"].co_ids == (world.mediators["A"].id,)
    assert found["小张"].reason.endswith(" · 疑难案件，与师傅老王同办")
    assert found["小赵"].co_ids == ()  # his mentor signed him off on 2026-01-10


def _team(session, mediation_id):
    return [(m.name, lead) for m, lead in cases.mediators_of(session, mediation_id)]


def test_a_junior_leads_a_hard_case_only_with_his_mentor(session, world):
    admin = make_user(session, Role.ADMIN)
    mediation_world.make_hard(session, world, admin)
    m, target = world.mediators, world.target
    with pytest.raises(ValidationError) as raised:
        cases.assign_mediators(
            session, admin, target.id, target.version, lead_id=m["C"].id, co_ids=[m["B"].id]
        )
    assert raised.value.errors["co_ids"].startswith("疑难案件由小马主持时，须由他的师傅一同调解")
    assert _team(session, target.id) == []
    cases.assign_mediators(session, admin, target.id, target.version, lead_id=m["C"].id, co_ids=[m["A"].id])
    assert _team(session, target.id) == [("小张", True), ("老王", False)]


def test_a_signed_off_junior_leads_a_hard_case_alone(session, world):
    admin = make_user(session, Role.ADMIN)
    mediation_world.make_hard(session, world, admin)
    target = world.target
    cases.assign_mediators(session, admin, target.id, target.version, lead_id=world.mediators["D"].id)
    assert _team(session, target.id) == [("小赵", True)]


def test_a_juniors_progress_under_his_mentor(session, world):
    leader = make_user(session, Role.LEADER)
    tree = mentorship.mentor_tree(session, leader, world.street.id)
    assert [(n.mentor_name, [j.mentee_name for j in n.juniors]) for n in tree] == [
        ("老李", ["小赵"]),
        ("老王", ["小张"]),
    ]  # mentors by name within the street (pinyin order is not asked for: the database's order of names)
    c = next(j for n in tree for j in n.juniors if j.mentee_name == "小张")
    assert (c.co_mediated, c.led_alone, c.agreed, c.decided, c.median_days) == (3, 2, 3, 4, 20.0)
    assert c.agreement_rate == 0.75 and not c.may_lead_alone
    d = next(j for n in tree for j in n.juniors if j.mentee_name == "小赵")
    assert (d.co_mediated, d.led_alone, d.agreement_rate, d.median_days) == (1, 0, 0.0, None)
    assert d.may_lead_alone


def test_the_mentor_signs_his_junior_off_once(session, world):
    pair = world.pairs["AC"]
    with pytest.raises(PermissionDenied):
        mentorship.sign_off(session, world.users["C"], pair.id, pair.version, on=date(2026, 9, 1))
    with pytest.raises(ValidationError):
        mentorship.sign_off(session, world.users["A"], pair.id, pair.version, on=date(2025, 5, 1))
    done = mentorship.sign_off(session, world.users["A"], pair.id, pair.version, on=date(2026, 9, 1))
    assert (done.signed_off_on, done.signed_off_by_id, done.version) == (
        date(2026, 9, 1),
        world.users["A"].id,
        2,
    )
    event = session.exec(select(CaseEvent).where(CaseEvent.action == "mentorship.sign_off")).one()
    assert event.after["signed_off_on"] == "2026-09-01"
    with pytest.raises(IllegalTransition):
        mentorship.sign_off(session, world.users["A"], pair.id, 2, on=date(2026, 9, 2))
    with pytest.raises(PermissionDenied):
        mentorship.sign_off(session, make_user(session, Role.LEADER), pair.id, 2, on=date(2026, 9, 2))
    assert session.get(Mentorship, world.pairs["BD"].id).signed_off_by_id is None


def test_a_mediator_sees_his_own_record_and_his_juniors(session, world):
    tree_a = mentorship.mentor_tree(session, world.users["A"])
    assert [(n.mentor_name, [j.mentee_name for j in n.juniors]) for n in tree_a] == [("老王", ["小张"])]
    tree_c = mentorship.mentor_tree(session, world.users["C"])
    assert [(n.mentor_name, [j.mentee_name for j in n.juniors]) for n in tree_c] == [("老王", ["小张"])]
    assert mentorship.mentor_tree(session, world.users["D"])[0].juniors[0].mentee_name == "小赵"
    year = kpis.Period(date(2026, 1, 1), date(2026, 12, 31), date(2026, 9, 28))
    by_a = kpis.mediator_series(session, world.users["A"], "mediation_agreements", year)
    assert {r["label"]: r["value"] for r in by_a} == {"老王": 6, "小张": 3}
    by_c = kpis.mediator_series(session, world.users["C"], "mediation_success_rate", year)
    assert [(r["label"], r["numerator"], r["denominator"]) for r in by_c] == [("小张", 3, 4)]


def test_the_indicators_by_mediator_count_a_shared_case_for_each(session, world):
    leader = make_user(session, Role.LEADER)
    year = kpis.Period(date(2026, 1, 1), date(2026, 12, 31), date(2026, 9, 28))
    rows = kpis.mediator_series(session, leader, "mediation_success_rate", year)
    assert {r["label"]: (r["numerator"], r["denominator"]) for r in rows} == {
        "老王": (6, 7),
        "小张": (3, 4),
        "老李": (1, 2),
        "小赵": (0, 1),
    }
    street = kpis.series(session, leader, "mediation_agreements", year, by="street")
    assert [(r["label"], r["value"]) for r in street] == [
        ("石马河街道", 8)
    ]  # each case once: c3-c8, c11, c12


def test_a_mediator_sees_suggestions_only_on_the_cases_he_may_see(session, world):
    with pytest.raises(NotFound):
        suggest.suggest_mediators(session, world.users["D"], world.cases["c1"].id)
    assert suggest.suggest_mediators(session, world.users["D"], world.cases["c13"].id)  # he sits on it
    assert suggest.suggest_mediators(session, world.users["A"], world.cases["c10"].id)  # his junior's


def test_the_median_of_an_even_number_of_agreements_is_the_mean_of_the_two_middle_ones(session, world):
    # 小赵 (D) settles two cases alone, in 8 and 13 days: median 10.5, and c13 (failed) still counts as decided
    from tests.mediation_world import _case

    s, g, d = world.street, world.grids["G1"], world.mediators["D"]
    for accepted, closed in ((date(2026, 7, 1), date(2026, 7, 9)), (date(2026, 8, 1), date(2026, 8, 14))):
        m = _case(session, s, g, MediationStatus.AGREED, accepted, closed)
        session.add(MediationMediator(mediation_id=m.id, mediator_id=d.id, is_lead=True))
    session.commit()
    tree = mentorship.mentor_tree(session, make_user(session, Role.LEADER), s.id)
    junior = next(j for n in tree for j in n.juniors if j.mentee_name == "小赵")
    assert (junior.co_mediated, junior.led_alone, junior.agreed, junior.decided) == (1, 2, 2, 3)
    assert junior.median_days == 10.5
