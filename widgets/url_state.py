"""A page's filter kept in the URL: the URL holds canonical parameters, the widgets hold the same values.

When the URL differs from what the page last wrote (a pasted or opened link, F5), the widgets are set from it;
otherwise the widgets win and the URL follows. Back through the menu with a bare URL, the last filter returns.
"""

from __future__ import annotations

from collections.abc import Iterable

import streamlit as st


def url_params(fields: Iterable[str]) -> dict[str, str]:
    return {name: st.query_params[name] for name in fields if name in st.query_params}


def to_seed(fields: Iterable[str], keys: Iterable[str], url_key: str) -> dict[str, str] | None:
    """Return the parameters to set the widgets from, or None when the widgets are the current filter."""
    params, last = url_params(fields), st.session_state.get(url_key)
    # Another page's run drops these widgets' state; seeding again keeps every widget at a value we chose.
    if params != last or any(key not in st.session_state for key in keys):
        st.session_state[url_key] = params or last or {}
        return st.session_state[url_key]
    return None


def write(fields: Iterable[str], params: dict[str, str], url_key: str) -> None:
    """Put the parameters into the URL (only those that differ from the defaults), dropping the others."""
    fields = tuple(fields)
    if params != url_params(fields):
        for name in fields:
            if name in st.query_params and name not in params:
                del st.query_params[name]
        st.query_params.update(params)
    st.session_state[url_key] = params
