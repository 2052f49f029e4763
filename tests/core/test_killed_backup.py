"""A backup killed with SIGKILL while it writes its archive leaves nothing that passes for a backup
(issue 17, faults).

core.exchange.backup writes the archive under `<name>.partial` and renames it to the name asked for only once
it is whole. A child runs `petition-desk backup` of a database with a dozen attachments of 1 MB each; the test
kills it once its progress bar shows the first attachment packed and the rest still to come. Nothing is left
under the asked-for name; the .partial left beside it is refused by restore as unreadable, and the empty target
database stays empty; the database backed up is as it was; a new backup under the same name succeeds, sweeps the
copy of the database the killed one left in the temporary directory (core.platform.scratch), and restores to
the same rows.
"""

from __future__ import annotations

import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from core.cases import attachments
from core.exchange import backup
from core.platform import config
from core.platform import db as core_db
from models import Role
from tests.conftest import private_pg_database
from tests.factories import make_user, register

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
CASES, FILES_PER_CASE, FILE_BYTES = 2, 6, 1024 * 1024
FILES = CASES * FILES_PER_CASE
FILES_PROGRESS = re.compile(rb"files +\[[#-]+\] +\d+% (\d+)/(\d+)")


@pytest.fixture(autouse=True)
def _data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("PETITION_DESK_DATA", str(tmp_path / "data"))  # the children inherit it
    config.get_settings.cache_clear()
    yield tmp_path / "data"
    config.get_settings.cache_clear()


def _cli(url: str, *args: str) -> list[str]:
    return [sys.executable, "-m", "core", "--database-url", url, *args]


def _env(tmp: Path) -> dict[str, str]:
    # the backup's working copy goes to a folder of the test's own, to see what a killed backup leaves there
    return {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(tmp)}


def _fill(session) -> None:
    registrar = make_user(session, Role.REGISTRAR)
    rng = random.Random(17)  # incompressible bytes: packing them takes a while, so the kill lands mid-archive
    for c in range(CASES):
        case = register(session, registrar)
        uploads = [
            attachments.Upload(f"证据{c}-{i}.pdf", b"%PDF-1.7\n" + rng.randbytes(FILE_BYTES))
            for i in range(FILES_PER_CASE)
        ]
        attachments.add_to_case(session, registrar, case.id, uploads)


def _kill_while_packing(child: subprocess.Popen) -> int:
    """Read the child's progress bar until it has packed some attachments but not all; SIGKILL it; return how
    many it had packed."""
    seen = b""
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            chunk = os.read(child.stderr.fileno(), 4096)
            assert chunk, (child.stdout.read() + seen).decode(errors="replace")[-2000:]
            seen += chunk
            found = FILES_PROGRESS.search(seen)
            if found and int(found.group(1)) < int(found.group(2)):
                os.kill(child.pid, signal.SIGKILL)  # mid-way through the archive, as a crash would be
                return int(found.group(1))
        raise AssertionError(f"no attachment packed within 60 s: {seen.decode(errors='replace')[-2000:]}")
    finally:
        if child.poll() is None:
            os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)


def _empty_target(engine, tmp_path: Path) -> str:
    if engine.dialect.name == "sqlite":
        return f"sqlite:///{tmp_path / 'restored.db'}"
    return private_pg_database()


def _tables(url: str) -> list[str]:
    probe = core_db.create_db_engine(url)
    try:
        return sa.inspect(probe).get_table_names()
    finally:
        probe.dispose()


def test_a_backup_killed_while_it_writes_leaves_no_archive_that_passes_for_one(engine, session, tmp_path):
    _fill(session)
    url = engine.url.render_as_string(hide_password=False)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    archive = tmp_path / "backup.tar.gz"
    partial = tmp_path / "backup.tar.gz.partial"
    before = backup.table_checksums(engine)
    assert before["attachment"][0] == FILES

    child = subprocess.Popen(
        _cli(url, "backup", "--output", str(archive)),
        cwd=ROOT, env=_env(tmp), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    packed = _kill_while_packing(child)

    assert child.returncode == -signal.SIGKILL
    assert 0 < packed < FILES
    assert not archive.exists()  # nothing under the name asked for
    assert partial.stat().st_size > 0  # the half-written archive, under a name that says so
    assert backup.table_checksums(engine) == before  # the database backed up is as it was
    if engine.dialect.name == "sqlite":
        with sqlite3.connect(engine.url.database) as raw:
            assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)

    copies = sorted(p.relative_to(tmp).as_posix() for p in tmp.rglob("*"))  # its copy of the database
    assert copies[0].startswith(f"petition-desk-backup-{child.pid}-") and copies[1:] == [
        f"{copies[0]}/{'database.sqlite' if engine.dialect.name == 'sqlite' else 'database.dump'}",
        f"{copies[0]}/manifest.json",
    ], copies

    target = _empty_target(engine, tmp_path)
    refused = subprocess.run(
        _cli(target, "restore", str(partial)),
        cwd=ROOT, env=_env(tmp), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert refused.returncode == 1
    assert f"error: {partial} is not a readable backup archive" in refused.stderr, refused.stderr[-2000:]
    assert _tables(target) == []  # the target database is still empty
    missing = subprocess.run(
        _cli(target, "restore", str(archive)),
        cwd=ROOT, env=_env(tmp), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert missing.returncode == 1
    assert f"error: {archive}: no such file" in missing.stderr, missing.stderr[-2000:]

    again = subprocess.run(
        _cli(url, "backup", "--output", str(archive)),
        cwd=ROOT, env=_env(tmp), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert again.returncode == 0, again.stderr[-2000:]
    assert archive.stat().st_size > FILES * FILE_BYTES and not partial.exists()
    assert list(tmp.iterdir()) == []  # the killed backup's copy was swept, the new one's removed

    restored = subprocess.run(
        _cli(target, "restore", str(archive)),
        cwd=ROOT, env=_env(tmp), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert restored.returncode == 0, restored.stderr[-2000:]
    assert "every table matches the backup" in restored.stdout
    copy = core_db.create_db_engine(target)
    try:
        assert backup.table_checksums(copy) == before
    finally:
        copy.dispose()
