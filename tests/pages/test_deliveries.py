"""The delivery log: the administrator sees the subscribed systems and each message owed, phones masked."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from core.exchange import delivery
from models import CaseStatus, Role
from tests import factories as f

PAGE = "from pages import deliveries\ndeliveries.render()\n"


def _open(monkeypatch, user) -> AppTest:
    monkeypatch.setattr("widgets.session.current_user", lambda: user)
    at = AppTest.from_string(PAGE, default_timeout=30).run()
    assert not at.exception
    return at


def test_the_admin_sees_the_subscription_and_the_pending_webhook_and_text(session, monkeypatch):
    admin = f.make_user(session, Role.ADMIN)
    delivery.add_subscription(session, admin, "12345热线", "http://127.0.0.1:9/hook", ["accepted"])
    case = f.case_in_status(session, CaseStatus.HANDLING, actor=admin, unit=f.make_unit(session))
    at = _open(monkeypatch, admin)
    subs, messages = (d.value for d in at.dataframe)
    assert subs.values.tolist() == [["12345热线", "http://127.0.0.1:9/hook", "受理", True]]
    rows = {r[1]: r for r in messages.values.tolist()}
    assert rows["推送"][2:6] == ["受理", case.number, "http://127.0.0.1:9/hook", "待发送"]
    assert rows["短信"][4].startswith("139") and "****" in rows["短信"][4]  # the phone is masked


def test_a_registrar_may_not_open_it(session, monkeypatch):
    at = _open(monkeypatch, f.make_user(session, Role.REGISTRAR))
    assert at.error[0].value == "您没有执行此操作的权限。"
