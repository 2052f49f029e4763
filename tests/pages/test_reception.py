"""The reception-day page: a leader sees his own reception cases; the office picks a leader."""

from __future__ import annotations

from datetime import date, timedelta

from streamlit.testing.v1 import AppTest

from models import Channel, Outcome, Role
from tests.factories import make_user, register

PAGE = "from pages import reception\nreception.render()\n"
TODAY = date(2025, 3, 10)


def _page(monkeypatch, user) -> AppTest:
    monkeypatch.setattr("widgets.session.current_user", lambda: user)
    monkeypatch.setattr("pages.reception.today", lambda: TODAY)
    return AppTest.from_string(PAGE, default_timeout=30).run()


def _world(session):
    wang = make_user(session, Role.LEADER, name="王区长")
    li = make_user(session, Role.LEADER, name="李副区长")
    onsite = register(
        session,
        wang,
        channel=Channel.ONSITE_OFFICE,
        received_on=TODAY - timedelta(days=3),
        received_by_leader_id=wang.id,
        onsite_resolved=True,
        onsite_outcome=Outcome.EXPLAIN,
        onsite_note="当场解释政策",
    )
    visit = register(
        session, wang, channel=Channel.LEADER_RECEPTION, received_on=TODAY, received_by_leader_id=wang.id
    )
    other = register(
        session, li, channel=Channel.LEADER_RECEPTION, received_on=TODAY, received_by_leader_id=li.id
    )
    return wang, li, onsite, visit, other


def test_a_leader_sees_his_reception_cases_and_what_became_of_them(session, monkeypatch):
    wang, _, onsite, visit, other = _world(session)
    at = _page(monkeypatch, wang)
    assert not at.exception
    assert not at.selectbox  # a leader does not pick: he sees his own
    assert "王区长的接访记录" in [c.value for c in at.caption]
    frame = at.dataframe[0].value
    assert list(frame["案件编号"]) == [f"case?id={c.id}&no={c.number}" for c in (onsite, visit)]
    assert list(frame["当前状态"]) == ["已办结", "已登记"]
    assert list(frame["处理结果"]) == ["解释说明", ""]
    assert list(frame["当场化解"]) == ["是", ""]
    assert list(frame["办结日期"]) == ["2025年3月7日", ""]
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["接访事项"], metrics["当场化解"], metrics["已办结"], metrics["满意率"]) == (
        "2",
        "1",
        "1",
        "—",
    )


def test_the_registrar_picks_a_leader(session, monkeypatch):
    _, li, _, _, other = _world(session)
    at = _page(monkeypatch, make_user(session, Role.REGISTRAR))
    at = at.selectbox(key="pd_reception_leader").select(li.id).run()
    assert list(at.dataframe[0].value["案件编号"]) == [f"case?id={other.id}&no={other.number}"]


def test_a_handler_may_not_open_the_page(session, monkeypatch):
    at = _page(monkeypatch, make_user(session, Role.HANDLER))
    assert [e.value for e in at.error] == ["您没有执行此操作的权限。"]


def test_the_columns_a_leader_reads_first_fit_at_1440_px(session, monkeypatch):
    import json

    from tests.pages.test_cases import MAIN_WIDTH_AT_1440

    at = _page(monkeypatch, _world(session)[0])
    columns = list(at.dataframe[0].value.columns)
    first = ["案件编号", "当前状态", "标题", "接访日期", "方式", "处理结果", "满意度"]
    assert columns[:7] == first  # 当场化解 and 办结日期 scroll
    widths = json.loads(at.dataframe[0].proto.columns)
    # 130 + 100 + 260 + 120 + 90 + 90 + 90 = 880 px
    assert sum(widths[name]["width"] for name in first) <= MAIN_WIDTH_AT_1440
