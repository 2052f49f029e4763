"""Suggested mediators for one mediation case, with their reasons, and the pick of a lead (+ co-mediators).

The pick calls core.mediation.cases.assign_mediators; a refused pick shows its message under the field.
Embed it with `mediator_suggestions(mediation_id, version)`.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from core.mediation import access, cases, suggest
from core.platform import db
from core.platform.errors import PetitionDeskError, ValidationError
from i18n import label, t
from widgets import session
from widgets.text import field_error


def _table(found: list[suggest.Suggestion]) -> None:
    records = [
        {
            t("roster.col.rank"): i,
            t("roster.col.name"): s.name,
            t("roster.col.level"): label("mediator_level", s.level),
            t("roster.col.with"): "、".join(s.co_names),
            t("roster.col.reason"): s.reason,
            t("roster.col.score"): round(s.score, 1),
        }
        for i, s in enumerate(found, 1)
    ]
    st.dataframe(pd.DataFrame.from_records(records), hide_index=True, width="stretch")


def _assign(mediation_id: int, version: int, key: str, on_assigned: Callable[[], None] | None) -> None:
    state = st.session_state
    lead, co = state.get(f"{key}_lead"), state.get(f"{key}_co") or []
    state[f"{key}_errors"] = {}
    try:
        with db.session_scope() as s:
            cases.assign_mediators(s, session.current_user(), mediation_id, version, lead_id=lead, co_ids=co)
    except ValidationError as exc:
        state[f"{key}_errors"] = exc.errors or {"_form": exc.message}
        return
    except PetitionDeskError as exc:
        state[f"{key}_errors"] = {"_form": exc.message}
        return
    state[f"{key}_done"] = True
    if on_assigned is not None:
        on_assigned()


def mediator_suggestions(
    mediation_id: int, version: int, *, key: str = "pd_suggest", on_assigned: Callable[[], None] | None = None
) -> None:
    """Show the case's suggested mediators; a user who may assign picks the lead and co-mediators."""
    user = session.current_user()
    with db.session_scope() as s:
        found = suggest.suggest_mediators(s, user, mediation_id)
        may_pick = access.may_act(s, user, access.get_mediation(s, user, mediation_id))
    st.subheader(t("roster.suggest.title"))
    if not found:
        st.info(t("roster.suggest.none"))
        return
    _table(found)
    if not may_pick:
        return
    names = {s.mediator_id: s.name for s in found} | {
        i: n for s in found for i, n in zip(s.co_ids, s.co_names, strict=True)
    }
    by_id = {s.mediator_id: s for s in found}
    state = st.session_state
    if f"{key}_lead" not in state:
        state[f"{key}_lead"], state[f"{key}_co"] = found[0].mediator_id, list(found[0].co_ids)
    errors = state.get(f"{key}_errors") or {}

    def lead_changed() -> None:
        picked = by_id.get(state[f"{key}_lead"])
        state[f"{key}_co"] = list(picked.co_ids) if picked else []

    st.selectbox(
        t("workflow.field.lead_id"),
        list(by_id),
        format_func=lambda i: names[i],
        key=f"{key}_lead",
        on_change=lead_changed,
    )
    field_error(errors.get("lead_id"))
    st.multiselect(
        t("workflow.field.co_ids"),
        list(names),
        format_func=lambda i: names[i],
        key=f"{key}_co",
        placeholder=t("roster.suggest.co_placeholder"),
    )
    field_error(errors.get("co_ids"))
    st.button(
        t("roster.suggest.assign"),
        key=f"{key}_assign",
        type="primary",
        on_click=_assign,
        args=(mediation_id, version, key, on_assigned),
    )
    field_error(errors.get("_form"))
    if state.pop(f"{key}_done", False):
        st.success(t("roster.suggest.assigned"))
