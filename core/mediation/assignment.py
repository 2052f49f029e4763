"""The hard-case rule of a mediation's team: a hard case (a group of 5 or more, a repeat petition, or one a
leader took charge of, 包案) is led by a junior only together with his mentor, unless the mentor has signed
him off to lead alone. core.mediation.cases.assign_mediators applies it; suggest.py follows it."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session

from core.mediation.mentorship import active_mentor_of
from core.platform.validation import Errors
from i18n import t
from models import Case, MediationCase, Mediator, MediatorLevel

GROUP_SIZE = 5  # a group petition (集体访): five or more people


def is_hard(session: Session, mediation: MediationCase) -> bool:
    """Return whether the case needs a veteran: its petition is a group's, a repeat, or a leader's 包案."""
    if mediation.case_id is None:
        return False
    case = session.get(Case, mediation.case_id)
    return case is not None and (
        case.group_size >= GROUP_SIZE
        or case.repeat_of_id is not None
        or not case.is_first
        or case.leader_in_charge_id is not None
    )


def check_hard_case(
    session: Session, errors: Errors, mediation: MediationCase, lead: Mediator | None, co_ids: Sequence[int]
) -> None:
    """Add the co-mediators' error when a junior would lead a hard case without his mentor beside him."""
    if lead is None or lead.level != MediatorLevel.JUNIOR or not is_hard(session, mediation):
        return
    mentor, signed_off = active_mentor_of(session, [lead.id]).get(lead.id, (None, None))
    if signed_off is None and mentor not in co_ids:
        errors.add("co_ids", t("roster.error.mentor_needed"))
