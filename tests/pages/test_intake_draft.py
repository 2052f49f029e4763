"""A half-filled intake form survives F5 and other pages (a draft per user on the server) until it is
registered or discarded; nobody else sees it."""

from __future__ import annotations

from sqlmodel import select
from streamlit.testing.v1 import AppTest

from models import IntakeDraft, Role
from tests.factories import make_user
from tests.pages.test_intake import _cases, _fill_valid, _fresh, _open, _submit, _type  # noqa: F401

NAVIGATE = """
import streamlit as st
from pages import home, intake
home.render() if st.session_state.get("pd_test_page") == "home" else intake.render()
"""


def _draft(session, user) -> dict | None:
    session.expire_all()
    row = session.exec(select(IntakeDraft).where(IntakeDraft.user_id == user.id)).first()
    return row.data if row else None


def test_f5_on_a_half_filled_form_brings_it_back(session, monkeypatch):
    clerk = make_user(session, Role.REGISTRAR)
    at = _type(_open(monkeypatch, clerk), petitioners_0_name="王建国", title="小区电梯长期故障")
    at = at.selectbox(key="pd_in_subject").select("property_management").run()
    assert _draft(session, clerk)["pd_in_title"] == "小区电梯长期故障"
    again = _open(monkeypatch, clerk)  # F5: a new session
    assert again.text_input(key="pd_in_title").value == "小区电梯长期故障"
    assert again.text_input(key="pd_in_petitioners_0_name").value == "王建国"
    assert again.selectbox(key="pd_in_subject").value == "property_management"
    assert again.info[0].value.startswith("已恢复您 ") and "未完成的登记" in again.info[0].value
    assert _open(monkeypatch, make_user(session, Role.REGISTRAR)).text_input(key="pd_in_title").value == ""


def test_the_draft_survives_another_page(session, monkeypatch):
    clerk = make_user(session, Role.REGISTRAR)
    monkeypatch.setattr("widgets.session.current_user", lambda: clerk)
    at = AppTest.from_string(NAVIGATE, default_timeout=30).run()
    at = _type(at, petitioners_0_phone="13812341234", content="电梯停运三个月。")
    at.session_state["pd_test_page"] = "home"
    at = at.run()
    at.session_state["pd_test_page"] = "intake"
    at = at.run()
    assert not at.exception
    assert at.text_input(key="pd_in_petitioners_0_phone").value == "13812341234"
    assert at.text_area(key="pd_in_content").value == "电梯停运三个月。"


def test_registering_or_discarding_forgets_the_draft(session, monkeypatch):
    clerk = make_user(session, Role.REGISTRAR)
    at = _submit(_fill_valid(_open(monkeypatch, clerk)))
    assert at.success[0].value.startswith("已登记") and _cases(session) == 1
    assert _draft(session, clerk) is None
    assert not _open(monkeypatch, clerk).info  # no draft to put back
    at = _type(_open(monkeypatch, clerk), title="另一件事")
    at = _open(monkeypatch, clerk).button(key="pd_intake_draft_discard").click().run()
    assert at.text_input(key="pd_in_title").value == "" and not at.info
    assert _draft(session, clerk) is None


def test_an_untouched_form_is_no_draft(session, monkeypatch):
    clerk = make_user(session, Role.REGISTRAR)
    _open(monkeypatch, clerk)  # channel, date, category and route are preset
    assert _draft(session, clerk) is None
