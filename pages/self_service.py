"""Petitioner self-service (信访事项查询, 第21条): no sign-in; the case number and the query code on the
acceptance notice show the status, due dates and reply, and let the petitioner rate the reply once.

This page never asks who is signed in: it shows only what core.self_service returns for the code.
"""

from __future__ import annotations

import streamlit as st

from core.cases import self_service
from core.platform import db
from core.platform.errors import PetitionDeskError
from i18n import label, t
from i18n.format import fmt_date

VERIFIED = "pd_public_case"  # {"number", "code", "view"}: this browser session's verified case (memory only)
ERROR = "pd_public_error"
THANKS = "pd_public_thanks"


def _text(value) -> str | None:
    return value if isinstance(value, str) else None  # AppTest has no connection and answers with mocks


def _client() -> str:
    ip, forwarded = st.context.ip_address, st.context.headers.get("X-Forwarded-For")
    return self_service.client_key(_text(ip), _text(forwarded))


def _look_up() -> None:
    state = st.session_state
    number, code = state.get("pd_public_number", ""), state.get("pd_public_code", "")
    try:
        with db.session_scope() as session:
            view = self_service.lookup(session, number, code, _client())
    except PetitionDeskError as exc:
        state[ERROR] = exc.message
        return
    state[VERIFIED] = {"number": number, "code": code, "view": view}
    state["pd_public_code"] = ""


def _rate() -> None:
    state, verified = st.session_state, st.session_state.get(VERIFIED)
    if not verified:
        return
    try:
        with db.session_scope() as session:
            view = self_service.rate(
                session, verified["number"], verified["code"], state.get("pd_public_rating"), _client()
            )
    except PetitionDeskError as exc:
        state[ERROR] = exc.message
        return
    verified["view"], state[THANKS] = view, True


def _leave() -> None:
    st.session_state[VERIFIED], st.session_state[ERROR] = None, None


def render() -> None:
    st.title(t("casefile.public.title"), anchor=False)
    error = st.session_state.pop(ERROR, None)
    verified = st.session_state.get(VERIFIED)
    if verified:
        if error:
            st.error(error)
        _view(verified["view"])
        return
    st.caption(t("casefile.public.intro"))
    with st.form("pd_public_form", width=480):
        st.text_input(
            t("casefile.public.number"), max_chars=20, placeholder="JB-2025-000001", key="pd_public_number"
        )
        st.text_input(t("casefile.public.code"), max_chars=32, key="pd_public_code")
        st.form_submit_button(t("casefile.public.submit"), type="primary", on_click=_look_up)
    if error:
        st.error(error)


def _view(view: self_service.PublicCaseView) -> None:
    with st.container(border=True, width=640):
        st.subheader(view.number, anchor=False)
        st.badge(label("status", view.status), color="blue")
        st.markdown(f"**{t('casefile.public.progress')}**")
        st.markdown("  \n".join(_due_line(due) for due in view.dues))
        if any(d.provisional for d in view.dues):
            st.caption("\\* " + t("deadline.provisional"))
        if view.replied_on:
            _reply(view)
    if st.session_state.pop(THANKS, None):
        st.success(t("casefile.public.thanks"))
    if view.can_rate:
        _rating()
    st.button(t("casefile.public.again"), on_click=_leave, type="tertiary")


def _due_line(due: self_service.PublicDue) -> str:
    line = f"{label('stage', due.stage)}：{t('casefile.due', date=fmt_date(due.on))}" + (
        "\\*" if due.provisional else ""
    )
    if due.done_on:
        return f"{line} · {t('casefile.done_on', date=fmt_date(due.done_on))}"
    return f"{line} {t('casefile.current')}" if due.current else line


def _reply(view: self_service.PublicCaseView) -> None:
    st.markdown(
        f"**{t('casefile.public.reply')}** · {fmt_date(view.replied_on)} · {label('outcome', view.outcome)}"
    )
    if view.reply_summary:
        st.text(view.reply_summary)
    if view.satisfaction:
        st.markdown(f"{t('casefile.public.your_rating')}：{label('satisfaction', view.satisfaction)}")


def _rating() -> None:
    with st.form("pd_public_rate", width=640):
        st.radio(
            t("casefile.public.rate"),
            [r.value for r in self_service.RATINGS],
            format_func=lambda v: label("satisfaction", v),
            index=None,
            horizontal=True,
            key="pd_public_rating",
        )
        st.form_submit_button(t("casefile.public.rate_submit"), on_click=_rate)
