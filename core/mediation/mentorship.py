"""老马带小马: a veteran mentors juniors from a start date to an end date; each junior's progress and the
mentor's sign-off that he may lead a mediation alone.

A junior's figures count every case he sits on: co-mediated with his mentor (both on the team), led alone
(he leads and his mentor is not on the team), his agreement rate (agreements among the mediations that took
place and ended, as DOMAIN.md §8's success rate) and the median days from acceptance to the agreement.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from core import kpis
from core.accounts import audit, permissions, throttle
from core.mediation.access import bump_version
from core.platform.errors import IllegalTransition, NotFound, PermissionDenied
from core.platform.validation import Errors
from i18n import t
from models import MediationCase, MediationMediator, MediationStatus, Mediator, Mentorship, Role, Street, User
from models.mediation import MediatorLevel


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


def _settle_days(session: Session) -> sa.ColumnElement:
    """Days from acceptance (or the application, if never accepted) to the mediation's end, as SQL."""
    start = sa.func.coalesce(MediationCase.accepted_on, MediationCase.applied_on)
    if session.get_bind().dialect.name == "postgresql":
        return MediationCase.closed_on - start
    return sa.cast(sa.func.julianday(MediationCase.closed_on) - sa.func.julianday(start), sa.Integer)


def progress(session: Session, rows: list[tuple]) -> list[JuniorProgress]:
    """Return the juniors' progress for (mentorship, mentor name, mentee name) rows, counted by the database
    (one aggregate query whatever the number of cases) once per write, like the indicators."""
    if not rows:
        return []
    pairs = tuple((m.id, m.version, mentor, mentee) for m, mentor, mentee in rows)
    return list(kpis.cached(session, ("mentor_progress", pairs), lambda: _progress(session, rows)))


def _progress(session: Session, rows: list[tuple]) -> list[JuniorProgress]:
    seat, mentor_seat = aliased(MediationMediator), aliased(MediationMediator)
    agreed = sa.case((MediationCase.status == MediationStatus.AGREED.value, 1), else_=0)
    days = _settle_days(session)
    on_mentor_seat = sa.and_(
        mentor_seat.mediation_id == seat.mediation_id, mentor_seat.mediator_id == Mentorship.mentor_id
    )
    # PostgreSQL hash-joins the mentor's seats; SQLite is quicker probing its index once per case
    postgres = session.get_bind().dialect.name == "postgresql"
    together = (
        mentor_seat.id.is_not(None) if postgres else sa.select(mentor_seat.id).where(on_mentor_seat).exists()
    )
    # one pass: each case once, with the agreed cases ranked by days for the median
    cases = (
        sa.select(
            Mentorship.id.label("pair"),
            together.label("together"),
            seat.is_lead.label("lead"),
            MediationCase.status.label("status"),
            agreed.label("agreed"),
            days.label("days"),
            sa.func.row_number().over(partition_by=(Mentorship.id, agreed), order_by=days).label("n"),
            sa.func.sum(agreed).over(partition_by=Mentorship.id).label("of"),
        )
        .join(seat, seat.mediator_id == Mentorship.mentee_id)
        .join(MediationCase, MediationCase.id == seat.mediation_id)
        .where(Mentorship.id.in_([m.id for m, _, _ in rows]))
    )
    if postgres:
        cases = cases.outerjoin(mentor_seat, on_mentor_seat)
    cases = cases.subquery()

    def count(condition) -> sa.ColumnElement[int]:
        return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)

    c = cases.c
    middle = sa.and_(c.agreed == 1, sa.or_(c.n == (c.of + 1) // 2, c.n == (c.of + 2) // 2))
    figures = {
        pair: rest
        for pair, *rest in session.execute(
            sa.select(
                c.pair,
                count(c.together),
                count(sa.and_(c.lead.is_(True), sa.not_(c.together))),
                count(c.agreed == 1),
                count(c.status.in_([MediationStatus.AGREED.value, MediationStatus.FAILED.value])),
                sa.func.avg(sa.case((middle, c.days))),
            ).group_by(c.pair)
        )
    }
    out = []
    for m, mentor, mentee in rows:
        co, alone, n_agreed, decided, median = figures.get(m.id, (0, 0, 0, 0, None))
        out.append(
            JuniorProgress(
                m.id,
                m.version,
                m.mentor_id,
                mentor,
                m.mentee_id,
                mentee,
                m.started_on,
                m.ended_on,
                m.signed_off_on,
                co_mediated=int(co),
                led_alone=int(alone),
                agreed=int(n_agreed),
                decided=int(decided),
                median_days=float(median) if median is not None else None,
            )
        )
    return out


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


def _locked_pair(session: Session, mentorship_id: int) -> Mentorship:
    """Return the pair locked for this write and read afresh; NotFound if there is none."""
    pair = session.exec(
        select(Mentorship)
        .where(Mentorship.id == mentorship_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if pair is None:
        raise NotFound(t("error.not_found"))
    return pair


def sign_off(session: Session, actor: User, mentorship_id: int, version: int, *, on: date) -> Mentorship:
    """Record the mentor's word that his junior may lead a mediation alone (a mediator: only as the mentor)."""
    try:
        permissions.require(actor, "mentorship.sign_off")
        pair = _locked_pair(session, mentorship_id)
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


# --- pairing a veteran with a junior, and ending the pair ----------------------------------------------

PAIR_FIELDS = ("mentor_id", "mentee_id", "started_on")


@dataclass(frozen=True)
class PairChoices:
    """Who may be paired now, as (id, name, street): active veterans, and active juniors with no current
    mentor, by street then name."""

    veterans: list[tuple[int, str, str | None]]
    juniors: list[tuple[int, str, str | None]]


def pair_choices(session: Session, actor: User, keep: tuple[int, ...] = ()) -> PairChoices:
    """Return the veterans and the free juniors the pairing form offers; `keep` a junior already picked, so
    that a form sent after another administrator paired him says why instead of losing the choice."""
    permissions.require(actor, "mediator.edit")
    mentored = select(Mentorship.mentee_id).where(Mentorship.ended_on.is_(None))

    def of(level, *where) -> list[tuple[int, str, str | None]]:
        stmt = (
            select(Mediator.id, Mediator.name, Street.name)
            .outerjoin(Street, Street.id == Mediator.street_id)
            .where(Mediator.active.is_(True), Mediator.level == level, *where)
            .order_by(Street.code, Mediator.name, Mediator.id)
        )
        return [(int(i), name, street) for i, name, street in session.exec(stmt).all()]

    return PairChoices(
        of(MediatorLevel.VETERAN),
        of(MediatorLevel.JUNIOR, sa.or_(Mediator.id.not_in(mentored), Mediator.id.in_(keep))),
    )


def _mediator(session: Session, mediator_id) -> Mediator | None:
    if not isinstance(mediator_id, int) or isinstance(mediator_id, bool) or not 0 < mediator_id < 2**63:
        return None
    return session.get(Mediator, mediator_id)


def _pair_errors(session: Session, mentor: Mediator | None, mentee: Mediator | None, started_on) -> Errors:
    errors = Errors()
    if mentor is None:
        errors.add("mentor_id", t("workflow.error.required", field=t("workflow.field.mentor_id")))
    elif not mentor.active:
        errors.add("mentor_id", t("roster.error.inactive", name=mentor.name))
    elif mentor.level != MediatorLevel.VETERAN:
        errors.add("mentor_id", t("roster.error.not_veteran", name=mentor.name))
    if mentee is None:
        errors.add("mentee_id", t("workflow.error.required", field=t("workflow.field.mentee_id")))
    elif mentor is not None and (
        mentee.id == mentor.id or (mentee.user_id is not None and mentee.user_id == mentor.user_id)
    ):
        errors.add("mentee_id", t("roster.error.same_person"))
    elif not mentee.active:
        errors.add("mentee_id", t("roster.error.inactive", name=mentee.name))
    elif mentee.level != MediatorLevel.JUNIOR:
        errors.add("mentee_id", t("roster.error.not_junior", name=mentee.name))
    errors.date("started_on", started_on)
    if mentor is None or mentee is None or "mentee_id" in errors.errors:
        return errors
    _pair_conflicts(session, errors, mentor, mentee, started_on)
    return errors


def _pair_conflicts(session: Session, errors: Errors, mentor: Mediator, mentee: Mediator, started_on) -> None:
    """Record that this pair already exists (once per pair), that the junior has another current mentor, or
    that the new pair would start before the junior's last one ended."""
    same = session.exec(
        select(Mentorship).where(Mentorship.mentor_id == mentor.id, Mentorship.mentee_id == mentee.id)
    ).first()
    if same is not None:
        key = "roster.error.pair_exists" if same.ended_on is None else "roster.error.pair_existed"
        until = same.ended_on.isoformat() if same.ended_on else ""
        errors.add(
            "mentee_id",
            t(key, mentor=mentor.name, mentee=mentee.name, since=same.started_on.isoformat(), until=until),
        )
        return
    other = session.exec(
        select(Mediator.name, Mentorship.started_on)
        .join(Mentorship, Mentorship.mentor_id == Mediator.id)
        .where(Mentorship.mentee_id == mentee.id, Mentorship.ended_on.is_(None))
        .order_by(Mentorship.started_on, Mentorship.id)
    ).first()
    if other is not None:
        errors.add(
            "mentee_id",
            t("roster.error.has_mentor", mentee=mentee.name, mentor=other[0], since=other[1].isoformat()),
        )
        return
    last = session.exec(
        select(sa.func.max(Mentorship.ended_on)).where(Mentorship.mentee_id == mentee.id)
    ).one()
    if last is not None and "started_on" not in errors.errors and started_on < last:
        errors.add("started_on", t("roster.error.before_last_end", mentee=mentee.name, end=last.isoformat()))


def pair(session: Session, actor: User, mentor_id: int, mentee_id: int, *, started_on: date) -> Mentorship:
    """Pair an active veteran with an active junior who has no current mentor, from `started_on`."""
    try:
        permissions.require(actor, "mediator.edit")
        # two administrators pairing one junior at once: the second waits, then sees the first's pair
        throttle.lock(session, "mentorship.pair", mentee_id)
        mentee, mentor = _mediator(session, mentee_id), _mediator(session, mentor_id)
        _pair_errors(session, mentor, mentee, started_on).raise_if_any()
        row = Mentorship(mentor_id=mentor.id, mentee_id=mentee.id, started_on=started_on)
        session.add(row)
        session.flush()
        audit.record(
            session,
            actor,
            "mentorship.pair",
            object_type="mentorship",
            object_id=row.id,
            after=audit.snapshot(row, PAIR_FIELDS) | {"mentor": mentor.name, "mentee": mentee.name},
        )
        session.commit()
    except Exception:
        session.rollback()
        raise
    session.refresh(row)
    return row


def end_pair(
    session: Session, actor: User, mentorship_id: int, version: int, *, ended_on: date
) -> Mentorship:
    """End a current pair on `ended_on` (not before its start or the sign-off, not after today)."""
    try:
        permissions.require(actor, "mediator.edit")
        row = _locked_pair(session, mentorship_id)
        if row.ended_on is not None:
            raise IllegalTransition(t("roster.error.ended", on=row.ended_on.isoformat()))
        errors = Errors()
        errors.date("ended_on", ended_on, after=row.started_on, after_field="started_on")
        if "ended_on" not in errors.errors and row.signed_off_on and ended_on < row.signed_off_on:
            errors.add("ended_on", t("roster.error.end_before_sign_off", on=row.signed_off_on.isoformat()))
        errors.raise_if_any()
        before = audit.snapshot(row, ("ended_on",))
        row.ended_on = ended_on
        bump_version(session, row, version)
        audit.record(
            session,
            actor,
            "mentorship.end",
            object_type="mentorship",
            object_id=row.id,
            before=before,
            after=audit.snapshot(row, ("ended_on",))
            | {"mentor_id": row.mentor_id, "mentee_id": row.mentee_id},
        )
        session.commit()
    except Exception:
        session.rollback()
        raise
    session.refresh(row)
    return row
