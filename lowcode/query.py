"""A spec plus the list's state (search, filters, sort, page) as one SELECT and one COUNT in the database.

Pure of Streamlit: tests/lowcode/test_query.py runs it on both databases. Foreign keys come back with their
labels joined in the same SELECT (a grid as 街道 › 社区 › 网格); the spec's scope narrows both statements to
the rows the user may see; personal data is masked for roles that may not see it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session

from core.accounts import permissions, pii, records
from core.platform.errors import NotFound
from lowcode.registry import Registry
from lowcode.spec import SEPARATOR, AdminSpec, Field, Path, label_parts, resolve, value_text

MAX_PAGE_SIZE = 500
MASKERS = {"phone": pii.mask_phone, "id_number": pii.mask_id_number}
LIKE_ESCAPE = "\\"


@dataclass(frozen=True)
class ListState:
    """What the user asked the list for; filters are (field or path, value) with lists for several values."""

    q: str = ""
    filters: tuple[tuple[str, Any], ...] = ()
    sort: str = ""  # "name" or "-name"; empty: the spec's ordering
    page: int = 1
    page_size: int = 0  # 0: the spec's

    def size(self, spec: AdminSpec) -> int:
        return max(1, min(self.page_size or spec.page_size, MAX_PAGE_SIZE))


@dataclass
class ListPage:
    """One page of rows (plain dicts: "_pk", "_version", each column, "<fk>__label"), and the total."""

    rows: list[dict]
    total: int
    page: int
    pages: int
    sort: str = ""
    columns: tuple[str, ...] = field(default_factory=tuple)


class _Joins:
    """The outer joins a statement needs, one alias per path prefix, shared by search, filters and labels."""

    def __init__(self, model):
        self.model = model
        self.aliases: dict[tuple[str, ...], Any] = {(): model}
        self.order: list[tuple[Any, Any]] = []  # (alias, on clause)

    def column(self, path: Path):
        here, prefix = self.model, ()
        for _, fk_column, target in path.steps:
            prefix = (*prefix, fk_column)
            if prefix not in self.aliases:
                alias = aliased(target)
                self.aliases[prefix] = alias
                self.order.append((alias, getattr(here, fk_column) == alias.id))
            here = self.aliases[prefix]
        return getattr(here, path.column)

    def apply(self, stmt):
        for alias, on in self.order:
            stmt = stmt.outerjoin(alias, on)
        return stmt


def _path(spec: AdminSpec, name: str) -> Path:
    found = resolve(spec.model, name)
    if found is None:  # lowcode.checks refuses such a spec at start
        raise KeyError(f"{spec!r} names {name!r}, which {spec.model.__name__} does not have")
    return found


def _escape(term: str) -> str:
    return term.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2).replace("%", "\\%").replace("_", "\\_")


def _search(spec: AdminSpec, joins: _Joins, q: str, dialect: str) -> list:
    """Every word must appear in one of the search fields (case-insensitive substring)."""
    out = []
    columns = [joins.column(_path(spec, n)) for n in spec.search_fields]
    for word in q.split()[:5]:
        like = f"%{_escape(word)}%"
        if dialect == "sqlite":  # SQLite's LIKE ignores ASCII case already; ILIKE would lower() every row
            out.append(sa.or_(*(c.like(like, escape=LIKE_ESCAPE) for c in columns)))
        else:
            out.append(sa.or_(*(c.ilike(like, escape=LIKE_ESCAPE) for c in columns)))
    return out


def _filter(column, value) -> Any:
    if isinstance(value, tuple) and len(value) == 2 and all(v is None or isinstance(v, date) for v in value):
        low, high = value  # a date range, both days included
        return sa.and_(*(c for c in (low and column >= low, high and column <= high) if c is not None))
    if isinstance(value, list | tuple | set | frozenset):
        values = [value_text(v) for v in value]
        return column.in_(values) if values else sa.true()
    if value is None:
        return column.is_(None)
    return column == value_text(value)


def _where(spec: AdminSpec, joins: _Joins, state: ListState, dialect: str) -> list:
    clauses = _search(spec, joins, state.q, dialect) if state.q.strip() and spec.search_fields else []
    for name, value in state.filters:
        if name in spec.filters:
            clauses.append(_filter(joins.column(_path(spec, name)), value))
    return clauses


def _scoped(spec: AdminSpec, stmt, user):
    if not permissions.allowed(user, spec.roles.view):
        return stmt.where(sa.false())
    return spec.scope(stmt, user) if spec.scope else stmt


def _part(model, joins: _Joins, part: str, prefix: str = ""):
    """Return the column of one label part; "name_en|name" is the first of them that has a value."""
    columns = [joins.column(_path_of(model, prefix + alt)) for alt in part.split("|")]
    return columns[0] if len(columns) == 1 else sa.func.coalesce(*columns)


def _path_of(model, name: str) -> Path:
    found = resolve(model, name)
    if found is None:
        raise KeyError(f"{model.__name__} has no {name!r}")
    return found


def label_columns(spec: AdminSpec, target: AdminSpec, joins: _Joins, fk: str) -> list:
    """Return the columns whose values make the label of the row a foreign key points at."""
    prefix = fk.removesuffix("_id") + "."
    return [_part(spec.model, joins, part, prefix) for part in label_parts(target)]


def join_label(parts: Iterable[Any]) -> str:
    return SEPARATOR.join(str(p) for p in parts if p not in (None, ""))


def _order(spec: AdminSpec, joins: _Joins, sort: str, targets: dict[str, AdminSpec]) -> list:
    """Return the ORDER BY: a foreign key sorts by its target's own order (streets by code), empty first."""
    keys = [sort] if sort else list(spec.ordering)
    out = []
    for key in keys:
        name, down = key.removeprefix("-"), key.startswith("-")
        target = targets.get(name)
        if target is not None and target.ordering:
            prefix = name.removesuffix("_id") + "."
            for inner in target.ordering:
                column = joins.column(_path(spec, prefix + inner.removeprefix("-")))
                flip = down != inner.startswith("-")
                out.append(column.desc().nulls_last() if flip else column.asc().nulls_first())
            continue
        column = joins.column(_path(spec, name))
        out.append(column.desc() if down else column.asc())
    pk = getattr(spec.model, spec.pk)
    return [*out, pk.desc() if keys and keys[0].startswith("-") else pk.asc()]


def _fk_columns(registry: Registry, spec: AdminSpec) -> dict[str, AdminSpec]:
    """Return list column -> the spec of the table it points at, for the foreign keys the list shows."""
    fields = registry.fields(spec)
    out = {}
    for name in spec.list_columns:
        target = registry.target(fields.get(name))
        if target is not None and fields[name].kind == "fk":
            out[name] = target
    return out


def statements(
    registry: Registry,
    spec: AdminSpec,
    user,
    state: ListState,
    *,
    size: int | None = None,
    dialect: str = "sqlite",
):
    """Return (SELECT of the page, COUNT of every row) for the state; both apply the same filters and scope."""
    model = spec.model
    joins = _Joins(model)
    where = _where(spec, joins, state, dialect)
    count_joins = list(joins.order)
    labels = {
        name: label_columns(spec, target, joins, name) for name, target in _fk_columns(registry, spec).items()
    }
    own = [
        getattr(model, n)
        for n in dict.fromkeys((spec.pk, *spec.list_columns, *_extra(spec)))
        if n in model.__table__.c
    ]
    label_cols = [c.label(f"{name}__{i}") for name, cols in labels.items() for i, c in enumerate(cols)]
    size = size or state.size(spec)
    page = (
        joins.apply(sa.select(*own, *label_cols).select_from(model))
        .where(*where)
        .order_by(*_order(spec, joins, state.sort, _fk_columns(registry, spec)))
        .limit(size)
        .offset((max(1, state.page) - 1) * size)
    )
    count = sa.select(sa.func.count()).select_from(model)
    for alias, on in count_joins:
        count = count.outerjoin(alias, on)
    count = count.where(*where)
    return _scoped(spec, page, user), _scoped(spec, count, user)


def _extra(spec: AdminSpec) -> tuple[str, ...]:
    """Columns every row carries besides the listed ones: its version, active flag and natural key."""
    return ("version", "active", *spec.natural_key())


def _mask(spec: AdminSpec, user, row: dict) -> dict:
    if spec.pii and not permissions.allowed(user, spec.pii_full):
        for name, kind in spec.pii:
            row[name] = MASKERS[kind](row.get(name))
    return row


def _row(spec: AdminSpec, mapping, labels: dict[str, int]) -> dict:
    row = {k: v for k, v in mapping.items() if "__" not in k}
    for name, n in labels.items():
        row[f"{name}__label"] = join_label(mapping[f"{name}__{i}"] for i in range(n))
    row["_pk"], row["_version"] = row.get(spec.pk), row.get("version")
    return row


def fetch(session: Session, registry: Registry, spec: AdminSpec, user, state: ListState) -> ListPage:
    """Return the page of rows the state asks for and the total count: one SELECT and one COUNT."""
    dialect = session.get_bind().dialect.name
    select_page, select_count = statements(registry, spec, user, state, dialect=dialect)
    total = session.execute(select_count).scalar_one()
    size = state.size(spec)
    pages = max(1, -(-total // size))
    page = min(max(1, state.page), pages)
    if page != state.page:
        select_page = select_page.offset((page - 1) * size)
    labels = {name: len(label_parts(target)) for name, target in _fk_columns(registry, spec).items()}
    rows = [_mask(spec, user, _row(spec, m, labels)) for m in session.execute(select_page).mappings()]
    if spec.annotate and rows:
        spec.annotate(session, rows)
    return ListPage(rows, total, page, pages, state.sort, spec.list_columns)


def batches(session: Session, registry: Registry, spec: AdminSpec, user, state: ListState, size: int):
    """Yield every row the state selects (no paging), `size` rows per query, for exports."""
    labels = {name: len(label_parts(target)) for name, target in _fk_columns(registry, spec).items()}
    page = 1
    while True:
        stmt, _ = statements(
            registry, spec, user, ListState(state.q, state.filters, state.sort, page), size=size
        )
        rows = [_mask(spec, user, _row(spec, m, labels)) for m in session.execute(stmt).mappings()]
        if rows:
            yield rows
        if len(rows) < size:
            return
        page += 1


def choices(session: Session, target: AdminSpec, *, active_only: bool = False, ids: Iterable | None = None):
    """Return [(pk, label)] of a table, for a picker or a filter: one SELECT, in label order."""
    model = target.model
    joins = _Joins(model)
    parts = [_part(model, joins, p) for p in label_parts(target)]
    pk = getattr(model, target.pk)
    stmt = joins.apply(sa.select(pk, *parts).select_from(model))
    if active_only and target.has_active:
        stmt = stmt.where(model.active == sa.true())
    if ids is not None:
        stmt = stmt.where(pk.in_(list(ids)))
    stmt = stmt.order_by(*(_order(target, joins, "", {}) if target.ordering else [*parts, pk]))
    return [(row[0], join_label(row[1:])) for row in session.execute(stmt)]


def get_row(session: Session, spec: AdminSpec, user, pk) -> dict:
    """Return one row's stored values (and its many-to-many ids) if the user may see it; NotFound if not."""
    model = spec.model
    key = getattr(model, spec.pk)
    columns = [c for c in model.__table__.columns if c.name not in spec.secret]
    stmt = _scoped(spec, sa.select(*columns).where(key == pk), user)
    found = session.execute(stmt).mappings().first()
    if found is None:
        raise NotFound("lowcode: row not found")
    row = dict(found)
    if spec.rules:
        row.update(records.linked(session, spec.rules, pk))
    if spec.annotate:
        spec.annotate(session, [row])
    return _mask(spec, user, row)


# --- the list's state in the URL ---------------------------------------------------------------------


def to_params(spec: AdminSpec, state: ListState) -> dict[str, str]:
    """Return the URL parameters of a state (only what differs from the defaults)."""
    out = {}
    if state.q:
        out["q"] = state.q
    for name, value in state.filters:
        text = _param(value)
        if text is not None:
            out[f"f.{name}"] = text
    if state.sort:
        out["sort"] = state.sort
    if state.page > 1:
        out["page"] = str(state.page)
    if state.page_size and state.page_size != spec.page_size:
        out["size"] = str(state.page_size)
    return out


def _param(value) -> str | None:
    if isinstance(value, tuple) and len(value) == 2 and all(v is None or isinstance(v, date) for v in value):
        return "~".join(v.isoformat() if v else "" for v in value) if any(value) else None
    if isinstance(value, list | tuple):
        return ",".join(str(value_text(v)) for v in value) or None
    if isinstance(value, bool):
        return "1" if value else "0"
    return None if value is None else str(value_text(value))


def _parse(f: Field, text: str):
    if f.kind == "bool":
        return text == "1"
    if f.kind == "date":
        low, _, high = text.partition("~")
        return (date.fromisoformat(low) if low else None, date.fromisoformat(high) if high else None)
    parts = [p for p in text.split(",") if p]
    if f.kind in {"fk", "int"}:
        return [int(p) for p in parts]
    return [p for p in parts if not f.choices or p in f.choices]


def from_params(registry: Registry, spec: AdminSpec, params: dict[str, str]) -> ListState:
    """Return the state a URL describes; what cannot be read is left out."""
    filters = []
    for name in spec.filters:
        text = params.get(f"f.{name}")
        f = registry.field(spec, name)
        if text is None or f is None:
            continue
        try:
            filters.append((name, _parse(f, text)))
        except ValueError:
            continue
    sort = params.get("sort", "")
    sortable = {c for c in spec.list_columns} | {o.removeprefix("-") for o in spec.ordering}
    sort = sort if sort.removeprefix("-") in sortable else ""
    return ListState(
        q=params.get("q", "")[:100],
        filters=tuple(filters),
        sort=sort,
        page=_int(params.get("page"), 1),
        page_size=_int(params.get("size"), 0),
    )


def _int(text: str | None, default: int) -> int:
    try:
        return max(0, min(int(text), 10**6)) if text else default
    except ValueError:
        return default
