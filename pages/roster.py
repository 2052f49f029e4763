"""The mediator roster (调解员名册): who the mediators are, who mentors whom (老马带小马), each one's load and
results, and the mediation indicators by street and by mediator (issue 14 items 3, 4 and 7).

A mediator sees his own record and his juniors'; the other roles of mediation.view see every mediator
(core.accounts.permissions.mediator_clause, inside every query). One view is built per run, picked in the
URL (`view`), with the street, level, name and page.
"""

from __future__ import annotations

import streamlit as st

from core.places import places
from core.platform import db
from i18n import label, t
from widgets import roster_views
from widgets.guard import require_page

VIEWS = ("roster", "mentors", "load", "indicators")
ALL = 0  # the street and level pickers' "all": a None value would show Streamlit's English placeholder
LEVELS = ("veteran", "junior")
PARAMS = ("view", "street", "level", "q", "page")


def _seed() -> None:
    """Set the filters from the URL when it names them (a shared link, F5)."""
    state, params = st.session_state, st.query_params
    if state.get("pd_roster_seeded") == dict(params):
        return
    view = params.get("view")
    state["pd_roster_view"] = view if view in VIEWS else "roster"
    street = params.get("street", "")
    state["pd_roster_street"] = int(street) if street.isdigit() and len(street) < 10 else ALL
    state["pd_roster_level"] = params.get("level") if params.get("level") in LEVELS else ALL
    state["pd_roster_q"] = params.get("q", "")[:40]
    page = params.get("page", "")
    state["pd_roster_page"] = int(page) if page.isdigit() and 0 < len(page) < 6 else 1
    state["pd_roster_seeded"] = dict(params)


def _write_url() -> None:
    state = st.session_state
    values = {
        "view": state.get("pd_roster_view") if state.get("pd_roster_view") in VIEWS[1:] else None,
        "street": state.get("pd_roster_street") or None,
        "level": state.get("pd_roster_level") or None,
        "q": (state.get("pd_roster_q") or "").strip() or None,
        "page": state.get("pd_roster_page") if (state.get("pd_roster_page") or 1) > 1 else None,
    }
    wanted = {k: str(v) for k, v in values.items() if v is not None}
    if wanted != {k: st.query_params[k] for k in PARAMS if k in st.query_params}:
        for k in PARAMS:
            st.query_params.pop(k, None)
        st.query_params.update(wanted)
    state["pd_roster_seeded"] = dict(st.query_params)


def _first_page() -> None:
    st.session_state["pd_roster_page"] = 1


def _filters(streets) -> None:
    names = {s.id: s.name for s in streets}
    st.segmented_control(
        t("roster.page.view"),
        VIEWS,
        format_func=lambda v: t(f"roster.view.{v}"),
        key="pd_roster_view",
        on_change=_first_page,
    )
    cols = st.columns([2, 2, 3])
    cols[0].selectbox(
        t("roster.page.street"),
        [ALL, *names],
        format_func=lambda i: names.get(i, str(i)) if i else t("roster.page.all_streets"),
        key="pd_roster_street",
        on_change=_first_page,
    )
    cols[1].selectbox(
        t("roster.page.level"),
        [ALL, *LEVELS],
        format_func=lambda v: label("mediator_level", v) if v else t("roster.page.all_levels"),
        key="pd_roster_level",
        on_change=_first_page,
    )
    cols[2].text_input(t("roster.page.q"), key="pd_roster_q", max_chars=40, on_change=_first_page)


def render() -> None:
    user = require_page("mediation.view")
    st.title(t("roster.page.title"))
    st.caption(t("roster.page.caption"))
    _seed()
    with db.session_scope() as session:
        streets = places.streets(session)
    _filters(streets)
    _write_url()
    state = st.session_state
    view, street = state.get("pd_roster_view") or "roster", state.get("pd_roster_street") or None
    if view == "mentors":
        roster_views.mentors(user, street)
    elif view == "load":
        roster_views.load(user, street)
    elif view == "indicators":
        roster_views.indicators(user, street)
    else:
        roster_views.roster_list(user, street, state.get("pd_roster_level") or None, state.get("pd_roster_q"))
