"""Repeat petitions (重复信访): likely earlier cases of the same person or group, and linking them.

Every lookup goes through an index (Person.id_number, Person.phone, Person.name, CaseParty.person_id,
Case (subject, received_on)); titles are compared in Python only within a bounded pool of recent cases
of the same subject, so intake stays fast at a million cases.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from core.accounts import permissions, pii
from core.cases.workflow import Linked, link_repeat
from core.platform import timeutil
from core.platform.errors import ValidationError
from core.platform.validation import check_id_number, check_phone, id_number_variants
from i18n import t
from models import Case, CaseParty, CaseStatus, Person, User

__all__ = ["Linked", "RepeatCandidate", "find_repeats", "link_repeat", "title_similarity"]

WEIGHTS = {"id_number": 100.0, "phone": 60.0, "name_address": 50.0, "similar_title": 40.0}
TITLE_THRESHOLD = 0.5  # bigram Dice coefficient from which two titles count as similar
TITLE_WINDOW_DAYS = 730  # titles are compared with the same subject's cases of the last two years
TITLE_POOL = 5000  # at most this many of those, the most recent first
PER_PERSON_CASES = 200  # the most recent cases per matched person
RANK_SPARE = 50  # rows loaded beyond `limit`, to make up for skipped (invalid, merged) cases
SKIPPED = (CaseStatus.INVALID, CaseStatus.MERGED)


@dataclass(frozen=True)
class RepeatCandidate:
    """An earlier case that is likely the same person's or group's matter, with why it matched."""

    case_id: int
    number: str
    title: str
    subject: str
    status: CaseStatus
    received_on: date
    not_accepted_again: bool
    reasons: tuple[str, ...]  # keys of WEIGHTS, strongest first
    score: float

    @property
    def reason_labels(self) -> list[str]:
        """Return the reasons as display text."""
        return [t(f"workflow.repeat_reason.{reason}") for reason in self.reasons]


def find_repeats(
    session: Session,
    actor: User,
    *,
    id_numbers: Iterable[str] = (),
    phones: Iterable[str] = (),
    name_address: Iterable[tuple[str, str]] = (),
    title: str | None = None,
    subject: str | None = None,
    exclude_case_id: int | None = None,
    limit: int = 10,
) -> list[RepeatCandidate]:
    """Return likely earlier cases of the same person or group that `actor` may see, most likely first.

    A person matches a case where he is an accuser only if the actor may know that case's accuser (第30条).
    """
    reasons: dict[int, dict[str, float]] = {}

    def hit(case_ids: Iterable[int], reason: str, strength: float = 1.0) -> None:
        for case_id in case_ids:
            found = reasons.setdefault(case_id, {})
            found[reason] = max(found.get(reason, 0.0), strength)

    hit(_cases_of(session, actor, _person_ids_by(session, Person.id_number, _ids(id_numbers))), "id_number")
    hit(_cases_of(session, actor, _person_ids_by(session, Person.phone, _phones(phones))), "phone")
    hit(_cases_of(session, actor, _person_ids_by_name_address(session, name_address)), "name_address")
    if title and subject:
        for case_id, similarity in _similar_titles(session, title, subject):
            hit([case_id], "similar_title", similarity)
    reasons.pop(exclude_case_id, None)
    return _rank(session, reasons, limit)


def _ids(values: Iterable[str]) -> set[str]:
    out = set()
    for value in values:
        try:
            out.update(id_number_variants(check_id_number(value)))
        except ValidationError:
            continue  # an unfinished number typed at intake simply finds nothing
    return out


def _phones(values: Iterable[str]) -> set[str]:
    out = set()
    for value in values:
        try:
            out.add(check_phone(value))
        except ValidationError:
            continue
    return out


def _person_ids_by(session: Session, column, values: set[str]) -> list[int]:
    if not values:
        return []
    return list(session.exec(select(Person.id).where(column.in_(sorted(values)))).all())


def _normalise_text(text: str | None) -> str:
    """Fold full-width forms and drop whitespace and punctuation, for comparing names, addresses, titles."""
    folded = unicodedata.normalize("NFKC", text or "").lower()
    return re.sub(r"[\W_]+", "", folded)


def _person_ids_by_name_address(session: Session, pairs: Iterable[tuple[str, str]]) -> list[int]:
    wanted = {(name.strip(), _normalise_text(address)) for name, address in pairs if name and address}
    wanted = {(name, address) for name, address in wanted if name and address}
    if not wanted:
        return []
    names = sorted({name for name, _ in wanted})
    rows = session.exec(select(Person.id, Person.name, Person.address).where(Person.name.in_(names))).all()
    return [pid for pid, name, address in rows if _same_address(wanted, name, _normalise_text(address))]


def _same_address(wanted: set[tuple[str, str]], name: str, address: str) -> bool:
    # One address may carry the street or district the other leaves out: a long enough tail is the same place.
    for want_name, want in wanted:
        if want_name != name or not address:
            continue
        short, long_ = sorted((want, address), key=len)
        if short == long_ or (len(short) >= 6 and long_.endswith(short)):
            return True
    return False


def _cases_of(session: Session, actor: User, person_ids: list[int]) -> list[int]:
    if not person_ids:
        return []
    stmt = (
        select(CaseParty.case_id)
        .join(Case, Case.id == CaseParty.case_id)
        .where(CaseParty.person_id.in_(person_ids))
    )
    if not pii.sees_every_identity(actor):
        accuser = CaseParty.role.in_([r.value for r in pii.ACCUSER_ROLES])
        stmt = stmt.where(sa.or_(sa.not_(accuser), pii.identity_clause(actor)))
    stmt = (
        permissions.scope_cases(stmt, actor)
        .distinct()
        .order_by(CaseParty.case_id.desc())
        .limit(PER_PERSON_CASES * len(person_ids))
    )
    return list(session.exec(stmt).all())


def bigrams(text: str) -> set[str]:
    """Return the character bigrams of a normalised text (the text itself when shorter)."""
    text = _normalise_text(text)
    return {text[i : i + 2] for i in range(len(text) - 1)} or ({text} if text else set())


def title_similarity(a: str, b: str) -> float:
    """Return the Dice coefficient of the two titles' character bigrams (0..1)."""
    return _dice(bigrams(a), bigrams(b))


def _dice(x: set[str], y: set[str]) -> float:
    return 2 * len(x & y) / (len(x) + len(y)) if x and y else 0.0


def _similar_titles(session: Session, title: str, subject: str) -> list[tuple[int, float]]:
    since = timeutil.today() - timedelta(days=TITLE_WINDOW_DAYS)
    stmt = (
        select(Case.id, Case.title)
        .where(Case.subject == subject, Case.received_on >= since)
        .order_by(Case.received_on.desc())
        .limit(TITLE_POOL)
    )
    mine = bigrams(title)
    out = []
    for case_id, other in session.exec(stmt).all():
        score = _dice(mine, bigrams(other))
        if score >= TITLE_THRESHOLD:
            out.append((case_id, score))
    return out


def _rank(session: Session, reasons: dict[int, dict[str, float]], limit: int) -> list[RepeatCandidate]:
    scores = {case_id: sum(WEIGHTS[r] * s for r, s in found.items()) for case_id, found in reasons.items()}
    # Load only the best few rows; newer cases (higher ids) win ties at the cut.
    best = sorted(scores, key=lambda case_id: (-scores[case_id], -case_id))[: limit + RANK_SPARE]
    if not best:
        return []
    cases = session.exec(select(Case).where(Case.id.in_(best), Case.status.not_in(SKIPPED))).all()
    out = []
    for case in cases:
        found, score = reasons[case.id], scores[case.id]
        ordered = tuple(sorted(found, key=lambda r: -WEIGHTS[r]))
        out.append(
            RepeatCandidate(
                case_id=case.id,
                number=case.number,
                title=case.title,
                subject=case.subject,
                status=CaseStatus(case.status),
                received_on=case.received_on,
                not_accepted_again=case.not_accepted_again,
                reasons=ordered,
                score=round(score, 2),
            )
        )
    out.sort(key=lambda c: (-c.score, -c.received_on.toordinal(), -c.case_id))
    return out[:limit]
