"""Benchmark the generated admin on a 100,000-row reference table: the list screen's script run and the import.

    python -m bench.bench_lowcode --database-url sqlite:////tmp/bench_lowcode.db [--rows 100000] [--runs 15]
    (PostgreSQL: --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_lowcode)

The database is migrated and its grid table filled with --rows grids under 12 streets and 126 communities
(whatever it held before is replaced). Then:
- page: the grids list (pages/admin.py through one reused AppTest) with a search and a street filter, median
  of --runs script runs; and the same list with no search or filter.
- import: a sheet of --rows grids (.xlsx and .csv) into the emptied table, dry run then commit, rows per second
  over the whole import (reading, checking, writing), and the re-import of the same file (changes nothing).

Targets (issue 13): list screen <= 150 ms median; import >= 5,000 rows/s.
"""

from __future__ import annotations

import argparse
import time

import sqlalchemy as sa
from sqlmodel import Session, select

from bench.bench_desk import _median_ms, _page_runner
from core.bootstrap import prepare_database
from core.platform import db
from models import Community, Grid, Role, Street, User

STREETS = 12
COMMUNITIES_PER_STREET = (10, 11)  # 126 in all: 6 streets of 10 and 6 of 11
LIST_TARGET_MS, IMPORT_TARGET = 150.0, 5000.0


def _places(engine: sa.Engine) -> list[tuple[int, str]]:
    """Replace the places with 12 streets and 126 communities; return (community id, code)."""
    with engine.begin() as conn:
        for table in ("grid", "community", "street"):
            conn.execute(sa.text(f'DELETE FROM "{table}"'))
    with Session(engine) as session:
        streets = [Street(code=f"500105{i:03d}", name=f"基准{i}街道") for i in range(1, STREETS + 1)]
        session.add_all(streets)
        session.flush()
        communities = [
            Community(code=f"{s.code}{j:03d}", name=f"基准{i + 1}街道第{j}社区", street_id=s.id)
            for i, s in enumerate(streets)
            for j in range(1, COMMUNITIES_PER_STREET[i % 2] + 1)
        ]
        session.add_all(communities)
        session.commit()
        return [(c.id, c.code) for c in communities]


def _grid_rows(communities: list[tuple[int, str]], rows: int) -> list[dict]:
    per = -(-rows // len(communities))
    out = []
    for n in range(rows):
        cid, code = communities[n // per]
        k = n % per + 1
        out.append({"code": f"{code}{k:04d}", "name": f"第{k}网格", "community_id": cid})
    return out


def _fill(engine: sa.Engine, grids: list[dict]) -> None:
    with engine.begin() as conn:
        conn.execute(sa.delete(Grid.__table__))
        if grids:
            conn.execute(sa.insert(Grid.__table__), [{**g, "active": True, "version": 1} for g in grids])
        if engine.dialect.name == "postgresql":
            conn.execute(sa.text("ANALYZE grid"))


def _admin(engine: sa.Engine) -> User:
    with Session(engine, expire_on_commit=False) as session:
        user = session.exec(select(User).where(User.username == "bench_admin")).first()
        if user is None:
            user = User(username="bench_admin", display_name="基准管理员", role=Role.ADMIN)
            session.add(user)
            session.commit()
        session.expunge(user)
        return user


def _sheet(grids: list[dict], codes: dict[int, str], fmt: str) -> bytes:
    from lowcode import transfer

    rows = [["网格编码", "网格名称", "所属社区/村"]] + [
        [g["code"], g["name"], codes[g["community_id"]]] for g in grids
    ]
    return transfer.write_xlsx(rows, "网格") if fmt == "xlsx" else transfer.write_csv(rows)


def _import(engine: sa.Engine, user: User, data: bytes, name: str, *, commit: bool):
    from lowcode import tables, transfer

    with Session(engine, expire_on_commit=False) as session:
        started = time.perf_counter()
        report, _ = transfer.import_file(
            session, tables.REGISTRY, tables.GRIDS, user, data, name, commit=commit
        )
        return report, time.perf_counter() - started


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench.bench_lowcode", description=__doc__.split("\n\n")[0])
    p.add_argument("--database-url", required=True, help="database to fill (its places are replaced)")
    p.add_argument(
        "--rows", type=int, default=100_000, help="grids in the table and the sheet (default 100,000)"
    )
    p.add_argument("--runs", type=int, default=15, help="script runs per list timing (default 15)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    engine = db.create_db_engine(args.database_url)
    prepare_database(engine)
    db.set_engine(engine)
    communities = _places(engine)
    codes = dict(communities)
    grids = _grid_rows(communities, args.rows)
    _fill(engine, grids)
    user = _admin(engine)
    print(
        f"database: {engine.dialect.name}, {args.rows:,} grids in {len(communities)} communities; runs: {args.runs}"
    )
    with Session(engine) as session:
        street = session.exec(select(Street.id).where(Street.code == "500105006")).one()
    cases = {
        "page: grids list, search + street filter": {
            "table": "grids",
            "q": "第12",
            "f.community.street_id": str(street),
        },
        "page: grids list, no search or filter": {"table": "grids"},
        "page: grids list, search, page 5": {"table": "grids", "q": "网格", "page": "5"},
    }
    for label, params in cases.items():
        median, worst = _median_ms(_page_runner("admin", user, params), args.runs)
        verdict = "OK" if median <= LIST_TARGET_MS else "TOO SLOW"
        print(
            f"{label:48} median {median:7.1f} ms  max {worst:7.1f} ms  (target <= {LIST_TARGET_MS:.0f} ms: {verdict})"
        )
    for fmt in ("xlsx", "csv"):
        data = _sheet(grids, codes, fmt)
        _fill(engine, [])
        dry, dry_s = _import(engine, user, data, f"grids.{fmt}", commit=False)
        done, done_s = _import(engine, user, data, f"grids.{fmt}", commit=True)
        again, again_s = _import(engine, user, data, f"grids.{fmt}", commit=True)
        if dry.errors or done.created != args.rows or again.unchanged != args.rows:
            raise RuntimeError(f"import went wrong: {dry.errors[:3]} {done} {again}")
        rate = args.rows / done_s
        verdict = "OK" if rate >= IMPORT_TARGET else "TOO SLOW"
        print(
            f"import .{fmt}: dry run {dry_s:6.1f} s; commit {done_s:6.1f} s = {rate:8,.0f} rows/s (target >= {IMPORT_TARGET:,.0f}: {verdict}); re-import {again_s:6.1f} s, unchanged {again.unchanged:,}"
        )
        print(f"           ({len(data) / 1e6:.1f} MB)")
    engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
