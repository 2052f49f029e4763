"""Case file (案件卷宗): header with every stage's due date, then parties, content, timeline, linked cases,
meetings and documents, and the buttons for exactly the actions the user may take now. URL: case?id=N."""

from __future__ import annotations

from functools import partial

import streamlit as st

from core.cases import attachments, case_file
from core.platform import db
from core.platform.errors import NotFound
from core.platform.timeutil import today
from i18n import label, t
from i18n.format import fmt_date, fmt_datetime, fmt_int
from widgets import case_actions, case_documents, case_header, parties, timeline
from widgets.guard import require_page
from widgets.session import same_tab_link
from widgets.text import md


def _case_id() -> int | None:
    raw = st.query_params.get("id", "")
    return int(raw) if raw.isdigit() else None


def render() -> None:
    user = require_page("case.view")
    case_id = _case_id()
    if case_id is None:
        st.info(t("casefile.no_id"))
        return
    try:
        with db.session_scope() as session:
            file = case_file.load(session, user, case_id, today())
            session.expunge_all()  # keep the loaded rows readable after the session ends
    except NotFound as exc:
        st.error(exc.message)
        return
    flash = st.session_state.pop(case_actions.FLASH, None)
    if flash:
        st.success(flash, icon=":material/check_circle:")
    case_header.show(file)
    case_actions.show(file, user)
    _tabs(file, user)


def _tabs(file: case_file.CaseFile, user) -> None:
    counts = {
        "parties": len(file.parties),
        "content": 0,
        "timeline": len(file.events),
        "linked": len(file.linked),
        "meetings": len(file.meetings),
        "documents": len(file.documents),
    }
    tabs = st.tabs([t(f"casefile.tab.{name}") + (f" ({n})" if n else "") for name, n in counts.items()])
    with tabs[0]:
        parties.show(file.parties, user, file.case.id, anonymous=file.case.anonymous)
    with tabs[1]:
        _content(file, user)
    with tabs[2]:
        _pauses(file)
        timeline.show(file)
    with tabs[3]:
        _linked(file)
    with tabs[4]:
        _meetings(file)
    with tabs[5]:
        case_documents.show(file, user)


def _content(file: case_file.CaseFile, user) -> None:
    case = file.case
    words = (("content", case.content), ("request", case.request)) if not file.material_hidden else ()
    if file.material_hidden:
        st.info(t("confidential.material_hidden"), icon=":material/lock:")
    for key, value in (*words, ("location", case.location)):
        if value:
            st.markdown(f"**{t(f'workflow.field.{key}')}**")
            st.text(value)
    if case.reply_summary:
        st.markdown(
            f"**{t('casefile.reply')}** · {label('outcome', case.outcome)} · {fmt_date(case.replied_on)}"
        )
        st.text(case.reply_summary)
    if case.extension_days:
        told = ""
        if case.extension_notified_on:
            how = label("notice_method", case.extension_notice)
            told = " · " + t("workflow.extension_told", date=fmt_date(case.extension_notified_on), how=how)
        st.caption(
            t("casefile.extended", days=case.extension_days) + " · " + md(case.extension_reason) + told
        )
    _attachments(file, user)


def _download(user, attachment_id: int) -> bytes:
    """Return an attachment's bytes when the button is clicked (checked again by core.attachments)."""
    try:
        with db.session_scope() as session:
            return attachments.read(session, user, attachment_id)[1]
    except NotFound:  # removed from the store, or no longer visible: an empty file rather than a crash
        return b""


def _attachments(file: case_file.CaseFile, user) -> None:
    st.markdown(f"**{t('casefile.attachments')}**")
    if not file.attachments:
        st.caption(t("casefile.attachments_none"))
        return
    for a in file.attachments:
        with st.container(horizontal=True, vertical_alignment="center"):
            size = t("casefile.bytes", n=fmt_int(a.size))
            st.markdown(
                f"{md(a.filename)} · :gray[{size} · {md(fmt_datetime(a.uploaded_at))}]", width="stretch"
            )
            st.download_button(
                t("casefile.download"),
                data=partial(_download, user, a.id),
                file_name=a.filename,
                mime=a.mime_type,
                key=f"pd_att_{a.id}",
                on_click="ignore",
                icon=":material/download:",
            )


def _linked(file: case_file.CaseFile) -> None:
    if not file.linked:
        st.info(t("casefile.linked_none"))
        return
    for link in file.linked:
        with st.container(horizontal=True, vertical_alignment="center"):
            st.markdown(f"**{t(f'casefile.relation.{link.relation}')}**")
            same_tab_link(link.number, f"case?id={link.id}")
            st.markdown(f"{md(link.title)} · {label('status', link.status)} · {fmt_date(link.received_on)}")


def _meetings(file: case_file.CaseFile) -> None:
    if file.missing_meetings:
        missing = "、".join(label("meeting", k) for k in file.missing_meetings)
        st.warning(t("casefile.meetings_missing", kinds=missing), icon=":material/groups:")
    elif file.case.is_first:
        st.success(t("casefile.meetings_complete"), icon=":material/groups:")
    for m in file.meetings:
        with st.container(border=True, gap=None):
            st.markdown(
                f"**{label('meeting', m.kind)}** · {fmt_date(m.held_on)} · {md(m.place)} · {md(m.people)}"
            )
            if m.notes:
                st.text(m.notes)


def _pauses(file: case_file.CaseFile) -> None:
    for p in file.pauses:
        end = fmt_date(p.ended_on) if p.ended_on else t("casefile.pause_running")
        line = f"{t('casefile.pause')}：{label('pause', p.kind)} · {label('stage', p.stage)}"
        line += f" · {fmt_date(p.started_on)} – {end}"
        st.caption(f"{line} · {md(p.reason)}")
