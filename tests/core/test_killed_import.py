"""A ledger import killed with SIGKILL while it writes leaves nothing behind; run again, it imports every row once
(issue 17, faults).

core.exchange.ledger promises all or nothing: `prepare` checks and stages the rows outside the database, then
`commit` writes every case, its petitioners, its lead unit, its import event and its search entry, and the
import's own audit event (ledger_import), in one transaction. A child runs `petition-desk import` on a ledger of
a few thousand closed cases; the test kills it once its progress bar shows the commit phase has written its
first batch, so the transaction is open with rows in it. The database must be exactly as before the import
(every table's rows and checksum), with no ledger_import event. The same import run again stores every row,
each case whole, and sweeps the staging folder the killed one left (core.platform.scratch); a third run finds
them all there and creates nothing.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from bench.bench_import import ledger_rows, write_csv
from core.exchange import backup, ledger
from models import CaseEvent, Role
from tests.factories import make_user

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
ROWS = 2 * ledger.BATCH  # the commit writes two batches: killed after the first, one is still to come
COMMIT_PROGRESS = re.compile(rb"commit +\[[#-]+\] +\d+% (\d+)/(\d+)")


def _import(url: str, path: Path, username: str, tmp: Path, *, wait: bool = False):
    """Start `petition-desk import` in a child (or, with `wait`, run it to its end)."""
    cmd = [sys.executable, "-m", "core", "--database-url", url, "import", str(path), "--user", username]
    # the staged rows go to a temporary folder of the test's own
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(tmp)}
    if wait:
        return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _kill_once_writing(child: subprocess.Popen) -> int:
    """Read the child's progress bar until the commit phase reports a batch written; SIGKILL it; return the
    rows it had written in its open transaction."""
    seen = b""
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            chunk = os.read(child.stderr.fileno(), 4096)
            assert chunk, (child.stdout.read() + seen).decode(errors="replace")[-2000:]
            seen += chunk
            found = COMMIT_PROGRESS.search(seen)
            if found:
                os.kill(child.pid, signal.SIGKILL)  # mid-way through the commit, as a crash would be
                return int(found.group(1))
        raise AssertionError(f"no commit progress within 60 s: {seen.decode(errors='replace')[-2000:]}")
    finally:
        if child.poll() is None:
            os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)


def _search_entries(conn, dialect: str) -> int:
    if dialect == "sqlite":  # a contentless FTS5 table counts its rows through its docsize shadow table
        return conn.execute(sa.text("select count(*) from case_fts_docsize")).scalar_one()
    return conn.execute(sa.text("select count(*) from case_search")).scalar_one()


def _whole(engine) -> dict[str, int]:
    """The imported cases and how many of them lack a part: each must have its import event, a petitioner and a
    search entry."""
    with engine.connect() as conn:

        def one(sql: str) -> int:
            return conn.execute(sa.text(sql)).scalar_one()

        return {
            "cases": one('select count(*) from "case"'),
            "ledger numbers": one('select count(distinct external_id) from "case"'),
            "import events": one("select count(*) from case_event where action = 'import'"),
            "without import event": one(
                'select count(*) from "case" c where not exists (select 1 from case_event e '
                "where e.case_id = c.id and e.action = 'import')"
            ),
            "without petitioner": one(
                'select count(*) from "case" c where not exists (select 1 from case_party p '
                "where p.case_id = c.id and p.role = 'petitioner')"
            ),
            "search entries": _search_entries(conn, engine.dialect.name),
        }


def _ledger_imports(engine) -> list[dict]:
    with Session(engine) as s:
        events = s.exec(select(CaseEvent).where(CaseEvent.action == "ledger_import").order_by(CaseEvent.id))
        return [{k: e.after[k] for k in ("rows", "created", "skipped")} for e in events]


def test_an_import_killed_while_it_writes_leaves_nothing_and_runs_again_once(engine, session, tmp_path):
    registrar = make_user(session, Role.REGISTRAR)
    path = write_csv(tmp_path / "台账.csv", ledger_rows(ROWS))
    url = engine.url.render_as_string(hide_password=False)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    before = backup.table_checksums(engine)

    child = _import(url, path, registrar.username, tmp)
    written = _kill_once_writing(child)

    assert child.returncode == -signal.SIGKILL
    assert 0 < written < ROWS  # killed inside the transaction, with rows written and rows still to come
    assert backup.table_checksums(engine) == before  # every table as it was: no case, person, event, index
    assert _ledger_imports(engine) == []  # the import's own record went with it
    staged = sorted(p.relative_to(tmp).as_posix() for p in tmp.rglob("*"))  # outside the database: its rows
    assert staged == [
        f"petition-desk-import-{child.pid}-{staged[0].rsplit('-', 1)[1]}",
        *(f"{staged[0]}/{name}" for name in ("ready.pickle", "rows.pickle")),
    ], staged

    again = _import(url, path, registrar.username, tmp, wait=True)
    assert again.returncode == 0, again.stderr[-2000:]
    assert f"imported {ROWS} cases, 0 already there" in again.stdout
    assert _whole(engine) == {
        "cases": ROWS, "ledger numbers": ROWS, "import events": ROWS, "without import event": 0,
        "without petitioner": 0, "search entries": ROWS,
    }  # fmt: skip
    assert _ledger_imports(engine) == [{"rows": ROWS, "created": ROWS, "skipped": 0}]
    assert list(tmp.iterdir()) == []  # the killed import's staged rows were swept, its own removed

    third = _import(url, path, registrar.username, tmp, wait=True)
    assert third.returncode == 0, third.stderr[-2000:]
    assert f"imported 0 cases, {ROWS} already there" in third.stdout
    assert _whole(engine)["cases"] == ROWS  # no duplicate
    assert _ledger_imports(engine) == [
        {"rows": ROWS, "created": ROWS, "skipped": 0},
        {"rows": ROWS, "created": 0, "skipped": ROWS},
    ]
