"""The intake form kept as a draft on the server (core.desk.drafts): put back after F5 or another page, saved
whenever a field changes, forgotten once the case is registered or the clerk discards it. Files are not kept."""

from __future__ import annotations

from datetime import date

import streamlit as st

from core.desk import drafts
from core.platform import db, timeutil
from i18n import t
from i18n.format import fmt_datetime
from widgets import intake_form as form
from widgets.intake_repeats import LINKED

SAVED = "pd_intake_draft_saved"  # the data last saved, so an unchanged form is not saved again
RESTORED = "pd_intake_draft_restored"  # when the draft now on the form was saved
FIELDS = (
    "channel",
    "received_on",
    "received_by_leader_id",
    "onsite_resolved",
    "onsite_outcome",
    "onsite_note",
    "anonymous",
    "group",
    "group_size",
    "category",
    "route",
    "subject",
    "title",
    "content",
    "request",
    "confidential",
    "street_id",
    "community_id",
    "grid_id",
    "location",
)
PRESET = {"channel": "visit", "category": "complaint", "route": "petition"}  # what the form starts with
COUNTS = tuple(f"{form.PREFIX}{group}_n" for group in form.GROUPS)


def _keys() -> list[str]:
    """Return the session keys of everything the clerk filled in (not buttons, not caches)."""
    people = [
        form.key_of(f"{group}.{i}.{f}")
        for group in form.GROUPS
        for i in range(form.count(group))
        for f in form.PERSON_FIELDS
    ]
    return [*(form.key_of(name) for name in FIELDS), *people, *COUNTS, LINKED]


def _encode(value):
    return {"date": value.isoformat()} if isinstance(value, date) else value


def _decode(value):
    return date.fromisoformat(value["date"]) if isinstance(value, dict) and set(value) == {"date"} else value


def snapshot() -> dict:
    """Return the form's values as JSON-safe data."""
    state = st.session_state
    return {key: _encode(state[key]) for key in _keys() if key in state}


def _empty(data: dict) -> bool:
    """Return whether the clerk has entered nothing yet (the presets and today's date alone are no draft)."""
    preset = {form.key_of(k): v for k, v in PRESET.items()}
    ignored = {*COUNTS, form.key_of("received_on"), form.key_of("group_size")}
    return all(v in (None, "", False, []) or k in ignored or preset.get(k) == v for k, v in data.items())


def restore(user) -> None:
    """Before the form is drawn: when it holds nothing (a new tab, F5, back from another page), put back the
    clerk's draft."""
    state = st.session_state
    if form.key_of("channel") in state:  # the form is on screen in this session already
        return
    with db.session_scope() as session:
        found = drafts.load(session, user)
    if found is None:
        return
    data, saved_at = found
    for key, value in data.items():
        state[key] = _decode(value)
    state[SAVED], state[RESTORED] = data, saved_at


def keep(user) -> None:
    """After the form is drawn: save it when it changed (forget the draft when the form is empty again)."""
    data = snapshot()
    if data == st.session_state.get(SAVED):
        return
    with db.session_scope() as session:
        if _empty(data):
            drafts.discard(session, user)
        else:
            drafts.save(session, user, data)
    st.session_state[SAVED] = data


def forget(user) -> None:
    """Drop the draft: the case is registered, or the clerk threw the form away."""
    with db.session_scope() as session:
        drafts.discard(session, user)
    st.session_state.pop(SAVED, None)
    st.session_state.pop(RESTORED, None)


def _blank(key: str, value):
    """Return what a field holds on an empty form."""
    name = key.removeprefix(form.PREFIX)
    if name in PRESET:
        return PRESET[name]
    if key in COUNTS:
        return 1 if key.endswith("petitioners_n") else 0
    if isinstance(value, date):
        return timeutil.today()
    return "" if isinstance(value, str) else False if isinstance(value, bool) else None


def blank() -> None:
    """Empty the form on screen: each field is set, not dropped, so the browser shows the empty value too."""
    state = st.session_state
    for key in _keys():
        if key in state and key != LINKED:
            state[key] = _blank(key, state[key])
    state.pop(LINKED, None)
    state.pop(form.ERRORS, None)


def notice(user) -> None:
    """Say that a draft was put back, with a button that throws it away and empties the form."""
    saved_at = st.session_state.get(RESTORED)
    if saved_at is None:
        return

    def discard() -> None:
        forget(user)
        blank()

    cols = st.columns([5, 1], vertical_alignment="center")
    cols[0].info(t("desk.draft.restored", at=fmt_datetime(saved_at)), icon=":material/history:")
    cols[1].button(t("desk.draft.discard"), key="pd_intake_draft_discard", on_click=discard, type="tertiary")
