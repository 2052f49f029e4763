"""Demo and benchmark data: a realistic Jiangbei district (DOMAIN.md §9) generated from a seed and a date.

Everything is drawn from `random.Random(seed)` (geography from a fixed seed of its own), never from the
global generator or the wall clock, so the same (seed, today, cases) gives identical rows. Rows are built
as plain dicts with explicit ids, converted by the columns' SQLAlchemy types and bulk-inserted (executemany
on SQLite, COPY on PostgreSQL) in one transaction; `generate` streams the same rows in committed chunks for
the large benchmark database (bench/generate.py).

Each case is planned as a list of dated steps named and shaped like the actions of core.cases.workflow
(register, forward/assign, accept, reply, record_delivery, rate, close, request_review …), and the steps up
to `today` are applied: recent cases are still open, older ones mostly closed, every date column follows
the order of the workflow, and every event carries the before/after of what it changed. Stages follow the
workflow (a reply ends the clock, a pause clears the due date); due dates come from core.calendar.clock.

Where each step may start is checked against core.cases.workflow.TRANSITIONS as soon as the life is
planned (steps.settle), and the status it leads to is named once, in steps.LEADS_TO.

The modules, in the order a load uses them: context (the load's state), geography, people, intake (a new
case's facts), plans and replies (its life as steps), steps (checked against the workflow), cases (writing
it), mediation, supervision; run orders them, writer inserts the rows; draw, tables, texts and names hold
the random draws and the material.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time

import sqlalchemy as sa
from sqlmodel import Session

from core.demo import run
from core.demo.context import DEFAULT_CASES, DEFAULT_SEED, Demo
from core.platform import timeutil
from core.platform.errors import PetitionDeskError
from models import metadata
from models.base import CST

__all__ = ["DEFAULT_CASES", "DEFAULT_SEED", "DatabaseNotEmpty", "demo_summary", "generate", "load_demo"]

# Tables that must be empty before loading: the demo owns their content.
OWNED_TABLES = ("case", "person", "mediator", "mediation_case", "supervision_letter", "spot_check")


class DatabaseNotEmpty(PetitionDeskError):
    """The demo is loaded only into a database without cases (and the other rows it owns)."""

    code = "not_empty"
    http_status = 409


def load_demo(
    engine: sa.Engine, *, seed: int = DEFAULT_SEED, today: date | None = None, cases: int = DEFAULT_CASES
) -> dict[str, int]:
    """Fill an empty database with a realistic Jiangbei district in one transaction; return rows per table."""
    return generate(engine, seed=seed, today=today, cases=cases)


def generate(
    engine: sa.Engine,
    *,
    seed: int = DEFAULT_SEED,
    today: date | None = None,
    cases: int = DEFAULT_CASES,
    chunk: int = 20000,
    commit_chunks: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, int]:
    """Generate `cases` cases and everything around them, flushing every `chunk` cases.

    With `commit_chunks` each chunk is committed (the benchmark generator: bounded memory and journal);
    otherwise the whole load is one transaction. `progress(done, total)` is called after each chunk.
    """
    if cases < 0:
        raise ValueError("cases must not be negative")
    if today is None:
        today = timeutil.today()
    # Nothing in the demo happens after "now": on the reference day itself events end at the current time.
    now = timeutil.now() if today == timeutil.today() else datetime.combine(today, time(18, 0), tzinfo=CST)
    with Session(engine) as session:
        _refuse_if_not_empty(session.connection())
        demo = Demo(session, seed=seed, today=today, now=now, n_cases=cases)
        demo.progress = progress
        counts = run.run(demo, chunk=chunk, commit_chunks=commit_chunks)
        session.commit()
    return counts


def demo_summary(engine: sa.Engine) -> dict[str, int]:
    """Return the number of rows of every table."""
    with engine.connect() as conn:
        return {
            t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
            for t in metadata.sorted_tables
        }


def _refuse_if_not_empty(conn: sa.Connection) -> None:
    for name in OWNED_TABLES:
        table = metadata.tables[name]
        n = conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
        if n:
            raise DatabaseNotEmpty(
                f"The database already holds {n} rows in table {name!r}: demo data is loaded only into an "
                "empty database. Use a new database file (or drop this one) and try again."
            )
