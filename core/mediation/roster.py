"""The mediator roster's plain fields (name, phone, level, organisation and its kind, street, community and
grid, specialties as subject keys, training and certificate dates): how they are written.

Mentorships (老马带小马) and the link to a user account belong to the mediation centre's own screens; this
module gives the roster's table its rules for core.accounts.records.
"""

from __future__ import annotations

import contextlib

from sqlmodel import Session, select

from core.mediation import specialties
from core.platform import rules, timeutil
from core.platform.errors import ValidationError
from core.platform.validation import check_phone
from i18n import t
from models import Community, Grid, Mediator, Subject


def _normalise(values: dict) -> dict:
    phone = values.get("phone")
    if phone:
        with contextlib.suppress(ValidationError):  # _check says why
            values = {**values, "phone": check_phone(phone)}
    if isinstance(values.get("specialties"), str):
        keys = specialties.keys_of(values["specialties"].replace("，", ","))
        values = {**values, "specialties": specialties.join_keys(keys)}
    return values


def _check(session: Session, values: dict, pk) -> dict[str, str]:
    errors = {}
    if values.get("phone"):
        try:
            check_phone(values["phone"])
        except ValidationError as exc:
            errors["phone"] = exc.message
    errors |= _place_errors(session, values)
    for name in ("trained_on", "certified_on"):
        if values.get(name) and values[name] > timeutil.today():
            errors[name] = t("records.error.future")
    certified, expires = values.get("certified_on"), values.get("certificate_expires_on")
    if certified and expires and expires <= certified:
        errors["certificate_expires_on"] = t("roster.error.expires_before")
    unknown = _unknown_specialties(session, values.get("specialties"))
    if unknown:
        errors["specialties"] = t("roster.error.specialties", keys="、".join(unknown))
    return errors


def _place_errors(session: Session, values: dict) -> dict[str, str]:
    grid = rules.get(session, Grid, values["grid_id"]) if values.get("grid_id") else None
    community_id = values.get("community_id") or (grid.community_id if grid else None)
    community = rules.get(session, Community, community_id) if community_id else None
    if grid and values.get("community_id") and grid.community_id != values["community_id"]:
        return {"grid_id": t("roster.error.grid_outside_community")}
    if community and values.get("street_id") and community.street_id != values["street_id"]:
        return {
            "community_id" if values.get("community_id") else "grid_id": t(
                "records.error.grid_outside_street"
            )
        }
    return {}


def _unknown_specialties(session: Session, text: str | None) -> list[str]:
    keys = specialties.keys_of(text)
    if not keys:
        return []
    known = set(session.exec(select(Subject.key).where(Subject.key.in_(keys))).all())
    return [k for k in keys if k not in known]


RULES = rules.Rules(
    model=Mediator,
    permission="mediator.edit",
    natural_key=("name", "phone"),
    fields=(
        "name",
        "phone",
        "level",
        "organisation",
        "organisation_kind",
        "street_id",
        "community_id",
        "grid_id",
        "specialties",
        "trained_on",
        "certified_on",
        "certificate_expires_on",
        "active",
    ),
    normalise=_normalise,
    check=_check,
)
