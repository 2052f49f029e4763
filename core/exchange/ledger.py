"""Importing a case ledger (台账): map its columns, check every row as intake does, then commit all or nothing.

`prepare` reads the file once, streamed, checks each row with the intake's own validation
(registration.check_case) and stages the good rows in a temporary file; a dry run stops there and reports
every bad row. `commit` then moves the staged rows in one short transaction holding the write lock, so a long
import does not block the office, and a killed import leaves nothing behind in the database (its staging folder
is removed by the next import: core.platform.scratch). A row already imported (same
ledger number, or the same content when the ledger has none) is skipped: importing a file twice changes nothing.
"""

from __future__ import annotations

import hashlib
import pickle
import re
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pydantic
import sqlalchemy as sa
from sqlmodel import Session, select

from core.accounts import audit
from core.accounts.permissions import require
from core.calendar import clock
from core.cases import registration
from core.cases.status import OPEN
from core.exchange import mapping as mappings
from core.exchange.reader import open_ledger, parse_date, text_of
from core.platform import scratch, search, spreadsheet
from core.platform.bulk import Writer
from core.platform.config import get_settings
from core.platform.errors import ValidationError
from core.platform.validation import Errors, from_pydantic, id_number_variants
from i18n import t
from models import (
    Case,
    CaseStatus,
    Category,
    Channel,
    Outcome,
    PartyRole,
    Person,
    Satisfaction,
    Setting,
    Stage,
    Street,
    Subject,
    Unit,
    UnitRole,
    User,
)
from models.base import now_local

BATCH = 2000
LOOKUP_BATCH = 500
S = CaseStatus
Progress = Callable[[str, int, int | None], None]  # (phase, rows done, rows in all or None)
_SPLIT = re.compile(r"[、,，;；/]")

# ledger words -> our value; our own labels are added from the catalog (label_words)
STATUS_WORDS = {
    "登记": S.REGISTERED, "待办": S.REGISTERED, "待处理": S.REGISTERED, "未处理": S.REGISTERED,
    "转送": S.FORWARDED, "已转": S.FORWARDED, "交办": S.ASSIGNED,
    "受理": S.HANDLING, "已受理": S.HANDLING, "在办": S.HANDLING, "正在办理": S.HANDLING, "办理": S.HANDLING,
    "答复": S.REPLIED, "已答复": S.REPLIED,
    "办结": S.CLOSED, "已结": S.CLOSED, "结案": S.CLOSED, "已结案": S.CLOSED, "完结": S.CLOSED,
    "不予受理": S.DECLINED, "不受理": S.DECLINED, "撤回": S.WITHDRAWN, "撤诉": S.WITHDRAWN,
    "导入法定途径": S.ROUTED_OUT, "诉讼": S.ROUTED_OUT, "无效": S.INVALID,
}  # fmt: skip
IMPORTABLE = frozenset({S.REGISTERED, S.FORWARDED, S.ASSIGNED, S.HANDLING, S.REPLIED, S.CLOSED, S.DECLINED,
                        S.WITHDRAWN, S.ROUTED_OUT, S.INVALID})  # fmt: skip
CHANNEL_WORDS = {
    "信": Channel.LETTER, "来信": Channel.LETTER, "访": Channel.VISIT, "来访": Channel.VISIT, "走访": Channel.VISIT,
    "网": Channel.ONLINE, "网信": Channel.ONLINE, "网上": Channel.ONLINE, "网上信访": Channel.ONLINE,
    "电话": Channel.PHONE, "来电": Channel.PHONE, "传真": Channel.PHONE, "12345": Channel.HOTLINE_12345,
}  # fmt: skip
CATEGORY_WORDS = {"建议": Category.SUGGESTION, "检举": Category.ACCUSATION, "控告": Category.ACCUSATION,
                  "申诉": Category.COMPLAINT, "求决": Category.COMPLAINT}  # fmt: skip
OUTCOME_WORDS = {"解释": Outcome.EXPLAIN, "不支持": Outcome.REJECT}
SATISFACTION_WORDS = {"满意": Satisfaction.SATISFIED, "基本满意": Satisfaction.BASICALLY_SATISFIED,
                      "不满意": Satisfaction.DISSATISFIED, "未评价": Satisfaction.NOT_RATED}  # fmt: skip
# the received-on column's own word says how petitions of a single-channel ledger came in
CHANNEL_BY_DATE_HEADER = {"来访日期": Channel.VISIT, "来信日期": Channel.LETTER, "来电日期": Channel.PHONE}
IMPORT_FIELDS = ("number", "external_id", "status", "channel", "received_on", "subject", "closed_on")


def _words(kind: str, enum_cls, extra: dict) -> dict[str, object]:
    out = {t(f"enum.{kind}.{m.value}", language="zh_CN"): m for m in enum_cls}
    out |= {m.value: m for m in enum_cls} | {
        t(f"enum.{kind}.{m.value}", language="en").lower(): m for m in enum_cls
    }
    return out | extra


def _enum_of(words: dict, value, what: str):
    if value is None:
        return None
    text = str(value).strip()
    found = words.get(text) or words.get(text.lower())
    if found is None:
        raise ValueError(what)
    return found


# --- the row schema ------------------------------------------------------------------------------


class LedgerRow(pydantic.BaseModel):
    """One ledger row as typed values; what it means for a case is checked by registration.check_case."""

    model_config = pydantic.ConfigDict(str_strip_whitespace=True)

    external_id: str | None = pydantic.Field(default=None, max_length=64)
    name: str | None = None
    id_number: str | None = None
    phone: str | None = None
    address: str | None = None
    received_on: date
    channel: Channel | None = None
    category: Category | None = None
    subject: str
    title: str | None = None
    content: str | None = None
    request: str | None = None
    street: str | None = None
    lead_unit: str | None = None
    status: CaseStatus = S.CLOSED
    triaged_on: date | None = None
    accepted_on: date | None = None
    replied_on: date | None = None
    closed_on: date | None = None
    outcome: Outcome | None = None
    satisfaction: Satisfaction | None = None
    group_size: int = pydantic.Field(default=1, ge=1, le=100_000)
    location: str | None = None

    @pydantic.field_validator(
        "received_on", "triaged_on", "accepted_on", "replied_on", "closed_on", mode="before"
    )
    @classmethod
    def _date(cls, value):
        try:
            return parse_date(value)
        except ValueError:
            raise ValueError("date") from None

    @pydantic.field_validator("status", mode="before")
    @classmethod
    def _status(cls, value):
        return _enum_of(_STATUS, value, "status") if value is not None else S.CLOSED

    @pydantic.field_validator("channel", mode="before")
    @classmethod
    def _channel(cls, value):
        return _enum_of(_CHANNEL, value, "channel")

    @pydantic.field_validator("category", mode="before")
    @classmethod
    def _category(cls, value):
        if value is None:
            return None
        text = str(value)
        return next((c for w, c in CATEGORY_WORDS.items() if w in text), None) or _enum_of(
            _CATEGORY, text, "category"
        )

    @pydantic.field_validator("outcome", mode="before")
    @classmethod
    def _outcome(cls, value):
        if value is None:
            return None
        return _enum_of(_OUTCOME, value, "outcome")

    @pydantic.field_validator("satisfaction", mode="before")
    @classmethod
    def _satisfaction(cls, value):
        return _enum_of(_SATISFACTION, value, "satisfaction")

    @pydantic.field_validator(
        "external_id", "name", "id_number", "phone", "address", "subject", "title", "content", "request",
        "street", "lead_unit", "location", mode="before",
    )  # fmt: skip
    @classmethod
    def _text(cls, value):
        return text_of(value)


_STATUS = _CHANNEL = _CATEGORY = _OUTCOME = _SATISFACTION = {}


def _load_words() -> None:
    global _STATUS, _CHANNEL, _CATEGORY, _OUTCOME, _SATISFACTION
    _STATUS = _words("status", CaseStatus, STATUS_WORDS)
    _CHANNEL = _words("channel", Channel, CHANNEL_WORDS)
    _CATEGORY = _words("category", Category, {})
    _OUTCOME = _words("outcome", Outcome, OUTCOME_WORDS)
    _SATISFACTION = _words("satisfaction", Satisfaction, SATISFACTION_WORDS)


_load_words()


# --- reports -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    """A bad row: its row number in the sheet, the column, the value found and why it was refused."""

    row: int
    column: str
    value: str
    reason: str


@dataclass
class Prepared:
    """A checked ledger: counts, every bad row, and the good rows staged for `commit`."""

    filename: str
    header: list[str]
    mapping: dict[str, str]
    encoding: str | None
    total: int = 0
    valid: int = 0
    existing: int = 0  # rows imported before: skipped
    open: int = 0  # valid rows of cases still open (they get a query code)
    errors: list[RowError] = field(default_factory=list)
    staged: Path | None = None

    @property
    def bad_rows(self) -> int:
        return len({e.row for e in self.errors})

    def discard(self) -> None:
        """Delete the staged rows (after a commit, or when the user gives up)."""
        if self.staged is not None:
            shutil.rmtree(self.staged.parent, ignore_errors=True)
            self.staged = None


@dataclass
class Committed:
    """What a commit stored: the counts, and the query codes of the open cases (shown once, never stored)."""

    created: int
    skipped: int
    query_codes: list[tuple[str, str, str]]  # (our number, the ledger's number, the code)
    locked_seconds: float = 0.0  # how long the commit held the write lock


def error_report(prepared: Prepared) -> bytes:
    """Return the bad rows as an .xlsx: row number, column, value, reason."""
    sheet = spreadsheet.XlsxSheet(
        t("exchange.report.sheet"),
        [
            t("exchange.report.row"),
            t("exchange.report.column"),
            t("exchange.report.value"),
            t("exchange.report.reason"),
        ],
    )
    for e in prepared.errors:
        sheet.append([e.row, e.column, e.value, e.reason])
    return sheet.save()


def query_code_sheet(committed: Committed) -> bytes:
    """Return the query codes of the imported open cases as an .xlsx, to hand to the petitioners."""
    sheet = spreadsheet.XlsxSheet(
        t("exchange.codes.sheet"),
        [t("exchange.codes.number"), t("exchange.codes.external_id"), t("exchange.codes.code")],
    )
    for row in committed.query_codes:
        sheet.append(list(row))
    return sheet.save()


# --- checking ------------------------------------------------------------------------------------


class _Lookups:
    """The reference rows a ledger names by name or code, read once."""

    def __init__(self, session: Session):
        subjects = session.exec(
            select(Subject.key, Subject.name, Subject.category, Subject.route, Subject.active)
        ).all()
        self.subjects = {}
        for key, name, category, route, active in subjects:
            if active:
                self.subjects[key] = self.subjects[name] = (key, Category(category), route)
        streets = session.exec(select(Street.id, Street.code, Street.name)).all()
        self.streets = {k: sid for sid, code, name in streets for k in (code, name)}
        units = session.exec(select(Unit.id, Unit.code, Unit.name, Unit.short_name).where(Unit.active)).all()
        self.units = {k: uid for uid, code, name, short in units for k in (code, name, short) if k}
        self.cal = clock.load_calendar(session)
        self.limits = clock.load_limits(session)


_CASE_DEFAULTS = {
    c.name: (c.default.arg if c.default is not None and c.default.is_scalar else None)
    for c in Case.__table__.c
}


def content_key(values: LedgerRow) -> str:
    """Return the external id of a ledger row without a number: a digest of who, when and what."""
    parts = (values.received_on.isoformat(), values.name or "", values.id_number or "", values.phone or "",
             values.subject, values.title or "", values.content or "")  # fmt: skip
    return "K-" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:40]


class _Checker:
    def __init__(self, session: Session, header: list[str], columns: dict[str, int]):
        self.session = session
        self.columns = columns
        self.header = header
        self.lookups = _Lookups(session)
        self.default_channel = next(
            (
                c
                for h, c in CHANNEL_BY_DATE_HEADER.items()
                if "received_on" in columns and header[columns["received_on"]] == h
            ),
            None,
        )
        self.seen: dict[str, int] = {}  # external id -> row, within this file

    def column(self, field_key: str) -> str:
        name = field_key.split(".")[-1] if field_key.startswith("petitioners.") else field_key
        name = {"street_id": "street", "community_id": "street", "grid_id": "street", "lead_unit_id": "lead_unit",
                "petitioners": "name"}.get(name, name)  # fmt: skip
        index = self.columns.get(name)
        return self.header[index] if index is not None else mappings.field_name(name)

    def cell(self, raw: list, field_key: str) -> str:
        name = self.column(field_key)
        index = self.header.index(name) if name in self.header else None
        value = raw[index] if index is not None and index < len(raw) else None
        return "" if value is None else str(value)

    def errors_of(self, rownum: int, raw: list, errors: dict[str, str]) -> list[RowError]:
        return [RowError(rownum, self.column(k), self.cell(raw, k), msg) for k, msg in errors.items()]

    def check(self, rownum: int, raw: list) -> tuple[dict | None, list[RowError]]:
        """Return (the staged row, []) or (None, the row's errors)."""
        values = {f: raw[i] if i < len(raw) else None for f, i in self.columns.items()}
        try:
            row = LedgerRow.model_validate(values)
        except pydantic.ValidationError as exc:
            return None, self.errors_of(rownum, raw, _row_errors(exc))
        errors = Errors()
        subject = self.lookups.subjects.get(row.subject)
        if subject is None:
            errors.add("subject", t("exchange.error.unknown_subject", value=row.subject))
        channel = row.channel or self.default_channel
        if channel is None:
            errors.add("channel", t("workflow.error.required", field=mappings.field_name("channel")))
        street_id = self._ref(errors, "street", self.lookups.streets, row.street)
        unit_id = self._ref(errors, "lead_unit", self.lookups.units, row.lead_unit)
        external_id = row.external_id or content_key(row)
        if external_id in self.seen:
            errors.add("external_id", t("exchange.error.duplicate_row", row=self.seen[external_id]))
        self.seen.setdefault(external_id, rownum)
        if errors.errors:
            return None, self.errors_of(rownum, raw, errors.errors)
        key, category, route = subject
        category = row.category or category
        data = registration.CaseCreate(
            channel=channel,
            received_on=row.received_on,
            category=category,
            route=route if category == Category.COMPLAINT else "petition",
            subject=key,
            title=(row.title or row.content or "")[:200],
            content=row.content or row.title or "",
            request=row.request,
            petitioners=_people(row),
            group_size=max(row.group_size, len(_split(row.name))),
            anonymous=not row.name,
            street_id=street_id,
            location=row.location,
        )
        try:
            checked = registration.check_case(self.session, data)
        except ValidationError as exc:
            return None, self.errors_of(rownum, raw, exc.errors or {"content": exc.message})
        case, more = self._historical(row, data, checked, unit_id)
        if more:
            return None, self.errors_of(rownum, raw, more)
        people = [p.model_dump() | {"gender": p.gender.value} for _, p in checked.people]
        return {
            "row": rownum,
            "external_id": external_id,
            "case": case,
            "people": people,
            "unit_id": unit_id,
        }, []

    def _ref(self, errors: Errors, name: str, table: dict, value: str | None) -> int | None:
        if value is None:
            return None
        found = table.get(value)
        if found is None:
            errors.add(name, t("exchange.error.unknown_ref", field=mappings.field_name(name), value=value))
        return found

    def _historical(self, row: LedgerRow, data, checked, unit_id: int | None) -> tuple[dict, dict[str, str]]:
        """Return the case's columns for its ledger status and dates, and what is wrong with them."""
        errors, status = Errors(), row.status
        if status not in IMPORTABLE:
            errors.add("status", t("exchange.error.status", value=t(f"enum.status.{status.value}")))
            return {}, errors.errors
        received = row.received_on
        case: dict = {}
        case.update(
            status=status, channel=data.channel, received_on=received, category=data.category, route=data.route,
            subject=data.subject, title=data.title.strip(), content=data.content.strip(),
            request=(data.request or "").strip() or None, street_id=checked.street_id, lead_unit_id=unit_id,
            group_size=data.group_size, anonymous=data.anonymous, location=(data.location or "").strip() or None,
            confidential=data.category == Category.ACCUSATION,  # 第30条, as at intake
        )  # fmt: skip
        if status in (S.FORWARDED, S.ASSIGNED, S.HANDLING) and unit_id is None:
            errors.add("lead_unit", t("workflow.error.required", field=mappings.field_name("lead_unit")))
        triaged = row.triaged_on or (received if unit_id is not None else None)
        if triaged is not None:
            errors.date("triaged_on", triaged, after=received, after_field="received_on")
            case.update(triaged_on=triaged, unit_received_on=triaged)
        if row.accepted_on is not None or status == S.HANDLING:
            errors.date("accepted_on", row.accepted_on, after=triaged or received, after_field="triaged_on")
            case["accepted_on"] = row.accepted_on
        replied = row.replied_on or (row.closed_on if status == S.CLOSED else None)
        if replied is not None or status == S.REPLIED:
            errors.date("replied_on", replied, after=row.accepted_on or received, after_field="accepted_on")
            case.update(replied_on=replied, outcome=row.outcome, satisfaction=row.satisfaction)
        if status in (S.CLOSED, S.DECLINED, S.WITHDRAWN, S.ROUTED_OUT, S.INVALID):
            errors.date("closed_on", row.closed_on, after=replied or received, after_field="replied_on")
            if status == S.DECLINED:
                case["declined_on"] = row.closed_on
            elif status == S.CLOSED:
                case["closed_on"] = row.closed_on
        stage, start = {
            S.REGISTERED: (Stage.TRIAGE, received), S.FORWARDED: (Stage.ACCEPTANCE, triaged),
            S.ASSIGNED: (Stage.ACCEPTANCE, triaged), S.HANDLING: (Stage.HANDLING, row.accepted_on),
        }.get(status, (None, None))  # fmt: skip
        case.update(stage=stage, stage_started_on=start)
        if errors.errors:
            return {}, errors.errors
        ns = SimpleNamespace(**(_CASE_DEFAULTS | case))
        ns.acceptance_due_on, ns.reply_due_on = clock.stage_deadlines_of(
            ns, self.lookups.cal, self.lookups.limits
        )[:2]
        clock.refresh_case(ns, self.lookups.cal, self.lookups.limits)
        # enums staged as their values: a pickled enum member costs ten times a string to load
        keys = (*case, "acceptance_due_on", "reply_due_on", "due_on", "due_provisional")
        return {k: getattr(v, "value", v) for k in keys if (v := getattr(ns, k)) is not None}, {}


def _split(text: str | None) -> list[str]:
    return [p.strip() for p in _SPLIT.split(text)] if text else []


def _people(row: LedgerRow) -> list[registration.PersonIn]:
    names = _split(row.name)
    ids, phones = _split(row.id_number), _split(row.phone)
    out = []
    for i, name in enumerate(names):
        out.append(
            registration.PersonIn(
                name=name,
                id_number=ids[i] if i < len(ids) else None,
                phone=phones[i] if i < len(phones) else None,
                address=row.address,
            )
        )
    return out


def _row_errors(exc: pydantic.ValidationError) -> dict[str, str]:
    out = {}
    for error in exc.errors():
        name = str(error["loc"][0]) if error["loc"] else ""
        if error["type"] == "missing":
            out.setdefault(name, t("workflow.error.required", field=mappings.field_name(name)))
        elif name in ("received_on", "triaged_on", "accepted_on", "replied_on", "closed_on"):
            out.setdefault(name, t("exchange.error.bad_date"))
        elif error["type"] == "value_error" or name in (
            "status",
            "channel",
            "category",
            "outcome",
            "satisfaction",
        ):
            out.setdefault(name, t("exchange.error.bad_value", field=mappings.field_name(name)))
        else:
            out.update(from_pydantic(pydantic.ValidationError.from_exception_data("row", [error])).errors)
    return out


def _existing(session: Session, ids: list[str]) -> set[str]:
    found: set[str] = set()
    for i in range(0, len(ids), LOOKUP_BATCH):
        part = ids[i : i + LOOKUP_BATCH]
        found.update(session.exec(select(Case.external_id).where(Case.external_id.in_(part))).all())
    return found


# --- prepare (the dry run) -----------------------------------------------------------------------


def read_header(path: Path, filename: str | None = None) -> list[str]:
    """Return a ledger's header row (for the mapping step)."""
    ledger = open_ledger(path, filename)
    ledger.rows.close()
    return ledger.header


def prepare(
    session: Session,
    actor: User,
    path: Path,
    *,
    filename: str | None = None,
    mapping: dict[str, str] | None = None,
    progress: Progress | None = None,
) -> Prepared:
    """Read and check a ledger, staging its good rows; nothing is written to the database."""
    require(actor, "case.import")
    ledger = open_ledger(path, filename)
    mapping = mapping if mapping is not None else mappings.suggest(session, ledger.header)
    try:
        columns = mappings.check(ledger.header, mapping)
    except ValidationError:
        ledger.rows.close()
        raise
    prepared = Prepared(filename or path.name, ledger.header, mapping, ledger.encoding)
    checker = _Checker(session, ledger.header, columns)
    folder = scratch.folder("import")  # a killed import's folder is swept by the next one
    prepared.staged = folder / "rows.pickle"
    batch: list[dict] = []
    with prepared.staged.open("wb") as out:
        for rownum, raw in enumerate(ledger.rows, start=ledger.first_row):
            if not any(v is not None for v in raw):
                continue  # a blank line between blocks of a ledger
            prepared.total += 1
            staged, errors = checker.check(rownum, raw)
            if errors:
                prepared.errors += errors
            else:
                batch.append(staged)
            if len(batch) >= BATCH:
                _stage(session, prepared, batch, out)
            if progress and prepared.total % BATCH == 0:
                progress("check", prepared.total, ledger.total)
        _stage(session, prepared, batch, out)
    if progress:
        progress("check", prepared.total, prepared.total)
    if prepared.total == 0:
        prepared.discard()
        raise ValidationError(t("exchange.error.empty"), field="file")
    return prepared


def _stage(session: Session, prepared: Prepared, batch: list[dict], out) -> None:
    if not batch:
        return
    done = _existing(session, [r["external_id"] for r in batch])
    fresh = [r for r in batch if r["external_id"] not in done]
    prepared.existing += len(batch) - len(fresh)
    prepared.valid += len(fresh)
    prepared.open += sum(1 for r in fresh if r["case"]["status"] in OPEN)
    if fresh:
        pickle.dump(fresh, out, protocol=pickle.HIGHEST_PROTOCOL)
    batch.clear()


def _staged(path: Path) -> Iterator[list[dict]]:
    with path.open("rb") as fh:
        while True:
            try:
                yield pickle.load(fh)
            except EOFError:
                return


# --- commit --------------------------------------------------------------------------------------


def commit(
    session: Session, actor: User, prepared: Prepared, *, progress: Progress | None = None
) -> Committed:
    """Store the staged rows of a ledger with no bad row, all of them in one transaction, or none."""
    require(actor, "case.import")
    if prepared.errors:
        raise ValidationError(t("exchange.error.has_errors", count=prepared.bad_rows), field="file")
    if prepared.staged is None:
        raise ValidationError(t("exchange.error.not_prepared"), field="file")
    ready, codes = _with_query_codes(prepared, progress)
    session.commit()  # no read transaction stays open into the write
    started = time.perf_counter()
    try:
        created, skipped = _move(session, actor, prepared, ready, codes, progress)
        session.commit()
        locked = time.perf_counter() - started
    except Exception:
        session.rollback()
        raise
    finally:
        prepared.discard()
    numbers = codes.pop("numbers", {})
    query_codes = [(numbers[row], ext, code) for row, (ext, code) in codes.items() if row in numbers]
    return Committed(created, skipped, query_codes, locked)


def _with_query_codes(prepared: Prepared, progress: Progress | None) -> tuple[Path, dict]:
    """Do what needs no id before the write lock is taken: query codes (scrypt costs ms each), the event's
    values, the search document."""
    ready = prepared.staged.with_name("ready.pickle")
    codes: dict = {}
    done = 0
    with ready.open("wb") as out:
        for batch in _staged(prepared.staged):
            for r in batch:
                if r["case"]["status"] in OPEN:
                    code = registration.new_query_code()
                    r["case"]["query_code_hash"] = registration.hash_query_code(code)
                    codes[r["row"]] = (r["external_id"], code)
                case = r["case"]
                r["after"] = audit._plain({k: case.get(k) for k in IMPORT_FIELDS}) | {
                    "external_id": r["external_id"], "ledger": prepared.filename, "ledger_row": r["row"]
                }  # fmt: skip
                r["doc"] = search.document(case.get("title"), case.get("content"), case.get("request"))
            pickle.dump(batch, out, protocol=pickle.HIGHEST_PROTOCOL)
            done += len(batch)
            if progress and codes:
                progress("codes", done, prepared.valid)
    return ready, codes


def _take_write_lock(conn: sa.Connection) -> None:
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql('UPDATE "case" SET id = id WHERE id < 0')  # a write statement takes the lock now
    else:
        conn.exec_driver_sql(
            'LOCK TABLE "case", person, case_party, case_unit, case_event IN SHARE ROW EXCLUSIVE MODE'
        )


def _move(session, actor, prepared, ready: Path, codes: dict, progress) -> tuple[int, int]:
    conn = session.connection()
    _take_write_lock(conn)
    writer = Writer(conn)
    now = now_local()
    prefix = f"{get_settings().case_prefix}-"
    numbers: dict[int, str] = {}
    next_seq: dict[int, int] = {}
    people: dict[str, int] = {}
    created = skipped = 0
    for batch in _staged(ready):
        done = _existing(session, [r["external_id"] for r in batch])  # imported by someone meanwhile
        fresh = [r for r in batch if r["external_id"] not in done]
        skipped += len(batch) - len(fresh)
        _known_people(session, people, fresh)
        docs = []
        for r in fresh:
            case = r["case"]
            year = case["received_on"].year
            if year not in next_seq:
                next_seq[year] = int(registration._next_number(session, year).rsplit("-", 1)[1])
            number = f"{prefix}{year}-{next_seq[year]:06d}"
            next_seq[year] += 1
            case_id = writer.add_row(
                "case", **case, number=number, external_id=r["external_id"], registrar_id=actor.id,
                updated_by_id=actor.id, registered_at=now, updated_at=now,
            )  # fmt: skip
            numbers[r["row"]] = number
            for p in r["people"]:
                person_id = people.get(p["id_number"]) if p["id_number"] else None
                if person_id is None:
                    person_id = writer.add_row("person", **p, created_at=now)
                    if p["id_number"]:
                        for v in id_number_variants(p["id_number"]):
                            people[v] = person_id
                writer.add_row("case_party", case_id=case_id, person_id=person_id, role=PartyRole.PETITIONER)
            if r["unit_id"] is not None:
                writer.add_row("case_unit", case_id=case_id, unit_id=r["unit_id"], role=UnitRole.LEAD,
                               assigned_on=case.get("triaged_on"))  # fmt: skip
            writer.add_row("case_event", at=now, actor_id=actor.id, actor_name=actor.display_name, action="import",
                           object_type="case", object_id=case_id, case_id=case_id,
                           after=r["after"] | {"number": number})  # fmt: skip
            docs.append({"id": case_id, "doc": r["doc"]})
        writer.flush()
        search.index_documents(session, docs)
        created += len(fresh)
        if progress:
            progress("commit", created + skipped, prepared.valid)
    writer.reset_sequences()
    _remember(session, actor, prepared, now)
    audit.record(session, actor, "ledger_import", object_type="import", after={
        "file": prepared.filename, "rows": prepared.total, "created": created, "skipped": skipped + prepared.existing,
    })  # fmt: skip
    codes["numbers"] = numbers
    return created, skipped + prepared.existing


def _known_people(session: Session, people: dict[str, int], rows: list[dict]) -> None:
    wanted = sorted(
        {v for r in rows for p in r["people"] if p["id_number"] for v in id_number_variants(p["id_number"])}
        - people.keys()
    )
    for i in range(0, len(wanted), LOOKUP_BATCH):
        stmt = select(Person.id, Person.id_number).where(Person.id_number.in_(wanted[i : i + LOOKUP_BATCH]))
        for pid, number in session.exec(stmt.order_by(Person.id)).all():
            for v in id_number_variants(number):
                people.setdefault(v, pid)


def _remember(session: Session, actor: User, prepared: Prepared, now) -> None:
    key, value = mappings.header_key(prepared.header), mappings.encode(prepared.mapping)
    if len(value) > 2000:
        return  # too wide a ledger to remember: it is mapped again next time
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value, updated_by_id=actor.id))
    elif row.value != value:
        row.value, row.updated_by_id = value, actor.id
        session.add(row)
