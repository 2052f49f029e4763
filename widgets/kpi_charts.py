"""The dashboard's chart tabs: each builds its charts from core.kpis and core.kpis.charts, only when shown.

A click on a bar, a cell, a tile or a unit opens the case list of exactly the cases behind it.
"""

from __future__ import annotations

import dataclasses
import json
from collections import OrderedDict
from datetime import date, timedelta

import streamlit as st

from core import kpis
from core.kpis import charts
from core.platform import db
from i18n import get_language
from widgets.kpi_drill import drill_params
from widgets.kpi_tiles import cases_page

TABS = (
    "intake",
    "resolution",
    "timeliness",
    "satisfaction",
    "mediation",
    "overdue",
    "streets",
    "supervision",
)
STREET_KEYS = ("intake", "one_time_resolution_rate", "ontime_reply_rate", "satisfaction_rate", "repeat_rate")


def by_of(period: kpis.Period) -> str:
    """Return the time bucket of the period's charts: months, or weeks for a period of a quarter or less."""
    return "month" if (period.end - period.start).days > 92 else "week"


def bucket_period(bucket: str, period: kpis.Period) -> kpis.Period:
    """Return the part of `period` one month ("YYYY-MM") or week (its Monday, "YYYY-MM-DD") bucket covers."""
    if len(bucket) == 7:
        first = date.fromisoformat(f"{bucket}-01")
        last = date(first.year + first.month // 12, first.month % 12 + 1, 1) - timedelta(days=1)
    else:
        first = date.fromisoformat(bucket)
        last = first + timedelta(days=6)
    return kpis.Period.make(max(first, period.start), min(last, period.end), as_of=period.as_of)


def _picked(state) -> dict | None:
    chosen = (state or {}).get("selection", {}).get(charts.PICK) if state else None
    if isinstance(chosen, list) and chosen:
        return chosen[0]
    return chosen if isinstance(chosen, dict) and chosen else None


_SPECS: OrderedDict[str, dict] = OrderedDict()
_SPECS_KEPT = 256


def spec(build, *args, **kwargs) -> dict:
    """Return the Vega-Lite spec of charts.<build>(*args, **kwargs), kept per language and data.

    Building an Altair chart and validating it costs far more than drawing it; the same figures (kpis caches
    them until the next write) give the same spec, so a second look builds nothing.
    """
    key = json.dumps([build.__name__, get_language(), args, kwargs], default=str, sort_keys=True)
    found = _SPECS.get(key)
    if found is None:
        found = build(*args, **kwargs).to_dict(validate=False)
        _SPECS[key] = found
        while len(_SPECS) > _SPECS_KEPT:
            _SPECS.popitem(last=False)
    else:
        _SPECS.move_to_end(key)
    return found


def show(chart: dict, key: str, on_pick=None) -> None:
    """Show one chart spec; when it is clicked, `on_pick(fields)` returns the case list's parameters to open."""
    if on_pick is None:
        st.vega_lite_chart(chart, key=key)
        return
    state = st.vega_lite_chart(chart, key=key, on_select="rerun", selection_mode=charts.PICK)
    fields = _picked(state)
    if fields:
        params = on_pick(fields)
        if params:
            st.switch_page(cases_page(), query_params=params)


def _drill_bucket(key: str, part: str, period: kpis.Period, scope: kpis.Scope, split: str | None = None):
    def pick(fields: dict) -> dict | None:
        if not fields.get("bucket"):
            return None
        narrowed = (
            dataclasses.replace(scope, **{split: fields["split"]}) if split and fields.get("split") else scope
        )
        return drill_params(key, part, bucket_period(str(fields["bucket"]), period), narrowed)

    return pick


def _series(session, user, key, period, scope, **kw):
    return kpis.series(session, user, key, period, scope, **kw)


def intake(session, user, period, scope) -> None:
    by = by_of(period)
    rows = _series(session, user, "intake", period, scope, by=by, split="channel")
    show(
        spec(charts.intake_by_channel, rows),
        "pd_dash_intake",
        _drill_bucket("intake", "numerator", period, scope, "channel"),
    )
    rows = _series(session, user, "intake", period, scope, by=by, split="subject")
    show(
        spec(charts.hot_subjects, rows),
        "pd_dash_subjects",
        _drill_bucket("intake", "numerator", period, scope, "subject"),
    )


def resolution(session, user, period, scope) -> None:
    by = by_of(period)
    key = "one_time_resolution_rate"
    rows = _series(session, user, key, period, scope, by=by)
    target = kpis.TARGETS.get(key, 0.94)
    show(
        spec(charts.one_time_resolution, rows, target),
        "pd_dash_otr",
        _drill_bucket(key, "denominator", period, scope),
    )
    now = _series(session, user, "avg_days_to_close_first", period, scope, by=by)
    before = _series(session, user, "avg_days_to_close_first", period.previous_year(), scope, by=by)
    show(spec(charts.avg_days_to_close, now, before), "pd_dash_days")
    rows = _series(session, user, "repeat_rate", period, scope, by=by)
    show(
        spec(charts.repeat_rate, rows),
        "pd_dash_repeat",
        _drill_bucket("repeat_rate", "numerator", period, scope),
    )


def timeliness(session, user, period, scope) -> None:
    by = by_of(period)
    acceptance = _series(session, user, "ontime_acceptance_rate", period, scope, by=by)
    reply = _series(session, user, "ontime_reply_rate", period, scope, by=by)
    show(spec(charts.ontime_rates, acceptance, reply), "pd_dash_ontime")


def satisfaction(session, user, period, scope) -> None:
    by = by_of(period)
    rated = _series(session, user, "satisfaction_rate", period, scope, by=by)
    taking_part = _series(session, user, "participation_rate", period, scope, by=by)
    show(spec(charts.satisfaction_participation, rated, taking_part), "pd_dash_satisfaction")


def mediation(session, user, period, scope) -> None:
    by = by_of(period)
    now = _series(session, user, "mediation_agreements", period, scope, by=by)
    before = _series(session, user, "mediation_agreements", period.previous_year(), scope, by=by)
    show(spec(charts.mediation_agreements, now, before), "pd_dash_mediation")


def overdue(session, user, period, scope) -> None:
    rows = kpis.overdue_by_unit(session, user, period.as_of, scope)

    def pick(fields: dict) -> dict | None:
        unit = fields.get("unit_id")
        return {**scope.to_params(), "unit": str(unit), "overdue": "1"} if unit else None

    show(spec(charts.overdue_by_unit, rows), "pd_dash_overdue", pick)


def streets(session, user, period, scope) -> None:
    from i18n import t

    key = st.selectbox(
        t("dashboard.streets_indicator"), STREET_KEYS, format_func=kpis.name, key="pd_dash_street_key"
    )
    rows = _series(session, user, key, period, scope, by="street")
    codes = {str(c.id): c.code for c in _streets(session)}

    def pick(fields: dict) -> dict | None:
        bucket = str(fields.get("bucket") or "")
        if not bucket.isdigit() or key not in kpis.CASE_KEYS:
            return None
        street = int(bucket)
        part = "denominator" if key in kpis.RATES else "numerator"
        return drill_params(key, part, period, dataclasses.replace(scope, street_id=street))

    chart = spec(charts.street_tiles, rows, kpis.name(key), rate=key in kpis.RATES, codes=codes)
    show(chart, "pd_dash_streets", pick)


def _streets(session):
    from core.places import places

    return places.streets(session)


def supervision(session, user, period, scope) -> None:
    figure = kpis.compute(session, user, period, scope, keys=("supervision_output",))["supervision_output"]
    show(spec(charts.supervision_output, charts.supervision_counts(figure.by)), "pd_dash_supervision")


BUILDERS = {
    "intake": intake,
    "resolution": resolution,
    "timeliness": timeliness,
    "satisfaction": satisfaction,
    "mediation": mediation,
    "overdue": overdue,
    "streets": streets,
    "supervision": supervision,
}


def build(name: str, user, period: kpis.Period, scope: kpis.Scope) -> None:
    """Build one tab's charts (one short session)."""
    with db.session_scope() as session:
        BUILDERS[name](session, user, period, scope)
