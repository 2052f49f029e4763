"""An indicator's drill-down on the case list: the condition from kpis.drill and the banner that names it.

The case list (core.cases) sits below core.kpis and cannot build the condition itself: the page asks here and
passes the condition to case_list.search_cases / export_xlsx as `extra`.
"""

from __future__ import annotations

import sqlalchemy as sa
import streamlit as st

from core import kpis
from core.cases.case_list import CaseFilter
from i18n import t
from i18n.format import fmt_date
from widgets import case_filters


def _one(values: list[str]) -> str | None:
    return values[0] if len(values) == 1 else None


def scope_of(f: CaseFilter) -> kpis.Scope:
    """Return the indicator scope a case-list filter names (street, unit, one category, subject, channel)."""
    return kpis.Scope(
        street_id=f.street,
        unit_id=f.unit,
        category=_one(f.category),
        subject=_one(f.subject),
        channel=_one(f.channel),
    )


def period_of(f: CaseFilter) -> kpis.Period:
    return kpis.Period.make(f.kpi_from, f.kpi_to, as_of=f.kpi_as_of)


def drill_params(key: str, part: str, period: kpis.Period, scope: kpis.Scope) -> dict[str, str]:
    """Return the case list's URL parameters that list exactly the cases `key`'s `part` counts."""
    params = {
        "kpi": key,
        "kpi_part": part,
        "kpi_from": period.start.isoformat(),
        "kpi_to": period.end.isoformat(),
        "kpi_as_of": period.as_of.isoformat(),
    }
    return {**params, **scope.to_params()}


def condition(f: CaseFilter) -> sa.ColumnElement[bool] | None:
    """Return the drill-down condition the filter names, None when it names none; ValueError for a bad one."""
    if not f.kpi:
        return None
    if f.kpi not in kpis.CASE_KEYS or not (f.kpi_from and f.kpi_to):
        raise ValueError(f.kpi)
    return kpis.drill(f.kpi, f.kpi_part or "numerator", period_of(f), scope_of(f))


def apply(f: CaseFilter) -> sa.ColumnElement[bool] | None:
    """Show which indicator's cases the list holds and return its condition; a bad link is said and stops."""
    try:
        extra = condition(f)
    except ValueError:
        st.warning(t("dashboard.drill.invalid"), icon=":material/warning:")
        st.button(t("dashboard.drill.clear"), on_click=case_filters.drop_kpi, key="pd_cl_kpi_clear")
        st.stop()
    banner(f)
    return extra


def banner(f: CaseFilter) -> None:
    """Say which indicator's cases the list shows, for which period, with a button that clears it."""
    if not f.kpi:
        return
    part = t(f"dashboard.drill.part.{f.kpi_part or 'numerator'}")
    text = t(
        "dashboard.drill.banner",
        name=kpis.name(f.kpi),
        part=part,
        start=fmt_date(f.kpi_from),
        end=fmt_date(f.kpi_to),
        as_of=fmt_date(f.kpi_as_of or f.kpi_to),
    )
    with st.container(horizontal=True, vertical_alignment="center"):
        st.info(text, icon=":material/insights:", width="stretch")
        st.button(
            t("dashboard.drill.clear"),
            on_click=case_filters.drop_kpi,
            key="pd_cl_kpi_clear",
            icon=":material/close:",
        )
