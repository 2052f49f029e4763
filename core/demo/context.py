"""One demo load in progress: its random streams, its reference day and "now", the writer, and what it made.

Every module of the demo is a set of functions over this one object, so the draws happen in one fixed order
and the same (seed, today, cases) gives identical rows.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from sqlmodel import Session

from core.calendar import clock
from core.demo.draw import years_before
from core.demo.history import Memory
from core.platform.bulk import Writer
from core.platform.config import get_settings
from models.base import CST

if TYPE_CHECKING:
    from core.demo.geography import World
    from core.demo.people import Staff

DEFAULT_SEED = 20231
DEFAULT_CASES = 20000  # the seed district's three years (DOMAIN.md §9); yearly figures scale from it
GEOGRAPHY_SEED = "jiangbei-500105"  # geography and units are the same whatever the seed


def at(d: date, hour: int, minute: int) -> datetime:
    """Return the China Standard Time of day `d` at hour:minute."""
    return datetime.combine(d, time(hour, minute), tzinfo=CST)


class Demo:
    """The state of one load; `world`, `staff` are filled by geography and people before the cases."""

    world: World
    staff: Staff

    def __init__(self, session: Session, *, seed: int, today: date, now: datetime, n_cases: int):
        self.session = session
        self.w = Writer(session.connection())
        self.rng = random.Random(seed)
        self.geo = random.Random(GEOGRAPHY_SEED)
        self.today, self.now = today, now
        self.start = years_before(today, 3) + timedelta(days=1)
        self.n_cases = n_cases
        self.cal = clock.load_calendar(session)
        self.limits = clock.load_limits(session)
        self.prefix = get_settings().case_prefix
        self.case_seq: Counter[int] = Counter()
        self.mediation_seq: Counter[int] = Counter()
        self.memory = Memory()
        self.cases_done = 0
        self.progress: Callable[[int, int], None] | None = None

    def at(self, d: date, hour: int, minute: int) -> datetime:
        """Return a time on day `d`, never after the demo's "now"."""
        return min(at(d, hour, minute), self.now)
