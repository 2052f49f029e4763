"""The weekly briefing (每周通报) and the annual report by subject area (第41条): a .docx and the figures as .xlsx.

Every figure comes from core.kpis (compute, series, overdue_by_unit); the case lists are queries scoped to
the reader (a handler's briefing holds only his unit's cases) and are taken on the day the document is made,
since a case's earlier statuses are not kept. Charts are core.kpis.charts' Altair charts as PNG (chart_images).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session, func, select

from core import kpis
from core.accounts import permissions
from core.cases.status import is_overdue, open_clause, overdue_clause
from core.documents import chart_images
from core.platform import timeutil
from core.platform.config import get_settings
from core.platform.spreadsheet import XlsxSheet
from i18n import get_language, t
from i18n.format import fmt_date, fmt_int
from models import Case, CaseEvent, LetterStatus, Street, SupervisionLetter, Unit, User

TEMPLATE = Path(__file__).with_name("templates") / "briefing.docx"
LIST_LIMIT = 20  # cases listed per section; the total is given beside
HOT_LIMIT = 5  # subjects and streets named as hotspots
LONG_OVERDUE_DAYS = 30  # overdue this long needs a leader
GROUP_SIZE = 5  # 5人以上集体走访 (第20条)
TREND_WEEKS = 8  # the weekly chart of intake looks this far back
CHART_WIDTH_MM = 150
TEXT_WIDTH_MM = 156  # A4 less the 28 and 26 mm margins
FIGURE_COLUMNS = {"weekly": (1.7, 0.9, 0.9, 1.4, 0.9, 1.4), "annual": (2.0, 1.0, 1.0, 1.3)}
SUBJECT_COLUMNS = (1.8, 0.8, 0.8, 1.5, 1.1, 1.0)  # subject, this year, last year, change, rates
CASE_COLUMNS = (1.6, 2.6, 2.0, 1.3, 1.5, 1.6)  # number, title, unit, street, due, note


@dataclass(frozen=True)
class CaseLine:
    """One case of a list in the briefing (no petitioner: a briefing is read beyond the case's handlers)."""

    id: int
    number: str
    title: str
    unit: str
    street: str
    due_on: date | None
    note: str  # why it is listed: days overdue, the letter, 包案 leader, group size


@dataclass(frozen=True)
class Hot:
    """A hotspot: a subject or street by intake, with its intake in the period compared."""

    label: str
    value: int
    previous: int | None


@dataclass
class Report:
    """What a briefing holds before it becomes a document."""

    kind: str  # "weekly" | "annual"
    period: kpis.Period
    previous: kpis.Period  # the week before (weekly) or the year before (annual)
    taken_on: date  # the day the case lists were taken
    figures: dict[str, kpis.Figure]
    previous_figures: dict[str, kpis.Figure]
    overdue: list[CaseLine]
    overdue_total: int
    supervised: list[CaseLine]
    supervised_total: int
    attention: list[CaseLine]
    attention_total: int
    hot_subjects: list[Hot]
    hot_streets: list[Hot]
    by_subject: list[dict] = field(default_factory=list)  # annual: one row per subject
    charts: list = field(default_factory=list)  # Altair charts of core.kpis.charts, each titled


# --- periods -------------------------------------------------------------------------------------------


def last_full_week(day: date) -> date:
    """Return the Monday of the last full Monday–Sunday week before `day`."""
    return day - timedelta(days=day.weekday() + 7)


def _period(start: date, end: date, today: date) -> kpis.Period:
    return kpis.Period.make(start, end, as_of=min(end, today))


def week_period(week_start: date, today: date) -> kpis.Period:
    """Return the Monday–Sunday week holding `week_start`, its figures taken at its end (or today)."""
    monday = week_start - timedelta(days=week_start.weekday())
    return _period(monday, monday + timedelta(days=6), today)


def year_period(year: int, today: date) -> kpis.Period:
    """Return the calendar year, its figures taken at 31 December (or today)."""
    return _period(date(year, 1, 1), date(year, 12, 31), today)


# --- figures and lists ---------------------------------------------------------------------------------


def change(key: str, now, before) -> str:
    """Return how a figure moved: counts by number and percent, rates in points, days in days."""
    if now is None or before is None:
        return "—"
    diff = now - before
    if key in kpis.RATES:
        return t("briefing.change.points", diff=f"{diff * 100:+.1f}")
    if key == "avg_days_to_close_first":
        return t("briefing.change.days", diff=f"{diff:+.1f}")
    if not before:
        return f"{diff:+,}"
    return t("briefing.change.count", diff=f"{diff:+,}", pct=f"{diff / before * 100:+.1f}")


def _names(session: Session, model, ids: set[int]) -> dict[int, str]:
    ids = {i for i in ids if i}
    return dict(session.exec(select(model.id, model.name).where(model.id.in_(ids))).all()) if ids else {}


def _lines(
    session: Session, user: User, where, order, note: Callable[[Case], str]
) -> tuple[list[CaseLine], int]:
    """Return the first LIST_LIMIT cases the user may see matching `where`, and how many there are."""
    total = session.exec(
        permissions.scope_cases(select(func.count()).select_from(Case).where(where), user)
    ).one()
    cases = list(
        session.exec(
            permissions.scope_cases(select(Case).where(where), user).order_by(*order).limit(LIST_LIMIT)
        )
    )
    units = _names(session, Unit, {c.lead_unit_id for c in cases})
    streets = _names(session, Street, {c.street_id for c in cases})
    return [
        CaseLine(
            c.id,
            c.number,
            c.title,
            units.get(c.lead_unit_id, ""),
            streets.get(c.street_id, ""),
            c.due_on,
            note(c),
        )
        for c in cases
    ], total


def _overdue(session: Session, user: User, today: date) -> tuple[list[CaseLine], int]:
    def note(c: Case) -> str:
        return t("briefing.note.overdue", days=(today - c.due_on).days)

    return _lines(session, user, overdue_clause(today), (Case.due_on, Case.id), note)


def _supervised(session: Session, user: User) -> tuple[list[CaseLine], int]:
    """Open cases under supervision: a supervision letter not yet closed, or a supervisor's urging (督办)."""
    letters = select(SupervisionLetter.case_id).where(
        SupervisionLetter.case_id.is_not(None), SupervisionLetter.status != LetterStatus.CLOSED
    )
    urged = select(CaseEvent.case_id).where(CaseEvent.action == "urge", CaseEvent.case_id.is_not(None))
    where = sa.and_(open_clause(), sa.or_(Case.id.in_(letters), Case.id.in_(urged)))
    lines, total = _lines(session, user, where, (Case.due_on.nulls_last(), Case.id), lambda c: "")
    numbers: dict[int, list[str]] = {}
    ids = [line.id for line in lines]
    rows = session.exec(
        select(SupervisionLetter.case_id, SupervisionLetter.number)
        .where(SupervisionLetter.case_id.in_(ids), SupervisionLetter.status != LetterStatus.CLOSED)
        .order_by(SupervisionLetter.issued_on)
    ).all()
    for case_id, number in rows:
        numbers.setdefault(case_id, []).append(number)
    return [
        CaseLine(**{**line.__dict__, "note": "、".join(numbers.get(line.id, [])) or t("briefing.note.urged")})
        for line in lines
    ], total


def _attention(session: Session, user: User, today: date) -> tuple[list[CaseLine], int]:
    """Open cases a leader should know of: his 包案, overdue more than LONG_OVERDUE_DAYS, group petitions."""
    long_overdue = sa.and_(overdue_clause(today), Case.due_on < today - timedelta(days=LONG_OVERDUE_DAYS))
    where = sa.and_(
        open_clause(),
        sa.or_(Case.leader_in_charge_id.is_not(None), long_overdue, Case.group_size >= GROUP_SIZE),
    )
    lines, total = _lines(session, user, where, (Case.due_on.nulls_last(), Case.id), lambda c: "")
    cases = {c.id: c for c in session.exec(select(Case).where(Case.id.in_([line.id for line in lines])))}
    leaders = _user_names(session, {c.leader_in_charge_id for c in cases.values()})
    out = []
    for line in lines:
        c = cases[line.id]
        why = []
        if c.leader_in_charge_id:
            why.append(t("briefing.note.in_charge", name=leaders.get(c.leader_in_charge_id, "")))
        if (
            c.due_on
            and c.due_on < today - timedelta(days=LONG_OVERDUE_DAYS)
            and is_overdue(c.status, c.due_on, today)
        ):
            why.append(t("briefing.note.overdue", days=(today - c.due_on).days))
        if c.group_size >= GROUP_SIZE:
            why.append(t("briefing.note.group", n=c.group_size))
        out.append(CaseLine(**{**line.__dict__, "note": "；".join(why)}))
    return out, total


def _user_names(session: Session, ids: set[int | None]) -> dict[int, str]:
    ids = {i for i in ids if i}
    return dict(session.exec(select(User.id, User.display_name).where(User.id.in_(ids))).all()) if ids else {}


def _hot(session: Session, user: User, by: str, period: kpis.Period, previous: kpis.Period) -> list[Hot]:
    now = kpis.series(session, user, "intake", period, by=by)
    before = {r["bucket"]: r["value"] for r in kpis.series(session, user, "intake", previous, by=by)}
    top = sorted((r for r in now if r["value"]), key=lambda r: (-r["value"], r["label"]))[:HOT_LIMIT]
    return [Hot(r["label"], r["value"], before.get(r["bucket"], 0)) for r in top]


def _by_subject(session: Session, user: User, period: kpis.Period) -> list[dict]:
    """Return the annual figures per subject (第41条): intake against last year, resolution and satisfaction."""
    keys = ("intake", "one_time_resolution_rate", "satisfaction_rate")
    rows: dict[str, dict] = {}
    for key in keys:
        for r in kpis.series(session, user, key, period, by="subject"):
            rows.setdefault(r["bucket"], {"subject": r["label"]})[key] = r["value"]
    for r in kpis.series(session, user, "intake", period.previous_year(), by="subject"):
        rows.setdefault(r["bucket"], {"subject": r["label"]})["intake_previous_year"] = r["value"]
    out = [row for row in rows.values() if row.get("intake") or row.get("intake_previous_year")]
    return sorted(out, key=lambda row: (-(row.get("intake") or 0), row["subject"]))


def _report(session: Session, user: User, kind: str, period: kpis.Period, previous: kpis.Period) -> Report:
    permissions.require(user, "briefing.view")
    today = timeutil.today()
    overdue, overdue_total = _overdue(session, user, today)
    supervised, supervised_total = _supervised(session, user)
    attention, attention_total = _attention(session, user, today)
    return Report(
        kind=kind,
        period=period,
        previous=previous,
        taken_on=today,
        figures=kpis.compute(session, user, period),
        previous_figures=kpis.compute(session, user, previous),
        overdue=overdue,
        overdue_total=overdue_total,
        supervised=supervised,
        supervised_total=supervised_total,
        attention=attention,
        attention_total=attention_total,
        hot_subjects=_hot(session, user, "subject", period, previous),
        hot_streets=_hot(session, user, "street", period, previous),
    )


def weekly_report(session: Session, user: User, week_start: date) -> Report:
    """Gather the weekly briefing of the week holding `week_start` (Monday to Sunday)."""
    today = timeutil.today()
    period = week_period(week_start, today)
    previous = week_period(period.start - timedelta(days=7), today)
    report = _report(session, user, "weekly", period, previous)
    report.charts = _weekly_charts(session, user, report)
    return report


def annual_report_data(session: Session, user: User, year: int) -> Report:
    """Gather the annual report of `year` by subject area (第41条)."""
    period = year_period(year, timeutil.today())
    report = _report(session, user, "annual", period, period.previous_year())
    report.by_subject = _by_subject(session, user, period)
    report.charts = _annual_charts(session, user, report)
    return report


# --- charts ----------------------------------------------------------------------------------------------


def _weekly_charts(session: Session, user: User, report: Report) -> list:
    """Intake by channel and hot subjects over the last TREND_WEEKS weeks, and the overdue league table."""
    from core.kpis import charts

    p = report.period
    trend = _period(p.start - timedelta(days=7 * (TREND_WEEKS - 1)), p.end, p.as_of)
    return [
        charts.intake_by_channel(kpis.series(session, user, "intake", trend, by="week", split="channel")),
        charts.hot_subjects(kpis.series(session, user, "intake", trend, by="week", split="subject")),
        charts.overdue_by_unit(kpis.overdue_by_unit(session, user, report.taken_on)),
    ]


def _annual_charts(session: Session, user: User, report: Report) -> list:
    """Intake by channel, hot subjects and one-time resolution month by month, and the overdue league table."""
    from core.kpis import charts

    p = report.period
    return [
        charts.intake_by_channel(kpis.series(session, user, "intake", p, by="month", split="channel")),
        charts.hot_subjects(kpis.series(session, user, "intake", p, by="month", split="subject")),
        charts.one_time_resolution(
            kpis.series(session, user, "one_time_resolution_rate", p, by="month"),
            kpis.TARGETS["one_time_resolution_rate"],
        ),
        charts.overdue_by_unit(kpis.overdue_by_unit(session, user, report.taken_on)),
    ]


# --- the documents ---------------------------------------------------------------------------------------


def _value(key: str, figure: kpis.Figure | None) -> str:
    return kpis.format_value(key, figure.value if figure else None)


def _figure_rows(report: Report) -> tuple[list[str], list[list[str]]]:
    """Return the headline table: every indicator with its change on the previous week and on last year."""
    weekly = report.kind == "weekly"
    head = [
        t("briefing.col.indicator"),
        t(f"briefing.col.now_{report.kind}"),
        t(f"briefing.col.previous_{report.kind}"),
    ]
    head += [t("briefing.col.change")] + (
        [t("briefing.col.last_year"), t("briefing.col.change")] if weekly else []
    )
    rows = []
    for key in kpis.KEYS:
        now, before = report.figures[key], report.previous_figures[key]
        row = [kpis.name(key), _value(key, now), _value(key, before), change(key, now.value, before.value)]
        if weekly:
            row += [kpis.format_value(key, now.previous_year), change(key, now.value, now.previous_year)]
        rows.append(row)
    return head, rows


def _case_rows(lines: list[CaseLine]) -> tuple[list[str], list[list[str]]]:
    head = [t(f"briefing.col.{c}") for c in ("number", "title", "unit", "street", "due_on", "note")]
    return head, [[c.number, c.title, c.unit, c.street, fmt_date(c.due_on), c.note] for c in lines]


def _hot_rows(report: Report, hots: list[Hot], what: str) -> tuple[list[str], list[list[str]]]:
    head = [
        t(f"briefing.col.{what}"),
        t(f"briefing.col.now_{report.kind}"),
        t(f"briefing.col.previous_{report.kind}"),
    ]
    head.append(t("briefing.col.change"))
    return head, [
        [h.label, fmt_int(h.value), fmt_int(h.previous), change("intake", h.value, h.previous)] for h in hots
    ]


def _subject_rows(report: Report) -> tuple[list[str], list[list[str]]]:
    head = [t(f"briefing.col.{c}") for c in ("subject", "now_annual", "previous_annual", "change")]
    head += [kpis.name("one_time_resolution_rate"), kpis.name("satisfaction_rate")]
    rows = [
        [
            r["subject"],
            fmt_int(r.get("intake") or 0),
            fmt_int(r.get("intake_previous_year") or 0),
            change("intake", r.get("intake") or 0, r.get("intake_previous_year") or 0),
            kpis.format_value("one_time_resolution_rate", r.get("one_time_resolution_rate")),
            kpis.format_value("satisfaction_rate", r.get("satisfaction_rate")),
        ]
        for r in report.by_subject
    ]
    return head, rows


def _table(tpl, head: list[str], rows: list[list[str]], weights: tuple[float, ...] | None = None):
    """Return a subdocument holding one bordered table with a bold header row, columns sized by `weights`."""
    from docx.shared import Mm, Pt

    sub = tpl.new_subdoc()
    table = sub.add_table(rows=1, cols=len(head))
    table.style = "Table Grid"
    table.autofit = False
    for cell, text in zip(table.rows[0].cells, head, strict=True):
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
        run.font.size = Pt(10.5)
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.paragraphs[0].add_run(str(text)).font.size = Pt(10.5)
    weights = weights or (2.0,) + (1.0,) * (len(head) - 1)
    for column, weight in zip(table.columns, weights, strict=True):
        column.width = Mm(TEXT_WIDTH_MM * weight / sum(weights))  # the grid, which LibreOffice reads
        for cell in column.cells:
            cell.width = column.width  # each cell's, which Word reads
    return sub


def _headline(report: Report) -> str:
    f = report.figures["intake"]
    before = report.previous_figures["intake"].value
    return t(
        f"briefing.headline_{report.kind}",
        n=fmt_int(f.value),
        previous=change("intake", f.value, before),
        last_year=change("intake", f.value, f.previous_year),
    )


def _listed(total: int, shown: int) -> list[str]:
    if total == 0:
        return [t("briefing.none")]
    return [t("briefing.listed", total=fmt_int(total), shown=fmt_int(shown))]


def _sections(tpl, report: Report, images: list[tuple[str, bytes]] | None) -> list[dict]:
    from docx.shared import Mm
    from docxtpl import InlineImage

    def section(heading: str, lines: list[str], table=None, charts=(), new_page=False) -> dict:
        return {
            "heading": heading,
            "lines": lines,
            "table": table,
            "charts": list(charts),
            "new_page": new_page,
        }

    if images is None:
        chart_section = section(
            t("briefing.section.charts"), [t("briefing.no_cjk_font")]
        )  # no page of its own
    else:
        charts = [
            {"image": InlineImage(tpl, io.BytesIO(png), width=Mm(CHART_WIDTH_MM)), "caption": cap}
            for cap, png in images
        ]
        chart_section = section(t("briefing.section.charts"), [], None, charts, new_page=True)
    taken = fmt_date(report.taken_on)
    out = [
        section(
            t("briefing.section.figures"),
            [_headline(report)],
            _table(tpl, *_figure_rows(report), FIGURE_COLUMNS[report.kind]),
        ),
        chart_section,
        section(
            t("briefing.section.overdue", date=taken),
            _listed(report.overdue_total, len(report.overdue)),
            _table(tpl, *_case_rows(report.overdue), CASE_COLUMNS) if report.overdue else None,
        ),
        section(
            t("briefing.section.supervised", date=taken),
            _listed(report.supervised_total, len(report.supervised)),
            _table(tpl, *_case_rows(report.supervised), CASE_COLUMNS) if report.supervised else None,
        ),
        section(
            t("briefing.section.hot_subjects"),
            [] if report.hot_subjects else [t("briefing.none")],
            _table(tpl, *_hot_rows(report, report.hot_subjects, "subject")) if report.hot_subjects else None,
        ),
        section(
            t("briefing.section.hot_streets"),
            [] if report.hot_streets else [t("briefing.none")],
            _table(tpl, *_hot_rows(report, report.hot_streets, "street")) if report.hot_streets else None,
        ),
        section(
            t("briefing.section.attention", date=taken, days=LONG_OVERDUE_DAYS, n=GROUP_SIZE),
            _listed(report.attention_total, len(report.attention)),
            _table(tpl, *_case_rows(report.attention), CASE_COLUMNS) if report.attention else None,
        ),
    ]
    if report.kind == "annual":
        out.insert(
            2,
            section(
                t("briefing.section.by_subject"),
                [] if report.by_subject else [t("briefing.none")],
                _table(tpl, *_subject_rows(report), SUBJECT_COLUMNS) if report.by_subject else None,
            ),
        )
    for n, s in enumerate(out):
        s["heading"] = t("briefing.section.numbered", n=_numeral(n + 1), heading=s["heading"])
    return out


def _numeral(n: int) -> str:
    """Return a section's number: 一, 二, … in Chinese, 1, 2, … in English."""
    return "一二三四五六七八九十"[n - 1] if get_language() == "zh_CN" and n <= 10 else str(n)


def render_images(report: Report) -> list[tuple[str, bytes]] | None:
    """Return the report's charts as (caption, PNG), or None when no CJK font is there to draw them."""
    if chart_images.cjk_font_dir() is None:
        return None
    return [
        (t("briefing.chart.caption", n=n), chart_images.to_png(c)) for n, c in enumerate(report.charts, 1)
    ]


def _number(report: Report) -> str:
    p = report.period
    if report.kind == "weekly":
        year, week, _ = p.start.isocalendar()
        return t("briefing.number_weekly", year=year, week=week)
    return t("briefing.number_annual", year=p.start.year)


def to_docx(report: Report, images: list[tuple[str, bytes]] | None) -> bytes:
    """Return the report as a .docx from the template."""
    from docxtpl import DocxTemplate

    tpl = DocxTemplate(TEMPLATE)
    p = report.period
    context = {
        "doc_number": _number(report),
        "title": t(f"briefing.title_{report.kind}", year=p.start.year),
        "issuer": get_settings().office_name,
        "issued_on": fmt_date(report.taken_on),
        "period_line": t(
            "briefing.period_line", start=fmt_date(p.start), end=fmt_date(p.end), as_of=fmt_date(p.as_of)
        ),
        "sections": _sections(tpl, report, images),
        "footnote": t("briefing.footnote"),
    }
    tpl.render(context, autoescape=True)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


class _Workbook(XlsxSheet):
    """XlsxSheet with further sheets: each `sheet()` call starts one, and append() writes to it."""

    def sheet(self, title: str, header: list[str]) -> None:
        from core.platform.spreadsheet import SHEET_TITLE_MAX, clean

        self._sheet = self._book.create_sheet(clean(title)[:SHEET_TITLE_MAX])
        self.append(header)


def to_xlsx(report: Report) -> bytes:
    """Return the report's figures and lists as an .xlsx: one sheet of figures, one per list."""
    weekly = report.kind == "weekly"
    head = [t(f"briefing.xlsx.{c}") for c in ("key", "name", "value", "numerator", "denominator")]
    head += [t("briefing.xlsx.previous_week")] if weekly else []
    head.append(t("briefing.xlsx.previous_year"))
    book = _Workbook(t("briefing.xlsx.sheet_figures"), head)
    for key in kpis.KEYS:
        f = report.figures[key]
        row = [key, kpis.name(key), f.value, f.numerator, f.denominator]
        row += [report.previous_figures[key].value] if weekly else []
        book.append([*row, f.previous_year])
    lists = [("overdue", report.overdue), ("supervised", report.supervised), ("attention", report.attention)]
    for name, lines in lists:
        case_head, rows = _case_rows(lines)
        book.sheet(t(f"briefing.xlsx.sheet_{name}"), case_head)
        for line, row in zip(lines, rows, strict=True):
            book.append([*row[:4], line.due_on, row[5]])
    book.sheet(
        t("briefing.xlsx.sheet_hotspots"),
        [
            t("briefing.col.kind"),
            t("briefing.col.name"),
            t(f"briefing.col.now_{report.kind}"),
            t(f"briefing.col.previous_{report.kind}"),
        ],
    )
    for what, hots in (("subject", report.hot_subjects), ("street", report.hot_streets)):
        for h in hots:
            book.append([t(f"briefing.col.{what}"), h.label, h.value, h.previous])
    if report.by_subject:
        subject_head, _ = _subject_rows(report)
        book.sheet(t("briefing.xlsx.sheet_by_subject"), subject_head)
        for r in report.by_subject:
            book.append(
                [
                    r["subject"],
                    r.get("intake") or 0,
                    r.get("intake_previous_year") or 0,
                    (r.get("intake") or 0) - (r.get("intake_previous_year") or 0),
                    r.get("one_time_resolution_rate"),
                    r.get("satisfaction_rate"),
                ]
            )
    return book.save()


def weekly_briefing(session: Session, user: User, week_start: date) -> tuple[bytes, bytes]:
    """Return the weekly briefing of the week holding `week_start` as (.docx, .xlsx)."""
    report = weekly_report(session, user, week_start)
    return to_docx(report, render_images(report)), to_xlsx(report)


def annual_report(session: Session, user: User, year: int) -> tuple[bytes, bytes]:
    """Return the annual report of `year` by subject area (第41条) as (.docx, .xlsx)."""
    report = annual_report_data(session, user, year)
    return to_docx(report, render_images(report)), to_xlsx(report)
