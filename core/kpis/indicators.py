"""The indicators of DOMAIN.md §8, each computed by SQL aggregates in the database for any period and scope.

Every case-based indicator is declared once as a `Spec`: the date column that places a case in the period,
the population (the denominator) and the numerator as SQL conditions over `case`. The same declaration
gives the figure (`compute`), its breakdown over time or place (`series`) and the cases it counts (`drill`),
so the case list opened from a number shows exactly the cases behind it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields, replace
from datetime import date, timedelta

import sqlalchemy as sa
from sqlmodel import Session

from core.accounts import permissions
from core.cases import status as case_status
from core.platform import timeutil
from i18n import t
from models import (
    Case,
    CaseEvent,
    CaseStatus,
    Category,
    Channel,
    MediationCase,
    MediationMediator,
    MediationStatus,
    Mediator,
    Role,
    Satisfaction,
    SpotCheck,
    SpotCheckItem,
    SpotCheckStatus,
    Street,
    SupervisionLetter,
    Unit,
    User,
)

S = CaseStatus
KEYS = (
    "intake",
    "ontime_acceptance_rate",
    "ontime_reply_rate",
    "one_time_resolution_rate",
    "avg_days_to_close_first",
    "satisfaction_rate",
    "participation_rate",
    "repeat_rate",
    "mediation_agreements",
    "mediation_success_rate",
    "onsite_resolutions",
    "supervision_output",
)
RATES = frozenset(
    {
        "ontime_acceptance_rate",
        "ontime_reply_rate",
        "one_time_resolution_rate",
        "satisfaction_rate",
        "participation_rate",
        "repeat_rate",
        "mediation_success_rate",
    }
)
MEANS = frozenset({"avg_days_to_close_first"})
MEDIATION_KEYS = ("mediation_agreements", "mediation_success_rate")
TARGETS = {"one_time_resolution_rate": 0.94}  # the seed's figure (DOMAIN.md §8)
BUCKETS = ("month", "week", "street", "unit", "channel", "category", "subject")
PARTS = ("numerator", "denominator", "rest")
INTAKE_BY = ("channel", "category", "subject", "street", "unit")
RESOLVED = (Satisfaction.SATISFIED, Satisfaction.BASICALLY_SATISFIED)
RATED = (*RESOLVED, Satisfaction.DISSATISFIED)
ONSITE_CHANNELS = (Channel.LEADER_RECEPTION, Channel.ONSITE_OFFICE)


# --- period and scope -------------------------------------------------------------------------------


def _year_back(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


@dataclass(frozen=True)
class Period:
    """`[start, end]`, both days included, with the day the figures are taken (DOMAIN.md §8)."""

    start: date
    end: date
    as_of: date

    @classmethod
    def make(cls, start: date, end: date, as_of: date | None = None) -> Period:
        """Return a checked period; `as_of` defaults to today."""
        if start > end:
            raise ValueError(f"the period starts ({start}) after it ends ({end})")
        return cls(start, end, as_of or timeutil.today())

    @classmethod
    def week_of(cls, day: date) -> Period:
        """The Monday–Sunday week of `day`, taken on `day`."""
        monday = day - timedelta(days=day.weekday())
        return cls(monday, monday + timedelta(days=6), day)

    @classmethod
    def month_of(cls, day: date) -> Period:
        """The calendar month of `day`, taken on `day`."""
        first = day.replace(day=1)
        nxt = (first + timedelta(days=32)).replace(day=1)
        return cls(first, nxt - timedelta(days=1), day)

    @classmethod
    def year_of(cls, day: date) -> Period:
        """The calendar year of `day`, taken on `day`."""
        return cls(date(day.year, 1, 1), date(day.year, 12, 31), day)

    def previous_year(self) -> Period:
        """The same period one year earlier, `as_of` shifted too."""
        return Period(_year_back(self.start), _year_back(self.end), _year_back(self.as_of))


@dataclass(frozen=True)
class Scope:
    """A filter of the figures; every field maps to one URL query parameter."""

    street_id: int | None = None
    unit_id: int | None = None
    category: str | None = None
    subject: str | None = None
    channel: str | None = None

    PARAMS = {"street_id": "street", "unit_id": "unit"}

    def to_params(self) -> dict[str, str]:
        """Return the URL query parameters of the scope (unset fields left out)."""
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is not None:
                out[self.PARAMS.get(f.name, f.name)] = str(value)
        return out

    @classmethod
    def from_params(cls, params) -> Scope:
        """Return the scope of URL query parameters; malformed or unknown values are ignored."""

        def number(name: str) -> int | None:
            value = str(params.get(name) or "")
            return int(value) if value.isdigit() and len(value) < 19 else None

        def member(name: str, allowed: Iterable[str] | None) -> str | None:
            value = str(params.get(name) or "")[:40]
            return value if value and (allowed is None or value in allowed) else None

        return cls(
            street_id=number("street"),
            unit_id=number("unit"),
            category=member("category", {c.value for c in Category}),
            subject=member("subject", None),
            channel=member("channel", {c.value for c in Channel}),
        )


@dataclass(frozen=True)
class Figure:
    """One indicator: its value, numerator, denominator and the same figure one year earlier."""

    key: str
    value: float | int | None
    numerator: int | float | None
    denominator: int | None
    previous_year: float | int | None
    by: dict[str, dict[str, int]] | None = None

    def as_dict(self) -> dict:
        """Return the figure as the API shows it."""
        out = {
            "value": self.value,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "previous_year": self.previous_year,
        }
        if self.by is not None:
            out["by"] = self.by
        return out


# --- the case-based indicators ----------------------------------------------------------------------


def _later_case(link) -> Callable[[date], sa.ColumnElement[bool]]:
    """A later case linked to this one (a repeat, or a 复查/复核 case) received by `as_of`.

    An uncorrelated IN, read once per query: as a correlated EXISTS, SQLite (its statistics saying the
    link is NULL on every row, as review_of_id is) searched the received_on index once per closed case,
    which took 7 s for 3,000 cases and would not finish on 1,000,000 (bench/bench_kpis.py).
    """
    later = sa.orm.aliased(Case)

    def condition(as_of: date) -> sa.ColumnElement[bool]:
        column = getattr(later, link)
        return Case.id.in_(
            sa.select(column).where(column.is_not(None), later.received_on <= as_of, later.status != S.MERGED)
        )

    return condition


_repeated, _reviewed = _later_case("repeat_of_id"), _later_case("review_of_id")


def _mediated(as_of: date) -> sa.ColumnElement[bool]:
    return (
        sa.select(MediationCase.id)
        .where(
            MediationCase.case_id == Case.id,
            MediationCase.status == MediationStatus.AGREED,
            MediationCase.closed_on <= as_of,
        )
        .exists()
    )


def _closed_first(p: Period) -> sa.ColumnElement[bool]:
    return sa.and_(
        Case.is_first.is_(True), case_status.petition_track_closed_clause(), Case.closed_on <= p.as_of
    )


def _resolved_once(p: Period) -> sa.ColumnElement[bool]:
    resolved = sa.or_(
        sa.and_(Case.satisfaction.in_(RESOLVED), Case.rated_on <= p.as_of),
        _mediated(p.as_of),
        Case.onsite_resolved.is_(True),
    )
    no_review = sa.or_(Case.review_requested_on.is_(None), Case.review_requested_on > p.as_of)
    no_reexam = sa.or_(Case.reexam_requested_on.is_(None), Case.reexam_requested_on > p.as_of)
    return sa.and_(resolved, no_review, no_reexam, ~_repeated(p.as_of), ~_reviewed(p.as_of))


def _rated(p: Period, kinds) -> sa.ColumnElement[bool]:
    return sa.and_(Case.satisfaction.in_(kinds), Case.rated_on <= p.as_of)


def _days_to_close(dialect: str) -> sa.ColumnElement:
    if dialect == "postgresql":
        return Case.closed_on - Case.received_on
    return sa.cast(sa.func.julianday(Case.closed_on) - sa.func.julianday(Case.received_on), sa.Integer)


@dataclass(frozen=True)
class Spec:
    """A case-based indicator: the column that dates a case into the period, its population and numerator."""

    anchor: sa.orm.InstrumentedAttribute
    population: Callable[[Period], sa.ColumnElement[bool] | None]
    numerator: Callable[[Period], sa.ColumnElement[bool]] | None = None  # None: a count


SPECS: dict[str, Spec] = {
    "intake": Spec(Case.received_on, lambda p: None),
    "ontime_acceptance_rate": Spec(
        Case.acceptance_due_on,
        lambda p: None,
        lambda p: sa.func.coalesce(Case.accepted_on, Case.declined_on) <= Case.acceptance_due_on,
    ),
    "ontime_reply_rate": Spec(
        Case.reply_due_on, lambda p: None, lambda p: Case.replied_on <= Case.reply_due_on
    ),
    "one_time_resolution_rate": Spec(Case.closed_on, _closed_first, _resolved_once),
    "avg_days_to_close_first": Spec(Case.closed_on, _closed_first),
    "satisfaction_rate": Spec(
        Case.replied_on, lambda p: _rated(p, RATED), lambda p: Case.satisfaction.in_(RESOLVED)
    ),
    "participation_rate": Spec(Case.replied_on, lambda p: None, lambda p: _rated(p, RATED)),
    "repeat_rate": Spec(Case.received_on, lambda p: None, lambda p: Case.repeat_of_id.is_not(None)),
    "onsite_resolutions": Spec(
        Case.received_on,
        lambda p: sa.and_(
            Case.channel.in_(ONSITE_CHANNELS),
            Case.onsite_resolved.is_(True),
            Case.closed_on == Case.received_on,
            Case.closed_on <= p.as_of,
        ),
    ),
}
CASE_KEYS = frozenset(SPECS)


def _scope_clause(scope: Scope) -> list[sa.ColumnElement[bool]]:
    out = [Case.status != S.MERGED]  # merged duplicates count nowhere
    if scope.street_id is not None:
        out.append(Case.street_id == scope.street_id)
    if scope.unit_id is not None:
        out.append(Case.lead_unit_id == scope.unit_id)
    if scope.category:
        out.append(Case.category == scope.category)
    if scope.subject:
        out.append(Case.subject == scope.subject)
    if scope.channel:
        out.append(Case.channel == scope.channel)
    return out


def _population(key: str, p: Period, scope: Scope) -> list[sa.ColumnElement[bool]]:
    spec = SPECS[key]
    # nothing after as_of is known on as_of: last year's figure of this year so far stops on last year's as_of
    last = min(p.end, p.as_of)
    out = [spec.anchor >= p.start, spec.anchor <= last, *_scope_clause(scope)]
    extra = spec.population(p)
    return out if extra is None else [*out, extra]


def drill(key: str, part: str, period: Period, scope: Scope = Scope()) -> sa.ColumnElement[bool]:
    """Return the SQL condition of exactly the cases a figure counts: its numerator, denominator or the rest."""
    if key not in SPECS:
        raise ValueError(f"{key!r} counts no cases of the case list")
    if part not in PARTS:
        raise ValueError(f"part must be one of {PARTS}, not {part!r}")
    spec = SPECS[key]
    population = sa.and_(*_population(key, period, scope))
    if spec.numerator is None or part == "denominator":
        return population
    numerator = spec.numerator(period)
    return sa.and_(
        population, numerator if part == "numerator" else sa.not_(sa.func.coalesce(numerator, False))
    )


def _hit(condition) -> sa.ColumnElement:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def _case_columns(key: str, p: Period, dialect: str) -> list:
    spec = SPECS[key]
    if key in MEANS:
        return [sa.func.count(), sa.func.coalesce(sa.func.sum(_days_to_close(dialect)), 0)]
    if spec.numerator is None:
        return [sa.func.count()]
    return [sa.func.count(), _hit(spec.numerator(p))]


def _figure_of(key: str, row) -> tuple:
    """(value, numerator, denominator) from an aggregate row (count[, numerator])."""
    if key in MEANS:
        count, days = int(row[0] or 0), int(row[1] or 0)
        return (days / count if count else None), days, count
    if SPECS[key].numerator is None:
        n = int(row[0] or 0)
        return n, n, None
    denominator, numerator = int(row[0] or 0), int(row[1] or 0)
    return (numerator / denominator if denominator else None), numerator, denominator


def _case_figure(session: Session, key: str, p: Period, scope: Scope) -> tuple:
    dialect = session.get_bind().dialect.name
    stmt = sa.select(*_case_columns(key, p, dialect)).select_from(Case).where(*_population(key, p, scope))
    return _figure_of(key, session.execute(stmt).one())


def _intake_by(session: Session, p: Period, scope: Scope) -> dict[str, dict[str, int]]:
    where = _population("intake", p, scope)
    codes = {  # grouped by id in the case table's own index, named by code afterwards (no join per case)
        "street": dict(session.execute(sa.select(Street.id, Street.code)).all()),
        "unit": dict(session.execute(sa.select(Unit.id, Unit.code)).all()),
    }
    column_of = {"street": Case.street_id, "unit": Case.lead_unit_id}
    columns = [column_of.get(name, getattr(Case, name, None)) for name in INTAKE_BY]
    # one pass grouped by all five, folded here: grouped one by one, SQLite read each case's row five times
    rows = session.execute(sa.select(*columns, sa.func.count()).where(*where).group_by(*columns)).all()
    totals: dict[str, dict] = {name: {} for name in INTAKE_BY}
    for row in rows:
        for i, name in enumerate(INTAKE_BY):
            key = codes[name].get(row[i]) if name in codes else row[i]
            if key is not None:
                totals[name][key] = totals[name].get(key, 0) + int(row[-1])
    return {
        name: {str(k): n for k, n in sorted(found.items(), key=lambda r: (-r[1], str(r[0])))}
        for name, found in totals.items()
    }


# --- mediation and supervision ----------------------------------------------------------------------


def _mediation_where(p: Period, scope: Scope, statuses) -> list:
    where = [
        MediationCase.closed_on >= p.start,
        MediationCase.closed_on <= min(p.end, p.as_of),
        MediationCase.status.in_(statuses),
    ]
    if scope.street_id is not None:
        where.append(MediationCase.street_id == scope.street_id)
    case_scope = replace(scope, street_id=None)
    if case_scope != Scope():  # the unit, category, … of the petition case it was referred from
        linked = sa.select(Case.id).where(Case.id == MediationCase.case_id, *_scope_clause(case_scope))
        where.append(linked.exists())
    return where


def _mediation(session: Session, key: str, p: Period, scope: Scope) -> tuple:
    agreed = MediationStatus.AGREED
    if key == "mediation_agreements":
        n = session.execute(
            sa.select(sa.func.count()).select_from(MediationCase).where(*_mediation_where(p, scope, [agreed]))
        ).scalar_one()
        return int(n), int(n), None
    where = _mediation_where(p, scope, [agreed, MediationStatus.FAILED])
    count, hits = session.execute(
        sa.select(sa.func.count(), _hit(MediationCase.status == agreed))
        .select_from(MediationCase)
        .where(*where)
    ).one()
    count, hits = int(count or 0), int(hits or 0)
    return (hits / count if count else None), hits, count


def _letters_where(p: Period, scope: Scope) -> list:
    where = [SupervisionLetter.issued_on >= p.start, SupervisionLetter.issued_on <= min(p.end, p.as_of)]
    if scope.unit_id is not None:
        where.append(SupervisionLetter.unit_id == scope.unit_id)
    case_scope = replace(scope, unit_id=None)
    if case_scope != Scope():
        linked = sa.select(Case.id).where(Case.id == SupervisionLetter.case_id, *_scope_clause(case_scope))
        where.append(linked.exists())
    return where


def _supervision(session: Session, p: Period, scope: Scope) -> tuple[int, dict]:
    rows = session.execute(
        sa.select(SupervisionLetter.kind, sa.func.count())
        .where(*_letters_where(p, scope))
        .group_by(SupervisionLetter.kind)
    ).all()
    kinds = {str(k): int(n) for k, n in rows}
    checks = [SpotCheck.drawn_on >= p.start, SpotCheck.drawn_on <= min(p.end, p.as_of)]
    done = SpotCheck.status != SpotCheckStatus.DRAWN
    completed = session.execute(sa.select(sa.func.count()).where(*checks, done)).scalar_one()
    item_where = [SpotCheckItem.spot_check_id == SpotCheck.id, *checks, done]
    if scope.unit_id is not None:
        item_where.append(SpotCheckItem.unit_id == scope.unit_id)
    checked, notices = session.execute(
        sa.select(_hit(SpotCheckItem.passed.is_not(None)), _hit(SpotCheckItem.rectification_due.is_not(None)))
        .select_from(SpotCheckItem)
        .join(SpotCheck, SpotCheck.id == SpotCheckItem.spot_check_id)
        .where(*item_where)
    ).one()
    by = {
        "kind": kinds,
        "spot_checks": {
            "completed": int(completed or 0),
            "cases_checked": int(checked or 0),
            "rectification_notices": int(notices or 0),
        },
    }
    return sum(kinds.values()), by


# --- compute, with a cache that any write invalidates -----------------------------------------------


def effective_scope(user: User, scope: Scope) -> Scope:
    """Return the scope the user's figures are taken in: a handler's are his own unit's (DOMAIN.md §8)."""
    permissions.require(user, "kpi.view")
    if user.role == Role.HANDLER:
        return replace(scope, unit_id=user.unit_id if user.unit_id is not None else -1)
    return scope


def _raw(session: Session, key: str, p: Period, scope: Scope) -> tuple[tuple, dict | None]:
    if key in SPECS:
        figure = _case_figure(session, key, p, scope)
        return figure, (_intake_by(session, p, scope) if key == "intake" else None)
    if key in MEDIATION_KEYS:
        return _mediation(session, key, p, scope), None
    if key == "supervision_output":
        n, by = _supervision(session, p, scope)
        return (n, n, None), by
    raise ValueError(f"unknown indicator {key!r}")


_CACHE_SIZE = 512
_cache: OrderedDict = OrderedDict()
_lock = threading.Lock()


def generation(session: Session) -> tuple:
    """Return what every write changes: the newest audit event (each write records one, in its commit).

    Its time as well as its id, so a database started afresh under the same address is not taken for the old.
    """
    row = session.execute(
        sa.select(CaseEvent.id, CaseEvent.at).order_by(CaseEvent.id.desc()).limit(1)
    ).first()
    return (row[0], str(row[1])) if row else (0, "")


def _cached(key: tuple, make: Callable[[], object]):
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    value = make()
    with _lock:
        _cache[key] = value
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return value


def cached(session: Session, key: tuple, make: Callable[[], object]):
    """Return make()'s value for `key` in this database as of its newest write, computing it once per write."""
    return _cached((str(getattr(session.get_bind(), "url", "")), generation(session), *key), make)


def clear_cache() -> None:
    """Forget every cached figure (benchmarks measure the cold path with it)."""
    with _lock:
        _cache.clear()


def compute(
    session: Session, user: User, period: Period, scope: Scope = Scope(), keys: Iterable[str] = KEYS
) -> dict[str, Figure]:
    """Return each indicator of `keys` for the period and scope, with the same figure one year earlier."""
    scope = effective_scope(user, scope)
    keys = tuple(keys)
    unknown = [k for k in keys if k not in KEYS]
    if unknown:
        raise ValueError(f"unknown indicators: {', '.join(unknown)}")
    bind = session.get_bind()
    stamp = (str(getattr(bind, "url", "")), generation(session))

    def make() -> dict[str, Figure]:
        before = period.previous_year()
        out = {}
        for key in keys:
            (value, numerator, denominator), by = _raw(session, key, period, scope)
            (previous, _, _), _ = _raw(session, key, before, scope)
            out[key] = Figure(key, value, numerator, denominator, previous, by)
        return out

    return _cached(("compute", stamp, period, scope, keys), make)


# --- series: one indicator over months, weeks, places or kinds -------------------------------------


def _bucket_expr(by: str, anchor, dialect: str):
    if by == "month":
        if dialect == "postgresql":
            return sa.func.to_char(anchor, "YYYY-MM")
        return sa.func.strftime("%Y-%m", anchor)
    if by == "week":
        if dialect == "postgresql":
            return sa.func.to_char(sa.func.date_trunc("week", anchor), "YYYY-MM-DD")
        return sa.func.date(anchor, "weekday 0", "-6 days")
    return {
        "street": Case.street_id,
        "unit": Case.lead_unit_id,
        "channel": Case.channel,
        "category": Case.category,
        "subject": Case.subject,
    }[by]


def _labels(session: Session, by: str | None, values: set) -> dict:
    from i18n import label

    values = {v for v in values if v is not None}
    if by == "street" and values:
        rows = session.execute(sa.select(Street.id, Street.name).where(Street.id.in_(values))).all()
        return {str(i): name for i, name in rows}
    if by == "unit" and values:
        rows = session.execute(sa.select(Unit.id, Unit.name).where(Unit.id.in_(values))).all()
        return {str(i): name for i, name in rows}
    if by == "mediator" and values:
        rows = session.execute(sa.select(Mediator.id, Mediator.name).where(Mediator.id.in_(values))).all()
        return {str(i): name for i, name in rows}
    if by in ("channel", "category", "subject"):
        return {str(v): label(by, v) for v in values}
    return {str(v): str(v) for v in values}


def _mediation_series(
    session: Session, key: str, p: Period, scope: Scope, by: str, dialect: str, user: User | None = None
):
    if by not in ("month", "week", "street", "mediator"):
        raise ValueError(f"{key} has no breakdown by {by}")
    anchor = MediationCase.closed_on
    agreed = MediationStatus.AGREED
    statuses = [agreed] if key == "mediation_agreements" else [agreed, MediationStatus.FAILED]
    if by == "mediator":  # a co-mediated case counts for each mediator on it
        bucket = MediationMediator.mediator_id
        source = sa.join(
            MediationCase, MediationMediator, MediationMediator.mediation_id == MediationCase.id
        ).join(Mediator, Mediator.id == MediationMediator.mediator_id)
        where = [*_mediation_where(p, scope, statuses), permissions.mediator_clause(user)]
    else:
        bucket = MediationCase.street_id if by == "street" else _bucket_expr(by, anchor, dialect)
        source, where = MediationCase.__table__, _mediation_where(p, scope, statuses)
    stmt = (
        sa.select(bucket, sa.func.count(), _hit(MediationCase.status == agreed))
        .select_from(source)
        .where(*where)
        .group_by(bucket)
    )
    out = []
    for value, count, hits in session.execute(stmt).all():
        count, hits = int(count), int(hits)
        if key == "mediation_agreements":
            out.append((value, None, (count, count, None)))
        else:
            out.append((value, None, (hits / count if count else None, hits, count)))
    return out


def _supervision_series(session: Session, p: Period, scope: Scope, by: str, dialect: str):
    if by not in ("month", "week"):
        raise ValueError(f"supervision_output has no breakdown by {by}")
    bucket = _bucket_expr(by, SupervisionLetter.issued_on, dialect)
    stmt = (
        sa.select(bucket, SupervisionLetter.kind, sa.func.count())
        .where(*_letters_where(p, scope))
        .group_by(bucket, SupervisionLetter.kind)
    )
    return [(b, str(kind), (int(n), int(n), None)) for b, kind, n in session.execute(stmt).all()]


def series(
    session: Session,
    user: User,
    key: str,
    period: Period,
    scope: Scope = Scope(),
    by: str = "month",
    split: str | None = None,
) -> list[dict]:
    """Return one indicator per bucket (and per split), e.g. intake by month and channel."""
    scope = effective_scope(user, scope)
    if by not in BUCKETS or (split is not None and split not in BUCKETS):
        raise ValueError(f"by and split must be among {BUCKETS}")
    if key not in KEYS:
        raise ValueError(f"unknown indicator {key!r}")
    return _series(session, None, key, period, scope, by, split)


def mediator_series(
    session: Session, user: User, key: str, period: Period, scope: Scope = Scope()
) -> list[dict]:
    """Return a mediation indicator per mediator (a co-mediated case counts for each on it), over the
    mediators the user may see (core.accounts.permissions.mediator_clause: a mediator his own and juniors')."""
    permissions.require(user, "mediation.view")
    if key not in MEDIATION_KEYS:
        raise ValueError(f"{key} has no breakdown by mediator")
    return _series(session, user, key, period, scope, "mediator", None)


def _series(
    session: Session, user: User | None, key: str, period: Period, scope: Scope, by: str, split: str | None
) -> list[dict]:
    stamp = (str(getattr(session.get_bind(), "url", "")), generation(session))
    viewer = user.id if user is not None and user.role == Role.MEDIATOR else None

    def make() -> list[dict]:
        dialect = session.get_bind().dialect.name
        if key in MEDIATION_KEYS:
            rows = _mediation_series(session, key, period, scope, by, dialect, user)
            split_by = None
        elif key == "supervision_output":
            rows = _supervision_series(session, period, scope, by, dialect)
            split_by = "letter_kind"
        else:
            spec = SPECS[key]
            bucket = _bucket_expr(by, spec.anchor, dialect)
            group = [bucket] + ([_bucket_expr(split, spec.anchor, dialect)] if split else [])
            stmt = (
                sa.select(*group, *_case_columns(key, period, dialect))
                .select_from(Case)
                .where(*_population(key, period, scope))
                .group_by(*group)
            )
            rows = []
            for row in session.execute(stmt).all():
                rest = row[2:] if split else row[1:]
                rows.append((row[0], row[1] if split else None, _figure_of(key, rest)))
            split_by = split
        names = _labels(session, by if by not in ("month", "week") else None, {r[0] for r in rows})
        split_names = (
            _labels(session, split_by, {r[1] for r in rows})
            if split_by and split_by != "letter_kind"
            else _letter_kind_labels({r[1] for r in rows})
        )
        out = []
        for bucket_value, split_value, (value, numerator, denominator) in rows:
            b = str(bucket_value) if bucket_value is not None else ""
            s = str(split_value) if split_value is not None else None
            out.append(
                {
                    "bucket": b,
                    "label": names.get(b, b) if b else t("kpi.unassigned"),
                    "split": s,
                    "split_label": split_names.get(s, s) if s is not None else None,
                    "value": value,
                    "numerator": numerator,
                    "denominator": denominator,
                }
            )
        return sorted(out, key=lambda r: (r["bucket"], r["split"] or ""))

    return _cached(("series", stamp, key, period, scope, by, split, viewer), make)


def _letter_kind_labels(values: set) -> dict:
    from i18n import label

    return {str(v): label("letter_kind", v) for v in values if v is not None}


def overdue_by_unit(session: Session, user: User, as_of: date, scope: Scope = Scope()) -> list[dict]:
    """Return the league table of overdue cases by lead unit, worst first (the one "overdue" definition)."""
    scope = effective_scope(user, scope)
    stamp = (str(getattr(session.get_bind(), "url", "")), generation(session))

    def make() -> list[dict]:
        overdue = case_status.overdue_clause(as_of)
        stmt = (
            sa.select(Case.lead_unit_id, Unit.name, _hit(overdue), sa.func.count())
            .select_from(Case)
            .join(Unit, Unit.id == Case.lead_unit_id)
            .where(case_status.open_clause(), *_scope_clause(scope))
            .group_by(Case.lead_unit_id, Unit.name)
        )
        rows = [
            {"unit_id": int(u), "unit": name, "overdue": int(o), "open": int(n)}
            for u, name, o, n in session.execute(stmt).all()
        ]
        return sorted(rows, key=lambda r: (-r["overdue"], -r["open"], r["unit"]))

    return _cached(("overdue", stamp, as_of, scope), make)


def overdue_drill(as_of: date, scope: Scope = Scope()) -> sa.ColumnElement[bool]:
    """Return the SQL condition of the overdue cases the league table counts."""
    return sa.and_(case_status.open_clause(), case_status.overdue_clause(as_of), *_scope_clause(scope))
