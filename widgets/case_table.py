"""Case display pieces for the desk pages: text that stays text, links to the case file, the case table."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from core.cases.case_list import CaseRow
from i18n import get_language, label, t
from widgets.deadline import Deadline, describe
from widgets.text import md_escape

CASE_URL_PATH = "case"  # the case file page, which reads st.query_params["id"]
ALERT_COLOURS = {"red": "#ffcdd2", "yellow": "#ffe0b2", "green": "#dcedc8"}  # light tints, dark text


def _case_file_placeholder() -> None:
    st.info(t("desk.case_file_missing"))


def case_page() -> st.Page:
    """Return a Page that resolves to the case file page the shell registers under CASE_URL_PATH."""
    return st.Page(_case_file_placeholder, title=t("desk.open_case"), url_path=CASE_URL_PATH)


def case_link(case_id: int, text: str, *, icon: str | None = ":material/folder_open:") -> None:
    """Show a link that opens the case file of one case in this tab."""
    st.page_link(case_page(), label=md_escape(text), icon=icon, query_params={"id": str(case_id)})


def action_link(case_id: int, action: str, text: str) -> None:
    """Show a button-like link that opens the case file with the dialog of `action` open."""
    st.page_link(
        case_page(),
        label=md_escape(text),
        icon=":material/arrow_forward:",
        query_params={"id": str(case_id), "action": action},
    )


def open_case(case_id: int) -> None:
    """Switch to the case file of one case."""
    st.switch_page(case_page(), query_params={"id": str(case_id)})


def date_format() -> str:
    """Return the date format of table columns in the current language."""
    return "YYYY年M月D日" if get_language() == "zh_CN" else "YYYY-MM-DD"


# The key columns (UX.md) and their widths in px: with the row-picker column they fit the 980 px of the main
# area at 1440 px with the sidebar open; the columns after them scroll.
KEY_WIDTHS = {"number": 130, "status": 100, "due_on": 205, "title": 260, "petitioners": 85, "unit": 150}


def _record(r: CaseRow, deadline: list[str]) -> dict:
    """Return one table row: the key columns a clerk scans first on the left, the rest after them."""
    return {
        t("export.number"): r.number,
        t("export.status"): label("status", r.status),
        t("export.due_on"): deadline,
        t("export.title"): r.title,
        t("export.petitioners"): r.petitioners,
        t("export.unit"): r.unit or "",
        t("export.subject"): label("subject", r.subject),
        t("export.channel"): label("channel", r.channel),
        t("export.received_on"): r.received_on,
        t("export.stage"): label("stage", r.stage) if r.stage else "",
        t("export.street"): r.street or "",
    }


def deadline_cell(d: Deadline, colours: dict[str, str]) -> list[str]:
    """Return a deadline as a table cell (a one-label list), noting its colour in `colours`."""
    if not d.text:
        return []
    colours[d.text] = ALERT_COLOURS.get(d.alert or "", "gray")
    return [d.text]


def deadline_column(colours: dict[str, str], width: int = 250):
    """Return the column that shows each deadline as a coloured label, like the badge elsewhere."""
    return st.column_config.MultiselectColumn(
        width=width, options=list(colours), color=list(colours.values()) or None
    )


def case_frame(rows: list[CaseRow], today: date, cal) -> tuple[pd.DataFrame, dict[str, str]]:
    """Return the table of a page of cases with localized headers and values, and each deadline's colour."""
    records, colours = [], {}
    for r in rows:
        d = describe(r.due_on, r.due_provisional, today, cal, paused=r.status == "paused")
        records.append(_record(r, deadline_cell(d, colours)))
    return pd.DataFrame.from_records(records), colours


def case_table(rows: list[CaseRow], today: date, cal, *, key: str) -> int | None:
    """Show the cases as a table (deadline as a label coloured by alert); return the id of the row picked."""
    frame, colours = case_frame(rows, today, cal)
    config = {
        name: st.column_config.Column(width=w)
        for name, w in ((t(f"export.{k}"), w) for k, w in KEY_WIDTHS.items())
    }
    config[t("export.received_on")] = st.column_config.DateColumn(format=date_format())
    # A read-only multiselect column shows each deadline as a coloured label, like the badge elsewhere.
    config[t("export.due_on")] = deadline_column(colours, width=KEY_WIDTHS["due_on"])
    event = st.dataframe(
        frame,
        key=key,
        hide_index=True,
        width="stretch",
        height="content",
        column_config=config,
        on_select="rerun",
        selection_mode="single-row",
    )
    picked = event.selection.rows if event is not None else []
    return rows[picked[0]].id if picked and picked[0] < len(rows) else None


# --- a pager whose page the code can move without writing to the widget's state ----------------------
# st.pagination keeps the page the user clicked; when the code must move it (a new filter starts at page 1,
# a shared link names page 5, fewer pages remain) a fresh widget is started with that page as its default.


def _pager_key(key: str) -> str:
    return f"{key}_{st.session_state.get(key + '.gen', 0)}"


def pager_page(key: str) -> int:
    """Return the page the pager `key` is at (1 before it was first drawn)."""
    return int(st.session_state.get(_pager_key(key)) or st.session_state.get(key + ".page", 1))


def set_pager(key: str, page: int) -> None:
    """Move the pager `key` to `page` the next time it is drawn."""
    if pager_page(key) != page:
        st.session_state[key + ".gen"] = st.session_state.get(key + ".gen", 0) + 1
    st.session_state[key + ".page"] = page


def pager(key: str, pages: int) -> None:
    """Show the pager when there is more than one page."""
    if pages > 1:
        page = min(pager_page(key), pages)
        st.pagination(pages, default=page, key=_pager_key(key), max_visible_pages=9)
