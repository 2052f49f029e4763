"""The indicator charts' specs: what they encode, the 94% rule, one colour per channel and street everywhere."""

from __future__ import annotations

import json

from core.kpis import charts


def _row(bucket, value, *, split=None, split_label=None, numerator=None, denominator=None, label=None):
    return {
        "bucket": bucket,
        "label": label or bucket,
        "split": split,
        "split_label": split_label,
        "value": value,
        "numerator": numerator,
        "denominator": denominator,
    }


def _layers(spec: dict) -> list[dict]:
    return spec.get("layer", [spec])


def _colour_of(spec: dict, name: str) -> str:
    scale = _layers(spec)[0]["encoding"]["color"]["scale"]
    return dict(zip(scale["domain"], scale["range"], strict=True))[name]


def test_intake_by_channel_stacks_months_by_channel_with_each_channels_fixed_colour():
    rows = [
        _row("2026-01", 5, split="visit", split_label="来访", label="1月"),
        _row("2026-01", 3, split="letter", split_label="来信", label="1月"),
        _row("2026-02", 2, split="visit", split_label="来访", label="2月"),
    ]
    spec = charts.intake_by_channel(rows).to_dict()
    enc = spec["encoding"]
    assert spec["mark"]["type"] == "bar"
    assert enc["x"]["field"] == "label" and enc["x"]["sort"] == ["1月", "2月"]
    assert enc["y"]["field"] == "value" and enc["y"]["stack"] == "zero"
    assert "aggregate" not in enc["y"]  # the click selection needs each row's bucket and split
    assert _colour_of(spec, "来访") == charts.CHANNEL_COLOURS["visit"] == "#F28E2B"
    assert _colour_of(spec, "来信") == "#4E79A7"
    assert spec["config"]["font"] == "Noto Sans CJK SC"
    assert spec["title"]["text"] == "各月登记量（按信访渠道）"
    assert [tip["field"] for tip in enc["tooltip"]] == ["label", "split_label", "value"]
    assert spec["params"][0]["name"] == charts.PICK


def test_a_channel_keeps_its_colour_whatever_else_is_on_the_chart():
    only_visit = charts.intake_by_channel([_row("2026-01", 5, split="visit", split_label="来访")]).to_dict()
    every = [_row("2026-01", 1, split=c, split_label=c) for c in reversed(list(charts.CHANNEL_COLOURS))]
    all_channels = charts.intake_by_channel(every).to_dict()
    assert _colour_of(only_visit, "来访") == _colour_of(all_channels, "visit") == "#F28E2B"
    assert len(set(charts.CHANNEL_COLOURS.values())) == len(charts.CHANNEL_COLOURS) == 10
    assert len(set(charts.STREET_COLOURS.values())) == len(charts.STREET_COLOURS) == 12
    assert charts.channel_colour("unknown") == charts.channel_colour("unknown")  # a spare, but stable


def test_one_time_resolution_draws_the_94_percent_target_as_a_labelled_rule():
    rows = [
        _row("2026-01", 0.9, numerator=9, denominator=10),
        _row("2026-02", 1.0, numerator=4, denominator=4),
    ]
    spec = charts.one_time_resolution(rows).to_dict()
    bars, rule, text = spec["layer"]
    assert rule["mark"]["type"] == "rule"
    rule_values = rule["data"]["values"]
    assert rule_values == [{"target": 0.94}] and rule["encoding"]["y"]["field"] == "target"
    assert text["encoding"]["text"]["value"] == "目标 94%"
    assert bars["encoding"]["y"]["axis"]["format"] == "%"
    tips = {tip["field"]: tip.get("format") for tip in bars["encoding"]["tooltip"]}
    assert tips == {"label": None, "value": ".1%", "numerator": ",.0f", "denominator": ",.0f"}


def test_days_to_close_lays_last_years_months_under_this_years():
    now = [_row("2026-01", 12.5, numerator=25, denominator=2, label="2026年1月")]
    before = [_row("2025-01", 16.0, numerator=32, denominator=2, label="2025年1月"), _row("2025-02", 9.0)]
    spec = charts.avg_days_to_close(now, before).to_dict()
    values = spec["data"]["values"]
    assert [(v["series"], v["label"], v["value"]) for v in values] == [
        ("this_year", "2026年1月", 12.5),
        ("previous_year", "2026年1月", 16.0),
    ]
    assert _colour_of(spec, "去年同期") == charts.SERIES_COLOURS["previous_year"]


def test_overdue_league_table_sorts_units_worst_first_and_clicks_report_the_unit():
    rows = [
        {"unit_id": 7, "unit": "区住建委", "overdue": 9, "open": 20},
        {"unit_id": 3, "unit": "区城管局", "overdue": 4, "open": 11},
        {"unit_id": 5, "unit": "区民政局", "overdue": 0, "open": 2},
    ]
    spec = charts.overdue_by_unit(rows).to_dict()
    bars = spec["layer"][0]
    assert bars["mark"]["type"] == "bar"
    assert bars["encoding"]["y"]["sort"] == ["区住建委", "区城管局"]  # none overdue: not in the table
    assert spec["params"][0]["select"]["fields"] == ["unit_id"]


def test_street_tiles_place_every_street_on_its_own_tile_with_its_colour_as_border():
    rows = [
        _row(code, i / 20, label=code, numerator=i, denominator=20)
        for i, code in enumerate(charts.STREET_TILES)
    ]
    spec = charts.street_tiles(rows, "满意率", rate=True).to_dict()
    values = spec["data"]["values"]
    assert len({(v["col"], v["row"]) for v in values}) == 12
    assert {v["bucket"]: v["edge"] for v in values} == charts.STREET_COLOURS
    assert spec["title"]["text"] == "各街镇对比：满意率"


def test_mediation_growth_is_against_the_same_month_last_year():
    spec = charts.mediation_agreements([_row("2026-03", 11)], [_row("2025-03", 8)]).to_dict()
    (row,) = spec["data"]["values"]
    assert row["previous"] == 8 and row["growth"] == 0.375


def test_every_chart_renders_to_json_in_english_too():
    from i18n import set_language

    set_language("en")
    try:
        month = [_row("2026-01", 0.5, numerator=1, denominator=2)]
        specs = [
            charts.hot_subjects([_row("2026-01", 3, split="property", split_label="物业纠纷")]),
            charts.ontime_rates(month, month),
            charts.satisfaction_participation(month, month),
            charts.repeat_rate(month),
            charts.supervision_output(
                charts.supervision_counts(
                    {"kind": {"risk_alert": 1, "supervision": 6}, "spot_checks": {"completed": 2}}
                )
            ),
        ]
        texts = [json.loads(c.to_json())["title"]["text"] for c in specs]
        assert texts[-1] == "Supervision: letters and spot checks"
        labels = json.loads(specs[-1].to_json())["data"]["values"]
        assert [(v["label"], v["value"]) for v in labels] == [
            ("Supervision letter", 6),
            ("Risk alert", 1),
            ("Improvement proposal", 0),
            ("Spot checks completed", 2),
        ]
    finally:
        set_language("zh_CN")
