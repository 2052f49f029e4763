"""A spec and a list state become one SELECT and one COUNT, filtered, sorted, paged and scoped in the database."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from core.accounts import records
from core.places import responsibility
from lowcode import query
from lowcode.query import ListState
from lowcode.tables import GRIDS, HOLIDAYS, MEDIATORS, REGISTRY, RESPONSIBILITY
from models import Mediator, Role, Subject
from tests.factories import make_unit, make_user


def _codes(page: query.ListPage) -> list[str]:
    return [r["code"] for r in page.rows]


def test_a_list_with_a_search_and_a_filter_is_one_select_and_one_count(session, admin, district, statements):
    state = ListState(q="第1", filters=(("community.street_id", [district.streets[0].id]),))
    with statements() as log:
        page = query.fetch(session, REGISTRY, GRIDS, admin, state)
    assert len(log.selects()) == 2 and len(log.sql) == 2
    assert _codes(page) == ["500105006001001", "500105006007001"]  # 第1网格 of the two communities of 观音桥
    assert page.total == 2 and page.pages == 1
    assert page.rows[0]["community_id__label"] == "观音桥街道 › 建新北路社区"


def test_words_of_the_search_all_match_and_a_path_is_searched_too(session, admin, district):
    assert page_codes(session, admin, ListState(q="花卉园")) == ["500105006007001", "500105006007002"]
    assert page_codes(session, admin, ListState(q="花卉园 第2")) == ["500105006007002"]
    assert page_codes(session, admin, ListState(q="100%")) == []  # a % is a character, not a wildcard


def page_codes(session, user, state) -> list[str]:
    return _codes(query.fetch(session, REGISTRY, GRIDS, user, state))


def test_sort_and_pages_happen_in_the_database(session, admin, district):
    first = query.fetch(session, REGISTRY, GRIDS, admin, ListState(sort="-code", page=1, page_size=2))
    assert _codes(first) == ["500105100201001", "500105006007002"]
    assert (first.total, first.pages) == (5, 3)  # 5 grids, 2 per page: ceil(5 / 2) = 3
    last = query.fetch(session, REGISTRY, GRIDS, admin, ListState(sort="-code", page=9, page_size=2))
    assert (last.page, _codes(last)) == (3, ["500105006001001"])  # a page past the end shows the last one


def test_a_foreign_key_filter_and_a_date_range(session, admin, district):
    hh = district.communities[1].id
    assert page_codes(session, admin, ListState(filters=(("community_id", [hh]),))) == [
        "500105006007001",
        "500105006007002",
    ]
    national_day = ListState(filters=(("day", (date(2026, 10, 1), date(2026, 10, 8))),), sort="day")
    days = query.fetch(session, REGISTRY, HOLIDAYS, admin, national_day).rows
    assert [r["day"] for r in days] == [date(2026, 10, d) for d in range(1, 8)]  # seeded: 10-01 .. 10-07 off


def test_a_handler_sees_the_responsibility_lines_of_his_own_unit_only(session, admin, district):
    subject = session.exec(select(Subject).where(Subject.key == "property_management")).one()
    other = session.exec(select(Subject).where(Subject.key == "education")).one()
    zjw, wygl = district.units["ZJW"], district.units["WYGL"]
    jw = make_unit(session, name="区教委")
    line = {
        "subject_id": subject.id,
        "street_id": None,
        "lead_unit_id": zjw.id,
        "assisting_unit_ids": [wygl.id],
    }
    records.create(session, admin, responsibility.RULES, line)
    records.create(
        session,
        admin,
        responsibility.RULES,
        {**line, "subject_id": other.id, "lead_unit_id": jw.id, "assisting_unit_ids": []},
    )
    for unit, expected in ((zjw, 1), (wygl, 1), (jw, 1), (make_unit(session), 0)):
        handler = make_user(session, Role.HANDLER, unit=unit)
        page = query.fetch(session, REGISTRY, RESPONSIBILITY, handler, ListState())
        assert page.total == expected, unit.name
    assert query.fetch(session, REGISTRY, RESPONSIBILITY, admin, ListState()).total == 2
    mediator = make_user(session, Role.MEDIATOR)
    assert query.fetch(session, REGISTRY, RESPONSIBILITY, mediator, ListState()).total == 0  # no view right


def test_phones_of_the_roster_are_masked_for_roles_that_do_not_maintain_it(session, admin, district):
    session.add(Mediator(name="张调解", phone="13812345678", grid_id=district.grids[0].id))
    session.commit()
    leader = make_user(session, Role.LEADER)
    assert query.fetch(session, REGISTRY, MEDIATORS, admin, ListState()).rows[0]["phone"] == "13812345678"
    shown = query.fetch(session, REGISTRY, MEDIATORS, leader, ListState()).rows[0]
    assert shown["phone"] == "138****5678"
    assert shown["grid_id__label"] == "观音桥街道 › 建新北路社区 › 第1网格"


def test_the_state_goes_to_the_url_and_back(session, district):
    state = ListState(
        q="花卉园", filters=(("community.street_id", [1, 2]), ("active", False)), sort="-code", page=3
    )
    params = query.to_params(GRIDS, state)
    assert params == {
        "q": "花卉园",
        "f.community.street_id": "1,2",
        "f.active": "0",
        "sort": "-code",
        "page": "3",
    }
    assert query.from_params(REGISTRY, GRIDS, params) == state
    assert (
        query.from_params(REGISTRY, GRIDS, {"sort": "password_hash", "page": "x", "f.community_id": "a"})
        == ListState()
    )


def test_pickers_list_a_table_by_its_labels_in_its_own_order(session, district):
    grids = query.choices(session, GRIDS)
    assert grids[0][1] == "观音桥街道 › 建新北路社区 › 第1网格"
    assert [label for _, label in grids][-1] == "鱼嘴镇 › 太洪村 › 第1网格"  # by code: 500105100... is last
