"""Reference lists for the pickers: in code order, narrowed to their parent, cached until invalidated."""

from __future__ import annotations

import pytest

from core.places import places
from models import Community, Grid, Role, Street, Unit
from tests.factories import make_user


@pytest.fixture(autouse=True)
def _fresh_cache():
    places.invalidate()
    yield
    places.invalidate()


def _district(session):
    north = Street(code="500105006", name="观音桥街道")
    south = Street(code="500105001", name="华新街街道")
    session.add_all([north, south])
    session.flush()
    a = Community(code="500105006002", name="建新南路社区", street_id=north.id)
    b = Community(code="500105006001", name="建新北路社区", street_id=north.id)
    c = Community(code="500105001001", name="华新村社区", street_id=south.id)
    session.add_all([a, b, c])
    session.flush()
    session.add_all(
        [
            Grid(code="G2", name="第二网格", community_id=b.id),
            Grid(code="G1", name="第一网格", community_id=b.id),
        ]
    )
    session.commit()
    return north, south, a, b, c


def test_streets_communities_and_grids_come_in_code_order_under_their_parent(session):
    north, south, a, b, c = _district(session)
    assert [s.name for s in places.streets(session)] == ["华新街街道", "观音桥街道"]
    assert [x.name for x in places.communities(session, north.id)] == ["建新北路社区", "建新南路社区"]
    assert [x.name for x in places.communities(session, south.id)] == ["华新村社区"]
    assert [g.name for g in places.grids(session, b.id)] == ["第一网格", "第二网格"]
    assert places.grids(session, a.id) == ()
    assert places.communities(session, None) == () and places.grids(session, None) == ()


def test_lists_are_cached_until_invalidated(session):
    _district(session)
    before = places.streets(session)
    session.add(Street(code="500105100", name="鱼嘴镇"))
    session.commit()
    assert places.streets(session) == before  # served from the cache
    places.invalidate()
    assert [s.name for s in places.streets(session)][-1] == "鱼嘴镇"


def test_units_are_the_active_ones_by_short_name(session):
    session.add_all(
        [
            Unit(code="B1", name="重庆市江北区住房和城乡建设委员会", short_name="区住房城乡建委"),
            Unit(code="A1", name="区城市管理局"),
            Unit(code="C1", name="已撤销的单位", active=False),
        ]
    )
    session.commit()
    assert [u.name for u in places.units(session)] == ["区城市管理局", "区住房城乡建委"]


def test_leaders_are_the_active_users_with_the_leader_role(session):
    wang = make_user(session, Role.LEADER, name="王区长")
    make_user(session, Role.REGISTRAR, name="李登记")
    retired = make_user(session, Role.LEADER, name="赵退休")
    retired.active = False
    session.add(retired)
    session.commit()
    assert places.names(places.leaders(session)) == {wang.id: "王区长"}
