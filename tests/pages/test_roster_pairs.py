"""The administrator pairs a veteran with a junior and ends a pair on the roster's mentor view, on the centre of
tests/mediation_world.py (老王 mentors 小张, 老李 mentors 小赵; 老周 is a free veteran in 寸滩街道) with 小刘, a
free junior of 石马河街道. The suite's today is 2026-09-28."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from core import kpis
from core.mediation import mentorship
from core.places import places
from models import Mediator, MediatorLevel, Mentorship, Role
from tests import mediation_world
from tests.factories import make_user
from tests.pages.helpers import open_page


@pytest.fixture(autouse=True)
def _fresh():
    places.invalidate()
    kpis.clear_cache()
    yield
    places.invalidate()
    kpis.clear_cache()


@pytest.fixture()
def world(session):
    w = mediation_world.with_mediator_users(session, "A")
    w.mediators["G"] = Mediator(name="小刘", level=MediatorLevel.JUNIOR, street_id=w.street.id)
    session.add(w.mediators["G"])
    session.commit()
    return w


def _button(at, text: str):
    return next(b for b in at.button if b.label == text)


def _pick(at, label: str):
    return next(s for s in at.selectbox if s.label == label)


def _nodes(at) -> list[str]:
    return [m.value for m in at.markdown if m.value.startswith("**") and "带" in m.value]


def test_an_administrator_pairs_a_veteran_with_a_free_junior_and_sees_the_pair(session, monkeypatch, world):
    at = open_page(monkeypatch, "roster", make_user(session, Role.ADMIN), view="mentors")
    mentor, mentee = _pick(at, "师傅（老马）"), _pick(at, "徒弟（小马）")
    assert (mentor.value, mentor.placeholder) == (None, "选择或输入老马姓名")
    assert (mentee.value, mentee.placeholder) == (None, "选择或输入小马姓名")
    assert mentee.options == ["小刘（石马河街道）"]  # 小张 and 小赵 have mentors
    assert sorted(mentor.options) == ["老周（寸滩街道）", "老李（石马河街道）", "老王（石马河街道）"]
    assert next(d for d in at.date_input if d.label == "带教开始日期").value == date(2026, 9, 28)
    mentor.select(world.mediators["E"].id)
    mentee.select(world.mediators["G"].id)
    next(d for d in at.date_input if d.label == "带教开始日期").set_value(date(2026, 9, 1))
    at = _button(at, "结对").click().run()
    assert not at.exception
    assert [x.value for x in at.toast] == ["已结对：老周（寸滩街道）带小刘（石马河街道）。"]
    assert "**老周（老马）带 1 名小马**" in _nodes(at)
    assert sorted(s.value for s in at.subheader) == sorted(["寸滩街道", "石马河街道"])
    row = session.exec(select(Mentorship).where(Mentorship.mentee_id == world.mediators["G"].id)).one()
    assert (row.mentor_id, row.started_on) == (world.mediators["E"].id, date(2026, 9, 1))
    assert _pick(at, "徒弟（小马）").value is None  # the form is empty again
    assert _pick(at, "徒弟（小马）").options == []
    assert "在岗的小马都已有师傅；结束一段结对后，或登记新的小马后才能新建结对。" in [
        c.value for c in at.caption
    ]


def test_a_refused_pair_says_why_under_the_junior_and_writes_nothing(session, monkeypatch, world):
    admin = make_user(session, Role.ADMIN)
    at = open_page(monkeypatch, "roster", admin, view="mentors")
    m = world.mediators
    mentorship.pair(
        session, admin, m["A"].id, m["G"].id, started_on=date(2026, 9, 20)
    )  # another admin, meanwhile
    _pick(at, "师傅（老马）").select(m["E"].id)
    _pick(at, "徒弟（小马）").select(m["G"].id)
    at = _button(at, "结对").click().run()
    assert not at.exception and not at.toast
    assert ":red[小刘已有师傅老王（自 2026\\-09\\-20 起带教），请先结束那段结对。]" in [
        c.value for c in at.caption
    ]
    assert session.exec(select(Mentorship).where(Mentorship.mentor_id == m["E"].id)).all() == []


def test_an_administrator_ends_a_current_pair(session, monkeypatch, world):
    admin = make_user(session, Role.ADMIN)
    at = open_page(monkeypatch, "roster", admin, view="mentors")
    key = f"pd_pair_end_{world.mediators['A'].id}"
    assert at.selectbox(key=f"{key}_junior").options == ["小张"]
    at.date_input(key=f"{key}_on").set_value(date(2026, 9, 15))
    button = next(b for b in at.button if b.label == "结束结对" and b.proto.form_id == key)
    at = button.click().run()
    assert not at.exception
    assert [x.value for x in at.toast] == ["已结束老王与小张的结对。"]
    pair = session.get(Mentorship, world.pairs["AC"].id)
    session.refresh(pair)
    assert (pair.ended_on, pair.version) == (date(2026, 9, 15), 2)
    rows = at.dataframe
    assert any(r["带教结束"] == "2026年9月15日" for d in rows for r in d.value.to_dict("records"))
    assert "小张（石马河街道）" in _pick(at, "徒弟（小马）").options  # free for a new mentor


def test_a_mediator_sees_neither_form(session, monkeypatch, world):
    at = open_page(monkeypatch, "roster", world.users["A"], view="mentors")
    keys = [s.key for s in at.selectbox]
    assert not any(k and k.startswith("pd_pair") for k in keys)
    assert [b.label for b in at.button] == ["确认可独立主持调解"]  # only his own sign-off


def test_the_forms_read_in_english(session, monkeypatch, world):
    prelude = "import i18n\ni18n.set_language('en')\n"
    at = open_page(monkeypatch, "roster", make_user(session, Role.ADMIN), prelude=prelude, view="mentors")
    assert at.selectbox(key="pd_pair_0_mentor").label == "Mentor (veteran)"
    assert at.selectbox(key="pd_pair_0_mentee").placeholder == "Pick or type a junior's name"
    assert "New mentor pair" in "".join(m.value for m in at.markdown)


def test_the_administrators_mentor_view_shows_only_chinese(session, monkeypatch, world):
    from tests.chinese import latin_only
    from tests.pages.test_chinese_only import empty_placeholders, shown_strings

    at = open_page(monkeypatch, "roster", make_user(session, Role.ADMIN), view="mentors")
    assert sorted({s for s in shown_strings(at) if latin_only(s)}) == []
    assert empty_placeholders(at) == []
