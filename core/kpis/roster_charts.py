"""The roster page's charts (pure Altair): each mediator's load and results, and the mediation indicators by
street or by mediator. Styled as core.kpis.charts styles every chart (font, title, fixed colours)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import altair as alt

from core.kpis.charts import _COUNT_AXIS, FONT, WIDTH, _styled
from i18n import t

PART_COLOURS = {"open": "#F0AD4E", "agreed": "#2E8B57", "failed": "#B0B0B0"}
PARTS = ("open", "agreed", "failed")


def mediator_load(rows: Sequence[Mapping]) -> alt.Chart:
    """Stacked bars per mediator: cases open now, and cases ended with an agreement or as failed."""
    names = [r["name"] for r in rows]
    labels = [t(f"roster.chart.{p}") for p in PARTS]
    data = [
        {"name": r["name"], "part": t(f"roster.chart.{p}"), "order": i, "n": int(r[p])}
        for r in rows
        for i, p in enumerate(PARTS)
        if r[p]
    ]
    chart = (
        alt.Chart(alt.Data(values=data), width=WIDTH - 120, height=max(60, 22 * len(names)))
        .mark_bar()
        .encode(
            y=alt.Y("name:N", sort=names, title=None, axis=alt.Axis(labelLimit=160)),
            x=alt.X("sum(n):Q", title=t("charts.cases"), axis=_COUNT_AXIS),
            color=alt.Color(
                "part:N",
                title=None,
                scale=alt.Scale(domain=labels, range=[PART_COLOURS[p] for p in PARTS]),
            ),
            order=alt.Order("order:Q"),
            tooltip=[
                alt.Tooltip("name:N", title=t("roster.col.name")),
                alt.Tooltip("part:N", title=t("charts.kind")),
                alt.Tooltip("n:Q", title=t("charts.cases"), format=",.0f"),
            ],
        )
    )
    return _styled(chart, t("roster.chart.title_load"))


def indicator_bars(rows: Sequence[Mapping], rate: bool, title: str, top: int = 25) -> alt.Chart:
    """Horizontal bars of one mediation indicator per street or mediator (kpis series rows), largest first."""
    kept = sorted(
        (dict(r) for r in rows if r.get("value") is not None),
        key=lambda r: (-(r["value"] or 0), -(r.get("denominator") or 0), str(r["label"])),
    )[:top]
    order = [r["label"] for r in kept]
    tips = [alt.Tooltip("label:N", title=t("roster.col.name"))]
    if rate:
        tips += [
            alt.Tooltip("value:Q", title=t("kpi.name.mediation_success_rate"), format=".1%"),
            alt.Tooltip("numerator:Q", title=t("charts.numerator"), format=",.0f"),
            alt.Tooltip("denominator:Q", title=t("charts.denominator"), format=",.0f"),
        ]
    else:
        tips.append(alt.Tooltip("value:Q", title=t("charts.agreements"), format=",.0f"))
    x_axis = alt.Axis(format="%") if rate else _COUNT_AXIS
    x_title = t("kpi.name.mediation_success_rate") if rate else t("charts.agreements")
    base = alt.Chart(alt.Data(values=kept), width=WIDTH - 120, height=max(60, 22 * len(kept))).encode(
        y=alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=160)),
        x=alt.X(
            "value:Q", title=x_title, axis=x_axis, scale=alt.Scale(domain=[0, 1]) if rate else alt.Undefined
        ),
        tooltip=tips,
    )
    bars = base.mark_bar(color=PART_COLOURS["agreed"])
    numbers = base.mark_text(align="left", dx=4, font=FONT).encode(
        text=alt.Text("value:Q", format=".1%" if rate else ",.0f")
    )
    return _styled(bars + numbers, title)
