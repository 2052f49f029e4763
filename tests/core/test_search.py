"""Search finds a case by any substring of two or more characters of its title or content."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from core.platform import search
from models import Case, Channel


def _case(session, n: int, title: str, content: str) -> Case:
    case = Case(
        number=f"JB-2026-{n:06d}",
        channel=Channel.LETTER,
        received_on=date(2026, 5, 1),
        subject="property_management",
        title=title,
        content=content,
    )
    session.add(case)
    search.index_case(session, case)
    session.commit()
    return case


def _ids(session, q: str) -> set[int]:
    stmt = search.match_case_ids(session.connection().dialect.name, q)
    return {row[0] for row in session.connection().execute(stmt)}


def test_tokens_split_chinese_into_bigrams_and_keep_ascii_words():
    assert search.tokens("物业管理 ABC-12") == ["物业", "业管", "管理", "abc", "12"]
    assert search.tokens("楼") == ["楼"]
    assert search.tokens("ＡＢＣ") == ["abc"]  # full-width letters fold to ASCII


def test_single_chinese_character_is_not_searchable_by_the_index():
    assert search.searchable("物业")
    assert not search.searchable("楼")


def test_search_matches_substrings_and_not_scattered_characters(session):
    a = _case(session, 1, "小区物业管理不到位", "电梯长期故障，物业公司不作为")
    b = _case(session, 2, "安置房产权证办理", "安置房交付多年仍未办理产权证")
    _case(session, 3, "管理混乱", "物品堆放占用消防通道")  # has 物 and 管理 but not 物业管理
    assert _ids(session, "物业管理") == {a.id}
    assert _ids(session, "产权证") == {b.id}
    assert _ids(session, "电梯 物业") == {a.id}  # every word must occur
    assert _ids(session, "燃气") == set()


def test_reindexing_a_changed_case_forgets_its_old_text(session):
    a = _case(session, 1, "噪音扰民", "夜间施工噪音")
    old = (a.title, a.content, a.request)
    a.title, a.content = "油烟扰民", "餐馆油烟直排"
    search.index_case(session, a, old=old)
    session.commit()
    assert _ids(session, "噪音") == set()
    assert _ids(session, "油烟") == {a.id}


def test_search_index_rows_are_counted_once(session):
    _case(session, 1, "保交楼", "项目停工")
    if session.connection().dialect.name == "postgresql":
        n = session.connection().execute(sa.text("SELECT count(*) FROM case_search")).scalar()
        assert n == 1
