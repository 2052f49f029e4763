"""The order of a demo load: places, units, people and mediators; then day by day that day's cases and
mediations, flushed (and for the benchmark generator committed) in chunks; then the supervision."""

from __future__ import annotations

import logging
import time as _time
from datetime import date, timedelta
from itertools import accumulate

from core.demo import cases, geography, intake, mediation, people, plans, supervision
from core.demo.context import Demo
from core.demo.draw import first_above
from core.platform import search
from models import metadata

log = logging.getLogger(__name__)

SQLITE_CACHE_KIB = 262144  # page cache of the loading connection: the case tables carry many indexes
CASE_GROWTH = 0.96  # intake falls slowly, year on year
MEDIATION_SHARE, MEDIATION_GROWTH = 0.17, 1.38  # direct mediations per case; they grow ~37.5 % a year


def run(demo: Demo, *, chunk: int, commit_chunks: bool) -> dict[str, int]:
    """Write the whole demo through `demo`'s session; return rows per table and demo accounts per role."""
    started = _time.perf_counter()
    cache = _tune_connection(demo, None)
    try:
        demo.world = geography.build_world(demo)
        people.add_units(demo)
        demo.staff = people.add_users(demo)
        people.add_mediators(demo)
        demo.w.flush()
        demo.memory.first_case_id = demo.w.next_ids["case"]
        _cases_and_mediations(demo, max(1, chunk), commit_chunks, cache, started)
        supervision.add_letters(demo)
        supervision.add_spot_checks(demo)
        demo.w.flush()
        demo.w.reset_sequences()
    finally:
        if cache is not None:
            demo.session.connection().exec_driver_sql(f"PRAGMA cache_size={int(cache)}")
    counts = {t.name: demo.w.counts[t.name] for t in metadata.sorted_tables if demo.w.counts[t.name]}
    counts.update({f"user.{role}": n for role, n in sorted(demo.staff.roles.items())})
    elapsed = _time.perf_counter() - started
    log.info("demo data: %d cases, %d rows in %.1f s", demo.cases_done, sum(demo.w.counts.values()), elapsed)
    return counts


def _tune_connection(demo: Demo, cache: int | None) -> int | None:
    """Give the loading SQLite connection a large page cache; return the size to restore afterwards."""
    conn = demo.w.conn
    if conn.dialect.name == "sqlite":
        if cache is None:
            cache = conn.exec_driver_sql("PRAGMA cache_size").scalar()
        conn.exec_driver_sql(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
    return cache


def _day_counts(demo: Demo, n: int, growth: float) -> list[int]:
    """Spread n events over the days, fewer on rest days, the rate multiplied by `growth` per year."""
    days = (demo.today - demo.start).days + 1
    weights = []
    for i in range(days):
        d = demo.start + timedelta(days=i)
        w = 1.0 if demo.cal.is_workday(d) else (0.4 if d.weekday() >= 5 else 0.3)
        weights.append(w * growth ** (i / 365.25))
    counts = [0] * days
    cum = list(accumulate(weights))
    for _ in range(n):
        counts[first_above(cum, demo.rng.random() * cum[-1])] += 1
    return counts


def _cases_and_mediations(demo: Demo, chunk: int, commit_chunks: bool, cache, started: float) -> None:
    """Walk the days in order: that day's cases, then the mediations applied for that day."""
    case_counts = _day_counts(demo, demo.n_cases, CASE_GROWTH)
    standalone = _day_counts(demo, round(demo.n_cases * MEDIATION_SHARE), MEDIATION_GROWTH)
    since_flush = 0
    for i, (n_cases, n_mediations) in enumerate(zip(case_counts, standalone, strict=True)):
        d = demo.start + timedelta(days=i)
        for _ in range(n_cases):
            _case(demo, d)
            since_flush += 1
        for spec in demo.memory.referrals_until(d) + [None] * n_mediations:
            mediation.add_mediation(demo, d, spec)
        if since_flush >= chunk:
            _flush_chunk(demo, commit_chunks, cache, started)
            since_flush = 0
    if since_flush:
        _flush_chunk(demo, commit_chunks, cache, started)


def _case(demo: Demo, received: date) -> None:
    draft = intake.new_draft(demo, received)
    fields = intake.describe(demo, draft)
    plans.plan(demo, draft)
    cases.write_case(demo, draft, fields)


def _flush_chunk(demo: Demo, commit_chunks: bool, cache, started: float) -> None:
    texts = [(row["id"], row["title"], row["content"], row["request"]) for row in demo.w.rows["case"]]
    demo.w.flush()
    search.index_rows(demo.session, texts)  # the search index is kept by the services, not by triggers
    if commit_chunks:
        demo.session.commit()
        demo.w.conn = demo.session.connection()
        _tune_connection(demo, cache)
    log.info("demo data: %d/%d cases (%.1f s)", demo.cases_done, demo.n_cases, _time.perf_counter() - started)
    if demo.progress:
        demo.progress(demo.cases_done, demo.n_cases)
