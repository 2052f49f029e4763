"""Grow a generated database by copying its cases N times over, for indicator benchmarks in minutes, not hours.

    python -m bench.generate --database-url sqlite:////tmp/bench_3k.db --cases 3000 --today 2026-11-27
    python -m bench.replicate --database-url sqlite:////tmp/bench_3k.db --times 334

Each copy repeats every row of case, mediation_case and supervision_letter under new ids (numbers get a
"-k" suffix; repeat, merge, review and mediation links point into the same copy), so every count of the
indicators is exactly `times` times the original's and every rate the same. The other tables (parties,
events, documents, …) are not copied: this is a database for bench/bench_kpis.py, not for the case desk.
bench.generate makes a realistic 1,000,000-case database in about 15 minutes on a quiet machine.
"""

from __future__ import annotations

import argparse
import time

import sqlalchemy as sa

from core.platform.db import create_db_engine

TABLES = ("case", "mediation_case", "supervision_letter")
CASE_LINKS = {"repeat_of_id", "merged_into_id", "review_of_id", "case_id"}


def _select(table: sa.Table, k: int, offsets: dict[str, int]) -> str:
    parts = []
    for column in table.columns:
        name = f'"{column.name}"'
        if column.name == "id":
            parts.append(f"{name} + {k * offsets[table.name]}")
        elif column.name == "number":
            parts.append(f"{name} || '-{k}'")
        elif column.name in CASE_LINKS:
            parts.append(f"{name} + {k * offsets['case']}")
        else:
            parts.append(name)
    columns = ", ".join(f'"{c.name}"' for c in table.columns)
    return f'INSERT INTO "{table.name}" ({columns}) SELECT {", ".join(parts)} FROM "{table.name}" WHERE id <= {offsets[table.name]}'


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", required=True)
    parser.add_argument(
        "--times", type=int, required=True, help="how many times the rows there are in the end"
    )
    args = parser.parse_args(argv)
    engine = create_db_engine(args.database_url)
    meta = sa.MetaData()
    meta.reflect(engine, only=TABLES)
    started = time.perf_counter()
    with engine.begin() as conn:
        offsets = {
            name: int(conn.execute(sa.text(f'SELECT max(id) FROM "{name}"')).scalar() or 0) for name in TABLES
        }
        for k in range(1, args.times):
            for name in TABLES:
                conn.execute(sa.text(_select(meta.tables[name], k, offsets)))
        if engine.dialect.name == "postgresql":
            for name in TABLES:
                conn.execute(
                    sa.text(
                        f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), max(id)) FROM \"{name}\""
                    )
                )
    with engine.begin() as conn:
        conn.execute(sa.text("ANALYZE"))
        counts = {name: conn.execute(sa.text(f'SELECT count(*) FROM "{name}"')).scalar() for name in TABLES}
    for name, n in counts.items():
        print(f"{name:24} {n:>10}")
    print(f"replicated in {time.perf_counter() - started:.1f} s ({engine.dialect.name})")
    engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
