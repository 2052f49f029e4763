"""Start-up checks of every spec, each with a stable error id, so a typo fails at start, not at a user's click.

    lowcode.E003: AdminSpec(Unit).list_columns names 'nmae', which Unit does not have

The shell and the app's start run `run(REGISTRY)`; tests/lowcode/test_checks.py runs every spec and shows
that each error id fires. Ids never change meaning; a retired check leaves its id unused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.accounts import permissions
from i18n import catalog
from lowcode.query import MASKERS, MAX_PAGE_SIZE
from lowcode.registry import Registry
from lowcode.spec import KINDS, AdminSpec, resolve

PAGE_ACTION = "data.view"  # the page of the generated tables; every table's view roles must be within it
KEY = re.compile(r"^[a-z][a-z0-9_]*$")
FILTERABLE = {"enum", "bool", "fk", "date", "int"}
SEARCHABLE = {"text", "longtext"}
OPERATIONS = ("view", "create", "edit", "delete", "export", "import")
WRITES = ("create", "edit", "delete", "import")


class ImproperlyConfigured(Exception):
    """One or more specs are wrong; the message lists every error, one per line."""


@dataclass(frozen=True)
class CheckError:
    id: str  # lowcode.E003
    message: str

    def __str__(self) -> str:
        return f"{self.id}: {self.message}"


class _Checker:
    def __init__(self, registry: Registry, spec: AdminSpec):
        self.registry, self.spec, self.errors = registry, spec, []
        self.model = spec.model.__name__
        self.fields = registry.fields(spec)

    def error(self, number: int, option: str, text: str) -> None:
        self.errors.append(CheckError(f"lowcode.E{number:03d}", f"{self.spec!r}.{option} {text}"))

    def has(self, number: int, option: str, name: str, *, paths: bool = False) -> bool:
        """Check that `name` is a field (or, with `paths`, a path through foreign keys) of the model."""
        known = name in self.fields or (paths and "." in name and resolve(self.spec.model, name) is not None)
        if not known:
            self.error(number, option, f"names {name!r}, which {self.model} does not have")
        return known

    def run(self) -> list[CheckError]:
        for check in (
            self.key,
            self.columns,
            self.search,
            self.filters,
            self.ordering,
            self.readonly,
            self.form,
            self.roles,
            self.labels,
            self.foreign_keys,
            self.pii,
            self.page_size,
            self.texts,
            self.store,
            self.actions,
            self.secrets,
        ):
            check()
        return self.errors

    def key(self) -> None:
        if not KEY.match(self.spec.key):
            self.error(1, "key", f"is {self.spec.key!r}, not a lowercase identifier")
        if self.spec.key in self.registry.duplicates:
            self.error(2, "key", f"is {self.spec.key!r}, which another spec uses too")

    def columns(self) -> None:
        if not self.spec.list_columns:
            self.error(3, "list_columns", "is empty")
        for name in self.spec.list_columns:
            self.has(3, "list_columns", name)

    def search(self) -> None:
        for name in self.spec.search_fields:
            if self.has(4, "search_fields", name, paths=True):
                f = self.registry.field(self.spec, name)
                if f is None or f.kind not in SEARCHABLE:
                    self.error(5, "search_fields", f"names {name!r}, which is not a text")

    def filters(self) -> None:
        for name in self.spec.filters:
            if self.has(6, "filters", name, paths=True):
                f = self.registry.field(self.spec, name)
                if f is None or f.kind not in FILTERABLE:
                    kind = f.kind if f else "?"
                    self.error(7, "filters", f"names {name!r}, a {kind} field, which cannot be a filter")

    def ordering(self) -> None:
        for name in self.spec.ordering:
            self.has(8, "ordering", name.removeprefix("-"), paths=True)

    def readonly(self) -> None:
        for name in self.spec.readonly_fields:
            self.has(9, "readonly_fields", name)

    def form(self) -> None:
        seen: dict[str, str] = {}
        for section in self.spec.form:
            for name in section.fields:
                self.has(10, "form", name)
                if name in seen and section.on == seen[name] == "both":
                    self.error(10, "form", f"names {name!r} in two sections")
                seen[name] = section.on
            if section.on not in ("both", "create", "edit"):
                self.error(
                    10, "form", f"section {section.title!r} is on {section.on!r}, not both/create/edit"
                )
        if self.spec.rules and self.spec.form_fields is None and self.can_write():
            for name in self.spec.writable():
                if name not in seen:
                    self.error(11, "form", f"leaves out {name!r}, which the table's rules write")

    def can_write(self) -> bool:
        return any(self.spec.roles.of(op) for op in ("create", "edit"))

    def roles(self) -> None:
        page = permissions.PERMISSIONS[PAGE_ACTION]
        for op in OPERATIONS:
            action = self.spec.roles.of(op)
            if action is not None and action not in permissions.PERMISSIONS:
                self.error(
                    12,
                    f"roles.{op}",
                    f"names {action!r}, which is not an action of core.accounts.permissions",
                )
        view = permissions.PERMISSIONS.get(self.spec.roles.view, frozenset())
        if not view <= page:
            self.error(
                13,
                "roles.view",
                f"lets roles in that the {PAGE_ACTION!r} page keeps out: {sorted(r.value for r in view - page)}",
            )

    def labels(self) -> None:
        for part in (p for parts in (*self.spec.label, *self.spec.label_en) for p in parts.split("|")):
            if resolve(self.spec.model, part) is None:
                self.error(14, "label", f"names {part!r}, which {self.model} does not have")

    def foreign_keys(self) -> None:
        for name, f in self.fields.items():
            if f.kind in {"fk", "m2m"} and f.target not in self.registry.specs:
                shown = name in self.spec.list_columns or name in self.spec.writable()
                if shown:
                    self.error(
                        15, f"fields[{name!r}]", f"points at {f.target or 'a table'!r}, which no spec shows"
                    )
            if f.kind not in KINDS:
                self.error(15, f"fields[{name!r}]", f"has kind {f.kind!r}, not one of {', '.join(KINDS)}")

    def pii(self) -> None:
        for name, kind in self.spec.pii:
            self.has(16, "pii", name)
            if kind not in MASKERS:
                self.error(16, "pii", f"masks {name!r} as {kind!r}, which core.accounts.pii cannot mask")
        if self.spec.pii_full not in permissions.PERMISSIONS:
            self.error(16, "pii_full", f"names {self.spec.pii_full!r}, which is not an action")

    def page_size(self) -> None:
        if not 1 <= self.spec.page_size <= MAX_PAGE_SIZE:
            self.error(17, "page_size", f"is {self.spec.page_size}, not between 1 and {MAX_PAGE_SIZE}")

    def texts(self) -> None:
        zh, en = catalog("zh_CN"), catalog("en")
        if f"lowcode.{self.spec.key}.title" not in zh or f"lowcode.{self.spec.key}.title" not in en:
            self.error(18, "key", f"has no title lowcode.{self.spec.key}.title in both catalogs")
        shown = {
            *self.spec.list_columns,
            *self.spec.writable(),
            *self.spec.filters,
            *self.spec.readonly_fields,
        }
        for name in sorted(shown):
            if (name in self.fields or "." in name) and not self.registry.has_label(self.spec, name):
                self.error(
                    18, "fields", f"shows {name!r}, which has no label lowcode.field.{name} in both catalogs"
                )
        for name in sorted(shown):
            f = self.registry.field(self.spec, name)
            if f is not None and f.kind == "enum":
                missing = [
                    v for v in f.choices if f"enum.{f.enum}.{v}" not in zh or f"enum.{f.enum}.{v}" not in en
                ]
                if missing:
                    self.error(
                        19, f"fields[{name!r}]", f"has values without a label enum.{f.enum}.*: {missing}"
                    )

    def store(self) -> None:
        rules = self.spec.rules
        if rules is not None and rules.model is not self.spec.model:
            self.error(20, "store", f"writes {rules.model.__name__}, not {self.model}")
        for op, name in (
            ("create", "create"),
            ("edit", "update"),
            ("delete", "delete"),
            ("import", "import_rows"),
        ):
            if self.spec.roles.of(op) and rules is None and getattr(self.spec.store, name) is None:
                self.error(
                    20, f"roles.{op}", "offers an operation the store cannot do (no rules, no function)"
                )
        if self.spec.roles.of("import"):
            for name in self.spec.natural_key():
                if name not in self.spec.writable():
                    self.error(21, "store", f"imports by {name!r}, which a sheet cannot write")

    def actions(self) -> None:
        names = [a.name for a in (*self.spec.row_actions, *self.spec.table_actions)]
        for action in (*self.spec.row_actions, *self.spec.table_actions):
            if action.permission not in permissions.PERMISSIONS:
                self.error(
                    22, f"actions[{action.name!r}]", f"needs {action.permission!r}, which is not an action"
                )
            if names.count(action.name) > 1:
                self.error(22, f"actions[{action.name!r}]", "is declared twice")
            if action.label not in catalog("zh_CN") or action.label not in catalog("en"):
                self.error(18, f"actions[{action.name!r}]", f"has no label {action.label} in both catalogs")

    def secrets(self) -> None:
        for name in self.spec.secret:
            self.has(23, "secret", name)
        for column in self.spec.model.__table__.columns:
            if column.name.endswith("_hash") and column.name not in self.spec.secret:
                self.error(23, "secret", f"leaves out {column.name!r}: a hash is never read by a screen")
        used = {
            *self.spec.list_columns,
            *self.spec.search_fields,
            *self.spec.filters,
            *self.spec.readonly_fields,
            *(n for s in self.spec.form for n in s.fields),
            *self.spec.writable(),
        }
        for name in sorted(used & set(self.spec.secret)):
            self.error(23, "secret", f"names {name!r}, which a list, a form or a sheet shows")


def check(registry: Registry) -> list[CheckError]:
    """Return every error of every spec of the registry."""
    errors = []
    for spec in registry:
        errors += _Checker(registry, spec).run()
    return errors


def run(registry: Registry) -> None:
    """Raise ImproperlyConfigured listing every error, if there is one."""
    errors = check(registry)
    if errors:
        raise ImproperlyConfigured("\n".join(str(e) for e in errors))
