"""The audit log in words: actions and object types by their labels, before/after as "状态：已登记 → 已受理".

The case timeline (widgets/timeline.py) already words a case's fields; this adds the fields of users, tokens,
attachments, holidays and exports, and names units, users and cases by what a reader knows them as.
"""

from __future__ import annotations

from core.accounts.audit_log import CASE_FIELDS, UNIT_FIELDS, USER_FIELDS, Names
from i18n import catalog, get_language, label, t
from i18n.format import fmt_int
from widgets import timeline

ENUM_FIELDS = {**timeline.ENUM_FIELDS, "role": "role"}
# Bookkeeping of the clock, long texts (shown in the case file) and hashes: kept in the export only.
HIDDEN = timeline.HIDDEN | {"sha256"}


def _known(key: str) -> bool:
    return key in catalog(get_language())


def action_label(action: str) -> str:
    """Return an action in words: the workflow's button label or the event's label (the key if unknown)."""
    key = f"audit.action.{action.replace('.', '_')}"
    if _known(key):
        return t(key)
    kind, _, verb = action.partition(".")  # a generated table's write: "grid.import" -> 导入网格
    if _known(f"audit.verb.{verb}") and _known(f"audit.object.{kind}"):
        return t(f"audit.verb.{verb}", object=object_type_label(kind))
    return timeline.event_label(action)


def object_type_label(object_type: str) -> str:
    """Return an object type in words (the key if unknown)."""
    key = f"audit.object.{object_type}"
    return t(key) if _known(key) else object_type


def object_label(row: dict, names: Names) -> str:
    """Return what an event is about: the case number for a case's events, else the type and its id."""
    number = names.case_numbers.get(row["case_id"]) if row["case_id"] else None
    kind = object_type_label(row["object_type"])
    if row["object_type"] == "case" and number:
        return t("audit.about_case", number=number)
    if row["object_type"] == "user" and row["object_id"] in names.user_names:
        return f"{kind} {names.user_names[row['object_id']]}"
    tail = f" #{row['object_id']}" if row["object_id"] is not None else ""
    return f"{kind}{tail}" + (f" · {number}" if number else "")


def field_label(name: str) -> str:
    """Return a before/after field in words."""
    key = f"audit.field.{name}"
    return t(key) if _known(key) else timeline.field_name(name)


def _one(names: Names, name: str, value) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if name == "parties":  # who was registered: each party's role and person number
        return "、".join(f"{label('party_role', p.get('role'))} #{p.get('person_id')}" for p in value)
    if name in UNIT_FIELDS:
        ids = value if isinstance(value, list) else [value]
        return "、".join(names.unit_names.get(v, f"#{v}") for v in ids) if ids else "—"
    if name in USER_FIELDS and value is not None:
        return names.user_names.get(value, f"#{value}")
    if name in CASE_FIELDS and value is not None:
        return names.case_numbers.get(value, f"#{value}")
    if isinstance(value, str) and _known(f"audit.value_of.{name}.{value}"):  # login reasons, file kinds
        return t(f"audit.value_of.{name}.{value}")
    if name in ENUM_FIELDS and value not in (None, ""):
        return label(ENUM_FIELDS[name], value)
    if isinstance(value, int) and not isinstance(value, bool):
        return fmt_int(value)
    if isinstance(value, dict):  # an export's filter: its URL parameters
        return "; ".join(f"{k}={v}" for k, v in value.items()) or "—"
    if isinstance(value, list):
        return "、".join(_one(names, name, v) for v in value) or "—"
    return timeline.show_value(names, name, value)


def note(row: dict) -> str:
    """Return the event's note; the few notes the code writes itself ("cli", "setup") in words."""
    text = row["note"] or ""
    return t(f"audit.value_of.note.{text}") if _known(f"audit.value_of.note.{text}") else text


def changes(row: dict, names: Names) -> list[str]:
    """Return the event's changes, the status first: "field：old → new", or "field：new" with no before."""
    before, after = row["before"] or {}, row["after"] or {}
    fields = [*after, *(k for k in before if k not in after)]
    out = []
    for name in sorted(fields, key=lambda n: n != "status"):
        new, field = _one(names, name, after.get(name)), field_label(name)
        if name in HIDDEN or (
            name not in before and new == "—"
        ):  # an empty field of a new record says nothing
            continue
        if name in before:
            out.append(t("audit.change", field=field, old=_one(names, name, before[name]), new=new))
        else:
            out.append(t("audit.value", field=field, value=new))
    return out
