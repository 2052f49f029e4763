"""The check every render() makes again: the page's action must be allowed for the signed-in user."""

from __future__ import annotations

import streamlit as st

from core.accounts import permissions
from i18n import t
from widgets import session


def require_page(action: str | None):
    """Return the signed-in user, or stop the page with a message if he may not open it."""
    user = session.current_user()  # looked up on the module, so tests can replace it
    if user is None or (action is not None and not permissions.allowed(user, action)):
        st.error(t("error.forbidden"))
        st.stop()
    return user
