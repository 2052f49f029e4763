"""The `petition-desk` command line: help on every subcommand, migrate, failures exit non-zero."""

from __future__ import annotations

import subprocess
import sys

import pytest

from core import commands as cli
from core.platform import db as core_db
from core.platform.cli import COMMANDS


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
