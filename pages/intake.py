"""Intake (登记): one form for every channel, checked while typing, registered in one step."""

from __future__ import annotations

import streamlit as st

from core.cases import attachments
from core.cases.registration import LEADER_CHANNELS, register_case
from core.platform import db
from core.platform.errors import PetitionDeskError, ValidationError
from core.platform.validation import field_label
from i18n import t
from models import Category, Route
from widgets import intake_draft as draft
from widgets import intake_form as form
from widgets import intake_sections as sections
from widgets import keyboard
from widgets import session as session_widget
from widgets.case_table import case_link
from widgets.guard import require_page
from widgets.intake_repeats import linked_id, new_facts, repeat_panel
from widgets.text import field_error

DONE = form.PREFIX + "done"  # the registered case, shown until the clerk starts the next one


def _data() -> tuple[dict, dict[str, list[int]]]:
    """Return what the form holds as CaseCreate data, and where each person sits on the form."""
    v, leader = form.value, form.value("channel") in LEADER_CHANNELS
    petitioners, pet_at = form.people("petitioners")
    representatives, rep_at = form.people("representatives") if v("group") else ([], [])
    onsite = leader and bool(v("onsite_resolved"))
    complaint = v("category") == Category.COMPLAINT.value
    data = {
        "channel": v("channel"),
        "received_on": v("received_on"),
        "category": v("category"),
        "route": v("route") if complaint else Route.PETITION.value,
        "subject": v("subject") or "",
        "title": v("title") or "",
        "content": v("content") or "",
        "request": form.text("request"),
        "petitioners": petitioners,
        "representatives": representatives,
        "group_size": int(v("group_size") or 1) if v("group") else max(1, len(petitioners)),
        "anonymous": bool(v("anonymous")),
        "confidential": bool(v("confidential")),
        "street_id": v("street_id"),
        "community_id": v("community_id"),
        "grid_id": v("grid_id"),
        "location": form.text("location"),
        "received_by_leader_id": v("received_by_leader_id") if leader else None,
        "onsite_resolved": onsite,
        "onsite_outcome": v("onsite_outcome") if onsite else None,
        "onsite_note": form.text("onsite_note") if onsite else None,
        "repeat_of_id": linked_id(),
        "new_facts": new_facts(),
    }
    return data, {"petitioners": pet_at, "representatives": rep_at}


def _refused(exc: ValidationError, where: dict[str, list[int]]) -> None:
    errors = form.form_errors(exc.errors or {"form": exc.message}, where)
    if "subject" in errors and not form.value("subject"):
        errors["subject"] = t("workflow.error.required", field=field_label("subject"))
    form.store_errors(errors)


def _submit() -> None:
    """Register the case once (called by the submit button before the page is drawn again)."""
    st.session_state.pop(form.ERRORS, None)
    data, where = _data()
    files = st.session_state.get(sections.uploader_key()) or []
    uploads = [attachments.Upload(f.name, f.getvalue()) for f in files]
    user = session_widget.current_user()
    try:
        attachments.check_uploads(uploads)
        with db.session_scope() as session:
            st.session_state[DONE] = _register(session, user, data, uploads)
        draft.forget(user)
    except ValidationError as exc:
        _refused(exc, where)
    except PetitionDeskError as exc:
        form.store_errors({"form": exc.message})


def _register(session, user, data: dict, uploads: list) -> dict:
    """Register the case and attach its files; return what the confirmation shows."""
    done = register_case(session, user, data)
    messages, case = list(done.messages), done.case
    # register_case commits the case; its files are attached right after, in a second transaction with
    # the case id. Their check ran before registering, so only a disk or database failure can stop them.
    if uploads:
        try:
            attachments.add_to_case(session, user, case.id, uploads)
        except (OSError, PetitionDeskError) as exc:
            messages.append(t("desk.intake.files_failed", error=getattr(exc, "message", str(exc))))
    return {"id": case.id, "number": case.number, "code": done.query_code, "messages": messages}


def _next() -> None:
    """Empty the form for the next petition."""
    for key in [k for k in st.session_state if str(k).startswith(form.PREFIX)]:
        del st.session_state[key]
    st.session_state[sections.GENERATION] = st.session_state.get(sections.GENERATION, 0) + 1


def _registered(done: dict) -> None:
    st.success(t("desk.intake.registered", number=done["number"]), icon=":material/check_circle:")
    st.write(t("desk.intake.query_code"))
    st.code(done["code"], language=None)
    for message in done["messages"]:
        field_error(message)
    cols = st.columns([1, 1, 3])
    cols[0].button(
        t("desk.intake.next"), type="primary", on_click=_next, key="pd_intake_next", shortcut="Ctrl+Enter"
    )
    with cols[1]:
        case_link(done["id"], t("desk.intake.open_case"))


def _submit_bar(errs: form.FieldErrors) -> None:
    pending = errs.pending()
    if pending:
        st.error(t("desk.intake.fix_errors", count=pending), icon=":material/error:")
    for message in errs.rest():
        field_error(message)
    st.button(
        t("desk.intake.submit"),
        type="primary",
        key="pd_intake_submit",
        on_click=_submit,
        shortcut="Ctrl+Enter",
    )
    st.caption(t("desk.intake.submit_hint"))


def render() -> None:
    user = require_page("case.register")
    st.title(t("desk.intake.title"), anchor=False)
    keyboard.focus_first(form.key_of("channel"))
    done = st.session_state.get(DONE)
    if done:
        _registered(done)
        return
    draft.restore(user)
    draft.notice(user)
    errs = form.FieldErrors.load()
    main, side = st.columns([2, 1], gap="large")
    with main:
        sections.source(errs, user)
        sections.people(errs)
        sections.matter(errs)
        sections.place(errs)
        sections.files(errs)
        _submit_bar(errs)
    with side:
        persons = form.people("petitioners")[0] + (
            form.people("representatives")[0] if form.value("group") else []
        )
        repeat_panel(user, persons, form.text("title"), form.value("subject"), form.value("received_on"))
    draft.keep(user)
