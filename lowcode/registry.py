"""A set of specs that know each other: a foreign key's target table, every spec's fields, the start-up checks."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property

from lowcode.spec import AdminSpec, Field, derive, field_label, fields_of, has_label, resolve


class Registry:
    """The generated tables of one product (lowcode.tables.REGISTRY), or of a test."""

    def __init__(self, specs: Iterable[AdminSpec]):
        self.specs: dict[str, AdminSpec] = {}
        self.duplicates: list[str] = []
        for spec in specs:
            if spec.key in self.specs:
                self.duplicates.append(spec.key)
            self.specs[spec.key] = spec
        self._fields: dict[str, dict[str, Field]] = {}

    @cached_property
    def by_table(self) -> dict[str, str]:
        """Return table name -> spec key (the first spec of a table is the one foreign keys show)."""
        out: dict[str, str] = {}
        for spec in self.specs.values():
            out.setdefault(spec.model.__tablename__, spec.key)
        return out

    def __getitem__(self, key: str) -> AdminSpec:
        return self.specs[key]

    def __iter__(self):
        return iter(self.specs.values())

    def fields(self, spec: AdminSpec) -> dict[str, Field]:
        """Return every field of a spec, derived from its model and declared over."""
        if spec.key not in self._fields:
            self._fields[spec.key] = fields_of(spec, self.by_table)
        return self._fields[spec.key]

    def target(self, f: Field | None) -> AdminSpec | None:
        """Return the spec of the table a foreign key or many-to-many field names."""
        return self.specs.get(f.target) if f is not None and f.target else None

    def field(self, spec: AdminSpec, name: str) -> Field | None:
        """Return a field, or the last column of a path ("community.street_id") typed as its model declares it."""
        own = self.fields(spec).get(name)
        if own is not None:
            return own
        path = resolve(spec.model, name) if "." in name else None
        return derive(path.model, path.column, self.by_table) if path else None

    def label(self, spec: AdminSpec, name: str, language: str | None = None) -> str:
        """Return a field's label; a path ("community.name") takes the label its own table gives the field."""
        if "." not in name or has_label(spec, name):
            return field_label(spec, name, language)
        hop, rest = name.split(".", 1)
        target = self.target(self.fields(spec).get(f"{hop}_id"))
        return self.label(target, rest, language) if target else field_label(spec, name, language)

    def has_label(self, spec: AdminSpec, name: str) -> bool:
        """Return whether both catalogs label the field (for a path: the table it leads to)."""
        if "." not in name or has_label(spec, name):
            return has_label(spec, name)
        hop, rest = name.split(".", 1)
        target = self.target(self.fields(spec).get(f"{hop}_id"))
        return target is not None and self.has_label(target, rest)

    def visible(self, user) -> list[AdminSpec]:
        """Return the tables the user may open, in declaration order."""
        from core.accounts import permissions

        return [s for s in self.specs.values() if permissions.allowed(user, s.roles.view)]
