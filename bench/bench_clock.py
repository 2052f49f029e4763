"""Benchmark the statutory clock: every due date of 10,000 open cases (run `python -m bench.bench_clock`)."""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import date, timedelta

from core.calendar import clock, holidays
from core.calendar.clock import Calendar, StageLimit
from core.platform.settings import STAGE_DEFAULTS
from models import Case, Channel

TARGET_SECONDS = 1.0
# stage -> the Case date fields filled before it (each later stage implies the earlier ones)
CHAIN = [
    ("triage", "received_on"),
    ("acceptance", "unit_received_on"),
    ("dispute", "objected_on"),
    ("handling", "accepted_on"),
    ("review_request", "reply_received_on"),
    ("review", "review_requested_on"),
    ("reexam_request", "review_decision_received_on"),
    ("reexam", "reexam_requested_on"),
]


def make_cases(n: int, seed: int = 20251001) -> list[Case]:
    """Return `n` in-memory cases at random stages, received 2024-01 .. 2026-12."""
    rng = random.Random(seed)
    cases = []
    for i in range(n):
        day = date(2024, 1, 1) + timedelta(days=rng.randrange(3 * 365))
        case = Case(
            number=f"JB-B-{i:06d}",
            channel=Channel.LETTER,
            received_on=day,
            subject="物业纠纷",
            title="基准",
            content="基准",
        )
        depth = rng.randrange(len(CHAIN))
        for _stage, attr in CHAIN[1 : depth + 1]:
            day += timedelta(days=rng.randrange(1, 25))
            setattr(case, attr, day)
        case.stage, case.stage_started_on = CHAIN[depth][0], day
        case.paused_days = rng.choice([0, 0, 0, rng.randrange(1, 20)])
        case.extension_days = rng.choice([0, 0, 30]) if case.stage == "handling" else 0
        cases.append(case)
    return cases


def run_once(cases: list[Case], cal: Calendar, limits: dict[str, StageLimit]) -> float:
    """Compute due_dates and refresh_case of every case; return the seconds taken."""
    began = time.perf_counter()
    for case in cases:
        clock.due_dates(case, cal, limits)
        clock.refresh_case(case, cal, limits)
    return time.perf_counter() - began


def package_calendar() -> Calendar:
    """Return a fresh calendar (empty memo) from the chinesecalendar package."""
    entries = holidays.package_entries()
    return Calendar({d: w for d, w, _ in entries}, entries[-1][0].year)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    cases = make_cases(args.cases)
    limits = {stage: StageLimit(**value) for stage, value in STAGE_DEFAULTS.items()}
    cold, warm = [], []
    for _ in range(args.runs):
        for case in cases:  # every cold run writes every due date again
            case.due_on, case.due_provisional = None, False
        cal = package_calendar()
        cold.append(run_once(cases, cal, limits))
        warm.append(run_once(cases, cal, limits))
    median = statistics.median(cold)
    print(f"due_dates + refresh_case of {args.cases:,} cases, median of {args.runs} runs:")
    print(f"  cold calendar (empty memo): {median:.3f} s   warm: {statistics.median(warm):.3f} s")
    print(f"  target < {TARGET_SECONDS:.1f} s: {'OK' if median < TARGET_SECONDS else 'TOO SLOW'}")


if __name__ == "__main__":
    main()
