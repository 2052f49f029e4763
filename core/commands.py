"""The `petition-desk` entry point: every wing's subcommands, run on a migrated and seeded database."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date

from core.accounts import commands as _accounts_commands  # noqa: F401  (registers create-user, …)
from core.bootstrap import prepare_database
from core.exchange import commands as _exchange_commands  # noqa: F401  (import, export, backup, restore)
from core.platform import cli, db
from core.platform.cli import command


@command("migrate", "Upgrade the database schema to the newest revision and seed reference data.")
def _migrate(args: argparse.Namespace) -> int:
    print(f"schema at {db.current_revision(args.engine)} ({args.engine.dialect.name})")
    return 0


def _demo_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--seed", type=int, default=20231, help="random seed (same seed and date give the same data)"
    )
    p.add_argument(
        "--today", type=date.fromisoformat, default=None, help="reference date, YYYY-MM-DD (default: today)"
    )
    p.add_argument("--cases", type=int, default=20000, help="number of cases (default 20000)")
    p.add_argument(
        "--demo-password",
        metavar="P",
        default=None,
        help="password for one demo account per role and the demo administrator (default: a generated "
        "one, printed once)",
    )


@command("load-demo", "Fill an empty database with a realistic Jiangbei district (demo data).", _demo_args)
def _load_demo(args: argparse.Namespace) -> int:
    from core import demo
    from core.demo import logins

    if args.demo_password is not None:
        logins.check_password(args.demo_password)  # refused before the load, not after it
    started = time.perf_counter()
    counts = demo.load_demo(args.engine, seed=args.seed, today=args.today, cases=args.cases)
    for table, n in counts.items():
        print(f"{table:24} {n:>8}")
    print(f"loaded in {time.perf_counter() - started:.1f} s")
    password = args.demo_password or logins.new_password()
    _print_logins(logins.set_demo_passwords(args.engine, password), password, args.demo_password is None)
    return 0


def _print_logins(accounts, password: str, generated: bool) -> None:
    print("\nsign in (http://localhost:8501) as one of:")
    for a in accounts:
        unit = f"  ({a.unit})" if a.unit else ""
        print(f"  {a.role:11} {a.username:22} {a.display_name}{unit}")
    if generated:
        print(f"password: {password}  (generated: shown only now, stored only as a hash)")
    else:
        print("password: the one given with --demo-password")


def build_parser() -> argparse.ArgumentParser:
    """Return the parser with every wing's subcommands."""
    return cli.build_parser()


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the process exit code."""
    return cli.main(argv, prepare=prepare_database)


if __name__ == "__main__":
    sys.exit(main())
