"""Petitioner self-service (第21条): look up one's own case with the query code, and rate the reply once.

No sign-in: the case number and the query code printed on the acceptance notice are the credentials.
Failed attempts are CaseEvent rows (object_type "self_service", no actor, never the code), so every
replica sees the same count. MAX_FAILURES failures in WINDOW from one client refuse that client, decided
atomically (core.accounts.throttle): of 30 concurrent wrong attempts at most 5 are checked. A case number
is never locked, or anyone could lock a petitioner out of his own lookup by trying sequential numbers:
MAX_FAILURES failures on one number only slow every further attempt on it down by SLOWDOWN seconds.
No message says whether a case number exists.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, select

from core.accounts import audit, throttle
from core.calendar import clock
from core.cases.case_file import STAGE_DONE
from core.cases.registration import check_query_code, hash_query_code, new_query_code
from core.platform import net, timeutil
from core.platform.errors import IllegalTransition, NotFound, PetitionDeskError, StaleVersion, ValidationError
from i18n import t
from models import Case, CaseStatus, Satisfaction, Stage

OBJECT_TYPE = "self_service"
FAILED, LOOKUP, RATED = "self_service.failed", "self_service.lookup", "self_service.rate"
REFUSED = "self_service.refused"
MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)
SLOWDOWN = 3.0  # seconds each attempt on a case number under attack waits: a brake, never a lock-out
MAX_NUMBER_LENGTH = 20
MAX_CODE_LENGTH = 32
# The stages a petitioner waits on or may act in; objection and dispute are between offices.
PUBLIC_STAGES = (Stage.TRIAGE, Stage.ACCEPTANCE, Stage.HANDLING, Stage.REVIEW_REQUEST, Stage.REVIEW)
PUBLIC_STAGES += (Stage.REEXAM_REQUEST, Stage.REEXAM)
RATINGS = (Satisfaction.SATISFIED, Satisfaction.BASICALLY_SATISFIED, Satisfaction.DISSATISFIED)


class TooManyAttempts(PetitionDeskError):
    """Too many failed lookups from this client: wait and try again."""

    code = "rate_limited"
    http_status = 429


@dataclass(frozen=True)
class PublicDue:
    """A stage due date as the petitioner sees it."""

    stage: str
    on: date
    provisional: bool
    current: bool
    done_on: date | None = None  # the day the stage was done, if it was


@dataclass(frozen=True)
class PublicCaseView:
    """All the petitioner sees: status, stage due dates, the reply and his rating. Nothing else."""

    number: str
    status: str
    dues: tuple[PublicDue, ...]
    replied_on: date | None
    outcome: str | None
    reply_summary: str | None
    satisfaction: str | None
    rated_on: date | None

    @property
    def can_rate(self) -> bool:
        """Return whether the petitioner may rate now: replied and not yet rated."""
        return self.status == CaseStatus.REPLIED.value and self.satisfaction is None


def client_key(ip_address: str | None, forwarded_for: str | None) -> str:
    """Return the client's address for rate limiting (X-Forwarded-For only from a trusted proxy)."""
    return net.client_address(ip_address, forwarded_for) or "local"


def _clean(number: str | None, code: str | None) -> tuple[str, str]:
    number, code = (number or "").strip().upper(), "".join((code or "").split())
    if not number or not code:
        raise ValidationError(t("casefile.public.required"))
    return number[: MAX_NUMBER_LENGTH + 1], code[: MAX_CODE_LENGTH + 1]


def _failures(session: Session, client: str, number: str) -> tuple[int, int]:
    """Return the failed attempts in the window from this client and for this case number."""
    found = throttle.counts(session, FAILED, timeutil.now() - WINDOW, client=client, number=number)
    return found["client"], found["number"]


def _record(session: Session, action: str, client: str, number: str, case_id: int | None = None) -> None:
    audit.record(
        session,
        None,
        action,
        object_type=OBJECT_TYPE,
        object_id=case_id,
        case_id=case_id,
        after={"client": client, "number": number},
    )
    session.commit()


def _pause(seconds: float) -> None:
    time.sleep(seconds)


def _refused(session: Session, client: str, number: str) -> TooManyAttempts:
    _record(session, REFUSED, client, number)
    return TooManyAttempts(t("casefile.public.too_many", minutes=int(WINDOW.total_seconds() // 60)))


@lru_cache(maxsize=1)
def _decoy_hash() -> str:
    """Return a hash to check codes against when the number is unknown, so both cases take as long."""
    return hash_query_code(new_query_code())


def _verified_case(session: Session, number: str, code: str, client: str, *, lock: bool = False) -> Case:
    """Return the case whose number and code match, or record a failure and raise the same error either way.

    The slow code check runs first, outside any lock; then one short transaction under the client's lock
    counts his failures, records this attempt and decides. With `lock` the case row stays locked for a write.
    """
    clients, numbers = _failures(session, client, number)
    if clients >= MAX_FAILURES:  # a cheap early answer; decided again under the lock below
        raise _refused(session, client, number)
    if numbers >= MAX_FAILURES:
        _pause(SLOWDOWN)
    case = (
        session.exec(select(Case).where(Case.number == number)).first()
        if len(number) <= MAX_NUMBER_LENGTH
        else None
    )
    stored = case.query_code_hash if case is not None and case.query_code_hash else _decoy_hash()
    ok = check_query_code(code, stored) and case is not None and bool(case.query_code_hash)
    case_id = case.id if case is not None else None
    session.commit()
    throttle.lock(session, OBJECT_TYPE, client)  # until the commit: a concurrent attempt counts this one
    if _failures(session, client, number)[0] >= MAX_FAILURES:
        raise _refused(session, client, number)
    if not ok:
        _record(session, FAILED, client, number, case_id)
        raise NotFound(t("casefile.public.wrong"))
    if not lock:
        session.commit()
        return case
    stmt = select(Case).where(Case.id == case_id).with_for_update().execution_options(populate_existing=True)
    return session.exec(stmt).one()


def _done(case: Case, stage: str) -> date | None:
    return None if stage == case.stage else getattr(case, STAGE_DONE[stage])


def _plain(value):
    return getattr(value, "value", value)


def public_view(session: Session, case: Case) -> PublicCaseView:
    """Return what the petitioner may see of his case."""
    dues = clock.due_dates(case, clock.load_calendar(session), clock.load_limits(session))
    return PublicCaseView(
        number=case.number,
        status=_plain(case.status),
        dues=tuple(
            PublicDue(stage, dues[stage].on, dues[stage].provisional, stage == case.stage, _done(case, stage))
            for stage in PUBLIC_STAGES
            if stage in dues
        ),
        replied_on=case.replied_on,
        outcome=_plain(case.outcome),
        reply_summary=case.reply_summary,
        satisfaction=_plain(case.satisfaction),
        rated_on=case.rated_on,
    )


def lookup(session: Session, number: str, code: str, client: str) -> PublicCaseView:
    """Return the public view of the case when number and query code match; count a failure otherwise."""
    number, code = _clean(number, code)
    case = _verified_case(session, number, code, client)
    view = public_view(session, case)
    _record(session, LOOKUP, client, number, case.id)
    return view


def rate(
    session: Session, number: str, code: str, satisfaction: Satisfaction | str, client: str
) -> PublicCaseView:
    """Record the petitioner's own rating of the reply, once, and only after the reply."""
    number, code = _clean(number, code)
    try:
        satisfaction = Satisfaction(satisfaction)
    except ValueError:
        satisfaction = None
    if satisfaction not in RATINGS:
        raise ValidationError(t("casefile.public.rating_required"), field="satisfaction")
    case = _verified_case(session, number, code, client, lock=True)
    try:
        _rate(session, case, satisfaction, client)
    except Exception:
        session.rollback()
        raise
    return public_view(session, case)


def _rate(session: Session, case: Case, satisfaction: Satisfaction, client: str) -> None:
    if case.satisfaction is not None or case.status != CaseStatus.REPLIED:
        key = (
            "casefile.public.already_rated"
            if case.satisfaction is not None
            else "casefile.public.not_replied"
        )
        raise IllegalTransition(t(key))
    fields = ("status", "satisfaction", "rated_on")
    before, version = audit.snapshot(case, fields), case.version
    case.status, case.satisfaction, case.rated_on = CaseStatus.RATED, satisfaction, timeutil.today()
    case.updated_at, case.updated_by_id = timeutil.now(), None
    audit.record(
        session,
        None,
        RATED,
        object_type=OBJECT_TYPE,
        object_id=case.id,
        case_id=case.id,
        before=before,
        after=audit.snapshot(case, fields) | {"client": client},
    )
    session.flush()
    table = Case.__table__
    bumped = session.execute(
        sa.update(table).where(table.c.id == case.id, table.c.version == version).values(version=version + 1)
    )
    if bumped.rowcount != 1:  # a clerk recorded a rating meanwhile
        raise StaleVersion(t("casefile.public.already_rated"))
    set_committed_value(case, "version", version + 1)
    session.commit()
