"""Pieces of the intake form: field errors, petitioner and representative blocks, and what they add up to.

Every input is a keyed widget named after the CaseCreate field it fills ("pd_in_title",
"pd_in_petitioners_0_id_number", …), so an error of core.cases lands next to its field by name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import streamlit as st

from core.cases.registration import MAX_REPRESENTATIVES
from core.platform.errors import ValidationError
from core.platform.validation import check_id_number, check_phone, gender_from_id, text_limit
from i18n import t
from i18n.format import fmt_date
from widgets.text import field_error

PREFIX = "pd_in_"
ERRORS = PREFIX + "errors"  # field -> [message, the field's value when it was refused]
PERSON_FIELDS = ("name", "id_number", "phone", "address")
GROUPS = {"petitioners": 10, "representatives": MAX_REPRESENTATIVES}  # group -> most entries


def key_of(name: str) -> str:
    """Return the widget key of a CaseCreate field name such as "petitioners.0.phone"."""
    return PREFIX + name.replace(".", "_")


def label_of(name: str) -> str:
    """Return a field's label as the form shows it (capitalised in English)."""
    text = t(f"workflow.field.{name}")
    return text[:1].upper() + text[1:]


def value(name: str, default=None):
    """Return the current value of a field's widget."""
    return st.session_state.get(key_of(name), default)


def text(name: str) -> str | None:
    """Return a text field's value stripped, or None when blank."""
    return (value(name) or "").strip() or None


@dataclass
class FieldErrors:
    """The errors of the last submit; each shown once, next to its field, until the field changes."""

    errors: dict[str, list] = field(default_factory=dict)
    shown: set[str] = field(default_factory=set)

    @classmethod
    def load(cls) -> FieldErrors:
        """Return the errors kept from the last submit."""
        return cls(dict(st.session_state.get(ERRORS) or {}))

    def message(self, name: str) -> str | None:
        """Return the field's error unless the user changed the field since it was refused."""
        message, refused = self.errors.get(name, (None, None))
        return message if message and _current(name) == refused else None

    def show(self, name: str, live: str | None = None) -> None:
        """Show the field's error (a check made while typing wins over the last submit's)."""
        self.shown.add(name)
        field_error(live or self.message(name))

    def pending(self) -> int:
        """Return how many refused fields the user has not changed yet."""
        return sum(1 for name in self.errors if self.message(name))

    def rest(self) -> list[str]:
        """Return the messages not shown next to any field."""
        return [m for n, (m, _) in self.errors.items() if n not in self.shown and self.message(n)]


def _current(name: str):
    """Return what an error of `name` refers to: a widget's value, or a whole group's entries."""
    return repr(people(name)[0]) if name in GROUPS else value(name)


def store_errors(errors: dict[str, str]) -> None:
    """Remember a refused submit's errors with the values they refer to."""
    st.session_state[ERRORS] = {name: [msg, _current(name)] for name, msg in errors.items()}


def _live(check, raw: str | None) -> tuple[str | None, str | None]:
    """Return (normalised value, error) of a check made while typing."""
    if not (raw or "").strip():
        return None, None
    try:
        return check(raw), None
    except ValidationError as exc:
        return None, exc.message


def _id_hint(number: str) -> str:
    """Return what a valid ID number says: the gender and the birth date."""
    born = number[6:14] if len(number) == 18 else "19" + number[6:12]
    day = date(int(born[:4]), int(born[4:6]), int(born[6:8]))
    return t("desk.intake.id_ok", gender=t(f"desk.gender.{gender_from_id(number)}"), born=fmt_date(day))


def person_block(errs: FieldErrors, group: str, i: int) -> None:
    """Show the inputs of one petitioner or representative, each with its error under it."""
    base = f"{group}.{i}"
    cols = st.columns([1, 1.5, 1.2])
    with cols[0]:
        st.text_input(label_of("name"), key=key_of(f"{base}.name"), max_chars=text_limit("name").max_len)
        errs.show(f"{base}.name")
    with cols[1]:
        raw = st.text_input(
            label_of("id_number"), key=key_of(f"{base}.id_number"), max_chars=text_limit("id_number").max_len
        )
        number, problem = _live(check_id_number, raw)
        errs.show(f"{base}.id_number", problem)
        if number:
            st.caption(_id_hint(number))
    with cols[2]:
        raw = st.text_input(
            label_of("phone"), key=key_of(f"{base}.phone"), max_chars=text_limit("phone").max_len
        )
        errs.show(f"{base}.phone", _live(check_phone, raw)[1])
    st.text_input(label_of("address"), key=key_of(f"{base}.address"), max_chars=text_limit("address").max_len)
    errs.show(f"{base}.address")


def _count_key(group: str) -> str:
    return f"{PREFIX}{group}_n"


def count(group: str) -> int:
    """Return how many entry blocks of the group are on the form."""
    return st.session_state.get(_count_key(group), 1 if group == "petitioners" else 0)


def _add(group: str) -> None:
    st.session_state[_count_key(group)] = min(count(group) + 1, GROUPS[group])


def _remove(group: str, i: int) -> None:
    """Drop entry i, moving the later entries up (runs before the widgets are drawn)."""
    n, s = count(group), st.session_state
    for j in range(i, n - 1):
        for f in PERSON_FIELDS:
            s[key_of(f"{group}.{j}.{f}")] = s.get(key_of(f"{group}.{j + 1}.{f}"), "")
    for f in PERSON_FIELDS:
        s.pop(key_of(f"{group}.{n - 1}.{f}"), None)
    s[_count_key(group)] = n - 1


def people_list(errs: FieldErrors, group: str) -> None:
    """Show the entries of a group with add and remove buttons."""
    n = count(group)
    for i in range(n):
        with st.container(border=True):
            head = st.columns([5, 1])
            head[0].caption(t(f"desk.intake.{group}_nth", n=i + 1))
            if n > (1 if group == "petitioners" else 0):
                head[1].button(
                    t("desk.intake.remove"),
                    key=f"{PREFIX}{group}_rm_{i}",
                    type="tertiary",
                    on_click=_remove,
                    args=(group, i),
                )
            person_block(errs, group, i)
    if n < GROUPS[group]:
        st.button(
            t(f"desk.intake.add_{group}"),
            key=f"{PREFIX}{group}_add",
            icon=":material/person_add:",
            on_click=_add,
            args=(group,),
        )
    errs.show(group)


def people(group: str) -> tuple[list[dict], list[int]]:
    """Return the group's filled-in entries as PersonIn data and each one's position on the form."""
    out, where = [], []
    for i in range(count(group)):
        person = {f: text(f"{group}.{i}.{f}") for f in PERSON_FIELDS}
        if any(person.values()):
            out.append(person | {"name": person["name"] or ""})
            where.append(i)
    return out, where


def form_errors(errors: dict[str, str], where: dict[str, list[int]]) -> dict[str, str]:
    """Return core's errors renamed to the form's fields (a skipped blank entry shifts the numbers)."""
    out = {}
    for name, message in errors.items():
        parts = name.split(".")
        if (
            len(parts) == 3
            and parts[0] in where
            and parts[1].isdigit()
            and int(parts[1]) < len(where[parts[0]])
        ):
            name = f"{parts[0]}.{where[parts[0]][int(parts[1])]}.{parts[2]}"
        out[name] = message
    return out
