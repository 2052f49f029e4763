"""Leaders' dashboard (领导驾驶舱): "how are we doing against our targets, and where is it going wrong?"

Headline tiles first, then the charts on tabs; only the open tab's charts are built (Streamlit spends about
14 ms per chart in a script run). Period and filters live in the URL, so a view can be shared. Every figure
comes from core.kpis; every chart from core.kpis.charts.
"""

from __future__ import annotations

import streamlit as st

from core import kpis
from core.platform import db
from core.platform.timeutil import today
from i18n import t
from widgets import kpi_charts, kpi_filters, kpi_tiles
from widgets.guard import require_page

HEADLINE = (
    "one_time_resolution_rate",
    "avg_days_to_close_first",
    "ontime_acceptance_rate",
    "ontime_reply_rate",
    "intake",
    "satisfaction_rate",
    "repeat_rate",
    "mediation_agreements",
)
TAB = "pd_dash_tab"


def render() -> None:
    user = require_page("kpi.dashboard")
    st.title(t("dashboard.title"))
    chosen = kpi_filters.view_and_period(user, today())
    if chosen is None:
        return
    view, period = chosen
    with db.session_scope() as session:
        figures = kpis.compute(session, user, period, view.scope, keys=HEADLINE)
    kpi_tiles.tiles(HEADLINE, figures, period, view.scope)
    names = [t(f"dashboard.tab.{name}") for name in kpi_charts.TABS]
    tabs = st.tabs(names, key=TAB, on_change="rerun")
    for name, tab in zip(kpi_charts.TABS, tabs, strict=True):
        if tab.open is False:  # a hidden tab builds nothing
            continue
        with tab:
            kpi_charts.build(name, user, period, view.scope)
            st.caption(t("dashboard.click_hint"))
