"""The holiday table: seeded from chinesecalendar, extended by administrators."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from core.accounts import audit
from core.accounts.permissions import require
from core.calendar import clock
from core.platform import rules, timeutil
from core.platform.errors import NotFound, ValidationError
from i18n import t
from models import Holiday, HolidaySource, HolidayYear, User
from models.base import now_local

FIRST_YEAR, LAST_YEAR = 2000, 2100
NAME_MAX = 40

Entry = tuple[date, bool, str]  # (day, is_workday, name)


def package_entries() -> list[Entry]:
    """Return the holidays and make-up working days the chinesecalendar package knows, by day."""
    from chinese_calendar import constants

    chinese = {h.value: h.chinese for h in constants.Holiday}
    rows = {d: (d, False, chinese.get(n, str(n))[:NAME_MAX]) for d, n in constants.holidays.items()}
    rows.update({d: (d, True, chinese.get(n, str(n))[:NAME_MAX]) for d, n in constants.workdays.items()})
    return sorted(rows.values())


def seed_from_package(session: Session) -> int:
    """Fill an empty holiday table from the chinesecalendar package (2004–its last year); return rows added."""
    if session.exec(select(Holiday).limit(1)).first() is not None:
        return 0
    entries = package_entries()
    session.add_all(Holiday(day=d, is_workday=w, name=n, source=HolidaySource.PACKAGE) for d, w, n in entries)
    first, last = entries[0][0].year, entries[-1][0].year
    have = set(known_years(session))
    session.add_all(
        HolidayYear(year=y, source=HolidaySource.PACKAGE) for y in range(first, last + 1) if y not in have
    )
    session.commit()
    clock.invalidate_cache()
    return len(entries)


def known_years(session: Session) -> list[int]:
    """Return the years whose holiday list is in the table, ascending."""
    return list(session.exec(select(HolidayYear.year).order_by(HolidayYear.year)).all())


def list_days(session: Session, year: int) -> list[Holiday]:
    """Return the holiday table rows of one year, by day."""
    stmt = select(Holiday).where(Holiday.day >= date(year, 1, 1), Holiday.day <= date(year, 12, 31))
    return list(session.exec(stmt.order_by(Holiday.day)).all())


# --- validation ----------------------------------------------------------------------------------


def _entry_error(day: object, is_workday: object, name: object) -> str | None:
    """Return the message for one bad (day, is_workday, name), or None."""
    if not isinstance(day, date) or isinstance(day, datetime) or not isinstance(is_workday, bool):
        return t("clock.holiday.bad_entry", entry=repr((day, is_workday, name)))
    if is_workday and day.weekday() < 5:
        return t("clock.holiday.workday_on_weekday", day=day.isoformat())
    if not isinstance(name, str) or not name.strip():
        return t("clock.holiday.name_required", day=day.isoformat())
    if len(name.strip()) > NAME_MAX:
        return t("clock.holiday.name_too_long", day=day.isoformat(), max=NAME_MAX)
    return None


def _fail(field: str, messages: list[str]) -> None:
    if messages:
        raise ValidationError("；".join(messages[:5]), errors={field: "；".join(messages)}, field=field)


def _check_year(session: Session, year: object) -> None:
    if not isinstance(year, int) or isinstance(year, bool) or not FIRST_YEAR <= year <= LAST_YEAR:
        _fail("year", [t("clock.holiday.year_range", first=FIRST_YEAR, last=LAST_YEAR)])
    years = known_years(session)
    if years and year > years[-1] + 1:  # known years stay contiguous: provisional means "after the last"
        _fail("year", [t("clock.holiday.year_gap", year=year, expected=years[-1] + 1)])


def _check_entries(year: int, entries: list[Entry]) -> None:
    if not entries:
        _fail("entries", [t("clock.holiday.entries_empty", year=year)])
    messages, seen = [], set()
    for entry in entries:
        day, is_workday, name = entry if isinstance(entry, tuple) and len(entry) == 3 else (entry, None, None)
        message = _entry_error(day, is_workday, name)
        if message is None and day.year != year:
            message = t("clock.holiday.wrong_year", day=day.isoformat(), year=year)
        if message is None and day in seen:
            message = t("clock.holiday.duplicate_day", day=day.isoformat())
        if message:
            messages.append(message)
        seen.add(day)
    _fail("entries", messages)


def _check_day(session: Session, day: object, is_workday: object, name: object) -> None:
    _fail("day", [m for m in [_entry_error(day, is_workday, name)] if m])
    if session.get(HolidayYear, day.year) is None:
        _fail("day", [t("clock.holiday.year_unknown", year=day.year)])


# --- administrator edits -------------------------------------------------------------------------


def _row(h: Holiday) -> dict:
    return {"day": h.day.isoformat(), "is_workday": h.is_workday, "name": h.name}


def _split(entries: list[Entry]) -> dict[str, list[str]]:
    days = sorted(entries)
    return {
        "holidays": [d.isoformat() for d, w, _ in days if not w],
        "workdays": [d.isoformat() for d, w, _ in days if w],
    }


@contextmanager
def _editing(session: Session) -> Iterator[None]:
    """Roll the session back if the edit fails, and forget the cached calendar either way."""
    try:
        yield
    except BaseException:
        session.rollback()
        raise
    finally:
        clock.invalidate_cache()  # the recompute cached the uncommitted table


def _finish(
    session: Session, actor: User | None, action: str, *, object_id=None, before=None, after=None
) -> int:
    """Recompute open deadlines, append the audit event and commit, all in one transaction; return how many moved."""
    session.flush()
    clock.invalidate_cache()
    moved = clock.recompute_open_cases(session, ended_stages=True)
    after = {**(after or {}), "cases_recomputed": moved}
    audit.record(
        session, actor, action, object_type="holiday", object_id=object_id, before=before, after=after
    )
    session.commit()
    return moved


def add_year(session: Session, actor: User | None, year: int, entries: list[Entry]) -> int:
    """Replace the holidays of `year`, mark the year known and recompute open deadlines; return rows written."""
    return _add_year(session, actor, year, entries)[0]


def _add_year(session: Session, actor: User | None, year: int, entries: list[Entry]) -> tuple[int, int]:
    require(actor, "holiday.edit")
    _check_year(session, year)
    _check_entries(year, entries)
    old = list_days(session, year)
    before = {"year": year, **_split([(h.day, h.is_workday, h.name) for h in old])} if old else None
    with _editing(session):
        for row in old:
            session.delete(row)
        session.flush()  # the deletes go first: the new rows may reuse their days
        session.add_all(
            Holiday(day=d, is_workday=w, name=n.strip(), source=HolidaySource.ADMIN) for d, w, n in entries
        )
        marker = session.get(HolidayYear, year) or HolidayYear(year=year)
        marker.source, marker.added_at = HolidaySource.ADMIN, now_local()
        session.add(marker)
        moved = _finish(
            session,
            actor,
            "holiday.add_year",
            object_id=year,
            before=before,
            after={"year": year, **_split(entries)},
        )
    return len(entries), moved


def set_day(session: Session, actor: User | None, day: date, is_workday: bool, name: str) -> Holiday:
    """Make `day` a holiday (is_workday False) or a make-up working day in a known year; return the row."""
    require(actor, "holiday.edit")
    _check_day(session, day, is_workday, name)
    row = session.get(Holiday, day)
    before = _row(row) if row else None
    with _editing(session):
        row = row or Holiday(day=day, name=name)
        row.is_workday, row.name, row.source = is_workday, name.strip(), HolidaySource.ADMIN
        session.add(row)
        _finish(session, actor, "holiday.set_day", before=before, after=_row(row))
    return row


def delete_day(session: Session, actor: User | None, day: date) -> None:
    """Remove `day` from the holiday table, so the Monday–Friday rule applies to it again."""
    require(actor, "holiday.edit")
    row = session.get(Holiday, day) if isinstance(day, date) else None
    if row is None:
        raise NotFound(t("clock.holiday.day_not_found", day=str(day)), field="day")
    before = _row(row)
    with _editing(session):
        session.delete(row)
        _finish(session, actor, "holiday.delete_day", before=before)


# --- the notice of next year, as an administrator types it ----------------------------------------------

_LINE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:\s*[~～至]\s*(\d{4}-\d{2}-\d{2}))?\s+(\S+)(?:\s+(\S+))?$")
WORKDAY_WORDS = frozenset({"班", "上班", "补班", "workday", "work"})


def parse_entries(text: str) -> list[Entry]:
    """Read the State Council's notice typed one line per holiday or make-up working day.

    2027-10-01~2027-10-07 国庆节        (a holiday, every day of the range)
    2027-09-26 国庆节 上班               (a weekend that is a working day)
    """
    entries, errors = [], []
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        match = _LINE.match(line)
        try:
            first = date.fromisoformat(match[1]) if match else None
            last = date.fromisoformat(match[2]) if match and match[2] else first
        except ValueError:
            first = last = None
        if first is None or (match[4] and match[4].lower() not in WORKDAY_WORDS) or last < first:
            errors.append(t("clock.holiday.bad_line", line=number, text=line[:40]))
            continue
        workday = bool(match[4])
        entries += [
            (date.fromordinal(o), workday, match[3]) for o in range(first.toordinal(), last.toordinal() + 1)
        ]
    _fail("entries", errors)
    return entries


def next_year(session: Session) -> int:
    """Return the year after the last known one (the year "add next year" adds)."""
    years = known_years(session)
    return (years[-1] + 1) if years else timeutil.today().year


def entries_text(entries: list[Entry]) -> str:
    """Return entries in parse_entries' form, consecutive days of one holiday as one range."""
    lines, run = [], []
    for entry in sorted(entries):
        if (
            run
            and (entry[1], entry[2]) == (run[-1][1], run[-1][2])
            and entry[0].toordinal() == run[-1][0].toordinal() + 1
        ):
            run.append(entry)
            continue
        lines += [_line(run)] if run else []
        run = [entry]
    lines += [_line(run)] if run else []
    return "\n".join(lines)


def _line(run: list[Entry]) -> str:
    first, last, (_, workday, name) = run[0][0], run[-1][0], run[0]
    days = first.isoformat() if first == last else f"{first.isoformat()}~{last.isoformat()}"
    return f"{days} {name}" + (" 上班" if workday else "")


def package_text(year: int) -> str:
    """Return the notice of `year` as the chinesecalendar package knows it, or "" (a year it does not know)."""
    return entries_text([e for e in package_entries() if e[0].year == year])


def add_next_year(session: Session, actor: User | None, text: str) -> tuple[int, int, int]:
    """Add next year from the typed notice; return (year, days written, open deadlines that moved)."""
    require(actor, "holiday.edit")
    year = next_year(session)
    entries = parse_entries(text)
    if any(d.year != year for d, _, _ in entries):
        wrong = next(d for d, _, _ in entries if d.year != year)
        _fail("entries", [t("clock.holiday.wrong_year", day=wrong.isoformat(), year=year)])
    written, moved = _add_year(session, actor, year, entries)
    return year, written, moved


# --- one day at a time, through the generated table (core.accounts.records) ------------------------------


def _check_row(session: Session, values: dict, pk) -> dict[str, str]:
    message = _entry_error(values["day"], values["is_workday"], values["name"])
    if message is None and rules.get(session, HolidayYear, values["day"].year) is None:
        message = t("clock.holiday.year_unknown", year=values["day"].year)
    return {"day": message} if message else {}


def _recompute(session: Session, _actor: User | None, change: rules.Change) -> dict:
    """Rows an administrator wrote are his; open deadlines follow the table at once."""
    days = [d for d in change.pks if isinstance(d, date)]
    if days and change.kind != "delete":
        session.execute(sa.update(Holiday).where(Holiday.day.in_(days)).values(source=HolidaySource.ADMIN))
    clock.invalidate_cache()
    try:
        return {"cases_recomputed": clock.recompute_open_cases(session, ended_stages=True)}
    finally:
        clock.invalidate_cache()  # the recompute cached the uncommitted table


RULES = rules.Rules(
    model=Holiday,
    permission="holiday.edit",
    natural_key=("day",),
    fields=("day", "name", "is_workday"),
    create_only=("day",),
    check=_check_row,
    changed=_recompute,
    audit_id=lambda day: int(day.strftime("%Y%m%d")) if isinstance(day, date) else None,
)
