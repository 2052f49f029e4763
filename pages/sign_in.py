"""The visitor's page: on a fresh install the setup of the first administrator, else the way to sign in."""

from __future__ import annotations

import logging

import streamlit as st

from core.accounts import users
from core.platform import db
from core.platform.config import get_settings
from core.platform.errors import PetitionDeskError, ValidationError
from i18n import t
from widgets import password
from widgets import session as session_widget
from widgets.text import field_error

log = logging.getLogger(__name__)
ERRORS = "pd_setup_errors"
CREATED = "pd_setup_created"
DEMO_PENDING = "pd_setup_demo_pending"
FIELDS = ("code", "username", "display_name", "password", "password2")


def render() -> None:
    with db.session_scope() as session:
        has_users = users.any_user(session)
    if has_users:
        _sign_in()
    else:
        _setup()


def _create_admin() -> None:
    state = st.session_state
    values = {f: state.get(f"pd_setup_{f}") or "" for f in FIELDS}
    if values["password"] != values["password2"]:
        state[ERRORS] = {"password2": t("auth.passwords_differ")}
        return
    try:
        with db.session_scope() as session:
            users.create_first_admin(
                session,
                username=values["username"],
                display_name=values["display_name"],
                password=values["password"],
                setup_code=values["code"],
                client=session_widget.client_address(),
            )
    except ValidationError as exc:
        state[ERRORS] = exc.errors or {"_form": exc.message}
        return
    except PetitionDeskError as exc:  # set up meanwhile, or too many wrong codes from here
        state[ERRORS] = {"_form": exc.message}
        return
    for f in ("code", "password", "password2"):
        state[f"pd_setup_{f}"] = ""
    state[ERRORS], state[CREATED], state[DEMO_PENDING] = {}, True, bool(state.get("pd_setup_demo"))


def _setup() -> None:
    st.title(t("auth.setup_title"))
    st.write(t("auth.setup_intro"))
    st.caption(t("session.setup_code_intro"))
    errors = st.session_state.get(ERRORS) or {}
    with st.form("pd_setup", enter_to_submit=False):
        st.text_input(
            t("session.setup_code"),
            key="pd_setup_code",
            max_chars=20,
            help=t("session.setup_code_help"),
            autocomplete="off",
        )
        field_error(errors.get("setup_code"))
        st.text_input(t("auth.username"), key="pd_setup_username", max_chars=40, autocomplete="username")
        field_error(errors.get("username"))
        st.text_input(t("auth.display_name"), key="pd_setup_display_name", max_chars=40)
        field_error(errors.get("display_name"))
        password.new_password_fields(
            t("auth.password"), "pd_setup_password", "pd_setup_password2", errors, "password", "password2"
        )
        st.checkbox(t("auth.setup_load_demo"), key="pd_setup_demo")
        st.form_submit_button(t("auth.setup_submit"), type="primary", on_click=_create_admin)
    if errors.get("_form"):
        st.error(errors["_form"])


def _load_demo() -> None:
    try:
        from core import demo
    except ImportError:
        st.warning(t("auth.demo_unavailable"))
        return
    try:
        with st.spinner(t("auth.demo_loading")):
            demo.load_demo(db.get_engine())
    except Exception:  # the administrator exists already; a failed demo load must not hide the sign-in
        log.exception("demo data not loaded")
        st.warning(t("auth.demo_failed"))
        return
    st.success(t("auth.demo_loaded"))


def _sso() -> None:
    if st.user.is_logged_in and session_widget.sso_session_ended():
        st.info(t("session.sso_ended"))
        if st.button(t("auth.sso_sign_in"), key="pd_sso_again", icon=":material/badge:"):
            st.login()
    elif st.user.is_logged_in:
        st.warning(t("auth.sso_unknown"))
        if st.button(t("auth.sign_out"), key="pd_sso_out"):
            st.logout()
    elif st.button(t("auth.sso_sign_in"), key="pd_sso_in", icon=":material/badge:"):
        st.login()


def _sign_in() -> None:
    st.title(t("app.name"))
    st.caption(get_settings().office_name)
    if st.session_state.pop(CREATED, False):
        st.success(t("auth.setup_created"))
    if st.session_state.pop(DEMO_PENDING, False):
        _load_demo()
    st.write(t("auth.sign_in_intro"))
    session_widget.same_tab_link(t("auth.go_sign_in"), session_widget.auth_url("/auth/login"))
    if session_widget.oidc_configured():
        _sso()
