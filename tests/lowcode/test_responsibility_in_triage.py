"""The responsibility list at work: triage starts from its lead unit, and the dispute decision shows it."""

from __future__ import annotations

from sqlmodel import select
from streamlit.testing.v1 import AppTest

from core.accounts import records
from core.places import responsibility
from models import CaseStatus, Role, Subject
from tests.factories import case_in_status, make_user, register

PAGE = "from pages import case_detail\ncase_detail.render()\n"


def _lists(at: AppTest) -> list[str]:
    """Return the infos that quote the responsibility list (the case file has infos of its own)."""
    return [i.value for i in at.info if "监管责任清单" in i.value]


def _open(monkeypatch, user, case_id: int) -> AppTest:
    monkeypatch.setattr("widgets.session.current_user", lambda: user)
    at = AppTest.from_string(PAGE, default_timeout=30)
    at.query_params["id"] = str(case_id)
    at = at.run()
    assert not at.exception, at.exception
    return at


def _lines(session, admin, district) -> None:
    """物业纠纷: 区住房城乡建委 district-wide; in 观音桥街道 its street office leads, 区物业管理服务中心 assists."""
    subject = session.exec(select(Subject).where(Subject.key == "property_management")).one()
    units = district.units
    whole = {"subject_id": subject.id, "street_id": None, "lead_unit_id": units["ZJW"].id}
    records.create(session, admin, responsibility.RULES, whole)
    street = {**whole, "street_id": district.streets[0].id, "lead_unit_id": units["JD006"].id}
    records.create(session, admin, responsibility.RULES, {**street, "assisting_unit_ids": [units["WYGL"].id]})


def test_the_assign_dialog_starts_from_the_lead_unit_the_list_names_for_the_street(
    session, monkeypatch, admin, district
):
    _lines(session, admin, district)
    grid = district.grids[0]  # 观音桥街道 › 建新北路社区
    case = register(
        session, admin, street_id=district.streets[0].id, community_id=grid.community_id, grid_id=grid.id
    )
    registrar = make_user(session, Role.REGISTRAR)
    at = _open(monkeypatch, registrar, case.id)
    at = at.button(key="pd_action_assign").click().run()
    assert _lists(at) == [
        "《信访事项监管责任清单》：物业纠纷（观音桥街道）由 重庆市江北区观音桥街道办事处 牵头，重庆市江北区物业管理服务中心 协办"
    ]
    assert at.selectbox(key=f"pd_act_{case.id}_assign_lead_unit_id").value == district.units["JD006"].id
    assert at.multiselect(key=f"pd_act_{case.id}_assign_assisting_unit_ids").value == [
        district.units["WYGL"].id
    ]
    at.date_input(key=f"pd_act_{case.id}_assign_on").set_value(case.received_on)
    at = at.button(key=f"FormSubmitter:pd_act_form_{case.id}_assign-交办").click().run()
    session.refresh(case)
    assert (case.status, case.lead_unit_id) == (CaseStatus.ASSIGNED, district.units["JD006"].id)


def test_elsewhere_the_district_line_applies_and_a_subject_without_a_line_says_so(
    session, monkeypatch, admin, district
):
    _lines(session, admin, district)
    registrar = make_user(session, Role.REGISTRAR)
    town = register(session, admin, street_id=district.streets[1].id)
    at = _open(monkeypatch, registrar, town.id).button(key="pd_action_forward").click().run()
    assert _lists(at) == [
        "《信访事项监管责任清单》：物业纠纷（全区）由 重庆市江北区住房和城乡建设委员会 牵头"
    ]
    school = register(session, admin, subject="education", title="学位紧张", content="建议增加学位")
    at = _open(monkeypatch, registrar, school.id).button(key="pd_action_assign").click().run()
    assert _lists(at) == [] and "《信访事项监管责任清单》未列“教育”的责任单位。" in [
        c.value for c in at.caption
    ]
    assert at.selectbox(key=f"pd_act_{school.id}_assign_lead_unit_id").value is None


def test_the_dispute_decision_shows_the_lead_unit_the_list_names(session, monkeypatch, admin, district):
    _lines(session, admin, district)
    case = case_in_status(session, CaseStatus.OBJECTED, actor=admin, unit=district.units["WYGL"])
    at = _open(monkeypatch, admin, case.id).button(key="pd_action_settle_dispute").click().run()
    assert _lists(at) == [
        "《信访事项监管责任清单》：物业纠纷（全区）由 重庆市江北区住房和城乡建设委员会 牵头"
    ]
