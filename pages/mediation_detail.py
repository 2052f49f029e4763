"""One mediation's file (调解卷宗, url mediation?id=N): facts, parties, mediators, sessions, agreement, timeline,
and the actions the user may take on it now."""

from __future__ import annotations

import importlib

import streamlit as st

from core.calendar import clock
from core.mediation import centre
from core.platform import db, timeutil
from core.platform.errors import NotFound
from i18n import t
from widgets import mediation_file as sections
from widgets import mediation_forms as forms
from widgets.guard import require_page


def _id() -> int | None:
    raw = st.query_params.get("id", "")
    return int(raw) if raw.isdigit() and len(raw) < 19 else None


def _assigned() -> None:
    st.session_state[forms.DONE] = "assign"  # the rerun after the widget's button shows the page's toast


def _assign(file: centre.MediationFile, user, needs_lead: bool) -> None:
    m = file.mediation
    suggested = sections.suggestions_available()
    if needs_lead and suggested:
        widget = importlib.import_module("widgets.mediator_suggestions")
        widget.mediator_suggestions(m.id, m.version, on_assigned=_assigned)
        return
    # Once a lead is named the roster's picker changes the team; without the suggestions it is the interim
    # way to name one (and says so).
    if not suggested:
        st.caption(t("medcentre.form.picker_note"))
    with db.session_scope() as session:
        roster = centre.roster_choices(session, user, m.street_id)
    forms.assign_form(file, roster)


def render() -> None:
    user = require_page("mediation.view")
    today = timeutil.today()
    mediation_id = _id()
    try:
        if mediation_id is None:
            raise NotFound(t("error.not_found"))
        with db.session_scope() as session:
            file = centre.mediation_file(session, user, mediation_id)
            cal = clock.load_calendar(session)
    except NotFound:
        st.warning(t("medcentre.file.not_found"))
        return
    done = st.session_state.pop(forms.DONE, None)
    if done:
        st.toast(t(f"medcentre.done.{done}"), icon=":material/check:")
    sections.header(file, today, cal)
    sections.facts(file, user)
    left, right = st.columns(2)
    with left:
        sections.parties(file)
    with right:
        needs_lead = sections.mediators(file)
    actions = forms.available(file, today)
    if actions:
        st.subheader(t("medcentre.file.actions"))
        tabs = st.tabs([t(f"medcentre.action.{a}") for a in actions])
        for tab, action in zip(tabs, actions, strict=True):
            with tab:
                if action == "assign":
                    _assign(file, user, needs_lead)
                else:
                    forms.FORMS[action](file)
    sections.sessions(file)
    sections.agreement(file, today, cal)
    sections.events(file)
