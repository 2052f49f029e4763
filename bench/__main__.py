"""One benchmark table: every bench of bench/ on a generated database, SQLite and PostgreSQL side by side.

    python -m bench                      # 20,000 cases, SQLite, and PostgreSQL when one answers on 127.0.0.1
    python -m bench --cases 1000000      # the issues' scale (generating it takes a while; it is cached)
    python -m bench --no-pg --runs 3     # SQLite only, fewer runs

The DuckDB baseline of the indicators needs the bench extra: `pip install -e ".[bench]"`.

The generated database is cached by its parameters (cases, seed, today, schema) under --cache (SQLite files)
or as a PostgreSQL database named after them; every run works on a fresh copy of it, because some benches
write (the intake submit registers cases, the low-code bench replaces the places). Each bench runs in its own
process, so one's caches and imports never flatter the next. The table (median and worst of the script runs,
the baseline beside a row that has one, and the ratio) is printed and written to bench/results/ as Markdown
and JSON with the machine described.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
DEFAULT_TODAY = date(2026, 9, 28)  # a pinned day: the same parameters give the same database on any day
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
LINE = re.compile(r"^(?P<label>\S.*?)\s+median\s+(?P<median>[\d.]+) ms(?:\s+max\s+(?P<worst>[\d.]+) ms)?")
RATE = re.compile(r"^(?P<label>\S.*?):?\s+(?P<value>[\d,.]+)\s+(?P<unit>rows/s|req/s|requests/s|MB)\b")

# (module, extra arguments): each is run as `python -m <module> --database-url <copy> --runs N <extra>`
SUITES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("bench.bench_kpis", ()),
    ("bench.bench_desk", ()),
    ("bench.bench_lowcode", ()),
)
EMPTY = frozenset({"bench.bench_lowcode"})
SQLITE_ONLY = frozenset({"bench.bench_api"})  # serves its own SQLite file: a PostgreSQL column would repeat it  # fills a database of its own (it replaces the places)
# a row's baseline: what the issue compares it with (pandas on the whole table; DuckDB on an in-memory copy)
BASELINES = {
    "dashboard page script run, cold": "duckdb: compute on the copy",
    "core.kpis.compute, cold": "duckdb: compute on the copy",
    "page: case list filtered+paged": "pandas baseline: load + filter + search",
    "page: case list search": "pandas baseline: load + filter + search",
    "core: search": "pandas baseline: load + filter + search",
}


@dataclass
class Row:
    label: str
    values: dict[str, dict] = field(default_factory=dict)  # engine -> {"median": ms, "worst": ms} or a rate


def _pg_reachable(url: str) -> bool:
    parsed = sa.engine.make_url(url)
    with socket.socket() as sock:
        sock.settimeout(2)
        return sock.connect_ex((parsed.host or "127.0.0.1", parsed.port or 5432)) == 0


def _schema_head() -> str:
    from alembic.script import ScriptDirectory

    from core.platform import db

    return ScriptDirectory.from_config(db.alembic_config()).get_current_head() or "none"


def _generate(url: str, args: argparse.Namespace) -> None:
    command = [sys.executable, "-m", "bench.generate", "--database-url", url, "--cases", str(args.cases)]
    command += ["--seed", str(args.seed), "--today", args.today.isoformat()]
    print(
        f"generating {args.cases:,} cases into {sa.engine.make_url(url).render_as_string()} ...", flush=True
    )
    subprocess.run(command, cwd=ROOT, check=True)


def _sqlite_copy(args: argparse.Namespace, key: str, work: Path) -> str:
    cached = args.cache / f"{key}.db"
    if not cached.exists():
        args.cache.mkdir(parents=True, exist_ok=True)
        building = cached.with_suffix(".building")
        building.unlink(missing_ok=True)
        _generate(f"sqlite:///{building}", args)
        building.rename(cached)  # only a whole database is ever taken from the cache
    copy = work / "sqlite.db"
    source, target = sqlite3.connect(cached), sqlite3.connect(copy)
    with target:
        source.backup(target)
    source.close()
    target.close()
    return f"sqlite:///{copy}"


def _pg_admin(url: str) -> sa.Engine:
    return sa.create_engine(url, isolation_level="AUTOCOMMIT")


def _pg_copy(args: argparse.Namespace, key: str | None) -> str:
    """Return a fresh copy of the cached generated database (generating it first if need be); None: empty."""
    admin = _pg_admin(args.pg_url)
    base = sa.engine.make_url(args.pg_url)
    if key is None:
        with admin.connect() as conn:
            conn.execute(sa.text('DROP DATABASE IF EXISTS "bench_empty_run" WITH (FORCE)'))
            conn.execute(sa.text('CREATE DATABASE "bench_empty_run"'))
        admin.dispose()
        return base.set(database="bench_empty_run").render_as_string(False)
    cached, run = f"bench_{key}".lower(), f"bench_{key}_run".lower()
    with admin.connect() as conn:
        exists = conn.execute(sa.text("select 1 from pg_database where datname = :n"), {"n": cached}).first()
        ready = conn.execute(
            sa.text("select 1 from pg_database where datname = :n"), {"n": cached + "_ok"}
        ).first()
    if not (exists and ready):
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{cached}" WITH (FORCE)'))
            conn.execute(sa.text(f'CREATE DATABASE "{cached}"'))
        _generate(base.set(database=cached).render_as_string(False), args)
        with admin.connect() as conn:  # an empty marker database: the cached one was generated to the end
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{cached}_ok"'))
            conn.execute(sa.text(f'CREATE DATABASE "{cached}_ok"'))
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{run}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{run}" TEMPLATE "{cached}"'))
    admin.dispose()
    return base.set(database=run).render_as_string(False)


def _run_suite(module: str, extra: tuple[str, ...], url: str, args: argparse.Namespace, work: Path) -> str:
    env = {
        **os.environ,
        "PETITION_DESK_DATA": str(work / "data"),
        "PETITION_DESK_TODAY": args.today.isoformat(),
    }
    usage = subprocess.run(
        [sys.executable, "-m", module, "--help"], cwd=ROOT, capture_output=True, text=True
    ).stdout
    command = [sys.executable, "-m", module, *extra]
    if "--database-url" in usage:  # each bench takes what it understands; another issue's may not take both
        command += ["--database-url", url]
    if "--runs" in usage:
        command += ["--runs", str(args.runs)]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    print(f"  {module}: exit {done.returncode} in {seconds:.0f} s", flush=True)
    if done.returncode != 0:
        print(done.stderr[-2000:], file=sys.stderr)
    return done.stdout


def parse(output: str) -> dict[str, dict]:
    """Return {label: {"median": ms, "worst": ms}} or {label: {"value": n, "unit": u}} from a bench's output."""
    rows: dict[str, dict] = {}
    for line in output.splitlines():
        if found := LINE.match(line):
            worst = found["worst"]
            rows[found["label"].strip()] = {
                "median": float(found["median"]),
                "worst": float(worst) if worst else None,
            }
        elif found := RATE.match(line):
            label = re.sub(r"\s+[\d.]+ s\b", "", found["label"]).rstrip(" =:")  # its timings are in the rate
            rows[label] = {
                "value": float(found["value"].replace(",", "")),
                "unit": found["unit"],
            }
    return rows


def machine() -> dict[str, str]:
    """Describe the machine and the versions the numbers were taken with."""
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kb = int(meminfo.read_text().split("MemTotal:")[1].split()[0])
        memory = f"{kb / 1024 / 1024:.1f} GiB"
    import sqlalchemy
    import streamlit

    return {
        "when": datetime.now().isoformat(timespec="seconds"),
        "cores": str(os.cpu_count()),
        "memory": memory,
        "cpu": platform.processor() or platform.machine(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "streamlit": streamlit.__version__,
        "sqlalchemy": sqlalchemy.__version__,
        "load average": " ".join(f"{x:.1f}" for x in os.getloadavg()),
    }


def _cell(value: dict | None, key: str = "median") -> str:
    if not value:
        return ""
    if "unit" in value:
        return f"{value['value']:,.0f} {value['unit']}" if key == "median" else ""
    number = value.get(key)
    return "" if number is None else f"{number:,.1f}"


def table(rows: dict[str, Row], engines: list[str]) -> str:
    """Return the Markdown table: median and worst per engine, the baseline and the ratio (row / baseline)."""
    head = ["row"]
    for engine in engines:
        head += [f"{engine} median ms", f"{engine} worst ms"]
    head += ["baseline", *(f"{engine} ratio" for engine in engines)]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for label, row in rows.items():
        cells = [label]
        for engine in engines:
            cells += [_cell(row.values.get(engine)), _cell(row.values.get(engine), "worst")]
        base = BASELINES.get(label)
        cells.append(base or "")
        for engine in engines:
            mine, theirs = row.values.get(engine), rows.get(base).values.get(engine) if base in rows else None
            ok = mine and theirs and mine.get("median") and theirs.get("median")
            cells.append(f"{mine['median'] / theirs['median']:.2f}x" if ok else "")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--cases", type=int, default=20_000, help="cases in the generated database (default 20,000)"
    )
    p.add_argument("--seed", type=int, default=20260928, help="generator seed")
    p.add_argument(
        "--today", type=date.fromisoformat, default=DEFAULT_TODAY, help="the generated data's today"
    )
    p.add_argument("--runs", type=int, default=5, help="script runs per row (median and worst of them)")
    p.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", PG_DEFAULT), help="PostgreSQL server")
    p.add_argument("--no-pg", action="store_true", help="SQLite only")
    p.add_argument(
        "--cache", type=Path, default=ROOT / "bench" / ".cache", help="where generated SQLite files stay"
    )
    p.add_argument("--out", type=Path, default=RESULTS, help="folder for latest.md and latest.json")
    p.add_argument("--only", action="append", help="run only this bench module (repeatable)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    engines = ["sqlite"]
    if not args.no_pg and _pg_reachable(args.pg_url):
        engines.append("postgresql")
    elif not args.no_pg:
        print(f"no PostgreSQL at {sa.engine.make_url(args.pg_url).render_as_string()}: SQLite only")
    key = f"c{args.cases}_s{args.seed}_t{args.today:%Y%m%d}_r{_schema_head()}"
    suites = [s for s in SUITES if not args.only or s[0] in args.only]
    suites += [  # benches other issues add, when present (bench_mediation, bench_import, bench_api)
        (name, ())
        for name in ("bench.bench_mediation", "bench.bench_import", "bench.bench_api")
        if importlib.util.find_spec(name) and (not args.only or name in args.only)
    ]
    rows: dict[str, Row] = {}
    work_root = args.cache / "work"
    for engine in engines:
        print(f"{engine}:", flush=True)
        for module, extra in suites:
            if engine != "sqlite" and module in SQLITE_ONLY:
                continue
            work = work_root / engine
            shutil.rmtree(work, ignore_errors=True)
            (work / "data").mkdir(parents=True)
            if module in EMPTY:
                url = f"sqlite:///{work / 'empty.db'}" if engine == "sqlite" else _pg_copy(args, None)
            else:
                url = _sqlite_copy(args, key, work) if engine == "sqlite" else _pg_copy(args, key)
            for label, value in parse(_run_suite(module, extra, url, args, work)).items():
                rows.setdefault(label, Row(label)).values[engine] = value
    described = machine()
    md = "\n".join(
        [
            f"# Benchmarks: {args.cases:,} generated cases, {args.runs} runs per row",
            "",
            "Machine: " + ", ".join(f"{k} {v}" for k, v in described.items()),
            "",
            "Times in milliseconds (median and worst of the runs); ratio = the row's median / its baseline's.",
            "",
            table(rows, engines),
            "",
            f"Command: `python -m bench --cases {args.cases} --runs {args.runs}`",
        ]
    )
    print()
    print(md)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "latest.md").write_text(md + "\n", encoding="utf-8")
    payload = {
        "machine": described,
        "cases": args.cases,
        "runs": args.runs,
        "engines": engines,
        "rows": {label: row.values for label, row in rows.items()},
        "baselines": BASELINES,
    }
    (args.out / "latest.json").write_text(json.dumps(payload, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0 if rows else 1


if __name__ == "__main__":
    raise SystemExit(main())
