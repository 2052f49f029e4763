"""老马带小马: a veteran mentors juniors from a start date to an end date; each junior's progress and the
mentor's sign-off that he may lead a mediation alone.

A junior's figures count every case he sits on: co-mediated with his mentor (both on the team), led alone
(he leads and his mentor is not on the team), his agreement rate (agreements among the mediations that took
place and ended, as DOMAIN.md §8's success rate) and the median days from acceptance to the agreement.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from core.accounts import audit, permissions
from core.mediation.access import bump_version
from core.platform.errors import IllegalTransition, NotFound, PermissionDenied
from core.platform.validation import Errors
from i18n import t
from models import MediationCase, MediationMediator, MediationStatus, Mediator, Mentorship, Role, Street, User


@dataclass(frozen=True)
class JuniorProgress:
    """One junior under one mentor, with his figures."""

    mentorship_id: int
    version: int
    mentor_id: int
    mentor_name: str
    mentee_id: int
    mentee_name: str
    started_on: date
    ended_on: date | None
    signed_off_on: date | None
    co_mediated: int = 0
    led_alone: int = 0
    agreed: int = 0
    decided: int = 0
    median_days: float | None = None

    @property
    def agreement_rate(self) -> float | None:
        return self.agreed / self.decided if self.decided else None

    @property
    def may_lead_alone(self) -> bool:
        return self.signed_off_on is not None


@dataclass(frozen=True)
class MentorNode:
    """A veteran and the juniors he mentors (current and past), in one street."""

    mentor_id: int
    mentor_name: str
    street: str | None
    juniors: list[JuniorProgress] = field(default_factory=list)


def _settle_days(accepted: date | None, applied: date, closed: date) -> int:
    return (closed - (accepted or applied)).days


def progress(session: Session, rows: list[tuple]) -> list[JuniorProgress]:
    """Return the juniors' progress for (mentorship, mentor name, mentee name) rows, in two queries."""
    mentees = {m.mentee_id for m, _, _ in rows}
    mentors = {m.mentor_id for m, _, _ in rows}
    if not rows:
        return []
    mine = session.execute(
        sa.select(
            MediationMediator.mediator_id,
            MediationMediator.mediation_id,
            MediationMediator.is_lead,
            MediationCase.status,
            MediationCase.applied_on,
            MediationCase.accepted_on,
            MediationCase.closed_on,
        )
        .join(MediationCase, MediationCase.id == MediationMediator.mediation_id)
        .where(MediationMediator.mediator_id.in_(mentees))
    ).all()
    theirs = MediationMediator.__table__.alias("team")
    with_mentor = defaultdict(set)  # mediation id -> the mentors on it
    for mediation_id, mentor_id in session.execute(
        sa.select(theirs.c.mediation_id, theirs.c.mediator_id).where(
            theirs.c.mediator_id.in_(mentors),
            theirs.c.mediation_id.in_(
                sa.select(MediationMediator.mediation_id).where(MediationMediator.mediator_id.in_(mentees))
            ),
        )
    ):
        with_mentor[mediation_id].add(mentor_id)
    cases = defaultdict(list)
    for row in mine:
        cases[row[0]].append(row)
    return [_progress_of(m, mentor, mentee, cases[m.mentee_id], with_mentor) for m, mentor, mentee in rows]


def _progress_of(m: Mentorship, mentor: str, mentee: str, cases: list, with_mentor) -> JuniorProgress:
    co = alone = agreed = decided = 0
    days = []
    for _, mediation_id, is_lead, status, applied, accepted, closed in cases:
        together = m.mentor_id in with_mentor.get(mediation_id, ())
        co += together
        alone += bool(is_lead) and not together
        if status in (MediationStatus.AGREED, MediationStatus.FAILED):
            decided += 1
        if status == MediationStatus.AGREED:
            agreed += 1
            days.append(_settle_days(accepted, applied, closed))
    return JuniorProgress(
        m.id,
        m.version,
        m.mentor_id,
        mentor,
        m.mentee_id,
        mentee,
        m.started_on,
        m.ended_on,
        m.signed_off_on,
        co_mediated=co,
        led_alone=alone,
        agreed=agreed,
        decided=decided,
        median_days=float(statistics.median(days)) if days else None,
    )


def mentor_tree(session: Session, user: User, street_id: int | None = None) -> list[MentorNode]:
    """Return who mentors whom, by the mentor's street then name, as the user may see it (a mediator: his
    own juniors, or his own mentor and himself)."""
    permissions.require(user, "mediation.view")
    mentor, mentee = aliased(Mediator), aliased(Mediator)
    stmt = (
        select(Mentorship, mentor.name, mentee.name, Street.name)
        .join(mentor, mentor.id == Mentorship.mentor_id)
        .join(mentee, mentee.id == Mentorship.mentee_id)
        .outerjoin(Street, Street.id == mentor.street_id)
        .where(permissions.mediator_clause(user, mentee))
        .order_by(Street.code, mentor.name, mentor.id, Mentorship.ended_on.is_not(None), mentee.name)
    )
    if street_id is not None:
        stmt = stmt.where(mentor.street_id == street_id)
    found = session.exec(stmt).all()
    nodes: dict[int, MentorNode] = {}
    for junior, (_, mentor_name, _, street) in zip(
        progress(session, [(m, a, b) for m, a, b, _ in found]), found, strict=True
    ):
        node = nodes.setdefault(junior.mentor_id, MentorNode(junior.mentor_id, mentor_name, street))
        node.juniors.append(junior)
    return list(nodes.values())


# --- the mentor's sign-off ---------------------------------------------------------------------------

SIGN_OFF_FIELDS = ("signed_off_on", "signed_off_by_id")


def may_sign_off(session: Session, user: User, mentor_id: int) -> bool:
    """Return whether the user may sign off the juniors of this mentor: an administrator, or the mentor."""
    if not permissions.allowed(user, "mentorship.sign_off"):
        return False
    if Role(user.role) != Role.MEDIATOR:
        return True
    mentor = session.get(Mediator, mentor_id)
    return mentor is not None and mentor.user_id == user.id


def sign_off(session: Session, actor: User, mentorship_id: int, version: int, *, on: date) -> Mentorship:
    """Record the mentor's word that his junior may lead a mediation alone (a mediator: only as the mentor)."""
    try:
        permissions.require(actor, "mentorship.sign_off")
        pair = session.exec(
            select(Mentorship).where(Mentorship.id == mentorship_id).with_for_update()
        ).first()
        if pair is None:
            raise NotFound(t("error.not_found"))
        if not may_sign_off(session, actor, pair.mentor_id):
            raise PermissionDenied(t("roster.error.not_mentor"))
        if pair.signed_off_on is not None:
            raise IllegalTransition(t("roster.error.signed_off", on=pair.signed_off_on.isoformat()))
        errors = Errors()
        errors.date("on", on, after=pair.started_on, after_field="started_on")
        if pair.ended_on is not None and on is not None and on > pair.ended_on:
            errors.add("on", t("roster.error.after_end", end=pair.ended_on.isoformat()))
        errors.raise_if_any()
        before = audit.snapshot(pair, SIGN_OFF_FIELDS)
        pair.signed_off_on, pair.signed_off_by_id = on, actor.id
        bump_version(session, pair, version)
        audit.record(
            session,
            actor,
            "mentorship.sign_off",
            object_type="mentorship",
            object_id=pair.id,
            before=before,
            after=audit.snapshot(pair, SIGN_OFF_FIELDS) | {"mentee_id": pair.mentee_id},
        )
        session.commit()
    except Exception:
        session.rollback()
        raise
    session.refresh(pair)
    return pair


def active_mentor_of(session: Session, mentee_ids) -> dict[int, tuple[int, date | None]]:
    """Return each junior's current mentor and his sign-off date (a pair that has not ended)."""
    rows = session.execute(
        sa.select(Mentorship.mentee_id, Mentorship.mentor_id, Mentorship.signed_off_on)
        .where(Mentorship.mentee_id.in_(list(mentee_ids)), Mentorship.ended_on.is_(None))
        .order_by(Mentorship.started_on)
    ).all()
    return {int(mentee): (int(mentor), signed) for mentee, mentor, signed in rows}
