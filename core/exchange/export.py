"""Exports for the command line: the case list, the audit log and the indicator table, as .xlsx or .csv.

Each goes through the wing's own export (permission check, visibility in the query, an audit event); a CSV is
the same sheet read back, so both formats always carry the same rows.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from sqlmodel import Session

from core import kpis
from core.accounts import audit_log
from core.accounts.permissions import require
from core.cases import case_list
from core.platform import spreadsheet
from core.platform.errors import ValidationError
from i18n import t
from models import User

KINDS = ("cases", "audit", "kpis")
FORMATS = ("xlsx", "csv")


def kpi_workbook(session: Session, actor: User, start: date, end: date, as_of: date) -> bytes:
    """Return every indicator of the period as one sheet: key, name, value, numerator, denominator, last year."""
    require(actor, "kpi.view")
    period = kpis.Period.make(start, end, as_of)
    head = [t(f"briefing.xlsx.{c}") for c in ("key", "name", "value", "numerator", "denominator")]
    sheet = spreadsheet.XlsxSheet(t("briefing.xlsx.sheet_figures"), [*head, t("briefing.xlsx.previous_year")])
    for key, f in kpis.compute(session, actor, period).items():
        sheet.append([key, kpis.name(key), f.value, f.numerator, f.denominator, f.previous_year])
    return sheet.save()


def as_csv(xlsx: bytes) -> bytes:
    """Return the first sheet of an .xlsx as a UTF-8 CSV with BOM (formula-like texts neutralised)."""
    from python_calamine import CalamineWorkbook

    with tempfile.NamedTemporaryFile(suffix=".xlsx") as fh:
        fh.write(xlsx)
        fh.flush()
        rows = CalamineWorkbook.from_path(fh.name).get_sheet_by_index(0).to_python()
    if not rows:
        return spreadsheet.csv_bytes([], [])
    return spreadsheet.csv_bytes(rows[0], rows[1:])


def export(
    session: Session, actor: User, kind: str, fmt: str, *, start: date, end: date, today: date
) -> bytes:
    """Return one export as bytes of `fmt`."""
    if kind not in KINDS or fmt not in FORMATS:
        raise ValidationError(f"export what? one of {', '.join(KINDS)} as {' or '.join(FORMATS)}")
    if kind == "cases":
        data, _ = case_list.export_xlsx(session, actor, case_list.CaseFilter(), today)
    elif kind == "audit":
        data = audit_log.export_events(session, actor, since=start, until=end)
    else:
        data = kpi_workbook(session, actor, start, end, today)
    return as_csv(data) if fmt == "csv" else data


def default_name(kind: str, fmt: str, today: date) -> Path:
    return Path(f"petition-desk-{kind}-{today:%Y%m%d}.{fmt}")
