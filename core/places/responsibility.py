"""The supervision responsibility list (《信访事项监管责任清单》): which unit answers for which subject.

A line names a subject, optionally a street (where the answer differs there, e.g. property disputes go to the
street office), the lead unit and assisting units. Triage asks `suggest` for the lead unit of a case; a line
for the case's street wins over the district-wide line.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session

from core.platform import rules
from i18n import t
from models import Responsibility, ResponsibilityUnit, Subject, Unit


@dataclass(frozen=True)
class Suggestion:
    """The lead and assisting units the responsibility list names for a subject (in a street)."""

    line_id: int
    lead_unit_id: int
    lead_unit: str
    assisting_unit_ids: tuple[int, ...]
    street_specific: bool
    basis: str | None


def _check(session: Session, values: dict, pk) -> dict[str, str]:
    errors = {}
    lead = rules.get(session, Unit, values["lead_unit_id"])
    if lead is not None and not lead.active:
        errors["lead_unit_id"] = t("records.error.inactive_target")
    if values["lead_unit_id"] in (values.get("assisting_unit_ids") or ()):
        errors["assisting_unit_ids"] = t("records.error.lead_also_assists")
    return errors


RULES = rules.Rules(
    model=Responsibility,
    permission="reference.edit",
    natural_key=("subject_id", "street_id"),
    fields=("subject_id", "street_id", "lead_unit_id", "assisting_unit_ids", "basis", "note", "active"),
    links=(rules.Link("assisting_unit_ids", ResponsibilityUnit, "responsibility_id", "unit_id"),),
    check=_check,
)


def suggest(session: Session, subject: str | None, street_id: int | None) -> Suggestion | None:
    """Return what the list says for a subject key in a street (its own line first), or None."""
    if not subject:
        return None
    r = Responsibility
    stmt = (
        sa.select(r.id, r.lead_unit_id, sa.func.coalesce(Unit.short_name, Unit.name), r.street_id, r.basis)
        .join(Subject, Subject.id == r.subject_id)
        .join(Unit, Unit.id == r.lead_unit_id)
        .where(Subject.key == subject, r.active == sa.true(), Unit.active == sa.true())
        .where(
            sa.or_(r.street_id.is_(None), r.street_id == street_id) if street_id else r.street_id.is_(None)
        )
        .order_by(r.street_id.is_(None), r.id)  # the street's own line before the district's
        .limit(1)
    )
    found = session.execute(stmt).first()
    if found is None:
        return None
    line_id, lead_id, lead_name, street, basis = found
    link = ResponsibilityUnit
    assists = session.execute(
        sa.select(link.unit_id)
        .join(Unit, Unit.id == link.unit_id)
        .where(link.responsibility_id == line_id, Unit.active == sa.true())
        .order_by(link.unit_id)
    ).scalars()
    return Suggestion(line_id, lead_id, lead_name, tuple(assists), street is not None, basis)
