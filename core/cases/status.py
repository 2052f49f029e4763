"""Which statuses are ended, open, running, overdue and closed on the petition track: the one definition.

Lists, the to-do, the home counts and the indicators (DOMAIN.md §8) all read these sets and clauses, so a new
status is classified once, here. core.cases.workflow re-exports them beside the transition table.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from models import Case, CaseStatus

S = CaseStatus
# Off the petition track (DOMAIN.md §8): sent to a legal procedure (导入法定途径), declined by the unit
# (不予受理), barred (不再受理), a repeat handled in the live case, withdrawn, invalid, or merged into another case.
# None of them counts as "closed" for the indicators.
OFF_TRACK = frozenset({S.ROUTED_OUT, S.DECLINED, S.BARRED, S.JOINED, S.WITHDRAWN, S.INVALID, S.MERGED})
ENDED = OFF_TRACK | {S.CLOSED, S.TERMINATED}
OPEN = frozenset(S) - ENDED
RUNNING = OPEN - {S.PAUSED}  # open cases whose clock runs (a paused case has no deadline)


def is_ended(status: CaseStatus | str) -> bool:
    """Return whether a case in `status` has left the desk (closed, terminated, routed out, declined, …)."""
    return CaseStatus(status) in ENDED


def ended_clause() -> sa.ColumnElement[bool]:
    """Return the SQL condition of `is_ended`."""
    return Case.status.in_(sorted(ENDED))


def open_clause() -> sa.ColumnElement[bool]:
    """Return the SQL condition of a case still on the desk (not `is_ended`)."""
    return Case.status.in_(sorted(OPEN))


def is_overdue(status: CaseStatus | str, due_on: date | None, today: date) -> bool:
    """Return whether a case is overdue: open, its clock running, and its current deadline passed."""
    return CaseStatus(status) in RUNNING and due_on is not None and due_on < today


def overdue_clause(today: date) -> sa.ColumnElement[bool]:
    """Return the SQL condition of `is_overdue` (the one definition the lists, to-do and KPIs use)."""
    return sa.and_(Case.status.in_(sorted(RUNNING)), Case.due_on < today)


def petition_track_closed(status: CaseStatus | str, closed_on: date | None) -> bool:
    """Return whether a case counts as closed on the petition track (DOMAIN.md §8).

    It was closed (办结, `closed_on` is the first close and stays through a later review) and did not leave
    the track: routed-out, declined, withdrawn, invalid and merged cases are left out.
    """
    return closed_on is not None and CaseStatus(status) not in OFF_TRACK


def petition_track_closed_clause() -> sa.ColumnElement[bool]:
    """Return the SQL condition of `petition_track_closed`, for the closing-based indicators."""
    return sa.and_(Case.closed_on.is_not(None), Case.status.not_in(sorted(OFF_TRACK)))
