"""The audit log reads as officials speak: actions, objects and fields by their labels, changes as
"状态：已交办 → 办理中", dates as dates; the export keeps the raw before/after JSON."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from core.accounts import audit, audit_log, auth
from models import CaseStatus, Role
from tests.factories import case_in_status, make_unit, make_user
from tests.pages.helpers import open_page
from widgets import audit_changes as words


def _open(monkeypatch, admin, prelude: str = "") -> AppTest:
    return open_page(monkeypatch, "audit", admin, prelude=prelude)


def _rows(at: AppTest) -> list[dict]:
    return at.dataframe[0].value.to_dict("records")


def test_the_log_shows_labels_and_a_readable_change_list(session, monkeypatch):
    admin = make_user(session, Role.ADMIN, name="王管理")
    unit = make_unit(session, name="区住房城乡建委")
    case = case_in_status(session, CaseStatus.HANDLING, actor=admin, unit=unit)  # assigned 3-4, accepted 3-5
    with pytest.raises(auth.AuthError):
        auth.authenticate(session, "nobody", "not-a-password-1", "10.0.0.9")
    at = _open(monkeypatch, admin)
    rows = {r["动作"]: r for r in _rows(at)}
    assert list(rows) == ["登录失败", "受理", "交办", "登记"]  # newest first
    accept = rows["受理"]
    assert accept["对象"] == f"案件 {case.number}" and accept["操作人"] == "王管理"
    # accepted 2025-03-05: 60 days end Sunday 2025-05-04, and 5 May is still the Labour Day holiday
    assert accept["变更内容"] == (
        "状态：已交办 → 办理中；受理日期：— → 2025年3月5日；当前环节：受理告知 → 办理答复；"
        "期限：2025年3月19日 → 2025年5月6日"
    )
    assert "主办单位：— → 区住房城乡建委" in rows["交办"]["变更内容"]
    assert rows["登录失败"]["变更内容"] == "用户名：nobody；IP地址：10.0.0.9；原因：用户名不存在"
    assert rows["登录失败"]["对象"] == "用户"
    options = at.selectbox(key="pd_audit_action").options
    assert options == [
        "全部",
        "受理",
        "交办",
        "登录失败",
        "登记",
    ]  # ordered by key: accept, assign, auth…, register
    assert at.selectbox(key="pd_audit_type").options == ["全部", "案件", "用户"]
    at.selectbox(key="pd_audit_action").select("accept")
    at = at.button[0].click().run()
    assert [r["动作"] for r in _rows(at)] == ["受理"]


def test_the_log_reads_in_english_too(session, monkeypatch):
    admin = make_user(session, Role.ADMIN)
    audit.record(
        session,
        admin,
        "user.update",
        object_type="user",
        object_id=admin.id,
        before={"role": "registrar"},
        after={"role": "admin"},
    )
    session.commit()
    at = _open(monkeypatch, admin, prelude="import i18n\ni18n.set_language('en')\n")
    [row] = _rows(at)
    assert row["Action"] == "User changed" and row["Changes"] == "Role: Registrar → Administrator"
    assert row["Object"] == f"User {admin.display_name}"


def test_the_export_keeps_the_raw_before_and_after(session):
    admin = make_user(session, Role.ADMIN)
    case_in_status(session, CaseStatus.ASSIGNED, actor=admin)
    sheet = load_workbook(BytesIO(audit_log.export_events(session, admin, action="assign"))).active
    header, row = list(sheet.values)
    after = row[header.index("变更后")]
    assert '"status": "assigned"' in after and '"triaged_on": "2025-03-04"' in after


FILE_SUFFIXES = frozenset({"pickle", "json", "csv", "xlsx", "docx", "zip", "db", "sql", "tar", "gz"})


def _recorded_actions() -> set[str]:
    """Return the dotted action names written by modules that append to the audit log (and the workflow's)."""
    import ast
    from pathlib import Path

    from core.accounts.first_run import SETUP_CODE_KEY
    from core.accounts.permissions import PERMISSIONS
    from core.cases.workflow import TRANSITIONS
    from core.platform.settings import OTHER_DEFAULTS
    from i18n import catalog

    dotted = re.compile(r"^[a-z_]+\.[a-z_]*[a-z]$")
    other = (
        set(catalog("zh_CN")) | set(PERMISSIONS) | set(OTHER_DEFAULTS) | {SETUP_CODE_KEY}
    )  # messages, …, settings
    found = set(TRANSITIONS)
    for path in Path(__file__).resolve().parents[2].joinpath("core").rglob("*.py"):
        source = path.read_text()
        if "audit.record(" not in source:
            continue
        for node in ast.walk(ast.parse(source)):
            is_name = (
                isinstance(node, ast.Constant) and isinstance(node.value, str) and dotted.match(node.value)
            )
            if is_name and node.value.rsplit(".", 1)[1] not in FILE_SUFFIXES:  # a file's name is no action
                found.add(node.value)
    return found - other
    return found


def test_every_action_the_code_records_has_a_label_in_both_languages():
    import i18n

    actions = _recorded_actions()
    assert {"accept", "auth.login", "user.update", "token.revoke", "self_service.failed"} <= actions
    for language in i18n.LANGUAGES:
        i18n.set_language(language)
        try:
            assert [a for a in sorted(actions) if words.action_label(a) == a] == [], language
        finally:
            i18n.set_language("zh_CN")


def test_every_object_type_the_code_records_has_a_label():
    import ast
    from pathlib import Path

    types = {"case"}  # audit.record's default
    for path in Path(__file__).resolve().parents[2].joinpath("core").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.keyword)
                and node.arg == "object_type"
                and isinstance(node.value, ast.Constant)
            ):
                types.add(node.value.value)
            if isinstance(node, ast.Assign) and [getattr(t, "id", "") for t in node.targets] == [
                "OBJECT_TYPE"
            ]:
                types.add(node.value.value)
    assert {"user", "holiday", "self_service", "case_meeting"} <= types
    assert [k for k in sorted(types) if words.object_type_label(k) == k] == []
