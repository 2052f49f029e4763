"""The ledger import page: upload, columns recognised, the check's report with every bad row, then the import."""

from __future__ import annotations

import pytest
from sqlmodel import select

import i18n
from models import Case, Role
from tests.exchange.ledgers import closed_row, write_csv
from tests.factories import make_user
from tests.pages.helpers import open_page


def _upload(monkeypatch, user, tmp_path, rows, prelude: str = ""):
    at = open_page(monkeypatch, "ledger_import", user, prelude=prelude)
    data = write_csv(tmp_path / "台账.csv", rows).read_bytes()
    at.file_uploader[0].set_value(("台账.csv", data, "text/csv"))
    at = at.run()
    assert not at.exception, at.exception
    return at


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_a_gbk_ledger_is_mapped_checked_and_imported(session, monkeypatch, tmp_path):
    registrar = make_user(session, Role.REGISTRAR)
    at = _upload(monkeypatch, registrar, tmp_path, [closed_row(1), closed_row(2)])
    assert at.selectbox(key="pd_import_map_1").value == "name"  # 信访人
    assert at.selectbox(key="pd_import_map_4").value == "received_on"  # 来访日期
    at = at.button[0].click().run()  # 检查台账
    assert _metrics(at) == {
        "数据行": "2",
        "可导入": "2",
        "已导入过": "0",
        "有错误的行": "0",
        "其中未办结": "0",
    }
    assert at.success[0].value == "全部2行检查通过，可以导入。"
    at = at.button(key="pd_import_commit").click().run()
    assert not at.exception, at.exception
    assert at.success[0].value == "已导入2件；0件此前已导入，未重复导入。"
    session.expire_all()
    assert len(session.exec(select(Case)).all()) == 2


def test_bad_rows_are_listed_with_row_column_and_reason_and_nothing_can_be_imported(
    session, monkeypatch, tmp_path
):
    registrar = make_user(session, Role.REGISTRAR)
    bad = closed_row(2)
    bad[3] = "12345"
    at = _upload(monkeypatch, registrar, tmp_path, [closed_row(1), bad])
    at = at.button[0].click().run()
    assert _metrics(at)["有错误的行"] == "1"
    [row] = at.dataframe[0].value.to_dict("records")
    assert (row["行号"], row["列"], row["内容"]) == (3, "联系电话", "12345")
    assert at.error[0].value == "台账中有1行有错误：修改后重新检查，全部正确才能导入。"
    assert not [b for b in at.button if b.key == "pd_import_commit"]
    assert session.exec(select(Case)).all() == []


@pytest.mark.parametrize("role", [Role.HANDLER, Role.LEADER])
def test_roles_that_may_not_import_are_refused(session, monkeypatch, role):
    at = open_page(monkeypatch, "ledger_import", make_user(session, role))
    assert at.error[0].value == "您没有执行此操作的权限。"


def test_the_page_reads_in_english(session, monkeypatch, tmp_path):
    admin = make_user(session, Role.ADMIN)
    at = _upload(
        monkeypatch, admin, tmp_path, [closed_row(1)], prelude="import i18n\ni18n.set_language('en')\n"
    )
    assert at.title[0].value == "Ledger import"
    i18n.set_language("en")  # the test reads the widgets' labels back through their format functions
    try:
        at = at.button[0].click().run()
    finally:
        i18n.set_language("zh_CN")
    assert _metrics(at)["Ready to import"] == "1"
