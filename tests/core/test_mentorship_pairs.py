"""Pairing a veteran with a junior and ending the pair (老马带小马), on the centre of tests/mediation_world.py:
老王 mentors 小张 since 2025-06-01, 老李 mentors 小赵 since 2025-01-01 (signed off 2026-01-10), 老周 is a free
veteran and 老孙 an inactive one; each test adds 小刘, a free junior, and 小陈, an inactive junior. The suite's
today is 2026-09-28."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from core.mediation import mentorship
from core.platform.errors import IllegalTransition, PermissionDenied, StaleVersion, ValidationError
from models import CaseEvent, Mediator, MediatorLevel, Mentorship, Role
from tests import mediation_world
from tests.factories import make_user


@pytest.fixture()
def world(session):
    w = mediation_world.with_mediator_users(session, "A")
    for key, name, active in (("G", "小刘", True), ("H", "小陈", False)):
        w.mediators[key] = Mediator(
            name=name, level=MediatorLevel.JUNIOR, street_id=w.street.id, active=active
        )
        session.add(w.mediators[key])
    session.commit()
    return w


@pytest.fixture()
def admin(session):
    return make_user(session, Role.ADMIN, name="王管理")


def _refused(session, admin, world, mentor: str, mentee: str, on=date(2026, 9, 1)) -> dict[str, str]:
    m = world.mediators
    with pytest.raises(ValidationError) as raised:
        mentorship.pair(session, admin, m[mentor].id, m[mentee].id, started_on=on)
    return raised.value.errors


def _pairs(session) -> int:
    return len(session.exec(select(Mentorship.id)).all())


def test_an_administrator_pairs_a_veteran_with_a_free_junior(session, admin, world):
    m = world.mediators
    row = mentorship.pair(session, admin, m["E"].id, m["G"].id, started_on=date(2026, 9, 1))
    assert (row.mentor_id, row.mentee_id, row.started_on, row.ended_on, row.version) == (
        m["E"].id,
        m["G"].id,
        date(2026, 9, 1),
        None,
        1,
    )
    event = session.exec(select(CaseEvent).where(CaseEvent.action == "mentorship.pair")).one()
    assert (event.object_type, event.object_id, event.actor_name, event.before) == (
        "mentorship",
        row.id,
        "王管理",
        None,
    )
    assert event.after == {
        "mentor_id": m["E"].id,
        "mentee_id": m["G"].id,
        "started_on": "2026-09-01",
        "mentor": "老周",
        "mentee": "小刘",
    }
    tree = mentorship.mentor_tree(session, admin, world.street2.id)
    assert [(n.mentor_name, [j.mentee_name for j in n.juniors]) for n in tree] == [("老周", ["小刘"])]


def test_the_mentor_must_be_an_active_veteran(session, admin, world):
    assert _refused(session, admin, world, "F", "G") == {"mentor_id": "“老孙”已停用，不能结对。"}
    assert _refused(session, admin, world, "C", "G") == {"mentor_id": "师傅须为老马，“小张”是小马。"}
    assert _pairs(session) == 2


def test_the_junior_must_be_an_active_junior(session, admin, world):
    assert _refused(session, admin, world, "E", "H") == {"mentee_id": "“小陈”已停用，不能结对。"}
    assert _refused(session, admin, world, "E", "B") == {"mentee_id": "徒弟须为小马，“老李”是老马。"}
    assert _refused(session, admin, world, "E", "E") == {"mentee_id": "师傅和徒弟不能是同一人。"}
    assert _pairs(session) == 2


def test_a_mentor_and_a_junior_must_be_picked(session, admin, world):
    with pytest.raises(ValidationError) as raised:
        mentorship.pair(session, admin, None, None, started_on=None)
    assert raised.value.errors == {
        "mentor_id": "请填写师傅（老马）。",
        "mentee_id": "请填写徒弟（小马）。",
        "started_on": "请填写带教开始日期。",
    }
    assert (
        raised.value.message
        == "有3处需要更正：请填写师傅（老马）。 请填写徒弟（小马）。 请填写带教开始日期。"
    )


def test_two_roster_entries_of_one_account_are_the_same_person(session, admin, world):
    m = world.mediators
    m["G"].user_id = m["A"].user_id  # the account of 老王 also linked to the junior's entry
    session.commit()
    assert _refused(session, admin, world, "A", "G") == {"mentee_id": "师傅和徒弟不能是同一人。"}


def test_a_junior_has_one_current_mentor(session, admin, world):
    assert _refused(session, admin, world, "E", "C") == {
        "mentee_id": "小张已有师傅老王（自 2025-06-01 起带教），请先结束那段结对。"
    }


def test_a_pair_is_created_only_once(session, admin, world):
    assert _refused(session, admin, world, "A", "C") == {
        "mentee_id": "老王与小张已于 2025-06-01 结对，带教尚未结束，不能重复结对。"
    }
    pair = world.pairs["AC"]
    mentorship.end_pair(session, admin, pair.id, pair.version, ended_on=date(2026, 9, 10))
    assert _refused(session, admin, world, "A", "C", date(2026, 9, 20)) == {
        "mentee_id": "老王与小张曾于 2025-06-01 结对、2026-09-10 结束；同一对师徒只能结对一次，不能再次新建。"
    }
    assert _pairs(session) == 2


def test_a_new_mentor_takes_over_from_the_day_the_last_pair_ended(session, admin, world):
    pair, m = world.pairs["AC"], world.mediators
    mentorship.end_pair(session, admin, pair.id, pair.version, ended_on=date(2026, 9, 10))
    assert _refused(session, admin, world, "E", "C", date(2026, 9, 9)) == {
        "started_on": "小张的上一段带教于 2026-09-10 结束，新的带教开始日期不能早于该日。"
    }
    row = mentorship.pair(session, admin, m["E"].id, m["C"].id, started_on=date(2026, 9, 10))
    assert mentorship.active_mentor_of(session, [m["C"].id]) == {m["C"].id: (m["E"].id, None)}
    assert row.started_on == date(2026, 9, 10)


def test_a_pair_does_not_start_in_the_future(session, admin, world):
    assert _refused(session, admin, world, "E", "G", date(2026, 9, 29)) == {
        "started_on": "带教开始日期不能晚于今天（2026-09-28）。"
    }
    mentorship.pair(
        session, admin, world.mediators["E"].id, world.mediators["G"].id, started_on=date(2026, 9, 28)
    )


def test_an_administrator_ends_a_pair(session, admin, world):
    pair = world.pairs["AC"]
    done = mentorship.end_pair(session, admin, pair.id, 1, ended_on=date(2026, 9, 28))
    assert (done.ended_on, done.version) == (date(2026, 9, 28), 2)
    event = session.exec(select(CaseEvent).where(CaseEvent.action == "mentorship.end")).one()
    assert (event.object_type, event.object_id, event.before) == ("mentorship", pair.id, {"ended_on": None})
    assert event.after == {
        "ended_on": "2026-09-28",
        "mentor_id": world.mediators["A"].id,
        "mentee_id": world.mediators["C"].id,
    }
    with pytest.raises(IllegalTransition) as raised:
        mentorship.end_pair(session, admin, pair.id, 2, ended_on=date(2026, 9, 28))
    assert raised.value.message == "这段结对已于 2026-09-28 结束。"
    choices = mentorship.pair_choices(session, admin)
    assert sorted(name for _, name, _ in choices.juniors) == sorted(["小刘", "小张"])  # free again


def test_the_end_lies_between_the_start_or_the_sign_off_and_today(session, admin, world):
    ac, bd = world.pairs["AC"], world.pairs["BD"]
    cases = [
        (ac, date(2025, 5, 31), "带教结束日期不能早于带教开始日期（2025-06-01）。"),
        (ac, date(2026, 9, 29), "带教结束日期不能晚于今天（2026-09-28）。"),
        (ac, None, "请填写带教结束日期。"),
        (bd, date(2026, 1, 9), "结束日期不能早于师傅确认可独立主持的日期 2026-01-10。"),
    ]
    for pair, on, message in cases:
        with pytest.raises(ValidationError) as raised:
            mentorship.end_pair(session, admin, pair.id, 1, ended_on=on)
        assert raised.value.errors == {"ended_on": message}, on
    assert session.exec(select(Mentorship.id).where(Mentorship.ended_on.is_not(None))).all() == []
    assert mentorship.end_pair(session, admin, bd.id, 1, ended_on=date(2026, 1, 10)).ended_on == date(
        2026, 1, 10
    )


def test_a_stale_version_is_refused(session, admin, world):
    pair = world.pairs["AC"]
    pair_row = session.get(Mentorship, pair.id)
    pair_row.version = 2  # someone signed him off meanwhile
    session.commit()
    with pytest.raises(StaleVersion) as raised:
        mentorship.end_pair(session, admin, pair.id, 1, ended_on=date(2026, 9, 20))
    assert raised.value.message == "该案件已被他人修改，请刷新后重新操作。"
    session.expire_all()
    assert session.get(Mentorship, pair.id).ended_on is None
    assert session.exec(select(CaseEvent).where(CaseEvent.action == "mentorship.end")).all() == []


@pytest.mark.parametrize("role", [Role.MEDIATOR, Role.HANDLER, Role.LEADER])
def test_only_an_administrator_pairs_and_ends(session, world, role):
    user = world.users["A"] if role == Role.MEDIATOR else make_user(session, role)
    m, pair = world.mediators, world.pairs["AC"]
    with pytest.raises(PermissionDenied):
        mentorship.pair(session, user, m["A"].id, m["G"].id, started_on=date(2026, 9, 1))
    with pytest.raises(PermissionDenied):
        mentorship.end_pair(session, user, pair.id, 1, ended_on=date(2026, 9, 1))
    with pytest.raises(PermissionDenied):
        mentorship.pair_choices(session, user)
    assert _pairs(session) == 2
    assert session.get(Mentorship, pair.id).ended_on is None
    assert session.exec(select(CaseEvent).where(CaseEvent.action.like("mentorship.%"))).all() == []


def test_the_form_offers_active_veterans_and_free_juniors(session, admin, world):
    choices = mentorship.pair_choices(session, admin)
    m = world.mediators
    assert sorted(choices.veterans) == sorted(
        [
            (m["A"].id, "老王", "石马河街道"),
            (m["B"].id, "老李", "石马河街道"),
            (m["E"].id, "老周", "寸滩街道"),
        ]
    )  # not 老孙, inactive
    assert choices.juniors == [
        (m["G"].id, "小刘", "石马河街道")
    ]  # 小张 and 小赵 have mentors, 小陈 is inactive


def test_the_form_keeps_a_junior_already_picked(session, admin, world):
    m = world.mediators
    kept = mentorship.pair_choices(session, admin, (m["C"].id,)).juniors
    assert sorted(kept) == sorted([(m["C"].id, "小张", "石马河街道"), (m["G"].id, "小刘", "石马河街道")])
