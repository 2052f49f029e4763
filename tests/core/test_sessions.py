"""Sign-in sessions the server ends: sign-out, end all, deactivation, idle and absolute expiry, any process."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from core.accounts import auth, sessions, users
from core.platform import db, timeutil
from core.platform.errors import PermissionDenied
from models import CaseEvent, Role, Setting, UserSession
from tests.factories import make_user


def _at(monkeypatch, moment) -> None:
    monkeypatch.setattr(timeutil, "now", lambda: moment)


def _row(session: Session) -> UserSession:
    session.expire_all()
    [row] = session.exec(select(UserSession)).all()
    return row


def test_signing_out_ends_the_session_for_good(session):
    clerk = make_user(session, Role.REGISTRAR)
    cookie = auth.make_session_cookie(session, clerk, ip="10.0.0.7", user_agent="Firefox/140")
    assert auth.sign_out(session, cookie).id == clerk.id
    assert auth.user_from_cookie(session, cookie) is None
    assert auth.sign_out(session, cookie) is None  # a second sign-out changes nothing and is not audited
    row = _row(session)
    assert (row.revoked_reason, row.method, row.client_ip, row.user_agent) == (
        "logout",
        "password",
        "10.0.0.7",
        "Firefox/140",
    )
    logouts = session.exec(select(CaseEvent).where(CaseEvent.action == "auth.logout")).all()
    assert [(e.actor_id, e.after["session"]) for e in logouts] == [(clerk.id, row.id)]


def test_an_administrator_ends_every_session_of_a_user(session):
    admin, clerk = make_user(session, Role.ADMIN), make_user(session, Role.REGISTRAR)
    office, home = auth.make_session_cookie(session, clerk), auth.make_session_cookie(session, clerk)
    own = auth.make_session_cookie(session, admin)
    with pytest.raises(PermissionDenied):
        users.end_sessions(session, clerk, admin.id)
    assert users.end_sessions(session, admin, clerk.id) == 2
    assert auth.user_from_cookie(session, office) is None and auth.user_from_cookie(session, home) is None
    assert auth.user_from_cookie(session, own) is not None  # only that user's
    [event] = session.exec(select(CaseEvent).where(CaseEvent.action == "user.end_sessions")).all()
    assert (event.actor_id, event.object_id, event.after) == (admin.id, clerk.id, {"sessions": 2})
    assert users.end_sessions(session, admin, clerk.id) == 0


def test_deactivating_a_user_ends_his_sessions_at_once(session):
    admin, clerk = make_user(session, Role.ADMIN), make_user(session, Role.REGISTRAR)
    cookie = auth.make_session_cookie(session, clerk)
    users.deactivate(session, admin, clerk.id)
    assert auth.user_from_cookie(session, cookie) is None
    assert _row(session).revoked_reason == "deactivated"
    users.set_active(session, admin, clerk.id, True)
    assert auth.user_from_cookie(session, cookie) is None  # coming back needs a new sign-in


def test_an_idle_session_ends_after_the_idle_timeout(session, monkeypatch):
    clerk = make_user(session, Role.REGISTRAR)
    start = timeutil.now()
    cookie = auth.make_session_cookie(session, clerk)
    _at(monkeypatch, start + timedelta(minutes=119))  # 119 < 120 minutes: still alive, and seen now
    assert auth.user_from_cookie(session, cookie) is not None
    _at(monkeypatch, start + timedelta(minutes=119 + 119))
    assert auth.user_from_cookie(session, cookie) is not None  # idle counts from the last activity
    _at(monkeypatch, start + timedelta(minutes=238 + 120))
    assert auth.user_from_cookie(session, cookie) is None
    assert _row(session).revoked_reason == "idle"


def test_the_display_account_is_never_signed_out_for_idleness_but_still_expires(session, monkeypatch):
    screen, clerk = make_user(session, Role.DISPLAY), make_user(session, Role.REGISTRAR)
    start = timeutil.now()
    cookie, other = auth.make_session_cookie(session, screen), auth.make_session_cookie(session, clerk)
    _at(monkeypatch, start + timedelta(hours=7, minutes=59))  # nobody touched it for 479 minutes > 120
    assert auth.user_from_cookie(session, cookie).id == screen.id
    assert auth.user_from_cookie(session, other) is None  # the clerk's went idle
    assert sessions.live_counts(session, [screen.id, clerk.id]) == {screen.id: 1}
    _at(
        monkeypatch, start + timedelta(hours=8)
    )  # the absolute lifetime (auth.session_hours, 8) still ends it
    assert auth.user_from_cookie(session, cookie) is None
    assert [r.revoked_reason for r in session.exec(select(UserSession).order_by(UserSession.id))] == [
        "expired",
        "idle",
    ]


def test_an_idle_display_session_still_ends_on_sign_out_and_by_the_administrator(session, monkeypatch):
    admin, screen = make_user(session, Role.ADMIN), make_user(session, Role.DISPLAY)
    start = timeutil.now()
    first, second = auth.make_session_cookie(session, screen), auth.make_session_cookie(session, screen)
    _at(monkeypatch, start + timedelta(hours=3))
    assert auth.sign_out(session, first).id == screen.id
    assert auth.user_from_cookie(session, first) is None
    assert users.end_sessions(session, admin, screen.id) == 1  # the other one, three hours without a touch
    assert auth.user_from_cookie(session, second) is None


def test_the_idle_timeout_is_a_setting(session, monkeypatch):
    session.merge(Setting(key=sessions.IDLE_MINUTES_KEY, value=json.dumps(30)))
    session.commit()
    clerk = make_user(session, Role.REGISTRAR)
    start = timeutil.now()
    cookie = auth.make_session_cookie(session, clerk)
    _at(monkeypatch, start + timedelta(minutes=31))
    assert auth.user_from_cookie(session, cookie) is None


def test_last_seen_is_written_at_most_once_a_minute(session, monkeypatch):
    clerk = make_user(session, Role.REGISTRAR)
    start = timeutil.now()
    cookie = auth.make_session_cookie(session, clerk)
    writes = []
    monkeypatch.setattr(sessions, "_touch", lambda s, row, now: writes.append(now))
    for seconds in range(0, 60, 5):  # twelve reruns within the first minute
        _at(monkeypatch, start + timedelta(seconds=seconds))
        assert auth.user_from_cookie(session, cookie) is not None
    assert writes == []
    _at(monkeypatch, start + timedelta(seconds=61))
    auth.user_from_cookie(session, cookie)
    assert writes == [start + timedelta(seconds=61)]


def test_the_touch_moves_last_seen_once_even_when_two_processes_race(session, monkeypatch):
    clerk = make_user(session, Role.REGISTRAR)
    start = timeutil.now()
    cookie = auth.make_session_cookie(session, clerk)
    row = _row(session)
    _at(monkeypatch, start + timedelta(seconds=90))
    sessions._touch(session, row, start + timedelta(seconds=90))
    sessions._touch(session, row, start + timedelta(seconds=100))  # the other process, 10 s later: no write
    assert timeutil.to_local(_row(session).last_seen_at) == start + timedelta(seconds=90)
    assert auth.user_from_cookie(session, cookie) is not None


def test_a_session_ended_in_one_process_is_ended_in_another(engine, session):
    """Two engines (two app processes) on one database: neither keeps sessions in memory."""
    other = db.create_db_engine(engine.url.render_as_string(hide_password=False))
    try:
        admin, clerk = make_user(session, Role.ADMIN), make_user(session, Role.REGISTRAR)
        cookie = auth.make_session_cookie(session, clerk)
        with db.session_scope(other) as there:
            assert auth.user_from_cookie(there, cookie).id == clerk.id
            users.end_sessions(session, admin, clerk.id)  # here
            assert auth.user_from_cookie(there, cookie) is None  # there, at the very next request
        fresh = auth.make_session_cookie(session, clerk)
        with db.session_scope(other) as there:
            assert auth.sign_out(there, fresh).id == clerk.id  # signed out there
        assert auth.user_from_cookie(session, fresh) is None  # and here
    finally:
        other.dispose()


def test_single_sign_on_sessions_are_keyed_on_the_id_tokens_issue(session):
    claims = {"provider": "default", "iss": "https://id.jb.gov.cn", "sub": "abc", "iat": 1790000000}
    first = sessions.sso_token(claims)
    assert first == sessions.sso_token(dict(claims))  # the same sign-in, in another tab or process
    assert first != sessions.sso_token(claims | {"iat": 1790003600})  # a new st.login
    assert sessions.sso_token({"sub": "abc", "email": "chen@jb.gov.cn"}) is None  # cannot tell sign-ins apart
