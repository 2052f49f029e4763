"""Document numbers per series and year, e.g. 江北信督〔2026〕12号: no gaps and no duplicates under concurrency.

The counter row (number_counter) is taken with `UPDATE … SET last = last + 1 RETURNING last` inside the
caller's transaction: PostgreSQL locks the row until the commit, so a second supervisor's UPDATE waits and
then reads the committed value; on SQLite the transaction first takes the one write lock (BEGIN IMMEDIATE).
A rollback gives the number back, so a refused letter leaves no gap. A series met for the first time starts
after the numbers already stored (the demo's letters).
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from core.accounts import throttle
from core.platform import settings
from models import NumberCounter

PREFIX, MARKS = "supervision.letter_prefix", "supervision.letter_marks"


def prefix_and_mark(session: Session, series: str) -> tuple[str, str]:
    """Return the configured prefix and the series' mark (settings supervision.letter_prefix/letter_marks)."""
    values, defaults = settings.get_all(session), settings.OTHER_DEFAULTS
    marks = {**defaults[MARKS], **(values.get(MARKS) if isinstance(values.get(MARKS), dict) else {})}
    return str(values.get(PREFIX) or defaults[PREFIX]), str(marks.get(series, ""))


def head(session: Session, series: str, year: int) -> str:
    """Return the number without its sequence, e.g. 江北信督〔2026〕."""
    prefix, mark = prefix_and_mark(session, series)
    return f"{prefix}{mark}〔{year}〕"


def take(
    session: Session,
    series: str,
    year: int,
    stored: Callable[[str], int],
    begin: str | None = None,
    form: Callable[[str, int], str] = lambda begin, n: f"{begin}{n}号",
) -> str:
    """Take the next number of the series in `year`; `stored(begin)` counts numbers already stored under it."""
    begin = begin if begin is not None else head(session, series, year)
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        throttle.lock(session, "number_counter", series, year)  # BEGIN IMMEDIATE: the write lock first
    table = NumberCounter.__table__
    where = (table.c.series == series, table.c.year == year)
    bump = sa.update(table).where(*where).values(last=table.c.last + 1).returning(table.c.last)
    last = session.execute(bump).scalar()
    if last is None:
        insert = (postgresql if connection.dialect.name == "postgresql" else sqlite).insert(table)
        session.execute(insert.values(series=series, year=year, last=stored(begin)).on_conflict_do_nothing())
        last = session.execute(bump).scalar_one()
    return form(begin, last)
