"""The weekly briefing and the annual report: what a leader reads in the .docx and the .xlsx, by hand."""

from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document
from openpyxl import load_workbook

from core.documents import briefing, chart_images
from core.platform.errors import PermissionDenied
from core.platform.timeutil import REFERENCE_DATE_ENV
from i18n import label
from models import Channel, Role
from tests.factories import act, inputs, make_unit, make_user, register

TODAY = date(2025, 3, 12)  # a Wednesday: the last full week is 3–9 March 2025
WEEK = date(2025, 3, 3)


@pytest.fixture()
def office(session, monkeypatch):
    """Cases on both sides of the week 2025-03-03..09, the week before, last year's week, and the lists' cases.

    this week: 3 (3, 5 and 9 March; 10 March is the next week) · the week before (24 Feb–2 Mar): 2 ·
    the same week of 2024: 1 (withdrawn, so it is on no list) · overdue on 12 March: the case assigned on
    7 January (acceptance due 22 January, 49 days) and the one assigned on 20 February (due 7 March, 5 days) ·
    supervised: the case of 9 March, urged · leaders' attention: the 49-day case, the 包案 of 5 March and the
    group of 8 of 10 March (by deadline) · acceptance due in the week: the case assigned on 20 February, late.
    """
    monkeypatch.setenv(REFERENCE_DATE_ENV, TODAY.isoformat())
    admin = make_user(session, Role.ADMIN)
    leader = make_user(session, Role.LEADER, name="王领导")
    supervisor = make_user(session, Role.SUPERVISOR)
    unit = make_unit(session, name="区住房城乡建委")

    def case(on: date, **kw):
        return register(session, admin, received_on=on, **kw)

    def assign(c, on: date):
        act(session, admin, c, "assign", **inputs("assign", on, unit_id=unit.id))

    case(date(2025, 3, 3), title="小区电梯长期故障")
    charged = case(date(2025, 3, 5), title="安置房质量问题", subject="resettlement_title")
    act(session, leader, charged, "take_charge")
    urged = case(date(2025, 3, 9), title="工地夜间施工噪声扰民", subject="environment")
    act(session, supervisor, urged, "urge", note="请加快办理")
    group = case(date(2025, 3, 10), title="集体反映拆迁补偿", channel=Channel.LETTER, group_size=8)
    case(date(2025, 2, 26))
    case(date(2025, 3, 2), subject="environment")
    last_year = case(date(2024, 3, 5))
    act(session, admin, last_year, "withdraw", **inputs("withdraw", date(2024, 3, 6)))
    long_overdue = case(date(2025, 1, 6), title="拖欠农民工工资", subject="labour_wages")
    assign(long_overdue, date(2025, 1, 7))
    short_overdue = case(date(2025, 2, 20), title="物业费收费争议")
    assign(short_overdue, date(2025, 2, 20))
    return {
        "leader": leader,
        "supervisor": supervisor,
        "handler": make_user(session, Role.HANDLER, unit=unit),
        "charged": charged,
        "urged": urged,
        "long": long_overdue,
        "short": short_overdue,
        "group": group,
    }


def _rows(book, sheet: str) -> list[tuple]:
    return list(book[sheet].iter_rows(values_only=True))


NEEDS_CJK = pytest.mark.skipif(
    chart_images.cjk_font_dir() is None, reason="no Noto CJK font here: the charts are left out (tested below)"
)


@NEEDS_CJK
def test_the_weekly_briefing_reads_the_week_in_chinese_with_its_charts(session, office):
    docx, _ = briefing.weekly_briefing(session, office["leader"], WEEK)
    doc = Document(io.BytesIO(docx))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "信访工作每周通报" in text
    assert "2025年第10期" in text  # ISO week 10
    assert "统计期间：2025年3月3日至2025年3月9日，指标数据截至2025年3月9日。" in text
    assert "本周登记信访事项3件，环比+1（+50.0%），同比+2（+200.0%）。" in text
    assert len(doc.inline_shapes) == 3  # intake by channel and hot subjects over 8 weeks, overdue by unit
    assert "未安装中文字体" not in text
    figures = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    assert figures[0] == ["指标", "本周", "上周", "变化", "去年同期", "变化"]
    assert figures[1] == ["登记量", "3", "2", "+1（+50.0%）", "1", "+2（+200.0%）"]
    assert figures[2] == ["及时受理率", "0.0%", "—", "—", "—", "—"]  # the one due in the week was not decided
    assert len(figures) == 1 + 12  # every indicator of DOMAIN.md §8


def test_the_briefing_lists_overdue_supervised_and_leaders_cases(session, office):
    docx, _ = briefing.weekly_briefing(session, office["leader"], WEEK)
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in Document(io.BytesIO(docx)).tables]
    by_head = {}
    for rows in tables:
        by_head.setdefault(rows[0][0], []).append(rows)
    overdue, supervised, attention = by_head["编号"]
    assert [r[0] for r in overdue[1:]] == [office["long"].number, office["short"].number]
    assert [r[4:] for r in overdue[1:]] == [["2025年1月22日", "逾期49天"], ["2025年3月7日", "逾期5天"]]
    assert overdue[1][2] == "区住房城乡建委"
    assert [(r[0], r[5]) for r in supervised[1:]] == [(office["urged"].number, "已督办")]
    assert [(r[0], r[5]) for r in attention[1:]] == [
        (office["long"].number, "逾期49天"),
        (office["charged"].number, "王领导包案"),
        (office["group"].number, "群体访8人"),
    ]


def test_the_xlsx_holds_the_figures_worked_out_by_hand(session, office):
    _, xlsx = briefing.weekly_briefing(session, office["leader"], WEEK)
    book = load_workbook(io.BytesIO(xlsx))
    figures = _rows(book, "指标")
    assert figures[0] == ("指标代码", "指标", "数值", "分子", "分母", "上周", "去年同期")
    intake = next(r for r in figures if r[0] == "intake")
    assert intake == ("intake", "登记量", 3, 3, None, 2, 1)
    assert [r[0] for r in figures[1:]][:2] == ["intake", "ontime_acceptance_rate"]
    assert figures[2] == ("ontime_acceptance_rate", "及时受理率", 0, 0, 1, None, None)
    repeats = next(r for r in figures if r[0] == "repeat_rate")
    assert repeats == ("repeat_rate", "重复信访率", 0, 0, 3, 0, 0)  # no repeats among 3, 2 and 1 cases
    assert len(figures) == 13
    overdue = _rows(book, "逾期案件")
    assert [(r[0], r[4].date(), r[5]) for r in overdue[1:]] == [
        (office["long"].number, date(2025, 1, 22), "逾期49天"),
        (office["short"].number, date(2025, 3, 7), "逾期5天"),
    ]
    subjects = {r[1:] for r in _rows(book, "热点")[1:] if r[0] == "事项类别"}
    assert subjects == {  # this week against the week before
        (label("subject", "property_management"), 1, 1),
        (label("subject", "resettlement_title"), 1, 0),
        (label("subject", "environment"), 1, 1),
    }


def test_without_a_cjk_font_the_images_are_left_out_and_the_document_says_so(session, office, monkeypatch):
    monkeypatch.setattr(chart_images, "cjk_font_dir", lambda: None)
    docx, _ = briefing.weekly_briefing(session, office["leader"], WEEK)
    doc = Document(io.BytesIO(docx))
    assert len(doc.inline_shapes) == 0
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "本机未安装中文字体（Noto CJK），图表未能生成，本文件未附图表。" in text


@NEEDS_CJK
def test_the_annual_report_gives_the_year_by_subject_area(session, office):
    docx, xlsx = briefing.annual_report(session, office["supervisor"], 2025)
    doc = Document(io.BytesIO(docx))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "2025年度信访工作报告（按事项类别）" in text
    assert "三、按事项类别统计（第41条）" in text
    # 2025 so far: 3 + 1 (10 March) + 2 + the two overdue ones = 8; 2024: the one of 5 March
    assert "全年登记信访事项8件，同比+7（+700.0%）。" in text
    assert len(doc.inline_shapes) == 4  # intake by channel, hot subjects, one-time resolution, overdue
    book = load_workbook(io.BytesIO(xlsx))
    assert _rows(book, "指标")[0] == ("指标代码", "指标", "数值", "分子", "分母", "去年同期")
    subjects = {r[0]: r[1:4] for r in _rows(book, "按事项类别")[1:]}
    assert sum(v[0] for v in subjects.values()) == 8
    assert sum(v[1] for v in subjects.values()) == 1


def test_handlers_and_registrars_get_no_briefing(session, office):
    with pytest.raises(PermissionDenied):
        briefing.weekly_briefing(session, office["handler"], WEEK)
    with pytest.raises(PermissionDenied):
        briefing.annual_report(session, make_user(session, Role.REGISTRAR), 2025)


def test_the_default_week_is_the_last_full_monday_start_week():
    assert briefing.last_full_week(TODAY) == WEEK
    assert briefing.last_full_week(date(2025, 3, 10)) == WEEK  # a Monday: the week just ended
    assert briefing.last_full_week(date(2025, 3, 9)) == date(2025, 2, 24)  # a Sunday: its week is not over
