"""Headline indicator tiles: value, numerator/denominator (a link to exactly those cases), change on last year."""

from __future__ import annotations

import streamlit as st

from core import kpis
from i18n import t
from i18n.format import fmt_int
from widgets.kpi_drill import drill_params

LOWER_IS_BETTER = frozenset({"avg_days_to_close_first", "repeat_rate"})
NEITHER = frozenset({"intake"})  # more or fewer petitions is neither good nor bad news by itself


def cases_page() -> st.Page:
    """Return a Page that resolves to the case list the shell registers under "cases"."""
    return st.Page(_placeholder, title=t("desk.page_cases"), url_path="cases")


def _placeholder() -> None:  # never run: the shell's own "cases" page is the one that opens
    st.info(t("desk.case_file_missing"))


def change(key: str, figure: kpis.Figure) -> str | None:
    """Return the change on the same period last year as the tile shows it, None when either is unknown."""
    now, before = figure.value, figure.previous_year
    if now is None or before is None:
        return None
    if key in kpis.RATES:
        return t("dashboard.tile.change_points", value=f"{(now - before) * 100:+.1f}")
    if key == "avg_days_to_close_first":
        return t("dashboard.tile.change_days", value=f"{now - before:+.1f}")
    if not before:
        return None
    return t("dashboard.tile.change_percent", value=f"{(now - before) / before * 100:+.1f}")


def _number(n) -> str:
    return fmt_int(round(n)) if isinstance(n, float) and n != int(n) else fmt_int(int(n))


def _kind(key: str) -> str:
    """Return the prefix of the numerator's and denominator's words: a rate's, a mean's or a count's."""
    return "" if key in kpis.RATES else "mean_" if key in kpis.MEANS else "count_"


def _counted(key: str, figure: kpis.Figure, period: kpis.Period, scope: kpis.Scope) -> None:
    """Show numerator / denominator; each is a link to the case list of the cases it counts."""
    if figure.numerator is None:
        return
    linked = key in kpis.CASE_KEYS
    parts = [("numerator", figure.numerator)]
    if figure.denominator is not None:
        parts.append(("denominator", figure.denominator))
    with st.container(horizontal=True, gap="small", vertical_alignment="center"):
        for part, n in parts:
            text = t(f"dashboard.tile.{_kind(key)}{part}", n=_number(n))
            if linked:
                st.page_link(
                    cases_page(),
                    label=text,
                    icon=":material/format_list_bulleted:",
                    query_params=drill_params(key, part, period, scope),
                    help=t("dashboard.tile.open_cases"),
                )
            else:
                st.caption(text)


def tile(key: str, figure: kpis.Figure, period: kpis.Period, scope: kpis.Scope) -> None:
    with st.container(border=True):
        st.metric(
            kpis.name(key),
            kpis.format_value(key, figure.value),
            delta=change(key, figure),
            delta_color="inverse" if key in LOWER_IS_BETTER else "off" if key in NEITHER else "normal",
            help=kpis.formula(key),
        )
        _counted(key, figure, period, scope)
        target = kpis.TARGETS.get(key)
        if target is not None:
            met = figure.value is not None and figure.value >= target
            shown = kpis.format_value(key, target)
            st.caption(t(f"dashboard.tile.target_{'met' if met else 'missed'}", target=shown))


def tiles(keys, figures: dict, period: kpis.Period, scope: kpis.Scope, per_row: int = 4) -> None:
    """Show the tiles of `keys`, `per_row` to a row."""
    keys = [k for k in keys if k in figures]
    for i in range(0, len(keys), per_row):
        for col, key in zip(st.columns(per_row), keys[i : i + per_row], strict=False):
            with col:
                tile(key, figures[key], period, scope)
