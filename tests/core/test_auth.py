"""Passwords, sign-in with lockout, the session cookie, accounts, and the create-user command."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from core import commands as cli
from core.accounts import auth, users
from core.platform import timeutil
from core.platform.errors import AuthError, PermissionDenied, StaleVersion, ValidationError
from models import CaseEvent, Role, Setting, User, UserSession
from tests.factories import concurrently, first_admin, make_unit, make_user

PASSWORD = "river2025stone"


def _events(session: Session, action: str) -> list[CaseEvent]:
    return list(
        session.exec(select(CaseEvent).where(CaseEvent.action == action).order_by(CaseEvent.id)).all()
    )


def _admin(session: Session, username: str = "wang.admin") -> User:
    return first_admin(session, PASSWORD, username)


def test_passwords_are_hashed_with_argon2id():
    hashed = auth.hash_password(PASSWORD)
    assert hashed.startswith("$argon2id$") and PASSWORD not in hashed
    assert auth.verify_password(hashed, PASSWORD)
    assert not auth.verify_password(hashed, PASSWORD + "x")
    assert not auth.verify_password("not a hash", PASSWORD)


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short1a", "密码至少 10 个字符。"),
        ("onlyletterspassword", "密码须同时包含字母和数字。"),
        ("1234567890123", "密码须同时包含字母和数字。"),
        ("wang.admin2025", "密码不能包含用户名。"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(password, message):
    assert auth.password_problem("wang.admin", password) == message


def test_a_good_password_passes_the_rules():
    assert auth.password_problem("wang.admin", PASSWORD) is None


def test_sign_in_succeeds_and_is_audited_in_the_same_transaction(session):
    admin = _admin(session)
    user = auth.authenticate(session, " Wang.Admin ", PASSWORD, "10.0.0.7")
    assert user.id == admin.id and user.last_login_at is not None
    [event] = _events(session, "auth.login")
    assert event.actor_id == admin.id and event.object_id == admin.id
    assert event.after["username"] == "wang.admin" and event.after["ip"] == "10.0.0.7"


def test_unknown_user_and_wrong_password_get_the_same_message(session):
    _admin(session)
    with pytest.raises(AuthError) as unknown:
        auth.authenticate(session, "nobody", PASSWORD, "10.0.0.8")
    with pytest.raises(AuthError) as wrong:
        auth.authenticate(session, "wang.admin", "wrong-password-1", "10.0.0.8")
    assert unknown.value.message == wrong.value.message == "用户名或密码不正确。"
    first, second = _events(session, "auth.login_failed")
    assert first.actor_id is None and first.after["username"] == "nobody"
    assert second.actor_id is not None and second.after["failed_logins"] == 1


def _fail(session: Session, times: int, ip: str | None, username: str = "wang.admin") -> None:
    for _ in range(times):
        with pytest.raises(AuthError) as exc:
            auth.authenticate(session, username, "guess-number-1", ip)
        assert type(exc.value) is AuthError and exc.value.message == "用户名或密码不正确。"


def test_ten_failures_lock_the_account_which_then_answers_like_a_wrong_password(session):
    _admin(session)
    # 5 per address stay under the per-client limit: two addresses make the 10 the account lockout needs
    _fail(session, 5, "10.0.0.1")
    _fail(session, 5, "10.0.0.2")
    user = session.exec(select(User).where(User.username == "wang.admin")).one()
    session.refresh(user)
    assert user.failed_logins == 10 and auth.is_locked(user)
    with pytest.raises(AuthError) as locked:
        auth.authenticate(session, "wang.admin", PASSWORD, "10.0.0.3")  # the right password, while locked
    assert type(locked.value) is AuthError and locked.value.message == "用户名或密码不正确。"
    reasons = [e.after["reason"] for e in _events(session, "auth.login_failed")]
    assert reasons == ["password"] * 10 + ["locked"]  # the audit log knows


def test_the_lock_lifts_after_fifteen_minutes(session, monkeypatch):
    _admin(session)
    _fail(session, 5, "10.0.0.1")
    _fail(session, 5, "10.0.0.2")
    later = timeutil.now() + timedelta(minutes=16)
    monkeypatch.setattr(timeutil, "now", lambda: later)
    assert auth.authenticate(session, "wang.admin", PASSWORD, "10.0.0.3").failed_logins == 0


def test_failures_spread_over_more_than_fifteen_minutes_do_not_lock(session, monkeypatch):
    _admin(session)
    start = timeutil.now()
    for i in range(12):  # one every 4 minutes: at most 4 of them in any 15-minute window
        monkeypatch.setattr(timeutil, "now", lambda i=i: start + timedelta(minutes=4 * i))
        _fail(session, 1, None)
    assert auth.authenticate(session, "wang.admin", PASSWORD, None).failed_logins == 0


def test_a_deactivated_user_cannot_sign_in(session):
    admin = _admin(session)
    clerk = users.create_user(
        session, admin, username="li.clerk", display_name="李登记", role=Role.REGISTRAR, password=PASSWORD
    )
    users.deactivate(session, admin, clerk.id)
    with pytest.raises(AuthError) as exc:
        auth.authenticate(session, "li.clerk", PASSWORD, None)
    assert exc.value.message == "用户名或密码不正确。"


def test_the_session_cookie_names_the_user_and_resists_tampering(session):
    admin = _admin(session)
    cookie = auth.make_session_cookie(session, admin)
    assert auth.user_from_cookies({auth.SESSION_COOKIE: cookie}).id == admin.id
    assert auth.user_from_cookies({auth.SESSION_COOKIE: cookie[:-2] + "xx"}) is None
    assert auth.user_from_cookies({}) is None
    [row] = session.exec(select(UserSession)).all()
    assert row.token_hash not in cookie and len(row.token_hash) == 64  # only a hash of the id is stored


def _at(monkeypatch, moment) -> None:
    monkeypatch.setattr(timeutil, "now", lambda: moment)


def test_the_session_expires_after_the_configured_hours_however_busy(session, monkeypatch):
    admin = _admin(session)
    start = timeutil.now()
    cookie = auth.make_session_cookie(session, admin)
    for half_hours in range(1, 16):  # active every 30 minutes, so never idle: alive up to 7.5 h
        _at(monkeypatch, start + timedelta(minutes=30 * half_hours))
        assert auth.user_from_cookie(session, cookie) is not None, half_hours
    _at(monkeypatch, start + timedelta(hours=8))
    assert auth.user_from_cookie(session, cookie) is None
    session.merge(Setting(key=auth.SESSION_HOURS_KEY, value=json.dumps(1)))
    session.commit()
    _at(monkeypatch, start)
    short = auth.make_session_cookie(session, admin)
    _at(monkeypatch, start + timedelta(minutes=61))
    assert auth.user_from_cookie(session, short) is None


def test_a_password_change_ends_the_other_sessions_and_a_reset_or_deactivation_ends_all(session):
    admin = _admin(session)
    clerk = users.create_user(
        session, admin, username="li.clerk", display_name="李登记", role=Role.REGISTRAR, password=PASSWORD
    )
    here, phone = auth.make_session_cookie(session, clerk), auth.make_session_cookie(session, clerk)
    here_id = auth.current_from_cookies({auth.SESSION_COOKIE: here})[1]
    users.change_password(session, clerk, PASSWORD, "lake2026water", keep_session=here_id)
    assert auth.user_from_cookie(session, here) is not None  # the browser he changed it in
    assert auth.user_from_cookie(session, phone) is None
    users.set_password(session, admin, clerk.id, "reset2026pass")
    assert auth.user_from_cookie(session, here) is None
    fresh = auth.make_session_cookie(session, session.get(User, clerk.id))
    users.deactivate(session, admin, clerk.id)
    assert auth.user_from_cookie(session, fresh) is None
    users.set_active(session, admin, clerk.id, True)
    assert auth.user_from_cookie(session, fresh) is None  # reactivating does not revive old sessions
    reasons = session.exec(select(UserSession.revoked_reason).order_by(UserSession.id)).all()
    assert reasons == ["password_changed", "password_changed", "deactivated"]  # here, phone, fresh


def test_change_password_needs_the_old_one_and_follows_the_rules(session):
    admin = _admin(session)
    with pytest.raises(ValidationError) as wrong:
        users.change_password(session, admin, "not-the-old-1", "lake2026water")
    assert wrong.value.errors == {"old_password": "当前密码不正确。"}
    with pytest.raises(ValidationError) as weak:
        users.change_password(session, admin, PASSWORD, "short")
    assert "new_password" in weak.value.errors
    users.change_password(session, admin, PASSWORD, "lake2026water")
    assert auth.authenticate(session, "wang.admin", "lake2026water", None).id == admin.id
    assert len(_events(session, "user.change_password")) == 1


def test_the_first_administrator_is_created_once(session):
    admin = _admin(session)
    assert admin.role == Role.ADMIN and admin.password_hash.startswith("$argon2id$")
    with pytest.raises(PermissionDenied):
        _admin(session, "second.admin")
    [event] = _events(session, "user.create")
    assert event.note == "setup" and "password_hash" not in json.dumps(event.after)


def test_only_an_administrator_creates_users_and_every_field_is_checked(session):
    admin = _admin(session)
    clerk = make_user(session, Role.REGISTRAR)
    with pytest.raises(PermissionDenied):
        users.create_user(
            session, clerk, username="zhao.h", display_name="赵", role=Role.HANDLER, password=PASSWORD
        )
    with pytest.raises(ValidationError) as exc:
        users.create_user(
            session, admin, username="Wang.Admin", display_name="", role=Role.HANDLER, password="x"
        )
    assert set(exc.value.errors) == {"username", "display_name", "unit_id", "password"}
    assert exc.value.errors["unit_id"] == "承办员必须属于一个单位。"
    with pytest.raises(ValidationError) as exc:
        users.create_user(
            session, admin, username="zhao.h", display_name="赵\x07", role=Role.REGISTRAR, password=PASSWORD
        )
    assert exc.value.errors == {"display_name": "姓名含有不可见的控制字符，请删除后重新输入。"}


def test_a_handler_is_created_with_his_unit_and_the_change_is_audited(session):
    admin = _admin(session)
    unit = make_unit(session)
    handler = users.create_user(
        session,
        admin,
        username="zhao.h",
        display_name="赵承办",
        role="handler",
        unit_id=unit.id,
        password=PASSWORD,
    )
    assert handler.unit_id == unit.id
    users.update_user(
        session, admin, handler.id, handler.version, display_name="赵承办", role=Role.SUPERVISOR, unit_id=None
    )
    [event] = _events(session, "user.update")
    assert event.before == {"role": "handler", "unit_id": unit.id}
    assert event.after == {"role": "supervisor", "unit_id": None}


def test_a_stale_edit_is_refused(session):
    admin = _admin(session)
    clerk = make_user(session, Role.REGISTRAR)
    stale = clerk.version
    users.update_user(session, admin, clerk.id, stale, display_name="新名", role=Role.REGISTRAR, unit_id=None)
    with pytest.raises(StaleVersion):
        users.update_user(
            session, admin, clerk.id, stale, display_name="旧名", role=Role.REGISTRAR, unit_id=None
        )


def test_the_last_administrator_stays(session):
    admin = _admin(session)
    with pytest.raises(ValidationError) as demote:
        users.update_user(
            session, admin, admin.id, admin.version, display_name="王", role=Role.LEADER, unit_id=None
        )
    assert demote.value.errors == {"role": "至少需要保留一名启用状态的系统管理员。"}
    with pytest.raises(ValidationError):
        users.deactivate(session, admin, admin.id)  # nobody deactivates himself
    other = make_user(session, Role.ADMIN)
    users.deactivate(session, admin, other.id)
    with pytest.raises(PermissionDenied):
        users.deactivate(session, other, admin.id)  # a deactivated administrator may do nothing
    assert session.get(User, admin.id).active


def test_an_administrator_resets_a_password_and_unlocks(session):
    admin = _admin(session)
    clerk = users.create_user(
        session, admin, username="li.clerk", display_name="李登记", role=Role.REGISTRAR, password=PASSWORD
    )
    _fail(session, 10, None, "li.clerk")
    users.unlock(session, admin, clerk.id)
    assert auth.authenticate(session, "li.clerk", PASSWORD, None)
    users.set_password(session, admin, clerk.id, "reset2026pass")
    assert auth.authenticate(session, "li.clerk", "reset2026pass", None)
    assert [e.action for e in _events(session, "user.unlock")] == ["user.unlock"]


def test_single_sign_on_maps_to_an_active_local_user(session):
    admin = _admin(session)
    leader = users.create_user(
        session,
        admin,
        username="chen.l",
        display_name="陈领导",
        role=Role.LEADER,
        oidc_subject="chen@jiangbei.gov.cn",
    )
    assert leader.password_hash is None
    assert users.user_for_oidc(session, "sub-123", "chen@jiangbei.gov.cn").id == leader.id
    assert users.user_for_oidc(session, "sub-999", "stranger@example.com") is None
    users.deactivate(session, admin, leader.id)
    assert users.user_for_oidc(session, None, "chen@jiangbei.gov.cn") is None


def _url(engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def test_create_user_command_reads_the_password_from_standard_input(engine, session, monkeypatch, capsys):
    unit = make_unit(session)
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    argv = [
        "--database-url",
        _url(engine),
        "create-user",
        "--username",
        "zhao.h",
        "--role",
        "handler",
        "--unit",
        unit.code,
    ]
    assert cli.main(argv) == 0
    assert "zhao.h" in capsys.readouterr().out
    user = auth.authenticate(session, "zhao.h", PASSWORD, None)
    assert user.role == Role.HANDLER and user.unit_id == unit.id
    assert _events(session, "user.create")[0].note == "cli"


def test_create_user_command_has_no_password_argument_and_refuses_weak_ones(engine, monkeypatch, capsys):
    with pytest.raises(SystemExit):
        cli.main(["create-user", "--username", "x.y", "--role", "admin", "--password", PASSWORD])
    monkeypatch.setattr("sys.stdin", io.StringIO("weak\n"))
    assert (
        cli.main(["--database-url", _url(engine), "create-user", "--username", "x.y", "--role", "admin"]) == 1
    )
    assert "password" in capsys.readouterr().err


def test_thirty_concurrent_wrong_passwords_from_one_address_get_at_most_five_tries(engine, session):
    _admin(session)

    def attempt(own: Session, i: int) -> str:
        try:
            auth.authenticate(own, "wang.admin", f"guess-number-{i}", "61.128.1.7")
        except auth.TooManyAttempts:
            return "refused"
        except AuthError:
            return "wrong"
        return "signed in"

    answers = concurrently(engine, attempt)
    # the limit is 5 per address: 5 checked and wrong, the other 25 refused before any account is touched
    assert answers.count("wrong") == 5 and answers.count("refused") == 25
    session.expire_all()
    assert session.exec(select(User)).one().failed_logins == 5
