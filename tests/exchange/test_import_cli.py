"""`petition-desk import`: a dry run stores nothing, bad rows exit non-zero, a killed import leaves no trace."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import sqlalchemy as sa

from models import Role
from tests.exchange.ledgers import closed_row, write_csv
from tests.factories import make_user, register

TABLES = ("case", "person", "case_party", "case_unit", "case_event", "setting")


def counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {t: conn.execute(sa.text(f'SELECT count(*) FROM "{t}"')).scalar() for t in TABLES}


def petition_desk(engine, *args: str, **kwargs) -> subprocess.Popen:
    url = engine.url.render_as_string(hide_password=False)
    cmd = [sys.executable, "-m", "core", "--database-url", url, *args]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)


def finish(proc: subprocess.Popen) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=300)
    return proc.returncode, out.decode(), err.decode()


def test_a_dry_run_reports_and_stores_nothing(engine, session, tmp_path):
    user = make_user(session, Role.REGISTRAR)
    path = write_csv(tmp_path / "台账.csv", [closed_row(n) for n in range(1, 4)])
    before = counts(engine)
    code, out, err = finish(petition_desk(engine, "import", str(path), "--dry-run", "--user", user.username))
    assert code == 0, err
    assert "rows 3, valid 3, already imported 0, bad 0" in out
    assert "check" in err  # the progress bar
    assert counts(engine) == before


def test_bad_rows_exit_non_zero_with_their_rows_and_a_report(engine, session, tmp_path):
    user = make_user(session, Role.REGISTRAR)
    bad = closed_row(2)
    bad[4] = "昨天"
    path = write_csv(tmp_path / "bad.csv", [closed_row(1), bad])
    report = tmp_path / "bad-rows.xlsx"
    code, out, err = finish(
        petition_desk(engine, "import", str(path), "--user", user.username, "--report", str(report))
    )
    assert code == 1
    assert "row 3, 来访日期: 日期无法识别" in err
    assert "error: 台账中有1行有错误" in err
    assert report.stat().st_size > 0
    assert counts(engine)["case"] == 0


def test_an_import_needs_an_account_that_may_import(engine, session, tmp_path):
    handler = make_user(session, Role.HANDLER)
    path = write_csv(tmp_path / "a.csv", [closed_row(1)])
    code, _, err = finish(petition_desk(engine, "import", str(path), "--user", handler.username))
    assert code == 1 and "error: " in err and "--user" in err


def test_an_import_killed_during_its_commit_leaves_the_database_as_it_was(engine, session, tmp_path):
    user = make_user(session, Role.ADMIN)
    register(session, user)
    before = counts(engine)
    path = write_csv(tmp_path / "big.csv", [closed_row(n) for n in range(1, 6001)])  # three batches
    proc = petition_desk(engine, "import", str(path), "--user", user.username)
    seen = b""
    deadline = time.monotonic() + 240
    while b"commit" not in seen and time.monotonic() < deadline:
        chunk = os.read(proc.stderr.fileno(), 4096)
        if not chunk:
            break
        seen += chunk
    assert b"commit" in seen, seen.decode(errors="replace")  # the first batch is in, the transaction open
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert counts(engine) == before
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            assert conn.execute(sa.text("PRAGMA integrity_check")).scalar() == "ok"
