"""Benchmark the indicators (DOMAIN.md §8) on a large database: the dashboard, cold and warm, beside pandas and DuckDB.

    python -m bench.generate --database-url sqlite:////tmp/bench_1m.db --cases 1000000 --today 2026-11-27
    python -m bench.bench_kpis --database-url sqlite:////tmp/bench_1m.db [--runs 15]
    (PostgreSQL: the same with --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_1m)

Times, all in one run (median of --runs; the baselines of --baseline-runs):
  - core.kpis.compute of every key for the period (with its previous year), cold (the kpis cache cleared
    before each run) and warm;
  - the dashboard: its page script run (AppTest of pages/dashboard.py) when the page exists, else the core
    calls the dashboard makes (compute, the series of its charts, the overdue league table), cold and warm;
  - (a) pandas: read the case, mediation_case and supervision_letter tables with pandas.read_sql and compute
    the same numbers in pandas;
  - (b) DuckDB (the extra `bench`): copy the same tables into an in-memory DuckDB (timed apart) and compute
    the same numbers in DuckDB SQL, the near limit for one machine.

Targets (issue 12): dashboard cold <= 1.0 s and within 5x of (b), warm <= 300 ms.

Cross-check: (a) and (b) implement the formulas of DOMAIN.md §8 again, independently of core.kpis; the bench
compares their value, numerator and denominator (and previous_year) with core.kpis.compute for every key and
prints each mismatch (key, field, both numbers). Any mismatch makes the exit status 1.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, select

from bench.bench_desk import _app, _bench_user
from core import kpis
from core.bootstrap import prepare_database
from core.platform import db
from core.platform.timeutil import REFERENCE_DATE_ENV
from models import Case, Role

TARGET_COLD_MS = 1000.0
TARGET_WARM_MS = 300.0
TARGET_DUCKDB_RATIO = 5.0

# DOMAIN.md §8, read again here rather than imported: the cross-check must not share core's definitions
SATISFIED = ("satisfied", "basically_satisfied")
RATED = ("satisfied", "basically_satisfied", "dissatisfied")
# "Closed" means on the petition track: these leave it (导入法定途径, 不予受理, 不再受理, withdrawn, invalid, merged)
OFF_TRACK = ("routed_out", "declined", "barred", "withdrawn", "invalid", "merged")
ONSITE_CHANNELS = ("leader_reception", "onsite_office")
CLOSED_FIRST = f"closed_on BETWEEN $start AND $end AND status NOT IN {OFF_TRACK} AND is_first"
INTAKE_BY = ("channel", "category", "subject")  # the breakdowns by a case column (street and unit go by code)
CASE_COLUMNS = (
    "id, status, merged_into_id, channel, category, subject, street_id, lead_unit_id, received_on, is_first,"
    " repeat_of_id, review_of_id, closed_on, replied_on, satisfaction, rated_on, review_requested_on,"
    " reexam_requested_on, onsite_resolved, accepted_on, declined_on, acceptance_due_on, reply_due_on"
)
CASE_DATES = [
    "received_on",
    "closed_on",
    "replied_on",
    "rated_on",
    "review_requested_on",
    "reexam_requested_on",
    "accepted_on",
    "declined_on",
    "acceptance_due_on",
    "reply_due_on",
]


@dataclass(frozen=True)
class Number:
    """One indicator as a baseline computes it: value, numerator, denominator, and the previous year's value."""

    value: float | int | None
    numerator: float | int | None
    denominator: int | None
    previous_year: float | int | None = None
    by: dict[str, dict[str, int]] | None = None  # the breakdowns the charts show (intake, letters by kind)


def _rate(numerator: int, denominator: int) -> Number:
    return Number(numerator / denominator if denominator else None, numerator, denominator)


def _count(n: int, by: dict | None = None) -> Number:
    return Number(n, n, None, by=by)


def _counts(series) -> dict[str, int]:
    return {str(k): int(n) for k, n in series.value_counts().items() if n}


def _median_ms(func: Callable[[], object], runs: int, before: Callable[[], object] | None = None):
    """Return (median, max) in ms of `runs` calls of `func`, and its last result; `before` runs untimed."""
    times, result = [], None
    for _ in range(runs):
        if before is not None:
            before()
        started = time.perf_counter()
        result = func()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times), result


# ---------------------------------------------------------------------------------------------------------
# (a) pandas


def _load_frames(engine: sa.Engine) -> dict[str, object]:
    """Read the three tables the indicators need into pandas frames (dates parsed)."""
    import pandas as pd

    with engine.connect() as conn:
        cases = pd.read_sql(sa.text(f'SELECT {CASE_COLUMNS} FROM "case"'), conn, parse_dates=CASE_DATES)
        mediation = pd.read_sql(
            sa.text("SELECT id, case_id, status, closed_on FROM mediation_case"),
            conn,
            parse_dates=["closed_on"],
        )
        letters = pd.read_sql(
            sa.text("SELECT id, kind, issued_on FROM supervision_letter"), conn, parse_dates=["issued_on"]
        )
    for column in ("is_first", "onsite_resolved"):
        cases[column] = cases[column].astype(bool)
    return {"case": cases, "mediation_case": mediation, "supervision_letter": letters}


def _pandas_period(frames: dict, start: date, end: date, as_of: date) -> dict[str, Number]:
    import pandas as pd

    # figures taken on as_of: nothing dated after it has happened yet (the period stops at as_of)
    s, e, a = pd.Timestamp(start), pd.Timestamp(min(end, as_of)), pd.Timestamp(as_of)
    c = frames["case"]
    c = c[(c.status != "merged") & c.merged_into_id.isna()]  # merged duplicates count nowhere
    m, letters = frames["mediation_case"], frames["supervision_letter"]
    out: dict[str, Number] = {}

    received = c[c.received_on.between(s, e)]
    out["intake"] = _count(len(received), {name: _counts(received[name]) for name in INTAKE_BY})
    # the deadline (the stage's limit from the clock, extension included) in the period and reached by as_of;
    # the unit decided by accepting or by a 不予受理 notice; undecided or unreplied cases count as late
    due = c[c.acceptance_due_on.between(s, e) & (c.acceptance_due_on <= a)]
    decided = due.accepted_on.fillna(due.declined_on)
    out["ontime_acceptance_rate"] = _rate(int((decided <= due.acceptance_due_on).sum()), len(due))
    due = c[c.reply_due_on.between(s, e) & (c.reply_due_on <= a)]
    out["ontime_reply_rate"] = _rate(int((due.replied_on <= due.reply_due_on).sum()), len(due))
    out["repeat_rate"] = _rate(int(received.repeat_of_id.notna().sum()), len(received))

    closed_first = c[c.closed_on.between(s, e) & ~c.status.isin(OFF_TRACK) & c.is_first]
    agreed = m[(m.status == "agreed") & (m.closed_on <= a) & m.case_id.notna()].case_id
    repeated = c[c.repeat_of_id.notna() & (c.received_on <= a)].repeat_of_id
    reviewed = c[c.review_of_id.notna() & (c.received_on <= a)].review_of_id
    resolved = (
        (closed_first.satisfaction.isin(SATISFIED) & (closed_first.rated_on <= a))
        | closed_first.id.isin(agreed)
        | closed_first.onsite_resolved
    )
    followed = (
        (closed_first.review_requested_on <= a)
        | (closed_first.reexam_requested_on <= a)
        | closed_first.id.isin(repeated)
        | closed_first.id.isin(reviewed)
    )
    out["one_time_resolution_rate"] = _rate(int((resolved & ~followed).sum()), len(closed_first))
    days = (closed_first.closed_on - closed_first.received_on).dt.days
    total = int(days.sum())
    out["avg_days_to_close_first"] = Number(total / len(days) if len(days) else None, total, len(days))

    replied = c[c.replied_on.between(s, e)]
    rated = replied[replied.satisfaction.isin(RATED) & (replied.rated_on <= a)]
    out["satisfaction_rate"] = _rate(int(rated.satisfaction.isin(SATISFIED).sum()), len(rated))
    out["participation_rate"] = _rate(len(rated), len(replied))

    m_closed = m[m.closed_on.between(s, e)]
    n_agreed = int((m_closed.status == "agreed").sum())
    out["mediation_agreements"] = _count(n_agreed)
    out["mediation_success_rate"] = _rate(n_agreed, int(m_closed.status.isin(("agreed", "failed")).sum()))

    onsite = received[
        received.channel.isin(ONSITE_CHANNELS)
        & received.onsite_resolved
        & (received.closed_on == received.received_on)
    ]
    out["onsite_resolutions"] = _count(len(onsite))
    issued = letters[letters.issued_on.between(s, e)]
    out["supervision_output"] = _count(len(issued), {"kind": _counts(issued.kind)})
    return out


def pandas_figures(engine: sa.Engine, period) -> dict[str, Number]:
    """Return the §8 numbers of `period` (and its previous year) computed in pandas from freshly read tables."""
    frames = _load_frames(engine)
    return _with_previous_year(lambda p: _pandas_period(frames, p.start, p.end, p.as_of), period)


def _with_previous_year(compute: Callable, period) -> dict[str, Number]:
    now, before = compute(period), compute(period.previous_year())
    return {
        key: Number(number.value, number.numerator, number.denominator, before[key].value, number.by)
        for key, number in now.items()
    }


# ---------------------------------------------------------------------------------------------------------
# (b) DuckDB


def duckdb_copy(engine: sa.Engine):
    """Return an in-memory DuckDB holding copies of the three tables (read through pandas, typed in DuckDB)."""
    import duckdb

    frames = _load_frames(engine)
    con = duckdb.connect(":memory:")
    for name, frame in frames.items():
        con.register("incoming", frame)
        casts = ", ".join(
            f"CAST({col} AS DATE) AS {col}" if str(frame[col].dtype).startswith("datetime") else col
            for col in frame.columns
        )
        con.execute(f'CREATE TABLE "{name}" AS SELECT {casts} FROM incoming')
        con.unregister("incoming")
    return con


DUCKDB_SQL = f"""
WITH live AS (SELECT * FROM "case" WHERE status <> 'merged' AND merged_into_id IS NULL),
followed AS (  -- a later case linked as a repeat or as its review, received by as_of
    SELECT repeat_of_id AS id FROM live WHERE repeat_of_id IS NOT NULL AND received_on <= $as_of
    UNION SELECT review_of_id FROM live WHERE review_of_id IS NOT NULL AND received_on <= $as_of
),
agreed AS (
    SELECT DISTINCT case_id AS id FROM mediation_case
    WHERE status = 'agreed' AND closed_on <= $as_of AND case_id IS NOT NULL
),
c AS (
    SELECT live.*, agreed.id IS NOT NULL AS mediated,
        followed.id IS NOT NULL OR coalesce(review_requested_on <= $as_of, false)
            OR coalesce(reexam_requested_on <= $as_of, false) AS followed_up,
        satisfaction IN {RATED} AND rated_on <= $as_of AS is_rated
    FROM live LEFT JOIN followed USING (id) LEFT JOIN agreed USING (id)
),
m AS (SELECT status FROM mediation_case WHERE closed_on BETWEEN $start AND $end)
SELECT
    count(*) FILTER (WHERE received_on BETWEEN $start AND $end) AS intake,
    count(*) FILTER (WHERE received_on BETWEEN $start AND $end AND repeat_of_id IS NOT NULL) AS repeats,
    count(*) FILTER (WHERE acceptance_due_on BETWEEN $start AND $end AND acceptance_due_on <= $as_of)
        AS acceptance_due,
    count(*) FILTER (WHERE acceptance_due_on BETWEEN $start AND $end AND acceptance_due_on <= $as_of
        AND coalesce(accepted_on, declined_on) <= acceptance_due_on) AS acceptance_ontime,
    count(*) FILTER (WHERE reply_due_on BETWEEN $start AND $end AND reply_due_on <= $as_of) AS reply_due,
    count(*) FILTER (WHERE reply_due_on BETWEEN $start AND $end AND reply_due_on <= $as_of
        AND replied_on <= reply_due_on) AS reply_ontime,
    count(*) FILTER (WHERE {CLOSED_FIRST}) AS first_closed,
    count(*) FILTER (WHERE {CLOSED_FIRST} AND NOT followed_up AND (mediated OR onsite_resolved
        OR coalesce(satisfaction IN {SATISFIED} AND rated_on <= $as_of, false))) AS one_time,
    coalesce(sum(closed_on - received_on) FILTER (WHERE {CLOSED_FIRST}), 0) AS days,
    count(*) FILTER (WHERE replied_on BETWEEN $start AND $end) AS replied,
    count(*) FILTER (WHERE replied_on BETWEEN $start AND $end AND is_rated) AS rated,
    count(*) FILTER (WHERE replied_on BETWEEN $start AND $end AND is_rated AND satisfaction IN {SATISFIED})
        AS pleased,
    count(*) FILTER (WHERE received_on BETWEEN $start AND $end AND channel IN {ONSITE_CHANNELS}
        AND onsite_resolved AND closed_on = received_on) AS onsite,
    (SELECT count(*) FILTER (WHERE status = 'agreed') FROM m) AS agreed,
    (SELECT count(*) FILTER (WHERE status IN ('agreed', 'failed')) FROM m) AS mediated,
    (SELECT count(*) FROM supervision_letter WHERE issued_on BETWEEN $start AND $end) AS letters
FROM c
"""


def _duckdb_counts(con, column: str, start: date, end: date) -> dict[str, int]:
    if column == "kind":
        sql = (
            "SELECT kind, count(*) FROM supervision_letter WHERE issued_on BETWEEN $start AND $end GROUP BY 1"
        )
    else:
        sql = f"""SELECT {column}, count(*) FROM "case" WHERE status <> 'merged' AND merged_into_id IS NULL
                  AND received_on BETWEEN $start AND $end AND {column} IS NOT NULL GROUP BY 1"""
    return {str(k): int(n) for k, n in con.execute(sql, {"start": start, "end": end}).fetchall()}


def _duckdb_period(con, start: date, end: date, as_of: date) -> dict[str, Number]:
    end = min(end, as_of)  # figures taken on as_of: nothing dated after it has happened yet
    cursor = con.execute(DUCKDB_SQL, {"start": start, "end": end, "as_of": as_of})
    row = dict(zip([d[0] for d in cursor.description], cursor.fetchone(), strict=True))
    days, first = int(row["days"]), row["first_closed"]
    return {
        "intake": _count(row["intake"], {name: _duckdb_counts(con, name, start, end) for name in INTAKE_BY}),
        "ontime_acceptance_rate": _rate(row["acceptance_ontime"], row["acceptance_due"]),
        "ontime_reply_rate": _rate(row["reply_ontime"], row["reply_due"]),
        "repeat_rate": _rate(row["repeats"], row["intake"]),
        "one_time_resolution_rate": _rate(row["one_time"], first),
        "avg_days_to_close_first": Number(days / first if first else None, days, first),
        "satisfaction_rate": _rate(row["pleased"], row["rated"]),
        "participation_rate": _rate(row["rated"], row["replied"]),
        "mediation_agreements": _count(row["agreed"]),
        "mediation_success_rate": _rate(row["agreed"], row["mediated"]),
        "onsite_resolutions": _count(row["onsite"]),
        "supervision_output": _count(row["letters"], {"kind": _duckdb_counts(con, "kind", start, end)}),
    }


def duckdb_figures(con, period) -> dict[str, Number]:
    """Return the §8 numbers of `period` (and its previous year) computed by DuckDB SQL on its copy."""
    return _with_previous_year(lambda p: _duckdb_period(con, p.start, p.end, p.as_of), period)


# ---------------------------------------------------------------------------------------------------------
# the cross-check


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)


def cross_check(name: str, theirs: dict[str, Number], ours: dict) -> list[str]:
    """Return one line per difference between a baseline's numbers and core.kpis.compute's figures."""
    problems = []
    for key in kpis.KEYS:
        if key not in theirs:
            problems.append(f"{key}: not computed by {name}")
            continue
        figure = ours[key]
        for field in ("value", "numerator", "denominator", "previous_year"):
            mine, other = getattr(theirs[key], field), getattr(figure, field)
            if not _same(mine, other):
                problems.append(f"{key}.{field}: core.kpis {other!r}, {name} {mine!r}")
        for dimension, counts in (theirs[key].by or {}).items():
            other = (figure.by or {}).get(dimension)
            if other != counts:
                problems.append(f"{key}.by[{dimension!r}]: core.kpis {other!r}, {name} {counts!r}")
    return problems


# ---------------------------------------------------------------------------------------------------------
# core.kpis and the dashboard


def clear_kpis_cache() -> None:
    """Empty the kpis cache, so the next call computes from the database (a cold dashboard)."""
    kpis.clear_cache()


def _core_compute(user, period) -> Callable[[], dict]:
    def run():
        with db.session_scope() as session:
            return kpis.compute(session, user, period)

    return run


DASHBOARD_SERIES = (  # the charts of issue 12 (key, by, split)
    ("intake", "month", "channel"),
    ("intake", "month", "subject"),
    ("one_time_resolution_rate", "month", None),
    ("avg_days_to_close_first", "month", None),
    ("ontime_acceptance_rate", "month", None),
    ("ontime_reply_rate", "month", None),
    ("satisfaction_rate", "month", None),
    ("participation_rate", "month", None),
    ("repeat_rate", "month", None),
    ("mediation_agreements", "month", None),
    ("intake", "street", None),
    ("one_time_resolution_rate", "street", None),
    ("supervision_output", "month", None),
)


def _core_dashboard(user, period) -> Callable[[], object]:
    """What the dashboard asks of core.kpis: every figure, the series of its charts, the overdue table."""

    def run():
        with db.session_scope() as session:
            figures = kpis.compute(session, user, period)
            for key, by, split in DASHBOARD_SERIES:
                kpis.series(session, user, key, period, by=by, split=split)
            kpis.overdue_by_unit(session, user, period.as_of)
        return figures

    return run


def _dashboard_page(user, period) -> Callable[[], object] | None:
    """The dashboard page's script run (AppTest), or None while pages/dashboard.py does not exist."""
    import importlib.util

    if importlib.util.find_spec("pages.dashboard") is None:
        return None
    os.environ[REFERENCE_DATE_ENV] = period.as_of.isoformat()  # the page takes its figures on "today"
    at = _app("dashboard", user)
    at.default_timeout = 900  # a cold run on 1M cases takes minutes on SQLite today
    params = {"period": "custom", "from": period.start.isoformat(), "to": period.end.isoformat()}
    for name, value in params.items():
        at.query_params[name] = value

    def run():
        at.run()
        if at.exception:
            raise RuntimeError(at.exception[0].message)
        return at

    return run


# ---------------------------------------------------------------------------------------------------------


def _line(label: str, median: float, worst: float | None = None) -> str:
    tail = f"   max {worst:9.1f} ms" if worst is not None else ""
    return f"{label:48} median {median:9.1f} ms{tail}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument(
        "--baseline-runs", type=int, default=3, help="runs of the pandas and DuckDB baselines"
    )
    parser.add_argument("--today", type=date.fromisoformat, help="as_of (default: the last day received)")
    parser.add_argument(
        "--period", choices=("year", "month", "week"), default="year", help="the period of --today"
    )
    parser.add_argument("--from", dest="start", type=date.fromisoformat, help="the period's first day")
    parser.add_argument("--to", dest="end", type=date.fromisoformat, help="its last day (with --from)")
    parser.add_argument("--skip-pandas", action="store_true")
    parser.add_argument("--skip-duckdb", action="store_true")
    args = parser.parse_args(argv)

    engine = db.create_db_engine(args.database_url)
    db.set_engine(engine)
    prepare_database(engine)
    with Session(engine, expire_on_commit=False) as session:
        user = _bench_user(session, Role.LEADER)
        total = session.exec(select(sa.func.count()).select_from(Case)).one()
        today = args.today or session.exec(select(sa.func.max(Case.received_on))).one()
    period = getattr(kpis.Period, f"{args.period}_of")(today)
    if args.start or args.end:
        period = kpis.Period.make(args.start or period.start, args.end or period.end, today)
    print(
        f"database: {engine.dialect.name}, {total:,} cases; period {period.start}..{period.end}, "
        f"as of {period.as_of}; runs: {args.runs}"
    )
    results: dict[str, float] = {}

    def timed(label, func, runs=args.runs, before=None):
        median, worst, result = _median_ms(func, runs, before)
        results[label] = median
        print(_line(label, median, worst), flush=True)
        return result

    # each first call (untimed) loads the imports and the database's pages and fills the cache for the warm
    # runs; the cold runs follow, the kpis cache cleared before each
    compute = _core_compute(user, period)
    clear_kpis_cache()
    ours = compute()
    timed("core.kpis.compute, warm", compute)
    timed("core.kpis.compute, cold", compute, before=clear_kpis_cache)
    page = _dashboard_page(user, period)
    if page is None:
        print("pages/dashboard.py not found: the dashboard rows time its core calls")
        dashboard, what = _core_dashboard(user, period), "dashboard (core calls)"
    else:
        dashboard, what = page, "dashboard page script run"
    dashboard()
    timed(f"{what}, warm", dashboard)
    timed(f"{what}, cold", dashboard, before=clear_kpis_cache)

    problems: list[str] = []
    if not args.skip_pandas:
        theirs = timed(
            "pandas: read tables + compute", lambda: pandas_figures(engine, period), args.baseline_runs
        )
        problems += cross_check("pandas", theirs, ours)
    duck_ms = None
    try:
        import duckdb  # noqa: F401
    except ImportError:
        print("duckdb not installed (pip install -e '.[bench]'): the DuckDB baseline is skipped")
        args.skip_duckdb = True
    if not args.skip_duckdb:
        started = time.perf_counter()
        con = duckdb_copy(engine)
        print(_line("duckdb: copy the tables in (once)", (time.perf_counter() - started) * 1000))
        duckdb_figures(con, period)
        theirs = timed("duckdb: compute on the copy", lambda: duckdb_figures(con, period), args.baseline_runs)
        duck_ms = results["duckdb: compute on the copy"]
        problems += cross_check("duckdb", theirs, ours)

    cold, warm = results[f"{what}, cold"], results[f"{what}, warm"]
    verdict = {True: "OK", False: "TOO SLOW"}
    print(f"target {what} cold <= {TARGET_COLD_MS:.0f} ms: {verdict[cold <= TARGET_COLD_MS]}")
    print(f"target {what} warm <= {TARGET_WARM_MS:.0f} ms: {verdict[warm <= TARGET_WARM_MS]}")
    if duck_ms:
        ratio = cold / duck_ms
        print(
            f"ratio {what} cold / duckdb compute: {ratio:.1f}x "
            f"(target <= {TARGET_DUCKDB_RATIO:.0f}x: {verdict[ratio <= TARGET_DUCKDB_RATIO]}); "
            f"core.kpis.compute cold / duckdb: {results['core.kpis.compute, cold'] / duck_ms:.1f}x"
        )
    if "pandas: read tables + compute" in results:
        print(f"ratio pandas / {what} cold: {results['pandas: read tables + compute'] / cold:.1f}x")
    if problems:
        print(f"cross-check: {len(problems)} MISMATCH(ES)")
        for line in problems:
            print(f"  MISMATCH {line}")
        return 1
    checked = [
        name for name, skip in (("pandas", args.skip_pandas), ("duckdb", args.skip_duckdb)) if not skip
    ]
    if checked:
        print(f"cross-check: {' and '.join(checked)} equal core.kpis.compute on every key")
    else:
        print("cross-check: skipped (no baseline ran)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
