"""The people of a case as the user may see them: masked or hidden per role, with an audited "show" button."""

from __future__ import annotations

import streamlit as st

from core.accounts import pii
from core.platform import db
from core.platform.errors import PetitionDeskError
from i18n import label, t
from widgets.text import md

REVEALED = "pd_revealed"  # (case id, person id) -> {field: full value}, for this browser session only
REVEAL_ERROR = "pd_reveal_error"
REVEAL_FIELDS = ("id_number", "phone")


def _reveal(user, case_id: int, person_id: int, fields: tuple[str, ...]) -> None:
    """Fetch the full values (each fetch writes an audit event) and keep them for this session."""
    values = {}
    try:
        with db.session_scope() as session:
            for name in fields:
                values[name] = pii.reveal(session, user, case_id, person_id, name)
    except PetitionDeskError as exc:
        st.session_state[REVEAL_ERROR] = exc.message
        return
    st.session_state.setdefault(REVEALED, {})[(case_id, person_id)] = values


def show(parties: list[dict], user, case_id: int, *, anonymous: bool) -> None:
    """Show each party on one line, petitioners first."""
    error = st.session_state.pop(REVEAL_ERROR, None)
    if error:
        st.error(error)
    if not parties:
        st.info(t("casefile.parties_anonymous" if anonymous else "casefile.parties_none"))
        return
    revealed = st.session_state.get(REVEALED, {})
    for row in _one_line_per_person(parties):
        full = revealed.get((case_id, row["person_id"]), {})
        with st.container(border=True):
            text, button = st.columns([7, 1], vertical_alignment="center")
            text.markdown(_line(row, full))
            fields = tuple(f for f in REVEAL_FIELDS if row.get(f) and f not in full)
            if row.get("can_reveal") and fields:
                button.button(
                    t("casefile.reveal"),
                    key=f"pd_reveal_{case_id}_{row['person_id']}",
                    icon=":material/visibility:",
                    help=t("casefile.reveal_help"),
                    on_click=_reveal,
                    args=(user, case_id, row["person_id"], fields),
                )


def _one_line_per_person(parties: list[dict]) -> list[dict]:
    """Petitioners first; a person in two roles (a group's petitioner who is also its representative) once."""
    lines: list[dict] = []
    by_person: dict[int, dict] = {}
    for row in sorted(parties, key=lambda r: r["role"] == "respondent"):
        person = row.get("person_id")
        if person is not None and person in by_person:
            by_person[person]["roles"].append(row["role"])
            continue
        line = {**row, "roles": [row["role"]]}
        lines.append(line)
        if person is not None:
            by_person[person] = line
    return lines


def _line(row: dict, full: dict) -> str:
    role = t("records.list_sep").join(label("party_role", r) for r in row["roles"])
    if row.get("hidden"):
        return f"**{role}** · {t('casefile.identity_hidden')}"
    parts = [f"**{role}** {md(row.get('name'))}"]
    for name in ("id_number", "phone", "address"):
        value = full.get(name) or row.get(name)
        if value:
            parts.append(f"{t(f'workflow.field.{name}')} {md(value)}")
    if row.get("masked") and not row.get("can_reveal"):
        parts.append(f":gray[{t('casefile.masked')}]")
    return " · ".join(parts)
