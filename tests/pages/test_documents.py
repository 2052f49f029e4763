"""The case file's 文书 tab and the documents page, as a user sees them (AppTest)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from streamlit.testing.v1 import AppTest

from core.documents import standard
from core.documents.standard import K
from models import Case, CaseStatus, LetterKind, Role, SupervisionLetter, User
from tests.factories import START, act, case_in_status, inputs, make_unit, make_user, person_in, register
from tests.pages.helpers import open_page

TODAY = date(2025, 3, 20)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr("core.platform.timeutil.today", lambda: TODAY)
    monkeypatch.setattr("pages.case_detail.today", lambda: TODAY)


def _open(monkeypatch, user: User, case_id: int) -> AppTest:
    return open_page(monkeypatch, "case_detail", user, id=str(case_id))


def _texts(at: AppTest) -> list[str]:
    return [e.value for e in (*at.markdown, *at.caption, *at.success, *at.info)]


def test_a_handler_generates_the_acceptance_notice_and_regenerates_it_in_the_documents_tab(
    session, monkeypatch
):
    unit = make_unit(session, name="区住建委")
    case = case_in_status(session, CaseStatus.HANDLING, unit=unit)
    handler = make_user(session, Role.HANDLER, unit=unit)
    at = _open(monkeypatch, handler, case.id)
    assert not at.exception
    assert at.tabs[5].label == "文书"
    kinds = at.selectbox(key="pd_doc_kind")
    assert kinds.options == ["受理告知书"]  # accepted, not replied, not extended: nothing else yet
    at = at.button(key="pd_doc_generate").click().run()
    assert "已生成受理告知书（第1版）。" in _texts(at)
    assert at.tabs[5].label == "文书 (1)"
    at = at.button(key="pd_doc_generate").click().run()
    rows = [m for m in _texts(at) if m.startswith("**受理告知书**")]
    assert len(rows) == 2
    number = case.number.replace("-", "\\-")
    assert f"{number}\\-SL · 第2版 · :green-badge[最新]" in rows[0] and "第1版" in rows[1]
    assert "最新" not in rows[1]
    assert [b.label for b in at.get("download_button")][-2:] == ["下载", "下载"]


def test_the_returned_delivery_receipt_sets_the_delivery_date(session, monkeypatch):
    admin = make_user(session, Role.ADMIN)
    case = case_in_status(session, CaseStatus.HANDLING, actor=admin)
    act(
        session, admin, case, "reply", **(inputs("reply", START + timedelta(days=7)) | {"delivered_on": None})
    )
    receipt = standard.generate(session, admin, K.DELIVERY_RECEIPT, case.id)
    at = _open(monkeypatch, admin, case.id)
    at.date_input(key=f"pd_doc_return_{receipt.id}").set_value(date(2025, 3, 14))
    at = at.button(key=f"pd_doc_return_btn_{receipt.id}").click().run()
    assert not at.exception
    assert "已登记收回日期2025年3月14日，作为送达日期计算期限。" in _texts(at)
    session.expire_all()
    assert session.get(Case, case.id).reply_received_on == date(2025, 3, 14)
    assert any("已收回 2025年3月14日" in m for m in _texts(at))


def test_the_accused_units_handler_does_not_see_the_accusers_notice(session, monkeypatch):
    admin = make_user(session, Role.ADMIN)
    accused = make_unit(session, name="区农业农村委")
    case = register(session, admin, category="accusation", petitioners=[person_in(name="李检举")])
    act(session, admin, case, "assign", **inputs("assign", START + timedelta(days=1), unit_id=accused.id))
    act(session, admin, case, "accept", **inputs("accept", START + timedelta(days=2)))
    standard.generate(session, admin, K.ACCEPTANCE_NOTICE, case.id)
    at = _open(monkeypatch, make_user(session, Role.HANDLER, unit=accused), case.id)
    assert not at.exception
    assert at.tabs[5].label == "文书"
    assert not any(m.startswith("**受理告知书**") for m in _texts(at))


def test_the_documents_page_prints_a_days_acceptance_notices_as_one_file(session, monkeypatch):
    admin = make_user(session, Role.ADMIN)
    unit = make_unit(session)
    for _ in range(2):
        case_in_status(session, CaseStatus.HANDLING, actor=admin, unit=unit)
    monkeypatch.setattr("core.platform.timeutil.today", lambda: START + timedelta(days=2))
    at = open_page(monkeypatch, "documents", admin)
    assert [s.value for s in at.subheader] == [
        "批量打印受理告知书",
        "督查与调解文书",
        "到期待鉴定的档案",
        "文书模板",
    ]
    at = at.button(key="pd_doc_batch_build").click().run()
    assert not at.exception
    assert "共2份受理告知书。" in [c.value for c in at.caption]
    at.date_input(key="pd_doc_batch_day").set_value(date(2025, 1, 1))
    at = at.button(key="pd_doc_batch_build").click().run()
    assert "2025年1月1日没有受理的信访事项。" in " ".join(c.value for c in at.caption)


def test_a_registrar_sees_the_archives_due_but_neither_batch_nor_templates(session, monkeypatch):
    at = open_page(monkeypatch, "documents", make_user(session, Role.REGISTRAR))
    assert [s.value for s in at.subheader] == ["到期待鉴定的档案"]
    assert "目前没有保管期限届满的档案。" in [i.value for i in at.info]


def test_a_supervisor_makes_the_letter_of_a_case_on_the_documents_page(session, monkeypatch):
    unit = make_unit(session, name="区住建委")
    case = case_in_status(session, CaseStatus.HANDLING, unit=unit)
    letter = SupervisionLetter(
        number="江北信督〔2025〕5号", kind=LetterKind.SUPERVISION, case_id=case.id, unit_id=unit.id,
        subject="逾期未办结", content="请立即办理。", issued_on=date(2025, 3, 18), due_on=date(2025, 4, 1),
    )  # fmt: skip
    session.add(letter)
    session.commit()
    supervisor = make_user(session, Role.SUPERVISOR)
    at = open_page(monkeypatch, "documents", supervisor)
    assert [s.value for s in at.subheader] == ["督查与调解文书", "到期待鉴定的档案"]
    assert at.selectbox(key="pd_doc_source").options == ["督办函 · 江北信督〔2025〕5号 · 逾期未办结"]
    at = at.button(key="pd_doc_source_generate").click().run()
    assert not at.exception
    assert "已生成督办函（第1版）。" in [s.value for s in at.success]
    assert any("江北信督〔2025〕5号 · 第1版" in m.value for m in at.markdown)
