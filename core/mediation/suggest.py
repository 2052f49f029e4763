"""Suggested mediators for a mediation case (issue 14 item 5): the street's active mediators ranked by points.

    score = specialty (the case's subject is among his specialties)
          + the nearest place he shares with the case: grid, else community, else street
          + success × his past success rate (0.5 before his first ended mediation)
          − load × the cases he has open now

The points are settings (`suggest.weight_*`, edited by an administrator, audited). Candidates are the active
mediators of the case's street; the whole district when the case names no street or its street has fewer
than `limit`. On a hard case (a group, a repeat petition, or a leader's 包案) a junior whom his mentor has not
signed off is suggested only with his mentor as co-mediator, and not at all without one.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, select

from core.mediation import access, specialties
from core.mediation.assignment import is_hard
from core.mediation.figures import MediatorFigures, figures_of
from core.mediation.mentorship import active_mentor_of
from core.platform import settings
from i18n import label, t
from models import Case, Grid, MediationCase, Mediator, MediatorLevel, Subject, User

WEIGHTS = ("specialty", "grid", "community", "street", "success", "load")
NO_HISTORY_RATE = 0.5


@dataclass(frozen=True)
class Suggestion:
    """One suggested lead mediator (with his mentor as co-mediator where the case needs him), and why."""

    mediator_id: int
    name: str
    level: str
    score: float
    reasons: tuple[str, ...]
    open: int
    rate: float | None
    co_ids: tuple[int, ...] = ()
    co_names: tuple[str, ...] = ()

    @property
    def reason(self) -> str:
        """The reasons in words: 同网格 · 擅长物业纠纷 · 在办 2 件 · 成功率 86 %."""
        return " · ".join(self.reasons)


@dataclass(frozen=True)
class _Candidate:
    id: int
    name: str
    level: str
    grid_id: int | None
    community_id: int | None
    street_id: int | None
    specialties: str | None


def weights(session: Session) -> dict[str, int]:
    """Return the points of each part of the score, as the settings hold them now."""
    values = settings.get_all(session)
    return {k: int(values[f"suggest.weight_{k}"]) for k in WEIGHTS}


def _candidates(session: Session, street_id: int | None, limit: int) -> list[_Candidate]:
    community = sa.func.coalesce(Mediator.community_id, Grid.community_id)
    base = (
        select(
            Mediator.id,
            Mediator.name,
            Mediator.level,
            Mediator.grid_id,
            community,
            Mediator.street_id,
            Mediator.specialties,
        )
        .outerjoin(Grid, Grid.id == Mediator.grid_id)
        .where(Mediator.active == sa.true())
    )
    rows = session.exec(base.where(Mediator.street_id == street_id)).all() if street_id else []
    if len(rows) < limit:
        rows = session.exec(base).all()
    return [_Candidate(*row) for row in rows]


def _place_of(session: Session, mediation: MediationCase) -> tuple[int | None, int | None, int | None]:
    grid = session.get(Grid, mediation.grid_id) if mediation.grid_id else None
    return mediation.grid_id, grid.community_id if grid else None, mediation.street_id


def _subject_of(session: Session, mediation: MediationCase) -> str | None:
    known = set(session.exec(select(Subject.key)).all())
    found = specialties.subject_of(mediation.dispute_type, known)
    if found is None and mediation.case_id is not None:
        found = session.exec(select(Case.subject).where(Case.id == mediation.case_id)).first()
    return found


def _nearness(c: _Candidate, place: tuple) -> str | None:
    grid, community, street = place
    if grid is not None and c.grid_id == grid:
        return "grid"
    if community is not None and c.community_id == community:
        return "community"
    if street is not None and c.street_id == street:
        return "street"
    return None


def _score(c: _Candidate, f: MediatorFigures, near: str | None, match: bool, w: dict) -> float:
    rate = f.rate if f.rate is not None else NO_HISTORY_RATE
    points = w["specialty"] * match + (w[near] if near else 0) + w["success"] * rate - w["load"] * f.open
    return round(points, 6)


def _reasons(near: str | None, subject: str | None, match: bool, f: MediatorFigures) -> list[str]:
    out = [t(f"roster.reason.{near}")] if near else []
    if match:
        out.append(t("roster.reason.specialty", subject=label("subject", subject)))
    out.append(t("roster.reason.open", n=f.open))
    if f.rate is None:
        out.append(t("roster.reason.no_history"))
    else:
        out.append(t("roster.reason.rate", rate=round(f.rate * 100)))
    return out


def suggest_mediators(session: Session, user: User, mediation_id: int, limit: int = 10) -> list[Suggestion]:
    """Return up to `limit` suggested lead mediators for the mediation case, best first."""
    mediation = access.get_mediation(session, user, mediation_id)
    w, place, subject = weights(session), _place_of(session, mediation), _subject_of(session, mediation)
    candidates = _candidates(session, mediation.street_id, limit)
    hard = is_hard(session, mediation)
    juniors = [c.id for c in candidates if c.level == MediatorLevel.JUNIOR]
    mentors = active_mentor_of(session, juniors) if hard else {}
    figures = figures_of(session, [c.id for c in candidates] + [m for m, _ in mentors.values()])
    names = dict(session.exec(select(Mediator.id, Mediator.name).where(Mediator.id.in_(figures))).all())
    out = []
    for c in candidates:
        f, near = figures[c.id], _nearness(c, place)
        match = subject is not None and subject in specialties.keys_of(c.specialties)
        reasons, co = _reasons(near, subject, match, f), ()
        if hard and c.level == MediatorLevel.JUNIOR:
            mentor, signed_off = mentors.get(c.id, (None, None))
            if signed_off is None:
                if mentor is None:
                    continue
                co = (mentor,)
                reasons.append(t("roster.reason.with_mentor", name=names.get(mentor, "")))
        score = _score(c, f, near, match, w)
        out.append(
            Suggestion(
                c.id,
                c.name,
                str(c.level),
                score,
                tuple(reasons),
                f.open,
                f.rate,
                co,
                tuple(names.get(i, "") for i in co),
            )
        )
    out.sort(key=lambda s: (-s.score, s.open, s.name, s.mediator_id))
    return out[:limit]
