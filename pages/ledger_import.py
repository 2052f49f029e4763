"""Ledger import (台账导入): upload an Excel or CSV ledger, confirm its columns, check every row, then import."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import streamlit as st

from core.exchange import ledger, mapping
from core.platform import db, scratch, timeutil
from core.platform.errors import ValidationError
from i18n import t
from i18n.format import fmt_int
from widgets.guard import require_page

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHOWN_ERRORS = 200
STATE = "pd_import"  # {"file": path, "name": str, "header": [...], "prepared": Prepared, "done": Committed}


def _state() -> dict:
    return st.session_state.setdefault(STATE, {})


def _reset() -> None:
    state = _state()
    if state.get("prepared") is not None:
        state["prepared"].discard()
    if state.get("file"):
        shutil.rmtree(Path(state["file"]).parent, ignore_errors=True)  # the uploaded ledger
    st.session_state[STATE] = {}


def _progress_bar():
    bar = st.progress(0.0)

    def update(phase: str, done: int, total: int | None) -> None:
        share = min(1.0, done / total) if total else 0.0
        bar.progress(
            share, text=t(f"exchange.page.phase_{phase}", done=fmt_int(done), total=fmt_int(total or done))
        )

    return update


def _upload(state: dict) -> None:
    upload = st.file_uploader(t("exchange.page.upload"), type=["xlsx", "csv"], key="pd_import_upload")
    st.caption(t("exchange.page.upload_help"))
    if upload is None:
        return
    if state.get("name") == upload.name and state.get("size") == upload.size:
        return
    _reset()
    folder = scratch.folder("upload")  # a killed app's uploads are swept by the next upload
    path = folder / ("ledger" + Path(upload.name).suffix.lower())
    path.write_bytes(upload.getvalue())
    try:
        header = ledger.read_header(path, upload.name)
    except ValidationError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        st.error(exc.message)
        return
    st.session_state[STATE] = {"file": str(path), "name": upload.name, "size": upload.size, "header": header}


def _mapping_form(user, state: dict) -> dict[str, str] | None:
    header = state["header"]
    with db.session_scope() as session:
        suggested = mapping.suggest(session, header)
    choices = ["", *mapping.FIELDS]
    st.subheader(t("exchange.page.mapping"))
    st.caption(t("exchange.page.mapping_help"))
    with st.form("pd_import_mapping"):
        chosen, cols = {}, st.columns(3)
        for i, column in enumerate(header):
            if not column:
                continue
            field = cols[i % 3].selectbox(
                column,
                choices,
                index=choices.index(suggested.get(column, "")),
                format_func=lambda f: mapping.field_name(f) if f else t("exchange.page.ignore"),
                key=f"pd_import_map_{i}",
            )
            if field:
                chosen[column] = field
        checked = st.form_submit_button(t("exchange.page.check"), type="primary")
    return chosen if checked else None


def _check(user, state: dict, chosen: dict[str, str]) -> None:
    update = _progress_bar()
    try:
        with db.session_scope() as session:
            state["prepared"] = ledger.prepare(
                session, user, Path(state["file"]), filename=state["name"], mapping=chosen, progress=update
            )
    except ValidationError as exc:
        st.error(exc.message)


def _report(user, state: dict) -> None:
    prepared: ledger.Prepared = state["prepared"]
    st.subheader(t("exchange.page.report"))
    cols = st.columns(5)
    cols[0].metric(t("exchange.page.total"), fmt_int(prepared.total))
    cols[1].metric(t("exchange.page.valid"), fmt_int(prepared.valid))
    cols[2].metric(t("exchange.page.existing"), fmt_int(prepared.existing))
    cols[3].metric(t("exchange.page.bad"), fmt_int(prepared.bad_rows))
    cols[4].metric(t("exchange.page.open"), fmt_int(prepared.open))
    if prepared.errors:
        st.error(t("exchange.error.has_errors", count=prepared.bad_rows))
        frame = pd.DataFrame(
            [
                {
                    t("exchange.report.row"): e.row,
                    t("exchange.report.column"): e.column,
                    t("exchange.report.value"): e.value,
                    t("exchange.report.reason"): e.reason,
                }
                for e in prepared.errors[:SHOWN_ERRORS]
            ]
        )
        st.dataframe(frame, hide_index=True, width="stretch")
        if len(prepared.errors) > SHOWN_ERRORS:
            st.caption(t("exchange.page.more_errors", n=fmt_int(len(prepared.errors) - SHOWN_ERRORS)))
        st.download_button(
            t("exchange.page.download_report"),
            data=ledger.error_report(prepared),
            file_name=f"ledger-errors-{timeutil.today():%Y%m%d}.xlsx",
            mime=XLSX,
            icon=":material/download:",
        )
        return
    if prepared.valid == 0:
        st.info(t("exchange.page.nothing_new"))
        return
    st.success(t("exchange.page.ready", n=fmt_int(prepared.valid)))
    if st.button(
        t("exchange.page.commit", n=fmt_int(prepared.valid)), type="primary", key="pd_import_commit"
    ):
        update = _progress_bar()
        try:
            with db.session_scope() as session:
                state["done"] = ledger.commit(session, user, prepared, progress=update)
        except ValidationError as exc:
            st.error(exc.message)
            return
        state.pop("prepared", None)
        st.rerun()


def _done(state: dict) -> None:
    done: ledger.Committed = state["done"]
    st.success(t("exchange.page.done", created=fmt_int(done.created), skipped=fmt_int(done.skipped)))
    if done.query_codes:
        st.warning(t("exchange.page.codes_once", n=fmt_int(len(done.query_codes))))
        st.download_button(
            t("exchange.page.download_codes"),
            data=ledger.query_code_sheet(done),
            file_name=f"query-codes-{timeutil.today():%Y%m%d}.xlsx",
            mime=XLSX,
            icon=":material/key:",
        )
    st.button(t("exchange.page.another"), on_click=_reset)


def render() -> None:
    user = require_page("case.import")
    st.title(t("exchange.page.title"))
    st.caption(t("exchange.page.intro"))
    state = _state()
    if "done" in state:
        _done(state)
        return
    _upload(state)
    state = _state()
    if "header" not in state:
        return
    chosen = _mapping_form(user, state)
    if chosen is not None:
        _check(user, state, chosen)
    if "prepared" in state:
        _report(user, state)
