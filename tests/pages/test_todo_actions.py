"""Issue 10: every to-do item leads to a screen where the user can do what it asks (批示, 督办, each chip)."""

from __future__ import annotations

from sqlmodel import select
from streamlit.testing.v1 import AppTest

from models import CaseEvent, CaseStatus, Role
from tests.factories import act, case_in_status, make_unit, make_user

TODO = "from pages import todo\ntodo.render()\n"
CASE = "from pages import case_detail\ncase_detail.render()\n"


def _chips(monkeypatch, user) -> list[tuple[str, str]]:
    monkeypatch.setattr("widgets.session.current_user", lambda: user)
    at = AppTest.from_string(TODO, default_timeout=30).run()
    assert not at.exception
    links = [(link.proto.label, link.proto.query_string) for link in at.get("page_link")]
    return [link for link in links if "action=" in link[1]]


def _follow(query: str) -> AppTest:
    """Open the case file as the chip's link does."""
    at = AppTest.from_string(CASE, default_timeout=30)
    for pair in query.split("&"):
        key, value = pair.split("=")
        at.query_params[key] = value
    return at.run()


def _events(session, case, action):
    return list(session.exec(select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.action == action)))


def test_the_leader_s_bao_an_item_opens_the_instruction_dialog_and_records_it(session, monkeypatch):
    admin, leader = make_user(session, Role.ADMIN), make_user(session, Role.LEADER, name="王区长")
    case = case_in_status(session, CaseStatus.HANDLING, actor=admin)
    act(session, leader, case, "take_charge")
    [(label, query)] = _chips(monkeypatch, leader)
    assert (label, query) == ("批示", f"id={case.id}&action=instruct")
    at = _follow(query)
    assert not at.exception
    box = at.text_area(key=f"pd_act_{case.id}_instruct_instruction")
    box.set_value("请住建委本周内现场核实，下周一报我。")
    at = at.button(key=f"FormSubmitter:pd_act_form_{case.id}_instruct-批示").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["已批示。"]
    [event] = _events(session, case, "instruct")
    assert (event.actor_id, event.note) == (leader.id, "请住建委本周内现场核实，下周一报我。")


def test_a_leader_not_in_charge_cannot_instruct(session):
    from core.cases import workflow

    case = case_in_status(session, CaseStatus.HANDLING, actor=make_user(session, Role.ADMIN))
    other = make_user(session, Role.LEADER)
    assert "instruct" not in workflow.available_actions(session, other, case)


def test_the_supervisor_s_du_ban_item_lets_him_urge(session, monkeypatch):
    admin, supervisor = make_user(session, Role.ADMIN), make_user(session, Role.SUPERVISOR, name="赵督查")
    case = case_in_status(session, CaseStatus.ASSIGNED, actor=admin)  # acceptance due 2025-03-19, long past
    [(label, query)] = _chips(monkeypatch, supervisor)
    assert (label, query) == ("督办", f"id={case.id}&action=urge")
    at = _follow(query)
    at.text_area(key=f"pd_act_{case.id}_urge_note").set_value("已超期，请于三日内受理并回告。")
    at = at.button(key=f"FormSubmitter:pd_act_form_{case.id}_urge-督办").click().run()
    assert not at.exception
    [event] = _events(session, case, "urge")
    assert (event.actor_id, event.note) == (supervisor.id, "已超期，请于三日内受理并回告。")


def test_each_chip_opens_its_action_s_dialog(session, monkeypatch):
    admin, unit = make_user(session, Role.ADMIN), make_unit(session)
    handler = make_user(session, Role.HANDLER, unit=unit)
    assigned = case_in_status(session, CaseStatus.ASSIGNED, actor=admin, unit=unit)
    handling = case_in_status(session, CaseStatus.HANDLING, actor=admin, unit=unit)
    chips = _chips(monkeypatch, handler)
    assert sorted(chips) == sorted(
        [("受理", f"id={assigned.id}&action=accept"), ("答复", f"id={handling.id}&action=reply")]
    )
    for _, query in chips:
        at = _follow(query)
        action, case_id = query.split("action=")[1], int(query.split("&")[0].removeprefix("id="))
        assert not at.exception
        assert at.get("form") and at.button(key=f"FormSubmitter:pd_act_form_{case_id}_{action}-{_label(action)}")


def _label(action: str) -> str:
    return {"accept": "受理", "reply": "答复"}[action]
