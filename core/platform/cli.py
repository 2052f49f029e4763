"""The frame of the `petition-desk` command line: wings register subcommands with `@command`.

The entry point (core/commands.py) imports every wing's commands and hands `main` the function that
prepares the database, so a command receives `args.engine` already migrated and seeded.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from core.platform import db
from core.platform.errors import PetitionDeskError


@dataclass(frozen=True)
class Command:
    """A subcommand: its help, how it adds its arguments, what it runs, whether it needs the database."""

    help_text: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]
    database: bool


COMMANDS: dict[str, Command] = {}


def command(
    name: str,
    help_text: str,
    configure: Callable[[argparse.ArgumentParser], None] = lambda p: None,
    *,
    database: bool = True,
):
    """Register a subcommand: `configure` adds its arguments, the decorated function runs it."""

    def wrap(func: Callable[[argparse.Namespace], int]):
        COMMANDS[name] = Command(help_text, configure, func, database)
        return func

    return wrap


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with every registered subcommand."""
    parser = argparse.ArgumentParser(
        prog="petition-desk", description="Petition Desk (信访工作台) command line."
    )
    parser.add_argument(
        "--database-url", help="database URL (default: DATABASE_URL or data/petition_desk.db)"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, cmd in COMMANDS.items():
        p = sub.add_parser(name, help=cmd.help_text, description=cmd.help_text)
        cmd.configure(p)
        p.set_defaults(command_spec=cmd)
    return parser


def _engine(args: argparse.Namespace) -> sa.Engine:
    if getattr(args, "database_url", None):
        db.set_engine(db.create_db_engine(args.database_url))
    return db.get_engine()


def main(argv: list[str] | None = None, *, prepare: Callable[[sa.Engine], sa.Engine] | None = None) -> int:
    """Run the command line; return the process exit code. `prepare` migrates and seeds the database."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s", stream=sys.stderr)
    args = build_parser().parse_args(argv)
    cmd: Command = args.command_spec
    try:
        if cmd.database:
            engine = _engine(args)
            args.engine = prepare(engine) if prepare else engine
        return cmd.run(args)
    except PetitionDeskError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1


class ProgressBar:
    """A one-line progress bar on standard error: `bar(phase, done, total)` redraws it (total None: a count)."""

    WIDTH = 30

    def __init__(self, stream=None):
        self.stream = stream or sys.stderr
        self.phase: str | None = None

    def __call__(self, phase: str, done: int, total: int | None) -> None:
        if self.phase not in (None, phase):
            self.stream.write("\n")
        self.phase = phase
        if total:
            filled = min(self.WIDTH, self.WIDTH * done // total)
            bar = "#" * filled + "-" * (self.WIDTH - filled)
            self.stream.write(f"\r{phase:8} [{bar}] {min(100, 100 * done // total):3d}% {done}/{total}")
        else:
            self.stream.write(f"\r{phase:8} {done}")
        self.stream.flush()

    def close(self) -> None:
        if self.phase is not None:
            self.stream.write("\n")
            self.stream.flush()
            self.phase = None
