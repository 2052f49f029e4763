"""The supervision board (督查督办): the supervisor's first screen. Three views share the URL's `view`:
the board (colours, actions, league table, early warnings), the letters, and the spot checks."""

from __future__ import annotations

import streamlit as st

from i18n import t
from widgets.guard import require_page
from widgets.spot_check_screen import spot_check_view
from widgets.supervision_board import board_view
from widgets.supervision_letters import letters_view

VIEWS = ("board", "letters", "spot_checks")


def render() -> None:
    user = require_page("supervision.view")
    st.title(t("sv.page"))
    current = st.query_params.get("view", "board")
    view = st.segmented_control(
        t("sv.view"), VIEWS, default=current if current in VIEWS else "board",
        format_func=lambda v: t(f"sv.view_{v}"), label_visibility="collapsed", key="sv_view",
    )  # fmt: skip
    view = view or "board"
    if view != current:
        st.query_params["view"] = view
    if view == "letters":
        letters_view(user)
    elif view == "spot_checks":
        spot_check_view(user)
    else:
        board_view(user)
