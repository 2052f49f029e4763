"""The case list: search by number, ID number, phone, name and text; filters; paging; scoping; export."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from core.cases import case_list
from core.cases.case_list import CaseFilter
from core.platform.errors import PermissionDenied
from models import CaseEvent, CaseStatus, Role
from tests import factories as f
from tests.plans import sqlite_statement_plans

TODAY = date(2025, 6, 30)


def _numbers(session, user, **kw) -> list[str]:
    rows, _ = case_list.search_cases(session, user, CaseFilter(**kw), TODAY)
    return [r.number for r in rows]


@pytest.fixture()
def three(session):
    """Three cases: two about property, one about housing titles; the last one handled by a unit."""
    admin = f.make_user(session, Role.ADMIN)
    a = f.register(
        session,
        admin,
        title="小区物业管理不到位",
        content="电梯长期故障",
        request="督促维修",
        petitioners=[f.person_in(name="王建国", id_number="11010519491231002X", phone="13812341234")],
    )
    b = f.register(
        session,
        admin,
        title="物业费收取不合理",
        content="物业公司乱收费",
        request="退还费用",
        received_on=f.START + timedelta(days=2),
    )
    c = f.case_in_status(
        session,
        CaseStatus.HANDLING,
        actor=admin,
        title="安置房产权证办理",
        content="多年未办证",
        request="尽快办证",
        subject="resettlement_title",
    )
    return admin, a, b, c


def test_finds_a_case_by_number_prefix_id_number_phone_and_name(session, three):
    admin, a, b, c = three
    assert _numbers(session, admin, q=a.number) == [a.number]
    assert _numbers(session, admin, q=a.number.lower()) == [a.number]
    assert _numbers(session, admin, q="11010519491231002x") == [a.number]
    assert _numbers(session, admin, q="13812341234") == [a.number]
    assert _numbers(session, admin, q="王建国") == [a.number]


def test_text_search_matches_title_and_content_substrings(session, three):
    admin, a, b, c = three
    assert set(_numbers(session, admin, q="物业")) == {a.number, b.number}
    assert _numbers(session, admin, q="电梯") == [a.number]
    assert _numbers(session, admin, q="产权证") == [c.number]
    assert _numbers(session, admin, q="燃气管道") == []


def test_a_name_and_a_text_hit_are_counted_once_and_many_hits_page_the_same(session, three, monkeypatch):
    admin, a, b, c = three
    d = f.register(session, admin, title="王建国反映楼道漏水", content="顶楼渗水", request="维修")
    e = f.register(session, admin, title="王建国再次反映", petitioners=[f.person_in(name="王建国")])
    rows, total = case_list.search_cases(session, admin, CaseFilter(q="王建国", sort="number"), TODAY)
    assert total == 3 and [r.number for r in rows] == [a.number, d.number, e.number]  # e: by name and text
    monkeypatch.setattr(case_list, "DENSE_HITS", 0)  # the plan for many hits gives the same answer
    rows, total = case_list.search_cases(session, admin, CaseFilter(q="王建国", sort="number"), TODAY)
    assert total == 3 and [r.number for r in rows] == [a.number, d.number, e.number]
    rows, total = case_list.search_cases(
        session,
        admin,
        CaseFilter(q="王建国", status=["registered"], page_size=1, page=2, sort="number"),
        TODAY,
    )
    assert total == 3 and [r.number for r in rows] == [d.number]


def test_a_text_search_counts_up_to_a_cap_and_still_pages_and_exports_everything(session, three, monkeypatch):
    admin, a, b, c = three
    monkeypatch.setattr(case_list, "TEXT_COUNT_CAP", 1)
    flt = CaseFilter(q="物业", sort="number", page_size=1)
    rows, total = case_list.search_cases(session, admin, flt, TODAY)
    assert (total, case_list.count_is_capped(flt, total)) == (2, True)  # "more than 1"
    rows, _ = case_list.search_cases(
        session, admin, CaseFilter(q="物业", sort="number", page_size=1, page=2), TODAY
    )
    assert [r.number for r in rows] == [b.number]
    assert case_list.export_xlsx(session, admin, CaseFilter(q="物业"), TODAY)[1] == 2
    assert not case_list.count_is_capped(CaseFilter(), 5000)  # a count without text is exact


def test_filters_sort_and_paging(session, three):
    admin, a, b, c = three
    assert _numbers(session, admin, status=["handling"]) == [c.number]
    assert _numbers(session, admin, subject=["resettlement_title"]) == [c.number]
    assert _numbers(session, admin, received_from=f.START + timedelta(days=1)) == [b.number]
    newest_first = _numbers(session, admin, sort="-received_on")
    assert newest_first[0] == b.number
    rows, total = case_list.search_cases(
        session, admin, CaseFilter(page_size=2, page=2, sort="number"), TODAY
    )
    assert total == 3 and len(rows) == 1
    rows, total = case_list.search_cases(session, admin, CaseFilter(page_size=2, page=99), TODAY)
    assert total == 3 and len(rows) == 1  # a page past the end shows the last page


def test_overdue_filter_uses_the_stored_due_date(session, three):
    admin, a, b, c = three
    # registered on 2025-03-03 / 03-05: triage due 15 days later, long past on TODAY; c is in handling
    # accepted 2025-03-05, due 60 days later = 2025-05-04 (Sunday, in the May Day make-up period) -> past too
    assert set(_numbers(session, admin, overdue=True)) == {a.number, b.number, c.number}
    rows, _ = case_list.search_cases(session, admin, CaseFilter(overdue=True), c.due_on - timedelta(days=1))
    assert c.number not in [r.number for r in rows]


@pytest.mark.parametrize("dense", [True, False])
def test_sorting_by_deadline_puts_cases_without_one_last_both_ways(session, three, monkeypatch, dense):
    admin, a, b, c = three
    d = f.register(session, admin, title="物业维修基金", content="无人答复")
    for case, due in ((a, date(2025, 7, 10)), (b, None), (c, date(2025, 7, 1)), (d, date(2025, 7, 3))):
        case.due_on = due
        session.add(case)
    session.commit()
    if not dense:
        monkeypatch.setattr(case_list, "DENSE_HITS", 0)  # a common word: the database orders the hits
    assert _numbers(session, admin, sort="due_on") == [c.number, d.number, a.number, b.number]
    assert _numbers(session, admin, sort="-due_on") == [a.number, d.number, c.number, b.number]
    assert _numbers(session, admin, q="物业", sort="due_on") == [d.number, a.number, b.number]
    assert _numbers(session, admin, q="物业", sort="-due_on") == [a.number, d.number, b.number]


def test_sorting_a_common_word_by_deadline_walks_the_deadline_index(session, three, monkeypatch):
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("query plans are checked on SQLite")
    admin = three[0]
    monkeypatch.setattr(case_list, "DENSE_HITS", 0)
    for sort in ("due_on", "-due_on"):
        filt = CaseFilter(q="物业", sort=sort)
        plans = sqlite_statement_plans(
            session, lambda filt=filt: case_list.search_cases(session, admin, filt, TODAY)
        )
        page = [plan for plan in plans if "SCAN case USING INDEX ix_case_due_on" in plan]
        assert len(page) == 1, (
            plans
        )  # the page query walks the deadline index in order, stopping after a page
        assert not any("TEMP B-TREE FOR ORDER BY" in line for line in page[0]), page


def test_a_handler_sees_only_his_units_cases(session, three):
    admin, a, b, c = three
    lead = session.get(type(c), c.id).lead_unit_id
    from models import Unit

    handler = f.make_user(session, Role.HANDLER, unit=session.get(Unit, lead))
    stranger = f.make_user(session, Role.HANDLER)
    assert _numbers(session, handler) == [c.number]
    assert _numbers(session, stranger) == []
    assert _numbers(session, stranger, q=c.number) == []  # not by search either


def test_filters_round_trip_through_url_parameters():
    flt = CaseFilter(
        q="物业", status=["handling", "paused"], overdue=True, received_from=date(2025, 1, 1), page=3
    )
    params = case_list.to_params(flt)
    assert params == {
        "q": "物业",
        "status": "handling,paused",
        "overdue": "1",
        "received_from": "2025-01-01",
        "page": "3",
    }
    assert case_list.from_params(params) == flt


def test_malformed_url_parameters_are_ignored():
    flt = case_list.from_params(
        {"status": "handling,nonsense", "page": "x", "page_size": "100000", "sort": "drop"}
    )
    assert flt.status == ["handling"]
    assert flt.page == 1
    assert flt.page_size == case_list.MAX_PAGE_SIZE
    assert flt.sort == "-received_on"


def test_export_writes_chinese_headers_and_is_audited(session, three):
    admin, a, b, c = three
    data, n = case_list.export_xlsx(session, admin, CaseFilter(q="物业"), TODAY)
    assert n == 2
    ws = load_workbook(io.BytesIO(data)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:3] == ("案件编号", "登记日期", "来源渠道")
    assert {r[0] for r in rows[1:]} == {a.number, b.number}
    assert rows[1][2] == "来访"
    events = session.exec(
        __import__("sqlmodel").select(CaseEvent).where(CaseEvent.action == "case.export")
    ).all()
    assert len(events) == 1 and events[0].after["rows"] == 2


def test_export_is_refused_to_a_handler(session, three):
    handler = f.make_user(session, Role.HANDLER)
    with pytest.raises(PermissionDenied):
        case_list.export_xlsx(session, handler, CaseFilter(), TODAY)


def test_a_leaders_shielded_search_reads_no_whole_table(session, three, monkeypatch):
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("query plans are checked on SQLite")
    leader = f.make_user(session, Role.LEADER)  # may not know accusers: content matches are shielded
    monkeypatch.setattr(case_list, "DENSE_HITS", 0)
    for sort in ("-received_on", "due_on"):
        filt = CaseFilter(q="物业", sort=sort)
        rows, total = case_list.search_cases(session, leader, filt, TODAY)
        assert total == 2 and len(rows) == 2  # nothing here is an accusation: the shield removes none
        plans = sqlite_statement_plans(
            session, lambda filt=filt: case_list.search_cases(session, leader, filt, TODAY)
        )
        # the count probes the hits by primary key; the page walks an index and stops after a page
        assert not any(line.strip() == "SCAN case" for plan in plans for line in plan), plans
