"""A fresh install: the first administrator needs the setup code from the server's log; a SQLite folder
that does not exist is an error naming it, so a mistyped DATABASE_URL never opens an empty database."""

from __future__ import annotations

import asyncio
import io
import logging

import pytest
from sqlmodel import Session, select

import streamlit_app
from core import commands as cli
from core.accounts import auth, first_run, users
from core.platform import config, db
from core.platform.errors import PermissionDenied, ValidationError
from models import CaseEvent, Setting, User

PASSWORD = "river2025stone"


def _create(session: Session, code: str | None, client: str | None = "10.0.0.7") -> User:
    return users.create_first_admin(
        session,
        username="wang.admin",
        display_name="王管理",
        password=PASSWORD,
        setup_code=code,
        client=client,
    )


def test_the_first_administrator_needs_the_setup_code(session):
    code = first_run.issue_setup_code(session)
    assert len(code) == 14 and code.count("-") == 2  # ABCD-EFGH-JKLM
    with pytest.raises(ValidationError) as missing:
        _create(session, None)
    assert missing.value.errors == {"setup_code": "请填写服务器日志中的安装码。"}
    with pytest.raises(ValidationError) as wrong:
        _create(session, "2222-3333-4444")
    assert wrong.value.errors == {"setup_code": "安装码不正确。请使用服务器最近一次打印的安装码。"}
    assert not users.any_user(session)
    admin = _create(session, " " + code.lower().replace("-", " ") + " ")  # typed loosely from the log
    assert admin.role == "admin" and auth.authenticate(session, "wang.admin", PASSWORD, None).id == admin.id
    assert session.get(Setting, first_run.SETUP_CODE_KEY) is None  # used up
    with pytest.raises(PermissionDenied):
        first_run.issue_setup_code(session)
    [failed] = session.exec(select(CaseEvent).where(CaseEvent.action == first_run.FAILED)).all()
    assert failed.after == {"client": "10.0.0.7"}  # the wrong code itself is never stored


def test_only_the_newest_setup_code_counts(session):
    old, new = first_run.issue_setup_code(session), first_run.issue_setup_code(session)
    with pytest.raises(ValidationError):
        _create(session, old)
    assert _create(session, new).username == "wang.admin"


def test_wrong_setup_codes_are_limited_per_client(session):
    code = first_run.issue_setup_code(session)
    for n in range(5):
        with pytest.raises(ValidationError):
            _create(session, f"2222-3333-444{n}")
    with pytest.raises(auth.TooManyAttempts) as refused:
        _create(session, code)  # the right code too, from this address
    assert refused.value.message == "安装码输错次数过多，请 15 分钟后再试。"
    assert _create(session, code, client="10.0.0.8").username == "wang.admin"


def _url(engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def test_the_setup_code_command_prints_a_code_that_works(engine, session, monkeypatch, capsys):
    assert cli.main(["--database-url", _url(engine), "setup-code"]) == 0
    code = capsys.readouterr().out.strip()
    assert _create(session, code).username == "wang.admin"
    assert cli.main(["--database-url", _url(engine), "setup-code"]) == 1
    assert "系统已初始化" in capsys.readouterr().err


def _start(app=None) -> None:
    async def run():
        async with streamlit_app.lifespan(app):
            pass

    asyncio.run(run())


def test_the_server_prints_a_setup_code_at_start_on_an_empty_database(engine, session, caplog):
    with caplog.at_level(logging.WARNING, logger="petition_desk"):
        _start()
    [banner] = [r.getMessage() for r in caplog.records if "setup code" in r.getMessage()]
    code = banner.split("setup code:")[1].split()[0]
    assert _create(session, code).username == "wang.admin"
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="petition_desk"):
        _start()
    assert not [r for r in caplog.records if "setup code" in r.getMessage()]  # users exist: no code


def test_a_sqlite_folder_that_does_not_exist_is_an_error_naming_it(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'tpyo' / 'petition_desk.db'}"
    with pytest.raises(db.DatabaseFolderMissing) as missing:
        db.create_db_engine(url)
    assert str(tmp_path / "tpyo") in missing.value.message and not (tmp_path / "tpyo").exists()
    assert cli.main(["--database-url", url, "migrate"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: 数据库文件夹不存在：") and str(tmp_path / "tpyo") in err


def test_the_app_does_not_start_on_a_missing_sqlite_folder(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'tpyo' / 'pd.db'}")
    config.get_settings.cache_clear()
    monkeypatch.setattr(db, "_engine", None)
    try:
        with caplog.at_level(logging.ERROR, logger="petition_desk"), pytest.raises(db.DatabaseFolderMissing):
            _start()
    finally:
        config.get_settings.cache_clear()
    assert any(str(tmp_path / "tpyo") in r.getMessage() for r in caplog.records)


def test_the_default_data_folder_is_created(tmp_path, monkeypatch):
    monkeypatch.setenv("PETITION_DESK_DATA", str(tmp_path / "data"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    config.get_settings.cache_clear()
    try:
        engine = (
            db.create_db_engine()
        )  # sqlite:///<PETITION_DESK_DATA>/petition_desk.db, the documented default
        with engine.connect():
            pass
        engine.dispose()
    finally:
        config.get_settings.cache_clear()
    assert (tmp_path / "data" / "petition_desk.db").exists()


def test_create_user_needs_no_setup_code_from_the_command_line(engine, session, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    argv = ["--database-url", _url(engine), "create-user", "--username", "wang.admin", "--role", "admin"]
    assert cli.main(argv) == 0  # the operator has the database itself
    assert auth.authenticate(session, "wang.admin", PASSWORD, None).role == "admin"
