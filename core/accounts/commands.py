"""Command-line accounts: create-user, set-password, create-token and setup-code (passwords from standard input only)."""

from __future__ import annotations

import argparse
import getpass
import sys

from core.platform import db
from core.platform.cli import command
from core.platform.errors import ValidationError
from i18n import t
from models import Role


def _read_password() -> str:
    """Read a new password: asked twice on a terminal, else the first line of standard input."""
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Repeat password: "):
            raise ValidationError(t("auth.passwords_differ"))
        return first
    return sys.stdin.readline().rstrip("\r\n")


def _plain_errors(exc: ValidationError) -> ValidationError:
    """Return the error with every field message in one line (the command line has no form to put them next to)."""
    details = "; ".join(f"{field}: {msg}" for field, msg in exc.errors.items())
    return ValidationError(details or exc.message, errors=exc.errors)


def _user_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--username", required=True, help="sign-in name (lower-case letters, digits, . _ -)")
    p.add_argument("--role", required=True, choices=[r.value for r in Role], help="role key")
    p.add_argument("--unit", default=None, metavar="CODE", help="unit code (required for handlers)")
    p.add_argument("--display-name", default=None, help="name shown in the app (default: the username)")


@command(
    "create-user",
    "Create a user; the password is read from standard input, never from an argument.",
    _user_args,
)
def _create_user(args: argparse.Namespace) -> int:
    from core.accounts import users

    engine = args.engine
    password = _read_password()
    with db.session_scope(engine) as session:
        try:
            user = users.create_user_by_operator(
                session,
                username=args.username,
                display_name=args.display_name or args.username,
                role=args.role,
                unit_code=args.unit,
                password=password,
            )
        except ValidationError as exc:
            raise _plain_errors(exc) from exc
        print(f"created user {user.username} ({user.role.value}, id {user.id})")
    return 0


def _password_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--username", required=True, help="sign-in name")


@command("set-password", "Set a user's password from standard input and lift any lockout.", _password_args)
def _set_password(args: argparse.Namespace) -> int:
    from core.accounts import users

    engine = args.engine
    password = _read_password()
    with db.session_scope(engine) as session:
        try:
            user = users.set_password_by_operator(session, args.username, password)
        except ValidationError as exc:
            raise _plain_errors(exc) from exc
        print(f"password set for {user.username}")
    return 0


def _token_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--username", required=True, help="the user the token acts as")
    p.add_argument("--name", default="cli", help="what the token is for (shown in the token list)")


@command("create-token", "Create an API token for a user and print it once.", _token_args)
def _create_token(args: argparse.Namespace) -> int:
    from core.accounts import tokens

    engine = args.engine
    with db.session_scope(engine) as session:
        _token, plain = tokens.create_token_by_operator(session, args.username, args.name)
    print(plain)
    return 0


@command(
    "setup-code",
    "Print a new one-time setup code for creating the first administrator (a fresh install only).",
)
def _setup_code(args: argparse.Namespace) -> int:
    from core.accounts import first_run

    with db.session_scope(args.engine) as session:
        print(first_run.issue_setup_code(session))  # the code printed before stops working
    return 0
