"""Documents and archives (文书与档案): a day's acceptance notices as one .docx, the document templates, and the
closed cases whose archives are due for review of destruction."""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from core.accounts import permissions
from core.documents import archive, standard
from core.platform import db, timeutil
from core.platform.errors import PetitionDeskError, ValidationError
from i18n import t
from i18n.format import fmt_date, fmt_int
from models import DocumentKind
from widgets.case_documents import document_bytes
from widgets.guard import require_page
from widgets.text import field_error, md

BATCH = "pd_doc_batch"  # (day, bytes, count) of the last built batch, so its download survives the rerun
ERRORS = "pd_doc_page_errors"


def render() -> None:
    user = require_page("document.page")
    st.title(t("doc.page_title"))
    if permissions.allowed(user, "case.accept"):
        _batch(user)
    if permissions.allowed(user, "supervision.edit") or permissions.allowed(user, "mediation.edit"):
        _others(user)
    if permissions.allowed(user, "archive.view"):
        _due(user)
    if permissions.allowed(user, "document.template"):
        _templates(user)


def _batch(user) -> None:
    st.subheader(t("doc.page.batch_heading"))
    errors = st.session_state.get(ERRORS) or {}
    with st.container(horizontal=True, vertical_alignment="bottom"):
        day = st.date_input(
            t("doc.page.batch_day"), value=timeutil.today(), key="pd_doc_batch_day", width=220
        )
        build = st.button(t("doc.page.batch_build"), icon=":material/print:", key="pd_doc_batch_build")
    if build:
        try:
            with db.session_scope() as session:
                data, n = standard.batch_acceptance_notices(session, user, day)
            st.session_state[BATCH] = (day, data, n)
            errors.pop("day", None)
        except ValidationError as exc:
            st.session_state.pop(BATCH, None)
            errors["day"] = str(exc)
        st.session_state[ERRORS] = errors
    field_error(errors.get("day"))
    built = st.session_state.get(BATCH)
    if built and built[0] == day:
        st.caption(t("doc.page.batch_count", n=built[2]))
        st.download_button(
            t("doc.page.batch_download"),
            data=built[1],
            file_name=t("doc.batch.title", date=fmt_date(day)) + ".docx",
            mime=standard.DOCX_MIME,
            on_click="ignore",
            icon=":material/download:",
            key="pd_doc_batch_download",
        )


def _others(user) -> None:
    st.subheader(t("doc.page.others_heading"))
    errors = st.session_state.get(ERRORS) or {}
    with db.session_scope() as session:
        choices = standard.sources(session, user)
    if not choices:
        st.info(t("doc.page.others_none"))
        return
    with st.container(horizontal=True, vertical_alignment="bottom"):
        picked = st.selectbox(
            t("doc.page.others_source"),
            range(len(choices)),
            format_func=lambda i: f"{standard.kind_name(choices[i].kind)} · {choices[i].label}",
            key="pd_doc_source",
        )
        make = st.button(
            t("doc.widget.generate"), icon=":material/description:", key="pd_doc_source_generate"
        )
    source = choices[picked]
    if make:
        try:
            with db.session_scope() as session:
                doc = standard.generate(session, user, source.kind, source.target_id, unit_id=source.unit_id)
            errors.pop("source", None)
            st.success(t("doc.widget.generated", kind=standard.kind_name(source.kind), revision=doc.revision))
        except PetitionDeskError as exc:
            errors["source"] = str(exc)
        st.session_state[ERRORS] = errors
    field_error(errors.get("source"))
    with db.session_scope() as session:  # read inside: the scope's rollback expires the rows
        docs = [
            (d.id, d.kind, d.number, d.revision) for d in standard.source_documents(session, user, source)
        ]
    for doc_id, kind, number, revision in docs:
        with st.container(horizontal=True, vertical_alignment="center"):
            st.markdown(f"{md(number)} · {t('doc.widget.revision', n=revision)}", width="stretch")
            st.download_button(
                t("doc.widget.download"),
                data=partial(document_bytes, user, doc_id),
                file_name=f"{standard.kind_name(kind)}_{number}_v{revision}.docx",
                mime=standard.DOCX_MIME,
                on_click="ignore",
                icon=":material/download:",
                key=f"pd_doc_src_{doc_id}",
            )


def _due(user) -> None:
    st.subheader(t("doc.page.retention_heading"))
    st.caption(t("doc.page.retention_intro"))
    with db.session_scope() as session:
        rows, total = archive.due_for_review(session, user)
    if not rows:
        st.info(t("doc.page.retention_none"))
        return
    a = "doc.archive."
    frame = pd.DataFrame(
        [
            {
                t(f"{a}col_case"): r.number,
                t(f"{a}col_title"): r.title,
                t(f"{a}col_category"): r.category,
                t(f"{a}col_closed"): fmt_date(r.archived_on),
                t(f"{a}col_review_on"): fmt_date(r.review_on),
            }
            for r in rows
        ]
    )
    st.caption(t("doc.page.retention_total", n=fmt_int(total)))
    st.dataframe(frame, hide_index=True)


def _templates(user) -> None:
    st.subheader(t("doc.page.templates_heading"))
    errors = st.session_state.get(ERRORS) or {}
    kind = st.selectbox(
        t("doc.page.template_kind"),
        [k.value for k in DocumentKind],
        format_func=standard.kind_name,
        key="pd_doc_template_kind",
    )
    with db.session_scope() as session:
        data, row = standard.template_bytes(session, DocumentKind(kind))
        source = row.filename if row else t("doc.page.template_builtin")
    st.caption(t("doc.page.template_current", source=source))
    st.caption(t("doc.page.fields", fields=", ".join(sorted(standard.SPECS[DocumentKind(kind)].fields))))
    st.download_button(
        t("doc.page.template_download"),
        data=data,
        file_name=f"{kind}.docx",
        mime=standard.DOCX_MIME,
        on_click="ignore",
        icon=":material/download:",
        key="pd_doc_template_download",
    )
    upload = st.file_uploader(t("doc.page.template_file"), type=["docx"], key="pd_doc_template_file")
    if st.button(t("doc.page.template_upload"), disabled=upload is None, key="pd_doc_template_upload"):
        try:
            with db.session_scope() as session:
                standard.upload_template(session, user, kind, upload.name, upload.getvalue())
            errors.pop(standard.FIELD, None)
            st.success(t("doc.page.template_uploaded", kind=standard.kind_name(kind)))
        except PetitionDeskError as exc:
            errors[standard.FIELD] = str(exc)
        st.session_state[ERRORS] = errors
    field_error(errors.get(standard.FIELD))
