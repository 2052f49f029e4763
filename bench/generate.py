"""Build a large database for benchmarks with the demo generators, streamed in committed chunks.

    python -m bench.generate --database-url sqlite:////tmp/bench_1m.db --cases 1000000 [--seed N] [--today YYYY-MM-DD]

The database is migrated first and must hold no cases. Progress goes to stderr, the row counts to stdout.
The same seed, date and number of cases give the same rows as `core.demo.load_demo` (chunking does not
change the data), so a benchmark database can be rebuilt exactly.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from datetime import date

import sqlalchemy as sa

from core import demo
from core.bootstrap import prepare_database
from core.platform.db import create_db_engine


def _progress(started: float):
    def report(done: int, total: int) -> None:
        elapsed = time.perf_counter() - started
        rate = done / elapsed if elapsed else 0.0
        eta = (total - done) / rate if rate else 0.0
        print(
            f"{done:>9}/{total} cases  {elapsed:7.1f} s  {rate:7.0f} cases/s  eta {eta:6.0f} s",
            file=sys.stderr,
        )

    return report


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--database-url", required=True, help="target database (migrated here; must hold no cases)"
    )
    p.add_argument("--cases", type=int, default=1_000_000, help="number of cases (default 1,000,000)")
    p.add_argument("--seed", type=int, default=demo.DEFAULT_SEED, help="random seed")
    p.add_argument("--today", type=date.fromisoformat, default=None, help="reference date (default: today)")
    p.add_argument("--chunk", type=int, default=20000, help="cases per committed chunk (default 20000)")
    p.add_argument("--no-analyze", action="store_true", help="skip ANALYZE after loading")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(message)s")
    engine = create_db_engine(args.database_url)
    prepare_database(engine)
    started = time.perf_counter()
    try:
        counts = demo.generate(
            engine,
            seed=args.seed,
            today=args.today,
            cases=args.cases,
            chunk=args.chunk,
            commit_chunks=True,
            progress=_progress(started),
        )
    except demo.DatabaseNotEmpty as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1
    loaded = time.perf_counter() - started
    if not args.no_analyze:
        with engine.begin() as conn:
            conn.execute(sa.text("ANALYZE"))
    total = time.perf_counter() - started
    for table, n in counts.items():
        print(f"{table:24} {n:>10}")
    print(f"generated in {loaded:.1f} s, with ANALYZE {total:.1f} s ({engine.dialect.name})")
    engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
