"""The language sticks: a user's choice is kept on his user row, so F5 and every link keep it."""

from __future__ import annotations

from sqlmodel import select
from streamlit.testing.v1 import AppTest

from core.accounts import profile
from models import CaseEvent, Role, User
from tests.factories import make_user


def _shell(monkeypatch, user, **params) -> AppTest:
    """Run the whole shell as a fresh browser tab (F5, or a link opened) of `user`."""
    monkeypatch.setattr("widgets.session.current_user", lambda: user)
    # from_string: next to shell.py, AppTest's reruns would run pages/home.py as a page of the pages/ folder
    at = AppTest.from_string("import shell\nshell.main()\n", default_timeout=60)
    for name, value in params.items():
        at.query_params[name] = value
    at = at.run()
    assert not at.exception, at.exception
    return at


def _greeting(at: AppTest) -> str:
    return next(c.value for c in at.caption if "（" in c.value or "Hello" in c.value)


def test_english_picked_in_the_sidebar_survives_f5(session, monkeypatch):
    user = make_user(session, Role.REGISTRAR, name="李登记")
    at = _shell(monkeypatch, user)
    assert _greeting(at) == "李登记（登记员），您好"
    at = at.selectbox(key="lang").select("en").run()
    assert _greeting(at) == "Hello, 李登记 (Registrar)"
    session.expire_all()
    user = session.get(User, user.id)
    assert user.language == "en"
    assert session.exec(select(CaseEvent.action).where(CaseEvent.object_id == user.id)).all() == [
        "user.language"
    ]
    again = _shell(monkeypatch, user)  # F5: a new session, nothing in session state
    assert _greeting(again) == "Hello, 李登记 (Registrar)" and again.selectbox(key="lang").value == "en"


def test_a_user_s_own_language_wins_over_a_link_s_parameter(session, monkeypatch):
    user = make_user(session, Role.HANDLER, name="赵承办")
    user = profile.set_language(session, user, "en")
    assert _greeting(_shell(monkeypatch, user, lang="zh_CN")) == "Hello, 赵承办 (Unit handler)"


def test_a_visitor_follows_the_url(engine, session, monkeypatch):
    make_user(session, Role.ADMIN)
    at = _shell(monkeypatch, None, lang="en")
    assert at.title[0].value == "Petition Desk"
    assert any('href="/auth/login?lang=en"' in m.value for m in at.markdown)
