"""Users and API tokens (用户与令牌): administrators create, change, lock out and issue tokens."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from core.accounts import tokens, users
from core.platform import db, timeutil
from core.platform.errors import PetitionDeskError
from i18n import label, t
from models import Role
from widgets import session as session_widget
from widgets.guard import require_page
from widgets.text import field_error

FLASH = "pd_users_flash"
NEW_ERRORS = "pd_users_new_errors"
NEW_TOKEN = "pd_users_new_token"


def _when(value) -> str:
    local = timeutil.to_local(value)
    return local.strftime("%Y-%m-%d %H:%M") if local else ""


def _act(work: Callable, done: str = "auth.done", **values) -> bool:
    """Run one service call for the signed-in administrator and leave a message for the next run."""
    try:
        with db.session_scope() as session:
            work(session, session_widget.current_user())
    except PetitionDeskError as exc:
        details = "; ".join(getattr(exc, "errors", {}).values())
        st.session_state[FLASH] = ("error", details or exc.message)
        return False
    st.session_state[FLASH] = ("success", t(done, **values))
    return True


def _flash() -> None:
    kind, text = st.session_state.pop(FLASH, (None, None))
    if kind:
        (st.success if kind == "success" else st.error)(text)


def _user_table(people, unit_names: dict) -> None:
    rows = [
        {
            t("auth.username"): u.username,
            t("auth.display_name"): u.display_name,
            t("auth.role"): label("role", u.role),
            t("auth.unit"): unit_names.get(u.unit_id, ""),
            t("auth.active"): u.active,
            t("auth.locked_col"): u.locked,
            t("auth.last_login"): _when(u.last_login_at),
            t("session.live_col"): u.sessions,
        }
        for u in people
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def _unit_select(units, key: str, current: int | None = None):
    options = [None, *[u.id for u in units]]  # units are (id, code, name) rows
    names = {u.id: f"{u.name} ({u.code})" for u in units}
    index = options.index(current) if current in options else 0
    return st.selectbox(
        t("auth.unit"), options, index=index, key=key, format_func=lambda v: names.get(v, t("auth.no_unit"))
    )


def _role_select(key: str, current: str | None = None):
    roles = [r.value for r in Role]
    index = roles.index(current) if current in roles else 0
    return st.selectbox(t("auth.role"), roles, index=index, key=key, format_func=lambda r: label("role", r))


def _save_user(user_id: int, version: int) -> None:
    s = st.session_state
    _act(
        lambda session, admin: users.update_user(
            session,
            admin,
            user_id,
            version,
            display_name=s.pd_edit_name,
            role=s.pd_edit_role,
            unit_id=s.pd_edit_unit,
            oidc_subject=s.pd_edit_oidc,
        ),
        "auth.saved",
    )


def _reset_password(user_id: int) -> None:
    if _act(
        lambda session, admin: users.set_password(session, admin, user_id, st.session_state.pd_reset_pw),
        "auth.password_reset_done",
    ):
        st.session_state.pd_reset_pw = ""


def _end_sessions(user_id: int) -> None:
    ended = {}

    def work(session, admin):
        ended["n"] = users.end_sessions(session, admin, user_id)

    if _act(work):
        st.session_state[FLASH] = ("success", t("session.ended_n", n=ended["n"]))


def _edit_form(user, units) -> None:
    with st.form("pd_edit_user", enter_to_submit=False):
        st.text_input(t("auth.display_name"), value=user.display_name, key="pd_edit_name", max_chars=40)
        _role_select("pd_edit_role", user.role)
        _unit_select(units, "pd_edit_unit", user.unit_id)
        st.text_input(t("auth.oidc_subject"), value=user.oidc_subject or "", key="pd_edit_oidc")
        st.form_submit_button(t("auth.save"), on_click=_save_user, args=(user.id, user.version))


def _manage(admin, people, units) -> None:
    if not people:
        return
    by_id = {u.id: u for u in people}
    chosen = st.selectbox(
        t("auth.choose_user"),
        list(by_id),
        key="pd_manage_user",
        format_func=lambda i: f"{by_id[i].display_name} ({by_id[i].username})",
    )
    user = by_id[chosen]
    with st.expander(t("auth.edit_user")):
        _edit_form(user, units)
    cols = st.columns(4)
    action = ("auth.reactivate", True) if not user.active else ("auth.deactivate", False)
    cols[0].button(
        t(action[0]),
        key="pd_toggle_active",
        disabled=user.id == admin.id,
        on_click=lambda: _act(lambda session, admin: users.set_active(session, admin, user.id, action[1])),
    )
    cols[1].button(
        t("auth.unlock"),
        key="pd_unlock",
        disabled=not user.locked,
        on_click=lambda: _act(lambda session, admin: users.unlock(session, admin, user.id)),
    )
    with cols[2].popover(t("auth.reset_password")):
        st.text_input(
            t("auth.new_password"),
            key="pd_reset_pw",
            type="password",
            help=t("auth.password_rules"),
            autocomplete="new-password",
        )
        st.button(t("auth.reset_password"), key="pd_reset_go", on_click=_reset_password, args=(user.id,))
    cols[3].button(
        t("session.end_all"),
        key="pd_end_sessions",
        disabled=not user.sessions,
        help=t("session.end_all_help"),
        on_click=_end_sessions,
        args=(user.id,),
    )


def _create_user() -> None:
    s = st.session_state
    try:
        with db.session_scope() as session:
            made = users.create_user(
                session,
                session_widget.current_user(),
                username=s.pd_new_username,
                display_name=s.pd_new_name,
                role=s.pd_new_role,
                unit_id=s.pd_new_unit,
                password=s.pd_new_pw or None,
                oidc_subject=s.pd_new_oidc,
            )
            username = made.username
    except PetitionDeskError as exc:
        s[NEW_ERRORS] = getattr(exc, "errors", None) or {"username": exc.message}
        return
    s[NEW_ERRORS], s.pd_new_pw = {}, ""
    s[FLASH] = ("success", t("auth.user_created", username=username))


def _new_user_form(units) -> None:
    errors = st.session_state.get(NEW_ERRORS) or {}
    with st.form("pd_new_user", enter_to_submit=False):
        st.text_input(t("auth.username"), key="pd_new_username", max_chars=40)
        field_error(errors.get("username"))
        st.text_input(t("auth.display_name"), key="pd_new_name", max_chars=40)
        field_error(errors.get("display_name"))
        _role_select("pd_new_role")
        field_error(errors.get("role"))
        _unit_select(units, "pd_new_unit")
        field_error(errors.get("unit_id"))
        st.text_input(
            t("auth.initial_password"),
            key="pd_new_pw",
            type="password",
            help=t("auth.password_rules"),
            autocomplete="new-password",
        )
        field_error(errors.get("password"))
        st.text_input(t("auth.oidc_subject"), key="pd_new_oidc")
        field_error(errors.get("oidc_subject"))
        st.form_submit_button(t("auth.create_user"), type="primary", on_click=_create_user)


def _issue_token(user_id: int) -> None:
    def work(session, admin):
        _token, plain = tokens.create_token(session, admin, user_id, st.session_state.pd_token_name)
        st.session_state[NEW_TOKEN] = plain

    _act(work)


def _token_table(rows) -> None:
    if not rows:
        st.info(t("auth.no_tokens"))
        return
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("auth.token_name"): r.name,
                    t("auth.token_prefix"): r.prefix + "…",
                    t("auth.token_created_at"): _when(r.created_at),
                    t("auth.token_last_used"): _when(r.last_used_at),
                    t("auth.token_revoked"): _when(r.revoked_at),
                }
                for r in rows
            ]
        ),
        hide_index=True,
        width="stretch",
    )


def _tokens(admin, people) -> None:
    plain = st.session_state.pop(NEW_TOKEN, None)
    if plain:  # shown in this run only; the database keeps just its hash
        st.warning(t("auth.token_once"))
        st.code(plain, language=None)
    by_id = {u.id: u for u in people if u.active}
    if not by_id:
        return
    owner = st.selectbox(
        t("auth.token_for"),
        list(by_id),
        key="pd_token_user",
        format_func=lambda i: f"{by_id[i].display_name} ({by_id[i].username})",
    )
    with st.form("pd_new_token", enter_to_submit=False):
        st.text_input(t("auth.token_name"), key="pd_token_name", max_chars=60)
        st.form_submit_button(t("auth.create_token"), on_click=_issue_token, args=(owner,))
    with db.session_scope() as session:
        rows = tokens.list_tokens(session, admin, owner)
    _token_table(rows)
    live = {r.id: r for r in rows if r.revoked_at is None}
    if live:
        chosen = st.selectbox(
            t("auth.token_choose"),
            list(live),
            key="pd_token_revoke",
            format_func=lambda i: f"{live[i].name} ({live[i].prefix}…)",
        )
        st.button(
            t("auth.token_revoke"),
            key="pd_token_revoke_go",
            on_click=lambda: _act(lambda session, a: tokens.revoke_token(session, a, chosen)),
        )


def render() -> None:
    admin = require_page("user.manage")
    st.title(t("auth.users_title"))
    _flash()
    with db.session_scope() as session:
        people, units = users.list_users(session, admin), users.list_units(session)
    tab_list, tab_new, tab_tokens = st.tabs(
        [t("auth.tab_users"), t("auth.tab_new_user"), t("auth.tab_tokens")]
    )
    with tab_list:
        _user_table(people, {u.id: u.name for u in units})
        _manage(admin, people, units)
    with tab_new:
        _new_user_form(units)
    with tab_tokens:
        _tokens(admin, people)
