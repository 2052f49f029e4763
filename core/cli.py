"""The `petition-desk` command line: migrate, load-demo, and the commands later issues add."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from datetime import date

from core import db
from core.errors import PetitionDeskError

COMMANDS: dict[
    str, tuple[str, Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]]
] = {}


def command(name: str, help_text: str, configure: Callable[[argparse.ArgumentParser], None] = lambda p: None):
    """Register a subcommand: `configure` adds its arguments, the decorated function runs it."""

    def wrap(func: Callable[[argparse.Namespace], int]):
        COMMANDS[name] = (help_text, configure, func)
        return func

    return wrap


def _engine(args: argparse.Namespace):
    if getattr(args, "database_url", None):
        db.set_engine(db.create_db_engine(args.database_url))
    return db.get_engine()


@command("migrate", "Upgrade the database schema to the newest revision and seed reference data.")
def _migrate(args: argparse.Namespace) -> int:
    from core.bootstrap import prepare_database

    engine = prepare_database(_engine(args))
    print(f"schema at {db.current_revision(engine)} ({engine.dialect.name})")
    return 0


def _demo_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--seed", type=int, default=20231, help="random seed (same seed and date give the same data)"
    )
    p.add_argument(
        "--today", type=date.fromisoformat, default=None, help="reference date, YYYY-MM-DD (default: today)"
    )
    p.add_argument("--cases", type=int, default=20000, help="number of cases (default 20000)")


@command("load-demo", "Fill an empty database with a realistic Jiangbei district (demo data).", _demo_args)
def _load_demo(args: argparse.Namespace) -> int:
    import time

    from core import demo
    from core.bootstrap import prepare_database

    engine = prepare_database(_engine(args))
    started = time.perf_counter()
    counts = demo.load_demo(engine, seed=args.seed, today=args.today, cases=args.cases)
    for table, n in counts.items():
        print(f"{table:24} {n:>8}")
    print(f"loaded in {time.perf_counter() - started:.1f} s")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with every registered subcommand."""
    _load_extensions()
    parser = argparse.ArgumentParser(
        prog="petition-desk", description="Petition Desk (信访工作台) command line."
    )
    parser.add_argument(
        "--database-url", help="database URL (default: DATABASE_URL or data/petition_desk.db)"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (help_text, configure, func) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        configure(p)
        p.set_defaults(func=func)
    return parser


def _load_extensions() -> None:
    """Import the modules that register more commands (they call `command` at import)."""
    import importlib

    for name in ("core.cli_auth",):
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the process exit code."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s", stream=sys.stderr)
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except PetitionDeskError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    # `python -m core.cli` runs this file as __main__; commands register on the importable core.cli module
    from core.cli import main as _main

    sys.exit(_main())
