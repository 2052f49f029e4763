"""Who is signed in: the signed session cookie set by /auth/login, or a mapped single sign-on identity."""

from __future__ import annotations

import logging
from html import escape

import streamlit as st

from i18n import DEFAULT_LANGUAGE, get_language, label, t

log = logging.getLogger(__name__)
_SSO_AUDITED = "_pd_sso_login_audited"  # a flag only: the user itself is never kept in session state


def current_user():
    """Return the signed-in User (a detached row read again on every run), or None."""
    from core.accounts import auth

    user = auth.user_from_cookies(dict(st.context.cookies))
    if user is None and oidc_configured():
        user = _sso_user()
    return user


def oidc_configured() -> bool:
    """Return whether secrets.toml has an [auth] section for single sign-on and Authlib is installed."""
    try:
        from streamlit.auth_util import get_secrets_auth_section, is_authlib_installed

        return bool(get_secrets_auth_section()) and is_authlib_installed()
    except Exception:  # a broken secrets file must not lock everyone out of local sign-in
        log.warning("single sign-on configuration unreadable", exc_info=True)
        return False


def _sso_identity() -> tuple[str | None, str | None]:
    """Return the provider's subject and e-mail (an e-mail the provider marks unverified is not used)."""
    if not st.user.is_logged_in:
        return None, None
    email = st.user.get("email") if st.user.get("email_verified") is not False else None
    return st.user.get("sub"), email


def _sso_user():
    from core.accounts import auth, users
    from core.platform import db

    subject, email = _sso_identity()
    if not (subject or email):
        return None
    with db.session_scope() as session:
        user = users.user_for_oidc(session, subject, email)
        if user is None:
            return None
        if not st.session_state.get(_SSO_AUDITED):
            auth.record_sso_login(session, user, subject or email)
            st.session_state[_SSO_AUDITED] = True
        session.expunge(user)
        return user


def auth_url(path: str) -> str:
    """Return an /auth/* address in the current language."""
    lang = get_language()
    return path if lang == DEFAULT_LANGUAGE else f"{path}?lang={lang}"


def same_tab_link(text: str, url: str) -> None:
    """Show a link that opens in this tab (Streamlit opens links in a new tab unless told otherwise)."""
    st.markdown(f'<a href="{escape(url)}" target="_self">{escape(text)}</a>', unsafe_allow_html=True)


def anonymous_page():
    """Return the page shown to a visitor who is not signed in (setup on first run, else sign-in)."""
    from pages import sign_in

    return st.Page(sign_in.render, title=t("nav.sign_in"), url_path="sign-in", default=True)


def public_pages() -> list:
    """Return the pages anyone may open without signing in: the petitioner's status query (/query)."""
    from pages import self_service

    title = t("casefile.page_query")
    return [st.Page(self_service.render, title=title, icon=":material/search:", url_path="query")]


def sidebar_account(user) -> None:
    """Show who is signed in, with a sign-out button."""
    with st.sidebar:
        st.caption(f"{user.display_name} · {label('role', user.role)}")
        # st.logout() sends the browser to /auth/logout, which clears our cookie and any SSO identity.
        if st.button(t("auth.sign_out"), type="tertiary", icon=":material/logout:", key="pd_sign_out"):
            st.logout()
