"""Risk early warning (风险预警): weekly registrations per subject × street, and per housing estate or company
named in titles, each against its own recent baseline; group petitions; several repeats about one matter.

The detector (docs/supervision.md has the reasoning): for a series of weekly counts, the baseline of the
current week is the EWMA (alpha 0.3) of the BASELINE_WEEKS weeks before it, floored at 0.5 so a quiet series
is not divided by nothing; the current count c raises a spike when c >= MIN_COUNT and the one-sided Poisson
tail P(X >= c | baseline) is below P_LIMIT. A flat series never alarms (its tail stays near one half).
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlmodel import Session, func, select

from core.accounts.permissions import require, scope_cases
from core.cases.status import open_clause
from i18n import label, t
from models import Case, CaseStatus, Street, User

ALPHA = 0.3
BASELINE_WEEKS = 12
FLOOR = 0.5
MIN_COUNT = 3
P_LIMIT = 0.001
GROUP_SIZE = 5  # 第20条: a group visit sends at most five representatives; five or more people is a group
REPEATS = 3  # repeats linked to one matter within REPEAT_DAYS
REPEAT_DAYS = 30
# Names in titles: after a leading verb, the shortest run of up to 12 characters that ends in an estate or
# company word; the multi-character words are tried first, so 北城花园 is not cut at 城.
_LEAD = re.compile(r"^(关于|反映|投诉|举报|建议将|建议|要求|请求|咨询)+")
_LONG = "花园|新村|雅苑|家园|华庭|名都|佳园|丽景|公寓|新城|嘉园|小区|宿舍|有限公司|公司|集团|物业"
_SHORT = "苑|府|湾|城|厂|院"
_NAME_LONG = re.compile(rf"^([\u4e00-\u9fff0-9A-Za-z]{{1,10}}?(?:{_LONG}))")
_NAME_SHORT = re.compile(rf"^([\u4e00-\u9fff0-9A-Za-z]{{1,10}}?(?:{_SHORT}))")


def poisson_tail(c: int, lam: float) -> float:
    """Return P(X >= c) for X ~ Poisson(lam)."""
    if c <= 0:
        return 1.0
    term = math.exp(-lam)
    below = term
    for k in range(1, c):
        term *= lam / k
        below += term
    return max(0.0, 1.0 - below)


def baseline(history: Sequence[int]) -> float:
    """Return the EWMA of the weeks before the current one (oldest first), floored at FLOOR."""
    level = None
    for x in history:
        level = x if level is None else ALPHA * x + (1 - ALPHA) * level
    return max(FLOOR, level or 0.0)


def is_spike(history: Sequence[int], current: int) -> tuple[bool, float, float]:
    """Return whether `current` is a spike against `history`, with the baseline and the tail probability."""
    lam = baseline(history)
    p = poisson_tail(current, lam)
    return current >= MIN_COUNT and p < P_LIMIT, lam, p


def name_in_title(title: str) -> str | None:
    """Return the housing estate or company a title names, e.g. 反映嘉陵花园物业公司服务差 -> 嘉陵花园."""
    rest = _LEAD.sub("", (title or "").strip())
    match = _NAME_LONG.match(rest) or _NAME_SHORT.match(rest)
    if not match:
        return None
    name = match.group(1)
    return name if len(name) >= 3 else None


@dataclass
class RiskWarning:
    """A risk the board shows, with the cases behind it and the unit a 风险提示函 would go to."""

    kind: str  # spike | group | repeats
    key: str  # what it is about, e.g. "物业纠纷 · 观音桥街道" or an estate's name
    count: int
    baseline: float | None
    case_ids: list[int] = field(default_factory=list)
    unit_id: int | None = None
    subject: str | None = None
    street_id: int | None = None


def week_start(day: date) -> date:
    """Return the Monday of the day's week."""
    return day - timedelta(days=day.weekday())


def _rows(session: Session, user: User, start: date, end: date):
    stmt = select(
        Case.id, Case.received_on, Case.subject, Case.street_id, Case.title, Case.lead_unit_id
    ).where(Case.received_on >= start, Case.received_on <= end, Case.status != CaseStatus.MERGED)
    return session.exec(scope_cases(stmt, user)).all()


def _unit_of(rows) -> int | None:
    units = Counter(r.lead_unit_id for r in rows if r.lead_unit_id is not None)
    return units.most_common(1)[0][0] if units else None


def warnings(session: Session, user: User, today: date) -> list[RiskWarning]:
    """Return this week's warnings (the week of `today`, up to today), strongest first."""
    require(user, "supervision.view")
    this_week = week_start(today)
    first = this_week - timedelta(weeks=BASELINE_WEEKS)
    rows = _rows(session, user, first, today)
    streets = dict(session.exec(select(Street.id, Street.name)).all())
    series: dict[tuple, list] = defaultdict(list)
    for r in rows:
        series[("area", r.subject, r.street_id)].append(r)
        name = name_in_title(r.title)
        if name:
            series[("name", name, None)].append(r)
    out = []
    for (what, a, b), cases in series.items():
        weeks = Counter((week_start(r.received_on) - first).days // 7 for r in cases)
        current = [r for r in cases if r.received_on >= this_week]
        spike, lam, _p = is_spike([weeks.get(i, 0) for i in range(BASELINE_WEEKS)], len(current))
        if spike:
            key = a if what == "name" else f"{label('subject', a)} · {streets.get(b, t('kpi.unassigned'))}"
            out.append(RiskWarning("spike", key, len(current), round(lam, 2), sorted(r.id for r in current),
                               _unit_of(current), a if what == "area" else None, b))  # fmt: skip
    out += _groups(session, user, this_week, today) + _repeats(session, user, today)
    return sorted(out, key=lambda w: (-w.count, w.kind, w.key))


def _groups(session: Session, user: User, start: date, today: date) -> list[RiskWarning]:
    stmt = select(Case.id, Case.title, Case.group_size, Case.lead_unit_id, Case.subject, Case.street_id).where(
        Case.received_on >= start, Case.received_on <= today, Case.group_size >= GROUP_SIZE,
        Case.status != CaseStatus.MERGED,
    )  # fmt: skip
    return [
        RiskWarning("group", r.title, int(r.group_size), None, [r.id], r.lead_unit_id, r.subject, r.street_id)
        for r in session.exec(scope_cases(stmt, user)).all()
    ]


def _repeats(session: Session, user: User, today: date) -> list[RiskWarning]:
    since = today - timedelta(days=REPEAT_DAYS)
    stmt = (
        select(Case.repeat_of_id, func.count())
        .where(Case.repeat_of_id.is_not(None), Case.received_on >= since, Case.received_on <= today)
        .group_by(Case.repeat_of_id)
        .having(func.count() >= REPEATS)
    )
    out = []
    for matter_id, n in session.exec(scope_cases(stmt, user)).all():
        matter = session.get(Case, matter_id)
        later = session.exec(
            select(Case.id).where(Case.repeat_of_id == matter_id, Case.received_on >= since).order_by(Case.id)
        ).all()
        out.append(RiskWarning("repeats", matter.title, int(n), None, [matter.id, *later], matter.lead_unit_id,
                           matter.subject, matter.street_id))  # fmt: skip
    return out


def draft_risk_letter(session: Session, warning: RiskWarning) -> dict:
    """Return the fields of a 风险提示函 about a warning, for the supervisor to check and issue."""
    numbers = session.exec(select(Case.number).where(Case.id.in_(warning.case_ids)).order_by(Case.id)).all()
    subject = t("supervision.warning.letter_subject", about=warning.key)
    content = t(
        f"supervision.warning.letter_{warning.kind}", about=warning.key, count=warning.count,
        baseline=warning.baseline or 0, numbers="、".join(numbers),
    )  # fmt: skip
    return {"kind": "risk_alert", "unit_id": warning.unit_id, "case_ids": list(warning.case_ids),
            "subject": subject[:200], "content": content, "trigger": "other"}  # fmt: skip


def open_cases_of(session: Session, user: User, ids: Sequence[int]) -> int:
    """Return how many of the warning's cases are still open."""
    stmt = select(func.count()).select_from(Case).where(Case.id.in_(list(ids)), open_clause())
    return int(session.exec(scope_cases(stmt, user)).one())
