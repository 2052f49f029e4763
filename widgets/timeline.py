"""The timeline of a case (办理过程): who did what and when, the note, and what changed as "field: old → new"."""

from __future__ import annotations

from datetime import date

import streamlit as st

from core.cases.case_file import CaseFile, event_label
from i18n import catalog, get_language, label, t
from i18n.format import fmt_date, fmt_datetime
from models import CaseEvent
from widgets.text import md

MAX_CHANGES = 8
# Fields of the clock's bookkeeping, or too long for one line; the note and the case file show them.
HIDDEN = frozenset(
    {"stage_started_on", "due_provisional", "paused_days", "content", "request", "reply_summary", "client"}
)
ENUM_FIELDS = {
    "status": "status",
    "outcome": "outcome",
    "review_outcome": "outcome",
    "reexam_outcome": "outcome",
    "satisfaction": "satisfaction",
    "channel": "channel",
    "category": "category",
    "route": "route",
    "stage": "stage",
    "kind": "meeting",
    "pause_kind": "pause",
    "subject": "subject",
    "mediation_status": "mediation_status",
    "mediation_kind": "mediation_kind",
    "source": "mediation_source",
}
QUIET = frozenset(
    {"register", "pii.reveal", "self_service.lookup", "self_service.failed", "self_service.refused"}
)


def field_name(name: str) -> str:
    """Return the label of a case field as the timeline shows it."""
    lang = catalog(get_language())
    for key in (f"workflow.field.{name}", f"casefile.field.{name}"):
        if key in lang:
            return lang[key]
    return name


def show_value(file: CaseFile, name: str, value) -> str:
    """Return one before/after value in words: dates, enums, units, people and yes/no."""
    if value is None or value == "" or value == []:
        return "—"
    if name in ENUM_FIELDS:
        return label(ENUM_FIELDS[name], value)
    if name == "decision":
        return t(f"workflow.decision.{value}")
    if name == "missing_meetings":
        return "、".join(label("meeting", v) for v in value)
    if name in {"lead_unit_id"}:
        return file.unit_names.get(value, str(value))
    if name == "assisting_unit_ids":
        return "、".join(file.unit_names.get(v, str(v)) for v in value)
    if name in {"leader_in_charge_id", "received_by_leader_id", "registrar_id"}:
        return file.user_names.get(value, str(value))
    if isinstance(value, bool):
        return t("common.yes") if value else t("common.no")
    if isinstance(value, str) and len(value) == 10 and value[4] == "-":
        try:
            return fmt_date(date.fromisoformat(value))
        except ValueError:
            pass
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def changes(file: CaseFile, event: CaseEvent) -> list[str]:
    """Return the event's changes as "field: old → new" (or "field: new" for a value with no before)."""
    if event.action in QUIET:
        return []
    before, after = event.before or {}, event.after or {}
    out = []
    for name, new in sorted(after.items(), key=lambda item: item[0] != "status"):  # the status first
        if name in HIDDEN or name.endswith("_id") and name not in {"lead_unit_id", "leader_in_charge_id"}:
            continue
        new_text = show_value(file, name, new)
        if name in before:
            out.append(f"{field_name(name)}: {show_value(file, name, before[name])} → {new_text}")
        else:
            out.append(f"{field_name(name)}: {new_text}")
    return out[:MAX_CHANGES]


def show(file: CaseFile) -> None:
    """Show the events of the case, oldest first."""
    if file.events_truncated:
        st.caption(t("casefile.timeline_truncated", n=len(file.events)))
    if not file.events:
        st.info(t("casefile.timeline_empty"))
        return
    for event in file.events:
        with st.container(border=True, gap=None):
            who = event.actor_name or t("casefile.actor_public")
            st.markdown(f"**{md(event_label(event.action))}** · {md(who)} · {md(fmt_datetime(event.at))}")
            lines = changes(file, event)
            if lines:
                st.caption("  \n".join(md(line) for line in lines))
            if event.note:
                st.text(event.note)
