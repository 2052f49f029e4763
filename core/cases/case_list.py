"""The case list: search, filters, sorting and paging done in the database, scoped to the user; xlsx export."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass, field, fields
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, func, select

from core.accounts import audit, permissions, pii
from core.cases.workflow import open_clause, overdue_clause
from core.platform import search
from core.platform.spreadsheet import XlsxSheet
from core.platform.validation import MAX_ID
from models import Case, CaseParty, CaseStatus, Category, Channel, Person, Street, Unit, User

SORTS = {"received_on", "due_on", "number", "status", "registered_at"}
MAX_PAGE_SIZE = 200
MAX_PAGE = 100_000  # 20 million rows at the largest page size: the OFFSET stays far inside 64 bits
EXPORT_LIMIT = 50_000
_NUMBER = re.compile(r"^[A-Za-z]{1,4}-\d{4}(-\d{0,6})?$")
_ID_NUMBER = re.compile(r"^(\d{17}[\dXx]|\d{15})$")
_KPI = re.compile(r"^[a-z_]{1,40}$")
KPI_PARTS = ("numerator", "denominator", "rest")
_PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


@dataclass
class CaseFilter:
    """What the user asked the list for; every field maps to one URL query parameter."""

    q: str = ""
    status: list[str] = field(default_factory=list)
    stage: str = ""
    channel: list[str] = field(default_factory=list)
    category: list[str] = field(default_factory=list)
    subject: list[str] = field(default_factory=list)
    street: int | None = None
    unit: int | None = None
    received_from: date | None = None
    received_to: date | None = None
    overdue: bool = False
    open_only: bool = False
    sort: str = "-received_on"
    page: int = 1
    page_size: int = 50
    # an indicator's drill-down (the cases kpis.drill counts); the page builds the condition and passes it in
    kpi: str = ""
    kpi_part: str = ""
    kpi_from: date | None = None
    kpi_to: date | None = None
    kpi_as_of: date | None = None

    def __post_init__(self) -> None:
        # control characters match nothing a clerk typed, and PostgreSQL refuses a NUL in any text parameter
        self.q = "".join(" " if unicodedata.category(c) == "Cc" else c for c in self.q).strip()


@dataclass(frozen=True)
class CaseRow:
    """One line of the case list."""

    id: int
    number: str
    received_on: date
    channel: str
    category: str
    subject: str
    title: str
    status: str
    stage: str | None
    due_on: date | None
    due_provisional: bool
    unit: str | None
    street: str | None
    petitioners: str


def to_params(f: CaseFilter) -> dict[str, str]:
    """Return the URL query parameters of a filter (defaults left out), so a list can be shared."""
    default = CaseFilter()
    out: dict[str, str] = {}
    for fl in fields(CaseFilter):
        value = getattr(f, fl.name)
        if value == getattr(default, fl.name):
            continue
        if isinstance(value, list):
            out[fl.name] = ",".join(value)
        elif isinstance(value, bool):
            out[fl.name] = "1"
        elif isinstance(value, date):
            out[fl.name] = value.isoformat()
        else:
            out[fl.name] = str(value)
    return out


def _int(value: str | None, default: int | None, low: int = 1, high: int = MAX_ID) -> int | None:
    try:
        n = int(value) if value not in (None, "") else default
    except ValueError:
        return default
    if n is None:
        return None
    return max(low, min(n, high))


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _listed(value: str | None, allowed: set[str] | None) -> list[str]:
    items = [v for v in (value or "").split(",") if v]
    return [v for v in items if allowed is None or v in allowed]


def from_params(params: dict[str, str]) -> CaseFilter:
    """Return the filter described by URL query parameters; unknown or malformed values are ignored."""
    sort = params.get("sort", "-received_on")
    kpi, part = params.get("kpi") or "", params.get("kpi_part") or ""
    return CaseFilter(
        q=(params.get("q") or "").strip()[:100],
        status=_listed(params.get("status"), {s.value for s in CaseStatus}),
        stage=params.get("stage", "")[:24],
        channel=_listed(params.get("channel"), {c.value for c in Channel}),
        category=_listed(params.get("category"), {c.value for c in Category}),
        subject=_listed(params.get("subject"), None),
        street=_int(params.get("street"), None),
        unit=_int(params.get("unit"), None),
        received_from=_date(params.get("received_from")),
        received_to=_date(params.get("received_to")),
        overdue=params.get("overdue") in ("1", "true"),
        open_only=params.get("open_only") in ("1", "true"),
        sort=sort if sort.lstrip("-") in SORTS else "-received_on",
        page=_int(params.get("page"), 1, 1, MAX_PAGE) or 1,
        page_size=_int(params.get("page_size"), 50, 1, MAX_PAGE_SIZE) or 50,
        kpi=kpi if _KPI.match(kpi) else "",
        kpi_part=part if part in KPI_PARTS else "",
        kpi_from=_date(params.get("kpi_from")),
        kpi_to=_date(params.get("kpi_to")),
        kpi_as_of=_date(params.get("kpi_as_of")),
    )


TEXT_COUNT_CAP = 10_000  # a text search counts its hits up to here; more is shown as "more than 10,000"
DENSE_HITS = 2000  # a text search with more hits than this reads along an index instead of sorting them


@dataclass(frozen=True)
class _TextMatch:
    """What a text query finds: its hit count (at most TEXT_COUNT_CAP + 1) and, when few, their ids."""

    hits: int
    ids: list[int] | None  # every hit when there are at most DENSE_HITS, else None
    named: list[int]  # the cases found by a party's name
    named_other: list[int]  # those found by the name of a party who is no accuser (a respondent)


def _is_text_query(q: str) -> bool:
    """Return whether the box holds words to look up in names and the text index (not a number)."""
    plain = not (_NUMBER.match(q) or _ID_NUMBER.match(q) or _PHONE.match(q))
    return bool(q) and plain and search.searchable(q)


def count_is_capped(f: CaseFilter, total: int) -> bool:
    """Return whether `total` from search_cases is a lower bound ("more than TEXT_COUNT_CAP")."""
    return _is_text_query(f.q) and total > TEXT_COUNT_CAP


def _identity(user: User) -> sa.ColumnElement[bool] | None:
    """Return where the user may match a case by its accuser's name, numbers or words (None: everywhere)."""
    return None if pii.sees_every_identity(user) else pii.identity_clause(user)


_ACCUSERS = sorted(r.value for r in pii.ACCUSER_ROLES)


def _by_party(condition, identity: sa.ColumnElement[bool] | None):
    """Return the cases with a party meeting `condition`; an accuser counts only where `identity` holds (第30条)."""
    people = select(CaseParty.case_id).join(Person, Person.id == CaseParty.person_id).where(condition)
    if identity is None:
        return Case.id.in_(people)
    accusers = people.where(CaseParty.role.in_(_ACCUSERS))
    others = people.where(CaseParty.role.not_in(_ACCUSERS))
    return sa.or_(sa.and_(Case.id.in_(accusers), identity), Case.id.in_(others))


def _title_contains(q: str) -> sa.ColumnElement[bool]:
    """Return whether the title holds every word of `q` (titles are never hidden)."""
    words = [unicodedata.normalize("NFKC", w).lower() for w in q.split() if search.tokens(w)]
    return sa.and_(*(func.lower(Case.title).contains(w, autoescape=True) for w in words))


def _indexed_ids(session: Session, q: str):
    """Return a SELECT of the ids of cases whose title, content or request contains `q` (the text index)."""
    text = search.match_case_ids(session.connection().dialect.name, q).columns(sa.column("id", sa.Integer))
    return select(text.subquery().c.id)


def _text_match(session: Session, q: str) -> _TextMatch:
    """Find a text query's hits: by name and in the text index; few are listed, many only counted to the cap."""
    people = select(CaseParty.case_id, CaseParty.role).join(Person, Person.id == CaseParty.person_id)
    found = session.exec(people.where(Person.name == q).limit(TEXT_COUNT_CAP)).all()
    named = sorted({case_id for case_id, _ in found})
    named_other = sorted({case_id for case_id, role in found if str(role) not in _ACCUSERS})
    capped = _indexed_ids(session, q).limit(TEXT_COUNT_CAP + 1).subquery()
    indexed = session.exec(select(func.count()).select_from(capped)).one()
    if indexed + len(named) <= DENSE_HITS:
        ids = sorted(set(session.exec(_indexed_ids(session, q)).all()) | set(named))
        return _TextMatch(len(ids), ids, named, named_other)
    hits = indexed
    if named and indexed <= TEXT_COUNT_CAP:  # add the named cases the text index did not find
        every = _indexed_ids(session, q).subquery()
        both = session.exec(select(func.count()).select_from(every).where(every.c.id.in_(named))).one()
        hits = min(indexed + len(named) - both, TEXT_COUNT_CAP + 1)
    return _TextMatch(hits, None, named, named_other)


def _text_condition(
    session: Session,
    q: str,
    match: _TextMatch,
    identity: sa.ColumnElement[bool] | None = None,
    *,
    by_hits: bool = False,
):
    """Return the condition of a text query, shaped so the database reads few rows for one page.

    `by_hits`: shaped to be driven by the index hits instead, for counting them when nothing else narrows.
    """
    column = Case.id
    if match.ids is not None:
        hit = column.in_(match.ids)  # few hits: the primary key finds them, a small sort orders them
    else:
        if session.connection().dialect.name == "sqlite" and not by_hits:
            # "id + 0" keeps SQLite from driving the query by id: it walks the index of the sort column (or
            # of another filter) and stops after one page instead of sorting every hit. PostgreSQL finds that
            # plan itself from a plain IN, which it turns into a semi-join.
            column = Case.id + 0
        hit = column.in_(_indexed_ids(session, q))
        # The named cases are a short list; an OR only when there are some keeps the plain IN's plan otherwise.
        hit = sa.or_(hit, column.in_(match.named)) if match.named else hit
    if identity is None:
        return hit
    # The index holds content and request, and names may be an accuser's: where the user may not know the
    # accuser, only the title (or a respondent's name) may match, so a search never confirms who accused.
    shielded = sa.and_(hit, sa.or_(identity, _title_contains(q)))
    return sa.or_(shielded, column.in_(match.named_other)) if match.named_other else shielded


def _query_condition(
    session: Session,
    q: str,
    match: _TextMatch | None = None,
    identity: sa.ColumnElement[bool] | None = None,
):
    """Return the WHERE condition for the free-text box: number, ID number, phone, name or text.

    `identity` (see _identity) narrows every branch that matches what an accuser gave: his name, ID number,
    phone, and the content and request the text index holds.
    """
    if _NUMBER.match(q):
        q = q.upper()
        return sa.and_(
            Case.number >= q, Case.number < q + "\uffff"
        )  # prefix, index-friendly on both databases
    if _ID_NUMBER.match(q):
        return _by_party(Person.id_number == q.upper(), identity)
    if _PHONE.match(q):
        return _by_party(Person.phone == q, identity)
    if match is not None:
        return _text_condition(session, q, match, identity)
    return sa.or_(_by_party(Person.name == q, identity), Case.title.contains(q, autoescape=True))


def _conditions(
    session: Session,
    f: CaseFilter,
    today: date,
    match: _TextMatch | None = None,
    identity: sa.ColumnElement[bool] | None = None,
) -> list:
    conds = []
    if f.q:
        conds.append(_query_condition(session, f.q, match, identity))
    simple = (
        (Case.status, f.status),
        (Case.channel, f.channel),
        (Case.category, f.category),
        (Case.subject, f.subject),
    )
    conds += [col.in_(values) for col, values in simple if values]
    if f.stage:
        conds.append(Case.stage == f.stage)
    if f.street:
        conds.append(Case.street_id == f.street)
    if f.unit:
        conds.append(Case.lead_unit_id == f.unit)
    if f.received_from:
        conds.append(Case.received_on >= f.received_from)
    if f.received_to:
        conds.append(Case.received_on <= f.received_to)
    if f.open_only:
        conds.append(open_clause())
    if f.overdue:
        conds.append(overdue_clause(today))
    return conds


def _order(sort: str):
    column = getattr(Case, sort.lstrip("-"))
    descending = sort.startswith("-")
    order = [column.desc(), Case.id.desc()] if descending else [column.asc(), Case.id.asc()]
    if sort.lstrip("-") == "due_on":  # cases without a running deadline come last either way
        order[0] = order[0].nulls_last()
    return order


def _names_by_case(session: Session, user: User, cases: list[Case]) -> dict[int, str]:
    """Return petitioner names per case, hidden where the user may not know the accuser's identity."""
    ids = [c.id for c in cases if pii.can_see_identity(user, c) and not c.anonymous]
    names: dict[int, list[str]] = {}
    if ids:
        stmt = (
            select(CaseParty.case_id, Person.name)
            .join(Person, Person.id == CaseParty.person_id)
            .where(CaseParty.case_id.in_(ids), CaseParty.role != "respondent")
            .order_by(CaseParty.id)
        )
        for case_id, name in session.exec(stmt):
            names.setdefault(case_id, []).append(name)
    return {cid: "、".join(n[:3]) + ("等" if len(n) > 3 else "") for cid, n in names.items()}


def search_cases(
    session: Session, user: User, f: CaseFilter, today: date, extra: sa.ColumnElement[bool] | None = None
) -> tuple[list[CaseRow], int]:
    """Return one page of the cases the user may see that match the filter, and the total count.

    `extra`: one more condition over Case, e.g. an indicator's drill-down built by the page from kpis.drill
    (this wing cannot import core.kpis, which sits above it).

    A text search counts at most TEXT_COUNT_CAP + 1 cases (see count_is_capped); its pages are not clamped.
    """
    permissions.require(user, "case.view")
    match = _text_match(session, f.q) if _is_text_query(f.q) else None
    if match is not None and match.hits == 0:
        return [], 0
    identity = _identity(user) if f.q else None
    conds = _conditions(session, f, today, match, identity)
    if extra is not None:
        conds.append(extra)
    base = select(Case).where(*conds)
    scoped = permissions.scope_cases(base, user)
    if match is not None and len(conds) == 1 and scoped is base and identity is None:
        total = match.hits  # nothing else narrows the hits: they are the total
    elif match is not None and len(conds) == 1 and scoped is base:
        # only the accuser shield narrows the hits: count them by probing each hit, up to the cap
        shielded = _text_condition(session, f.q, match, identity, by_hits=True)
        capped = select(Case.id).where(shielded).limit(TEXT_COUNT_CAP + 1)
        total = session.exec(select(func.count()).select_from(capped.subquery())).one()
    elif match is not None:
        capped = permissions.scope_cases(select(Case.id).where(*conds), user).limit(TEXT_COUNT_CAP + 1)
        total = session.exec(select(func.count()).select_from(capped.subquery())).one()
    else:
        total = session.exec(
            permissions.scope_cases(select(func.count()).select_from(Case).where(*conds), user)
        ).one()
    page = max(1, f.page if count_is_capped(f, total) else min(f.page, -(-total // f.page_size)))
    cases = list(
        session.exec(scoped.order_by(*_order(f.sort)).offset((page - 1) * f.page_size).limit(f.page_size))
    )
    return _rows(session, user, cases), total


def _rows(session: Session, user: User, cases: list[Case]) -> list[CaseRow]:
    unit_ids = {c.lead_unit_id for c in cases if c.lead_unit_id}
    street_ids = {c.street_id for c in cases if c.street_id}
    units = (
        dict(session.exec(select(Unit.id, Unit.name).where(Unit.id.in_(unit_ids))).all()) if unit_ids else {}
    )
    streets = (
        dict(session.exec(select(Street.id, Street.name).where(Street.id.in_(street_ids))).all())
        if street_ids
        else {}
    )
    names = _names_by_case(session, user, cases)
    return [
        CaseRow(
            id=c.id,
            number=c.number,
            received_on=c.received_on,
            channel=str(c.channel),
            category=str(c.category),
            subject=c.subject,
            title=c.title,
            status=str(c.status),
            stage=c.stage,
            due_on=c.due_on,
            due_provisional=c.due_provisional,
            unit=units.get(c.lead_unit_id),
            street=streets.get(c.street_id),
            petitioners=names.get(c.id, ""),
        )
        for c in cases
    ]


EXPORT_COLUMNS = [
    ("number", "export.number"),
    ("received_on", "export.received_on"),
    ("channel", "export.channel"),
    ("category", "export.category"),
    ("subject", "export.subject"),
    ("title", "export.title"),
    ("petitioners", "export.petitioners"),
    ("street", "export.street"),
    ("unit", "export.unit"),
    ("status", "export.status"),
    ("stage", "export.stage"),
    ("due_on", "export.due_on"),
]


def export_xlsx(
    session: Session, user: User, f: CaseFilter, today: date, extra: sa.ColumnElement[bool] | None = None
) -> tuple[bytes, int]:
    """Return the filtered list as an .xlsx workbook with Chinese headers, and its row count; the export is audited.

    `extra`: the same extra condition as search_cases (an indicator's drill-down).
    """
    from i18n import label, t

    permissions.require(user, "case.export")
    chunk = CaseFilter(**{**asdict(f), "page_size": MAX_PAGE_SIZE})
    ws = XlsxSheet(t("export.sheet_cases"), [t(key) for _, key in EXPORT_COLUMNS])
    written, page = 0, 1
    while written < EXPORT_LIMIT:
        chunk.page = page
        rows, total = search_cases(session, user, chunk, today, extra)
        for r in rows:
            ws.append(_export_values(r, label))
        written += len(rows)
        if len(rows) < chunk.page_size or (not count_is_capped(f, total) and page * chunk.page_size >= total):
            break
        page += 1
    data = ws.save()
    audit.record(
        session, user, "case.export", object_type="case_list", after={"filter": to_params(f), "rows": written}
    )
    session.commit()
    return data, written


def _export_values(r: CaseRow, label) -> list:
    return [
        r.number,
        r.received_on,
        label("channel", r.channel),
        label("category", r.category),
        label("subject", r.subject),
        r.title,
        r.petitioners,
        r.street or "",
        r.unit or "",
        label("status", r.status),
        label("stage", r.stage) if r.stage else "",
        r.due_on,
    ]
