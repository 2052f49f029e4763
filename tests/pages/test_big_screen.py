"""The big screen (大屏): the display account sees it and nothing else; the district, then one street at a time."""

from __future__ import annotations

import json
from datetime import date

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient
from streamlit.testing.v1 import AppTest

import shell
from api.routes import routes
from core import kpis
from core.accounts import auth, permissions, tokens
from core.cases import case_list
from core.places import places
from core.platform.errors import PermissionDenied
from models import Role, Street
from tests import factories as f
from tests.pages.helpers import open_page

FORBIDDEN = "您没有执行此操作的权限。"
TODAY = date(2026, 9, 28)


@pytest.fixture()
def today(monkeypatch):
    monkeypatch.setattr("core.platform.timeutil.today", lambda: TODAY)
    return TODAY


@pytest.fixture()
def streets(session):
    """Two streets of Jiangbei in code order; the picker lists are forgotten so they show at once."""
    rows = [Street(code="500105001", name="华新街街道"), Street(code="500105006", name="观音桥街道")]
    session.add_all(rows)
    session.commit()
    places.invalidate()
    yield rows
    places.invalidate()


def test_the_display_account_s_navigation_is_the_big_screen_alone(session):
    display = f.make_user(session, Role.DISPLAY)
    assert [spec.url_path for spec in shell.visible_pages(display)] == ["big_screen"]
    assert [spec.url_path for spec in shell.visible_pages(f.make_user(session, Role.LEADER))].count(
        "big_screen"
    )
    from lowcode import tables

    assert tables.picker(display) == []  # no reference table, no user list


def test_every_other_page_refuses_the_display_account(session, monkeypatch):
    display = f.make_user(session, Role.DISPLAY)
    for spec in shell.PAGES:
        if spec.audience != "user" or spec.module == "big_screen":
            continue
        at = open_page(monkeypatch, spec.module, display)
        assert FORBIDDEN in [e.value for e in at.error], spec.module


def test_the_display_account_reads_no_case_and_no_personal_data(session):
    display = f.make_user(session, Role.DISPLAY)
    case = f.register(session)
    for action in ("case.view", "case.export", "case.identity", "pii.view", "pii.reveal", "case.register"):
        assert not permissions.allowed(display, action), action
    assert not permissions.case_in_scope(display, case)
    with pytest.raises(PermissionDenied):
        case_list.search_cases(session, display, case_list.CaseFilter(), TODAY)
    with pytest.raises(PermissionDenied):
        case_list.export_xlsx(session, display, case_list.CaseFilter(), TODAY)
    assert permissions.allowed(display, "kpi.view") and permissions.allowed(display, "kpi.big_screen")


def test_the_case_api_refuses_the_display_account_by_token_and_by_session(session):
    display = f.make_user(session, Role.DISPLAY)
    case = f.register(session, received_on=date(2026, 3, 2))
    _, plain = tokens.create_token(session, f.make_user(session, Role.ADMIN), display.id, "大屏")
    client = TestClient(Starlette(routes=routes()))
    bearer = {"Authorization": f"Bearer {plain}"}
    assert client.get("/api/v1/cases", headers=bearer).status_code == 403
    assert client.get(f"/api/v1/cases/{case.id}", headers=bearer).status_code == 404  # existence not told
    valid = json.loads(f.case_data().model_dump_json())
    assert client.post("/api/v1/cases", json=valid, headers=bearer).status_code == 403  # registers nothing
    kpis_reply = client.get("/api/v1/kpis", params={"from": "2026-01-01", "to": "2026-09-28"}, headers=bearer)
    assert (
        kpis_reply.status_code == 200 and kpis_reply.json()["intake"]["value"] == 1
    )  # aggregates it may read
    client.cookies.set(auth.SESSION_COOKIE, auth.make_session_cookie(session, display))
    assert client.get("/api/v1/cases").status_code == 403


def _headers(at) -> list[str]:
    return [h.value for h in at.header]


def _tiles(at) -> list[tuple[str, str]]:
    return [(m.label, m.value) for m in at.metric][:12]  # the district's six, then the street's six


def _strip(at) -> list[tuple[str, str]]:
    return [(m.label, m.value) for m in at.metric][12:]


def test_the_big_screen_shows_the_district_then_each_street_in_turn(session, monkeypatch, today, streets):
    huaxin, guanyin = streets
    registrar = f.make_user(session, Role.REGISTRAR)
    for street, day in ((huaxin, date(2026, 3, 2)), (huaxin, date(2026, 9, 28)), (guanyin, date(2026, 5, 6))):
        f.register(session, registrar, street_id=street.id, received_on=day)
    f.register(session, registrar, street_id=guanyin.id, received_on=date(2025, 4, 1))  # last year
    display = f.make_user(session, Role.DISPLAY)
    at = open_page(monkeypatch, "big_screen", display)
    assert at.title[0].value.endswith("信访工作大屏")
    assert "本年累计 2026年1月1日 至 2026年9月28日" in [c.value for c in at.caption]
    assert _headers(at) == ["全区", "华新街街道（1/2）"]
    labels = ["登记量", "一次性化解率", "及时受理率", "按期答复率", "满意率", "超期件"]
    tiles = _tiles(at)
    assert [label for label, _ in tiles] == labels * 2
    assert tiles[0] == ("登记量", "3") and tiles[6] == (
        "登记量",
        "2",
    )  # 2026's cases: all three, then 华新街's two
    assert at.metric[0].delta == "上年同期 1"  # 2025 to 09-28: the case of 2025-04-01
    assert _strip(at) == [("华新街街道", "—"), ("观音桥街道", "—")]  # no first petition closed yet
    at.run()
    assert _headers(at) == ["全区", "观音桥街道（2/2）"]
    assert _tiles(at)[6] == ("登记量", "1")
    at.run()
    assert _headers(at)[1] == "华新街街道（1/2）"  # round again
    assert not at.markdown or all("返回工作台" not in m.value for m in at.markdown)  # no way out to the desk


def test_the_tiles_read_each_figure_against_its_target_or_last_year(session, monkeypatch, today, streets):
    def figure(key, value, previous):
        return kpis.Figure(key=key, value=value, numerator=None, denominator=None, previous_year=previous)

    district = {
        "intake": figure("intake", 1234, 1100),
        "one_time_resolution_rate": figure("one_time_resolution_rate", 0.912, 0.95),
        "ontime_acceptance_rate": figure("ontime_acceptance_rate", 0.98, 0.96),
        "ontime_reply_rate": figure("ontime_reply_rate", None, 0.9),
        "satisfaction_rate": figure("satisfaction_rate", 0.9, None),
    }
    monkeypatch.setattr(kpis, "compute", lambda s, u, period, scope, keys: district)
    units = [
        {"unit_id": 1, "unit": "区住建委", "overdue": 4, "open": 9},
        {"unit_id": 2, "unit": "x", "overdue": 3, "open": 3},
    ]
    monkeypatch.setattr(kpis, "overdue_by_unit", lambda s, u, as_of, scope: units)
    huaxin, guanyin = streets
    by_street = [{"bucket": str(huaxin.id), "value": 0.94}, {"bucket": str(guanyin.id), "value": 0.9375}]
    monkeypatch.setattr(kpis, "series", lambda s, u, key, period, by: by_street)
    at = open_page(monkeypatch, "big_screen", f.make_user(session, Role.LEADER))
    shown = [(m.label, m.value, m.delta) for m in at.metric[:6]]
    assert shown == [
        ("登记量", "1,234", "上年同期 1,100"),
        ("一次性化解率", "91.2%", "-2.8 个百分点"),  # against the 94 % target, not last year's 95 %
        ("及时受理率", "98.0%", "+2.0 个百分点"),  # against 96 % last year
        ("按期答复率", "—", ""),
        ("满意率", "90.0%", ""),
        ("超期件", "7", "截至今日"),  # 4 + 3 over the units
    ]
    assert _strip(at) == [("华新街街道", "94.0%"), ("观音桥街道", "93.8%")]
    assert "各街道/镇一次性化解率（目标 94.0%，低于目标标红）" in [h.value for h in at.subheader]
    from pages import big_screen

    items = big_screen._strip(None, None, kpis.Period.year_of(TODAY), places.streets(session), 1)
    assert items == [
        ("华新街街道", "94.0%", False, False),
        ("观音桥街道", "93.8%", True, True),
    ]  # 93.75 % < 94 %
    assert any("返回工作台" in m.value for m in at.markdown)  # a leader came from his sidebar: a way back


def test_the_administrator_creates_a_display_account_on_the_users_screen(session, monkeypatch):
    admin = f.make_user(session, Role.ADMIN)
    at = open_page(monkeypatch, "users", admin)
    at = at.button(key="lc.users.new").click().run()
    role = at.selectbox(key="lc.users.create.0.role")
    assert "大屏账户" in role.options
    at.text_input(key="lc.users.create.0.username").input("meeting.screen")
    at.text_input(key="lc.users.create.0.display_name").input("三楼会议室大屏")
    role.select("display")
    at.text_input(key="lc.users.create.0.password").input("river2025stone")
    at = at.button(key="FormSubmitter:lc_users_create-创建").click().run()
    assert not at.exception and "已保存。" in [s.value for s in at.success]
    made = auth.authenticate(session, "meeting.screen", "river2025stone", None)
    assert (made.display_name, made.role) == ("三楼会议室大屏", Role.DISPLAY)
    assert [spec.url_path for spec in shell.visible_pages(made)] == ["big_screen"]


def test_the_whole_app_gives_the_display_account_its_screen_and_no_sidebar(
    session, monkeypatch, today, streets
):
    display = f.make_user(session, Role.DISPLAY)
    monkeypatch.setattr("widgets.session.current_user", lambda: display)
    at = AppTest.from_file(str(shell.__file__), default_timeout=60).run()
    assert not at.exception, at.exception
    assert _headers(at) == ["全区", "华新街街道（1/2）"]
    assert not at.sidebar.children  # no language switch, no sign-out button, no page list to open
