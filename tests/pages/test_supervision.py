"""The supervision board, letters and spot checks as the supervisor sees them (AppTest), and the unit's to-do."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from core import kpis
from core.places import places
from core.supervision import letters
from models import CaseStatus, Role, SupervisionLetter
from tests.factories import case_in_status, make_unit, make_user, register
from tests.pages.helpers import open_page


@pytest.fixture(autouse=True)
def _fresh():
    places.invalidate()
    kpis.clear_cache()
    yield
    places.invalidate()


@pytest.fixture()
def office(session):
    unit = make_unit(session, name="区住建委")
    sup = make_user(session, Role.SUPERVISOR)
    case = case_in_status(session, CaseStatus.HANDLING, unit=unit)  # accepted in 2025: overdue on 2026-09-28
    return {"sup": sup, "unit": unit, "case": case, "handler": make_user(session, Role.HANDLER, unit=unit)}


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_the_board_counts_colours_and_lists_the_overdue_case(monkeypatch, office):
    at = open_page(monkeypatch, "supervision", office["sup"])
    assert at.title[0].value == "督查督办"
    metrics = _metrics(at)
    assert (metrics["超期"], metrics["异议"], metrics["函件逾期未复"]) == ("1", "0", "0")
    assert at.subheader[0].value == "超期：1件"
    assert at.dataframe[0].value.iloc[0]["编号"] == office["case"].number
    assert "区住建委" in list(at.dataframe[1].value["责任单位"])  # the league table


def test_a_colour_from_the_url_shows_its_cases(monkeypatch, session, office):
    fresh = register(session, received_on=date(2026, 9, 14))  # triage due Tue 09-29
    at = open_page(monkeypatch, "supervision", office["sup"], colour="near_due")
    assert at.subheader[0].value == "临期：1件"
    assert at.dataframe[0].value.iloc[0]["编号"] == fresh.number


def test_a_handler_has_no_board(monkeypatch, office):
    at = open_page(monkeypatch, "supervision", office["handler"])
    assert not at.dataframe and not at.metric


def test_the_letters_view_issues_a_numbered_letter(monkeypatch, session, office):
    at = open_page(monkeypatch, "supervision", office["sup"], view="letters")
    cases, _area, subject = at.text_input[0], at.text_input[1], at.text_input[2]
    cases.set_value(office["case"].number)
    subject.set_value("关于督促办理的函")
    at.text_area[0].set_value("请于收函后10个工作日内书面报告。")
    next(b for b in at.button if b.label == "编号并发出").click()
    at = at.run()
    assert not at.exception
    letter = session.exec(select(SupervisionLetter)).one()
    assert (letter.number, letter.case_id, letter.unit_id) == (
        "江北信督〔2026〕1号",
        office["case"].id,
        office["unit"].id,
    )
    assert at.dataframe[0].value.iloc[0]["文号"] == "江北信督〔2026〕1号"


def test_the_unit_sees_and_answers_an_overdue_letter_on_its_todo(monkeypatch, session, office):
    letter = letters.issue_letter(session, office["sup"], kind="supervision", unit_id=office["unit"].id,
                                  subject="关于督促办理的函", content="请报告。", policy_area="物业",
                                  issued_on=date(2026, 9, 1))  # fmt: skip
    at = open_page(monkeypatch, "todo", office["handler"])
    assert at.subheader[0].value == "督查督办事项（1）"
    assert at.expander[0].label.startswith(f"🔴 督办函件 · {letter.number}")
    at.text_area[0].set_value("已办结并约见信访人。")
    at.button[0].click().run()
    session.refresh(letter)
    assert (letter.status, letter.reply) == ("replied", "已办结并约见信访人。")


def test_the_spot_check_view_draws_and_lists_the_cases(monkeypatch, session, office):
    from core.supervision import spot_checks

    registrar = make_user(session, Role.REGISTRAR)
    for day in (3, 4, 5):
        register(session, registrar, received_on=date(2026, 8, day))
    check = spot_checks.draw(session, office["sup"], period_from=date(2026, 8, 1), period_to=date(2026, 8, 31),
                             size=2, seed=5)  # fmt: skip
    at = open_page(monkeypatch, "supervision", office["sup"], view="spot_checks")
    assert at.selectbox[-1].value == check.id
    grid = at.dataframe[0].value  # the checklist grid (st.data_editor), one row per drawn case
    assert len(grid) == 2 and list(grid.columns)[3:9] == list(spot_checks.CHECKLIST)
    assert list(grid["petitioner_data"]) == [
        "合格",
        "合格",
    ]  # suggested from the record: named petitioner, valid ID
    assert "随机种子 5" in at.caption[0].value


def test_drawing_a_spot_check_from_the_form_opens_it_and_saving_records_the_answers(monkeypatch, session, office):
    from core.supervision import spot_checks
    from models import SpotCheck, SpotCheckItem

    registrar = make_user(session, Role.REGISTRAR)
    for day in (3, 4, 5, 6):
        register(session, registrar, received_on=date(2026, 8, day))
    at = open_page(monkeypatch, "supervision", office["sup"], view="spot_checks")
    form = at.get("form")[0]
    form.number_input[0].set_value(3)  # sample size 3 of August's 4 registrations (the form's default period)
    at = form.button[0].click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    [check] = session.exec(select(SpotCheck)).all()
    assert (check.sample_size, check.period_from, check.period_to) == (3, date(2026, 8, 1), date(2026, 8, 31))
    assert at.query_params["check"] in (str(check.id), [str(check.id)])  # AppTest keeps it as typed or as a list
    assert len(at.dataframe[0].value) == 3

    [save] = [b for b in at.button if b.label == "保存检查结果"]
    at = save.click().run()
    assert not at.exception
    session.expire_all()
    items = session.exec(select(SpotCheckItem).where(SpotCheckItem.spot_check_id == check.id)).all()
    # nothing edited: each line is saved with the answers suggested from its record
    assert [i.passed is not None for i in items] == [True, True, True]
    assert all(set(i.answers) == set(spot_checks.CHECKLIST) for i in items)
