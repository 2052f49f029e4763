"""The one write path of reference tables (core/accounts/records.py) through the wings' rules."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlmodel import select

from core.accounts import records
from core.places import editing, responsibility, subjects
from core.platform.errors import PermissionDenied, StaleVersion, ValidationError
from models import CaseEvent, Grid, Responsibility, ResponsibilityUnit, Role, Street, Subject, Unit
from tests.factories import make_user, register


def _events(session, action: str) -> list[CaseEvent]:
    return list(session.exec(select(CaseEvent).where(CaseEvent.action == action)).all())


def test_a_new_grid_is_checked_against_its_schema_and_its_community_code(session, admin, district):
    jx = district.communities[0]
    with pytest.raises(ValidationError) as bad:
        records.create(
            session, admin, editing.GRIDS, {"code": "5001050060019999", "name": "", "community_id": jx.id}
        )
    assert bad.value.errors == {"name": "必填。"}
    with pytest.raises(ValidationError) as bad:
        records.create(
            session,
            admin,
            editing.GRIDS,
            {"code": "500105100201009", "name": "新网格", "community_id": jx.id},
        )
    assert bad.value.errors == {"code": "编码应以上级编码 500105006001 开头。"}
    with pytest.raises(ValidationError) as bad:
        values = {"code": "500105006001001", "name": "重号", "community_id": jx.id}
        records.create(session, admin, editing.GRIDS, values)
    assert bad.value.errors == {"code": "已被另一条记录使用。"}
    made = records.create(
        session, admin, editing.GRIDS, {"code": " 500105006001003 ", "name": "第3网格", "community_id": jx.id}
    )
    assert (made.row.code, made.row.version, made.row.active) == ("500105006001003", 1, True)
    (event,) = _events(session, "grid.create")
    assert event.object_id == made.row.id and event.after["code"] == "500105006001003"
    assert event.actor_name == "王管理"


def test_control_characters_are_refused_and_a_long_text_may_hold_line_breaks(session, admin, district):
    with pytest.raises(ValidationError) as bad:
        records.create(session, admin, editing.STREETS, {"code": "500105007", "name": "五里店\x07街道"})
    assert bad.value.errors == {"name": "含有不可见的控制字符，请删除后再保存。"}
    subject = session.exec(select(Subject).where(Subject.key == "education")).one()
    line = {"subject_id": subject.id, "lead_unit_id": district.units["ZJW"].id, "basis": "第一条\n第二条"}
    assert records.create(session, admin, responsibility.RULES, line).row.basis == "第一条\n第二条"


def test_only_the_administrator_writes_reference_tables(session, district):
    registrar = make_user(session, Role.REGISTRAR)
    with pytest.raises(PermissionDenied):
        records.create(session, registrar, editing.STREETS, {"code": "500105007", "name": "五里店街道"})
    assert session.exec(select(Street).where(Street.code == "500105007")).first() is None


def test_an_edit_seen_at_an_old_version_is_refused_with_who_changed_it_and_when(session, admin, district):
    unit = district.units["WYGL"]
    other = make_user(session, Role.ADMIN, name="李管理")
    records.update(session, other, editing.UNITS, unit.id, 1, {"short_name": "物业中心"})
    with pytest.raises(StaleVersion) as stale:
        records.update(session, admin, editing.UNITS, unit.id, 1, {"short_name": "物业服务中心"})
    assert stale.value.changed_by == "李管理"
    assert stale.value.message.startswith(
        "李管理 已于 2026年9月28日 "
    )  # the pinned day, the wall clock's time
    assert stale.value.message.endswith("修改了这条记录，请重新载入后再改。")
    assert session.get(Unit, unit.id).short_name == "物业中心"


def test_an_update_writes_only_what_changed_and_audits_the_difference(session, admin, district):
    unit = district.units["WYGL"]
    saved = records.update(
        session,
        admin,
        editing.UNITS,
        unit.id,
        1,
        {"code": "WYGL", "name": unit.name, "short_name": "物业中心"},
    )
    assert saved.row.version == 2
    (event,) = _events(session, "unit.update")
    assert (event.before, event.after) == ({"short_name": "区物业管理服务中心"}, {"short_name": "物业中心"})


def test_a_unit_cannot_be_put_under_its_own_sub_unit(session, admin, district):
    zjw, wygl = district.units["ZJW"], district.units["WYGL"]
    with pytest.raises(ValidationError) as bad:
        records.update(session, admin, editing.UNITS, zjw.id, 1, {"parent_id": wygl.id})
    assert bad.value.errors == {"parent_id": "上级单位不能是本单位或其下级单位。"}


def test_a_street_office_names_its_street(session, admin):
    with pytest.raises(ValidationError) as bad:
        records.create(
            session,
            admin,
            editing.UNITS,
            {"code": "JD009", "name": "铁山坪街道办事处", "kind": "street_office"},
        )
    assert bad.value.errors == {"street_id": "街道办事处/镇政府须注明所属街道/镇。"}


def test_a_deletion_is_refused_naming_what_still_points_at_the_row(session, admin, district):
    jx = district.communities[0]  # 2 grids; and one case registered in it
    register(session, admin, grid_id=district.grids[0].id, community_id=jx.id, street_id=jx.street_id)
    with pytest.raises(ValidationError) as refused:
        records.delete(session, admin, editing.COMMUNITIES, jx.id, 1)
    assert (
        refused.value.message
        == "不能删除：仍有 网格 2 条、案件 1 条 指向这条记录。请改为停用，历史记录将保留。"
    )
    assert session.get(type(jx), jx.id) is not None
    empty = district.grids[4]
    records.delete(session, admin, editing.GRIDS, empty.id, 1)
    assert session.get(Grid, empty.id) is None
    assert [e.before["code"] for e in _events(session, "grid.delete")] == ["500105100201001"]


def test_deactivating_keeps_the_row_and_hides_it_from_pickers(session, admin, district):
    from core.places import places

    jx = district.communities[0]
    assert [c.name for c in places.communities(session, jx.street_id)] == ["建新北路社区", "花卉园社区"]
    records.set_active(session, admin, editing.COMMUNITIES, jx.id, 1, False)
    assert [c.name for c in places.communities(session, jx.street_id)] == ["花卉园社区"]
    assert session.get(type(jx), jx.id).active is False
    assert [e.after for e in _events(session, "community.deactivate")] == [{"active": False}]


def test_a_subject_key_stays_as_created_and_a_used_subject_is_not_deleted(session, admin):
    made = records.create(
        session, admin, subjects.RULES, {"key": "pension", "name": "养老服务", "sort_order": 185}
    )
    with pytest.raises(ValidationError) as bad:
        records.update(session, admin, subjects.RULES, made.row.id, 1, {"key": "elderly"})
    assert bad.value.errors == {"key": "创建后不能修改。"}
    with pytest.raises(ValidationError) as bad:
        records.create(session, admin, subjects.RULES, {"key": "Bad Key", "name": "x"})
    assert bad.value.errors == {"key": "格式不正确。"}
    register(session, admin, subject="property_management")
    used = session.exec(select(Subject).where(Subject.key == "property_management")).one()
    with pytest.raises(ValidationError) as refused:
        records.delete(session, admin, subjects.RULES, used.id, used.version)
    assert refused.value.message.startswith("不能删除：仍有 案件 1 条 指向这条记录。")


def test_the_responsibility_list_keeps_one_line_per_subject_and_street_with_its_assisting_units(
    session, admin, district
):
    subject = session.exec(select(Subject).where(Subject.key == "property_management")).one()
    zjw, wygl, jd = district.units["ZJW"], district.units["WYGL"], district.units["JD006"]
    rules = responsibility.RULES
    whole = {
        "subject_id": subject.id,
        "street_id": None,
        "lead_unit_id": zjw.id,
        "assisting_unit_ids": [wygl.id],
    }
    line = records.create(session, admin, rules, whole).row
    with pytest.raises(ValidationError) as bad:
        records.create(session, admin, rules, {**whole, "assisting_unit_ids": []})
    assert bad.value.errors == {"street_id": "已被另一条记录使用。"}  # the district-wide line exists
    street_line = {
        **whole,
        "street_id": district.streets[0].id,
        "lead_unit_id": jd.id,
        "assisting_unit_ids": [jd.id],
    }
    with pytest.raises(ValidationError) as bad:
        records.create(session, admin, rules, street_line)
    assert bad.value.errors == {"assisting_unit_ids": "牵头单位不能同时是协办单位。"}
    records.create(session, admin, rules, {**street_line, "assisting_unit_ids": [wygl.id, zjw.id]})
    links = session.exec(
        select(ResponsibilityUnit.unit_id).where(ResponsibilityUnit.responsibility_id == line.id)
    )
    assert list(links) == [wygl.id]
    here = responsibility.suggest(session, "property_management", district.streets[0].id)
    elsewhere = responsibility.suggest(session, "property_management", district.streets[1].id)
    assert (here.lead_unit, here.street_specific, here.assisting_unit_ids) == (
        "观音桥街道",
        True,
        tuple(sorted([wygl.id, zjw.id])),
    )
    assert (elsewhere.lead_unit, elsewhere.street_specific) == ("区住房城乡建委", False)
    assert responsibility.suggest(session, "education", district.streets[0].id) is None


def test_an_import_is_all_or_nothing_and_lists_every_bad_row(session, admin, district):
    street = district.streets[1].id
    rows = [
        (2, {"code": "500105100202", "name": "石坝村", "kind": "village", "street_id": street}),
        (3, {"code": "50010510020", "name": "复兴村", "kind": "village", "street_id": street}),  # 11 digits
        (
            4,
            {"code": "500105100202", "name": "石坝村二", "kind": "village", "street_id": street},
        ),  # row 2 again
        (5, {"code": "500105100203", "name": "", "kind": "village", "street_id": street}),
    ]
    report = records.import_rows(session, admin, editing.COMMUNITIES, rows, commit=True)
    assert [(e.row, e.field, e.message) for e in report.errors] == [
        (3, "code", "社区/村编码为 12 位数字，如 500105001001。"),
        (4, "code", "与第 2 行重复。"),
        (5, "name", "必填。"),
    ]
    assert (report.created, report.committed) == (1, False)
    assert session.exec(select(sa.func.count()).select_from(type(district.communities[0]))).one() == 3
    assert _events(session, "community.import") == []


def test_an_import_upserts_by_natural_key_and_the_same_rows_again_change_nothing(session, admin, district):
    jx = district.communities[0].id
    rows = [
        (2, {"code": "500105006001001", "name": "第1网格（建新北路）", "community_id": jx}),  # renamed
        (3, {"code": "500105006001002", "name": "第2网格", "community_id": jx}),  # as it is
        (4, {"code": "500105006001003", "name": "第3网格", "community_id": jx}),  # new
    ]
    dry = records.import_rows(session, admin, editing.GRIDS, rows, commit=False)
    assert (dry.created, dry.updated, dry.unchanged, dry.committed) == (1, 1, 1, False)
    assert session.exec(select(Grid).where(Grid.code == "500105006001003")).first() is None
    done = records.import_rows(session, admin, editing.GRIDS, rows, commit=True)
    assert (done.created, done.updated, done.unchanged, done.committed) == (1, 1, 1, True)
    renamed = session.exec(select(Grid).where(Grid.code == "500105006001001")).one()
    assert (renamed.name, renamed.version) == ("第1网格（建新北路）", 2)
    (event,) = _events(session, "grid.import")
    assert event.after == {
        "created": 1,
        "updated": 1,
        "unchanged": 1,
        "keys": ["500105006001001", "500105006001003"],
    }
    again = records.import_rows(session, admin, editing.GRIDS, rows, commit=True)
    assert (again.created, again.updated, again.unchanged, again.committed) == (0, 0, 3, False)
    assert len(_events(session, "grid.import")) == 1  # nothing written, nothing audited
    assert session.exec(select(Grid).where(Grid.code == "500105006001001")).one().version == 2


def test_an_import_writes_many_to_many_links_and_compares_them(session, admin, district):
    subject = session.exec(select(Subject).where(Subject.key == "property_management")).one()
    zjw, wygl, jd = district.units["ZJW"], district.units["WYGL"], district.units["JD006"]
    row = {
        "subject_id": subject.id,
        "street_id": None,
        "lead_unit_id": zjw.id,
        "assisting_unit_ids": [jd.id, wygl.id],
    }
    assert records.import_rows(session, admin, responsibility.RULES, [(2, row)], commit=True).created == 1
    again = records.import_rows(
        session,
        admin,
        responsibility.RULES,
        [(2, {**row, "assisting_unit_ids": [wygl.id, jd.id]})],
        commit=True,
    )
    assert (again.unchanged, again.updated) == (1, 0)  # the same units in another order
    fewer = records.import_rows(
        session, admin, responsibility.RULES, [(2, {**row, "assisting_unit_ids": [jd.id]})], commit=True
    )
    assert fewer.updated == 1
    line = session.exec(select(Responsibility)).one()
    assert records.linked(session, responsibility.RULES, line.id) == {"assisting_unit_ids": [jd.id]}


def test_the_audit_log_words_the_writes_of_every_generated_table():
    from widgets.audit_changes import action_label

    assert [action_label(a) for a in ("grid.import", "unit.deactivate", "responsibility.update")] == [
        "导入网格",
        "停用单位",
        "修改监管责任清单",
    ]
