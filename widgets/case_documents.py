"""The case file's 文书 tab: the standard documents with their revisions, generating one, a 送达回证's return, and a
closed case's archive package."""

from __future__ import annotations

from functools import partial

import streamlit as st

from core.accounts import permissions
from core.cases import case_file
from core.cases.status import is_ended
from core.documents import archive, standard
from core.platform import db, timeutil
from core.platform.errors import NotFound, PetitionDeskError, ValidationError
from i18n import t
from i18n.format import fmt_date, fmt_datetime
from models import Document, DocumentKind
from widgets.text import field_error, md

ERRORS = "pd_doc_errors"  # {field: message} of the last refused action on this tab
FLASH = "pd_doc_flash"


def document_bytes(user, document_id: int) -> bytes:
    """Return a document's .docx when its download button is clicked (empty if no longer visible)."""
    try:
        with db.session_scope() as session:
            return standard.read(session, user, document_id)[1]
    except NotFound:
        return b""


def _archive(user, case_id: int) -> bytes:
    with db.session_scope() as session:
        return archive.export_case(session, user, case_id)[1]


def _generate(user, case_id: int, kind: str) -> None:
    try:
        with db.session_scope() as session:
            doc = standard.generate(session, user, kind, case_id)
        st.session_state[FLASH] = t(
            "doc.widget.generated", kind=standard.kind_name(kind), revision=doc.revision
        )
        st.session_state.pop(ERRORS, None)
    except ValidationError as exc:
        st.session_state[ERRORS] = {"kind": str(exc)}
    except PetitionDeskError as exc:
        st.session_state[ERRORS] = {"kind": str(exc)}


def _return(user, doc_id: int, version: int, key: str) -> None:
    day = st.session_state.get(key)
    try:
        with db.session_scope() as session:
            standard.record_return(session, user, doc_id, version, returned_on=day)
        st.session_state[FLASH] = t("doc.widget.receipt_recorded", date=fmt_date(day))
        st.session_state.pop(ERRORS, None)
    except ValidationError as exc:
        st.session_state[ERRORS] = {f"returned_on_{doc_id}": exc.errors.get("delivered_on") or str(exc)}
    except PetitionDeskError as exc:
        st.session_state[ERRORS] = {f"returned_on_{doc_id}": str(exc)}


def show(file: case_file.CaseFile, user) -> None:
    """Show the case's documents, newest revision of each first, with what the user may do with them."""
    case = file.case
    errors = st.session_state.get(ERRORS) or {}
    if flash := st.session_state.pop(FLASH, None):
        st.success(flash, icon=":material/check_circle:")
    with db.session_scope() as session:
        kinds = standard.available_kinds(session, user, case)
    if kinds:
        with st.container(horizontal=True, vertical_alignment="bottom"):
            kind = st.selectbox(
                t("doc.widget.kind"),
                [k.value for k in kinds],
                format_func=standard.kind_name,
                key="pd_doc_kind",
            )
            st.button(
                t("doc.widget.generate"),
                icon=":material/description:",
                on_click=_generate,
                args=(user, case.id, kind),
                key="pd_doc_generate",
            )
        field_error(errors.get("kind"))
    else:
        st.caption(t("doc.widget.none_available"))
    if is_ended(case.status) and permissions.allowed(user, "archive.export"):
        st.download_button(
            t("doc.page.archive_download"),
            data=partial(_archive, user, case.id),
            file_name=t("doc.archive.zip_name", number=case.number),
            mime="application/zip",
            on_click="ignore",
            icon=":material/inventory_2:",
            key="pd_doc_archive",
        )
    if not file.documents:
        st.info(t("casefile.documents_none"))
        return
    seen: set[tuple[str, str]] = set()
    for d in file.documents:
        latest = (d.kind, d.number) not in seen
        seen.add((d.kind, d.number))
        _row(d, user, case, latest, errors)


def _row(d: Document, user, case, latest: bool, errors: dict) -> None:
    kind = DocumentKind(d.kind)
    with st.container(horizontal=True, vertical_alignment="center"):
        parts = [f"**{md(standard.kind_name(kind))}**", md(d.number), t("doc.widget.revision", n=d.revision)]
        if latest:
            parts.append(f":green-badge[{t('doc.widget.latest')}]")
        if d.returned_on:
            parts.append(t("doc.widget.returned", date=fmt_date(d.returned_on)))
        st.markdown(" · ".join(parts) + f" · :gray[{md(fmt_datetime(d.created_at))}]", width="stretch")
        st.download_button(
            t("doc.widget.download"),
            data=partial(document_bytes, user, d.id),
            file_name=f"{standard.kind_name(kind)}_{d.number}_v{d.revision}.docx",
            mime=standard.DOCX_MIME,
            on_click="ignore",
            icon=":material/download:",
            key=f"pd_doc_{d.id}",
        )
    if kind == DocumentKind.DELIVERY_RECEIPT and latest and d.returned_on is None:
        key = f"pd_doc_return_{d.id}"
        with st.container(horizontal=True, vertical_alignment="bottom"):
            st.date_input(t("doc.widget.receipt_return"), value=timeutil.today(), key=key, width=220)
            st.button(
                t("doc.widget.receipt_record"),
                on_click=_return,
                args=(user, d.id, case.version, key),
                key=f"pd_doc_return_btn_{d.id}",
            )
        field_error(errors.get(f"returned_on_{d.id}"))
