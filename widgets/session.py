"""Who is signed in: the session cookie set by /auth/login, or a mapped single sign-on identity.

Either way a user_session row stands behind it (core.accounts.sessions), read again on every run, so a
session ended anywhere (sign-out, an administrator, deactivation, idle timeout) ends here at the next run.
"""

from __future__ import annotations

import logging
from html import escape

import streamlit as st

from i18n import DEFAULT_LANGUAGE, get_language, label, t

log = logging.getLogger(__name__)


def _text(value) -> str | None:
    return value if isinstance(value, str) else None  # AppTest has no connection and answers with mocks


def client_address() -> str | None:
    """Return the browser's address (X-Forwarded-For only from a trusted proxy, see core.platform.net)."""
    from core.platform import net

    headers = st.context.headers
    return net.client_address(_text(st.context.ip_address), _text(headers.get("X-Forwarded-For")))


def _user_agent() -> str | None:
    return _text(st.context.headers.get("User-Agent"))


def _cookies() -> dict[str, str]:
    return dict(st.context.cookies)


def _current():
    """Return (user, session id) of whoever is signed in, or None."""
    from core.accounts import auth

    found = auth.current_from_cookies(_cookies())
    if found is None and oidc_configured():
        found = _sso_current()
    return found


def current_user():
    """Return the signed-in User (a detached row read again on every run), or None."""
    found = _current()
    return found[0] if found else None


def current_session_id() -> int | None:
    """Return the id of the signed-in user's session row (kept when he changes his password), or None."""
    found = _current()
    return found[1] if found else None


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


def _sso_token() -> str | None:
    from core.accounts import sessions

    token = sessions.sso_token(st.user.to_dict()) if st.user.is_logged_in else None
    if st.user.is_logged_in and token is None:
        log.warning("single sign-on identity without iat or nonce: no session can be kept for it")
    return token


def _sso_current():
    """Return (user, session id) of the single sign-on identity's live session, opening it on first sight."""
    from core.accounts import sessions, users
    from core.platform import db

    subject, email = _sso_identity()
    token = _sso_token() if (subject or email) else None
    if token is None:
        return None
    with db.session_scope() as session:
        user = users.user_for_oidc(session, subject, email)
        if user is None:
            return None
        found = sessions.open_sso_session(
            session, user, token, ip=client_address(), user_agent=_user_agent(), subject=subject or email
        )
        if found is None:
            return None
        session.expunge(found[0])
        return found[0], found[1].id


def sso_session_ended() -> bool:
    """Return whether the single sign-on identity's session existed and has ended (sign in with it again)."""
    from core.accounts import sessions
    from core.platform import db

    token = _sso_token()
    if token is None:
        return False
    with db.session_scope() as session:
        return sessions.exists(session, token) and sessions.resolve(session, token) is None


def _sign_out() -> None:
    """End this browser's session on the server now; /auth/logout then clears the cookies."""
    from core.accounts import auth, sessions
    from core.platform import db

    with db.session_scope() as session:
        auth.sign_out(session, _cookies().get(auth.SESSION_COOKIE))
        token = _sso_token() if oidc_configured() else None
        if token:
            sessions.end(session, token)


def auth_url(path: str) -> str:
    """Return an /auth/* address in the current language."""
    lang = get_language()
    return path if lang == DEFAULT_LANGUAGE else f"{path}?lang={lang}"


def same_tab_link(text: str, url: str) -> None:
    """Show a link that opens in this tab (Streamlit opens links in a new tab unless told otherwise)."""
    st.markdown(f'<a href="{escape(url)}" target="_self">{escape(text)}</a>', unsafe_allow_html=True)


def sidebar_account(user) -> None:
    """Show who is signed in, with a sign-out button."""
    with st.sidebar:
        st.caption(f"{user.display_name} · {label('role', user.role)}")
        # st.logout() sends the browser to /auth/logout, which clears our cookie and any SSO identity.
        if st.button(t("auth.sign_out"), type="tertiary", icon=":material/logout:", key="pd_sign_out"):
            _sign_out()
            st.logout()
