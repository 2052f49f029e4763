"""User text shown as text: Markdown escaping and the error line under a form field."""

from __future__ import annotations

import re

import streamlit as st

_MD_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation character CommonMark can escape


def md_escape(text: object) -> str:
    """Return text that Markdown shows literally (user input and messages quoting it)."""
    return _MD_SPECIAL.sub(r"\\\1", str(text or ""))


def md(value: object) -> str:
    """Return user text escaped for Markdown on one line (no links, emphasis, HTML, colours or breaks)."""
    return md_escape(value).replace("\n", " ")


def field_error(message: str | None) -> None:
    """Show a form field's error right under it, in red, as plain text."""
    if message:
        st.caption(f":red[{md_escape(message)}]")
