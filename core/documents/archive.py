"""Archives (信访档案): a closed case's file as one .zip with an index sheet, and the archives due for review.

The package holds the case's documents (every revision), its attachments and an index workbook (the case, the
list of files with their SHA-256, the timeline), each as the exporting user may see them (core.accounts.pii).
Each category keeps its archive a number of years (setting archive.retention_years.<category>) counted from the
day the case left the desk; after that the case is listed for the appraisal group's review of destruction.
The product never deletes an archive.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, select

from core.accounts import audit, permissions, pii
from core.cases.attachments import path_for
from core.cases.case_file import event_label
from core.cases.status import ended_clause, is_ended
from core.documents import standard
from core.documents.briefing import _Workbook  # XlsxSheet with further sheets
from core.platform import settings, timeutil
from core.platform.errors import NotFound, ValidationError
from i18n import label, t
from models import Case, CaseEvent, Category, Unit, User

SETTING = "archive.retention_years.{category}"
# the day a case left the desk: its close, else the decision that ended it, else its registration
ARCHIVED_ON = sa.func.coalesce(
    Case.closed_on, Case.reexam_decided_on, Case.declined_on, Case.triaged_on, Case.received_on
)


def retention_years(session: Session) -> dict[str, int]:
    """Return the retention period in years of each category's archives."""
    values = settings.get_all(session)
    out = {}
    for category in Category:
        key = SETTING.format(category=category.value)
        try:
            out[category.value] = max(1, int(values.get(key, settings.OTHER_DEFAULTS[key])))
        except (TypeError, ValueError):
            out[category.value] = int(settings.OTHER_DEFAULTS[key])
    return out


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def archived_on(case: Case) -> date:
    """Return the day the case left the desk (the retention period counts from it)."""
    for value in (case.closed_on, case.reexam_decided_on, case.declined_on, case.triaged_on):
        if value is not None:
            return value
    return case.received_on


def review_on(case: Case, years: dict[str, int]) -> date:
    """Return the day the case's archive is due for review of destruction."""
    return _years_after(archived_on(case), years[getattr(case.category, "value", case.category)])


@dataclass(frozen=True)
class Due:
    """A closed case whose archive's retention period has run out."""

    id: int
    number: str
    title: str
    category: str
    archived_on: date
    review_on: date


def _due_clause(years: dict[str, int], today: date) -> sa.ColumnElement[bool]:
    return sa.or_(
        *(sa.and_(Case.category == c, _years_before(today, n) >= ARCHIVED_ON) for c, n in years.items())
    )


def due_for_review(
    session: Session, user: User, *, today: date | None = None, limit: int = 100, offset: int = 0
) -> tuple[list[Due], int]:
    """Return a page of the closed cases the user may see whose archives are due for review, and their total."""
    permissions.require(user, "archive.view")
    today = today or timeutil.today()
    years = retention_years(session)
    where = permissions.scope_cases(select(Case.id).where(ended_clause(), _due_clause(years, today)), user)
    total = session.exec(select(sa.func.count()).select_from(where.subquery())).one()
    stmt = (
        permissions.scope_cases(
            select(Case.id, Case.number, Case.title, Case.category, ARCHIVED_ON.label("archived")), user
        )
        .where(ended_clause(), _due_clause(years, today))
        .order_by(ARCHIVED_ON, Case.number)
        .limit(limit)
        .offset(offset)
    )
    rows = [
        Due(
            r.id,
            r.number,
            r.title,
            label("category", r.category),
            r.archived,
            _years_after(r.archived, years[_v(r.category)]),
        )
        for r in session.exec(stmt).all()
    ]
    return rows, total


def _v(value) -> str:
    return getattr(value, "value", value)


def _safe(name: str) -> str:
    return re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", name)


def _index(session: Session, user: User, case: Case, files: list[tuple], events: list[CaseEvent]) -> bytes:
    a = "doc.archive."
    years = retention_years(session)
    unit = session.get(Unit, case.lead_unit_id) if case.lead_unit_id else None
    book = _Workbook(t(f"{a}sheet_case"), [t(f"{a}col_field"), t(f"{a}col_value")])
    for key, value in (
        ("number", case.number),
        ("title", case.title),
        ("category", label("category", case.category)),
        ("received", case.received_on),
        ("closed", archived_on(case)),
        ("unit", unit.name if unit else ""),
        ("retention", t(f"{a}retention_years", n=years[_v(case.category)])),
        ("review_on", review_on(case, years)),
    ):
        book.append([t(f"{a}field_{key}"), value])
    heads = ("seq", "kind", "name", "number", "date", "path", "sha")
    book.sheet(t(f"{a}sheet_files"), [t(f"{a}col_{h}") for h in heads])
    for n, row in enumerate(files, 1):
        book.append([n, *row])
    book.sheet(t(f"{a}sheet_timeline"), [t(f"{a}col_{h}") for h in ("at", "actor", "action", "note")])
    for e in events:
        book.append(
            [
                timeutil.to_local(e.at).replace(tzinfo=None),
                e.actor_name or "",
                event_label(e.action),
                e.note or "",
            ]
        )
    return book.save()


def export_case(session: Session, actor: User, case_id: int) -> tuple[str, bytes]:
    """Return a closed case's archive package (file name, .zip bytes) and record the export in the audit log."""
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(t("error.not_found"))
    permissions.require_case(actor, "archive.export", case)
    if not is_ended(case.status):
        raise ValidationError(t("doc.archive.not_closed"), field="case")
    a = "doc.archive."
    files, blobs = [], []
    for doc in sorted(standard.case_documents(session, actor, case), key=lambda d: d.id):
        _, data = standard.read(session, actor, doc.id)
        path = f"documents/{_safe(standard.filename_of(session, doc))}"
        files.append((t(f"{a}kind_document"), standard.kind_name(doc.kind), f"{doc.number} v{doc.revision}",
                      timeutil.to_local(doc.created_at).date(), path, _sha(data)))  # fmt: skip
        blobs.append((path, data))
    for n, att in enumerate(pii.visible_attachments(session, actor, case), 1):
        data = path_for(att.sha256).read_bytes()
        path = f"attachments/{n:03d}_{_safe(att.filename)}"
        files.append(
            (
                t(f"{a}kind_attachment"),
                att.filename,
                "",
                timeutil.to_local(att.uploaded_at).date(),
                path,
                att.sha256,
            )
        )
        blobs.append((path, data))
    stmt = select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.at, CaseEvent.id)
    events = pii.events_for(actor, case, list(session.exec(stmt).all()))
    index = _index(session, actor, case, files, events)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(t("doc.archive.index_name"), index)
        for path, data in blobs:
            z.writestr(path, data)
    try:
        audit.record(session, actor, "archive.export", object_type="case", object_id=case.id, case_id=case.id,
                     after={"files": len(blobs)})  # fmt: skip
        session.commit()
    except Exception:
        session.rollback()
        raise
    return t("doc.archive.zip_name", number=case.number), out.getvalue()


def _sha(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()
