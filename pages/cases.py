"""Case list (案件查询): search, filter, sort and page through the cases; the URL keeps the filter."""

from __future__ import annotations

import dataclasses
from datetime import date
from functools import partial

import streamlit as st

from core.accounts import permissions
from core.calendar import clock
from core.cases import case_list
from core.cases.case_list import CaseFilter
from core.platform import db, timeutil
from i18n import t
from i18n.format import fmt_int
from widgets import case_filters as filters
from widgets import kpi_drill
from widgets.case_table import case_table, open_case, pager, pager_page, set_pager
from widgets.guard import require_page

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SIGNATURE = "pd_cl_signature"  # the filter (without its page) of the last run: a new filter starts at page 1


def _page_of(f: CaseFilter) -> CaseFilter:
    """Return the filter at the page the user asked for; page 1 whenever the filter itself changed."""
    signature = case_list.to_params(dataclasses.replace(f, page=1))
    changed = SIGNATURE in st.session_state and st.session_state[SIGNATURE] != signature
    st.session_state[SIGNATURE] = signature
    if changed:
        set_pager(filters.PAGER, 1)
    return dataclasses.replace(f, page=max(1, pager_page(filters.PAGER)))


def _clamp(f: CaseFilter, total: int) -> tuple[CaseFilter, int]:
    pages = max(1, -(-total // f.page_size))
    f = dataclasses.replace(f, page=min(f.page, pages))
    set_pager(filters.PAGER, f.page)
    return f, pages


def _export(user, f: CaseFilter, today: date) -> bytes:
    with db.session_scope() as session:
        data, _ = case_list.export_xlsx(session, user, f, today, kpi_drill.condition(f))
    return data


def _export_button(user, f: CaseFilter, today: date, total: int) -> None:
    if not permissions.allowed(user, "case.export"):
        return
    st.download_button(
        t("desk.cases.export"),
        data=partial(_export, user, dataclasses.replace(f, page=1), today),
        file_name=t("desk.cases.export_file", date=f"{today:%Y%m%d}"),
        mime=XLSX,
        on_click="ignore",
        icon=":material/download:",
        disabled=total == 0,
        help=t("desk.cases.export_help", max=fmt_int(case_list.EXPORT_LIMIT)),
    )


def _results(user, f: CaseFilter, today: date, extra=None) -> tuple[CaseFilter, int]:
    with db.session_scope() as session:
        rows, total = case_list.search_cases(session, user, f, today, extra)
        cal = clock.load_calendar(session)
    f, pages = _clamp(f, total)
    filters.write_url(f)
    head = st.columns([4, 1], vertical_alignment="center")
    capped = case_list.count_is_capped(f, total)
    shown = case_list.TEXT_COUNT_CAP if capped else total
    found = "desk.cases.found_capped" if capped else "desk.cases.found"
    head[0].caption(t(found, total=fmt_int(shown), page=f.page, pages=fmt_int(pages)))
    with head[1]:
        _export_button(user, f, today, total)
    if not rows:
        st.info(t("desk.cases.none"), icon=":material/search_off:")
        return f, pages
    picked = case_table(rows, today, cal, key="pd_cl_table")
    st.caption(t("desk.cases.pick_hint"))
    if picked is not None:
        open_case(picked)
    return f, pages


def render() -> None:
    user = require_page("case.view")
    st.title(t("desk.cases.title"))
    with db.session_scope() as session:
        f = filters.filter_bar(session)
    extra = kpi_drill.apply(f)  # an indicator's drill-down: exactly the cases it counts
    _, pages = _results(user, _page_of(f), timeutil.today(), extra)
    pager(filters.PAGER, pages)
