"""Altair chart builders of the indicators (DOMAIN.md §8): pure functions of kpis.series / overdue_by_unit rows.

No Streamlit here: the dashboard shows these charts, the weekly briefing renders the same ones to PNG. Every
chart is titled by the question it answers, uses a CJK font, has tooltips with exact numbers, and colours each
channel and street by its code from the one palette below (the same colour on every chart).

Rows are kpis.series rows: {"bucket", "label", "split", "split_label", "value", "numerator", "denominator"}.
Channel and street buckets or splits are their codes (Channel values, street division codes).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Mapping, Sequence

import altair as alt

from i18n import get_language, t
from i18n import label as enum_label

FONT = "Noto Sans CJK SC"
PICK = "pick"  # the name of every chart's click selection (st.altair_chart(on_select=...) reports it)

CHANNEL_COLOURS: dict[str, str] = {
    "letter": "#4E79A7",
    "visit": "#F28E2B",
    "online": "#59A14F",
    "phone": "#76B7B2",
    "hotline_12345": "#EDC948",
    "leader_mailbox": "#B07AA1",
    "leader_reception": "#E15759",
    "onsite_office": "#FF9DA7",
    "grassroots_visit": "#9C755F",
    "grid_report": "#BAB0AC",
}
STREET_COLOURS: dict[str, str] = {
    "500105001": "#1F77B4",  # 华新街街道
    "500105002": "#FF7F0E",  # 江北城街道
    "500105003": "#2CA02C",  # 石马河街道
    "500105004": "#D62728",  # 大石坝街道
    "500105005": "#9467BD",  # 寸滩街道
    "500105006": "#8C564B",  # 观音桥街道
    "500105007": "#E377C2",  # 五里店街道
    "500105008": "#7F7F7F",  # 郭家沱街道
    "500105009": "#BCBD22",  # 铁山坪街道
    "500105100": "#17BECF",  # 鱼嘴镇
    "500105101": "#AEC7E8",  # 复盛镇
    "500105102": "#FFBB78",  # 五宝镇
}
# the 12 streets on a 4 × 3 tile grid, roughly west to east along the Yangtze and Jialing (column, row)
STREET_TILES: dict[str, tuple[int, int]] = {
    "500105003": (0, 0),
    "500105004": (1, 0),
    "500105009": (2, 0),
    "500105101": (3, 0),
    "500105006": (0, 1),
    "500105007": (1, 1),
    "500105005": (2, 1),
    "500105100": (3, 1),
    "500105001": (0, 2),
    "500105002": (1, 2),
    "500105008": (2, 2),
    "500105102": (3, 2),
}
SERIES_COLOURS: dict[str, str] = {  # the two lines of a comparison chart
    "this_year": "#1F5AA6",
    "previous_year": "#A0A0A0",
    "ontime_acceptance_rate": "#1F5AA6",
    "ontime_reply_rate": "#E8743B",
    "satisfaction_rate": "#2E9E5B",
    "participation_rate": "#8E6BBF",
}
KIND_COLOURS: dict[str, str] = {"supervision": "#C0392B", "risk_alert": "#E67E22", "improvement": "#2980B9"}
TARGET_COLOUR = "#C0392B"
BAR_COLOUR = "#1F5AA6"
OVERDUE_COLOUR = "#D9534F"
_SPARE = ("#6B8E23", "#CD853F", "#4682B4", "#DB7093", "#20B2AA", "#9370DB", "#B8860B", "#5F9EA0")
_BUCKET = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")  # a month or week bucket
_COUNT_AXIS = alt.Axis(format=",d", tickMinStep=1)  # counts: whole numbers only
WIDTH = 640
HEIGHT = 280


def colour(palette: Mapping[str, str], code: str | None) -> str:
    """Return the fixed colour of a code; an unknown code gets a spare colour chosen by its name (stable)."""
    if code in palette:
        return palette[code]
    return _SPARE[zlib.crc32(str(code).encode()) % len(_SPARE)]


def channel_colour(code: str | None) -> str:
    return colour(CHANNEL_COLOURS, code)


def street_colour(code: str | None) -> str:
    return colour(STREET_COLOURS, code)


def _styled(chart, title: str):
    """Give a finished chart its title, the CJK font everywhere and a plain view.

    Only the width fits the page: the height is the plot's, so a legend or a long title never squeezes it.
    """
    return (
        chart.properties(
            title=alt.TitleParams(title, anchor="start", fontSize=15, font=FONT),
            autosize=alt.AutoSizeParams(type="fit-x", contains="padding"),
        )
        .configure(font=FONT)
        .configure_axis(labelFont=FONT, titleFont=FONT, labelFontSize=12, titleFontSize=12)
        .configure_legend(labelFont=FONT, titleFont=FONT, labelFontSize=12, orient="bottom")
        .configure_view(stroke=None)
    )


def _ordered(rows: Iterable[Mapping], field: str = "bucket", shown: str = "label") -> list[str]:
    """Return the distinct `shown` values (as _data labels them) in the order of `field` (months in time order)."""
    rows = list(rows)
    years = {str(r.get("bucket"))[:4] for r in rows if _BUCKET.match(str(r.get("bucket")))}
    seen: dict[str, str] = {}
    for r in sorted(rows, key=lambda r: str(r.get(field))):
        text = str(r.get(shown))
        if shown == "label" and r.get("bucket") is not None:
            text = _short_label(str(r["bucket"]), text, years)
        seen.setdefault(text, str(r.get(field)))
    return list(seen)


def _split_scale(rows: Sequence[Mapping], palette: Mapping[str, str]) -> tuple[list[str], alt.Scale]:
    """Return the split labels in palette order and a colour scale giving each split its code's colour."""
    codes = {str(r["split"]): str(r.get("split_label") or r["split"]) for r in rows if r.get("split")}
    order = [c for c in palette if c in codes] + sorted(c for c in codes if c not in palette)
    labels = [codes[c] for c in order]
    return labels, alt.Scale(domain=labels, range=[colour(palette, c) for c in order])


def _tooltip_numbers(rate: bool, value_title: str) -> list:
    fmt = ".1%" if rate else ",.0f"
    tips = [alt.Tooltip("value:Q", title=value_title, format=fmt)]
    if rate:
        tips += [
            alt.Tooltip("numerator:Q", title=t("charts.numerator"), format=",.0f"),
            alt.Tooltip("denominator:Q", title=t("charts.denominator"), format=",.0f"),
        ]
    return tips


def _time_title(labels: Iterable[str]) -> str:
    """The time axis's title: 周 when the buckets are weeks (9月22日 / 2026-09-22), else 月份."""
    weekly = any(str(x).endswith("日") or re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(x)) for x in labels)
    return t("charts.week" if weekly else "charts.month")


def _short_label(bucket: str, label: str, years: set[str]) -> str:
    """Return a month or week bucket's label: 3月 / 9月22日 in Chinese (with the year when the rows span two)."""
    if label != bucket or not _BUCKET.match(bucket):
        return label
    year, month, day = bucket[:4], int(bucket[5:7]), bucket[8:]
    if get_language() != "zh_CN":
        return bucket if len(years) > 1 or not day else bucket[5:]
    shown = f"{month}月{int(day)}日" if day else f"{month}月"
    return f"{year}年{shown}" if len(years) > 1 else shown


def _data(rows: Iterable[Mapping]) -> alt.Data:
    rows = [dict(r) for r in rows]
    years = {str(r.get("bucket"))[:4] for r in rows if _BUCKET.match(str(r.get("bucket")))}
    for r in rows:
        if "label" in r and r.get("bucket") is not None:
            r["label"] = _short_label(str(r["bucket"]), str(r["label"]), years)
    return alt.Data(values=rows)


def intake_by_channel(rows: Sequence[Mapping]) -> alt.Chart:
    """Stacked bars: intake per month (or week) and channel (series("intake", by="month", split="channel"))."""
    months = _ordered(rows)
    labels, scale = _split_scale(rows, CHANNEL_COLOURS)
    pick = alt.selection_point(name=PICK, fields=["bucket", "split"], on="click")
    chart = (
        alt.Chart(_data(rows), width=WIDTH, height=HEIGHT)
        .mark_bar()
        .encode(
            x=alt.X("label:N", sort=months, title=_time_title(months), axis=alt.Axis(labelAngle=0)),
            # not sum(value): one row per month and channel already, and an aggregate would drop the
            # bucket and split fields the click selection reports
            y=alt.Y("value:Q", title=t("charts.cases"), stack="zero", axis=_COUNT_AXIS),
            color=alt.Color("split_label:N", scale=scale, sort=labels, title=t("charts.channel")),
            order=alt.Order("split:N"),
            tooltip=[
                alt.Tooltip("label:N", title=_time_title(months)),
                alt.Tooltip("split_label:N", title=t("charts.channel")),
                alt.Tooltip("value:Q", title=t("charts.cases"), format=",.0f"),
            ],
        )
        .add_params(pick)
    )
    return _styled(chart, t("charts.title.intake_by_channel"))


def hot_subjects(rows: Sequence[Mapping], top: int = 8) -> alt.Chart:
    """Heat map: the `top` subjects by intake, month by month (series("intake", by="month", split="subject"))."""
    totals: dict[str, float] = {}
    for r in rows:
        totals[str(r.get("split_label") or r["split"])] = totals.get(
            str(r.get("split_label") or r["split"]), 0
        ) + (r["value"] or 0)
    subjects = sorted(totals, key=lambda s: (-totals[s], s))[:top]
    kept = [r for r in rows if str(r.get("split_label") or r["split"]) in subjects]
    pick = alt.selection_point(name=PICK, fields=["bucket", "split"], on="click")
    base = alt.Chart(_data(kept), width=WIDTH, height=max(120, 30 * len(subjects))).encode(
        x=alt.X(
            "label:N", sort=_ordered(kept), title=_time_title(_ordered(kept)), axis=alt.Axis(labelAngle=0)
        ),
        y=alt.Y("split_label:N", sort=subjects, title=t("charts.subject")),
    )
    cells = base.mark_rect(stroke="white").encode(
        color=alt.Color("value:Q", scale=alt.Scale(scheme="oranges"), title=t("charts.cases")),
        tooltip=[
            alt.Tooltip("split_label:N", title=t("charts.subject")),
            alt.Tooltip("label:N", title=_time_title(_ordered(kept))),
            alt.Tooltip("value:Q", title=t("charts.cases"), format=",.0f"),
        ],
    )
    numbers = base.mark_text(fontSize=11, font=FONT).encode(
        text=alt.Text("value:Q", format=",.0f"), color=_ink(kept)
    )
    return _styled((cells.add_params(pick) + numbers), t("charts.title.hot_subjects"))


def _ink(rows: Sequence[Mapping]):
    """Return a text colour readable on a sequential fill: white on the darker half of the values."""
    known = [r["value"] for r in rows if r.get("value") is not None]
    middle = (min(known) + max(known)) / 2 if known else 0
    return alt.condition(alt.datum.value > middle, alt.value("white"), alt.value("#222222"))


def _rate_domain(values: Iterable[float | None], floor: float | None = None) -> list[float]:
    known = [v for v in values if v is not None] + ([floor] if floor is not None else [])
    low = min(known, default=0.0)
    return [max(0.0, int(low * 20) / 20 - 0.05), 1.0]


def one_time_resolution(rows: Sequence[Mapping], target: float = 0.94) -> alt.Chart:
    """Monthly one-time resolution rate of first petitions, bars, against the target as a labelled rule."""
    months = _ordered(rows)
    y_scale = alt.Scale(domain=_rate_domain((r["value"] for r in rows), target), clamp=True)
    data = _data(rows)
    bars = (
        alt.Chart(data, width=WIDTH, height=HEIGHT)
        .mark_bar(color=BAR_COLOUR)
        .encode(
            x=alt.X("label:N", sort=months, title=_time_title(months), axis=alt.Axis(labelAngle=0)),
            y=alt.Y("value:Q", title=t("charts.rate"), scale=y_scale, axis=alt.Axis(format="%")),
            tooltip=[
                alt.Tooltip("label:N", title=_time_title(months)),
                *_tooltip_numbers(True, t("charts.rate")),
            ],
        )
        .add_params(alt.selection_point(name=PICK, fields=["bucket"], on="click"))
    )
    goal = alt.Chart(alt.Data(values=[{"target": target}]))
    rule = goal.mark_rule(color=TARGET_COLOUR, strokeWidth=2, strokeDash=[6, 3]).encode(y="target:Q")
    text = goal.mark_text(align="left", dx=4, dy=-8, color=TARGET_COLOUR, font=FONT).encode(
        y="target:Q", x=alt.value(0), text=alt.value(t("charts.target", value=f"{target * 100:g}%"))
    )
    return _styled(bars + rule + text, t("charts.title.one_time_resolution"))


def _shifted(bucket: str, years: int = 1) -> str:
    """Return a month or week bucket moved forward `years` years ("2025-03" -> "2026-03")."""
    return f"{int(bucket[:4]) + years}{bucket[4:]}" if bucket[:4].isdigit() else bucket


def _compared(current: Sequence[Mapping], previous: Sequence[Mapping]) -> list[dict]:
    """Return this year's rows and last year's, laid on this year's months (series "this_year"/"previous_year")."""
    labels = {str(r["bucket"]): r["label"] for r in current}
    out = [{**r, "series": "this_year", "series_label": t("charts.this_year")} for r in current]
    for r in previous:
        bucket = _shifted(str(r["bucket"]))
        if bucket in labels:
            out.append(
                {
                    **r,
                    "bucket": bucket,
                    "label": labels[bucket],
                    "series": "previous_year",
                    "series_label": t("charts.previous_year"),
                    "own_label": r["label"],
                }
            )
    return out


def _series_scale(keys: Sequence[str], names: Sequence[str]) -> alt.Scale:
    return alt.Scale(domain=list(names), range=[colour(SERIES_COLOURS, k) for k in keys])


def _lines(data: list[dict], months: list[str], keys, names, *, rate: bool, y_title: str, title: str):
    fmt = ".1%" if rate else ",.1f"
    y_axis = alt.Axis(format="%") if rate else alt.Axis()
    y_scale = alt.Scale(domain=_rate_domain(r["value"] for r in data)) if rate else alt.Scale(zero=True)
    tips = [
        alt.Tooltip("series_label:N", title=t("charts.series")),
        alt.Tooltip("label:N", title=_time_title(months)),
        alt.Tooltip("value:Q", title=y_title, format=fmt),
        alt.Tooltip("numerator:Q", title=t("charts.numerator"), format=",.0f"),
        alt.Tooltip("denominator:Q", title=t("charts.denominator"), format=",.0f"),
    ]
    chart = (
        alt.Chart(_data(data), width=WIDTH, height=HEIGHT)
        .mark_line(point=alt.OverlayMarkDef(size=50), strokeWidth=2.5)
        .encode(
            x=alt.X("label:N", sort=months, title=_time_title(months), axis=alt.Axis(labelAngle=0)),
            y=alt.Y("value:Q", title=y_title, scale=y_scale, axis=y_axis),
            color=alt.Color(
                "series_label:N", scale=_series_scale(keys, names), sort=list(names), title=t("charts.series")
            ),
            tooltip=tips,
        )
    )
    return _styled(chart, title)


def avg_days_to_close(rows: Sequence[Mapping], previous: Sequence[Mapping]) -> alt.Chart:
    """Average days to close first petitions per month, this year against the same months last year."""
    data = _compared(rows, previous)
    keys = ("this_year", "previous_year")
    names = (t("charts.this_year"), t("charts.previous_year"))
    return _lines(
        data,
        _ordered(rows),
        keys,
        names,
        rate=False,
        y_title=t("charts.days"),
        title=t("charts.title.avg_days_to_close"),
    )


def _two_rates(
    first_key: str, first: Sequence[Mapping], second_key: str, second: Sequence[Mapping], title: str
):
    names = (t(f"charts.series_name.{first_key}"), t(f"charts.series_name.{second_key}"))
    data = [{**r, "series": first_key, "series_label": names[0]} for r in first]
    data += [{**r, "series": second_key, "series_label": names[1]} for r in second]
    return _lines(
        data,
        _ordered([*first, *second]),
        (first_key, second_key),
        names,
        rate=True,
        y_title=t("charts.rate"),
        title=title,
    )


def ontime_rates(acceptance: Sequence[Mapping], reply: Sequence[Mapping]) -> alt.Chart:
    """On-time acceptance and on-time reply rates per month."""
    return _two_rates(
        "ontime_acceptance_rate", acceptance, "ontime_reply_rate", reply, t("charts.title.ontime_rates")
    )


def satisfaction_participation(
    satisfaction: Sequence[Mapping], participation: Sequence[Mapping]
) -> alt.Chart:
    """Satisfaction and participation (rated share of replies) per month."""
    return _two_rates(
        "satisfaction_rate", satisfaction, "participation_rate", participation, t("charts.title.satisfaction")
    )


def repeat_rate(rows: Sequence[Mapping]) -> alt.Chart:
    """Share of the month's intake that repeats an earlier case."""
    chart = (
        alt.Chart(_data(rows), width=WIDTH, height=HEIGHT)
        .mark_bar(color="#8E6BBF")
        .encode(
            x=alt.X(
                "label:N", sort=_ordered(rows), title=_time_title(_ordered(rows)), axis=alt.Axis(labelAngle=0)
            ),
            y=alt.Y("value:Q", title=t("charts.rate"), axis=alt.Axis(format="%")),
            tooltip=[
                alt.Tooltip("label:N", title=_time_title(_ordered(rows))),
                *_tooltip_numbers(True, t("charts.rate")),
            ],
        )
        .add_params(alt.selection_point(name=PICK, fields=["bucket"], on="click"))
    )
    return _styled(chart, t("charts.title.repeat_rate"))


def _growth(now: float | None, before: float | None) -> float | None:
    return None if not before or now is None else (now - before) / before


def mediation_agreements(rows: Sequence[Mapping], previous: Sequence[Mapping]) -> alt.Chart:
    """Mediation agreements per month (bars) with last year's month (a tick) and the growth in the tooltip."""
    before = {_shifted(str(r["bucket"])): r["value"] for r in previous}
    data = [
        {
            **r,
            "previous": before.get(str(r["bucket"])),
            "growth": _growth(r["value"], before.get(str(r["bucket"]))),
        }
        for r in rows
    ]
    months = _ordered(rows)
    x = alt.X("label:N", sort=months, title=_time_title(months), axis=alt.Axis(labelAngle=0))
    tips = [
        alt.Tooltip("label:N", title=_time_title(months)),
        alt.Tooltip("value:Q", title=t("charts.this_year"), format=",.0f"),
        alt.Tooltip("previous:Q", title=t("charts.previous_year"), format=",.0f"),
        alt.Tooltip("growth:Q", title=t("charts.growth"), format="+.1%"),
    ]
    base = alt.Chart(_data(data), width=WIDTH, height=HEIGHT).encode(x=x, tooltip=tips)
    bars = base.mark_bar(color=colour(SERIES_COLOURS, "this_year")).encode(
        y=alt.Y("value:Q", title=t("charts.agreements"), axis=_COUNT_AXIS)
    )
    ticks = base.mark_tick(color=colour(SERIES_COLOURS, "previous_year"), thickness=3, size=30).encode(
        y=alt.Y("previous:Q")
    )
    return _styled(bars + ticks, t("charts.title.mediation_agreements"))


def overdue_by_unit(rows: Sequence[Mapping], top: int = 15) -> alt.Chart:
    """League table of overdue cases by lead unit (kpis.overdue_by_unit rows), worst first."""
    kept = [dict(r) for r in rows if r.get("overdue")][:top]
    order = [r["unit"] for r in kept]
    base = alt.Chart(_data(kept), width=WIDTH - 120, height=max(60, 26 * len(kept))).encode(
        y=alt.Y("unit:N", sort=order, title=None, axis=alt.Axis(labelLimit=260)),
        x=alt.X("overdue:Q", title=t("charts.overdue"), axis=_COUNT_AXIS),
        tooltip=[
            alt.Tooltip("unit:N", title=t("charts.unit")),
            alt.Tooltip("overdue:Q", title=t("charts.overdue"), format=",.0f"),
            alt.Tooltip("open:Q", title=t("charts.open"), format=",.0f"),
        ],
    )
    bars = base.mark_bar(color=OVERDUE_COLOUR).add_params(
        alt.selection_point(name=PICK, fields=["unit_id"], on="click")
    )
    numbers = base.mark_text(align="left", dx=4, font=FONT).encode(text=alt.Text("overdue:Q", format=",.0f"))
    return _styled(bars + numbers, t("charts.title.overdue_by_unit"))


def street_tiles(
    rows: Sequence[Mapping], key_name: str, *, rate: bool, codes: Mapping[str, str] | None = None
) -> alt.Chart:
    """Tile grid of the 12 streets (series(key, by="street") rows): each tile the street's value of one indicator.

    `codes` maps a row's bucket (kpis.series gives the street's id) to its division code, which places the tile
    and picks the street's colour; without it the bucket is taken as the code. The fill shows the value, the
    border is the street's own colour.
    """
    fmt = ".1%" if rate else ",.0f"
    data = []
    for r in rows:
        code = (codes or {}).get(str(r["bucket"]), str(r["bucket"]))
        col, row = STREET_TILES.get(code, (len(data) % 4, 3 + len(data) // 4))
        data.append({**r, "code": code, "col": col, "row": row, "edge": street_colour(code)})
    base = alt.Chart(_data(data), width=WIDTH, height=HEIGHT).encode(
        x=alt.X("col:O", axis=None), y=alt.Y("row:O", axis=None)
    )
    tips = [alt.Tooltip("label:N", title=t("charts.street")), *_tooltip_numbers(rate, key_name)]
    tiles = (
        base.mark_rect(cornerRadius=6, strokeWidth=4)
        .encode(
            color=alt.Color(
                "value:Q", scale=alt.Scale(scheme="blues"), title=key_name, legend=alt.Legend(format=fmt)
            ),
            stroke=alt.Stroke("edge:N", scale=None),
            tooltip=tips,
        )
        .add_params(alt.selection_point(name=PICK, fields=["bucket"], on="click"))
    )
    names = base.mark_text(dy=-10, fontSize=13, font=FONT, fontWeight="bold").encode(text="label:N")
    names = names.encode(color=_ink(data))
    values = base.mark_text(dy=10, fontSize=13, font=FONT).encode(
        text=alt.Text("value:Q", format=fmt), color=_ink(data)
    )
    return _styled(tiles + names + values, t("charts.title.street_tiles", indicator=key_name))


def supervision_output(counts: Mapping[str, int], labels: Mapping[str, str] | None = None) -> alt.Chart:
    """Bars of the period's supervision output: letters by kind, then the spot checks' counts.

    `counts`: kpis Figure.by["kind"] merged with Figure.by["spot_checks"] (completed, cases_checked,
    rectification_notices), e.g. supervision_counts(figure.by).
    """
    data = [
        {"kind": k, "label": (labels or {}).get(k) or _kind_label(k), "value": v} for k, v in counts.items()
    ]
    order = [d["label"] for d in data]
    scale = alt.Scale(domain=order, range=[colour(KIND_COLOURS, d["kind"]) for d in data])
    base = alt.Chart(_data(data), width=WIDTH - 120, height=max(60, 34 * len(data))).encode(
        y=alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=240)),
        x=alt.X("value:Q", title=t("charts.count"), axis=_COUNT_AXIS),
        tooltip=[
            alt.Tooltip("label:N", title=t("charts.kind")),
            alt.Tooltip("value:Q", title=t("charts.count"), format=",.0f"),
        ],
    )
    bars = base.mark_bar().encode(color=alt.Color("label:N", scale=scale, legend=None))
    numbers = base.mark_text(align="left", dx=4, font=FONT).encode(text=alt.Text("value:Q", format=",.0f"))
    return _styled(bars + numbers, t("charts.title.supervision_output"))


def supervision_counts(by: Mapping[str, Mapping[str, int]] | None) -> dict[str, int]:
    """Return the bars of supervision_output from the supervision_output Figure's `by`."""
    by = by or {}
    kinds = dict(by.get("kind") or {})
    letters = {k: kinds.pop(k, 0) for k in KIND_COLOURS}
    return {**letters, **kinds, **dict(by.get("spot_checks") or {})}


def _kind_label(kind: str) -> str:
    shown = enum_label("letter_kind", kind)
    return shown if not shown.startswith("enum.") else t(f"charts.kind_name.{kind}")
