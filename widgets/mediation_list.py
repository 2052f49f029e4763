"""Mediation cases as the centre's screens show them: links to a mediation's file and the list's table."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from core.mediation.centre import ListRow
from core.mediation.specialties import dispute_label
from i18n import label, t
from widgets.case_table import date_format, deadline_cell, deadline_column
from widgets.deadline import describe
from widgets.text import md_escape

MEDIATION_URL_PATH = "mediation"  # the mediation file page, which reads st.query_params["id"]


def _placeholder() -> None:
    st.info(t("desk.case_file_missing"))


def mediation_page() -> st.Page:
    """Return a Page that resolves to the mediation file the shell registers under MEDIATION_URL_PATH."""
    return st.Page(_placeholder, title=t("medcentre.page_file"), url_path=MEDIATION_URL_PATH)


def mediation_link(mediation_id: int, text: str) -> None:
    """Show a link that opens one mediation's file in this tab."""
    st.page_link(
        mediation_page(),
        label=md_escape(text),
        icon=":material/handshake:",
        query_params={"id": str(mediation_id)},
    )


def mediation_table(rows: list[ListRow], today: date, cal, *, key: str) -> int | None:
    """Show the list (an open case's deadline coloured like a petition's); return the id of the row picked."""
    colours: dict[str, str] = {}
    records = [
        {
            t("medcentre.col.number"): r.number,
            t("medcentre.col.status"): label("mediation_status", r.status),
            t("medcentre.col.due"): deadline_cell(describe(r.due_on, False, today, cal), colours)
            if r.is_open
            else [],
            t("medcentre.col.title"): r.title,
            t("medcentre.col.parties"): r.parties,
            t("medcentre.col.lead"): r.lead or "",
            t("medcentre.col.kind"): label("mediation_kind", r.kind),
            t("medcentre.col.dispute_type"): dispute_label(r.dispute_type),
            t("medcentre.col.source"): label("mediation_source", r.source) if r.source else "",
            t("medcentre.col.street"): r.street or "",
            t("medcentre.col.applied"): r.applied_on,
            t("medcentre.col.case"): r.case_number or "",
        }
        for r in rows
    ]
    config = {
        t("medcentre.col.due"): deadline_column(colours, width=200),
        t("medcentre.col.title"): st.column_config.TextColumn(width="medium"),
        t("medcentre.col.applied"): st.column_config.DateColumn(format=date_format()),
    }
    event = st.dataframe(
        pd.DataFrame.from_records(records),
        key=key,
        hide_index=True,
        width="stretch",
        column_config=config,
        on_select="rerun",
        selection_mode="single-row",
    )
    picked = event.selection.rows if event is not None else []
    return rows[picked[0]].id if picked and picked[0] < len(rows) else None
