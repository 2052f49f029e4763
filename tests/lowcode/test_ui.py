"""The generated screens as people use them (AppTest on pages/admin.py): list, search, filter, sort, page,
create, edit, a stale edit, a refused delete, deactivate, export, import with a dry run, re-import."""

from __future__ import annotations

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from core.accounts import records
from core.places import editing
from models import Community, Grid, Role, Unit
from tests.factories import make_user, register
from tests.lowcode.conftest import xlsx

PAGE = "from pages import admin\nadmin.render()\n"


def _open(monkeypatch, user, **params) -> AppTest:
    monkeypatch.setattr("widgets.session.current_user", lambda: user)
    at = AppTest.from_string(PAGE, default_timeout=30)
    for name, value in params.items():
        at.query_params[name] = str(value)
    return _run(at)


def _run(at: AppTest) -> AppTest:
    at = at.run()
    assert not at.exception, at.exception
    return at


def _column(at: AppTest, header: str) -> list:
    return list(at.dataframe[0].value[header]) if at.dataframe else []


def _texts(elements) -> list[str]:
    return [e.value for e in elements]


def test_the_list_shows_labels_and_searches_filters_sorts_and_pages(session, monkeypatch, admin, district):
    at = _open(monkeypatch, admin, table="grids")
    assert list(at.dataframe[0].value.columns) == ["网格编码", "网格名称", "所属社区/村", "启用"]
    assert _column(at, "所属社区/村")[0] == "观音桥街道 › 建新北路社区"
    assert "共 5 条 · 第 1/1 页" in _texts(at.caption)
    at = _run(at.text_input(key="lc.grids.q").input("花卉园"))
    assert _column(at, "网格编码") == ["500105006007001", "500105006007002"]
    assert at.query_params["q"] == "花卉园"
    at = _run(at.text_input(key="lc.grids.q").input(""))
    at = _run(at.multiselect(key="lc.grids.f.community.street_id").set_value([district.streets[1].id]))
    assert _column(at, "网格编码") == ["500105100201001"]
    at = _run(at.multiselect(key="lc.grids.f.community.street_id").set_value([]))
    at = _run(at.selectbox(key="lc.grids.sort").select("-code"))
    assert _column(at, "网格编码")[0] == "500105100201001"
    at = _run(at.selectbox(key="lc.grids.size").select(20))
    assert len(_column(at, "网格编码")) == 5


def test_a_long_list_pages_and_a_link_opens_the_same_page(session, monkeypatch, admin, district):
    jx = district.communities[0]
    session.add_all(
        Grid(code=f"500105006001{n:03d}", name=f"第{n}网格", community_id=jx.id) for n in range(3, 26)
    )
    session.commit()  # 28 grids: 20 a page, 2 pages
    at = _open(monkeypatch, admin, table="grids", size=20)
    assert "共 28 条 · 第 1/2 页" in _texts(at.caption)
    at = _run(at.get("pagination")[0].select(2))
    assert len(_column(at, "网格编码")) == 8 and "共 28 条 · 第 2/2 页" in _texts(at.caption)
    linked = _open(monkeypatch, admin, table="grids", size=20, page=2, sort="-code")
    assert _column(linked, "网格编码")[-1] == "500105006001001"


def test_creating_a_row_shows_errors_next_to_fields_then_saves(session, monkeypatch, admin, district):
    at = _open(monkeypatch, admin, table="communities")
    at = _run(at.button(key="lc.communities.new").click())
    at.selectbox(key="lc.communities.create.0.street_id").select(district.streets[0].id)
    at.text_input(key="lc.communities.create.0.code").input("50010500600")
    at = _run(at.button(key="FormSubmitter:lc_communities_create-创建").click())
    assert ":red[必填。]" in _texts(at.caption)  # under the name, left empty
    at.text_input(key="lc.communities.create.0.name").input("建新南路社区")
    at.text_input(key="lc.communities.create.0.code").input("500105006002")
    at = _run(at.button(key="FormSubmitter:lc_communities_create-创建").click())
    made = session.exec(select(Community).where(Community.code == "500105006002")).one()
    assert (made.name, made.street_id) == ("建新南路社区", district.streets[0].id)
    assert "已保存。" in _texts(at.success)


def test_editing_a_row_saves_through_the_tables_rules(session, monkeypatch, admin, district):
    unit = district.units["WYGL"]
    at = _open(monkeypatch, admin, table="units", row=unit.id)
    prefix = f"lc.units.edit.{unit.id}.1.0."
    assert at.text_input(key=prefix + "code").value == "WYGL"
    at.selectbox(key=prefix + "parent_id").select(unit.id)  # its own parent
    at = _run(at.button(key="FormSubmitter:lc_units_edit-保存").click())
    assert ":red[上级单位不能是本单位或其下级单位。]" in _texts(at.caption)
    at.selectbox(key=prefix + "parent_id").select(district.units["ZJW"].id)
    at.text_input(key=prefix + "short_name").input("物业中心")
    at = _run(at.button(key="FormSubmitter:lc_units_edit-保存").click())
    session.expire_all()
    assert session.get(Unit, unit.id).short_name == "物业中心"
    assert "已保存。" in _texts(at.success)


def test_a_stale_edit_says_who_changed_the_row_and_when_and_reloads(session, monkeypatch, admin, district):
    unit = district.units["WYGL"]
    at = _open(monkeypatch, admin, table="units", row=unit.id)
    other = make_user(session, Role.ADMIN, name="李管理")
    records.update(session, other, editing.UNITS, unit.id, 1, {"short_name": "李改的"})
    at.text_input(key=f"lc.units.edit.{unit.id}.1.0.short_name").input("王改的")
    at = _run(at.button(key="FormSubmitter:lc_units_edit-保存").click())
    (warning,) = _texts(at.warning)
    assert warning.startswith("李管理 已于 2026年9月28日") and "请重新载入" in warning
    session.expire_all()
    assert session.get(Unit, unit.id).short_name == "李改的"
    at = _run(at.button(key="lc.units.reload").click())
    assert at.text_input(key=f"lc.units.edit.{unit.id}.2.1.short_name").value == "李改的"


def test_a_delete_is_refused_naming_what_points_at_the_row_and_deactivating_keeps_it(
    session, monkeypatch, admin, district
):
    jx = district.communities[0]
    at = _open(monkeypatch, admin, table="communities", row=jx.id)
    at = _run(at.button(key="lc.communities.delete").click())
    at = _run(at.button(key="lc.communities.delete_go").click())
    assert "不能删除：仍有 网格 2 条 指向这条记录。请改为停用，历史记录将保留。" in _texts(at.error)
    assert session.get(Community, jx.id) is not None
    at = _open(monkeypatch, admin, table="communities", row=jx.id)
    at = _run(at.button(key="lc.communities.toggle_active").click())
    session.expire_all()
    assert session.get(Community, jx.id).active is False
    assert "已停用，历史记录保留。" in _texts(at.success)


def test_a_row_nothing_points_at_is_deleted_after_confirmation(session, monkeypatch, admin, district):
    grid = district.grids[4]
    at = _open(monkeypatch, admin, table="grids", row=grid.id)
    at = _run(at.button(key="lc.grids.delete").click())
    assert "删除后无法恢复。确定删除这条记录吗？" in _texts(at.warning)
    at = _run(at.button(key="lc.grids.delete_go").click())
    assert session.exec(select(Grid.id).where(Grid.id == grid.id)).first() is None
    assert "已删除。" in _texts(at.success)


def test_export_buttons_and_the_import_dry_run_commit_and_reimport(session, monkeypatch, admin, district):
    at = _open(monkeypatch, admin, table="grids")
    assert [b.label for b in at.get("download_button")] == ["导出 Excel", "导出 CSV"]
    sheet = xlsx(
        [
            ["网格编码", "网格名称", "所属社区/村"],
            ["500105006001003", "第3网格", "500105006001"],
            ["500105006001004", "", "500105006001"],
            ["500105006001005", "第5网格", "没有这个社区"],
        ]
    )
    at = _run(at.button(key="lc.grids.import").click())
    at = _run(at.get("file_uploader")[0].set_value(("grids.xlsx", sheet, "application/octet-stream")))
    at = _run(at.button(key="lc.grids.import_check").click())
    assert "2 行有问题（共 2 处），整个文件未导入。请改正后重新上传。" in _texts(at.error)
    report = at.dataframe[-1].value
    assert list(report["行号"]) == [3, 4] and list(report["列"]) == ["网格名称", "所属社区/村"]
    assert list(report["原因"]) == ["必填。", "找不到编码或名称为“没有这个社区”的记录。"]
    assert at.button(key="lc.grids.import_commit").disabled
    good = xlsx([["网格编码", "网格名称", "所属社区/村"], ["500105006001003", "第3网格", "500105006001"]])
    at = _run(at.get("file_uploader")[0].set_value(("grids2.xlsx", good, "application/octet-stream")))
    at = _run(at.button(key="lc.grids.import_check").click())
    assert "检查通过：将新增 1 条、更新 0 条，0 条与表中相同。" in _texts(at.success)
    at = _run(at.button(key="lc.grids.import_commit").click())
    assert "已导入：新增 1 条、更新 0 条，0 条未变。" in _texts(at.success)
    assert session.exec(select(Grid).where(Grid.code == "500105006001003")).one().name == "第3网格"
    at = _run(at.button(key="lc.grids.import").click())
    at = _run(at.get("file_uploader")[0].set_value(("grids3.xlsx", good, "application/octet-stream")))
    at = _run(at.button(key="lc.grids.import_check").click())
    assert "文件中的每一行都与表中相同，无需导入。" in _texts(at.info)
    assert at.button(key="lc.grids.import_commit").disabled


# role -> the tables of its picker, and whether it may add, import and export units; written out by hand
ROLE_TABLES = {
    Role.ADMIN: [
        "streets",
        "communities",
        "grids",
        "units",
        "subjects",
        "responsibility",
        "holidays",
        "settings",
        "mediators",
    ],
    Role.REGISTRAR: [
        "streets",
        "communities",
        "grids",
        "units",
        "subjects",
        "responsibility",
        "holidays",
        "mediators",
    ],
    # a handler reads the roster (phones masked) to know who mediates his unit's cases
    Role.HANDLER: ["streets", "communities", "grids", "units", "subjects", "responsibility", "holidays", "mediators"],
    Role.MEDIATOR: ["mediators"],
    Role.SUPERVISOR: [
        "streets",
        "communities",
        "grids",
        "units",
        "subjects",
        "responsibility",
        "holidays",
        "settings",
        "mediators",
    ],
    Role.LEADER: [
        "streets",
        "communities",
        "grids",
        "units",
        "subjects",
        "responsibility",
        "holidays",
        "mediators",
    ],
}


@pytest.mark.parametrize(
    "role", list(ROLE_TABLES), ids=lambda r: r.value
)  # display: no table (test_big_screen)
def test_each_role_sees_only_the_tables_and_actions_its_spec_allows(session, monkeypatch, district, role):
    from lowcode import tables

    user = make_user(session, role, unit=district.units["ZJW"] if role == Role.HANDLER else None)
    assert [s.key for s in tables.picker(user)] == ROLE_TABLES[role]
    first = ROLE_TABLES[role][0]
    at = _open(monkeypatch, user, table=first)
    buttons = {b.key for b in at.button}
    assert (f"lc.{first}.new" in buttons) == (role == Role.ADMIN)
    assert (f"lc.{first}.import" in buttons) == (role == Role.ADMIN)
    exports = [b.label for b in at.get("download_button")]
    assert exports == (
        ["导出 Excel", "导出 CSV"] if role != Role.MEDIATOR else []
    )  # the roster: its keepers only
    if role != Role.ADMIN:  # a row opens read-only, with no write buttons
        at = _open(monkeypatch, user, table=first, row=1)
        keys = {b.key for b in at.button}
        assert not {f"lc.{first}.delete", f"lc.{first}.toggle_active"} & keys
        assert not [f for f in at.get("form")]


def test_a_case_naming_a_grid_keeps_it_from_deletion_through_the_screen(
    session, monkeypatch, admin, district
):
    grid = district.grids[0]
    register(session, admin, grid_id=grid.id)
    at = _open(monkeypatch, admin, table="grids", row=grid.id)
    at = _run(at.button(key="lc.grids.delete").click())
    at = _run(at.button(key="lc.grids.delete_go").click())
    assert "不能删除：仍有 案件 1 条 指向这条记录。请改为停用，历史记录将保留。" in _texts(at.error)


def test_foreign_keys_and_times_get_a_column_wide_enough_for_a_chinese_unit_name():
    from lowcode import list_view, tables

    units = list_view._config(tables.REGISTRY, tables.UNITS)
    assert units["上级单位"]["width"] == "medium" and units["所在街道/镇"]["width"] == "medium"
    assert list_view._config(tables.REGISTRY, tables.USERS)["上次登录"]["width"] == "medium"
