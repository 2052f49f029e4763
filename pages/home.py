"""Home (首页): the office's name and what is in the database, at a glance."""

from __future__ import annotations

import streamlit as st

from core.desk.home import home_counts
from core.platform import db
from core.platform.config import get_settings
from core.platform.timeutil import today
from i18n import t
from widgets.guard import require_page


def render() -> None:
    user = require_page(None)
    st.title(t("home.title", office=get_settings().office_name))
    st.caption(t("app.tagline"))
    st.write(t("home.welcome", name=user.display_name))
    with db.session_scope() as session:
        counts = home_counts(session, user, today())
    st.subheader(t("home.counts"))
    cols = st.columns(4)
    for col, key in zip(cols, ("cases_total", "cases_open", "cases_overdue", "cases_this_year"), strict=True):
        col.metric(t(f"home.{key}"), f"{getattr(counts, key):,}")
    cols = st.columns(4)
    for col, key in zip(cols, ("streets", "grids", "units", "mediators"), strict=True):
        col.metric(t(f"home.{key}"), f"{getattr(counts, key):,}")
    if counts.cases_total == 0:
        st.info(t("home.empty"))
