"""The benchmarks still run: a small database through bench.generate, bench.bench_desk and bench.bench_kpis, the
clock bench, and a small mediation centre through bench.bench_mediation.

They measure nothing here (timings belong to docs/benchmarks.md); they keep the commands from rotting.
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

import widgets.session
from bench import bench_clock, bench_desk, bench_kpis, bench_mediation, generate
from core.platform import db

pytestmark = pytest.mark.slow

DESK_ROWS = [
    "core: filtered+paged list",
    "core: search",
    "core: search, deadline near->far",
    "core: search, deadline far->near",
    "page: case list first view (no filter)",
    "page: case list filtered+paged",
    "page: case list search",
    "page: case file",
    "pandas baseline: load + filter + search",
    "page: intake submit (registers a case)",
]


def test_the_clock_bench_reports_its_median_against_the_target(capsys):
    bench_clock.main(["--cases", "300", "--runs", "1"])
    out = capsys.readouterr().out
    assert "due_dates + refresh_case of 300 cases, median of 1 runs:" in out
    assert re.search(r"target < 1\.0 s: (OK|TOO SLOW)", out)


def test_the_desk_bench_times_every_page_on_a_generated_database(tmp_path, capsys, monkeypatch):
    # bench_desk swaps the signed-in user and the engine for the whole process; put them back afterwards
    monkeypatch.setattr(widgets.session, "current_user", widgets.session.current_user)
    monkeypatch.setattr(db, "_engine", db._engine)
    monkeypatch.setenv("PETITION_DESK_DATA", str(tmp_path))
    url = f"sqlite:///{tmp_path / 'bench.db'}"
    assert (
        generate.main(["--database-url", url, "--cases", "400", "--today", "2026-11-27", "--chunk", "150"])
        == 0
    )
    assert bench_desk.main(["--database-url", url, "--runs", "2"]) == 0
    out = capsys.readouterr().out
    assert "database: sqlite, 400 cases; runs: 2" in out
    for label in DESK_ROWS:
        assert re.search(re.escape(label) + r" +median +\d+\.\d ms +max +\d+\.\d ms", out), label
    engine = sa.create_engine(url)
    with engine.connect() as conn:  # the intake bench registered runs + 1 cases
        assert conn.execute(sa.text('SELECT count(*) FROM "case"')).scalar() == 403
    engine.dispose()


def test_the_kpis_bench_times_the_dashboard_and_its_baselines_agree_with_core_kpis(
    tmp_path, capsys, monkeypatch
):
    # the cross-check is the point here: pandas (and DuckDB where the extra `bench` is installed) compute
    # every DOMAIN.md §8 indicator again from the tables and must find core.kpis.compute's numbers. The
    # period ends on as_of, with cases, ratings and reviews after it that must not count.
    monkeypatch.setattr(widgets.session, "current_user", widgets.session.current_user)
    monkeypatch.setattr(db, "_engine", db._engine)
    monkeypatch.setenv("PETITION_DESK_DATA", str(tmp_path))
    url = f"sqlite:///{tmp_path / 'bench.db'}"
    assert generate.main(["--database-url", url, "--cases", "600", "--today", "2026-11-27"]) == 0
    period = ["--from", "2025-11-28", "--to", "2026-10-31", "--today", "2026-10-31"]
    status = bench_kpis.main(["--database-url", url, *period, "--runs", "2", "--baseline-runs", "1"])
    out = capsys.readouterr().out
    assert "database: sqlite, 600 cases; period 2025-11-28..2026-10-31, as of 2026-10-31; runs: 2" in out
    assert "MISMATCH" not in out, out
    assert status == 0
    assert re.search(r"cross-check: pandas( and duckdb)? equal core\.kpis\.compute on every key", out)
    for label in ("core.kpis.compute, cold", "core.kpis.compute, warm", "pandas: read tables + compute"):
        assert re.search(re.escape(label) + r" +median +\d+\.\d ms +max +\d+\.\d ms", out), label
    assert re.search(r"dashboard (page script run|\(core calls\)), cold +median", out)


def test_the_bench_table_reads_every_bench_s_lines_and_divides_by_the_baseline():
    from bench.__main__ import Row, parse, table

    out = "\n".join(
        [
            "database: sqlite, 2,000 cases",
            f"{'dashboard page script run, cold':48} median     240.0 ms   max     252.1 ms",
            f"{'duckdb: compute on the copy':48} median     120.0 ms   max     150.0 ms",
            "import .csv: dry run    9.9 s; commit   11.4 s = 8,759 rows/s",
        ]
    )
    rows = parse(out)
    assert rows == {
        "dashboard page script run, cold": {"median": 240.0, "worst": 252.1},
        "duckdb: compute on the copy": {"median": 120.0, "worst": 150.0},
        "import .csv: dry run; commit": {"value": 8759.0, "unit": "rows/s"},
    }
    md = table({label: Row(label, {"sqlite": value}) for label, value in rows.items()}, ["sqlite"])
    assert "| dashboard page script run, cold | 240.0 | 252.1 | duckdb: compute on the copy | 2.00x |" in md
    assert "| import .csv: dry run; commit | 8,759 rows/s |  |  |  |" in md


MEDIATION_ROWS = [
    "page: roster, leader (first view)",
    "page: roster, mediator (his own + juniors)",
    "page: roster mentor tree, one street, cold",
    "page: roster mentor tree, one street, warm",
    "page: roster load chart, one street",
    "page: roster indicators (cold then cached)",
    "core: suggest_mediators for one case",
]


def test_the_mediation_bench_times_the_roster_and_the_suggestions(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(widgets.session, "current_user", widgets.session.current_user)
    monkeypatch.setattr(db, "_engine", db._engine)
    monkeypatch.setenv("PETITION_DESK_DATA", str(tmp_path))
    url = f"sqlite:///{tmp_path / 'bench.db'}"
    args = ["--database-url", url, "--generate", "--mediators", "40", "--cases", "600", "--runs", "1"]
    assert bench_mediation.main(args) == 0
    out = capsys.readouterr().out
    assert re.search(r"generated 40 mediators and 600 mediation cases in \d+\.\d s", out)
    assert "database: sqlite, 40 mediators, 600 mediation cases; runs: 1" in out
    for label in MEDIATION_ROWS:
        assert re.search(re.escape(label) + r" +median +\d+\.\d ms +max +\d+\.\d ms", out), label
    assert re.search(r"page: my mediations \(\w+\) +median", out)
