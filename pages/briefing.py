"""Weekly briefing (每周通报) and the annual report by subject area (第41条): pick a week or a year, one click.

The documents are made by core.documents.briefing; this page shows the steps while they run and keeps the
two files in the session so their download buttons survive the reruns a click causes.
"""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from core.documents import briefing
from core.platform import db
from core.platform.errors import PetitionDeskError
from core.platform.timeutil import today
from i18n import t
from i18n.format import fmt_date
from widgets.guard import require_page

WEEKS_BACK = 26  # weeks offered in the picker
YEARS_BACK = 5
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_KEPT = "briefing.files"


def _week_label(monday: date) -> str:
    return t("briefing.page.week_range", start=fmt_date(monday), end=fmt_date(monday + timedelta(days=6)))


def _pick(day: date) -> tuple[str, date | int]:
    """Return the kind the user picked and its week's Monday or its year."""
    kind = st.segmented_control(
        t("briefing.page.kind"),
        ["weekly", "annual"],
        default="weekly",
        format_func=lambda k: t(f"briefing.page.kind_{k}"),
        key="briefing_kind",
    )
    if kind == "annual":
        years = [day.year - i for i in range(YEARS_BACK + 1)]
        return kind, st.selectbox(t("briefing.page.year"), years, key="briefing_year")
    last = briefing.last_full_week(day)
    weeks = [last - timedelta(days=7 * i) for i in range(WEEKS_BACK)]
    return "weekly", st.selectbox(
        t("briefing.page.week"), weeks, format_func=_week_label, key="briefing_week"
    )


def _make(user, kind: str, choice) -> tuple[bytes, bytes]:
    """Make the two files, showing each step."""
    with st.status(t("briefing.page.making"), expanded=True) as status:
        st.write(t("briefing.page.step_figures"))
        with db.session_scope() as session:
            if kind == "weekly":
                report = briefing.weekly_report(session, user, choice)
            else:
                report = briefing.annual_report_data(session, user, choice)
        st.write(t("briefing.page.step_charts"))
        images = briefing.render_images(report)
        if images is None:
            st.warning(t("briefing.no_cjk_font"))
        st.write(t("briefing.page.step_files"))
        files = briefing.to_docx(report, images), briefing.to_xlsx(report)
        status.update(label=t("briefing.page.done"), state="complete", expanded=False)
    return files


def render() -> None:
    user = require_page("briefing.view")
    st.title(t("briefing.page_title"), anchor=False)
    st.caption(t("briefing.page.intro"))
    kind, choice = _pick(today())
    wanted = (user.id, kind, str(choice))
    if st.button(t("briefing.page.make"), type="primary", icon=":material/description:"):
        try:
            st.session_state[_KEPT] = (wanted, _make(user, kind, choice))
        except PetitionDeskError as exc:
            st.error(exc.message)
            return
    kept = st.session_state.get(_KEPT)
    if not kept or kept[0] != wanted:
        return
    docx, xlsx = kept[1]
    name = t(f"briefing.page.file_{kind}", start=f"{choice:%Y%m%d}" if kind == "weekly" else "", year=choice)
    left, right = st.columns(2)
    left.download_button(
        t("briefing.page.download_docx"),
        docx,
        f"{name}.docx",
        DOCX,
        icon=":material/download:",
        on_click="ignore",
    )
    right.download_button(
        t("briefing.page.download_xlsx"),
        xlsx,
        f"{name}.xlsx",
        XLSX,
        icon=":material/download:",
        on_click="ignore",
    )
