"""The one write path of a table an administrator maintains: permission, the model's schema and the table's
own checks (each message next to its field), a stale version refused with who changed the row and when, the
change, its consequences, one audit event and one commit. Imports go through the same checks, all or nothing.

A wing describes its table once with `Rules` (core.platform.rules; core/places/editing.py,
core/calendar/holidays.py, ...) and offers these functions with those rules; lowcode/ calls them and never writes itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from functools import cache
from typing import Any

import pydantic
import sqlalchemy as sa
from sqlmodel import Session, SQLModel

from core.accounts import audit, permissions
from core.platform import timeutil
from core.platform.errors import NotFound, StaleVersion, ValidationError
from core.platform.rules import REFERENCE_CAP, Change, Rules, forget_rows
from core.platform.validation import has_control_chars
from i18n import t
from i18n.format import fmt_datetime, fmt_int
from models import CaseEvent, User, metadata

AUDIT_KEYS = 200  # natural keys an import's audit event lists


@dataclass
class Result:
    """A saved row and what its consequences report (e.g. {"cases_recomputed": 12})."""

    row: Any
    details: dict = field(default_factory=dict)


@dataclass(frozen=True)
class RowError:
    """One bad cell or row of an import: the sheet's row number, the field and why."""

    row: int
    field: str
    message: str


@dataclass
class ImportReport:
    """What an import did or, in a dry run, would do."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    details: dict = field(default_factory=dict)
    committed: bool = False
    outcomes: dict[int, str] = field(default_factory=dict)  # row number -> created | updated | unchanged

    def count(self, outcome: str, rows: int) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)
        self.outcomes[rows] = outcome

    def recount(self, leave_out: set[int]) -> None:
        """Count again without the rows in `leave_out` (rows a sheet could not even read)."""
        self.outcomes = {n: o for n, o in self.outcomes.items() if n not in leave_out}
        for outcome in ("created", "updated", "unchanged"):
            setattr(self, outcome, sum(1 for o in self.outcomes.values() if o == outcome))


# --- the schema ---------------------------------------------------------------------------------------


@cache
def schema(model: type[SQLModel]) -> type[pydantic.BaseModel]:
    """Return a plain pydantic model with the table model's fields (table models skip validation)."""
    fields = {name: (info.annotation, info) for name, info in model.model_fields.items()}
    return pydantic.create_model(f"{model.__name__}Check", **fields)


def _message(error: dict) -> str:
    """Return the user's message for one pydantic error."""
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind in {"missing", "string_too_short"}:
        return t("records.error.required")
    if kind == "string_too_long":
        return t("records.error.too_long", max=ctx.get("max_length"))
    if kind == "string_pattern_mismatch":
        return t("records.error.pattern")
    if kind in {"int_parsing", "int_type", "int_from_float", "float_parsing", "float_type"}:
        return t("records.error.number")
    if kind in {"greater_than_equal", "greater_than"}:
        return t("records.error.min", min=ctx.get("ge", ctx.get("gt")))
    if kind in {"less_than_equal", "less_than"}:
        return t("records.error.max", max=ctx.get("le", ctx.get("lt")))
    if kind.startswith("date") or kind.startswith("datetime"):
        return t("records.error.date")
    if kind == "enum":
        return t("records.error.choice")
    if kind.startswith("bool"):
        return t("records.error.bool")
    return t("records.error.invalid")


def _schema_errors(model: type[SQLModel], values: dict) -> tuple[dict, dict[str, str]]:
    """Return the values as the schema types them, and the message of each field it refuses."""
    try:
        checked = schema(model).model_validate(values)
    except pydantic.ValidationError as exc:
        errors: dict[str, str] = {}
        for error in exc.errors():
            errors.setdefault(str(error["loc"][0]) if error["loc"] else "_form", _message(error))
        return values, errors
    return {name: getattr(checked, name) for name in values}, {}


# --- what a check needs to know about the database -----------------------------------------------------


def _foreign_keys(model: type[SQLModel], names: Iterable[str]) -> dict[str, sa.Table]:
    """Return field -> referred table of the fields that are foreign keys."""
    out = {}
    for name in names:
        column = model.__table__.c.get(name)
        for fk in column.foreign_keys if column is not None else ():
            out[name] = fk.column.table
    return out


def _unique_columns(model: type[SQLModel], rules: Rules) -> list[tuple[str, ...]]:
    """Return the column groups that must be unique: the natural key and every unique column or constraint."""
    groups = [rules.natural_key]
    table = model.__table__
    groups += [(c.name,) for c in table.columns if c.unique]
    groups += [
        tuple(c.name for c in u.columns) for u in table.constraints if isinstance(u, sa.UniqueConstraint)
    ]
    return [g for g in dict.fromkeys(groups) if g]


class _Lookups:
    """Answers "does this row exist" and "who holds this value" with one query each (a form's save)."""

    def __init__(self, session: Session, rules: Rules):
        self.session, self.rules = session, rules

    def exists(self, table: sa.Table, value) -> bool:
        (pk,) = table.primary_key.columns
        return self.session.execute(sa.select(pk).where(pk == value)).first() is not None

    def holder(self, group: tuple[str, ...], values: dict):
        table = self.rules.table
        where = [
            table.c[name].is_(None) if values[name] is None else table.c[name] == values[name]
            for name in group
        ]
        found = self.session.execute(sa.select(table.c[self.rules.pk]).where(*where).limit(1)).first()
        return found[0] if found else None


class _Preloaded(_Lookups):
    """The same answers from sets and maps read once, so a 100,000-row import runs no query per row."""

    def __init__(self, session: Session, rules: Rules, groups: list[tuple[str, ...]]):
        super().__init__(session, rules)
        self._ids: dict[str, set] = {}
        table, pk = rules.table, rules.pk
        self._holders = {g: {} for g in groups}
        columns = [table.c[pk], *{table.c[n] for g in groups for n in g}]
        for row in session.execute(sa.select(*columns)).mappings():
            for group, held in self._holders.items():
                held.setdefault(tuple(row[n] for n in group), row[pk])

    def exists(self, table: sa.Table, value) -> bool:
        if table.name not in self._ids:
            (pk,) = table.primary_key.columns
            self._ids[table.name] = set(self.session.execute(sa.select(pk)).scalars())
        return value in self._ids[table.name]

    def holder(self, group: tuple[str, ...], values: dict):
        return self._holders[group].get(tuple(values[n] for n in group))

    def claim(self, group: tuple[str, ...], values: dict, pk) -> None:
        """Record that a row of this import holds these values (the next row may not)."""
        self._holders[group].setdefault(tuple(values[n] for n in group), pk)


def _normalise(rules: Rules, values: dict) -> dict:
    """Strip texts (an empty text is no value where the column may be empty), then the table's own forms."""
    model, out = rules.model, {}
    for name, value in values.items():
        if isinstance(value, str):
            value = value.strip()
            column = model.__table__.c.get(name)
            if value == "" and column is not None and column.nullable:
                value = None
        out[name] = value
    return rules.normalise(out) if rules.normalise else out


@dataclass(frozen=True)
class _Shape:
    """What the checks of one table need to know about its columns, worked out once (imports check per row)."""

    links: frozenset[str]
    required: frozenset[str]  # columns that may not be empty
    multiline: frozenset[str]
    targets: dict  # foreign-key field -> referred table
    link_targets: dict  # link name -> referred table
    unique: tuple[tuple[str, ...], ...]


@cache
def _shape(rules: Rules) -> _Shape:
    table = rules.table
    columns = [table.c[n] for n in rules.fields if n in table.c]
    return _Shape(
        links=frozenset(link.name for link in rules.links),
        required=frozenset(c.name for c in columns if not c.nullable),
        multiline=frozenset(c.name for c in columns if _multiline(c)),
        targets=_foreign_keys(rules.model, [c.name for c in columns]),
        link_targets={link.name: _foreign_keys(link.model, [link.other])[link.other] for link in rules.links},
        unique=tuple(_unique_columns(rules.model, rules)),
    )


def _check(session: Session, rules: Rules, lookups: _Lookups, values: dict, pk, current: dict | None):
    """Return the values after the change as the schema types them, and every field's message."""
    shape, errors = _shape(rules), {}
    for name in rules.create_only:
        if current is not None and name in values and values[name] != current.get(name):
            errors[name] = t("records.error.create_only")
    plain = {k: v for k, v in values.items() if k not in shape.links}
    for name, value in plain.items():
        if value in (None, "") and name in shape.required:
            errors.setdefault(name, t("records.error.required"))
        elif isinstance(value, str) and has_control_chars(value, multiline=name in shape.multiline):
            errors.setdefault(name, t("records.error.control_chars"))
    merged = {k: v for k, v in {**(current or {}), **plain}.items() if k not in errors}
    typed, schema_errors = _schema_errors(rules.model, merged)
    errors = {**schema_errors, **errors}
    for name, table in shape.targets.items():
        known = name not in plain or name in errors or typed.get(name) is None
        if not known and not lookups.exists(table, typed[name]):
            errors[name] = t("records.error.missing_target")
    for name, target in shape.link_targets.items():
        if any(not lookups.exists(target, v) for v in values.get(name) or ()):
            errors[name] = t("records.error.missing_target")
    for group in shape.unique:
        if any(n in errors or n not in typed for n in group):
            continue
        holder = lookups.holder(group, typed)
        if holder is not None and holder != pk:
            errors[group[-1]] = t("records.error.taken")
    if rules.check and not errors:
        errors.update(
            rules.check(session, {**typed, **{k: v for k, v in values.items() if k in shape.links}}, pk)
        )
    return typed, errors


def _multiline(column) -> bool:
    """A text column longer than a line (Text, or over 200 characters) may hold line breaks and tabs."""
    kind = getattr(column, "type", None)
    return isinstance(kind, sa.Text) or (getattr(kind, "length", None) or 0) > 200


def _raise(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(t("records.form_has_errors"), errors=errors)


# --- reading one row, and who changed it ---------------------------------------------------------------


def _get(session: Session, rules: Rules, pk):
    row = session.get(rules.model, pk, populate_existing=True)
    if row is None:
        raise NotFound(t("error.not_found"))
    return row


def _values(rules: Rules, row) -> dict:
    return {name: getattr(row, name) for name in rules.fields if not rules.link(name)}


def linked(session: Session, rules: Rules, pk) -> dict[str, list]:
    """Return the many-to-many fields of one row: {name: [ids]}."""
    out = {}
    for link in rules.links:
        own, other = link.model.__table__.c[link.own], link.model.__table__.c[link.other]
        out[link.name] = list(session.execute(sa.select(other).where(own == pk).order_by(other)).scalars())
    return out


def _audit_id(rules: Rules, pk) -> int | None:
    if rules.audit_id:
        return rules.audit_id(pk)
    return pk if isinstance(pk, int) else None


def last_change(
    session: Session, rules: Rules, pk, actions: Iterable[str] | None = None
) -> tuple[str | None, datetime | None]:
    """Return who last changed the row and when, from the audit log (or the row's own updated_* columns).

    `actions` limits it to the audit actions that change the row (a user's sign-in is audited on his row too).
    """
    object_id = _audit_id(rules, pk)
    if object_id is not None:
        stmt = (
            sa.select(CaseEvent.actor_name, CaseEvent.at)
            .where(CaseEvent.object_type == rules.kind, CaseEvent.object_id == object_id)
            .order_by(CaseEvent.at.desc(), CaseEvent.id.desc())
            .limit(1)
        )
        if actions is not None:
            stmt = stmt.where(CaseEvent.action.in_(list(actions)))
        found = session.execute(stmt).first()
        if found:
            return found[0], found[1]
    row = session.get(rules.model, pk)
    by = getattr(row, "updated_by_id", None)
    user = session.get(User, by) if by else None
    return (user.display_name if user else None), getattr(row, "updated_at", None)


def stale(session: Session, rules: Rules, pk, actions: Iterable[str] | None = None) -> StaleVersion:
    """Return the error of a stale save: "changed by X at T, reload"."""
    who, when = last_change(session, rules, pk, actions)
    message = t("records.stale", who=who or t("records.someone"), when=fmt_datetime(when) if when else "—")
    return StaleVersion(message, changed_by=who, changed_at=when)


# --- single saves ----------------------------------------------------------------------------------------


def _write_links(session: Session, rules: Rules, pk, values: dict) -> None:
    for link in rules.links:
        if link.name not in values:
            continue
        table = link.model.__table__
        session.execute(sa.delete(table).where(table.c[link.own] == pk))
        ids = list(dict.fromkeys(values[link.name] or ()))
        if ids:
            session.execute(sa.insert(table), [{link.own: pk, link.other: i} for i in ids])


def _finish(session: Session, actor: User | None, rules: Rules, change: Change, pk, note=None) -> dict:
    """Run the consequences, append the one audit event and commit; return the consequences' details."""
    session.flush()
    details = (rules.changed(session, actor, change) if rules.changed else None) or {}
    after = {**(change.after or {}), **details} or None
    audit.record(
        session,
        actor,
        f"{rules.kind}.{change.kind}",
        object_type=rules.kind,
        object_id=_audit_id(rules, pk) if pk is not None else None,
        before=change.before or None,
        after=after,
        note=note,
    )
    session.commit()
    return details


def _stamped(rules: Rules, actor: User | None, changes: dict) -> dict:
    """Add the row's own updated_at/updated_by_id where the table keeps them (settings)."""
    columns = rules.table.c
    if "updated_at" in columns:
        changes = {**changes, "updated_at": timeutil.now()}
    if "updated_by_id" in columns:
        changes = {**changes, "updated_by_id": actor.id if actor else None}
    return changes


def _plain(values: dict) -> dict:
    return {k: v.value if isinstance(v, Enum) else v for k, v in values.items()}


def create(session: Session, actor: User | None, rules: Rules, values: dict) -> Result:
    """Check and add one row; return it with what its consequences report."""
    permissions.require(actor, rules.permission)
    forget_rows(session)
    values = _normalise(rules, values)
    typed, errors = _check(session, rules, _Lookups(session, rules), values, None, None)
    _raise(errors)
    try:
        row = rules.model(**_stamped(rules, actor, typed))
        session.add(row)
        session.flush()
        pk = getattr(row, rules.pk)
        _write_links(session, rules, pk, values)
        after = {**_plain(typed), **{n: values[n] for n in values if rules.link(n)}}
        details = _finish(session, actor, rules, Change("create", (pk,), None, after), pk)
    except BaseException:
        session.rollback()
        raise
    return Result(_get(session, rules, pk), details)


def _write_row(session: Session, actor: User | None, rules: Rules, row, version: int, changes: dict) -> None:
    """UPDATE … WHERE version = :seen, so a save that lost a race is refused on SQLite too."""
    table, pk = rules.table, getattr(row, rules.pk)
    done = session.execute(
        sa.update(table)
        .where(table.c[rules.pk] == pk, table.c.version == version)
        .values(**_stamped(rules, actor, changes), version=version + 1)
    )
    if done.rowcount != 1:  # someone saved between our read and this write
        session.rollback()
        raise stale(session, rules, pk)
    session.expire(row)  # the UPDATE went around the ORM: what the consequences read must be the new row


def update(session: Session, actor: User | None, rules: Rules, pk, version: int, values: dict) -> Result:
    """Check and change one row seen at `version`; refused with who changed it since, and when."""
    permissions.require(actor, rules.permission)
    forget_rows(session)
    row = _get(session, rules, pk)
    if row.version != version:
        raise stale(session, rules, pk)
    values = _normalise(rules, values)
    current = _values(rules, row)
    typed, errors = _check(session, rules, _Lookups(session, rules), values, pk, current)
    _raise(errors)
    old_links = linked(session, rules, pk)
    before = {**_plain(current), **old_links}
    changes = {k: v for k, v in typed.items() if k in rules.fields and v != current.get(k)}
    try:
        _write_row(session, actor, rules, row, version, changes)
        _write_links(session, rules, pk, values)
        new_links = {n: values[n] for n in values if rules.link(n)}
        old, new = audit.diff(before, {**before, **_plain(changes), **new_links})
        details = _finish(session, actor, rules, Change("update", (pk,), old, new), pk)
    except BaseException:
        session.rollback()
        raise
    return Result(_get(session, rules, pk), details)


def set_active(session: Session, actor: User | None, rules: Rules, pk, version: int, active: bool) -> Result:
    """Deactivate (or reactivate) a row that history depends on, instead of deleting it."""
    permissions.require(actor, rules.permission)
    forget_rows(session)
    row = _get(session, rules, pk)
    if row.version != version:
        raise stale(session, rules, pk)
    if bool(row.active) == active:
        return Result(row)
    try:
        _write_row(session, actor, rules, row, version, {"active": active})
        kind = "activate" if active else "deactivate"
        change = Change(kind, (pk,), {"active": not active}, {"active": active})
        details = _finish(session, actor, rules, change, pk)
    except BaseException:
        session.rollback()
        raise
    return Result(_get(session, rules, pk), details)


def references(session: Session, rules: Rules, pk) -> list[tuple[str, int]]:
    """Return (table, rows) of everything that still points at the row, its own link rows left out."""
    own_links = {link.model.__tablename__ for link in rules.links}
    out = []
    for table in metadata.sorted_tables:
        if table.name in own_links:
            continue
        for fk in table.foreign_keys:
            if fk.column.table is not rules.table:
                continue
            hits = sa.select(sa.literal(1)).where(fk.parent == pk).limit(REFERENCE_CAP + 1).subquery()
            n = session.execute(sa.select(sa.func.count()).select_from(hits)).scalar_one()
            if n:
                out.append((table.name, n))
    if rules.referenced_by:
        out += rules.referenced_by(session, pk)
    merged: dict[str, int] = {}
    for name, n in out:
        merged[name] = merged.get(name, 0) + n
    return list(merged.items())


def _references_message(refs: list[tuple[str, int]], can_deactivate: bool) -> str:
    def count(n: int) -> str:
        return t("records.more_than", n=fmt_int(REFERENCE_CAP)) if n > REFERENCE_CAP else fmt_int(n)

    listed = t("records.list_sep").join(
        t("records.reference", table=t(f"table.{name}"), n=count(n)) for name, n in refs
    )
    key = "records.delete_referenced_deactivate" if can_deactivate else "records.delete_referenced"
    return t(key, refs=listed)


def delete(session: Session, actor: User | None, rules: Rules, pk, version: int) -> Result:
    """Delete a row nothing points at; refused with what still does (deactivate it instead where it can)."""
    permissions.require(actor, rules.permission)
    forget_rows(session)
    row = _get(session, rules, pk)
    if row.version != version:
        raise stale(session, rules, pk)
    refs = references(session, rules, pk)
    if refs:
        message = _references_message(refs, "active" in rules.model.model_fields)
        raise ValidationError(message, errors={"_form": message})
    before = {**_plain(_values(rules, row)), **linked(session, rules, pk)}
    try:
        for link in rules.links:
            table = link.model.__table__
            session.execute(sa.delete(table).where(table.c[link.own] == pk))
        session.delete(row)
        details = _finish(session, actor, rules, Change("delete", (pk,), before, None), pk)
    except BaseException:
        session.rollback()
        raise
    return Result(None, details)


def record_export(
    session: Session, actor: User | None, kind: str, permission: str, rows: int, query: dict
) -> None:
    """Check that the user may export the table, and audit what he took (rows and the list's filter)."""
    permissions.require(actor, permission)
    audit.record(
        session, actor, f"{kind}.export", object_type=kind, after={"rows": rows, "filter": query or None}
    )
    session.commit()


# --- imports ------------------------------------------------------------------------------------------------


def _key_text(rules: Rules, values: dict) -> str:
    return " / ".join(str(getattr(values.get(n), "value", values.get(n))) for n in rules.natural_key)


@dataclass
class _Plan:
    inserts: list[dict] = field(default_factory=list)
    updates: list[tuple[Any, int, dict]] = field(default_factory=list)  # (pk, version, changes)
    links: dict = field(default_factory=dict)  # pk or insert index -> {link: ids}
    keys: list[str] = field(default_factory=list)


def _existing(session: Session, rules: Rules) -> dict[tuple, dict]:
    """Return natural key -> the row's pk, version and writable values, read in one query."""
    table = rules.table
    names = [n for n in rules.fields if not rules.link(n)]
    columns = [table.c[rules.pk], table.c.version, *(table.c[n] for n in names if n != rules.pk)]
    rows = session.execute(sa.select(*columns)).mappings()
    return {tuple(r[n] for n in rules.natural_key): dict(r) for r in rows}


def _existing_links(session: Session, rules: Rules) -> dict[str, dict]:
    out = {}
    for link in rules.links:
        table = link.model.__table__
        grouped: dict = {}
        for own, other in session.execute(
            sa.select(table.c[link.own], table.c[link.other]).order_by(table.c[link.other])
        ):
            grouped.setdefault(own, []).append(other)
        out[link.name] = grouped
    return out


@cache
def _adapter(model: type[SQLModel], name: str) -> pydantic.TypeAdapter:
    return pydantic.TypeAdapter(model.model_fields[name].annotation)


def _natural_key(rules: Rules, values: dict) -> tuple:
    """Return the row's natural key typed as the table stores it (raw where it does not parse)."""
    out = []
    for name in rules.natural_key:
        try:
            out.append(_adapter(rules.model, name).validate_python(values.get(name)))
        except pydantic.ValidationError:
            out.append(values.get(name))
    return tuple(out)


def _plan(session: Session, rules: Rules, rows: Sequence[tuple[int, dict]], report: ImportReport) -> _Plan:
    """Check every row against the schema, the table's rules and the rows before it; plan the writes."""
    groups = list(_shape(rules).unique)
    lookups = _Preloaded(session, rules, groups)
    existing, links = _existing(session, rules), _existing_links(session, rules)
    plan, seen = _Plan(), {}
    for number, raw in rows:
        values = _normalise(rules, raw)
        key = _natural_key(rules, values)
        if key in seen:
            report.errors.append(
                RowError(number, rules.natural_key[-1], t("records.error.duplicate_row", row=seen[key]))
            )
            continue
        seen[key] = number
        old = existing.get(key)
        pk = old[rules.pk] if old else None
        current = {n: old[n] for n in rules.fields if n in old} if old else None
        typed, errors = _check(session, rules, lookups, values, pk, current)
        if errors:
            report.errors += [RowError(number, name, message) for name, message in errors.items()]
            continue
        for group in groups:
            lookups.claim(group, typed, pk if pk is not None else ("new", number))
        new_links = {n: sorted(dict.fromkeys(values[n] or ())) for n in values if rules.link(n)}
        if old is None:
            report.count("created", number)
            plan.links[len(plan.inserts)] = new_links
            plan.inserts.append({k: v for k, v in typed.items() if k in rules.fields})
            plan.keys.append(_key_text(rules, typed))
            continue
        changes = {k: v for k, v in typed.items() if k in rules.fields and v != old.get(k)}
        moved = {n: ids for n, ids in new_links.items() if ids != links[n].get(pk, [])}
        if not changes and not moved:
            report.count("unchanged", number)
            continue
        report.count("updated", number)
        plan.updates.append((pk, old["version"], changes))
        if moved:
            plan.links[("pk", pk)] = moved
        plan.keys.append(_key_text(rules, typed))
    return plan


def _apply(session: Session, actor: User | None, rules: Rules, plan: _Plan) -> list:
    """Write the planned rows in bulk; return the pks of the rows it wrote."""
    table, pk = rules.table, rules.pk
    new_pks: list = []
    if plan.inserts:
        defaults = schema(rules.model)
        rows = [
            _stamped(rules, actor, {**defaults.model_validate(r).model_dump(exclude={pk}), **r})
            for r in plan.inserts
        ]
        stmt = sa.insert(table).returning(table.c[pk], sort_by_parameter_order=True)
        new_pks = list(session.execute(stmt, rows).scalars())
    by_shape: dict[tuple, list] = {}
    for row_pk, version, changes in plan.updates:
        by_shape.setdefault(tuple(sorted(changes)), []).append((row_pk, version, changes))
    for names, items in by_shape.items():
        stmt = sa.update(table).where(
            table.c[pk] == sa.bindparam("b_pk"), table.c.version == sa.bindparam("b_version")
        )
        stamps = _stamped(rules, actor, {})
        stmt = stmt.values(
            {**{n: sa.bindparam(f"b_{n}") for n in names}, **stamps, "version": table.c.version + 1}
        )
        params = [{"b_pk": p, "b_version": v, **{f"b_{n}": c[n] for n in names}} for p, v, c in items]
        if session.execute(stmt, params).rowcount != len(params):
            raise StaleVersion(t("records.import_stale"))
    for where, moved in plan.links.items():
        row_pk = where[1] if isinstance(where, tuple) else new_pks[where]
        _write_links(session, rules, row_pk, moved)
    return new_pks + [p for p, _, _ in plan.updates]


def import_rows(
    session: Session, actor: User | None, rules: Rules, rows: Sequence[tuple[int, dict]], *, commit: bool
) -> ImportReport:
    """Check every row (a dry run lists each bad one); with `commit`, upsert them all by natural key or none.

    `rows` are (row number in the sheet, values). A row equal to the table's changes nothing, so importing
    the same file twice leaves the table as it was.
    """
    permissions.require(actor, rules.permission)
    forget_rows(session)
    report = ImportReport()
    plan = _plan(session, rules, rows, report)
    if not commit or report.errors or not (plan.inserts or plan.updates):
        session.rollback()
        return report
    try:
        pks = _apply(session, actor, rules, plan)
        session.expire_all()  # bulk writes went around the ORM
        after = {"created": report.created, "updated": report.updated, "unchanged": report.unchanged}
        change = Change("import", tuple(pks), None, {**after, "keys": plan.keys[:AUDIT_KEYS]})
        report.details = _finish(session, actor, rules, change, None)
    except BaseException:
        session.rollback()
        raise
    report.committed = True
    return report
