"""Registration spot checks (登记抽查, DOMAIN.md §6): a reproducible random draw, a checklist per case,
findings, and the rectification notice (通报整改) to the unit followed up to closure.

The draw: the period's registrations (received_on in it, merged duplicates left out) ordered by id, split
into strata (channel, or the registrar's unit) in key order; the sample size (a number, or a share of the
population rounded half up, at least one) is allocated to the strata by largest remainder; each stratum is
sampled with random.Random(seed).sample over its ids, one generator for all strata in order. The seed and
`method` ("v1;size=N" or "v1;share=P", plus ";by=channel|unit") are stored, so `redraw` repeats it exactly.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Mapping
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, func, select

from core.accounts import audit
from core.accounts.permissions import require
from core.calendar import clock
from core.cases.findings import replies_missing_meetings
from core.platform import config, timeutil
from core.platform.errors import IllegalTransition, PermissionDenied, ValidationError
from core.platform.validation import Errors, check_id_number, check_phone
from core.supervision import common, numbering
from core.supervision.letters import may_answer
from i18n import t
from models import (
    Case,
    CaseParty,
    CaseStatus,
    PartyRole,
    Person,
    SpotCheck,
    SpotCheckItem,
    SpotCheckStatus,
    Stage,
    Unit,
    User,
)

CHECKLIST = (
    "petitioner_data",  # 信访人信息完整有效
    "category_route",  # 分类和处理途径正确
    "triage_in_time",  # 在规定期限内转送、交办
    "acceptance_notice",  # 按期告知受理
    "reply_in_time",  # 按期答复
    "three_meetings",  # 初信初访三见面有记录
)
STRATA = ("channel", "unit")
MAX_SAMPLE = 2000
C, ITEM = SpotCheckStatus, "spot_check_item"
OBJECT = "spot_check"


def allocate(sizes: Mapping[str, int], n: int) -> dict[str, int]:
    """Split a sample of n over strata in proportion to their sizes (largest remainder, ties by key)."""
    total = sum(sizes.values())
    if total == 0:
        return dict.fromkeys(sizes, 0)
    exact = {k: n * v / total for k, v in sizes.items()}
    out = {k: math.floor(x) for k, x in exact.items()}
    rest = sorted(sizes, key=lambda k: (-(exact[k] - out[k]), k))
    for k in rest[: n - sum(out.values())]:
        out[k] += 1
    return out


def sample_ids(strata: Mapping[str, list[int]], n: int, seed: int) -> dict[str, list[int]]:
    """Return the drawn ids per stratum (each sorted): the one algorithm `draw` and `redraw` use."""
    rng = random.Random(seed)
    shares = allocate({k: len(v) for k, v in strata.items()}, n)
    return {k: sorted(rng.sample(sorted(strata[k]), shares[k])) for k in sorted(strata)}


def _population(session: Session, start: date, end: date, by: str | None) -> dict[str, list[int]]:
    if by == "unit":
        stratum = sa.func.coalesce(sa.cast(User.unit_id, sa.String), "-")
        stmt = select(Case.id, stratum).outerjoin(User, User.id == Case.registrar_id)
    elif by == "channel":
        stmt = select(Case.id, Case.channel)
    else:
        stmt = select(Case.id, sa.literal("all"))
    stmt = stmt.where(Case.received_on >= start, Case.received_on <= end, Case.status != CaseStatus.MERGED)
    out: dict[str, list[int]] = defaultdict(list)
    for case_id, key in session.exec(stmt.order_by(Case.id)).all():
        out[str(key)].append(int(case_id))
    return dict(out)


def _method(size: int | None, share: float | None, by: str | None) -> str:
    how = f"size={size}" if size is not None else f"share={share:g}"
    return f"v1;{how}" + (f";by={by}" if by else "")


def parse_method(method: str) -> tuple[int | None, float | None, str | None]:
    """Return (size, share, by) of a stored method."""
    parts = dict(p.split("=", 1) for p in method.split(";")[1:])
    size = int(parts["size"]) if "size" in parts else None
    share = float(parts["share"]) if "share" in parts else None
    return size, share, parts.get("by")


def _size_of(population: int, size: int | None, share: float | None) -> int:
    if size is not None:
        return min(size, population)
    return min(population, max(1, math.floor(population * share + 0.5))) if population else 0


def draw(
    session: Session,
    actor: User,
    *,
    period_from: date,
    period_to: date,
    size: int | None = None,
    share: float | None = None,
    stratify_by: str | None = None,
    seed: int | None = None,
    drawn_on: date | None = None,
) -> SpotCheck:
    """Draw a spot check of the period's registrations (a size or a share, optionally stratified)."""
    with common.one_commit(session):
        require(actor, "supervision.edit")
        errors, drawn_on = Errors(), drawn_on or timeutil.today()
        errors.date("period_from", period_from)
        errors.date("period_to", period_to, after=period_from, after_field="period_from")
        if (size is None) == (share is None):
            errors.add("size", t("supervision.error.size_or_share"))
        elif size is not None and not 1 <= size <= MAX_SAMPLE:
            errors.add("size", t("supervision.error.size", max=MAX_SAMPLE))
        elif share is not None and not 0 < share <= 1:
            errors.add("share", t("supervision.error.share"))
        if stratify_by not in (None, *STRATA):
            errors.add(
                "stratify_by", t("workflow.error.invalid_value", field=t("workflow.field.stratify_by"))
            )
        errors.raise_if_any()
        strata = _population(session, period_from, period_to, stratify_by)
        population = sum(len(v) for v in strata.values())
        n = _size_of(population, size, share)
        if n == 0:
            raise ValidationError(t("supervision.error.empty_period"), field="period_from",
                                  errors={"period_from": t("supervision.error.empty_period")})  # fmt: skip
        seed = seed if seed is not None else random.SystemRandom().randrange(1, 2**31)
        number = numbering.take(
            session, "spot_check", drawn_on.year, lambda b: _stored(session, b),
            begin=f"{config.get_settings().case_prefix}-CC-{drawn_on.year}-", form=lambda b, k: f"{b}{k:02d}",
        )  # fmt: skip
        check = SpotCheck(
            number=number, period_from=period_from, period_to=period_to, sample_size=n, seed=seed,
            drawn_on=drawn_on, drawn_by_id=actor.id, method=_method(size, share, stratify_by), population=population,
        )  # fmt: skip
        session.add(check)
        session.flush()
        units = dict(session.exec(select(Case.id, Case.lead_unit_id).where(Case.id.in_(_all(strata)))).all())
        for key, ids in sample_ids(strata, n, seed).items():
            for case_id in ids:
                stratum = key if stratify_by else None
                session.add(SpotCheckItem(spot_check_id=check.id, case_id=case_id, stratum=stratum,
                                          unit_id=units.get(case_id)))  # fmt: skip
        audit.record(session, actor, "supervision.spot_check_draw", object_type=OBJECT, object_id=check.id,
                     after=audit.snapshot(check, ("number", "period_from", "period_to", "sample_size", "seed",
                                                  "method", "population")))  # fmt: skip
    session.refresh(check)
    return check


def _all(strata: Mapping[str, list[int]]) -> list[int]:
    return [i for ids in strata.values() for i in ids]


def _stored(session: Session, begin: str) -> int:
    return session.exec(
        select(func.count()).select_from(SpotCheck).where(SpotCheck.number.startswith(begin))
    ).one()


def redraw(session: Session, check: SpotCheck) -> list[int]:
    """Return the case ids the stored seed and method draw today (equal to the items unless cases changed)."""
    size, share, by = parse_method(check.method or f"v1;size={check.sample_size}")
    strata = _population(session, check.period_from, check.period_to, by)
    n = _size_of(sum(len(v) for v in strata.values()), size, share)
    return sorted(_all(sample_ids(strata, n, check.seed)))


# --- the checklist --------------------------------------------------------------------------------


def suggest(session: Session, case: Case) -> dict[str, bool | None]:
    """Return what the record itself says for each checklist line (None: for the checker to judge)."""
    cal, limits = clock.load_calendar(session), clock.load_limits(session)
    out: dict[str, bool | None] = dict.fromkeys(CHECKLIST)
    people = session.exec(
        select(Person).join(CaseParty, CaseParty.person_id == Person.id)
        .where(CaseParty.case_id == case.id, CaseParty.role == PartyRole.PETITIONER)
    ).all()  # fmt: skip
    if not case.anonymous:
        out["petitioner_data"] = bool(people) and all(_valid_person(p) for p in people)
    if case.triaged_on is not None:
        out["triage_in_time"] = (
            case.triaged_on <= clock.stage_due(cal, limits, Stage.TRIAGE, case.received_on).on
        )
    decided = case.accepted_on or case.declined_on
    if case.acceptance_due_on is not None and decided is not None:
        out["acceptance_notice"] = decided <= case.acceptance_due_on
    if case.reply_due_on is not None and case.replied_on is not None:
        out["reply_in_time"] = case.replied_on <= case.reply_due_on
    if case.is_first and case.replied_on is not None:
        out["three_meetings"] = case.id not in replies_missing_meetings(session, [case.id]).case_ids
    return out


def _valid_person(p: Person) -> bool:
    if not (p.name or "").strip():
        return False
    for check, value in ((check_id_number, p.id_number), (check_phone, p.phone)):
        if value:
            try:
                check(value)
            except ValidationError:
                return False
    return bool(p.id_number or p.phone)


def record_check(
    session: Session,
    actor: User,
    item_id: int,
    version: int,
    *,
    answers: Mapping[str, bool | None],
    findings: str | None = None,
    on: date | None = None,
) -> SpotCheckItem:
    """Record one case's checklist: it passes unless a line fails; a failed line needs a finding."""
    with common.one_commit(session):
        require(actor, "supervision.edit")
        item = common.load(session, SpotCheckItem, item_id, for_update=True)
        check = session.get(SpotCheck, item.spot_check_id)
        if item.notified_on is not None:
            raise IllegalTransition(t("supervision.error.already_notified"))
        common.bump(session, item, version, ITEM)
        errors, on = Errors(), on or timeutil.today()
        errors.date("checked_on", on, after=check.drawn_on, after_field="drawn_on")
        unknown = set(answers) - set(CHECKLIST)
        if unknown:
            errors.add("answers", t("supervision.error.checklist", keys=", ".join(sorted(unknown))))
        failed = [k for k in CHECKLIST if answers.get(k) is False]
        errors.text("findings", findings, required=bool(failed))
        errors.raise_if_any()
        before = audit.snapshot(item, ("passed", "answers", "findings"))
        item.answers = {k: answers.get(k) for k in CHECKLIST}
        item.passed, item.findings = not failed, (findings or "").strip() or None
        item.checked_on, item.checked_by_id = on, actor.id
        session.add(item)
        session.flush()
        _settle_status(session, check)
        audit.record(session, actor, "supervision.spot_check_item", object_type=ITEM, object_id=item.id,
                     case_id=item.case_id, before=before,
                     after=audit.snapshot(item, ("passed", "answers", "findings")))  # fmt: skip
    session.refresh(item)
    return item


def _settle_status(session: Session, check: SpotCheck) -> None:
    """Move the spot check on: checked when every case is, notified while a notice is open, rectified after."""
    rows = session.exec(
        select(SpotCheckItem.passed, SpotCheckItem.notified_on, SpotCheckItem.rectified_on)
        .where(SpotCheckItem.spot_check_id == check.id)
    ).all()  # fmt: skip
    if any(p is None for p, _, _ in rows):
        status = C.DRAWN
    elif not any(n for _, n, _ in rows):
        status = C.CHECKED
    else:
        status = C.RECTIFIED if all(r for _, n, r in rows if n) else C.NOTIFIED
    if check.status != status:
        failed = sum(1 for p, _, _ in rows if p is False)
        check.status = status
        check.summary = t(
            "supervision.spot_check.summary", size=len(rows), passed=len(rows) - failed, failed=failed
        )
        check.version += 1
        session.add(check)


def notify(
    session: Session,
    actor: User,
    item_id: int,
    version: int,
    *,
    due_on: date | None = None,
    on: date | None = None,
) -> SpotCheckItem:
    """Issue the rectification notice (通报整改, 整改通知书) for a failed case to its unit, with a deadline."""
    with common.one_commit(session):
        require(actor, "supervision.edit")
        item = common.load(session, SpotCheckItem, item_id, for_update=True)
        if item.passed is not False:
            raise IllegalTransition(t("supervision.error.not_failed"))
        if item.notified_on is not None:
            raise IllegalTransition(t("supervision.error.already_notified"))
        common.bump(session, item, version, ITEM)
        errors, on = Errors(), on or timeutil.today()
        errors.date("notice_on", on, after=item.checked_on, after_field="checked_on")
        due_on = due_on or common.reply_due(session, on)
        if due_on <= on:
            errors.add("due_on", t("supervision.error.due_after", date=on.isoformat()))
        unit_id = item.unit_id or session.get(Case, item.case_id).lead_unit_id
        if unit_id is None or session.get(Unit, unit_id) is None:
            errors.add("unit_id", t("supervision.error.unit"))
        errors.raise_if_any()
        item.notice_number = numbering.take(session, "rectification", on.year, lambda b: _notices(session, b))
        item.unit_id, item.notified_on, item.rectification_due = unit_id, on, due_on
        session.add(item)
        session.flush()
        _settle_status(session, session.get(SpotCheck, item.spot_check_id))
        audit.record(session, actor, "supervision.rectification_notice", object_type=ITEM, object_id=item.id,
                     case_id=item.case_id, after=audit.snapshot(item, ("notice_number", "unit_id", "notified_on",
                                                                       "rectification_due")))  # fmt: skip
    session.refresh(item)
    return item


def _notices(session: Session, begin: str) -> int:
    stmt = (
        select(func.count()).select_from(SpotCheckItem).where(SpotCheckItem.notice_number.startswith(begin))
    )
    return session.exec(stmt).one()


def report_rectification(
    session: Session, actor: User, item_id: int, version: int, *, report: str, on: date | None = None
) -> SpotCheckItem:
    """Record the unit's report that it rectified (整改情况报告): the notice is closed."""
    with common.one_commit(session):
        require(actor, "supervision.reply")
        item = common.load(session, SpotCheckItem, item_id, for_update=True)
        if not may_answer(actor, item.unit_id):
            raise PermissionDenied(t("error.forbidden"))
        if item.notified_on is None or item.rectified_on is not None:
            raise IllegalTransition(t("supervision.error.no_open_notice"))
        common.bump(session, item, version, ITEM)
        errors, on = Errors(), on or timeutil.today()
        errors.date("rectified_on", on, after=item.notified_on, after_field="notice_on")
        errors.text("report", report)
        errors.raise_if_any()
        item.rectified_on, item.rectification_report = on, report.strip()
        session.add(item)
        session.flush()
        _settle_status(session, session.get(SpotCheck, item.spot_check_id))
        audit.record(session, actor, "supervision.rectification_report", object_type=ITEM, object_id=item.id,
                     case_id=item.case_id, after={"rectified_on": on}, note=item.rectification_report)  # fmt: skip
    session.refresh(item)
    return item


# --- reads ----------------------------------------------------------------------------------------


def list_checks(session: Session, actor: User, limit: int = 100) -> list[SpotCheck]:
    """Return the spot checks, newest draw first."""
    require(actor, "supervision.view")
    stmt = select(SpotCheck).order_by(SpotCheck.drawn_on.desc(), SpotCheck.id.desc()).limit(limit)
    return list(session.exec(stmt).all())


def items_of(session: Session, actor: User, check_id: int) -> list[dict]:
    """Return a spot check's cases with their checklist, as plain rows in case order."""
    require(actor, "supervision.view")
    stmt = (
        select(SpotCheckItem, Case.number, Case.title, Case.channel, Unit.name)
        .join(Case, Case.id == SpotCheckItem.case_id)
        .outerjoin(Unit, Unit.id == SpotCheckItem.unit_id)
        .where(SpotCheckItem.spot_check_id == check_id)
        .order_by(Case.id)
    )
    return [
        {"item": item, "number": number, "title": title, "channel": str(channel), "unit": unit or ""}
        for item, number, title, channel, unit in session.exec(stmt).all()
    ]


def open_notices_for_unit(session: Session, unit_id: int, limit: int = 200) -> list[dict]:
    """Return the unit's rectification notices not yet rectified, soonest deadline first (its to-do)."""
    stmt = (
        select(SpotCheckItem, Case.number, Case.title)
        .join(Case, Case.id == SpotCheckItem.case_id)
        .where(SpotCheckItem.unit_id == unit_id, SpotCheckItem.notified_on.is_not(None),
               SpotCheckItem.rectified_on.is_(None))
        .order_by(SpotCheckItem.rectification_due, SpotCheckItem.id)
        .limit(limit)
    )  # fmt: skip
    return [
        {
            "id": i.id,
            "version": i.version,
            "case_id": i.case_id,
            "number": number,
            "title": title,
            "notice_number": i.notice_number,
            "findings": i.findings,
            "due_on": i.rectification_due,
        }  # fmt: skip
        for i, number, title in session.exec(stmt).all()
    ]
