"""My account (我的账户): who I am, and changing my password."""

from __future__ import annotations

import streamlit as st

from core.accounts import users
from core.platform import db
from core.platform.errors import ValidationError
from i18n import label, t
from i18n.format import fmt_datetime
from models import Unit
from widgets import password
from widgets import session as session_widget
from widgets.guard import require_page
from widgets.text import field_error, md

ERRORS = "pd_account_errors"
PASSWORD_CHANGED = "pd_password_changed"


def _change_password() -> None:
    state = st.session_state
    old, new, again = (state.get(k) or "" for k in ("pd_acc_old", "pd_acc_new", "pd_acc_again"))
    if new != again:
        state[ERRORS] = {"again": t("auth.passwords_differ")}
        return
    user, keep = session_widget.current_user(), session_widget.current_session_id()
    try:
        with db.session_scope() as session:
            users.change_password(session, user, old, new, keep_session=keep)
    except ValidationError as exc:
        state[ERRORS] = exc.errors or {"new_password": exc.message}
        return
    for key in ("pd_acc_old", "pd_acc_new", "pd_acc_again"):
        state[key] = ""
    state[ERRORS], state[PASSWORD_CHANGED] = {}, True


def _facts(user) -> None:
    with db.session_scope() as session:
        unit = session.get(Unit, user.unit_id) if user.unit_id else None
        unit_name = unit.name if unit else t("auth.no_unit")
    facts = (
        (t("auth.account_role"), label("role", user.role)),
        (t("auth.account_unit"), unit_name),
        (t("auth.account_last_login"), fmt_datetime(user.last_login_at) or "—"),
    )
    # label over value, the value wrapping: a metric cuts a long unit name off with "…"
    for col, (name, value) in zip(st.columns([1, 2, 1.2]), facts, strict=True):
        col.caption(name)
        col.markdown(f"**{md(value)}**")


def render() -> None:
    user = require_page("account.password")
    st.title(t("auth.account_title"))
    if st.session_state.pop(PASSWORD_CHANGED, False):
        st.success(t("session.password_changed_others_ended"))
    st.caption(f"{user.display_name} · {user.username}")
    _facts(user)
    st.subheader(t("auth.change_password"))
    errors = st.session_state.get(ERRORS) or {}
    with st.form("pd_account_password", enter_to_submit=False):
        st.text_input(
            t("auth.old_password"), key="pd_acc_old", type="password", autocomplete="current-password"
        )
        field_error(errors.get("old_password"))
        password.new_password_fields(
            t("auth.new_password"), "pd_acc_new", "pd_acc_again", errors, "new_password", "again"
        )
        st.form_submit_button(t("auth.change_password"), type="primary", on_click=_change_password)
