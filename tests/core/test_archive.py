"""Archives (信访档案): a closed case's package (documents, timeline, attachments, index sheet) and the list of
archives whose retention period has run out, worked out by hand from pinned dates."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from core.cases import attachments
from core.documents import archive, standard
from core.documents.standard import K
from core.platform.errors import PermissionDenied, ValidationError
from models import Case, CaseEvent, CaseStatus, Role, Setting
from tests.factories import case_in_status, make_unit, make_user

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture()
def admin(session):
    return make_user(session, Role.ADMIN, name="王管理")


def test_a_closed_cases_package_holds_its_documents_attachments_timeline_and_index(session, admin):
    unit = make_unit(session, name="区住房城乡建委")
    case = case_in_status(session, CaseStatus.CLOSED, actor=admin, unit=unit)
    attachments.add_to_case(session, admin, case.id, [attachments.Upload("现场照片.png", PNG)])
    first = standard.generate(session, admin, K.ACCEPTANCE_NOTICE, case.id)
    standard.generate(session, admin, K.ACCEPTANCE_NOTICE, case.id)
    standard.generate(session, admin, K.REPLY_OPINION, case.id)
    name, data = archive.export_case(session, admin, case.id)
    assert name == f"{case.number}_档案包.zip"
    z = zipfile.ZipFile(io.BytesIO(data))
    assert sorted(z.namelist()) == [
        "attachments/001_现场照片.png",
        f"documents/信访处理意见书_{case.number}-CL_v1.docx",
        f"documents/受理告知书_{first.number}_v1.docx",
        f"documents/受理告知书_{first.number}_v2.docx",
        "卷内目录.xlsx",
    ]
    assert z.read("attachments/001_现场照片.png") == PNG
    book = load_workbook(io.BytesIO(z.read("卷内目录.xlsx")))
    assert book.sheetnames == ["案件信息", "卷内文件目录", "办理过程"]
    facts = {r[0]: r[1] for r in book["案件信息"].iter_rows(min_row=2, values_only=True)}
    # closed on 12 March 2025 (the factories' path), a complaint: kept 30 years
    assert facts["登记号"] == case.number and facts["承办单位"] == "区住房城乡建委"
    assert facts["保管期限"] == "30年" and facts["到期鉴定日期"].date() == date(2055, 3, 12)
    files = list(book["卷内文件目录"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[1], r[2], r[3]) for r in files] == [
        (1, "文书", "受理告知书", f"{first.number} v1"),
        (2, "文书", "受理告知书", f"{first.number} v2"),
        (3, "文书", "信访处理意见书", f"{case.number}-CL v1"),
        (4, "附件", "现场照片.png", None),
    ]
    actions = [r[2] for r in book["办理过程"].iter_rows(min_row=2, values_only=True)]
    assert actions[:3] == ["登记", "交办", "受理"] and actions.count("生成文书") == 3
    exported = session.exec(select(CaseEvent).where(CaseEvent.action == "archive.export")).one()
    assert exported.after == {"files": 4} and exported.case_id == case.id


def test_an_open_case_has_no_package_and_a_handler_may_not_export(session, admin):
    case = case_in_status(session, CaseStatus.HANDLING, actor=admin)
    with pytest.raises(ValidationError, match="只有已办结的案件"):
        archive.export_case(session, admin, case.id)
    closed = case_in_status(session, CaseStatus.CLOSED, actor=admin)
    with pytest.raises(PermissionDenied):
        archive.export_case(session, make_user(session, Role.HANDLER), closed.id)


def test_archives_are_listed_for_review_when_their_categorys_years_have_run_out(session, admin):
    """Closed on 12 March 2025: a suggestion (10 years) is due on 12 March 2035, a complaint (30) in 2055."""
    suggestion = case_in_status(session, CaseStatus.CLOSED, actor=admin, category="suggestion")
    complaint = case_in_status(session, CaseStatus.CLOSED, actor=admin)
    open_one = case_in_status(session, CaseStatus.HANDLING, actor=admin, category="suggestion")
    rows, total = archive.due_for_review(session, admin, today=date(2035, 3, 11))
    assert (rows, total) == ([], 0)
    rows, total = archive.due_for_review(session, admin, today=date(2035, 3, 12))
    assert total == 1 and [(r.number, r.category, r.archived_on, r.review_on) for r in rows] == [
        (suggestion.number, "建议意见类", date(2025, 3, 12), date(2035, 3, 12))
    ]
    session.get(Setting, "archive.retention_years.complaint").value = "10"
    session.commit()
    rows, total = archive.due_for_review(session, admin, today=date(2035, 3, 12))
    assert total == 2 and {r.number for r in rows} == {suggestion.number, complaint.number}
    assert open_one.number not in {r.number for r in rows}
    assert session.get(Case, suggestion.id) is not None  # listed, never deleted
    with pytest.raises(PermissionDenied):
        archive.due_for_review(session, make_user(session, Role.HANDLER))
