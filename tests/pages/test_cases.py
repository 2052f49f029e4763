"""The case list page: search by number and by text, filters restored from the URL, paging, export."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from streamlit.testing.v1 import AppTest

from core.places import places
from core.platform import timeutil
from models import CaseStatus, Role, Street
from tests.factories import START, case_in_status, make_place, make_unit, make_user, register

PAGE = "from pages import cases\ncases.render()\n"


@pytest.fixture(autouse=True)
def _fresh():
    places.invalidate()
    yield
    places.invalidate()


@pytest.fixture()
def three(session):
    admin = make_user(session, Role.ADMIN)
    unit = make_unit(session, name="区住房城乡建委")
    street, _, grid = make_place(session)
    a = register(
        session, admin, title="小区物业管理不到位", content="电梯长期故障，物业不修", grid_id=grid.id
    )
    b = register(
        session, admin, title="物业费收取不合理", content="乱收费", received_on=START + timedelta(days=1)
    )
    c = case_in_status(
        session, CaseStatus.HANDLING, actor=admin, unit=unit, title="安置房产权证办理", content="多年未办证"
    )
    return admin, unit, a, b, c


def _open(monkeypatch, user, **params) -> AppTest:
    monkeypatch.setattr("widgets.session.current_user", lambda: user)
    at = AppTest.from_string(PAGE, default_timeout=30)
    for name, value in params.items():
        at.query_params[name] = value
    at = at.run()
    assert not at.exception
    return at


def _numbers(at: AppTest) -> list[str]:
    return list(at.dataframe[0].value["案件编号"]) if at.dataframe else []


def _search(at: AppTest, q: str) -> AppTest:
    at = at.text_input(key="pd_cl_q").input(q).run()
    assert not at.exception
    return at


def test_finds_a_case_by_its_number_and_by_a_word_of_its_content(session, monkeypatch, three):
    admin, _, a, b, c = three
    at = _open(monkeypatch, admin)
    assert _numbers(at) == [b.number, c.number, a.number]  # latest received first, then newest
    assert _numbers(_search(at, a.number)) == [a.number]
    assert at.query_params["q"] == a.number
    assert _numbers(_search(at, "长期故障")) == [a.number]
    assert _numbers(_search(at, "办证")) == [c.number]
    overdue = (timeutil.today() - date(2025, 3, 18)).days  # received 2025-03-03, 15 days to triage
    assert list(_search(at, a.number).dataframe[0].value["期限"][0]) == [f"超期 {overdue} 天 · 2025年3月18日"]
    at = _search(at, "办证")
    frame = at.dataframe[0].value
    assert list(frame.columns[:4]) == ["案件编号", "状态", "期限", "标题"]
    assert frame.iloc[0]["状态"] == "办理中" and frame.iloc[0]["责任单位"] == "区住房城乡建委"
    at = _search(at, "")
    street = session.get(Street, a.street_id)
    assert at.dataframe[0].value.set_index("案件编号").loc[a.number, "街道/镇"] == street.name


def test_a_search_that_finds_nothing_says_so(session, monkeypatch, three):
    at = _search(_open(monkeypatch, three[0]), "不存在的词语")
    assert at.info[0].value == "没有符合条件的案件。"
    assert at.caption[0].value == "共 0 件 · 第 1 页，共 1 页"


def test_url_parameters_restore_a_filter(session, monkeypatch, three):
    admin, unit, a, b, c = three
    at = _open(monkeypatch, admin, status="handling,registered", unit=str(unit.id), sort="received_on")
    assert at.multiselect(key="pd_cl_status").value == ["handling", "registered"]
    assert at.selectbox(key="pd_cl_unit").value == unit.id
    assert at.selectbox(key="pd_cl_sort").value == "received_on"
    assert _numbers(at) == [c.number]
    assert "更多筛选（已选 1 项）" in [e.label for e in at.expander]


def test_changing_a_filter_puts_it_in_the_url_and_starts_at_page_one(session, monkeypatch, three):
    admin, _, a, b, c = three
    at = _open(monkeypatch, admin)
    at = at.multiselect(key="pd_cl_status").select("registered").run()
    assert at.query_params["status"] == "registered"
    assert _numbers(at) == [b.number, a.number]
    at = at.checkbox(key="pd_cl_overdue").check().run()
    assert at.query_params["overdue"] == "1" and _numbers(at) == [b.number, a.number]  # due in March 2025


def test_paging_is_done_in_the_database_and_shown(session, monkeypatch, three):
    monkeypatch.setattr("widgets.case_filters.PAGE_SIZES", (2, 50))
    admin, _, a, b, c = three
    at = _open(monkeypatch, admin, page_size="2")
    assert _numbers(at) == [b.number, c.number]
    assert at.caption[0].value == "共 3 件 · 第 1 页，共 2 页"
    at = at.pagination[0].select(2).run()
    assert _numbers(at) == [a.number]
    assert at.caption[0].value == "共 3 件 · 第 2 页，共 2 页"
    assert at.query_params["page"] == "2"
    at = _open(monkeypatch, admin, page_size="2", page="2")  # a shared link opens the same page
    assert _numbers(at) == [a.number]


def test_a_handler_sees_only_his_unit_s_cases_and_cannot_export(session, monkeypatch, three):
    _, unit, a, b, c = three
    at = _open(monkeypatch, make_user(session, Role.HANDLER, unit=unit))
    assert _numbers(at) == [c.number]
    assert not at.get("download_button")


def test_the_export_button_is_offered_to_the_office(session, monkeypatch, three):
    at = _open(monkeypatch, three[0])
    [button] = at.get("download_button")
    assert button.proto.label == "导出 Excel"


def test_a_mediator_may_not_open_it(session, monkeypatch):
    at = _open(monkeypatch, make_user(session, Role.MEDIATOR))
    assert at.error[0].value == "您没有执行此操作的权限。"


def test_coming_back_without_parameters_brings_back_the_last_filter(session, monkeypatch, three):
    admin, _, a, b, c = three
    at = _open(monkeypatch, admin, status="handling")
    assert _numbers(at) == [c.number]
    at.query_params.clear()  # back from a case file, or through the menu
    at = at.run()
    assert _numbers(at) == [c.number] and at.query_params["status"] == "handling"
    at = at.button(key="pd_cl_reset").click().run()
    assert len(_numbers(at)) == 3 and "status" not in at.query_params


def test_sorting_by_deadline_puts_cases_without_one_last(session, monkeypatch, three):
    admin, _, a, b, c = three
    replied = case_in_status(session, CaseStatus.REPLIED, actor=admin)  # no running deadline
    # a: triage due 2025-03-18, b: 2025-03-19, c: handling due 2025-05-06
    at = _open(monkeypatch, admin, sort="due_on")
    assert _numbers(at) == [a.number, b.number, c.number, replied.number]
    at = _open(monkeypatch, admin, sort="-due_on")
    assert _numbers(at) == [c.number, b.number, a.number, replied.number]


def test_a_text_search_with_very_many_hits_says_more_than(session, monkeypatch, three):
    monkeypatch.setattr("core.cases.case_list.TEXT_COUNT_CAP", 1)
    at = _search(_open(monkeypatch, three[0]), "物业")
    assert at.caption[0].value == "超过 1 件 · 第 1 页，可翻阅前 1 页；加筛选条件可缩小范围"
    assert len(_numbers(at)) == 3  # "物业" is in every request of the fixture


# One session that goes to the case list, to another page and back, as the sidebar does: the other page's run
# draws none of the list's widgets, so Streamlit drops their state, exactly as between two real pages.
NAVIGATE = """
import streamlit as st
from pages import cases, home
home.render() if st.session_state.get("pd_test_page") == "home" else cases.render()
"""


def _go(at: AppTest, page: str) -> AppTest:
    at.session_state["pd_test_page"] = page
    at.query_params.clear()  # the sidebar's links carry no parameters
    at = at.run()
    assert not at.exception
    return at


def test_coming_back_to_the_list_sets_no_filter_the_user_did_not_set(session, monkeypatch, three):
    admin = three[0]
    monkeypatch.setattr("widgets.session.current_user", lambda: admin)
    at = _go(AppTest.from_string(NAVIGATE, default_timeout=30), "cases")
    assert at.caption[0].value == "共 3 件 · 第 1 页，共 1 页"
    for _ in range(2):
        at = _go(_go(at, "home"), "cases")
        assert at.caption[0].value == "共 3 件 · 第 1 页，共 1 页"
        assert at.date_input(key="pd_cl_received_from").value is None
        assert at.date_input(key="pd_cl_received_to").value is None
        assert [e.label for e in at.expander] == ["更多筛选"]
        assert dict(at.query_params) == {}


def test_each_active_filter_is_a_chip_that_removes_it_and_clear_all_removes_every_one(
    session, monkeypatch, three
):
    admin, unit, a, b, c = three
    at = _open(monkeypatch, admin, status="handling,registered", received_from="2025-03-04", overdue="1")
    chips = {b.key: b.label for b in at.button if b.key.startswith("pd_cl_chip_")}
    assert chips == {
        "pd_cl_chip_status": "状态：办理中、已登记",
        "pd_cl_chip_overdue": "仅超期",
        "pd_cl_chip_received_from": "登记日期自：2025年3月4日",
    }
    # b (registered 2025-03-04, triage overdue) is the only overdue case received from the 4th on
    assert _numbers(at) == [b.number]
    at = at.button(key="pd_cl_chip_received_from").click().run()
    # all three are overdue (triage due March 2025, c's handling due 2025-05-06); c received the 3rd after a
    assert "received_from" not in at.query_params and _numbers(at) == [b.number, c.number, a.number]
    assert not [b for b in at.button if b.key == "pd_cl_chip_received_from"]
    at = at.button(key="pd_cl_reset").click().run()
    assert len(_numbers(at)) == 3 and dict(at.query_params) == {}
    assert not [b for b in at.button if b.key.startswith("pd_cl_chip_") or b.key == "pd_cl_reset"]


# The main area's width at 1440 px with the sidebar open, measured in Chromium (tests/e2e checks it there).
MAIN_WIDTH_AT_1440 = 980
PICKER_COLUMN = 33  # the row-selection column in front of the table


def test_the_key_columns_come_first_and_fit_at_1440_px(session, monkeypatch, three):
    import json

    at = _open(monkeypatch, three[0])
    columns = list(at.dataframe[0].value.columns)
    key = ["案件编号", "状态", "期限", "标题", "信访人", "责任单位"]
    assert columns[:6] == key  # the rest (subject, channel, dates, stage, street) scroll
    widths = json.loads(at.dataframe[0].proto.columns)
    # 33 + 130 + 100 + 205 + 260 + 85 + 150 = 963 px
    assert PICKER_COLUMN + sum(widths[name]["width"] for name in key) <= MAIN_WIDTH_AT_1440
