"""A mediator's mediation cases as a read-only table: number, status, deadline, title, parties, kind."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from core.mediation.reads import MediationRow
from i18n import label, t
from widgets.case_table import date_format, deadline_cell, deadline_column
from widgets.deadline import describe


def mediation_table(rows: list[MediationRow], today: date, cal) -> None:
    """Show the cases; an open case's deadline is coloured like a petition's."""
    colours: dict[str, str] = {}
    records = [
        {
            t("home.mediation.col_number"): r.number,
            t("home.mediation.col_status"): label("mediation_status", r.status),
            t("home.mediation.col_due"): deadline_cell(describe(r.due_on, False, today, cal), colours)
            if r.is_open
            else [],
            t("home.mediation.col_title"): r.title,
            t("home.mediation.col_parties"): r.parties,
            t("home.mediation.col_kind"): label("mediation_kind", r.kind),
            t("home.mediation.col_applied"): r.applied_on,
            t("home.mediation.col_closed"): r.closed_on,
            t("home.mediation.col_role"): t("home.mediation.lead") if r.is_lead else "",
        }
        for r in rows
    ]
    config = {
        t("home.mediation.col_due"): deadline_column(colours, width=220),
        t("home.mediation.col_title"): st.column_config.TextColumn(width="large"),
        t("home.mediation.col_applied"): st.column_config.DateColumn(format=date_format()),
        t("home.mediation.col_closed"): st.column_config.DateColumn(format=date_format()),
    }
    st.dataframe(pd.DataFrame.from_records(records), hide_index=True, width="stretch", column_config=config)
