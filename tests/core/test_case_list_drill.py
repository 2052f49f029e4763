"""The case list's indicator drill-down: its URL parameters round-trip, and the page's extra condition applies."""

from __future__ import annotations

from datetime import date

from core.cases import case_list
from core.cases.case_list import CaseFilter
from models import Case, Role
from tests.factories import make_user, register


def test_the_drill_down_fields_round_trip_through_the_url():
    f = CaseFilter(
        kpi="ontime_reply_rate",
        kpi_part="rest",
        kpi_from=date(2026, 1, 1),
        kpi_to=date(2026, 3, 31),
        kpi_as_of=date(2026, 3, 31),
        street=4,
        channel=["visit"],
    )
    params = case_list.to_params(f)
    assert params == {
        "kpi": "ontime_reply_rate",
        "kpi_part": "rest",
        "kpi_from": "2026-01-01",
        "kpi_to": "2026-03-31",
        "kpi_as_of": "2026-03-31",
        "street": "4",
        "channel": "visit",
    }
    assert case_list.from_params(params) == f


def test_malformed_drill_down_parameters_are_dropped():
    f = case_list.from_params({"kpi": "x'; drop", "kpi_part": "all", "kpi_from": "2026-13-01"})
    assert (f.kpi, f.kpi_part, f.kpi_from) == ("", "", None)
    assert case_list.to_params(f) == {}


def test_search_and_export_apply_the_extra_condition(session):
    admin = make_user(session, Role.ADMIN)
    kept = register(session, admin, title="电梯故障")
    register(session, admin, title="物业收费")
    day = date(2026, 9, 28)
    rows, total = case_list.search_cases(session, admin, CaseFilter(), day, Case.id == kept.id)
    assert total == 1 and [r.number for r in rows] == [kept.number]
    _, written = case_list.export_xlsx(session, admin, CaseFilter(), day, Case.id == kept.id)
    assert written == 1
