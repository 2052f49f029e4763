"""The session keys the views share: the open dialog, a form's errors, a stale save, the message of the last action."""

from __future__ import annotations

import streamlit as st

OPEN = "lc.dialog"  # the open dialog: {"spec", "kind", "pk", "version", "action"}
ERRORS = "lc.errors"  # form id -> {field: message}
STALE = "lc.stale"  # form id -> message
FLASH = "lc.flash"  # (kind, text) shown once on the next run


def open_dialog(spec, kind: str, **more) -> None:
    """Open a dialog of a table (create, delete, import, an action) with no message left from before."""
    st.session_state[OPEN] = {"spec": spec.key, "kind": kind, **more}
    st.session_state[ERRORS], st.session_state[STALE] = {}, {}


def close() -> None:
    st.session_state[OPEN] = None


def is_open(spec, kind: str | None = None) -> dict | None:
    """Return the open dialog if it belongs to this table (and is of `kind`)."""
    opened = st.session_state.get(OPEN)
    if opened and opened.get("spec") == spec.key and (kind is None or opened.get("kind") == kind):
        return opened
    return None


def flash(kind: str, text: str) -> None:
    """Leave a message for the next run (a callback's outcome)."""
    st.session_state[FLASH] = (kind, text)


def show_flash() -> None:
    kind, text = st.session_state.pop(FLASH, (None, None))
    if kind == "success":
        st.success(text, icon=":material/check_circle:")
    elif kind == "error":
        st.error(text, icon=":material/error:")
