"""The `petition-desk` command line: help on every subcommand, migrate, failures exit non-zero."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from core import commands as cli
from core.accounts import auth
from core.platform import db as core_db
from core.platform.cli import COMMANDS
from models import User

ROLES = {"admin", "registrar", "handler", "leader", "supervisor", "mediator", "display"}
ACCOUNT_LINE = re.compile(r"^  (\w+) +(demo\.[\w.]+) ", re.M)


def load_demo(tmp_path: Path, *extra: str) -> tuple[int, str]:
    """Run `load-demo` on a new SQLite file of `tmp_path`; return the exit code and the database URL."""
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    try:
        code = cli.main(
            ["--database-url", url, "load-demo", "--cases", "60", "--today", "2026-09-25", *extra]
        )
    finally:
        core_db.set_engine(None)
    return code, url


def signs_in(url: str, username: str, password: str) -> bool:
    engine = core_db.create_db_engine(url)
    try:
        with Session(engine) as session:
            return auth.authenticate(session, username, password).username == username
    finally:
        engine.dispose()


def test_every_subcommand_has_help(capsys):
    parser = cli.build_parser()
    names = list(COMMANDS)
    assert {"migrate", "load-demo"} <= set(names)
    for name in names:
        with pytest.raises(SystemExit) as exc:
            parser.parse_args([name, "--help"])
        assert exc.value.code == 0
        assert name in capsys.readouterr().out


def test_migrate_upgrades_a_new_sqlite_database(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    try:
        assert cli.main(["--database-url", url, "migrate"]) == 0
        assert core_db.current_revision(core_db.get_engine()) == core_db.head_revision()
    finally:
        core_db.set_engine(None)
    assert "schema at" in capsys.readouterr().out


def test_console_script_fails_with_non_zero_exit_on_a_bad_command():
    result = subprocess.run([sys.executable, "-m", "core", "no-such-command"], capture_output=True, text=True)
    assert result.returncode != 0


def test_unreachable_database_exits_non_zero(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "core",
            "--database-url",
            "postgresql://nobody@127.0.0.1:1/none",
            "migrate",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0


def test_load_demo_with_a_demo_password_opens_one_account_per_role(tmp_path, capsys):
    code, url = load_demo(tmp_path, "--demo-password", "Zeigen2026demo")
    out = capsys.readouterr().out
    assert code == 0
    accounts = dict(ACCOUNT_LINE.findall(out))
    assert set(accounts) == ROLES and accounts["admin"] == "demo.admin"
    assert "Zeigen2026demo" not in out  # the operator typed it; the output does not repeat it
    for username in accounts.values():
        assert signs_in(url, username, "Zeigen2026demo"), username
    engine = core_db.create_db_engine(url)
    with engine.connect() as conn:
        with_password = conn.execute(
            sa.select(User.username, User.role).where(User.password_hash.is_not(None))
        ).all()
    engine.dispose()
    assert sorted(r.username for r in with_password) == sorted(accounts.values())  # nobody else can sign in
    assert {r.username: r.role for r in with_password}["demo.admin"] == "admin"


def test_load_demo_without_a_password_prints_a_generated_one_once_and_stores_only_its_hash(tmp_path, capsys):
    code, url = load_demo(tmp_path)
    captured = capsys.readouterr()
    assert code == 0
    password = re.search(r"^password: (\S+)", captured.out, re.M)[1]
    assert len(password) >= 16 and auth.password_problem("demo.admin", password) is None
    assert captured.out.count(password) == 1 and password not in captured.err
    accounts = dict(ACCOUNT_LINE.findall(captured.out))
    assert set(accounts) == ROLES
    for username in accounts.values():
        assert signs_in(url, username, password), username
    stored = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("demo.db"))
    assert password.encode() not in stored and b"argon2id" in stored


def test_load_demo_refuses_a_weak_demo_password_before_loading(tmp_path, capsys):
    code, url = load_demo(tmp_path, "--demo-password", "short1")
    assert code == 1
    assert "error:" in capsys.readouterr().err
    engine = core_db.create_db_engine(url)
    with engine.connect() as conn:
        assert conn.execute(sa.text('SELECT count(*) FROM "case"')).scalar() == 0
    engine.dispose()
