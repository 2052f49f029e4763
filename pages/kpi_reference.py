"""KPI reference (指标说明): every indicator's formula in words beside its value, numerator and denominator.

Each number opens the case list of exactly the cases it counts (kpis.drill through the case list's URL).
"""

from __future__ import annotations

import streamlit as st

from core import kpis
from core.platform import db
from core.platform.timeutil import today
from i18n import t
from widgets import kpi_filters
from widgets.guard import require_page
from widgets.kpi_drill import drill_params
from widgets.kpi_tiles import cases_page, change

WIDTHS = [4, 1.3, 1.3, 1.3, 1.3, 1.5]
COLUMNS = ("indicator", "value", "numerator", "denominator", "rest", "previous_year")


def _number(key: str, part: str, n, period, scope, column) -> None:
    """Show one count; a link to its cases where the indicator lists cases."""
    if n is None:
        column.markdown("—")
        return
    shown = f"{round(n):,}"
    if key in kpis.CASE_KEYS:
        with column:
            st.page_link(
                cases_page(),
                label=f"**{shown}**",
                icon=":material/format_list_bulleted:",
                query_params=drill_params(key, part, period, scope),
                help=t("kpiref.open", part=t(f"dashboard.drill.part.{part}")),
            )
    else:
        column.markdown(shown)


def _row(key: str, figure: kpis.Figure, period: kpis.Period, scope: kpis.Scope) -> None:
    cols = st.columns(WIDTHS, vertical_alignment="center")
    cols[0].markdown(f"**{kpis.name(key)}**")
    cols[0].caption(kpis.formula(key))
    target = kpis.TARGETS.get(key)
    value = kpis.format_value(key, figure.value)
    cols[1].markdown(f"### {value}")
    if target is not None:
        cols[1].caption(t("kpiref.target", target=kpis.format_value(key, target)))
    _number(key, "numerator", figure.numerator, period, scope, cols[2])
    has_rest = key in kpis.RATES and figure.denominator is not None and figure.numerator is not None
    if figure.denominator is None:
        cols[3].markdown("—")
    else:
        _number(key, "denominator", figure.denominator, period, scope, cols[3])
    rest = figure.denominator - figure.numerator if has_rest else None
    _number(key, "rest", rest, period, scope, cols[4])
    before = kpis.format_value(key, figure.previous_year) if figure.previous_year is not None else "—"
    delta = change(key, figure)
    cols[5].markdown(before + (f"  \n:small[:gray[{delta}]]" if delta else ""))


def render() -> None:
    user = require_page("kpi.dashboard")
    st.title(t("kpiref.title"))
    st.caption(t("kpiref.intro"))
    chosen = kpi_filters.view_and_period(user, today())
    if chosen is None:
        return
    view, period = chosen
    with db.session_scope() as session:
        figures = kpis.compute(session, user, period, view.scope)
    head = st.columns(WIDTHS)
    for col, name in zip(head, COLUMNS, strict=True):
        col.markdown(f"**{t(f'kpiref.column.{name}')}**")
    for key in kpis.KEYS:
        if key in figures:
            with st.container(border=True):
                _row(key, figures[key], period, view.scope)
