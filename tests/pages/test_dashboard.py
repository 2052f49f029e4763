"""The leaders' dashboard and the KPI reference page: tiles with hand-counted values, the URL keeps the view,
a number opens exactly the cases it counts, a handler sees only his unit."""

from __future__ import annotations

from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from core import kpis
from core.places import places
from models import Channel, Role
from tests.factories import act, inputs, make_unit, make_user, register
from tests.pages.helpers import open_page
from widgets.kpi_drill import drill_params


@pytest.fixture(autouse=True)
def _fresh():
    places.invalidate()
    kpis.clear_cache()
    yield
    places.invalidate()
    kpis.clear_cache()


@pytest.fixture()
def office(session):
    """Five cases; the suite's today is 2026-09-28, so "this month" is September 2026.

    a 2026-09-02 visit, unit A · b 2026-09-10 letter, unit A · c 2026-09-15 visit, unit B
    d 2025-09-10 visit, unit A (the same month last year) · e 2026-08-20 online, no unit (this year, not this month)
    """
    admin = make_user(session, Role.ADMIN)
    unit_a, unit_b = make_unit(session, name="区住房城乡建委"), make_unit(session, name="区城市管理局")

    def case(day: date, channel: Channel, unit=None):
        c = register(session, admin, received_on=day, channel=channel)
        if unit is not None:
            act(session, admin, c, "forward", **inputs("forward", day, unit_id=unit.id))
        return c

    cases = {
        "a": case(date(2026, 9, 2), Channel.VISIT, unit_a),
        "b": case(date(2026, 9, 10), Channel.LETTER, unit_a),
        "c": case(date(2026, 9, 15), Channel.VISIT, unit_b),
        "d": case(date(2025, 9, 10), Channel.VISIT, unit_a),
        "e": case(date(2026, 8, 20), Channel.ONLINE),
    }
    return admin, unit_a, unit_b, cases


def _tile(at: AppTest, name: str):
    return next(m for m in at.metric if m.label == name)


def _open(monkeypatch, module: str, user, **params) -> AppTest:
    return open_page(monkeypatch, module, user, **params)


def test_the_intake_tile_counts_this_months_cases_against_the_same_month_last_year(
    session, monkeypatch, office
):
    _, _, _, _ = office
    leader = make_user(session, Role.LEADER)
    at = _open(monkeypatch, "dashboard", leader, period="month")
    tile = _tile(at, "登记量")
    assert tile.value == "3"  # a, b, c
    assert tile.delta == "+200.0%（同比）"  # d alone last September
    assert "统计期间 2026年9月1日 至 2026年9月30日，数据截至 2026年9月28日" in [c.value for c in at.caption]


def test_this_year_by_default_and_the_url_gets_no_filter_nobody_set(session, monkeypatch, office):
    leader = make_user(session, Role.LEADER)
    at = _open(monkeypatch, "dashboard", leader)
    assert _tile(at, "登记量").value == "4"  # a, b, c, e
    assert dict(at.query_params) == {}


def test_the_url_keeps_the_period_and_the_filter_and_the_figures_follow_it(session, monkeypatch, office):
    leader = make_user(session, Role.LEADER)
    at = _open(monkeypatch, "dashboard", leader, period="month", channel="visit")
    assert _tile(at, "登记量").value == "2"  # a and c came in person
    assert at.selectbox(key="pd_kpi_channel").value == "visit"
    at = at.segmented_control(key="pd_kpi_period").set_value("year").run()
    assert _tile(at, "登记量").value == "2"
    params = {k: v[0] if isinstance(v, list) else v for k, v in at.query_params.items()}
    assert params == {"channel": "visit"}  # year is the default: left out


def test_a_handler_sees_only_his_units_figures(session, monkeypatch, office):
    _, unit_a, _, _ = office
    handler = make_user(session, Role.HANDLER, unit=unit_a)
    at = _open(monkeypatch, "dashboard", handler, period="month", unit=str(office[2].id))
    tile = _tile(at, "登记量")
    assert tile.value == "2"  # a and b, though the URL asked for unit B
    assert tile.delta == "+100.0%（同比）"
    assert at.selectbox(key="pd_kpi_unit").value == unit_a.id and at.selectbox(key="pd_kpi_unit").disabled


def test_only_the_open_tab_builds_its_charts(session, monkeypatch, office):
    leader = make_user(session, Role.LEADER)
    at = _open(monkeypatch, "dashboard", leader, period="month")
    charts = at.get("vega_lite_chart")
    assert len(charts) == 2  # intake by channel and hot subjects; the seven other tabs wait


def test_the_intake_numerator_lists_exactly_the_cases_it_counts(session, monkeypatch, office):
    admin, _, _, cases = office
    period = kpis.Period.month_of(date(2026, 9, 28))
    params = drill_params("intake", "numerator", period, kpis.Scope())
    at = _open(monkeypatch, "cases", admin, **params)
    numbers = set(at.dataframe[0].value["案件编号"])
    assert numbers == {cases[k].number for k in "abc"}
    banner = at.info[0].value
    assert "登记量" in banner and "2026年9月1日" in banner and "2026年9月30日" in banner
    at = at.button(key="pd_cl_kpi_clear").click().run()
    assert len(at.dataframe[0].value) == 5 and "kpi" not in at.query_params


def test_a_drill_down_keeps_the_scope_and_survives_the_round_trip_through_the_url(
    session, monkeypatch, office
):
    admin, unit_a, _, cases = office
    period = kpis.Period.year_of(date(2026, 9, 28))
    params = drill_params("intake", "numerator", period, kpis.Scope(unit_id=unit_a.id))
    at = _open(monkeypatch, "cases", admin, **params)
    assert set(at.dataframe[0].value["案件编号"]) == {cases["a"].number, cases["b"].number}
    kept = {k: v[0] if isinstance(v, list) else v for k, v in at.query_params.items()}
    assert kept == params


def test_a_bad_indicator_in_the_link_is_said_not_silently_ignored(session, monkeypatch, office):
    admin = office[0]
    at = _open(monkeypatch, "cases", admin, kpi="no_such_rate", kpi_from="2026-01-01", kpi_to="2026-12-31")
    assert at.warning[0].value == "链接中的指标筛选无效，已不能使用。"
    assert not at.dataframe


def test_the_reference_page_shows_each_formula_beside_its_value(session, monkeypatch, office):
    leader = make_user(session, Role.LEADER)
    at = _open(monkeypatch, "kpi_reference", leader, period="month")
    texts = [m.value for m in at.markdown]
    assert "**登记量**" in texts and "### 3" in texts
    assert kpis.formula("intake") in [c.value for c in at.caption]
    assert "**" + kpis.name("one_time_resolution_rate") + "**" in texts


def test_the_pages_read_in_english(session, monkeypatch, office):
    leader = make_user(session, Role.LEADER)
    prelude = "from i18n import set_language\nset_language('en')\n"
    at = open_page(monkeypatch, "dashboard", leader, prelude=prelude, period="month")
    assert at.title[0].value == "Leaders' dashboard"
    assert _tile(at, "Intake").delta == "+200.0% on last year"


@pytest.mark.parametrize(("role", "title"), [(Role.LEADER, "领导驾驶舱"), (Role.SUPERVISOR, None)])
def test_a_leader_who_opens_the_app_lands_on_the_dashboard_others_on_their_home(
    session, monkeypatch, role, title
):
    import shell

    user = make_user(session, role)
    monkeypatch.setattr("widgets.session.current_user", lambda: user)
    at = AppTest.from_file(str(shell.__file__), default_timeout=60).run()
    assert not at.exception
    assert (at.title[0].value == "领导驾驶舱") == (title is not None)
