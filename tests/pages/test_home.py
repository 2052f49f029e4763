"""The home page shows the office's name and counts from the database."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from models import Case, Channel, Role, Street, User

PAGE = "from pages import home\nhome.render()\n"


def _user(session: Session, role=Role.REGISTRAR) -> User:
    user = User(username="li", display_name="李登记", role=role)
    session.add(user)
    session.commit()
    return user


def test_home_shows_office_name_and_counts(engine, session, monkeypatch):
    user = _user(session)
    session.add(Street(code="500105006", name="观音桥街道"))
    for n in range(3):
        session.add(
            Case(
                number=f"JB-2026-00000{n}",
                channel=Channel.VISIT,
                received_on=date(2026, 3, 1),
                subject="other",
                title="t",
                content="c",
                due_on=date(2026, 3, 16),
            )
        )
    session.commit()
    monkeypatch.setattr("widgets.session.current_user", lambda: user)
    at = AppTest.from_string(PAGE, default_timeout=30).run()
    assert not at.exception
    assert at.title[0].value == "重庆市江北区信访办"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["案件总数"] == "3"
    assert metrics["在办案件"] == "3"
    assert metrics["已超期"] == "3"
    assert metrics["街道/镇"] == "1"


def test_home_refuses_a_visitor(engine, monkeypatch):
    monkeypatch.setattr("widgets.session.current_user", lambda: None)
    at = AppTest.from_string(PAGE, default_timeout=30).run()
    assert at.error[0].value == "您没有执行此操作的权限。"
