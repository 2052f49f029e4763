"""The deadline badge: green / yellow / red by working days left, with the due date and a provisional mark."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import streamlit as st

from core.calendar import clock
from i18n import t
from i18n.format import fmt_date

COLOURS = {clock.GREEN: "green", clock.YELLOW: "orange", clock.RED: "red"}


@dataclass(frozen=True)
class Deadline:
    """What the badge shows: colour key, text and help."""

    alert: str | None
    text: str
    help: str


def describe(due_on: date | None, provisional: bool, today: date, cal, *, paused: bool = False) -> Deadline:
    """Return the colour and words for a due date as seen on `today`."""
    if due_on is None:
        return Deadline(None, "", "")
    when = fmt_date(due_on)
    note = t("deadline.provisional") if provisional else ""
    if paused:
        return Deadline(None, t("deadline.paused", date=when), note)
    alert = clock.alert(due_on, today, cal)
    if alert == clock.RED:
        text = t("deadline.overdue", n=(today - due_on).days, date=when)
    elif due_on == today:
        text = t("deadline.today", date=when)
    else:
        text = t("deadline.left", n=clock.working_days_between(cal, today, due_on), date=when)
    return Deadline(alert, text + ("*" if provisional else ""), note)


def deadline_badge(due_on: date | None, provisional: bool, today: date, cal, *, paused: bool = False) -> None:
    """Show the deadline badge (nothing when the case has no running deadline)."""
    d = describe(due_on, provisional, today, cal, paused=paused)
    if d.text:
        st.badge(d.text, color=COLOURS.get(d.alert, "gray"), help=d.help or None)
