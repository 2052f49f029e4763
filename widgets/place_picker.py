"""Street → community → grid pickers: each list narrows to the one chosen before it."""

from __future__ import annotations

import streamlit as st

from core.places import places
from core.platform import db
from i18n import t


def _reset(*keys: str) -> None:
    for key in keys:
        st.session_state[key] = None


def _short(names: dict[int, str], parent: str | None) -> dict[int, str]:
    """Return the names without the parent's name before them ("华新村社区第1网格" → "第1网格" under that community)."""
    if not parent:
        return names
    tail = {k: v.split(parent, 1)[1] if parent in v else v for k, v in names.items()}
    return {k: tail[k] or v for k, v in names.items()}


def _select(column, label_key: str, choices, key: str, on_change=None, args=(), parent=None) -> int | None:
    # a 1/3-wide picker cuts a long name off at its end, where grids differ: show what the parents do not say
    names = _short(places.names(choices), parent)
    if st.session_state.get(key) not in names:
        st.session_state[key] = None  # the parent changed, or a stale id from another database
    return column.selectbox(
        t(label_key),
        list(names),
        index=None,
        key=key,
        format_func=lambda v: names.get(v, str(v)),
        placeholder=t("desk.place.choose"),
        on_change=on_change,
        args=args,
    )


def place_picker(prefix: str) -> tuple[int | None, int | None, int | None]:
    """Show the three pickers side by side (keys prefix + "street_id" …); return the chosen ids."""
    keys = (f"{prefix}street_id", f"{prefix}community_id", f"{prefix}grid_id")
    cols = st.columns(3)
    with db.session_scope() as session:
        street = _select(cols[0], "desk.place.street", places.streets(session), keys[0], _reset, keys[1:])
        communities = places.communities(session, street)
        community = _select(cols[1], "desk.place.community", communities, keys[1], _reset, keys[2:])
        parent = places.names(communities).get(community)
        grid = _select(cols[2], "desk.place.grid", places.grids(session, community), keys[2], parent=parent)
    return street, community, grid
