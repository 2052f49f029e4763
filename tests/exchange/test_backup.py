"""`petition-desk backup` and `restore`: one archive with the attachments, restored identical, into empty only."""

from __future__ import annotations

import tarfile

import pytest
from openpyxl import load_workbook

from core import commands as cli
from core.cases import attachments
from core.exchange import backup
from core.platform import config
from core.platform import db as core_db
from models import Role
from tests.conftest import private_pg_database
from tests.exchange.ledgers import closed_row, write_csv
from tests.factories import make_user, register

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


@pytest.fixture(autouse=True)
def _data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("PETITION_DESK_DATA", str(tmp_path / "data"))
    config.get_settings.cache_clear()
    yield tmp_path / "data"
    config.get_settings.cache_clear()


def run(engine, *args: str) -> int:
    try:
        return cli.main(["--database-url", engine.url.render_as_string(hide_password=False), *args])
    finally:
        core_db.set_engine(engine)


def empty_database_like(engine, tmp_path) -> str:
    if engine.dialect.name == "sqlite":
        return f"sqlite:///{tmp_path / 'restored.db'}"
    return private_pg_database()


def filled(session, engine, tmp_path):
    registrar = make_user(session, Role.REGISTRAR)
    case = register(session, registrar)
    attachments.add_to_case(session, registrar, case.id, [attachments.Upload("证据.pdf", PDF)])
    write_csv(tmp_path / "台账.csv", [closed_row(n) for n in range(1, 31)])
    assert run(engine, "import", str(tmp_path / "台账.csv"), "--user", registrar.username) == 0


def test_backup_then_restore_gives_the_same_database_and_attachments(
    engine, session, tmp_path, _data_dir, capsys
):
    filled(session, engine, tmp_path)
    original = backup.table_checksums(engine)
    archive = tmp_path / "backup.tar.gz"

    assert run(engine, "backup", "--output", str(archive)) == 0

    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert "manifest.json" in names and any(n.startswith("attachments/") for n in names), names
    assert ("database.sqlite" if engine.dialect.name == "sqlite" else "database.dump") in names
    stored = sorted(
        p.relative_to(_data_dir / "attachments")
        for p in (_data_dir / "attachments").rglob("*")
        if p.is_file()
    )
    for p in stored:
        (_data_dir / "attachments" / p).unlink()  # the restore brings them back
    target = empty_database_like(engine, tmp_path)

    assert cli.main(["--database-url", target, "restore", str(archive)]) == 0

    restored = core_db.create_db_engine(target)
    try:
        again = backup.table_checksums(restored)
        assert again == original
        assert again["case"][0] == 31 and again["attachment"][0] == 1
        assert core_db.current_revision(restored) == core_db.head_revision()
    finally:
        restored.dispose()
        core_db.set_engine(engine)
    assert [(_data_dir / "attachments" / p).read_bytes() for p in stored] == [PDF]
    assert "every table matches the backup" in capsys.readouterr().out


def test_restore_refuses_a_database_that_is_not_empty(engine, session, tmp_path, capsys):
    register(session, make_user(session, Role.REGISTRAR))
    archive = tmp_path / "b.tar.gz"
    assert run(engine, "backup", "--output", str(archive)) == 0
    before = backup.table_checksums(engine)
    code = cli.main(
        ["--database-url", engine.url.render_as_string(hide_password=False), "restore", str(archive)]
    )
    core_db.set_engine(engine)
    assert code == 1
    assert "not empty: restore only into a new, empty database" in capsys.readouterr().err
    assert backup.table_checksums(engine) == before


def test_restore_of_a_damaged_archive_exits_non_zero_saying_so(tmp_path, capsys):
    bad = tmp_path / "bad.tar.gz"
    bad.write_bytes(b"not an archive")
    code = cli.main(["--database-url", f"sqlite:///{tmp_path / 'new.db'}", "restore", str(bad)])
    core_db.set_engine(None)
    assert code == 1
    assert "is not a readable backup archive" in capsys.readouterr().err


def test_backup_never_overwrites_a_file(engine, tmp_path, capsys):
    existing = tmp_path / "b.tar.gz"
    existing.write_bytes(b"keep")
    assert run(engine, "backup", "--output", str(existing)) == 1
    assert existing.read_bytes() == b"keep"
    assert "exists already" in capsys.readouterr().err


def test_export_writes_the_case_list_audit_log_and_indicators(engine, session, tmp_path):
    admin = make_user(session, Role.ADMIN)
    case = register(session, admin)
    out = tmp_path / "cases.csv"
    assert (
        run(engine, "export", "cases", "--format", "csv", "--output", str(out), "--user", admin.username) == 0
    )
    text = out.read_bytes().decode("utf-8-sig")
    assert text.splitlines()[0].startswith('"案件编号","登记日期"')
    assert case.number in text
    audit = tmp_path / "audit.xlsx"
    assert (
        run(
            engine,
            "export",
            "audit",
            "--output",
            str(audit),
            "--from",
            "2025-01-01",
            "--user",
            admin.username,
        )
        == 0
    )
    rows = list(load_workbook(audit).active.iter_rows(values_only=True))
    assert len(rows) >= 2
    figures = tmp_path / "kpis.xlsx"
    assert (
        run(engine, "export", "kpis", "--output", str(figures), "--from", "2025-01-01", "--to", "2025-12-31")
        == 0
    )
    keys = [r[0] for r in load_workbook(figures).active.iter_rows(min_row=2, values_only=True)]
    assert "satisfaction_rate" in keys


def test_a_sqlite_restore_cut_off_mid_copy_leaves_no_database_under_the_targets_name(
    engine, session, tmp_path, monkeypatch
):
    if engine.dialect.name != "sqlite":
        pytest.skip("the file copy is SQLite's; PostgreSQL restores through pg_restore into an empty database")
    register(session, make_user(session, Role.REGISTRAR))
    archive = tmp_path / "b.tar.gz"
    assert run(engine, "backup", "--output", str(archive)) == 0
    target = tmp_path / "restored" / "new.db"

    def half_then_killed(source, destination):
        with open(source, "rb") as src, open(destination, "wb") as dst:
            dst.write(src.read(4096))
        raise KeyboardInterrupt  # the process stops here, as a kill would stop it

    real_copyfile = backup.shutil.copyfile
    monkeypatch.setattr(backup.shutil, "copyfile", half_then_killed)
    with pytest.raises(KeyboardInterrupt):
        backup.restore(archive, f"sqlite:///{target}")
    core_db.set_engine(engine)
    assert not target.exists()  # the next restore starts from nothing, not from a torn file
    monkeypatch.setattr(backup.shutil, "copyfile", real_copyfile)
    backup.restore(archive, f"sqlite:///{target}")
    core_db.set_engine(engine)
    assert target.stat().st_size > 4096 and not target.with_name("new.db.partial").exists()
