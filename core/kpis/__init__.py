"""The indicators (DOMAIN.md §8): the only place they are computed, by SQL aggregates in the database."""

from __future__ import annotations

from core.kpis.indicators import (
    BUCKETS,
    CASE_KEYS,
    KEYS,
    MEANS,
    MEDIATION_KEYS,
    PARTS,
    RATES,
    TARGETS,
    Figure,
    Period,
    Scope,
    cached,
    clear_cache,
    compute,
    drill,
    effective_scope,
    generation,
    mediator_series,
    overdue_by_unit,
    overdue_drill,
    series,
)
from i18n import t
from i18n.format import fmt_int, fmt_rate

__all__ = [
    "BUCKETS",
    "CASE_KEYS",
    "KEYS",
    "MEANS",
    "MEDIATION_KEYS",
    "PARTS",
    "RATES",
    "TARGETS",
    "Figure",
    "Period",
    "Scope",
    "cached",
    "clear_cache",
    "compute",
    "drill",
    "effective_scope",
    "format_value",
    "formula",
    "generation",
    "mediator_series",
    "name",
    "overdue_by_unit",
    "overdue_drill",
    "series",
]


def name(key: str) -> str:
    """Return the indicator's name in the current language, e.g. 初次信访一次性化解率."""
    return t(f"kpi.name.{key}")


def formula(key: str) -> str:
    """Return the indicator's formula in words (DOMAIN.md §8), shown beside its number."""
    return t(f"kpi.formula.{key}")


def format_value(key: str, value: float | int | None) -> str:
    """Return a figure as shown on screen: a rate as a percentage, days with one decimal, counts grouped."""
    if value is None:
        return "—"
    if key in RATES:
        return fmt_rate(value)
    if key in MEANS:
        return t("kpi.days", days=f"{value:.1f}")
    return fmt_int(int(value))
