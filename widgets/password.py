"""A new password and its repetition, as every form that sets one asks for them."""

from __future__ import annotations

import streamlit as st

from i18n import t
from widgets.text import field_error


def new_password_fields(
    label: str, key: str, again_key: str, errors: dict, field: str, again_field: str
) -> None:
    """Draw the new password (with the rules as help) and its repetition, each with its error under it."""
    st.text_input(label, key=key, type="password", help=t("auth.password_rules"), autocomplete="new-password")
    field_error(errors.get(field))
    st.text_input(t("auth.password_repeat"), key=again_key, type="password", autocomplete="new-password")
    field_error(errors.get(again_field))
