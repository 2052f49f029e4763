"""Repeat detection while typing: likely earlier cases of the same person, each with a button to link it."""

from __future__ import annotations

from datetime import date

import streamlit as st

from core.cases.registration import repeat_standing
from core.cases.repeats import RepeatCandidate, find_repeats
from core.platform import db
from i18n import label, t
from i18n.format import fmt_date
from widgets.text import md_escape

SIGNATURE, HITS = "pd_in_repeat_sig", "pd_in_repeat_hits"
LINKED = "pd_in_repeat_of"  # {"id", "number", "barred"} of the earlier case the new one repeats
NEW_FACTS = "pd_in_new_facts"  # the new facts and reasons that make a repeat of a barred or live matter new
LIMIT = 5


def _query(persons: list[dict], title: str | None, subject: str | None) -> dict:
    return {
        "id_numbers": tuple(sorted({p["id_number"] for p in persons if p.get("id_number")})),
        "phones": tuple(sorted({p["phone"] for p in persons if p.get("phone")})),
        "name_address": tuple(
            sorted({(p["name"], p["address"]) for p in persons if p.get("name") and p.get("address")})
        ),
        "title": title if title and subject else None,
        "subject": subject if title and subject else None,
    }


def candidates(user, persons: list[dict], title: str | None, subject: str | None) -> list[RepeatCandidate]:
    """Return the likely earlier cases the user may see, searched again only when the inputs changed."""
    query = _query(persons, title, subject)
    signature = tuple(sorted(query.items()))
    if st.session_state.get(SIGNATURE) != signature:
        hits = []
        if any(query.values()):
            with db.session_scope() as session:
                hits = find_repeats(session, user, **query, limit=LIMIT)
        st.session_state[SIGNATURE], st.session_state[HITS] = signature, hits
    return st.session_state.get(HITS) or []


def linked_id() -> int | None:
    """Return the id of the earlier case the user linked, if any."""
    linked = st.session_state.get(LINKED)
    return linked["id"] if linked else None


def _link(c: RepeatCandidate) -> None:
    st.session_state[LINKED] = {"id": c.case_id, "number": c.number, "barred": c.not_accepted_again}


def new_facts() -> str | None:
    """Return the new facts and reasons typed for the linked case, if any."""
    if not st.session_state.get(LINKED):
        return None
    return (st.session_state.get(NEW_FACTS) or "").strip() or None


def _unlink() -> None:
    st.session_state.pop(LINKED, None)
    st.session_state.pop(NEW_FACTS, None)


def _linked_box(user, received_on) -> None:
    linked = st.session_state.get(LINKED)
    if not linked:
        return
    st.success(t("desk.repeat.linked", number=linked["number"]), icon=":material/link:")
    kind, why = None, None
    if isinstance(received_on, date):
        with db.session_scope() as session:
            kind, why = repeat_standing(session, user, linked["id"], received_on)
    if why:
        # 不再受理 (第36条) or handled in the live case (第19条第3款): the registrar reads why before registering
        st.warning(why, icon=":material/block:" if kind == "barred" else ":material/sync:")
        st.text_area(t("workflow.field.new_facts"), key=NEW_FACTS, help=t("desk.repeat.new_facts_help"))
    elif linked["barred"]:
        st.warning(t("desk.repeat.barred"))
    st.button(t("desk.repeat.unlink"), key="pd_in_repeat_unlink", type="tertiary", on_click=_unlink)


def _candidate(c: RepeatCandidate) -> None:
    with st.container(border=True):
        st.markdown(f"**{c.number}** · {label('status', c.status)} · {fmt_date(c.received_on)}")
        st.text(c.title)
        st.caption(md_escape("、".join(c.reason_labels)))
        if c.not_accepted_again:
            st.caption(f":red[{t('desk.repeat.barred')}]")
        if linked_id() != c.case_id:
            st.button(
                t("desk.repeat.link"),
                key=f"pd_in_link_{c.case_id}",
                on_click=_link,
                args=(c,),
                icon=":material/link:",
            )


def repeat_panel(user, persons: list[dict], title: str | None, subject: str | None, received_on=None) -> None:
    """Show the likely earlier cases of the people on the form, and the one linked with what it means."""
    st.subheader(t("desk.repeat.title"))
    _linked_box(user, received_on)
    hits = candidates(user, persons, title, subject)
    if not hits:
        st.caption(t("desk.repeat.none"))
    for c in hits:
        _candidate(c)
