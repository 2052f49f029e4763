"""How administrators write streets, communities, grids and units: the rules core.accounts.records applies.

Codes follow the national statistical division list: a street or town has 9 digits, a community or
village 12 (its street's code + 3), and a grid's code starts with its community's. A unit's parent may not
be the unit itself or one of its own sub-units, and a street office names its street.
"""

from __future__ import annotations

import re

from sqlmodel import Session

from core.places import places
from core.platform import rules
from i18n import t
from models import Community, Grid, Street, Unit, UnitKind

STREET_CODE = re.compile(r"^\d{9}$")
COMMUNITY_CODE = re.compile(r"^\d{12}$")
GRID_CODE = re.compile(r"^\d{1,16}$")
UNIT_CODE = re.compile(r"^[A-Za-z0-9_-]{1,20}$")
PERMISSION = "reference.edit"


def _forget(_session: Session, _actor, _change: rules.Change) -> None:
    places.invalidate()  # pickers read these lists from a per-process copy


def _street(session: Session, values: dict, pk) -> dict[str, str]:
    if not STREET_CODE.match(values["code"]):
        return {"code": t("records.error.street_code")}
    return {}


def _within(parent, code: str, field: str, key: str) -> dict[str, str]:
    if parent is not None and not code.startswith(parent.code):
        return {field: t(key, parent=parent.code)}
    return {}


def _community(session: Session, values: dict, pk) -> dict[str, str]:
    if not COMMUNITY_CODE.match(values["code"]):
        return {"code": t("records.error.community_code")}
    return _within(
        rules.get(session, Street, values["street_id"]), values["code"], "code", "records.error.code_within"
    )


def _grid(session: Session, values: dict, pk) -> dict[str, str]:
    if not GRID_CODE.match(values["code"]):
        return {"code": t("records.error.grid_code")}
    parent = rules.get(session, Community, values["community_id"])
    return _within(parent, values["code"], "code", "records.error.code_within")


def _unit(session: Session, values: dict, pk) -> dict[str, str]:
    errors = {}
    if not UNIT_CODE.match(values["code"]):
        errors["code"] = t("records.error.unit_code")
    parent_id, seen = values.get("parent_id"), set()
    while parent_id is not None and parent_id not in seen:  # walk up: the unit may not be its own ancestor
        if pk is not None and parent_id == pk:
            errors["parent_id"] = t("records.error.unit_cycle")
            break
        seen.add(parent_id)
        parent = rules.get(session, Unit, parent_id)
        parent_id = parent.parent_id if parent else None
    if values.get("kind") == UnitKind.STREET_OFFICE and values.get("street_id") is None:
        errors["street_id"] = t("records.error.street_office_street")
    return errors


STREETS = rules.Rules(
    model=Street,
    permission=PERMISSION,
    natural_key=("code",),
    fields=("code", "name", "kind", "active"),
    check=_street,
    changed=_forget,
)
COMMUNITIES = rules.Rules(
    model=Community,
    permission=PERMISSION,
    natural_key=("code",),
    fields=("code", "name", "kind", "street_id", "active"),
    check=_community,
    changed=_forget,
)
GRIDS = rules.Rules(
    model=Grid,
    permission=PERMISSION,
    natural_key=("code",),
    fields=("code", "name", "community_id", "active"),
    check=_grid,
    changed=_forget,
)
UNITS = rules.Rules(
    model=Unit,
    permission=PERMISSION,
    natural_key=("code",),
    fields=("code", "name", "short_name", "kind", "parent_id", "street_id", "active"),
    check=_unit,
    changed=_forget,
)
