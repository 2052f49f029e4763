"""Command-line data exchange: import a ledger, export, backup and restore."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from sqlmodel import Session, select

from core.exchange import backup, export, ledger, mapping
from core.platform import timeutil
from core.platform.cli import ProgressBar, command
from core.platform.config import get_settings
from core.platform.errors import ValidationError
from i18n import t
from models import Role, User


def _actor(session: Session, username: str | None, roles=(Role.ADMIN, Role.REGISTRAR)) -> User:
    """Return the account a command runs as: the one named, or the first active administrator."""
    stmt = select(User).where(User.active)
    stmt = stmt.where(User.role.in_(roles)) if roles else stmt
    stmt = stmt.where(User.username == username) if username else stmt.where(User.role == Role.ADMIN)
    user = session.exec(stmt.order_by(User.id)).first()
    if user is None:
        raise ValidationError(t("exchange.error.user", username=username or "admin"))
    return user


def _import_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", type=Path, help="the ledger: .xlsx, or .csv in UTF-8, UTF-8 with BOM or GBK")
    p.add_argument(
        "--mapping",
        default=None,
        metavar="M",
        help='columns to fields, "信访人=name,来访日期=received_on" or a JSON object (default: the mapping '
        "remembered for this header set, else the recognised Chinese headers)",
    )
    p.add_argument("--dry-run", action="store_true", help="check every row and report, store nothing")
    p.add_argument(
        "--user", default=None, metavar="USERNAME", help="account to import as (default: an admin)"
    )
    p.add_argument(
        "--report", type=Path, default=None, metavar="XLSX", help="write the bad rows to this .xlsx file"
    )
    p.add_argument(
        "--codes", type=Path, default=None, metavar="XLSX",
        help="write the query codes of imported open cases to this .xlsx file (default: next to the ledger)",
    )  # fmt: skip


@command("import", "Import a case ledger (台账) from .xlsx or .csv: all rows or none.", _import_args)
def _import(args: argparse.Namespace) -> int:
    if not args.file.is_file():
        raise ValidationError(f"{args.file}: no such file")
    bar = ProgressBar()
    with Session(args.engine, expire_on_commit=False) as session:
        actor = _actor(session, args.user)
        chosen = None
        if args.mapping:
            chosen = mapping.parse_option(args.mapping, ledger.read_header(args.file))
        try:
            prepared = ledger.prepare(session, actor, args.file, mapping=chosen, progress=bar)
        finally:
            bar.close()
        print(
            f"rows {prepared.total}, valid {prepared.valid}, already imported {prepared.existing}, "
            f"bad {prepared.bad_rows} (open cases among the valid: {prepared.open})"
        )
        for e in prepared.errors[:50]:
            print(f"  row {e.row}, {e.column}: {e.reason} [{e.value}]", file=sys.stderr)
        if len(prepared.errors) > 50:
            print(f"  … {len(prepared.errors) - 50} more", file=sys.stderr)
        if prepared.errors and args.report:
            args.report.write_bytes(ledger.error_report(prepared))
            print(f"bad rows written to {args.report}")
        if args.dry_run or prepared.errors:
            prepared.discard()
            if prepared.errors:
                print(f"error: {t('exchange.error.has_errors', count=prepared.bad_rows)}", file=sys.stderr)
                return 1
            return 0
        try:
            done = ledger.commit(session, actor, prepared, progress=bar)
        finally:
            bar.close()
    print(f"imported {done.created} cases, {done.skipped} already there")
    if done.query_codes:
        target = args.codes or args.file.with_suffix(".query-codes.xlsx")
        target.write_bytes(ledger.query_code_sheet(done))
        print(f"query codes of {len(done.query_codes)} open cases written to {target} (shown only there)")
    return 0


def _export_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("kind", choices=export.KINDS, help="cases (the case list), audit (the audit log), kpis")
    p.add_argument("--format", choices=export.FORMATS, default="xlsx", help="xlsx (default) or csv")
    p.add_argument(
        "--output", type=Path, default=None, metavar="FILE", help="default: petition-desk-KIND-DATE"
    )
    p.add_argument("--from", dest="start", type=date.fromisoformat, default=None, metavar="YYYY-MM-DD",
                   help="audit and kpis: first day (default: 1 January of this year)")  # fmt: skip
    p.add_argument("--to", dest="end", type=date.fromisoformat, default=None, metavar="YYYY-MM-DD",
                   help="audit and kpis: last day (default: today)")  # fmt: skip
    p.add_argument(
        "--user", default=None, metavar="USERNAME", help="account whose view is exported (default: an admin)"
    )


@command("export", "Export the case list, the audit log or the indicators to .xlsx or .csv.", _export_args)
def _export(args: argparse.Namespace) -> int:
    today = timeutil.today()
    start, end = args.start or date(today.year, 1, 1), args.end or today
    target = args.output or export.default_name(args.kind, args.format, today)
    bar = ProgressBar()
    with Session(args.engine, expire_on_commit=False) as session:
        actor = _actor(session, args.user, roles=None)
        bar("export", 0, 1)
        data = export.export(session, actor, args.kind, args.format, start=start, end=end, today=today)
        bar("export", 1, 1)
        bar.close()
    target.write_bytes(data)
    print(f"{args.kind} written to {target} ({len(data):,} bytes)")
    return 0


def _backup_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--output", type=Path, default=None, metavar="FILE.tar.gz",
                   help="the archive to write (default: petition-desk-backup-DATE-TIME.tar.gz)")  # fmt: skip


@command(
    "backup", "Back up the database and the attachments into one archive, while the app runs.", _backup_args
)
def _backup(args: argparse.Namespace) -> int:
    target = args.output or Path(f"petition-desk-backup-{timeutil.now():%Y%m%d-%H%M%S}.tar.gz")
    bar = ProgressBar()
    try:
        manifest = backup.backup(args.engine, target, progress=bar)
    finally:
        bar.close()
    rows = sum(n for n, _ in manifest["tables"].values())
    print(f"backup of {manifest['dialect']} at revision {manifest['revision']}: {rows:,} rows in "
          f"{len(manifest['tables'])} tables, {len(manifest['attachments'])} attachments -> {target}")  # fmt: skip
    return 0


def _restore_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("archive", type=Path, help="a backup made by `petition-desk backup`")


@command(
    "restore",
    "Restore a backup into an empty database (--database-url), check every table, then migrate it.",
    _restore_args,
    database=False,
)
def _restore(args: argparse.Namespace) -> int:
    url = args.database_url or get_settings().database_url
    bar = ProgressBar()
    try:
        manifest = backup.restore(args.archive, url, progress=bar)
    finally:
        bar.close()
    print(f"restored {len(manifest['tables'])} tables and {len(manifest['attachments'])} attachments; "
          "every table matches the backup; schema migrated to the current version")  # fmt: skip
    return 0


@command("deliver", "Deliver the outbox once: signed webhooks and text messages that are due (for a timer).")
def _deliver(args: argparse.Namespace) -> int:
    from core.exchange import delivery

    run = delivery.deliver_due(args.engine)
    print(f"delivered {run.delivered}, to retry {run.retried}, failed {run.failed}")
    return 0


def _webhook_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("name", help="the external system, e.g. 12345")
    p.add_argument("url", help="where to POST the signed events (http:// or https://)")
    p.add_argument("--events", default="registered,accepted,replied,closed", help="comma-separated events")
    p.add_argument("--user", default=None, help="the administrator it is recorded as (default: the first)")


@command(
    "add-webhook", "Subscribe an external system to case events; prints the HMAC secret once.", _webhook_args
)
def _add_webhook(args: argparse.Namespace) -> int:
    from core.exchange import delivery

    with Session(args.engine) as session:
        try:
            sub, secret = delivery.add_subscription(
                session,
                _actor(session, args.user, (Role.ADMIN,)),
                args.name,
                args.url,
                args.events.split(","),
            )
        except ValidationError as exc:
            print("; ".join(str(m) for m in exc.errors.values()) or exc.message, file=sys.stderr)
            return 2
    print(f"subscription {sub.id} {sub.name}: secret {secret}")
    return 0
