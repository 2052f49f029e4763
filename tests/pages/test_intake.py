"""The intake page: checks while typing, errors next to their fields, one case per valid submit, repeats."""

from __future__ import annotations

import pytest
from sqlmodel import func, select
from streamlit.testing.v1 import AppTest

from core.places import places
from core.platform import timeutil
from models import Attachment, Case, CaseStatus, Role
from tests.factories import make_place, make_user, register

PAGE = "from pages import intake\nintake.render()\n"
GOOD_ID = "11010519491231002X"  # DOMAIN.md §2
BAD_ID = "110105194912310021"  # the same with a wrong check character
ID_CHECK = ":red[身份证号码校验位不符，请逐位核对。]"
PDF = b"%PDF-1.7\n%%EOF\n"


@pytest.fixture(autouse=True)
def _fresh(monkeypatch, tmp_path):
    from core.platform import config

    places.invalidate()
    monkeypatch.setenv("PETITION_DESK_DATA", str(tmp_path))
    config.get_settings.cache_clear()
    yield
    config.get_settings.cache_clear()
    places.invalidate()


def _open(monkeypatch, user) -> AppTest:
    monkeypatch.setattr("widgets.session.current_user", lambda: user)
    at = AppTest.from_string(PAGE, default_timeout=30).run()
    assert not at.exception
    return at


def _type(at: AppTest, **fields) -> AppTest:
    for name, value in fields.items():
        widget = at.text_area(key=f"pd_in_{name}") if name in ("content", "request") else None
        (widget or at.text_input(key=f"pd_in_{name}")).input(value)
    return at.run()


def _fill_valid(at: AppTest, id_number: str = GOOD_ID) -> AppTest:
    at = _type(
        at,
        petitioners_0_name="王建国",
        petitioners_0_id_number=id_number,
        petitioners_0_phone="13812341234",
        petitioners_0_address="江北区建新北路1号",
        title="小区电梯长期故障",
        content="电梯停运三个月，物业不维修。",
    )
    return at.selectbox(key="pd_in_subject").select("property_management").run()


def _submit(at: AppTest) -> AppTest:
    at = at.button(key="pd_intake_submit").click().run()
    assert not at.exception
    return at


def _captions(at: AppTest) -> list[str]:
    """Return the captions as the user reads them (Markdown escapes removed)."""
    return [c.value.replace("\\", "") for c in at.caption]


def _cases(session) -> int:
    return session.exec(select(func.count()).select_from(Case)).one()


def test_a_wrong_id_number_is_flagged_under_the_field_and_nothing_is_saved(session, monkeypatch):
    at = _fill_valid(_open(monkeypatch, make_user(session, Role.REGISTRAR)), id_number=BAD_ID)
    assert ID_CHECK in _captions(at)
    at = _submit(at)
    assert ID_CHECK in _captions(at)
    assert at.error[0].value == "有 1 处需要更正，请查看各栏下方的红色提示；更正前不会保存任何内容。"
    assert _cases(session) == 0
    assert at.text_input(key="pd_in_title").value == "小区电梯长期故障"  # what was typed stays


def test_a_valid_id_number_shows_gender_and_birth_date(session, monkeypatch):
    at = _type(_open(monkeypatch, make_user(session)), petitioners_0_id_number=GOOD_ID)
    assert "女，1949年12月31日出生" in _captions(at)
    assert ID_CHECK not in _captions(at)


def test_an_empty_submit_names_every_missing_field_next_to_it(session, monkeypatch):
    at = _submit(_open(monkeypatch, make_user(session)))
    captions = _captions(at)
    for message in (
        "请填写标题。",
        "请填写主要内容。",
        "请填写事项类别。",
        "非匿名信访须至少登记一名信访人。",
    ):
        assert f":red[{message}]" in captions
    assert _cases(session) == 0
    at = _type(at, petitioners_0_name="王建国", title="电梯坏了")  # a fixed field loses its note
    captions = _captions(at)
    assert ":red[非匿名信访须至少登记一名信访人。]" not in captions and ":red[请填写标题。]" not in captions
    assert ":red[请填写主要内容。]" in captions
    assert at.error[0].value.startswith("有 2 处需要更正")


def test_a_valid_form_registers_exactly_one_case_and_shows_its_number_and_query_code(session, monkeypatch):
    at = _submit(_fill_valid(_open(monkeypatch, make_user(session))))
    case = session.exec(select(Case)).one()
    assert case.number == f"JB-{timeutil.today().year}-000001"
    assert (case.title, case.subject, case.status) == (
        "小区电梯长期故障",
        "property_management",
        CaseStatus.REGISTERED,
    )
    assert at.success[0].value == f"已登记，案件编号 {case.number}。"
    assert len(at.code[0].value) == 8  # the query code, shown once
    at = at.run()  # a rerun does not register again
    assert _cases(session) == 1
    at = at.button(key="pd_intake_next").click().run()
    assert at.text_input(key="pd_in_title").value == "" and not at.success


def test_a_known_id_number_brings_up_the_earlier_case_which_can_be_linked(session, monkeypatch):
    registrar = make_user(session)
    earlier = register(session, registrar, petitioners=[_person(GOOD_ID)])
    at = _type(_open(monkeypatch, registrar), petitioners_0_id_number=GOOD_ID)
    assert any(earlier.number in m.value for m in at.markdown)
    assert "身份证号码相同" in _captions(at)
    at = at.button(key=f"pd_in_link_{earlier.id}").click().run()
    assert at.success[0].value == f"已关联先前案件 {earlier.number}。"
    at = _submit(_fill_valid(at))
    new = session.exec(select(Case).where(Case.id != earlier.id)).one()
    assert (new.repeat_of_id, new.is_first) == (earlier.id, False)


def _person(id_number: str):
    from core.cases.registration import PersonIn

    return PersonIn(name="王建国", id_number=id_number, phone="13812341234", address="江北区建新北路1号")


def test_on_site_office_shows_the_leader_and_closes_a_case_resolved_on_the_spot(session, monkeypatch):
    leader = make_user(session, Role.LEADER, name="陈区长")
    at = _open(monkeypatch, make_user(session))
    at = at.selectbox(key="pd_in_channel").select("onsite_office").run()
    at = at.selectbox(key="pd_in_received_by_leader_id").select(leader.id).run()
    at = at.checkbox(key="pd_in_onsite_resolved").check().run()
    at = at.selectbox(key="pd_in_onsite_outcome").select("support").run()
    at = _fill_valid(at.text_area(key="pd_in_onsite_note").input("当场协调物业维修").run())
    _submit(at)
    case = session.exec(select(Case)).one()
    assert (case.status, case.onsite_resolved, case.received_by_leader_id) == (
        CaseStatus.CLOSED,
        True,
        leader.id,
    )


def test_place_pickers_narrow_and_the_case_gets_the_grid(session, monkeypatch):
    street, community, grid = make_place(session)
    at = _open(monkeypatch, make_user(session))
    assert at.selectbox(key="pd_in_community_id").options == []
    at = at.selectbox(key="pd_in_street_id").select(street.id).run()
    at = at.selectbox(key="pd_in_community_id").select(community.id).run()
    at = at.selectbox(key="pd_in_grid_id").select(grid.id).run()
    _submit(_fill_valid(at))
    case = session.exec(select(Case)).one()
    assert (case.street_id, case.community_id, case.grid_id) == (street.id, community.id, grid.id)


def test_a_group_petition_records_its_size_and_representatives(session, monkeypatch):
    at = _open(monkeypatch, make_user(session))
    at = at.toggle(key="pd_in_group").set_value(True).run()
    at = at.number_input(key="pd_in_group_size").set_value(30).run()
    at = at.button(key="pd_in_representatives_add").click().run()
    at = _type(at, representatives_0_name="代表甲", representatives_0_phone="13900001111")
    _submit(_fill_valid(at))
    case = session.exec(select(Case)).one()
    assert case.group_size == 30


def test_an_attachment_is_stored_with_the_case(session, monkeypatch):
    at = _fill_valid(_open(monkeypatch, make_user(session)))
    at.file_uploader[0].set_value(("来信扫描.pdf", PDF, "application/pdf"))
    _submit(at.run())
    case = session.exec(select(Case)).one()
    row = session.exec(select(Attachment)).one()
    assert (row.case_id, row.filename, row.mime_type) == (case.id, "来信扫描.pdf", "application/pdf")


def test_a_refused_attachment_is_named_under_the_uploader_and_nothing_is_saved(session, monkeypatch):
    at = _fill_valid(_open(monkeypatch, make_user(session)))
    at.file_uploader[0].set_value(("照片.jpg", b"not really a picture", "image/jpeg"))
    at = _submit(at.run())
    assert any("“照片.jpg”不是支持的文件类型" in c for c in _captions(at))
    assert _cases(session) == 0


def test_a_handler_may_not_register(session, monkeypatch):
    at = _open(monkeypatch, make_user(session, Role.HANDLER))
    assert at.error[0].value == "您没有执行此操作的权限。"
    assert not at.text_input


def test_a_leader_registering_his_own_reception_is_preselected(session, monkeypatch):
    leader = make_user(session, Role.LEADER, name="陈区长")
    at = _open(monkeypatch, leader)
    at = at.selectbox(key="pd_in_channel").select("leader_reception").run()
    assert at.selectbox(key="pd_in_received_by_leader_id").value == leader.id
    _submit(_fill_valid(at))
    assert session.exec(select(Case)).one().received_by_leader_id == leader.id


def test_linking_a_matter_ended_by_reexamination_tells_the_registrar_why_before_registering(
    session, monkeypatch
):
    from tests.factories import case_in_status

    admin = make_user(session, Role.ADMIN)
    ended = case_in_status(session, CaseStatus.TERMINATED, actor=admin, petitioners=[_person(GOOD_ID)])
    at = _type(_open(monkeypatch, make_user(session)), petitioners_0_id_number=GOOD_ID)
    at = at.button(key=f"pd_in_link_{ended.id}").click().run()
    why = f"不再受理：同一事项已由案件{ended.number}于2025-03-16复核终结，同一事实和理由不再受理（第36条第3款）。"
    assert why in [w.value for w in at.warning]
    assert at.text_area(key="pd_in_new_facts").label == "新的事实和理由"
    at = _submit(_fill_valid(at))
    new = session.exec(select(Case).where(Case.id != ended.id)).one()
    assert (new.status, new.due_on, new.end_reason) == (CaseStatus.BARRED, None, why)
