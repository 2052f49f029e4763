"""Big screen (大屏) for the leaders' meeting room: the district's figures, then one street or town at a time.

Full screen and dark for a 1920×1080 screen seen from across the room, without sidebar or Streamlit chrome.
A fragment reruns itself every ROTATE_EVERY: it checks the sign-in again (a session ended anywhere ends
here), moves on to the next street in code order and takes the figures afresh from core.kpis. Aggregates
only: the display account that runs it may see nothing else (no case, no name).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import streamlit as st

from core import kpis
from core.accounts import permissions
from core.places import places
from core.platform import db, timeutil
from core.platform.config import get_settings
from i18n import t
from i18n.format import fmt_date, fmt_int
from models import Role
from widgets import big_screen, session
from widgets.guard import require_page

ROTATE_EVERY = timedelta(seconds=60)
STEP_KEY = "pd_big_screen_step"  # how many times this tab's board has run: the street shown is step % 12
TARGET_KEY = "one_time_resolution_rate"
RATES = (  # (indicator, label) after intake, as the tiles read left to right
    (TARGET_KEY, "bigscreen.one_time"),
    ("ontime_acceptance_rate", "bigscreen.acceptance"),
    ("ontime_reply_rate", "bigscreen.reply"),
    ("satisfaction_rate", "bigscreen.satisfaction"),
)
KEYS = ("intake", *(key for key, _ in RATES))


@dataclass(frozen=True)
class Board:
    """The figures of one scope (the district or one street): the indicators and the overdue cases today."""

    figures: dict[str, kpis.Figure]
    overdue: int


def _board(db_session, user, period: kpis.Period, scope: kpis.Scope) -> Board:
    figures = kpis.compute(db_session, user, period, scope, keys=KEYS)
    overdue = sum(row["overdue"] for row in kpis.overdue_by_unit(db_session, user, period.as_of, scope))
    return Board(figures, overdue)


def _points(value: float | None, base: float | None) -> str | None:
    """Return the difference of two rates in percentage points ("+1.3 个百分点"), or None without both."""
    if value is None or base is None:
        return None
    return t("bigscreen.points", value=f"{(value - base) * 100:+.1f}")


def _shown(key: str, value) -> str:
    return "—" if value is None else kpis.format_value(key, value)


def _tiles(board: Board) -> None:
    cols = st.columns(len(RATES) + 2, gap="medium")
    intake = board.figures["intake"]
    last_year = t("bigscreen.vs_last_year", value=_shown("intake", intake.previous_year))
    big_screen.tile(cols[0], t("bigscreen.intake"), _shown("intake", intake.value), last_year, judged=False)
    for col, (key, label) in zip(cols[1:], RATES, strict=False):
        fig = board.figures[key]
        if key == TARGET_KEY:  # against the 94 % target, not against last year
            target = kpis.TARGETS[key]
            note = t("bigscreen.vs_target", target=kpis.format_value(key, target))
            big_screen.tile(
                col, t(label), _shown(key, fig.value), _points(fig.value, target), description=note
            )
        else:
            note = t("bigscreen.vs_last_year", value=_shown(key, fig.previous_year))
            delta = _points(fig.value, fig.previous_year)
            big_screen.tile(col, t(label), _shown(key, fig.value), delta, description=note)
    big_screen.tile(
        cols[-1], t("bigscreen.overdue"), fmt_int(board.overdue), t("bigscreen.overdue_now"), judged=False
    )


def _strip(db_session, user, period: kpis.Period, streets, now: int) -> list[tuple[str, str, bool, bool]]:
    """Return every street's one-time resolution (one grouped query), the street shown above marked."""
    rows = kpis.series(db_session, user, TARGET_KEY, period, by="street")
    values = {row["bucket"]: row["value"] for row in rows}  # a street's bucket is its id
    target = kpis.TARGETS[TARGET_KEY]
    items = []
    for i, street in enumerate(streets):
        value = values.get(str(street.id))
        items.append((street.name, _shown(TARGET_KEY, value), value is not None and value < target, i == now))
    return items


def _step() -> int:
    step = st.session_state.get(STEP_KEY, -1) + 1
    st.session_state[STEP_KEY] = step
    return step


@st.fragment(run_every=ROTATE_EVERY)
def _screen() -> None:
    # read again on every refresh: a sign-out or an ended session anywhere ends the board here
    user = session.current_user()
    if user is None or not permissions.allowed(user, "kpi.big_screen"):
        st.rerun(scope="app")
    day = timeutil.today()
    period = kpis.Period.year_of(day)
    with db.session_scope() as db_session:
        streets = places.streets(db_session)
        district = _board(db_session, user, period, kpis.Scope())
        n = _step() % len(streets) if streets else 0
        local = _board(db_session, user, period, kpis.Scope(street_id=streets[n].id)) if streets else None
        strip = _strip(db_session, user, period, streets, n)
    st.title(t("bigscreen.title", office=get_settings().office_name))
    ends = min(period.end, day)
    st.caption(t("bigscreen.period", start=fmt_date(period.start), end=fmt_date(ends)))
    st.header(t("bigscreen.district"))
    _tiles(district)
    if local is None:
        st.info(t("bigscreen.no_streets"))
        return
    with st.container(key="pd_street"):
        st.header(t("bigscreen.street", name=streets[n].name, n=n + 1, total=len(streets)))
        _tiles(local)
    target = kpis.format_value(TARGET_KEY, kpis.TARGETS[TARGET_KEY])
    st.subheader(t("bigscreen.strip", target=target))
    big_screen.strip(strip)
    upcoming = streets[(n + 1) % len(streets)].name
    seconds = int(ROTATE_EVERY.total_seconds())
    updated = t("bigscreen.updated", time=f"{timeutil.now_local():%H:%M}")
    st.caption(f"{t('bigscreen.rotation', seconds=seconds, next=upcoming)} · {updated}")


def render() -> None:
    user = require_page("kpi.big_screen")
    big_screen.install_style()
    _screen()
    if Role(user.role) != Role.DISPLAY:  # a leader or administrator came from his sidebar: a way back
        session.same_tab_link(t("bigscreen.exit"), "/")
