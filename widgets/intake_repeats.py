"""Repeat detection while typing: likely earlier cases of the same person, each with a button to link it."""

from __future__ import annotations

import streamlit as st

from core.cases.repeats import RepeatCandidate, find_repeats
from core.platform import db
from i18n import label, t
from i18n.format import fmt_date
from widgets.text import md_escape

SIGNATURE, HITS = "pd_in_repeat_sig", "pd_in_repeat_hits"
LINKED = "pd_in_repeat_of"  # {"id", "number", "barred"} of the earlier case the new one repeats
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


def _unlink() -> None:
    st.session_state.pop(LINKED, None)


def _linked_box() -> None:
    linked = st.session_state.get(LINKED)
    if not linked:
        return
    st.success(t("desk.repeat.linked", number=linked["number"]), icon=":material/link:")
    if linked["barred"]:
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


def repeat_panel(user, persons: list[dict], title: str | None, subject: str | None) -> None:
    """Show the likely earlier cases of the people on the form, and the one linked."""
    st.subheader(t("desk.repeat.title"))
    _linked_box()
    hits = candidates(user, persons, title, subject)
    if not hits:
        st.caption(t("desk.repeat.none"))
    for c in hits:
        _candidate(c)
