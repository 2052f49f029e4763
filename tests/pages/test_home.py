"""The home page answers each role's first question (UX.md): the office's counts, my to-do, my mediations, the system."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from core.platform import timeutil
from models import Case, CaseStatus, Channel, MediationCase, MediationMediator, Mediator, Role, Street, User
from tests.factories import case_in_status, make_unit, make_user
from tests.pages.helpers import open_page

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


# --- each role's first screen (UX.md) ---------------------------------------------------------------


def _mediation(session, mediator, number: str, title: str, status: str, *, due_on=None, closed_on=None):
    case = MediationCase(
        number=number,
        dispute_type="邻里纠纷",
        title=title,
        parties="张三（申请人）；李四（被申请人）",
        status=status,
        applied_on=date(2026, 9, 1),
        accepted_on=date(2026, 9, 2),
        due_on=due_on,
        closed_on=closed_on,
    )
    session.add(case)
    session.flush()
    session.add(MediationMediator(mediation_id=case.id, mediator_id=mediator.id, is_lead=True))
    session.commit()
    return case


def _open_home(monkeypatch, user) -> AppTest:
    return open_page(monkeypatch, "home", user)


def test_a_mediator_s_home_lists_his_mediation_cases_and_no_false_message(session, monkeypatch):
    user = make_user(session, Role.MEDIATOR, name="苏调解")
    mine, other = Mediator(name="苏调解", user_id=user.id), Mediator(name="别人")
    session.add_all([mine, other])
    session.commit()
    _mediation(session, mine, "JB-TJ-2026-000002", "楼上漏水纠纷", "agreed", closed_on=date(2026, 9, 20))
    _mediation(session, mine, "JB-TJ-2026-000003", "噪音纠纷", "accepted", due_on=date(2026, 10, 8))
    _mediation(session, other, "JB-TJ-2026-000009", "别人的纠纷", "accepted")
    at = _open_home(monkeypatch, user)
    assert [s.value for s in at.subheader] == ["我参与的调解案件"]
    frame = at.dataframe[0].value
    assert list(frame["调解编号"]) == ["JB-TJ-2026-000003", "JB-TJ-2026-000002"]  # the open one first
    assert list(frame["状态"]) == ["调解中", "达成协议"]
    # 2026-09-28 → 10-08: National Day week, 9-29 and 9-30 then 10-08 itself: 3 working days
    assert list(frame["调解期限"][0]) == ["剩 3 个工作日 · 2026年10月8日"]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"在调解": "1", "本年达成协议": "1", "本年调解不成": "0"}
    shown = " ".join(e.value for e in [*at.info, *at.warning, *at.error, *at.success])
    assert "数据库中还没有案件" not in shown and "系统管理" not in shown


def test_a_mediator_not_on_the_roster_is_told_so(session, monkeypatch):
    at = _open_home(monkeypatch, make_user(session, Role.MEDIATOR))
    assert (
        at.info[0].value
        == "您的账户尚未关联调解员名册中的调解员，请联系管理员关联后即可看到您参与的调解案件。"
    )
    assert not at.dataframe


def test_a_handler_s_home_starts_with_what_he_must_do_today(session, monkeypatch):
    admin, unit = make_user(session, Role.ADMIN), make_unit(session)
    case = case_in_status(session, CaseStatus.ASSIGNED, actor=admin, unit=unit, title="楼道灯坏了")
    at = _open_home(monkeypatch, make_user(session, Role.HANDLER, unit=unit))
    assert [s.value for s in at.subheader] == ["今天要办", "数据概况"]
    links = [(link.proto.label, link.proto.query_string) for link in at.get("page_link")]
    assert links == [(case.number.replace("-", "\\-"), f"id={case.id}"), ("受理", f"id={case.id}&action=accept")]
    assert [t.value for t in at.text] == ["楼道灯坏了"]


def test_the_supervisor_s_home_shows_the_overdue_cases(session, monkeypatch):
    overdue = case_in_status(session, CaseStatus.HANDLING, title="超期未答复")  # due 2025-05-06
    at = _open_home(monkeypatch, make_user(session, Role.SUPERVISOR))
    assert at.subheader[0].value == "超期案件"
    assert [t.value for t in at.text] == [overdue.title]


def test_the_administrator_s_home_shows_locked_accounts_and_the_holiday_horizon(session, monkeypatch):
    admin = make_user(session, Role.ADMIN)
    locked = make_user(session, Role.REGISTRAR, name="李锁定")
    locked.locked_until = timeutil.now() + timedelta(minutes=10)
    session.add(locked)
    session.commit()
    at = _open_home(monkeypatch, admin)
    assert at.subheader[0].value == "系统状态"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["被锁定的账户"] == "1" and metrics["在用账户"] == "2"
    assert metrics["节假日已录入至"] == "2026 年"  # chinesecalendar's last year seeds the table
    warnings = [w.value for w in at.warning]
    assert "被锁定（连续输错密码）：李锁定。可在“用户与令牌”中解除锁定。" in warnings
    assert any(w.startswith("2027 年的节假日尚未录入") for w in warnings)
