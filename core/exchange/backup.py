"""Backups in one archive (the database and the attachments) and their restore into an empty database.

SQLite is copied by its online backup API, page by page while others keep working; PostgreSQL by `pg_dump`
in its custom format. The archive's manifest holds every table's row count and checksum, which a restore
checks before it migrates the restored database to the current schema.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa

from core.platform import db, scratch
from core.platform.config import get_settings
from core.platform.errors import PetitionDeskError
from models import metadata
from models.base import now_local

FORMAT = 1
MANIFEST, SQLITE_FILE, PG_FILE, ATTACHMENTS = (
    "manifest.json",
    "database.sqlite",
    "database.dump",
    "attachments",
)
Progress = Callable[[str, int, int | None], None]


class BackupError(PetitionDeskError):
    """A backup or restore that cannot go on: the message says why."""

    code = "backup_failed"


def table_checksums(engine: sa.Engine, progress: Progress | None = None) -> dict[str, list]:
    """Return table -> [rows, sha256 of its rows in primary-key order], for every table of the models."""
    with engine.connect() as conn:
        return _checksums(conn, progress)


def _checksums(conn: sa.Connection, progress: Progress | None) -> dict[str, list]:
    out = {}
    tables = metadata.sorted_tables
    for i, table in enumerate(tables, start=1):
        digest, rows = hashlib.sha256(), 0
        order = list(table.primary_key.columns) or list(table.c)
        for row in conn.execution_options(yield_per=5000).execute(sa.select(table).order_by(*order)):
            digest.update(repr(tuple(row)).encode())
            digest.update(b"\n")
            rows += 1
        out[table.name] = [rows, digest.hexdigest()]
        if progress:
            progress("checksum", i, len(tables))
    return out


def _libpq_url(engine: sa.Engine) -> str:
    return engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} is not installed: PostgreSQL backups need it (apt-get install postgresql-client)"
        )
    return found


def backup(engine: sa.Engine, target: Path, *, progress: Progress | None = None) -> dict:
    """Write the database and the attachments to one .tar.gz at `target`; return its manifest."""
    if target.exists():
        raise BackupError(f"{target} exists already: name a new file")
    with scratch.scratch("backup") as folder:  # a killed backup's copy is swept by the next one
        dialect = engine.dialect.name
        # the checksums describe the copy: taken inside SQLite's copy, or from the snapshot pg_dump reads
        if dialect == "sqlite":
            name = SQLITE_FILE
            _sqlite_copy(engine, folder / name, progress)
            copy = db.create_db_engine(f"sqlite:///{folder / name}")
            try:
                checksums = table_checksums(copy, progress)
                revision = db.current_revision(copy)
            finally:
                copy.dispose()
        elif dialect == "postgresql":
            name = PG_FILE
            checksums, revision = _pg_dump(engine, folder / name, progress)
        else:
            raise BackupError(f"no backup for a {dialect} database")
        manifest = {
            "format": FORMAT,
            "dialect": dialect,
            "revision": revision,
            "created_at": now_local().isoformat(),
            "database": name,
            "tables": checksums,
            "attachments": _attachment_names(),
        }
        (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        partial = target.with_name(target.name + ".partial")
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(folder / MANIFEST, MANIFEST)
            tar.add(folder / name, name)
            files = manifest["attachments"]
            for i, rel in enumerate(files, start=1):
                tar.add(get_settings().attachments_dir / rel, f"{ATTACHMENTS}/{rel}")
                if progress:
                    progress("files", i, len(files))
        partial.rename(target)  # a killed backup leaves a .partial, never a file that looks whole
    return manifest


def _sqlite_copy(engine: sa.Engine, path: Path, progress: Progress | None) -> None:
    raw = engine.raw_connection()
    try:
        source = raw.driver_connection
        dest = sqlite3.connect(path)
        try:

            def step(_status, remaining, total):
                if progress:
                    progress("copy", total - remaining, total)

            source.backup(dest, pages=2048, progress=step)
        finally:
            dest.close()
    finally:
        raw.close()


def _pg_dump(engine: sa.Engine, path: Path, progress: Progress | None) -> tuple[dict, str | None]:
    """Dump in one repeatable-read snapshot and take the checksums from that same snapshot."""
    with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
        snapshot = conn.exec_driver_sql("SELECT pg_export_snapshot()").scalar()
        cmd = [_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
               f"--file={path}", f"--dbname={_libpq_url(engine)}"]  # fmt: skip
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode:
            raise BackupError(f"pg_dump failed: {done.stderr.strip()[-500:]}")
        if progress:
            progress("copy", 1, 1)
        checksums = _checksums(conn, progress)
        revision = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        conn.rollback()
    return checksums, revision


def _attachment_names() -> list[str]:
    root = get_settings().attachments_dir
    if not root.is_dir():
        return []
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


# --- restore -------------------------------------------------------------------------------------


def _is_empty(engine: sa.Engine) -> bool:
    return not sa.inspect(engine).get_table_names()


def restore(archive: Path, url: str, *, progress: Progress | None = None) -> dict:
    """Restore a backup archive into the empty database at `url`, check every table, migrate it to head."""
    if not archive.is_file():
        raise BackupError(f"{archive}: no such file")
    url = db.normalize_url(url)
    with scratch.scratch("restore") as folder:
        manifest = _unpack(archive, folder)
        dialect = sa.engine.make_url(url).get_backend_name()
        if dialect != manifest["dialect"]:
            raise BackupError(
                f"this is a {manifest['dialect']} backup: restore it into a {manifest['dialect']} database"
            )
        if dialect == "sqlite":
            _restore_sqlite(folder / manifest["database"], url)
        else:
            _restore_pg(folder / manifest["database"], url)
        if progress:
            progress("restore", 1, 1)
        engine = db.create_db_engine(url)
        try:
            found = table_checksums(engine, progress)
            wrong = sorted(t for t, v in manifest["tables"].items() if found.get(t) != v)
            if wrong:
                raise BackupError(f"the restored database differs from the backup in: {', '.join(wrong)}")
            _restore_files(folder, manifest["attachments"], progress)
            db.upgrade(engine)  # a backup of an older version opens in this one
            if db.health(engine)["database"] != "ok":
                raise BackupError("the restored database does not open")
        finally:
            engine.dispose()
    return manifest


def _unpack(archive: Path, folder: Path) -> dict:
    try:
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(folder, filter="data")
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(f"{archive} is not a readable backup archive ({exc})") from None
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise BackupError(f"{archive} has no manifest: not a Petition Desk backup") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"backup format {manifest.get('format')} is not one this version reads")
    return manifest


def _restore_sqlite(source: Path, url: str) -> None:
    path = sa.engine.make_url(url).database
    if not path or path == ":memory:":
        raise BackupError("restore needs a SQLite file, not an in-memory database")
    target = Path(path)
    if target.exists() and target.stat().st_size > 0:
        engine = db.create_db_engine(url)
        try:
            if not _is_empty(engine):
                raise BackupError(f"{target} is not empty: restore only into a new, empty database")
        finally:
            engine.dispose()
    target.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    # copied beside it, then renamed: a restore killed mid-copy leaves no half file under the database's name
    partial = target.with_name(target.name + ".partial")
    shutil.copyfile(source, partial)
    os.replace(partial, target)


def _restore_pg(source: Path, url: str) -> None:
    engine = db.create_db_engine(url)
    try:
        if not _is_empty(engine):
            raise BackupError("the target database is not empty: restore only into a new, empty database")
        libpq = _libpq_url(engine)
    finally:
        engine.dispose()
    cmd = [
        _tool("pg_restore"),
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        f"--dbname={libpq}",
        str(source),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode:
        raise BackupError(f"pg_restore failed: {done.stderr.strip()[-500:]}")


def _restore_files(folder: Path, names: list[str], progress: Progress | None) -> None:
    root = get_settings().attachments_dir
    for i, rel in enumerate(names, start=1):
        source = folder / ATTACHMENTS / rel
        if hashlib.sha256(source.read_bytes()).hexdigest() != Path(rel).name:
            raise BackupError(f"attachment {rel} is damaged in the archive")
        target = root / rel
        if not target.exists():  # stored by content: a file already there is the same file
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
        if progress:
            progress("files", i, len(names))
