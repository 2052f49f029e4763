"""Import and export buttons of a generated table: the export of what the list selects (.xlsx or .csv), and
the import dialog (upload, a dry run listing every bad row, then an all-or-nothing commit).
"""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from core.accounts import permissions
from core.platform import db, timeutil
from core.platform.errors import PetitionDeskError
from i18n import t
from i18n.format import fmt_int
from lowcode import query, transfer
from lowcode.registry import Registry
from lowcode.spec import AdminSpec, field_label, title
from lowcode.ui_state import close, flash, is_open, open_dialog

REPORT = "lc.import_report"  # {"spec", "file", "size", "report", "ignored", "encoding"} of the last dry run


def _allowed(user, spec: AdminSpec, operation: str) -> bool:
    action = spec.roles.of(operation)
    return action is not None and permissions.allowed(user, action)


def _export(registry: Registry, spec: AdminSpec, user, state: query.ListState, fmt: str) -> bytes:
    with db.session_scope() as session:
        data, _ = transfer.export_file(session, registry, spec, user, state, fmt)
    return data


def _file_name(spec: AdminSpec, ext: str) -> str:
    return t("lowcode.transfer.file", table=title(spec), date=f"{timeutil.today():%Y%m%d}") + f".{ext}"


def buttons(registry: Registry, spec: AdminSpec, user, state: query.ListState, total: int) -> None:
    """Show export (xlsx, csv) and import, each only to the roles the spec names."""
    if _allowed(user, spec, "import"):
        st.button(
            t("lowcode.transfer.import"),
            key=f"lc.{spec.key}.import",
            on_click=open_dialog,
            args=(spec, "import"),
            icon=":material/upload:",
        )
    if not _allowed(user, spec, "export"):
        return
    everything = query.ListState(state.q, state.filters, state.sort)
    for fmt, mime in (("xlsx", transfer.XLSX_MIME), ("csv", transfer.CSV_MIME)):
        st.download_button(
            t(f"lowcode.transfer.export_{fmt}"),
            data=partial(_export, registry, spec, user, everything, fmt),
            file_name=_file_name(spec, fmt),
            mime=mime,
            key=f"lc.{spec.key}.export_{fmt}",
            on_click="ignore",
            icon=":material/download:",
            disabled=total == 0,
        )


def _run(registry: Registry, spec: AdminSpec, user, upload, commit: bool) -> None:
    data = upload.getvalue()
    try:
        with db.session_scope() as session:
            report, parsed = transfer.import_file(
                session, registry, spec, user, data, upload.name, commit=commit
            )
    except PetitionDeskError as exc:
        st.session_state[REPORT] = {"spec": spec.key, "file": upload.name, "failed": exc.message}
        return
    if report.committed:
        st.session_state[REPORT] = None
        close()
        flash("success", _committed(report))
        return
    st.session_state[REPORT] = {
        "spec": spec.key,
        "file": upload.name,
        "size": len(data),
        "report": report,
        "ignored": parsed.ignored,
        "encoding": parsed.encoding,
        "asked_commit": commit,
    }


def _committed(report) -> str:
    text = t(
        "lowcode.transfer.committed",
        created=fmt_int(report.created),
        updated=fmt_int(report.updated),
        unchanged=fmt_int(report.unchanged),
    )
    moved = report.details.get("cases_recomputed")
    return text + (t("lowcode.form.recomputed", n=fmt_int(moved)) if moved is not None else "")


def _errors_table(spec: AdminSpec, report) -> None:
    def column(name: str) -> str:
        return t("lowcode.transfer.whole_file") if name in ("_file", "_form") else field_label(spec, name)

    rows = [
        {
            t("lowcode.transfer.row"): e.row or "",
            t("lowcode.transfer.column"): column(e.field),
            t("lowcode.transfer.reason"): e.message,
        }
        for e in report.errors
    ]
    st.dataframe(
        pd.DataFrame(rows), hide_index=True, width="stretch", height="content" if len(rows) <= 12 else 420
    )


def _report(spec: AdminSpec, done: dict, upload) -> bool:
    """Show the last dry run of this file; return whether it may be committed."""
    if "failed" in done:
        st.error(done["failed"])
        return False
    report = done["report"]
    counts = t(
        "lowcode.transfer.dry_run",
        created=fmt_int(report.created),
        updated=fmt_int(report.updated),
        unchanged=fmt_int(report.unchanged),
    )
    if report.errors:
        bad = len({e.row for e in report.errors})
        st.error(
            t("lowcode.transfer.bad_rows", rows=fmt_int(bad), errors=fmt_int(len(report.errors))),
            icon=":material/error:",
        )
        _errors_table(spec, report)
        st.caption(counts)
        return False
    if done.get("ignored"):
        st.caption(t("lowcode.transfer.ignored", headers="、".join(done["ignored"][:10])))
    if not (report.created or report.updated):
        st.info(t("lowcode.transfer.nothing"), icon=":material/check:")
        return False
    st.success(counts, icon=":material/fact_check:")
    return True


def _body(registry: Registry, spec: AdminSpec, user) -> None:
    if not is_open(spec, "import"):
        st.rerun()
    st.caption(
        t(
            "lowcode.transfer.help",
            columns="、".join(c.header for c in transfer.columns(registry, spec) if not c.readable),
        )
    )
    upload = st.file_uploader(
        t("lowcode.transfer.file_label"),
        type=["xlsx", "csv"],
        key=f"lc.{spec.key}.upload",
        max_upload_size=50,
    )
    if upload is None:
        st.session_state[REPORT] = None
        return
    done = st.session_state.get(REPORT)
    same = (
        done
        and done.get("spec") == spec.key
        and done.get("file") == upload.name
        and done.get("size") in (None, upload.size)
    )
    if not same:
        st.button(
            t("lowcode.transfer.check"),
            key=f"lc.{spec.key}.import_check",
            type="primary",
            on_click=_run,
            args=(registry, spec, user, upload, False),
        )
        return
    ready = _report(spec, done, upload)
    cols = st.columns(2)
    cols[0].button(
        t("lowcode.transfer.commit"),
        key=f"lc.{spec.key}.import_commit",
        type="primary",
        disabled=not ready,
        on_click=_run,
        args=(registry, spec, user, upload, True),
    )
    cols[1].button(
        t("lowcode.transfer.check_again"),
        key=f"lc.{spec.key}.import_check",
        on_click=_run,
        args=(registry, spec, user, upload, False),
    )


def dialog(registry: Registry, spec: AdminSpec, user, state: query.ListState) -> None:
    """Show the import dialog of this table when it is open."""
    if is_open(spec, "import") and _allowed(user, spec, "import"):
        st.dialog(t("lowcode.transfer.import_title", table=title(spec)), width="large", on_dismiss=close)(
            _body
        )(registry, spec, user)
