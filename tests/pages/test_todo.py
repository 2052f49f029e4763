"""The to-do page: a handler's cases to act on, soonest first, with the action and a link to each case."""

from __future__ import annotations

from datetime import date

from streamlit.testing.v1 import AppTest

import shell
from models import CaseStatus, Role
from pages import todo as todo_page
from tests.factories import case_in_status, make_unit, make_user

PAGE = "from pages import todo\ntodo.render()\n"


def _open(monkeypatch, user) -> AppTest:
    monkeypatch.setattr("widgets.session.current_user", lambda: user)
    at = AppTest.from_string(PAGE, default_timeout=30).run()
    assert not at.exception
    return at


def _all_links(at: AppTest) -> list[tuple[str, str]]:
    return [(link.proto.label.replace("\\", ""), link.proto.query_string) for link in at.get("page_link")]


def _links(at: AppTest) -> list[tuple[str, str]]:
    """The case-number links (the action chips are links too, with the action in the query)."""
    return [link for link in _all_links(at) if "action=" not in link[1]]


def _chips(at: AppTest) -> list[tuple[str, str]]:
    return [link for link in _all_links(at) if "action=" in link[1]]


def _badges(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if "-badge[" in m.value]


def test_a_handler_sees_his_unit_s_assigned_case_with_the_action_accept(session, monkeypatch, reference_day):
    admin, unit = make_user(session, Role.ADMIN), make_unit(session)
    mine = case_in_status(session, CaseStatus.ASSIGNED, actor=admin, unit=unit, title="楼道灯坏了")
    theirs = case_in_status(session, CaseStatus.ASSIGNED, actor=admin, title="别的单位的案件")
    at = _open(monkeypatch, make_user(session, Role.HANDLER, unit=unit))
    assert _links(at) == [(mine.number, f"id={mine.id}")]
    assert [t.value for t in at.text] == ["楼道灯坏了"]
    assert theirs.number not in str(_links(at))
    badges = _badges(at)
    assert _chips(at) == [("受理", f"id={mine.id}&action=accept")]  # the chip is a link to the accept dialog
    assert any("超期" in b and ":red-badge" in b for b in badges)  # due 2025-03-19, long past
    assert at.caption[0].value == "共 1 件待办：受理 1"


def test_the_navigation_shows_the_count_after_the_title(session, monkeypatch):
    admin, unit = make_user(session, Role.ADMIN), make_unit(session)
    for status in (CaseStatus.ASSIGNED, CaseStatus.HANDLING):
        case_in_status(session, status, actor=admin, unit=unit)
    spec = next(s for s in shell.PAGES if s.module == "todo")
    handler = make_user(session, Role.HANDLER, unit=unit)
    assert shell._title(spec, todo_page, handler) == "我的待办 (2)"
    assert shell._title(spec, todo_page, make_user(session, Role.HANDLER)) == "我的待办"


def test_nothing_waiting_says_so(session, monkeypatch):
    at = _open(monkeypatch, make_user(session, Role.REGISTRAR))
    assert at.success[0].value == "没有等待您处理的案件。"


def test_a_long_list_is_paged(session, monkeypatch):
    monkeypatch.setattr(todo_page, "PAGE_SIZE", 2)
    admin, unit = make_user(session, Role.ADMIN), make_unit(session)
    cases = [case_in_status(session, CaseStatus.ASSIGNED, actor=admin, unit=unit) for _ in range(3)]
    at = _open(monkeypatch, make_user(session, Role.HANDLER, unit=unit))
    assert [n for n, _ in _links(at)] == [c.number for c in cases[:2]]
    at = at.pagination[0].select(2).run()
    assert [n for n, _ in _links(at)] == [cases[2].number]


def test_a_mediator_may_not_open_it(session, monkeypatch):
    at = _open(monkeypatch, make_user(session, Role.MEDIATOR))
    assert at.error[0].value == "您没有执行此操作的权限。"


def test_titles_typed_by_users_are_shown_as_text_not_markup(session, monkeypatch):
    admin, unit = make_user(session, Role.ADMIN), make_unit(session)
    title = "<script>alert(1)</script> **加粗** [链接](http://x)"
    case_in_status(session, CaseStatus.ASSIGNED, actor=admin, unit=unit, title=title)
    at = _open(monkeypatch, make_user(session, Role.HANDLER, unit=unit))
    assert [t.value for t in at.text] == [title]  # st.text: no Markdown, no HTML
    assert not [m.value for m in at.markdown if "script" in m.value or "加粗" in m.value]


def test_a_case_from_a_higher_level_shows_that_levels_deadline_beside_the_statutory_one(session, monkeypatch):
    admin, unit = make_user(session, Role.ADMIN), make_unit(session)
    case = case_in_status(session, CaseStatus.ASSIGNED, actor=admin, unit=unit, title="市里交办的案件")
    case.higher_number, case.higher_body, case.higher_due_on = (
        "CQ-2025-0456",
        "重庆市信访办",
        date(2025, 3, 14),
    )
    session.add(case)
    session.commit()
    at = _open(monkeypatch, make_user(session, Role.HANDLER, unit=unit))
    assert "重庆市信访办交办期限：2025-03-14" in [c.value for c in at.caption]
    assert any(":red-badge" in b for b in _badges(at))  # the statutory deadline's badge stays beside it
