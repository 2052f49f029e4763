"""What the demo remembers of earlier cases: repeat petitions, merges, mediation referrals and supervision
draw on it."""

from __future__ import annotations

import heapq
from array import array
from collections import deque
from dataclasses import dataclass, field
from datetime import date

from core.demo.geography import Place


@dataclass(slots=True)
class Ref:
    """What later cases need to know of an earlier one (repeat petitions, merges)."""

    id: int
    number: str
    received: date
    subject: str
    category: str
    place: Place
    persons: list[int]
    name: str  # the (first) petitioner's name
    group_size: int
    title: str
    unhappy_on: date | None  # when the petitioner was last seen dissatisfied
    terminated_on: date | None  # re-examination ended the matter (不再受理 afterwards)
    unit_id: int | None


@dataclass
class Memory:
    """The recent cases and people later cases come back to, and what the supervision needs of all cases."""

    recent: deque[Ref] = field(default_factory=lambda: deque(maxlen=4000))
    unhappy: deque[Ref] = field(default_factory=lambda: deque(maxlen=1500))
    people: deque[tuple[int, str]] = field(default_factory=lambda: deque(maxlen=3000))  # who may come back
    id_numbers: set[str] = field(default_factory=set)
    referrals: list[tuple[date, int, dict]] = field(
        default_factory=list
    )  # heap by mediation application date
    late: list[tuple] = field(
        default_factory=list
    )  # (case id, number, unit id, missed due date, done on or None)
    risky: list[tuple] = field(default_factory=list)  # (case id, number, unit id, triaged on): group, repeat
    case_lead: array = field(default_factory=lambda: array("l"))  # lead unit id (0: none) by case id - first
    first_case_id: int = 0
    month_ids: dict[tuple[int, int], list[int]] = field(
        default_factory=dict
    )  # (year, month) -> [first, last]

    def refer(self, applied: date, case_id: int, spec: dict) -> None:
        """Remember a case's mediation referral until the day it is applied for."""
        heapq.heappush(self.referrals, (applied, case_id, spec))

    def referrals_until(self, d: date) -> list[dict]:
        """Return the referrals applied for by day `d`, earliest first, and forget them."""
        out = []
        while self.referrals and self.referrals[0][0] <= d:
            out.append(heapq.heappop(self.referrals)[2])
        return out

    def lead_of(self, case_id: int) -> int:
        """Return the lead unit of a written case (0: none)."""
        return self.case_lead[case_id - self.first_case_id]

    def pick_parent(self, rng, received: date) -> Ref | None:
        """Pick the earlier case a repeat petition comes back to, preferring dissatisfied petitioners."""
        if self.unhappy and rng.random() < 0.7:
            for _ in range(4):
                ref = self.unhappy[rng.randrange(len(self.unhappy))]
                if ref.unhappy_on and ref.unhappy_on < received:
                    return ref
        if self.recent:
            ref = self.recent[-1 - rng.randrange(min(len(self.recent), 1200))]
            if ref.received < received:
                return ref
        return None

    def merge_target(self, subject: str, street: int, received: date) -> Ref | None:
        """Return the latest earlier case on the same subject in the same street (a merge candidate)."""
        for k in range(1, min(len(self.recent), 300) + 1):
            ref = self.recent[-k]
            if ref.subject == subject and ref.place.street == street and ref.received < received:
                return ref
        return None
