"""Who is signed in: read from the signed session cookie set by /auth/login (see core.auth)."""

from __future__ import annotations

import streamlit as st

from i18n import t


def current_user():
    """Return the signed-in User, or None."""
    from core import auth

    return auth.user_from_cookies(dict(st.context.cookies))


def anonymous_page():
    """Return the page shown to a visitor who is not signed in (setup on first run, else sign-in)."""
    from pages import sign_in

    return st.Page(sign_in.render, title=t("nav.sign_in"), url_path="sign-in", default=True)


def sidebar_account(user) -> None:
    """Show who is signed in, with a sign-out link."""
    from i18n import label

    with st.sidebar:
        st.caption(f"{user.display_name} · {label('role', user.role)}")
        st.link_button(t("auth.sign_out"), "/auth/logout", type="tertiary")
