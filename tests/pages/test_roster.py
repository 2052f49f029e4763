"""The roster page on the hand-built centre of tests/mediation_world.py: the list with masked phones, the mentor
tree and its sign-off, the load chart, the indicators, and what a mediator may see."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from core import kpis
from core.places import places
from models import Mentorship, Role
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
    return mediation_world.with_mediator_users(session, "AC")


def _rows(at, n: int = 0) -> list[dict]:
    return at.dataframe[n].value.to_dict("records")


def test_a_leader_sees_every_active_mediator_with_figures_and_masked_phones(session, monkeypatch, world):
    at = open_page(monkeypatch, "roster", make_user(session, Role.LEADER))
    rows = {r["姓名"]: r for r in _rows(at)}
    assert set(rows) == {"老王", "老李", "小张", "小赵", "老周"}  # 老孙 is inactive
    assert (rows["老王"]["在办"], rows["老王"]["达成协议"], rows["老王"]["成功率"]) == (2, 6, "85.7%")
    assert rows["小张"]["师傅"] == "老王" and rows["小张"]["擅长领域"] == "物业纠纷"
    assert rows["老王"]["联系电话"] == "139****0000"
    assert "共 5 名调解员，第 1/1 页" in [c.value for c in at.caption]


def test_a_mediator_sees_his_own_record_and_his_juniors(session, monkeypatch, world):
    at = open_page(monkeypatch, "roster", world.users["A"])
    rows = {r["姓名"]: r for r in _rows(at)}
    assert set(rows) == {"老王", "小张"}
    assert rows["老王"]["联系电话"] == "13900000000"  # his own, unmasked
    assert rows["小张"]["联系电话"] == "139****0002"
    junior = open_page(monkeypatch, "roster", world.users["C"])
    assert [r["姓名"] for r in _rows(junior)] == ["小张"]


def test_the_mentor_tree_shows_each_juniors_progress_and_the_mentor_signs_him_off(
    session, monkeypatch, world
):
    at = open_page(monkeypatch, "roster", world.users["A"], view="mentors")
    assert "**老王（老马）带 1 名小马**" in [m.value for m in at.markdown]
    row = _rows(at)[0]
    assert (row["小马"], row["与师傅同办"], row["独立主持"], row["成功率"], row["调成中位天数"]) == (
        "小张",
        3,
        2,
        "75.0%",
        "20.0",
    )
    assert row["可独立主持（师傅确认）"] == "尚未确认"
    at.date_input[0].set_value(date(2026, 9, 1))
    at = at.button[0].click().run()
    assert not at.exception
    pair = session.exec(select(Mentorship).where(Mentorship.id == world.pairs["AC"].id)).one()
    session.refresh(pair)
    assert pair.signed_off_on == date(2026, 9, 1)
    assert _rows(at)[0]["可独立主持（师傅确认）"] == "2026年9月1日"


def test_a_leader_sees_the_tree_by_street_but_may_not_sign_off(session, monkeypatch, world):
    at = open_page(monkeypatch, "roster", make_user(session, Role.LEADER), view="mentors")
    assert [s.value for s in at.subheader] == ["石马河街道"]
    assert not at.button  # no sign-off form: only the mentor or an administrator
    assert len(at.dataframe) == 2


def test_the_load_and_the_indicators_are_altair_charts(session, monkeypatch, world):
    leader = make_user(session, Role.LEADER)
    assert len(open_page(monkeypatch, "roster", leader, view="load").get("vega_lite_chart")) == 1
    at = open_page(monkeypatch, "roster", leader, view="indicators")
    assert len(at.get("vega_lite_chart")) == 4  # two indicators, by street and by mediator
    mediator = open_page(monkeypatch, "roster", world.users["A"], view="indicators")
    assert len(mediator.get("vega_lite_chart")) == 2  # his own and his junior's, no district figures


def test_the_page_reads_in_english(session, monkeypatch, world):
    prelude = "import i18n\ni18n.set_language('en')\n"
    at = open_page(monkeypatch, "roster", make_user(session, Role.LEADER), prelude=prelude)
    assert at.title[0].value == "Mediator roster"
    assert "Success rate" in at.dataframe[0].value.columns


def test_the_display_account_may_not_open_the_roster(session, monkeypatch, world):
    at = open_page(monkeypatch, "roster", make_user(session, Role.DISPLAY))
    assert [e.value for e in at.error] == ["您没有执行此操作的权限。"]
