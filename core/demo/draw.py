"""Random draws for the demo: fixed weighted choices and fast integers, always from the caller's generator."""

from __future__ import annotations

import bisect
import random
from datetime import date
from itertools import accumulate


class Weighted:
    """A fixed weighted choice, drawn with precomputed cumulative weights."""

    __slots__ = ("items", "cum", "total")

    def __init__(self, pairs):
        pairs = list(pairs.items() if isinstance(pairs, dict) else pairs)
        self.items = [p[0] for p in pairs]
        self.cum = list(accumulate(p[1] for p in pairs))
        self.total = self.cum[-1]

    def pick(self, rng: random.Random):
        return self.items[first_above(self.cum, rng.random() * self.total)]


def first_above(cum: list[float], x: float) -> int:
    """Return the first index whose cumulative weight exceeds x."""
    return min(bisect.bisect_right(cum, x), len(cum) - 1)


def between(rng: random.Random, a: int, b: int) -> int:
    """Return a random integer in [a, b]: randint's distribution at a fraction of its cost."""
    return a + int(rng.random() * (b - a + 1))


def choice(rng: random.Random, seq):
    return seq[int(rng.random() * len(seq))]


def words(text: str) -> list[str]:
    return text.split()


def table(text: str) -> dict[str, float]:
    """Parse 'key=weight key=weight …'."""
    return {k: float(v) for k, v in (item.split("=") for item in text.split())}


def years_before(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year - years)
    except ValueError:  # 29 February
        return d.replace(year=d.year - years, day=28)
