"""The action buttons of a case file: exactly the actions the user may take now, each in a dialog whose
inputs come from a small declarative spec, submitted to the workflow transition of the same name."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from core.cases import case_file, workflow
from core.mediation import referral
from core.places import places, responsibility
from core.platform import db, timeutil
from core.platform.errors import PetitionDeskError, StaleVersion, ValidationError
from core.platform.validation import EARLIEST_DATE, text_limit
from i18n import label, t
from models import MeetingKind, NoticeMethod, Outcome, PauseKind, Route, Satisfaction
from widgets.text import field_error, md
from widgets.timeline import field_name

OPEN = "pd_case_dialog"  # {"case_id", "version", "action"} of the open dialog
ERRORS = "pd_case_dialog_errors"
STALE = "pd_case_dialog_stale"
FLASH = "pd_case_flash"
# Triage starts from the responsibility list's lead and assisting units (《信访事项监管责任清单》).
SUGGESTS = frozenset({"forward", "assign"})
# The actions that move a case forward on its main path: shown as primary buttons.
PRIMARY = frozenset({"forward", "assign", "accept", "settle_dispute", "resume", "reply", "rate", "close"})


@dataclass(frozen=True)
class Input:
    """One input of an action's dialog: the transition's keyword, its widget kind and its choices."""

    name: str
    kind: str  # date | text | area | choice | unit | units | days | flag | case
    choices: tuple[str, ...] = ()
    labels: str = ""  # enum kind for i18n.label, or a catalog prefix ending in "."
    optional: bool = False


def _date(name, optional=False):
    return Input(name, "date", optional=optional)


def _area(name, optional=False):
    return Input(name, "area", optional=optional)


def _choice(name, enum_cls, kind, exclude=()):
    return Input(name, "choice", tuple(m.value for m in enum_cls if m not in exclude), kind)


_NOTE = _area("note", optional=True)
_UNITS = (Input("lead_unit_id", "unit"), Input("assisting_unit_ids", "units", optional=True))
_DECISIONS = tuple(d.value for d in workflow.DisputeDecision)

SPECS: dict[str, tuple[Input, ...]] = {
    "forward": (*_UNITS, _date("on"), _NOTE),
    "assign": (*_UNITS, _date("on"), _NOTE),
    "accept": (_date("notice_date"), _NOTE),
    "decline": (_date("on"), _area("reason"), Input("routed_to", "text"), _NOTE),
    "raise_objection": (_date("on"), _area("reason")),
    "settle_dispute": (
        Input("decision", "choice", _DECISIONS, "workflow.decision."),
        _date("on"),
        _area("note"),
        Input("lead_unit_id", "unit", optional=True),
        Input("assisting_unit_ids", "units", optional=True),
    ),
    "pause": (_choice("kind", PauseKind, "pause"), _date("on"), _area("reason")),
    "resume": (_date("on"), _NOTE),
    "extend": (
        Input("days", "days"),
        _area("reason"),
        _date("approved_on"),
        _date("notified_on"),
        _choice("notified_by", NoticeMethod, "notice_method"),
        _area("late_reason", optional=True),
    ),
    "refer_mediation": (_date("on"), Input("parties", "text"), _NOTE),
    "return_from_mediation": (
        _date("on"),
        Input("result", "choice", ("agreed", "failed", "withdrawn", "refused"), "mediation.result."),
        Input("consented", "flag"),
        Input("party", "text", optional=True),
        _area("terms", optional=True),
        _area("note", optional=True),
    ),
    "record_meeting": (
        _choice("kind", MeetingKind, "meeting"),
        _date("held_on"),
        Input("place", "text"),
        Input("people", "text"),
        _area("notes", optional=True),
    ),
    "reply": (
        _date("replied_on"),
        _choice("outcome", Outcome, "outcome"),
        _area("summary"),
        _date("delivered_on", optional=True),
    ),
    "record_delivery": (_date("delivered_on"),),
    "instruct": (_area("instruction"),),
    "urge": (_area("note"),),
    "rate": (_choice("satisfaction", Satisfaction, "satisfaction"), _date("rated_on")),
    "close": (_date("closed_on"), _NOTE),
    "request_review": (_date("requested_on"), _NOTE),
    "decide_review": (
        _date("decided_on"),
        _choice("outcome", Outcome, "outcome"),
        _area("summary"),
        _date("delivered_on", optional=True),
    ),
    "request_reexam": (_date("requested_on"), _NOTE),
    "decide_reexam": (_date("decided_on"), _choice("outcome", Outcome, "outcome"), _area("summary")),
    "route_out": (
        _choice("route", Route, "route", exclude=(Route.PETITION,)),
        Input("routed_to", "text"),
        _date("on"),
        _NOTE,
    ),
    "merge": (Input("into_case_id", "case"), _date("on"), _NOTE),
    "withdraw": (_date("on"), _area("reason")),
    "invalidate": (_date("on"), _area("reason")),
    "take_charge": (_NOTE,),
    "link_repeat": (Input("repeat_of_id", "case"), _area("new_facts", optional=True), _NOTE),  # 第36条
}


def _key(case_id: int, action: str, name: str) -> str:
    return f"pd_act_{case_id}_{action}_{name}"


# --- opening, closing, submitting -----------------------------------------------------------------


def _open(case_id: int, version: int, action: str) -> None:
    st.session_state[OPEN] = {"case_id": case_id, "version": version, "action": action}
    st.session_state[ERRORS], st.session_state[STALE] = {}, None


def close() -> None:
    """Close the dialog and forget its messages (the next run reloads the case)."""
    st.session_state[OPEN], st.session_state[ERRORS], st.session_state[STALE] = None, {}, None


def _value(session, user, case_id: int, action: str, spec: Input):
    raw = st.session_state.get(_key(case_id, action, spec.name))
    if spec.kind in {"text", "area"}:
        text = (raw or "").strip()
        return text or (None if spec.optional else "")
    if spec.kind == "units":
        return list(raw or [])
    if spec.kind == "flag":
        return bool(raw)
    if spec.kind == "days":
        return int(raw) if raw is not None else None
    if spec.kind == "case":
        return case_file.case_id_for_number(session, user, raw)
    return raw


def action_func(action: str):
    """Return the function an action's dialog calls: the mediation record's for referral and return."""
    return referral.CASE_ACTIONS.get(action, workflow.TRANSITIONS[action].func)


def _submit(user, case_id: int, version: int, action: str) -> None:
    """Call the transition with the version the page loaded; keep errors for the dialog, or close it."""
    state = st.session_state
    try:
        with db.session_scope() as session:
            values = {s.name: _value(session, user, case_id, action, s) for s in SPECS[action]}
            result = action_func(action)(session, user, case_id, version, **values)
    except ValidationError as exc:
        state[ERRORS] = exc.errors or {"_form": exc.message}
        return
    except StaleVersion as exc:
        state[STALE] = exc.message
        return
    except PetitionDeskError as exc:
        state[ERRORS] = {"_form": exc.message}
        return
    close()
    message = getattr(result, "message", None)
    state[FLASH] = message or t("casefile.action_done", action=workflow.action_label(action))


# --- rendering ------------------------------------------------------------------------------------


def show(file: case_file.CaseFile, user) -> None:
    """Show one button per available action, and the open dialog if there is one for this case."""
    case = file.case
    if file.actions:
        with st.container(horizontal=True, gap="small"):
            for action in file.actions:
                st.button(
                    workflow.action_label(action),
                    key=f"pd_action_{action}",
                    type="primary" if action in PRIMARY else "secondary",
                    on_click=_open,
                    args=(case.id, case.version, action),
                )
    wanted = st.query_params.get("action")
    if wanted:  # a to-do link names the action: open its dialog once, then drop it from the URL
        del st.query_params["action"]
        if wanted in file.actions:
            _open(case.id, case.version, wanted)
    opened = st.session_state.get(OPEN)
    if opened and opened["case_id"] == case.id and opened["action"] in file.actions:
        dialog = st.dialog(workflow.action_label(opened["action"]), width="medium", on_dismiss=close)
        dialog(_body)(file, user, opened["version"], opened["action"])


def _body(file: case_file.CaseFile, user, version: int, action: str) -> None:
    state = st.session_state
    if not state.get(OPEN):  # submitted: rerun the whole page so it shows the new state
        st.rerun()
    case = file.case
    st.caption(f"{case.number} · {md(case.title)}")
    if state.get(STALE):
        st.warning(state[STALE], icon=":material/sync_problem:")
        st.button(t("casefile.reload"), key="pd_act_reload", on_click=close, type="primary")
        return
    errors = dict(state.get(ERRORS) or {})
    units = _unit_options(action)
    hint = _responsibility(file, action, units)
    with st.form(f"pd_act_form_{case.id}_{action}", border=False):
        for spec in SPECS[action]:
            _input(file, action, spec, units, hint if action in SUGGESTS else None)
            field_error(errors.pop(spec.name, None))
        for message in errors.values():
            st.error(message)
        st.form_submit_button(
            workflow.action_label(action),
            type="primary",
            on_click=_submit,
            args=(user, case.id, version, action),
        )


def _responsibility(file: case_file.CaseFile, action: str, units: dict[int, str]):
    """Show what the responsibility list says for the case's subject and street; return its line or None."""
    if action not in SUGGESTS and action != "settle_dispute":
        return None
    with db.session_scope() as session:
        line = responsibility.suggest(session, file.case.subject, file.case.street_id)
    if line is None:
        st.caption(t("responsibility.none", subject=label("subject", file.case.subject)))
        return None
    assists = "、".join(units[u] for u in line.assisting_unit_ids if u in units)
    where = file.place[0] if line.street_specific and file.place else t("lowcode.responsibility.district")
    lead = units.get(line.lead_unit_id, line.lead_unit)  # named as the pickers below name it
    text = t("responsibility.line", subject=label("subject", file.case.subject), where=where, lead=lead)
    st.info(
        text + (t("responsibility.assists", units=assists) if assists else ""),
        icon=":material/assignment_ind:",
    )
    return line


def _unit_options(action: str) -> dict[int, str]:
    if not any(s.kind in {"unit", "units"} for s in SPECS[action]):
        return {}
    with db.session_scope() as session:
        return places.names(places.units(session, fresh=True, full_names=True))


def _choice_label(spec: Input):
    if spec.labels.endswith("."):
        return lambda v: t(f"{spec.labels}{v}")
    return lambda v: label(spec.labels, v)


def _input(file: case_file.CaseFile, action: str, spec: Input, units: dict[int, str], hint=None) -> None:
    key, text = _key(file.case.id, action, spec.name), field_name(spec.name)
    text = (
        text[:1].upper() + text[1:]
    )  # field names are lower case for use inside messages; a label starts a line
    if spec.optional:
        text = t("casefile.optional", field=text)
    today = timeutil.today()
    if spec.kind == "date":
        default = None if spec.optional else today
        st.date_input(
            text, value=default, min_value=EARLIEST_DATE, max_value=today, format="YYYY-MM-DD", key=key
        )
    elif spec.kind == "text":
        st.text_input(text, max_chars=text_limit(spec.name).max_len, key=key)
    elif spec.kind == "area":
        st.text_area(text, max_chars=text_limit(spec.name).max_len, height=100, key=key)
    elif spec.kind == "choice":
        index = _default_choice(file, spec)
        st.selectbox(text, spec.choices, index=index, format_func=_choice_label(spec), key=key)
    elif spec.kind == "unit":
        ids = list(units)
        index = ids.index(hint.lead_unit_id) if hint and hint.lead_unit_id in units else None
        st.selectbox(text, ids, index=index, format_func=units.get, key=key)
    elif spec.kind == "units":
        default = [u for u in hint.assisting_unit_ids if u in units] if hint else []
        st.multiselect(text, list(units), default=default, format_func=units.get, key=key)
    elif spec.kind == "days":
        st.number_input(text, min_value=1, value=None, step=1, key=key)
    elif spec.kind == "flag":
        st.checkbox(text, key=key)
    elif spec.kind == "case":
        st.text_input(text, max_chars=20, placeholder="JB-2025-000001", key=key)


def _default_choice(file: case_file.CaseFile, spec: Input) -> int | None:
    """Preselect the first missing meeting of 三见面; other choices wait for the user."""
    if spec.name == "kind" and spec.labels == "meeting" and file.missing_meetings:
        return spec.choices.index(file.missing_meetings[0].value)
    return None
