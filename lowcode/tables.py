"""The tables an administrator maintains, one AdminSpec each; docs/lowcode.md shows how to add one.

Order matters twice: the table picker lists them in this order, and the first spec of a model is the one a
foreign key to that model is shown by (its `label`).
"""

from __future__ import annotations

import sqlalchemy as sa

from core.accounts import users
from core.calendar import holidays, tunables
from core.mediation import roster
from core.places import editing, responsibility, subjects
from core.platform import settings
from i18n import t
from lowcode import actions
from lowcode.registry import Registry
from lowcode.spec import AdminSpec, Field, Roles, RowAction, Section, Store, TableAction
from models import (
    Community,
    Grid,
    Holiday,
    Mediator,
    Responsibility,
    ResponsibilityUnit,
    Role,
    Setting,
    Street,
    Subject,
    Unit,
    User,
)

REFERENCE = Roles(
    view="reference.view",
    create="reference.edit",
    edit="reference.edit",
    delete="reference.edit",
    export="reference.view",
    import_="reference.edit",
)
BASIC = "lowcode.section.basic"

STREETS = AdminSpec(
    key="streets",
    model=Street,
    roles=REFERENCE,
    store=Store(editing.STREETS),
    list_columns=("code", "name", "kind", "active"),
    search_fields=("code", "name"),
    filters=("kind", "active"),
    ordering=("code",),
    form=(Section(BASIC, ("code", "name", "kind", "active")),),
    icon=":material/location_city:",
)

COMMUNITIES = AdminSpec(
    key="communities",
    model=Community,
    roles=REFERENCE,
    store=Store(editing.COMMUNITIES),
    list_columns=("code", "name", "kind", "street_id", "active"),
    search_fields=("code", "name"),
    filters=("street_id", "kind", "active"),
    ordering=("code",),
    form=(Section(BASIC, ("street_id", "code", "name", "kind", "active")),),
    label=("street.name", "name"),
    icon=":material/holiday_village:",
)

GRIDS = AdminSpec(
    key="grids",
    model=Grid,
    roles=REFERENCE,
    store=Store(editing.GRIDS),
    list_columns=("code", "name", "community_id", "active"),
    search_fields=("code", "name", "community.name"),
    filters=("community.street_id", "community_id", "active"),
    ordering=("code",),
    form=(Section(BASIC, ("community_id", "code", "name", "active")),),
    label=("community.street.name", "community.name", "name"),
    icon=":material/grid_view:",
)

UNITS = AdminSpec(
    key="units",
    model=Unit,
    roles=REFERENCE,
    store=Store(editing.UNITS),
    list_columns=("code", "name", "short_name", "kind", "parent_id", "street_id", "active"),
    search_fields=("code", "name", "short_name"),
    filters=("kind", "parent_id", "street_id", "active"),
    ordering=("code",),
    form=(
        Section(BASIC, ("code", "name", "short_name", "kind")),
        Section("lowcode.section.place", ("parent_id", "street_id", "active")),
    ),
    label=("short_name|name",),
    icon=":material/account_balance:",
    group="units",
)

SUBJECTS = AdminSpec(
    key="subjects",
    model=Subject,
    roles=REFERENCE,
    store=Store(subjects.RULES),
    list_columns=("sort_order", "key", "name", "name_en", "category", "route", "active"),
    search_fields=("key", "name", "name_en"),
    filters=("category", "route", "active"),
    ordering=("sort_order", "key"),
    form=(
        Section(BASIC, ("key", "name", "name_en", "sort_order")),
        Section("lowcode.section.defaults", ("category", "route", "active")),
    ),
    label=("name",),
    label_en=("name_en|name",),
    icon=":material/category:",
    group="units",
)


def _own_unit_lines(stmt, user):
    """A handler sees the lines his unit leads or assists on; the office sees the whole list."""
    if Role(user.role) != Role.HANDLER:
        return stmt
    assists = (
        sa.select(ResponsibilityUnit.id)
        .where(
            ResponsibilityUnit.responsibility_id == Responsibility.id,
            ResponsibilityUnit.unit_id == user.unit_id,
        )
        .exists()
    )
    return stmt.where(sa.or_(Responsibility.lead_unit_id == user.unit_id, assists))


RESPONSIBILITY = AdminSpec(
    key="responsibility",
    model=Responsibility,
    roles=REFERENCE,
    store=Store(responsibility.RULES),
    list_columns=("subject_id", "street_id", "lead_unit_id", "note", "active"),
    search_fields=("subject.name", "lead_unit.name", "lead_unit.short_name", "note", "basis"),
    filters=("subject_id", "street_id", "lead_unit_id", "active"),
    ordering=("subject.sort_order", "street_id"),
    form=(
        Section(BASIC, ("subject_id", "street_id", "lead_unit_id", "assisting_unit_ids")),
        Section("lowcode.section.basis", ("basis", "note", "active")),
    ),
    fields=(
        Field("assisting_unit_ids", "m2m", target="units"),
        Field("street_id", "fk", help="lowcode.responsibility.street_help"),
    ),
    display=(("street_id", lambda row: row.get("street_id__label") or t("lowcode.responsibility.district")),),
    label=("subject.name", "lead_unit.name"),
    scope=_own_unit_lines,
    icon=":material/assignment_ind:",
    group="units",
)

HOLIDAYS = AdminSpec(
    key="holidays",
    model=Holiday,
    roles=Roles(
        view="reference.view",
        create="holiday.edit",
        edit="holiday.edit",
        delete="holiday.edit",
        export="reference.view",
        import_="holiday.edit",
    ),
    store=Store(holidays.RULES),
    list_columns=("day", "name", "is_workday", "source"),
    search_fields=("name",),
    filters=("day", "is_workday", "source"),
    ordering=("-day",),
    page_size=60,
    readonly_fields=("source",),
    form=(Section(BASIC, ("day", "name", "is_workday")),),
    table_actions=(
        TableAction(
            "add_next_year",
            "lowcode.holidays.add_next_year",
            "holiday.edit",
            actions.add_next_year,
            inputs=(Field("entries", "longtext", required=True, help="lowcode.holidays.entries_help"),),
            prefill=actions.next_year_prefill,
            icon=":material/event_upcoming:",
        ),
    ),
    icon=":material/event:",
    group="calendar",
)


def _setting_fields(row: dict) -> tuple[Field, ...]:
    allowed = settings.range_of(row["key"])
    if allowed is None:
        return (Field("value", "longtext", required=True, help="lowcode.settings.json_help"),)
    unit = f"lowcode.unit.{allowed.unit}"
    low, high = allowed.minimum, allowed.maximum
    if allowed.stage:
        return (
            Field("days", "int", True, minimum=low, maximum=high, unit=unit),
            Field("unit", "enum", True, choices=settings.STAGE_UNITS, enum="day_unit"),
        )
    return (Field("value", "int", True, minimum=low, maximum=high, unit=unit),)


def _setting_parts(row: dict) -> dict:
    value = tunables.decode(row.get("value"))
    allowed = settings.range_of(row["key"])
    if allowed is not None and allowed.stage and isinstance(value, dict):
        return {"days": value.get("days"), "unit": value.get("unit")}
    return {"value": value if allowed is not None else row.get("value")}


SETTINGS = AdminSpec(
    key="settings",
    model=Setting,
    roles=Roles(view="setting.view", edit="setting.edit", export="setting.view", import_="setting.edit"),
    store=Store(tunables.RULES, update=tunables.save),
    list_columns=("key", "value", "allowed", "updated_at", "updated_by_id"),
    search_fields=("key",),
    ordering=("key",),
    page_size=100,
    form=(Section(BASIC, ("key", "value")),),
    fields=(Field("allowed", "text"),),
    display=(
        ("key", actions.setting_name),
        ("value", actions.setting_value),
        ("allowed", actions.setting_range),
    ),
    form_fields=_setting_fields,
    initial=_setting_parts,
    label=("key",),
    icon=":material/tune:",
    group="calendar",
)

MEDIATORS = AdminSpec(
    key="mediators",
    model=Mediator,
    roles=Roles(
        view="mediation.view",
        create="mediator.edit",
        edit="mediator.edit",
        delete="mediator.edit",
        export="mediator.edit",
        import_="mediator.edit",
    ),
    store=Store(roster.RULES),
    list_columns=("name", "phone", "level", "organisation", "grid_id", "certificate_expires_on", "active"),
    search_fields=("name", "organisation", "specialties"),
    filters=("level", "organisation_kind", "street_id", "active"),
    ordering=("name",),
    form=(
        Section(BASIC, ("name", "phone", "level", "organisation", "organisation_kind")),
        Section("lowcode.section.place", ("street_id", "community_id", "grid_id")),
        Section(
            "lowcode.section.more",
            ("specialties", "trained_on", "certified_on", "certificate_expires_on", "active"),
        ),
    ),
    fields=(Field("specialties", "text", help="lowcode.mediators.specialties_help"),),
    pii=(("phone", "phone"),),
    pii_full="mediator.edit",
    icon=":material/diversity_3:",
    group="people",
)

USER_MANAGE = "user.manage"
USERS = AdminSpec(
    key="users",
    model=User,
    roles=Roles(view=USER_MANAGE, create=USER_MANAGE, edit=USER_MANAGE, export=USER_MANAGE),
    store=Store(
        users.RULES, create=users.create_row, update=users.update_row, set_active=users.set_active_row
    ),
    list_columns=(
        "username",
        "display_name",
        "role",
        "unit_id",
        "active",
        "locked_until",
        "last_login_at",
        "sessions",
    ),
    search_fields=("username", "display_name", "oidc_subject"),
    filters=("role", "unit_id", "active"),
    ordering=("username",),
    form=(
        Section(BASIC, ("username", "display_name", "role", "unit_id")),
        Section("lowcode.users.section.sign_in", ("password",), on="create"),
        Section("lowcode.users.section.sso", ("oidc_subject",)),
    ),
    fields=(
        Field("password", "password", help="auth.password_rules"),
        Field("sessions", "int"),
        Field("oidc_subject", "text", help="lowcode.users.oidc_help"),
    ),
    secret=("password_hash",),  # never read: not in the list, the form, a sheet or the selected row
    annotate=actions.live_sessions,
    display=(("locked_until", actions.lock_text),),
    row_actions=(
        RowAction(
            "reset_password",
            "auth.reset_password",
            USER_MANAGE,
            actions.reset_password,
            inputs=(
                Field("new_password", "password", True, help="auth.password_rules"),
                Field("again", "password", True),
            ),
            icon=":material/password:",
        ),
        RowAction(
            "unlock",
            "auth.unlock",
            USER_MANAGE,
            actions.unlock,
            when=actions.is_locked,
            icon=":material/lock_open:",
        ),
        RowAction(
            "end_sessions",
            "session.end_all",
            USER_MANAGE,
            actions.end_sessions,
            when=actions.has_sessions,
            confirm="session.end_all_help",
            icon=":material/logout:",
        ),
    ),
    label=("display_name",),
    icon=":material/group:",
    group="people",
)

REGISTRY = Registry(
    [STREETS, COMMUNITIES, GRIDS, UNITS, SUBJECTS, RESPONSIBILITY, HOLIDAYS, SETTINGS, MEDIATORS, USERS]
)
GROUPS = ("places", "units", "calendar", "people")
PICKER_EXCLUDES = ("users",)  # the users table is its own page (pages/users.py), with the API tokens


def picker(user) -> list[AdminSpec]:
    """Return the tables of the reference-data page this user may open."""
    return [s for s in REGISTRY.visible(user) if s.key not in PICKER_EXCLUDES]
