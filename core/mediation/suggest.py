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
from core.mediation.figures import MediatorFigures, figures_of, open_loads
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


def _base(c: _Candidate, near: str | None, match: bool, open_: int, w: dict) -> float:
    """The score without the success rate: what needs no look at the mediator's past cases."""
    return w["specialty"] * match + (w[near] if near else 0) - w["load"] * open_


def _rate_points(f: MediatorFigures, w: dict) -> float:
    return w["success"] * (f.rate if f.rate is not None else NO_HISTORY_RATE)


def _ranked(session: Session, bases: dict[int, float], w: dict, limit: int) -> dict[int, MediatorFigures]:
    """Return the figures of the candidates that can reach the top `limit`, best bound first: the past
    cases of a mediator who cannot make it even with a 100 % rate are never read."""
    order = sorted(bases, key=lambda i: -bases[i])
    figures: dict[int, MediatorFigures] = {}
    done = 0
    while done < len(order):
        batch = order[done : done + max(2 * limit, 20)]
        figures |= figures_of(session, batch)
        done += len(batch)
        scores = sorted((bases[i] + _rate_points(figures[i], w) for i in figures), reverse=True)
        if (
            done < len(order)
            and len(scores) >= limit
            and scores[limit - 1] > bases[order[done]] + w["success"]
        ):
            break
    return figures


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
    loads = open_loads(session)
    kept, bases = {}, {}
    for c in candidates:
        if hard and c.level == MediatorLevel.JUNIOR:
            mentor, signed_off = mentors.get(c.id, (None, None))
            if signed_off is None and mentor is None:
                continue
        near = _nearness(c, place)
        match = subject is not None and subject in specialties.keys_of(c.specialties)
        kept[c.id] = (c, near, match)
        bases[c.id] = _base(c, near, match, loads.get(c.id, 0), w)
    figures = _ranked(session, bases, w, limit)
    wanted = set(figures) | {m for m, _ in mentors.values()}
    names = dict(session.exec(select(Mediator.id, Mediator.name).where(Mediator.id.in_(wanted))).all())
    out = [
        _suggestion(kept[i], subject, figures[i], bases[i] + _rate_points(figures[i], w), mentors, names)
        for i in figures
    ]
    out.sort(key=lambda s: (-s.score, s.open, s.name, s.mediator_id))
    return out[:limit]


def _suggestion(
    kept: tuple, subject: str | None, f: MediatorFigures, score: float, mentors: dict, names: dict
) -> Suggestion:
    c, near, match = kept
    reasons, co = _reasons(near, subject, match, f), ()
    mentor, signed_off = mentors.get(c.id, (None, None))
    if mentor is not None and signed_off is None:
        co = (mentor,)
        reasons.append(t("roster.reason.with_mentor", name=names.get(mentor, "")))
    return Suggestion(
        c.id,
        c.name,
        str(c.level),
        round(score, 6),
        tuple(reasons),
        f.open,
        f.rate,
        co,
        tuple(names.get(i, "") for i in co),
    )
