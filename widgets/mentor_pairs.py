"""The administrator's side of the mentor tree (老马带小马): a form that pairs an active veteran with a free
junior, and on each veteran's card a form that ends one of his current pairs. Errors show under their
field, a success as a toast after the rerun; each save is one core call (core.mediation.mentorship)."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from core.accounts import permissions
from core.mediation import mentorship
from core.platform import db
from core.platform.errors import PetitionDeskError, ValidationError
from core.platform.timeutil import today
from core.platform.validation import EARLIEST_DATE
from i18n import t
from widgets import session
from widgets.text import field_error

ERRORS, DONE, ROUND = "pd_pair_errors", "pd_pair_done", "pd_pair_round"


def may_edit(user) -> bool:
    """Return whether the user pairs and ends pairs (an administrator: mediator.edit)."""
    return permissions.allowed(user, "mediator.edit")


def show_done() -> None:
    """Toast the last save's message, once."""
    done = st.session_state.pop(DONE, None)
    if done:
        st.toast(done, icon=":material/check:")


def _errors(form: str) -> dict[str, str]:
    return st.session_state.get(ERRORS, {}).get(form, {})


def _run(form: str, call: Callable, done: Callable[[], str], *, fresh: bool = False) -> None:
    """Call the core function in one short session; keep its field errors for the form, or toast `done`."""
    try:
        with db.session_scope() as s:
            call(s, session.current_user())
    except ValidationError as exc:
        st.session_state[ERRORS] = {form: exc.errors or {"_form": exc.message}}
    except PetitionDeskError as exc:
        st.session_state[ERRORS] = {form: {"_form": exc.message}}
    else:
        st.session_state[ERRORS], st.session_state[DONE] = {}, done()
        if fresh:  # new widget keys: the browser keeps a widget's value even when its state is deleted
            st.session_state[ROUND] = st.session_state.get(ROUND, 0) + 1
    st.rerun()


def _name(choice: tuple[int, str, str | None]) -> str:
    _, name, street = choice
    return f"{name}（{street}）" if street else name


def _error_or_hint(error: str | None, hint: str | None) -> None:
    if error:
        field_error(error)
    elif hint:
        st.caption(hint)


def new_pair_form() -> None:
    """Pick an active veteran and a junior with no current mentor, and the day the pair starts."""
    key = f"pd_pair_{st.session_state.get(ROUND, 0)}"
    with db.session_scope() as s:
        picked = st.session_state.get(f"{key}_mentee")
        choices = mentorship.pair_choices(s, session.current_user(), (picked,) if picked else ())
    veterans = {c[0]: _name(c) for c in choices.veterans}
    juniors = {c[0]: _name(c) for c in choices.juniors}
    errors = _errors("new")
    with st.form("pd_pair_new", border=True):
        st.markdown(f"**{t('roster.pair.title')}**")
        cols = st.columns([3, 3, 2])
        with cols[0]:
            mentor = st.selectbox(
                t("workflow.field.mentor_id"),
                list(veterans),
                index=None,
                format_func=veterans.get,
                placeholder=t("roster.pair.mentor_placeholder"),
                key=f"{key}_mentor",
            )
            _error_or_hint(errors.get("mentor_id"), None if veterans else t("roster.pair.no_veterans"))
        with cols[1]:
            mentee = st.selectbox(
                t("workflow.field.mentee_id"),
                list(juniors),
                index=None,
                format_func=juniors.get,
                placeholder=t("roster.pair.mentee_placeholder"),
                key=f"{key}_mentee",
            )
            _error_or_hint(errors.get("mentee_id"), None if juniors else t("roster.pair.no_juniors"))
        with cols[2]:
            started = st.date_input(
                t("workflow.field.started_on"),
                value=today(),
                min_value=EARLIEST_DATE,
                max_value=today(),
                format="YYYY-MM-DD",
                key=f"{key}_started",
            )
            field_error(errors.get("started_on"))
        field_error(errors.get("_form"))
        if st.form_submit_button(t("roster.pair.submit"), type="primary"):
            _run(
                "new",
                lambda s, u: mentorship.pair(s, u, mentor, mentee, started_on=started),
                lambda: t("roster.pair.done", mentor=veterans.get(mentor), mentee=juniors.get(mentee)),
                fresh=True,
            )


def end_pair_form(node: mentorship.MentorNode) -> None:
    """End one of this veteran's current pairs on a day between its start and today."""
    current = {j.mentorship_id: j for j in node.juniors if j.ended_on is None}
    if not current:
        return
    form = f"end_{node.mentor_id}"
    errors = _errors(form)
    with st.form(f"pd_pair_{form}", border=False):
        cols = st.columns([3, 2, 2], vertical_alignment="bottom")
        picked = cols[0].selectbox(
            t("roster.pair.end_junior"),
            list(current),
            format_func=lambda i: current[i].mentee_name,
            key=f"pd_pair_{form}_junior",
        )
        on = cols[1].date_input(
            t("roster.pair.end_on"),
            value=today(),
            min_value=EARLIEST_DATE,
            max_value=today(),
            format="YYYY-MM-DD",
            key=f"pd_pair_{form}_on",
        )
        submitted = cols[2].form_submit_button(t("roster.pair.end"))
        field_error(errors.get("ended_on") or errors.get("_form"))
    if submitted:
        junior = current[picked]
        _run(
            form,
            lambda s, u: mentorship.end_pair(s, u, junior.mentorship_id, junior.version, ended_on=on),
            lambda: t("roster.pair.ended", mentor=node.mentor_name, mentee=junior.mentee_name),
        )
