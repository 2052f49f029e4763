"""The big screen's look: full screen, dark, large numerals (UX.md: 48 px or more, readable across a room).

Sizes are set for 1920 px wide and shrink with the window (a leader's 1440 px laptop), never above them.

One style sheet hides Streamlit's chrome (header, toolbar, sidebar and its handle, the running man) and turns
st.metric into tiles; `tile` draws one indicator so the page only says which figure goes where.
"""

from __future__ import annotations

import streamlit as st

from i18n import DEFAULT_LANGUAGE, get_language

HIDDEN = (
    '[data-testid="stHeader"]',
    '[data-testid="stToolbar"]',
    '[data-testid="stDecoration"]',
    '[data-testid="stStatusWidget"]',
    '[data-testid="stSidebar"]',
    '[data-testid="stSidebarCollapsedControl"]',
    '[data-testid="stExpandSidebarButton"]',
    '[data-testid="stSkipToContent"]',
    "#MainMenu",
    "footer",
)
BACKGROUND, INK, MUTED, FRAME = "#0b1220", "#f4f7fb", "#a9b8cf", "#24324a"
TWO_LINE_LABELS = (  # 2 lines of 28 px at 1.2: the tiles' numbers stay level when an English name wraps
    '[data-testid="stMetricLabel"] { min-height: 68px !important; align-items: flex-start; }'
    '[class*="st-key-pd_strip_"] [data-testid="stMetricLabel"] { min-height: 0 !important; }'
)
GOOD, BAD = "#4ade80", "#f87171"  # better / worse than the target or last year, bright on the dark ground

STYLE = f"""
{", ".join(HIDDEN)} {{ display: none !important; }}
.stApp, [data-testid="stAppViewContainer"], [data-testid="stMain"] {{ background: {BACKGROUND}; color: {INK}; }}
[data-testid="stMainBlockContainer"] {{ max-width: 100%; padding: 1.5rem 2.5rem 0.5rem 2.5rem; }}
.stApp h1 {{ color: {INK}; font-size: 44px; font-weight: 700; padding: 0; }}
.stApp h2 {{ color: {INK}; font-size: 36px; font-weight: 700; padding: 0.5rem 0 0 0; }}
.stApp [data-testid="stCaptionContainer"], .stApp [data-testid="stCaptionContainer"] p {{
  color: {MUTED}; font-size: 22px; }}
[data-testid="stMetric"] {{ background: #121c30; border: 2px solid {FRAME}; border-radius: 14px;
  padding: 16px 22px 18px 22px; min-height: clamp(150px, 13.6vw, 262px); }}
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * {{ white-space: normal !important;
  overflow: visible !important; text-overflow: clip !important; }}
[data-testid="stMetricLabel"] p {{ color: {MUTED}; font-size: clamp(16px, 1.46vw, 28px) !important; font-weight: 600; line-height: 1.2; }}
[data-testid="stMetricValue"] {{ color: {INK}; font-size: clamp(36px, 3.65vw, 70px) !important; font-weight: 700; line-height: 1.15; }}
.st-key-pd_street [data-testid="stMetricValue"] {{ font-size: clamp(32px, 3.23vw, 62px) !important; }}
.st-key-pd_street [data-testid="stMetric"] {{ min-height: clamp(140px, 12.8vw, 246px); }}
div:has(> [data-testid="stMetricDelta"]) {{ flex-wrap: wrap; gap: 2px 10px; }}
[data-testid="stMetricDelta"] {{ background: transparent !important; color: {MUTED} !important; padding: 0 !important; }}
[data-testid="stMetricDelta"]:has([data-testid="stMetricDeltaIcon-Up"]) {{ color: {GOOD} !important; }}
[data-testid="stMetricDelta"]:has([data-testid="stMetricDeltaIcon-Down"]) {{ color: {BAD} !important; }}
[data-testid="stMetricDelta"] p {{ font-size: clamp(16px, 1.46vw, 28px) !important; font-weight: 600; }}
[data-testid="stMetricDelta"] svg {{ width: 28px; height: 28px; }}
[data-testid="stMetricDeltaDescription"] {{ flex-basis: 100%; overflow: visible; }}
[data-testid="stMetricDeltaDescription"] p {{ color: {MUTED}; font-size: clamp(14px, 1.25vw, 24px) !important; white-space: normal; }}
.stApp h3 {{ color: {MUTED}; font-size: 28px; font-weight: 600; padding: 0.75rem 0 0 0; }}
[class*="st-key-pd_strip_"] [data-testid="stMetric"] {{ min-height: 0; padding: 10px 10px; border-radius: 10px; }}
[class*="st-key-pd_strip_"] [data-testid="stMetricLabel"] p {{ font-size: clamp(12px, calc(2.2vw - 20px), 22px) !important; }}
[class*="st-key-pd_strip_"] [data-testid="stMetricValue"] {{ font-size: clamp(16px, calc(3.4vw - 31px), 34px) !important; }}
[class*="st-key-pd_strip_below"] [data-testid="stMetricValue"] {{ color: {BAD}; }}
[class*="st-key-pd_strip_"][class*="_now"] [data-testid="stMetric"] {{ border-color: {INK}; background: #1d2b47; }}
"""


def install_style() -> None:
    """Dress this run's screen as the big screen (the style sheet goes with every run, like every element)."""
    level = "" if get_language() == DEFAULT_LANGUAGE else TWO_LINE_LABELS  # English names run to two lines
    st.html(f"<style>{STYLE}{level}</style>")


def tile(
    column,
    label: str,
    value: str,
    delta: str | None = None,
    *,
    description: str | None = None,
    judged: bool = True,
) -> None:
    """Show one indicator in `column`; `judged`: the delta's green/red means better/worse (else grey)."""
    column.metric(
        label,
        value,
        delta,
        delta_color="normal" if judged else "off",
        delta_arrow="auto" if judged else "off",
        delta_description=description,
    )


def strip(items: list[tuple[str, str, bool, bool]]) -> None:
    """Show every street's figure in one row: (name, value, below the target, shown above now)."""
    for i, (col, (name, value, below, now)) in enumerate(zip(st.columns(len(items)), items, strict=True)):
        key = f"pd_strip_{'below' if below else 'met'}_{i}{'_now' if now else ''}"
        col.container(key=key).metric(name, value)
