"""The public query page: no sign-in, a generic error for a wrong code, the rate limit, rating once."""

from __future__ import annotations

from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from core.cases.registration import register_case
from models import Role
from tests.factories import act, case_data, inputs, make_unit, make_user, person_in

PAGE = "from pages import self_service\nself_service.render()\n"
SUBMIT = "FormSubmitter:pd_public_form-查询"


@pytest.fixture(autouse=True)
def nobody_signed_in(monkeypatch):
    """The page must work without asking who is signed in."""

    def refuse():
        raise AssertionError("the public page asked for the signed-in user")

    monkeypatch.setattr("widgets.session.current_user", refuse)


def _registered(session, **overrides):
    admin = make_user(session, Role.ADMIN)
    petitioner = person_in(name="陈静", phone="13812345678")
    done = register_case(session, admin, case_data(petitioners=[petitioner], **overrides))
    return admin, done.case, done.query_code


def _look_up(at: AppTest, number: str, code: str) -> AppTest:
    at.text_input(key="pd_public_number").input(number)
    at.text_input(key="pd_public_code").input(code)
    return at.button(key=SUBMIT).click().run()


def _all_text(at: AppTest) -> str:
    parts = [e.value for e in (*at.markdown, *at.caption, *at.text, *at.subheader, *at.title)]
    return "\n".join(str(p) for p in parts)


def test_a_wrong_code_gets_the_generic_error_and_the_sixth_attempt_is_refused(session):
    _, case, code = _registered(session)
    at = AppTest.from_string(PAGE, default_timeout=30).run()
    assert at.title[0].value == "信访事项查询"
    for _ in range(5):
        at = _look_up(at, case.number, "WRONG234")
        assert [e.value for e in at.error] == ["案件编号或查询码不正确。"]
    at = _look_up(at, case.number, code)  # even the right code, after five failures
    assert [e.value for e in at.error] == ["尝试次数过多，请 15 分钟后再试。"]
    assert case.number not in [s.value for s in at.subheader]


def test_the_right_code_shows_only_status_and_due_dates(session):
    _, case, code = _registered(session, received_on=date(2025, 3, 3))
    at = _look_up(AppTest.from_string(PAGE, default_timeout=30).run(), case.number, code)
    assert not at.exception and not at.error
    assert [s.value for s in at.subheader] == [case.number]
    text = _all_text(at)
    assert ":blue-badge[已登记]" in text
    assert "登记分流：期限 2025年3月18日 （当前）" in text  # received Mon 03-03, 15 days
    for private in ("陈静", "13812345678", case.title, case.content):
        assert private not in text


def test_the_petitioner_rates_the_reply_once(session):
    admin, case, code = _registered(session, received_on=date(2025, 3, 3))
    unit = make_unit(session)
    for action, day in (("assign", 4), ("accept", 4), ("reply", 20)):
        act(session, admin, case, action, **inputs(action, date(2025, 3, day), unit_id=unit.id))
    at = _look_up(AppTest.from_string(PAGE, default_timeout=30).run(), case.number, code)
    assert "责成物业维修" in [t.value for t in at.text]
    at.radio(key="pd_public_rating").set_value("satisfied")
    at = at.button(key="FormSubmitter:pd_public_rate-提交评价").click().run()
    assert [s.value for s in at.success] == ["感谢您的评价。"]
    assert "您的评价：满意" in _all_text(at)
    assert not at.radio  # no second rating
    session.refresh(case)
    assert (case.status.value, case.satisfaction.value) == ("rated", "satisfied")
