"""The mediator roster's plain fields (name, phone, level, organisation, place, training): how they are written.

Mentorships (老马带小马), specialties as subjects and the link to a user account belong to the mediation
centre's own screens; this module gives the roster's table its rules for core.accounts.records.
"""

from __future__ import annotations

import contextlib

from sqlmodel import Session

from core.platform import rules, timeutil
from core.platform.errors import ValidationError
from core.platform.validation import check_phone
from i18n import t
from models import Community, Grid, Mediator


def _normalise(values: dict) -> dict:
    phone = values.get("phone")
    if phone:
        with contextlib.suppress(ValidationError):  # _check says why
            values = {**values, "phone": check_phone(phone)}
    return values


def _check(session: Session, values: dict, pk) -> dict[str, str]:
    errors = {}
    if values.get("phone"):
        try:
            check_phone(values["phone"])
        except ValidationError as exc:
            errors["phone"] = exc.message
    grid = rules.get(session, Grid, values["grid_id"]) if values.get("grid_id") else None
    community = rules.get(session, Community, grid.community_id) if grid else None
    if community and values.get("street_id") and community.street_id != values["street_id"]:
        errors["grid_id"] = t("records.error.grid_outside_street")
    trained = values.get("trained_on")
    if trained and trained > timeutil.today():
        errors["trained_on"] = t("records.error.future")
    return errors


RULES = rules.Rules(
    model=Mediator,
    permission="mediator.edit",
    natural_key=("name", "phone"),
    fields=(
        "name",
        "phone",
        "level",
        "organisation",
        "street_id",
        "grid_id",
        "specialties",
        "trained_on",
        "active",
    ),
    normalise=_normalise,
    check=_check,
)
