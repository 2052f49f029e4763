"""Mediation agreements (调解协议书, 人民调解法第28–29条), their judicial confirmation (司法确认, 第33条) and
the follow-up of their performance.

The agreement is written when a mediation ends agreed (core.mediation.referral.conclude_mediation, through
`build`); the parties then have 30 days from its taking effect to apply jointly to the court for confirmation
(the clock's `judicial_confirmation` stage), whose answer is recorded, and the centre follows up whether the
terms were carried out. Each write checks, validates, audits on the mediation's timeline and commits once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from core.accounts import audit
from core.calendar import clock
from core.mediation import access
from core.platform.errors import IllegalTransition, NotFound, StaleVersion
from core.platform.validation import Errors
from i18n import label, t
from models import Agreement, ConfirmationResult, MediationCase, PerformanceStatus, Stage, User

ROUTES = ("arbitration", "administrative", "judicial")  # the routes a failed mediation names (第26条)
AGREEMENT_FIELDS = (
    "confirmation_applied_on",
    "confirmation_result",
    "confirmation_decided_on",
    "performance_status",
    "performance_checked_on",
)


@dataclass(frozen=True)
class Particulars:
    """What the 调解协议书 says (第29条): facts and disputed issues, responsibility, terms, how and by when."""

    facts: str
    terms: str
    responsibility: str | None = None
    performance: str | None = None
    performance_due: date | None = None


def check(errors: Errors, p: Particulars, signed_on: date) -> None:
    """Check an agreement's particulars; the performance date may lie ahead but not before the signing."""
    errors.text("facts", p.facts)
    errors.text("terms", p.terms)
    errors.text("responsibility", p.responsibility, required=False)
    errors.text("performance", p.performance, required=False)
    if p.performance_due is not None and signed_on is not None and p.performance_due < signed_on:
        errors.add("performance_due", t("mediation.error.before_signed"))


def check_routes(errors: Errors, routes: Sequence[str] | None, *, required: bool) -> list[str]:
    """Return the routes the parties of a failed mediation were told of, in the law's order (第26条)."""
    given = list(dict.fromkeys(routes or ()))
    unknown = [r for r in given if r not in ROUTES]
    if unknown:
        errors.add("routes_told", t("mediation.error.route", route=unknown[0]))
    elif required and not given:
        errors.add("routes_told", t("mediation.error.routes_required"))
    return [r for r in ROUTES if r in given]


def build(session: Session, mediation: MediationCase, p: Particulars, signed_on: date) -> Agreement:
    """Add the agreement of a mediation ended agreed; it takes effect when signed and its window starts."""
    due = clock.stage_due(
        clock.load_calendar(session), clock.load_limits(session), Stage.JUDICIAL_CONFIRMATION, signed_on
    )
    agreement = Agreement(
        mediation_id=mediation.id,
        number=mediation.number.replace("TJ-", "XY-", 1),
        facts=p.facts.strip(),
        responsibility=(p.responsibility or "").strip() or None,
        terms=p.terms.strip(),
        performance=(p.performance or "").strip() or None,
        performance_due=p.performance_due,
        signed_on=signed_on,
        effective_on=signed_on,
        confirmation_due=due.on,
    )
    session.add(agreement)
    return agreement


def confirmation_state(agreement: Agreement, today: date) -> str:
    """Return where the judicial confirmation stands: confirmed, rejected, applied, open (in the window) or
    lapsed (the 30 days passed without a joint application)."""
    if agreement.confirmation_result is not None:
        return ConfirmationResult(agreement.confirmation_result).value
    if agreement.confirmation_applied_on is not None:
        return "applied"
    if agreement.confirmation_due is None or today <= agreement.confirmation_due:
        return "open"
    return "lapsed"


def agreement_of(session: Session, user: User, mediation_id: int) -> Agreement | None:
    """Return the mediation's agreement, if the user may see the mediation and it has one."""
    access.get_mediation(session, user, mediation_id)
    return session.exec(select(Agreement).where(Agreement.mediation_id == mediation_id)).first()


# --- the three follow-up writes -------------------------------------------------------------------


def apply_confirmation(
    session: Session, actor: User, agreement_id: int, version: int, *, on: date
) -> Agreement:
    """Record the parties' joint application to the court, which must fall within the 30 days (第33条)."""

    def change(agreement: Agreement, errors: Errors) -> None:
        if agreement.confirmation_applied_on is not None:
            raise IllegalTransition(t("mediation.error.already_applied"))
        errors.date("on", on, after=agreement.effective_on, after_field="effective_on")
        if on and agreement.confirmation_due and on > agreement.confirmation_due:
            errors.add("on", t("mediation.error.window_passed", due=agreement.confirmation_due.isoformat()))
        errors.raise_if_any()
        agreement.confirmation_applied_on = on

    return _write(session, actor, agreement_id, version, "agreement.apply_confirmation", change)


def record_confirmation(
    session: Session,
    actor: User,
    agreement_id: int,
    version: int,
    *,
    on: date,
    result: ConfirmationResult | str,
    note: str | None = None,
) -> Agreement:
    """Record the court's answer to the application: confirmed (enforceable) or rejected."""

    def change(agreement: Agreement, errors: Errors) -> None:
        if agreement.confirmation_applied_on is None:
            raise IllegalTransition(t("mediation.error.not_applied"))
        if agreement.confirmation_result is not None:
            raise IllegalTransition(t("mediation.error.already_decided"))
        try:
            answer = ConfirmationResult(result)
        except ValueError:
            errors.add("confirmation_result", t("mediation.error.confirmation_result"))
        errors.date("on", on, after=agreement.confirmation_applied_on, after_field="confirmation_applied_on")
        errors.text("note", note, required=False)
        errors.raise_if_any()
        agreement.confirmation_result, agreement.confirmation_decided_on = answer, on
        agreement.confirmed = answer == ConfirmationResult.CONFIRMED

    return _write(session, actor, agreement_id, version, "agreement.confirmation", change, note)


def record_performance(
    session: Session,
    actor: User,
    agreement_id: int,
    version: int,
    *,
    on: date,
    status: PerformanceStatus | str,
    note: str | None = None,
) -> Agreement:
    """Record a follow-up of the agreement's performance: carried out, partly, or not (a later one may follow)."""

    def change(agreement: Agreement, errors: Errors) -> None:
        try:
            found = PerformanceStatus(status)
        except ValueError:
            errors.add("performance_status", t("mediation.error.performance_status"))
        errors.date("on", on, after=agreement.signed_on, after_field="signed_on")
        errors.text("note", note, required=False)
        errors.raise_if_any()
        agreement.performance_status, agreement.performance_checked_on = found, on
        agreement.performance_note = (note or "").strip() or None

    return _write(session, actor, agreement_id, version, "agreement.performance", change, note)


def _write(session, actor, agreement_id, version, action, change, note=None) -> Agreement:
    try:
        agreement = session.exec(
            select(Agreement).where(Agreement.id == agreement_id).with_for_update()
        ).first()
        if agreement is None:
            raise NotFound(t("error.not_found"))
        mediation = access.get_mediation(session, actor, agreement.mediation_id)
        access.require_act(session, actor, mediation)
        if agreement.version != version:
            raise StaleVersion(t("workflow.stale_unknown"))
        before = audit.snapshot(agreement, AGREEMENT_FIELDS)
        change(agreement, Errors())
        before, after = audit.diff(before, audit.snapshot(agreement, AGREEMENT_FIELDS))
        for key in ("confirmation_result", "performance_status"):
            if after.get(key):
                after[key] = label(key, after[key])
        before = {k: v for k, v in before.items() if v is not None}
        access.record(session, actor, mediation, action, before, after, note=(note or "").strip() or None)
        access.bump_version(session, agreement, version)
        session.commit()
    except Exception:
        session.rollback()
        raise
    session.refresh(agreement)
    return agreement
