"""The period and scope pickers of the dashboard and the KPI reference page, kept in the URL.

URL parameters: period=week|month|quarter|year|custom (year, the default, is left out), from and to for a
custom period, and kpis.Scope's street, unit, category, subject, channel. Only what the user set goes in.
As on the case list, a link or F5 sets the pickers from the URL; otherwise the pickers win and the URL follows;
back from another page with a bare URL, the last view comes back.
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import streamlit as st
from sqlmodel import Session

from core import kpis
from core.places import places, subjects
from i18n import label, t
from i18n.format import fmt_date
from models import Category, Channel, Role
from widgets import url_state

PRESETS = ("week", "month", "quarter", "year", "custom")
DEFAULT = "year"
SCOPE = ("street", "unit", "category", "subject", "channel")
FIELDS = ("period", "from", "to", *SCOPE)
KEYS = {name: f"pd_kpi_{name}" for name in FIELDS}
URL = "pd_kpi_url"


@dataclasses.dataclass(frozen=True)
class View:
    """What the pickers describe: a period preset (custom: start and end) and the scope."""

    preset: str = DEFAULT
    start: date | None = None
    end: date | None = None
    scope: kpis.Scope = kpis.Scope()


def period_of(view: View, day: date) -> kpis.Period:
    """Return the view's period, as of `day`; ValueError (with a message) for a bad custom one."""
    if view.preset == "week":
        return kpis.Period.week_of(day)
    if view.preset == "month":
        return kpis.Period.month_of(day)
    if view.preset == "quarter":
        first = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
        last = (date(first.year + (first.month == 10), (first.month + 2) % 12 + 1, 1)) - timedelta(days=1)
        return kpis.Period.make(first, last, as_of=day)
    if view.preset == "custom":
        if view.start is None or view.end is None:
            raise ValueError(t("dashboard.filters.custom_missing"))
        return kpis.Period.make(view.start, view.end, as_of=min(day, view.end))
    return kpis.Period.year_of(day)


def period_line(period: kpis.Period) -> str:
    """Return the period and its as-of day in words."""
    return t(
        "dashboard.period_line",
        start=fmt_date(period.start),
        end=fmt_date(period.end),
        as_of=fmt_date(period.as_of),
    )


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def from_params(params: dict[str, str]) -> View:
    """Return the view the URL describes; unknown or malformed values are ignored."""
    preset = params.get("period", DEFAULT)
    preset = preset if preset in PRESETS else DEFAULT
    start, end = (_date(params.get("from")), _date(params.get("to"))) if preset == "custom" else (None, None)
    return View(preset, start, end, kpis.Scope.from_params({k: params[k] for k in SCOPE if k in params}))


def to_params(view: View) -> dict[str, str]:
    """Return the URL parameters of a view: only what differs from the default."""
    out = {} if view.preset == DEFAULT else {"period": view.preset}
    if view.preset == "custom":
        out |= {k: v.isoformat() for k, v in (("from", view.start), ("to", view.end)) if v}
    return out | {k: str(v) for k, v in view.scope.to_params().items() if v not in (None, "")}


def _seed(view: View) -> None:
    s = st.session_state
    s[KEYS["period"]], s[KEYS["from"]], s[KEYS["to"]] = view.preset, view.start, view.end
    sc = view.scope
    s[KEYS["street"]], s[KEYS["unit"]] = sc.street_id, sc.unit_id
    s[KEYS["category"]], s[KEYS["subject"]], s[KEYS["channel"]] = sc.category, sc.subject, sc.channel


def _sync_from_url() -> None:
    params = url_state.to_seed(FIELDS, KEYS.values(), URL)
    if params is not None:
        _seed(from_params(params))


def current() -> View:
    s = st.session_state
    scope = kpis.Scope(
        street_id=s.get(KEYS["street"]),
        unit_id=s.get(KEYS["unit"]),
        category=s.get(KEYS["category"]),
        subject=s.get(KEYS["subject"]),
        channel=s.get(KEYS["channel"]),
    )
    return View(s.get(KEYS["period"]) or DEFAULT, s.get(KEYS["from"]), s.get(KEYS["to"]), scope)


def _pick(column, name: str, options: dict, disabled: bool = False) -> None:
    column.selectbox(
        t(f"dashboard.filters.{name}"),
        [None, *options],
        key=KEYS[name],
        format_func=lambda v: t("dashboard.filters.any") if v is None else options.get(v, str(v)),
        placeholder=t("dashboard.filters.any"),
        disabled=disabled,
    )


def filter_bar(session: Session, user) -> View:
    """Show the period and scope pickers; return the view (a handler's unit is his own, shown fixed)."""
    _sync_from_url()
    if user.role == Role.HANDLER:
        st.session_state[KEYS["unit"]] = user.unit_id
    cols = st.columns([2.6, 1, 1], vertical_alignment="bottom")
    cols[0].segmented_control(
        t("dashboard.filters.period"),
        PRESETS,
        key=KEYS["period"],
        required=True,
        format_func=lambda p: t(f"dashboard.filters.preset.{p}"),
    )
    if st.session_state.get(KEYS["period"]) == "custom":
        cols[1].date_input(t("dashboard.filters.from"), value=None, key=KEYS["from"], format="YYYY-MM-DD")
        cols[2].date_input(t("dashboard.filters.to"), value=None, key=KEYS["to"], format="YYYY-MM-DD")
    cols = st.columns(5)
    _pick(cols[0], "street", places.names(places.streets(session)))
    units = places.names(places.units(session))
    _pick(cols[1], "unit", units, disabled=user.role == Role.HANDLER)
    _pick(cols[2], "category", {c.value: label("category", c.value) for c in Category})
    _pick(cols[3], "subject", {k: label("subject", k) for k in subjects.all_keys(session)})
    _pick(cols[4], "channel", {c.value: label("channel", c.value) for c in Channel})
    view = current()
    url_state.write(FIELDS, to_params(view), URL)
    return view


def view_and_period(user, day: date) -> tuple[View, kpis.Period] | None:
    """Show the pickers and the period in words; return the view and its period (None: a bad custom one)."""
    from core.platform import db

    with db.session_scope() as session:
        view = filter_bar(session, user)
    try:
        period = period_of(view, day)
    except ValueError as exc:
        st.warning(str(exc), icon=":material/date_range:")
        return None
    st.caption(period_line(period))
    return view, period
