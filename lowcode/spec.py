"""The declaration of one generated admin table (`AdminSpec`), and the fields derived from its model.

A spec is mostly data, as a Django ModelAdmin is: which columns the list shows, what the search box looks
in, which filters, the order, the page size, the read-only fields, the form's sections, the action of
core.accounts.permissions each operation needs, how a foreign key to the table is shown, the row actions
and the personal data to mask. lowcode/checks.py validates every spec at start with stable error ids.
A spec imports core and models, never streamlit; lowcode/ui.py draws it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import Enum
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, SQLModel

from core.accounts import records
from core.platform.rules import primary_key
from i18n import catalog, get_language, t

KINDS = (
    "text",
    "longtext",
    "int",
    "float",
    "date",
    "datetime",
    "enum",
    "bool",
    "fk",
    "m2m",
    "password",
    "json",
)
LONG_TEXT = 200  # a text column longer than this gets a text area
SEPARATOR = " › "  # between the parts of a label: 观音桥街道 › 建新北路社区 › 第1网格


@dataclass(frozen=True)
class Field:
    """One field as lists, forms and sheets show it; derived from the model's column unless declared."""

    name: str
    kind: str  # one of KINDS
    required: bool = False
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()  # an enum's values, in the enum's order
    enum: str = ""  # the i18n.label kind of the values ("unit_kind")
    target: str = ""  # the spec key of the table a foreign key or many-to-many names
    unit: str = ""  # catalog key of the unit after a number ("lowcode.unit.days")
    help: str = ""  # catalog key of a hint under the field


@dataclass(frozen=True)
class Section:
    """A titled group of form fields; `on` limits it to the create or the edit form."""

    title: str  # catalog key
    fields: tuple[str, ...]
    on: str = "both"  # both | create | edit


@dataclass(frozen=True)
class Roles:
    """The action of core.accounts.permissions each operation needs; None leaves the operation out."""

    view: str
    create: str | None = None
    edit: str | None = None
    delete: str | None = None
    export: str | None = None
    import_: str | None = None

    def of(self, operation: str) -> str | None:
        return getattr(self, "import_" if operation == "import" else operation)


@dataclass(frozen=True)
class RowAction:
    """A button on the selected row that calls one core function, e.g. reset a user's password.

    `run(session, actor, pk, inputs)` returns the message to show; `when(row)` hides the button where it
    makes no sense (unlock only a locked user).
    """

    name: str
    label: str  # catalog key
    permission: str
    run: Callable[[Session, Any, Any, dict], str]
    inputs: tuple[Field, ...] = ()
    when: Callable[[dict], bool] | None = None
    confirm: str = ""  # catalog key of the question asked before running
    icon: str = ":material/bolt:"


@dataclass(frozen=True)
class TableAction:
    """A button above the list that calls one core function for the whole table, e.g. add next year's holidays."""

    name: str
    label: str
    permission: str
    run: Callable[[Session, Any, dict], str]
    inputs: tuple[Field, ...] = ()
    prefill: Callable[[Session], dict] | None = None  # the inputs' starting values
    icon: str = ":material/bolt:"


@dataclass(frozen=True)
class Store:
    """The core functions that write the table, each one permission check, validation, audit event, commit.

    By default they are core.accounts.records' with the table's rules; a table whose saves have other
    consequences names its own (users: core.accounts.users).
    """

    rules: records.Rules | None = None
    create: Callable | None = None  # (session, actor, values) -> records.Result
    update: Callable | None = None  # (session, actor, pk, version, values) -> records.Result
    delete: Callable | None = None  # (session, actor, pk, version) -> records.Result
    set_active: Callable | None = None  # (session, actor, pk, version, active) -> records.Result
    import_rows: Callable | None = None  # (session, actor, rows, commit=) -> records.ImportReport

    def call(self, operation: str, *args, **kwargs):
        """Run one operation through the declared function, or records' with the rules."""
        own = getattr(self, operation)
        if own is not None:
            return own(*args, **kwargs)
        session, actor, *rest = args
        return getattr(records, operation)(session, actor, self.rules, *rest, **kwargs)


@dataclass(frozen=True)
class AdminSpec:
    """One generated table: list, search, filters, forms, row actions, import and export."""

    key: str  # the URL's ?table= and the catalog prefix lowcode.<key>
    model: type[SQLModel]
    roles: Roles
    list_columns: tuple[str, ...]
    store: Store = Store()
    search_fields: tuple[str, ...] = ()  # texts, or paths through foreign keys: "community.name"
    filters: tuple[str, ...] = ()  # enum, bool and foreign-key fields, or paths: "community.street_id"
    ordering: tuple[str, ...] = ()  # "-day" sorts down; the primary key breaks ties
    page_size: int = 50
    readonly_fields: tuple[str, ...] = ()  # shown in the form, never written by it
    form: tuple[Section, ...] = ()
    label: tuple[str, ...] = ("name",)  # how a foreign key to this table shows a row, parts joined by " › "
    label_en: tuple[str, ...] = ()  # the same in English, where a column holds the English name
    pii: tuple[tuple[str, str], ...] = ()  # (field, mask kind: phone | id_number)
    pii_full: str = "pii.view"  # who sees personal data unmasked
    row_actions: tuple[RowAction, ...] = ()
    table_actions: tuple[TableAction, ...] = ()
    fields: tuple[Field, ...] = ()  # declared fields: overrides of derived ones, many-to-many, passwords
    scope: Callable[[Any, Any], Any] | None = None  # (select, user) -> select narrowed to the user's rows
    secret: tuple[str, ...] = ()  # columns never read by a list, a form or a sheet (a password's hash)
    # (session, rows) -> None: adds computed values to a page's rows in one query (a user's live sessions)
    annotate: Callable[[Session, list[dict]], None] | None = None
    display: tuple[tuple[str, Callable[[dict], str]], ...] = ()  # computed text of a list column
    form_fields: Callable[[dict], tuple[Field, ...]] | None = None  # a row's own form (settings)
    initial: Callable[[dict], dict] | None = None  # a row's values for its own form
    group: str = "places"  # the section of the table picker
    icon: str = ":material/table:"

    def __repr__(self) -> str:
        return f"AdminSpec({self.model.__name__})"

    @property
    def rules(self) -> records.Rules | None:
        return self.store.rules

    @property
    def pk(self) -> str:
        return primary_key(self.model)

    @property
    def has_active(self) -> bool:
        return "active" in self.model.__table__.c

    def writable(self) -> tuple[str, ...]:
        """Return the fields a form or a sheet writes: the rules' fields less the read-only ones."""
        names = self.rules.fields if self.rules else tuple(f for s in self.form for f in s.fields)
        return tuple(n for n in names if n not in self.readonly_fields)

    def natural_key(self) -> tuple[str, ...]:
        return self.rules.natural_key if self.rules else (self.pk,)


# --- models, columns and paths --------------------------------------------------------------------------


@cache
def models_by_table() -> dict[str, type[SQLModel]]:
    """Return table name -> SQLModel class of every table model."""
    return {
        m.class_.__table__.name: m.class_
        for m in SQLModel._sa_registry.mappers
        if isinstance(getattr(m.class_, "__table__", None), sa.Table)
    }


def fk_target(model: type[SQLModel], column: str) -> type[SQLModel] | None:
    """Return the model a foreign-key column refers to, or None."""
    col = model.__table__.c.get(column)
    for fk in col.foreign_keys if col is not None else ():
        return models_by_table()[fk.column.table.name]
    return None


@dataclass(frozen=True)
class Path:
    """A column reached from a model through foreign keys: "community.street_id" on Grid."""

    steps: tuple[tuple[type[SQLModel], str, type[SQLModel]], ...]  # (from model, fk column, to model)
    model: type[SQLModel]  # the model holding the final column
    column: str


def resolve(model: type[SQLModel], path: str) -> Path | None:
    """Return the path's steps, or None when a part names nothing ("community" means community_id)."""
    *hops, last = path.split(".")
    steps, here = [], model
    for hop in hops:
        target = fk_target(here, f"{hop}_id")
        if target is None:
            return None
        steps.append((here, f"{hop}_id", target))
        here = target
    if last not in here.__table__.c:
        return None
    return Path(tuple(steps), here, last)


def snake(name: str) -> str:
    """Return CamelCase as snake_case: UnitKind -> unit_kind."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _bounds(model: type[SQLModel], name: str) -> tuple[float | None, float | None, int | None]:
    info = model.model_fields.get(name)
    low = high = length = None
    for meta in getattr(info, "metadata", ()):
        low = getattr(meta, "ge", None) if getattr(meta, "ge", None) is not None else low
        high = getattr(meta, "le", None) if getattr(meta, "le", None) is not None else high
        length = getattr(meta, "max_length", None) or length
    return low, high, length


def derive(model: type[SQLModel], name: str, specs_by_table: dict[str, str]) -> Field | None:
    """Return the field a model column implies (its kind, limits, choices, target), or None."""
    column = model.__table__.c.get(name)
    if column is None:
        return None
    info = model.model_fields.get(name)
    required = not column.nullable and (info is None or info.is_required())
    low, high, length = _bounds(model, name)
    kind_of = column.type.impl if isinstance(column.type, sa.types.TypeDecorator) else column.type
    target = fk_target(model, name)
    if target is not None:
        return Field(name, "fk", required, target=specs_by_table.get(target.__tablename__, ""))
    if isinstance(kind_of, sa.Enum) and kind_of.enum_class is not None:
        values = tuple(m.value for m in kind_of.enum_class)
        return Field(name, "enum", required, choices=values, enum=snake(kind_of.enum_class.__name__))
    if isinstance(kind_of, sa.Boolean):
        return Field(name, "bool")
    if isinstance(kind_of, sa.Integer):
        return Field(name, "int", required, minimum=low, maximum=high)
    if isinstance(kind_of, sa.Float | sa.Numeric):
        return Field(name, "float", required, minimum=low, maximum=high)
    if isinstance(kind_of, sa.DateTime):
        return Field(name, "datetime", required)
    if isinstance(kind_of, sa.Date):
        return Field(name, "date", required)
    if isinstance(kind_of, sa.JSON):
        return Field(name, "json")
    size = getattr(kind_of, "length", None) or length
    long = isinstance(kind_of, sa.Text) or (size or 0) > LONG_TEXT
    return Field(name, "longtext" if long else "text", required, max_length=length or size)


def fields_of(spec: AdminSpec, specs_by_table: dict[str, str]) -> dict[str, Field]:
    """Return every field of the spec: the model's columns as derived, with the declared ones over them."""
    out = {}
    for column in spec.model.__table__.columns:
        derived = derive(spec.model, column.name, specs_by_table)
        if derived is not None:
            out[column.name] = derived
    for declared in spec.fields:
        base = out.get(declared.name)
        out[declared.name] = _overlay(base, declared) if base else declared
    return out


def _overlay(base: Field, declared: Field) -> Field:
    """Return the derived field with what the declaration sets (its kind and any non-empty option)."""
    changes = {
        f: getattr(declared, f)
        for f in (
            "kind",
            "required",
            "max_length",
            "minimum",
            "maximum",
            "choices",
            "enum",
            "target",
            "unit",
            "help",
        )
        if getattr(declared, f) not in (None, "", ())
    }
    return replace(base, **changes)


# --- labels -------------------------------------------------------------------------------------------------


def field_label(spec: AdminSpec, name: str, language: str | None = None) -> str:
    """Return a field's label: the table's own (lowcode.units.field.parent_id) or the shared one."""
    own = f"lowcode.{spec.key}.field.{name}"
    return t(own if own in catalog(language or get_language()) else f"lowcode.field.{name}", language)


def has_label(spec: AdminSpec, name: str) -> bool:
    """Return whether both catalogs label the field (the table's own key or the shared one)."""
    keys = (f"lowcode.{spec.key}.field.{name}", f"lowcode.field.{name}")
    return all(any(k in catalog(lang) for k in keys) for lang in ("zh_CN", "en"))


def title(spec: AdminSpec) -> str:
    return t(f"lowcode.{spec.key}.title")


def label_parts(spec: AdminSpec) -> tuple[str, ...]:
    """Return the label paths for the current language."""
    return spec.label_en if spec.label_en and get_language() == "en" else spec.label


def value_text(value: Any) -> Any:
    """Return an enum's value, anything else as it is."""
    return value.value if isinstance(value, Enum) else value


MASKS = ("phone", "id_number")  # the maskers of core.accounts.pii a pii column may name
