"""The big screen's look: full screen, dark, large numerals (UX.md: 48 px or more, readable across a room).

One style sheet hides Streamlit's chrome (header, toolbar, sidebar and its handle, the running man) and turns
st.metric into tiles; `tile` draws one indicator so the page only says which figure goes where.
"""

from __future__ import annotations

import streamlit as st

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
  padding: 16px 22px 18px 22px; min-height: 262px; }}
[data-testid="stMetricLabel"] p {{ color: {MUTED}; font-size: 30px !important; font-weight: 600; }}
[data-testid="stMetricValue"] {{ color: {INK}; font-size: 80px !important; font-weight: 700; line-height: 1.1; }}
.st-key-pd_street [data-testid="stMetricValue"] {{ font-size: 72px !important; }}
.st-key-pd_street [data-testid="stMetric"] {{ min-height: 246px; }}
div:has(> [data-testid="stMetricDelta"]) {{ flex-wrap: wrap; gap: 2px 10px; }}
[data-testid="stMetricDelta"] {{ background: transparent !important; color: {MUTED} !important; padding: 0 !important; }}
[data-testid="stMetricDelta"]:has([data-testid="stMetricDeltaIcon-Up"]) {{ color: {GOOD} !important; }}
[data-testid="stMetricDelta"]:has([data-testid="stMetricDeltaIcon-Down"]) {{ color: {BAD} !important; }}
[data-testid="stMetricDelta"] p {{ font-size: 28px !important; font-weight: 600; }}
[data-testid="stMetricDelta"] svg {{ width: 28px; height: 28px; }}
[data-testid="stMetricDeltaDescription"] {{ flex-basis: 100%; overflow: visible; }}
[data-testid="stMetricDeltaDescription"] p {{ color: {MUTED}; font-size: 24px !important; white-space: normal; }}
"""


def install_style() -> None:
    """Dress this run's screen as the big screen (the style sheet goes with every run, like every element)."""
    st.html(f"<style>{STYLE}</style>")


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
