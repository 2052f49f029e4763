"""Users and API tokens (用户与令牌): the users table generated from its spec, and the selected user's tokens.

The list, search, filters, create and edit forms, deactivate and the row actions (reset password, unlock,
end all sign-ins) are lowcode's generic renderer over lowcode/tables.py USERS; only the tokens are drawn here.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.accounts import permissions, tokens
from core.platform import db, timeutil
from core.platform.errors import PetitionDeskError
from i18n import t
from lowcode import tables, ui
from models import User
from widgets import session as session_widget
from widgets.guard import require_page
from widgets.text import field_error

FLASH = "pd_users_flash"
TOKEN_ERRORS = "pd_users_token_errors"
NEW_TOKEN = "pd_users_new_token"


def _when(value) -> str:
    local = timeutil.to_local(value)
    return local.strftime("%Y-%m-%d %H:%M") if local else ""


def _issue_token(user_id: int) -> None:
    s = st.session_state
    try:
        with db.session_scope() as session:
            _token, plain = tokens.create_token(
                session, session_widget.current_user(), user_id, s.get("pd_token_name") or ""
            )
    except PetitionDeskError as exc:
        s[TOKEN_ERRORS] = getattr(exc, "errors", None) or {"name": exc.message}
        return
    s[TOKEN_ERRORS], s[NEW_TOKEN], s["pd_token_name"] = {}, plain, ""


def _revoke(token_id: int) -> None:
    try:
        with db.session_scope() as session:
            tokens.revoke_token(session, session_widget.current_user(), token_id)
    except PetitionDeskError as exc:
        st.session_state[FLASH] = ("error", exc.message)
        return
    st.session_state[FLASH] = ("success", t("auth.done"))


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


def _tokens(admin, user_id: int | None) -> None:
    """The selected user's API tokens: the list, a new one (shown once), revoking one."""
    if not permissions.allowed(admin, "token.manage"):
        return
    if user_id is None:
        st.caption(t("lowcode.users.tokens_pick"))
        return
    with db.session_scope() as session:
        owner = session.get(User, user_id)
        name = owner.display_name if owner else ""
        rows = tokens.list_tokens(session, admin, user_id)
    st.subheader(t("lowcode.users.tokens", name=name))
    kind, text = st.session_state.pop(FLASH, (None, None))
    if kind:
        (st.success if kind == "success" else st.error)(text)
    plain = st.session_state.pop(NEW_TOKEN, None)
    if plain:  # shown in this run only; the database keeps just its hash
        st.warning(t("auth.token_once"))
        st.code(plain, language=None)
    _token_table(rows)
    errors = st.session_state.get(TOKEN_ERRORS) or {}
    with st.form("pd_new_token", enter_to_submit=False):
        st.text_input(t("auth.token_name"), key="pd_token_name", max_chars=60)
        field_error(errors.get("name") or errors.get("_form"))
        st.form_submit_button(t("auth.create_token"), on_click=_issue_token, args=(user_id,))
    live = {r.id: r for r in rows if r.revoked_at is None}
    if live:
        cols = st.columns([3, 1], vertical_alignment="bottom")
        chosen = cols[0].selectbox(
            t("auth.token_choose"),
            list(live),
            key="pd_token_revoke",
            format_func=lambda i: f"{live[i].name} ({live[i].prefix}…)",
        )
        cols[1].button(t("auth.token_revoke"), key="pd_token_revoke_go", on_click=_revoke, args=(chosen,))


def render() -> None:
    admin = require_page("user.manage")
    st.title(t("auth.users_title"))
    picked = ui.render_table(tables.REGISTRY, tables.USERS, admin, heading=False)
    _tokens(admin, picked)
