"""The sections of the intake form: source, people, matter, place and attachments, each field with its error."""

from __future__ import annotations

import streamlit as st

from core.cases import attachments
from core.cases.registration import LEADER_CHANNELS
from core.places import places, subjects
from core.platform import db, timeutil
from core.platform.validation import EARLIEST_DATE, text_limit
from i18n import label, t
from models import Category, Channel, Outcome, Route
from widgets import intake_form as form
from widgets.place_picker import place_picker

GENERATION = "pd_intake_generation"  # part of the uploader's key: a new key empties it


def uploader_key() -> str:
    """Return the uploader's key; it changes when the form is emptied for the next petition."""
    return f"pd_intake_files_{st.session_state.get(GENERATION, 0)}"


def _select(name: str, options: list, kind: str | None = None, **kwargs):
    fmt = (lambda v: label(kind, v)) if kind else kwargs.pop("format_func")
    kwargs.setdefault("placeholder", t("desk.intake.choose"))
    st.selectbox(form.label_of(name), options, key=form.key_of(name), format_func=fmt, **kwargs)


def source(errs: form.FieldErrors, user) -> None:
    """Show the channel and the date received, and the leader fields for 领导接访 and 马路办公."""
    st.session_state.setdefault(form.key_of("channel"), Channel.VISIT.value)
    st.session_state.setdefault(form.key_of("received_on"), timeutil.today())
    cols = st.columns(2)
    with cols[0]:
        _select("channel", [c.value for c in Channel], "channel")
    with cols[1]:
        st.date_input(
            form.label_of("received_on"),
            key=form.key_of("received_on"),
            min_value=EARLIEST_DATE,
            max_value=timeutil.today(),
        )
        errs.show("received_on")
    if form.value("channel") in LEADER_CHANNELS:
        _leader(errs, user)


def _leader(errs: form.FieldErrors, user) -> None:
    with db.session_scope() as session:
        leaders = places.names(places.leaders(session))
    if user.id in leaders:  # a leader registering what he received himself
        st.session_state.setdefault(form.key_of("received_by_leader_id"), user.id)
    cols = st.columns(2)
    with cols[0]:
        _select(
            "received_by_leader_id", list(leaders), index=None, format_func=lambda v: leaders.get(v, str(v))
        )
        errs.show("received_by_leader_id")
    with cols[1]:
        st.checkbox(t("desk.intake.onsite_resolved"), key=form.key_of("onsite_resolved"))
        errs.show("onsite_resolved")
    if form.value("onsite_resolved"):
        _select("onsite_outcome", [o.value for o in Outcome], "outcome", index=None)
        errs.show("onsite_outcome")
        st.text_area(form.label_of("onsite_note"), key=form.key_of("onsite_note"), height=80)
        errs.show("onsite_note")


def people(errs: form.FieldErrors) -> None:
    """Show the petitioners, and for a group its size and representatives."""
    st.subheader(t("desk.intake.people"), anchor=False)
    cols = st.columns(2)
    cols[0].checkbox(t("desk.intake.anonymous"), key=form.key_of("anonymous"))
    group = cols[1].toggle(t("desk.intake.group"), key=form.key_of("group"))
    form.people_list(errs, "petitioners")
    if group:
        st.session_state.setdefault(form.key_of("group_size"), 2)
        size, note = st.columns([1, 2], vertical_alignment="center")
        with size:
            st.number_input(
                form.label_of("group_size"),
                min_value=1,
                max_value=100000,
                step=1,
                key=form.key_of("group_size"),
            )
            errs.show("group_size")
        note.caption(t("desk.intake.representatives_note"))
        form.people_list(errs, "representatives")


def matter(errs: form.FieldErrors) -> None:
    """Show the legal category and route, the subject, title, content and request."""
    st.subheader(t("desk.intake.matter"), anchor=False)
    st.session_state.setdefault(form.key_of("category"), Category.COMPLAINT.value)
    cols = st.columns(3)
    with cols[0]:
        _select("category", [c.value for c in Category], "category")
    with cols[1]:
        if form.value("category") == Category.COMPLAINT.value:
            st.session_state.setdefault(form.key_of("route"), Route.PETITION.value)
            _select("route", [r.value for r in Route], "route")
            errs.show("route")
    with cols[2]:
        with db.session_scope() as session:
            keys = list(subjects.active_keys(session))  # the administrator's table, in his order
        _select("subject", keys, "subject", index=None)
        errs.show("subject")
    for name, widget in (("title", st.text_input), ("content", st.text_area), ("request", st.text_area)):
        extra = {} if name == "title" else {"height": 120 if name == "content" else 68}
        widget(form.label_of(name), key=form.key_of(name), max_chars=text_limit(name).max_len, **extra)
        errs.show(name)
    # the help shows as a caption: a help icon would be one more Tab stop on the way to the next field
    st.checkbox(t("desk.intake.confidential"), key=form.key_of("confidential"))
    st.caption(t("desk.intake.confidential_help"))


def place(errs: form.FieldErrors) -> None:
    """Show the street, community and grid pickers and the place where it happened."""
    st.subheader(t("desk.intake.place"), anchor=False)
    place_picker(form.PREFIX)
    for name in ("street_id", "community_id", "grid_id"):
        errs.show(name)
    st.text_input(
        form.label_of("location"), key=form.key_of("location"), max_chars=text_limit("location").max_len
    )
    errs.show("location")


def files(errs: form.FieldErrors) -> None:
    """Show the uploader of scans, photos and audio."""
    st.subheader(t("desk.intake.attachments"), anchor=False)
    st.file_uploader(
        t("desk.intake.files"),
        type=list(attachments.EXTENSIONS),
        accept_multiple_files=True,
        max_upload_size=attachments.MAX_BYTES // (1024 * 1024),
        key=uploader_key(),
    )
    st.caption(t("desk.intake.files_help", max=attachments.MAX_BYTES // (1024 * 1024)))
    errs.show("attachments")
