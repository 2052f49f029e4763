"""The users screen as an administrator uses it (AppTest on pages/users.py): the generated list, search,
filters, create and edit forms, a stale edit, deactivation ending sign-ins, the row actions (reset password,
unlock, end all sign-ins), the selected user's API tokens, and the page kept from every other role."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from core.accounts import auth, users
from core.platform import timeutil
from core.platform.errors import StaleVersion
from models import CaseEvent, Role, User
from tests.factories import make_unit, make_user

PAGE = "from pages import users\nusers.render()\n"
PASSWORD = "river2025stone"
CREATE = "FormSubmitter:lc_users_create-创建"
SAVE = "FormSubmitter:lc_users_edit-保存"


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


def _everything(at: AppTest) -> str:
    """Every text the page shows: markdown, captions, widget values and the tables' cells."""
    parts = [str(e.value) for kind in ("markdown", "caption", "text_input", "code") for e in at.get(kind)]
    parts += [at.dataframe[i].value.to_csv() for i in range(len(at.dataframe))]
    return "\n".join(parts)


@pytest.fixture()
def office(session):
    """王管理 (the administrator), 李登记 (a registrar), 赵承办 (a handler of 区住房城乡建委) with a password."""
    unit = make_unit(session, name="区住房城乡建委")
    admin = make_user(session, Role.ADMIN, name="王管理")
    clerk = make_user(session, Role.REGISTRAR, name="李登记")
    handler = users.create_user(
        session,
        admin,
        username="zhao.h",
        display_name="赵承办",
        role=Role.HANDLER,
        unit_id=unit.id,
        password=PASSWORD,
    )
    return admin, clerk, handler, unit


def test_the_list_shows_each_user_never_the_hash_and_searches_and_filters(session, monkeypatch, office):
    admin, clerk, handler, unit = office
    at = _open(monkeypatch, admin)
    assert list(at.dataframe[0].value.columns) == [
        "用户名",
        "姓名",
        "角色",
        "所属单位",
        "启用",
        "锁定",
        "上次登录",
        "在线会话",
    ]
    assert "共 3 条 · 第 1/1 页" in _texts(at.caption)
    row = at.dataframe[0].value.set_index("用户名").loc["zhao.h"]
    assert (row["姓名"], row["角色"], row["所属单位"], row["在线会话"]) == (
        "赵承办",
        "承办员",
        "区住房城乡建委",
        0,
    )
    at = _run(at.text_input(key="lc.users.q").input("李登"))
    assert _column(at, "姓名") == ["李登记"]
    at = _run(at.text_input(key="lc.users.q").input(""))
    at = _run(at.multiselect(key="lc.users.f.role").set_value(["handler"]))
    assert _column(at, "用户名") == ["zhao.h"]
    opened = _open(monkeypatch, admin, row=handler.id)
    assert handler.password_hash.startswith("$argon2") and handler.password_hash not in _everything(opened)


def test_creating_a_user_shows_errors_next_to_fields_then_sets_his_initial_password(
    session, monkeypatch, office
):
    admin, _, _, unit = office
    at = _open(monkeypatch, admin)
    at = _run(at.button(key="lc.users.new").click())
    at.text_input(key="lc.users.create.0.username").input("Bad Name")
    at.text_input(key="lc.users.create.0.display_name").input("钱承办")
    at.selectbox(key="lc.users.create.0.role").select("handler")
    at.text_input(key="lc.users.create.0.password").input(PASSWORD)
    at = _run(at.button(key=CREATE).click())
    captions = _texts(at.caption)
    assert any("用户名为 3–40 位" in c for c in captions)
    assert any("承办员必须属于一个单位" in c for c in captions)
    at.text_input(key="lc.users.create.0.username").input("qian.h")
    at.selectbox(key="lc.users.create.0.unit_id").select(unit.id)
    at = _run(at.button(key=CREATE).click())
    assert "已保存。" in _texts(at.success)
    made = auth.authenticate(session, "qian.h", PASSWORD, None)
    assert (made.display_name, made.role, made.unit_id) == ("钱承办", Role.HANDLER, unit.id)
    assert made.password_hash not in _everything(at)


def test_editing_a_user_changes_his_role_and_unit_and_keeps_the_username(session, monkeypatch, office):
    admin, clerk, _, unit = office
    at = _open(monkeypatch, admin, row=clerk.id)
    prefix = f"lc.users.edit.{clerk.id}.1.0."
    assert at.text_input(key=prefix + "username").disabled
    at.selectbox(key=prefix + "role").select("handler")
    at = _run(at.button(key=SAVE).click())
    assert any("承办员必须属于一个单位" in c for c in _texts(at.caption))
    at.selectbox(key=prefix + "unit_id").select(unit.id)
    at.text_input(key=prefix + "display_name").input("李承办")
    at = _run(at.button(key=SAVE).click())
    assert "已保存。" in _texts(at.success)
    session.expire_all()
    changed = session.get(User, clerk.id)
    assert (changed.display_name, changed.role, changed.unit_id, changed.version) == (
        "李承办",
        Role.HANDLER,
        unit.id,
        2,
    )
    event = session.exec(select(CaseEvent).where(CaseEvent.action == "user.update")).one()
    assert event.before == {"display_name": "李登记", "role": "registrar", "unit_id": None}


def test_a_stale_user_edit_says_who_changed_him_and_when(session, monkeypatch, office):
    admin, clerk, _, _ = office
    at = _open(monkeypatch, admin, row=clerk.id)
    other = make_user(session, Role.ADMIN, name="李管理")
    users.update_user(session, other, clerk.id, 1, display_name="李改的", role=Role.REGISTRAR, unit_id=None)
    auth.make_session_cookie(session, clerk)  # his sign-in is audited on his row; it changes nothing
    at.text_input(key=f"lc.users.edit.{clerk.id}.1.0.display_name").input("王改的")
    at = _run(at.button(key=SAVE).click())
    (warning,) = _texts(at.warning)
    assert warning.startswith("李管理 已于 2026年9月28日") and "请重新载入" in warning
    session.expire_all()
    assert session.get(User, clerk.id).display_name == "李改的"
    at = _run(at.button(key="lc.users.reload").click())
    assert at.text_input(key=f"lc.users.edit.{clerk.id}.2.1.display_name").value == "李改的"


def test_a_save_that_loses_the_race_after_its_read_is_refused(session, office):
    admin, clerk, _, _ = office
    other = make_user(session, Role.ADMIN, name="李管理")
    users.update_user(session, other, clerk.id, 1, display_name="李改的", role=Role.REGISTRAR, unit_id=None)
    with pytest.raises(StaleVersion) as refused:
        users.update_row(session, admin, clerk.id, 1, {"display_name": "王改的", "role": "registrar"})
    assert "李管理 已于" in str(refused.value.message)
    session.expire_all()
    assert session.get(User, clerk.id).display_name == "李改的"


def test_deactivating_a_user_ends_his_sign_ins_at_once(session, monkeypatch, office):
    admin, clerk, _, _ = office
    cookies = [auth.make_session_cookie(session, clerk) for _ in range(2)]
    at = _open(monkeypatch, admin, row=clerk.id)
    assert _column(at, "在线会话")[_column(at, "用户名").index(clerk.username)] == 2
    at = _run(at.button(key="lc.users.toggle_active").click())
    assert "已停用，历史记录保留。已结束其 2 个登录会话。" in _texts(at.success)
    assert all(auth.user_from_cookie(session, c) is None for c in cookies)
    session.expire_all()
    assert session.get(User, clerk.id).active is False


def test_nobody_deactivates_himself(session, monkeypatch, office):
    admin = office[0]
    at = _open(monkeypatch, admin, row=admin.id)
    at = _run(at.button(key="lc.users.toggle_active").click())
    assert "不能停用自己的账户。" in _texts(at.error)
    session.expire_all()
    assert session.get(User, admin.id).active is True


def test_the_reset_password_row_action_sets_a_new_password_and_ends_his_sign_ins(
    session, monkeypatch, office
):
    admin, _, handler, _ = office
    cookie = auth.make_session_cookie(session, handler)
    at = _open(monkeypatch, admin, row=handler.id)
    at = _run(at.button(key="lc.users.action.reset_password").click())
    prefix = f"lc.users.action.reset_password.{handler.id}."
    at.text_input(key=prefix + "new_password").input("lake2026water")
    at.text_input(key=prefix + "again").input("lake2026wate")
    at = _run(at.button(key="FormSubmitter:lc_users_action_reset_password-重置密码").click())
    assert ":red[两次输入的密码不一致。]" in _texts(at.caption)
    at.text_input(key=prefix + "again").input("lake2026water")
    at = _run(at.button(key="FormSubmitter:lc_users_action_reset_password-重置密码").click())
    assert "密码已重置，该用户需用新密码登录。" in _texts(at.success)
    assert auth.authenticate(session, "zhao.h", "lake2026water", None).id == handler.id
    assert auth.user_from_cookie(session, cookie) is None


def test_unlock_shows_on_a_locked_user_only_and_clears_the_lockout(session, monkeypatch, office):
    admin, clerk, handler, _ = office
    at = _open(monkeypatch, admin, row=clerk.id)
    assert "lc.users.action.unlock" not in {b.key for b in at.button}
    locked = session.get(User, handler.id)
    locked.failed_logins, locked.locked_until = 10, timeutil.now() + timedelta(minutes=15)
    session.commit()
    at = _open(monkeypatch, admin, row=handler.id)
    lock = _column(at, "锁定")[_column(at, "用户名").index("zhao.h")]
    assert lock.startswith("锁定至 2026年9月28日")
    at = _run(at.button(key="lc.users.action.unlock").click())
    at = _run(at.button(key="FormSubmitter:lc_users_action_unlock-解除锁定").click())
    assert "已解除 赵承办 的锁定。" in _texts(at.success)
    assert auth.authenticate(session, "zhao.h", PASSWORD, None).id == handler.id
    assert "lc.users.action.unlock" not in {b.key for b in at.button}


def test_end_all_sign_ins_is_a_row_action_of_a_user_with_live_sessions(session, monkeypatch, office):
    admin, clerk, _, _ = office
    at = _open(monkeypatch, admin, row=clerk.id)
    assert "lc.users.action.end_sessions" not in {b.key for b in at.button}
    cookies = [auth.make_session_cookie(session, clerk) for _ in range(2)]
    at = _open(monkeypatch, admin, row=clerk.id)
    at = _run(at.button(key="lc.users.action.end_sessions").click())
    assert "立即退出该用户在所有设备和浏览器上的登录（他须重新登录）。" in _texts(at.warning)
    at = _run(at.button(key="FormSubmitter:lc_users_action_end_sessions-结束全部登录").click())
    assert "已结束 2 个登录会话。" in _texts(at.success)
    assert all(auth.user_from_cookie(session, c) is None for c in cookies)
    assert "lc.users.action.end_sessions" not in {b.key for b in at.button}


def test_the_selected_users_api_token_is_shown_once(session, monkeypatch, office):
    admin, clerk, _, _ = office
    at = _open(monkeypatch, admin)
    assert "在上表中选择一名用户，即可为其生成或吊销 API 令牌。" in _texts(at.caption)
    at = _open(monkeypatch, admin, row=clerk.id)
    assert "API 令牌 · 李登记" in [h.value for h in at.subheader]
    at.text_input(key="pd_token_name").input("办件系统")
    at = _run(at.button(key="FormSubmitter:pd_new_token-生成令牌").click())
    plain = at.code[0].value
    assert plain.startswith("pd_")
    assert not _run(at).code  # the next run no longer has it
    assert list(at.dataframe[-1].value["令牌用途"]) == ["办件系统"]
    at = _run(at.button(key="pd_token_revoke_go").click())
    assert "操作已完成。" in _texts(at.success)
    assert _run(at).dataframe[-1].value["已吊销"].iloc[0] != ""


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_only_the_roles_user_manage_admits_open_the_users_screen(session, monkeypatch, office, role):
    user = make_user(session, role, unit=office[3] if role == Role.HANDLER else None)
    at = _open(monkeypatch, user, row=office[1].id)
    if role == Role.ADMIN:  # user.manage: the administrator alone, with every button
        keys = {b.key for b in at.button}
        assert {"lc.users.new", "lc.users.toggle_active", "lc.users.action.reset_password"} <= keys
        assert [b.label for b in at.get("download_button")] == ["导出 Excel", "导出 CSV"]
        assert "lc.users.delete" not in keys and "lc.users.import" not in keys  # users are never deleted
    else:
        assert _texts(at.error) == ["您没有执行此操作的权限。"]
        assert not at.dataframe and not at.button


def test_the_users_export_carries_the_form_fields_and_never_the_hash(session, office):
    from lowcode import query, tables, transfer

    admin, _, handler, _ = office
    rows = list(transfer.export_rows(session, tables.REGISTRY, tables.USERS, admin, query.ListState()))
    assert rows[0][:4] == ["用户名", "姓名", "角色", "所属单位"]
    assert rows[[r[0] for r in rows].index("zhao.h")][:3] == ["zhao.h", "赵承办", "承办员"]
    assert handler.password_hash not in repr(rows)
