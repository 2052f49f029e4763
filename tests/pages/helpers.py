"""What page tests share: one page's render() run as a given user, with URL parameters."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def open_page(monkeypatch, module: str, user, *, prelude: str = "", **params) -> AppTest:
    """Run pages/<module>.render() as `user` (None: a visitor); fail on an exception. `prelude` runs first."""
    monkeypatch.setattr("widgets.session.current_user", lambda: user)
    at = AppTest.from_string(f"{prelude}from pages import {module}\n{module}.render()\n", default_timeout=30)
    for name, value in params.items():
        at.query_params[name] = value
    at = at.run()
    assert not at.exception, at.exception
    return at
