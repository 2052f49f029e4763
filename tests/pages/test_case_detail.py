"""The case file page: the right buttons per role, actions through their dialogs, stale saves, hidden accusers."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from core.cases import workflow
from models import CaseEvent, CaseStatus, Role, UnitKind, User
from tests.factories import START, act, case_in_status, make_unit, make_user, person_in, register

PAGE = "from pages import case_detail\ncase_detail.render()\n"
TODAY = date(2025, 3, 10)  # a Monday
ID_NUMBER = "11010519491231002X"


@pytest.fixture()
def as_user(monkeypatch):
    """Return a function that signs a user in for the page and fixes today's date."""
    monkeypatch.setattr("core.platform.timeutil.today", lambda: TODAY)
    monkeypatch.setattr("pages.case_detail.today", lambda: TODAY)

    def sign_in(user: User) -> None:
        monkeypatch.setattr("widgets.session.current_user", lambda: user)

    return sign_in


def _open(case_id: int) -> AppTest:
    at = AppTest.from_string(PAGE, default_timeout=30)
    at.query_params["id"] = str(case_id)
    return at.run()


def _texts(at: AppTest) -> list[str]:
    return [e.value for e in (*at.markdown, *at.caption, *at.text, *at.title, *at.subheader)]


def _actions(at: AppTest) -> list[str]:
    return [b.key.removeprefix("pd_action_") for b in at.button if (b.key or "").startswith("pd_action_")]


@pytest.fixture()
def assigned(session):
    """A case assigned on 03-04 to 区住建委, and one of its handlers."""
    unit = make_unit(session, name="区住建委")
    case = case_in_status(session, CaseStatus.ASSIGNED, unit=unit)
    return case, make_user(session, Role.HANDLER, unit=unit, name="李承办")


def test_the_handler_of_an_assigned_case_sees_accept_and_objection(assigned, as_user):
    case, handler = assigned
    as_user(handler)
    at = _open(case.id)
    assert not at.exception
    assert at.title[0].value == case.number
    assert _actions(at) == ["accept", "decline", "raise_objection"]
    assert [b.label for b in at.button if b.key == "pd_action_accept"] == ["受理"]
    texts = _texts(at)
    assert ":blue-badge[已交办]" in texts
    # Assigned Tue 03-04: acceptance due Wed 03-19, 7 working days after Mon 03-10.
    assert ":green-badge[剩 7 个工作日 · 2025年3月19日]" in texts
    assert any("主办：区住建委" in t for t in texts)


def test_a_leader_gets_no_accept_button_but_may_take_charge(assigned, session, as_user):
    case, _ = assigned
    as_user(make_user(session, Role.LEADER))
    assert _actions(_open(case.id)) == ["take_charge", "link_repeat"]


def test_another_units_handler_is_told_the_case_is_not_found(assigned, session, as_user):
    case, _ = assigned
    as_user(make_user(session, Role.HANDLER))
    at = _open(case.id)
    assert [e.value for e in at.error] == ["未找到该案件，或您无权查看。"]
    assert _actions(at) == []


def test_accepting_through_the_dialog_starts_the_handling_clock(assigned, session, as_user):
    case, handler = assigned
    as_user(handler)
    at = _open(case.id)
    at.button(key="pd_action_accept").click().run()
    at.date_input(key=f"pd_act_{case.id}_accept_notice_date").set_value(date(2025, 3, 4))
    at = at.button(key=f"FormSubmitter:pd_act_form_{case.id}_accept-受理").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["已受理。"]
    texts = _texts(at)
    assert ":blue-badge[办理中]" in texts
    # Accepted Tue 03-04: 60 days end Sat 05-03, which chinese_calendar has inside the Labour Day holiday
    # (05-01..05-05; the make-up working day is Sun 04-27, not 05-03), so the reply is due Tue 05-06.
    # From Mon 03-10 that is 15 working days in March, 22 in April (Qingming 04-04 off, 04-27 worked), 1 in May.
    assert ":green-badge[剩 38 个工作日 · 2025年5月6日]" in texts
    assert _actions(at) == ["pause", "extend", "refer_mediation", "record_meeting", "reply", "route_out"]
    session.refresh(case)
    assert (case.status, case.due_on) == (CaseStatus.HANDLING, date(2025, 5, 6))


def test_a_stale_save_says_who_changed_the_case(assigned, session, as_user):
    case, handler = assigned
    as_user(handler)
    at = _open(case.id)
    at.button(key="pd_action_accept").click().run()
    leader = make_user(session, Role.LEADER, name="王区长")
    workflow.take_charge(session, leader, case.id, case.version)  # meanwhile, in another browser
    at.date_input(key=f"pd_act_{case.id}_accept_notice_date").set_value(date(2025, 3, 4))
    at = at.button(key=f"FormSubmitter:pd_act_form_{case.id}_accept-受理").click().run()
    [stale] = [w.value for w in at.warning if w.value.startswith("该案件已被")]
    assert stale.startswith("该案件已被王区长于") and stale.endswith("修改，请刷新后重新操作。")
    at = at.button(key="pd_act_reload").click().run()
    assert not [w for w in at.warning if w.value.startswith("该案件已被")]
    assert any("包案：王区长" in t for t in _texts(at))
    session.refresh(case)
    assert case.status == CaseStatus.ASSIGNED


def test_a_reply_without_outcome_or_summary_shows_each_message_next_to_its_field(session, as_user):
    unit = make_unit(session)
    case = case_in_status(session, CaseStatus.HANDLING, unit=unit)
    as_user(make_user(session, Role.HANDLER, unit=unit))
    at = _open(case.id)
    at.button(key="pd_action_reply").click().run()
    at = at.button(key=f"FormSubmitter:pd_act_form_{case.id}_reply-答复").click().run()
    captions = [c.value for c in at.caption]
    assert ":red[请填写处理结果。]" in captions
    assert ":red[请填写意见摘要。]" in captions
    assert at.selectbox(key=f"pd_act_{case.id}_reply_outcome").value is None  # the dialog is still open


def test_the_timeline_shows_changes_as_field_old_new(assigned, as_user):
    case, handler = assigned
    as_user(handler)
    texts = _texts(_open(case.id))
    assert "**交办** · " in next(t for t in texts if t.startswith("**交办**"))
    changes = next(t for t in texts if "状态\\: 已登记 → 已交办" in t)
    assert "主办单位\\: — → 区住建委" in changes


def _accusation(session):
    discipline = make_unit(session, name="区纪委监委", kind=UnitKind.DISCIPLINE)
    accused = make_unit(session, name="区住建委")
    case = register(session, category="accusation", petitioners=[person_in(name="张三", id_number=ID_NUMBER)])
    admin = make_user(session, Role.ADMIN)
    act(session, admin, case, "assign", lead_unit_id=discipline.id, assisting_unit_ids=[accused.id], on=START)
    return case, discipline, accused


def test_an_accusation_hides_the_petitioner_from_the_assisting_units_handler(session, as_user):
    case, _, accused = _accusation(session)
    as_user(make_user(session, Role.HANDLER, unit=accused))
    at = _open(case.id)
    texts = _texts(at)
    assert any(t.startswith("**信访人** · 身份保密") for t in texts)
    assert not any("张三" in t for t in texts)
    assert not any("电梯长期故障" in t or "督促物业公司" in t for t in texts)  # the content and request
    assert at.info[0].value.startswith("该事项的内容和诉求保密（第30条）")
    assert not [b for b in at.button if (b.key or "").startswith("pd_reveal_")]
    assert _actions(at) == []  # an assisting unit sees the case, the lead unit acts on it


def test_the_lead_units_handler_reveals_the_full_id_number_and_it_is_audited(session, as_user):
    case, discipline, _ = _accusation(session)
    handler = make_user(session, Role.HANDLER, unit=discipline)
    as_user(handler)
    at = _open(case.id)
    assert any("110105\\*\\*\\*\\*\\*\\*\\*\\*002X" in t for t in _texts(at))
    assert any("电梯长期故障" in t for t in _texts(at))  # the lead discipline unit reads the content
    person_id = session.exec(
        select(CaseEvent.after).where(CaseEvent.case_id == case.id, CaseEvent.action == "register")
    ).one()["parties"][0]["person_id"]
    at = at.button(key=f"pd_reveal_{case.id}_{person_id}").click().run()
    assert any(ID_NUMBER in t for t in _texts(at))
    reveals = session.exec(select(CaseEvent).where(CaseEvent.action == "pii.reveal")).all()
    assert sorted(e.after["field"] for e in reveals) == ["id_number", "phone"]
    assert {e.actor_id for e in reveals} == {handler.id}


def test_a_petitioner_who_also_represents_the_group_is_one_line_with_both_roles(session, as_user):
    zhang = person_in(name="张三", id_number=ID_NUMBER)
    li = person_in(name="李四")
    case = register(session, petitioners=[zhang], representatives=[zhang, li], group_size=3)
    as_user(make_user(session, Role.ADMIN))
    at = _open(case.id)
    assert not at.exception  # two buttons for one person once stopped the whole page
    lines = [t for t in _texts(at) if t.startswith("**信访人") or t.startswith("**代表")]
    assert [line.split(" · ")[0] for line in lines] == ["**信访人、代表** 张三", "**代表** 李四"]
    assert len([b for b in at.button if (b.key or "").startswith("pd_reveal_")]) == 2


def test_user_text_is_shown_as_text_not_markup(session, as_user):
    title = "<b>加粗</b> [链接](http://x.cn) :red[红]"
    case = register(session, title=title, content="<script>alert(1)</script>\n第二行")
    as_user(make_user(session, Role.REGISTRAR))
    at = _open(case.id)
    # every ASCII punctuation mark is backslash-escaped, so Markdown shows the title exactly as typed
    assert at.subheader[0].value == "\\<b\\>加粗\\<\\/b\\> \\[链接\\]\\(http\\:\\/\\/x\\.cn\\) \\:red\\[红\\]"
    assert "<script>alert(1)</script>\n第二行" in [t.value for t in at.text]


def test_without_an_id_the_page_says_how_to_open_a_case(session, as_user):
    as_user(make_user(session, Role.REGISTRAR))
    at = AppTest.from_string(PAGE, default_timeout=30).run()
    assert [i.value for i in at.info] == ["请从案件列表或待办事项中打开一个案件。"]


def test_every_action_has_a_dialog_whose_inputs_are_the_transitions_keywords():
    import inspect

    from widgets.case_actions import SPECS, action_func

    assert set(SPECS) == set(workflow.TRANSITIONS)
    for action, inputs in SPECS.items():
        params = inspect.signature(action_func(action)).parameters  # the mediation wing's for its two
        keywords = {n for n, p in params.items() if p.kind == p.KEYWORD_ONLY}
        required = {n for n in keywords if params[n].default is inspect.Parameter.empty}
        names = {i.name for i in inputs}
        assert names <= keywords, (action, names - keywords)
        assert required <= names, (action, required - names)


def test_referral_through_the_dialog_opens_a_mediation_record_and_a_refusal_brings_the_case_back(
    session, as_user
):
    from core.mediation import referral
    from models import MediationCase, MediationStatus

    unit = make_unit(session)
    case = case_in_status(session, CaseStatus.HANDLING, unit=unit)
    as_user(make_user(session, Role.HANDLER, unit=unit))
    at = _open(case.id)
    at.button(key="pd_action_refer_mediation").click().run()
    at.date_input(key=f"pd_act_{case.id}_refer_mediation_on").set_value(TODAY)
    at.text_input(key=f"pd_act_{case.id}_refer_mediation_parties").input("张三、李四")
    at = at.button(key=f"FormSubmitter:pd_act_form_{case.id}_refer_mediation-转调解").click().run()
    assert not at.exception
    [mediation] = session.exec(select(MediationCase).where(MediationCase.case_id == case.id)).all()
    assert (mediation.parties, mediation.status) == ("张三、李四", MediationStatus.APPLIED)
    # the handling clock runs on: the unit may still pause or extend it
    assert _actions(at) == ["pause", "extend", "return_from_mediation", "record_meeting"]
    at.button(key="pd_action_return_from_mediation").click().run()
    at.date_input(key=f"pd_act_{case.id}_return_from_mediation_on").set_value(TODAY)
    at.selectbox(key=f"pd_act_{case.id}_return_from_mediation_result").set_value("refused")
    at.text_input(key=f"pd_act_{case.id}_return_from_mediation_party").input("李四")
    at = at.button(key=f"FormSubmitter:pd_act_form_{case.id}_return_from_mediation-调解回流").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["已调解回流。"]
    session.refresh(case)
    session.refresh(mediation)
    assert (case.status, mediation.status) == (CaseStatus.HANDLING, MediationStatus.REFUSED)
    assert referral.consents(session, mediation.id) == {"李四": False}
    texts = "\n".join(_texts(at))
    assert "拒绝调解的当事人（第17条）" in texts and "enum." not in texts
