"""Import and export of a generated table through its spec: .xlsx and .csv (UTF-8, UTF-8 with BOM, GBK).

Headers are the fields' labels (Chinese or English; the field names are accepted too). A foreign key is
written as the natural key of the row it points at (a community's division code), followed by a column with
its label for people to read, which an import ignores; an import also accepts a unique name instead of the
code, as offices keep their lists in Excel. Enums are written as labels and read as labels or values.
Pure of Streamlit: the import's checks and writes are the table's core function (core.accounts.records).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from core.accounts import permissions, records
from core.platform import spreadsheet
from i18n import LANGUAGES, label, t
from lowcode import query
from lowcode.registry import Registry
from lowcode.spec import AdminSpec, Field, field_label, title, value_text

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIME = "text/csv"
MAX_ROWS = 200_000
LIST_SPLIT = re.compile(r"[、,，;；\n]+")
TRUE_WORDS = frozenset({"是", "yes", "y", "true", "1", "✓", "√", "启用", "on"})
FALSE_WORDS = frozenset({"否", "no", "n", "false", "0", "", "停用", "off"})
EXPORT_BATCH = 5000


@dataclass(frozen=True)
class Column:
    """One column of a table's sheet: the field it carries, or the readable label of a foreign key."""

    name: str
    header: str
    readable: bool = False  # the label column after a foreign key: written for people, ignored on import


@dataclass
class Parsed:
    """A sheet read and converted: (row number, values) per row, and what could not be read."""

    rows: list[tuple[int, dict]] = field(default_factory=list)
    errors: list[records.RowError] = field(default_factory=list)
    encoding: str = ""
    ignored: list[str] = field(default_factory=list)  # headers no field answers


def columns(registry: Registry, spec: AdminSpec, language: str | None = None) -> list[Column]:
    """Return the sheet's columns: the natural key first, then every field a sheet writes."""
    fields = registry.fields(spec)
    names = list(dict.fromkeys((*spec.natural_key(), *spec.writable())))
    out = []
    for name in names:
        out.append(Column(name, field_label(spec, name, language)))
        if fields[name].kind in {"fk", "m2m"}:
            header = t("lowcode.transfer.readable", language, field=field_label(spec, name, language))
            out.append(Column(name, header, readable=True))
    return out


# --- writing ---------------------------------------------------------------------------------------------


def _key_column(target: AdminSpec) -> str:
    """Return the column a sheet names a row of `target` by: its single natural key, else its id."""
    key = target.natural_key()
    return key[0] if len(key) == 1 else target.pk


def _key_maps(session: Session, registry: Registry, spec: AdminSpec) -> dict[str, dict]:
    """Return field -> {id: natural key} for the foreign keys and many-to-many fields of the sheet."""
    out = {}
    for name, f in registry.fields(spec).items():
        target = registry.target(f)
        if f.kind in {"fk", "m2m"} and target is not None and name in spec.writable():
            model = target.model
            stmt = sa.select(getattr(model, target.pk), getattr(model, _key_column(target)))
            out[name] = dict(session.execute(stmt).all())
    return out


def _label_maps(session: Session, registry: Registry, spec: AdminSpec) -> dict[str, dict]:
    out = {}
    for name, f in registry.fields(spec).items():
        target = registry.target(f)
        if f.kind in {"fk", "m2m"} and target is not None and name in spec.writable():
            out[name] = dict(query.choices(session, target))
    return out


def _cell(f: Field, value: Any, keys: dict | None) -> Any:
    """Return a value as a sheet shows it (a text cell for anything a spreadsheet could run)."""
    if value is None:
        return ""
    if f.kind == "fk":
        return keys.get(value, value) if keys is not None else value
    if f.kind == "m2m":
        return "、".join(str(keys.get(v, v)) for v in value) if keys is not None else ""
    if f.kind == "bool":
        return t("common.yes") if value else t("common.no")
    if f.kind == "enum" and f.enum:
        return label(f.enum, value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date | int | float):
        return value
    return str(value_text(value))  # core.platform.spreadsheet keeps it text when it is written


def export_rows(
    session: Session, registry: Registry, spec: AdminSpec, user, state: query.ListState
) -> Iterator[list]:
    """Yield the sheet's rows (header first) of every row the list's state selects, masked as the list is."""
    cols = columns(registry, spec)
    fields = registry.fields(spec)
    keys, labels = _key_maps(session, registry, spec), _label_maps(session, registry, spec)
    yield [c.header for c in cols]
    for rows in query.batches(session, registry, _wide(spec), user, state, EXPORT_BATCH):
        _add_links(session, spec, rows)
        for row in rows:
            yield [_export_cell(fields[c.name], row.get(c.name), keys, labels, c) for c in cols]


def _export_cell(f: Field, value, keys: dict, labels: dict, column: Column):
    if column.readable:
        found = labels.get(column.name, {})
        return "、".join(found.get(v, "") for v in value or ()) if f.kind == "m2m" else found.get(value, "")
    return _cell(f, value, keys.get(column.name))


def _add_links(session: Session, spec: AdminSpec, rows: list[dict]) -> None:
    """Add each row's many-to-many ids (one query per link table for the whole batch)."""
    for link in spec.rules.links if spec.rules and rows else ():
        table = link.model.__table__
        pairs = session.execute(
            sa.select(table.c[link.own], table.c[link.other])
            .where(table.c[link.own].in_([r["_pk"] for r in rows]))
            .order_by(table.c[link.other])
        )
        grouped: dict = {}
        for own, other in pairs:
            grouped.setdefault(own, []).append(other)
        for r in rows:
            r[link.name] = grouped.get(r["_pk"], [])


def _wide(spec: AdminSpec) -> AdminSpec:
    """Return the spec listing every column of its model that a sheet carries (labels come from the sheet's maps)."""
    names = tuple(
        c for c in dict.fromkeys((*spec.natural_key(), *spec.writable())) if c in spec.model.__table__.c
    )
    return replace(spec, list_columns=names, display=())


def write_xlsx(rows: Iterable[list], sheet: str) -> bytes:
    """Return an .xlsx workbook of the rows (the first is the header), every text a text cell."""
    rows = iter(rows)
    book = spreadsheet.XlsxSheet(sheet, next(rows))
    for row in rows:
        book.append(row)
    return book.save()


def write_csv(rows: Iterable[list]) -> bytes:
    """Return the rows as UTF-8 CSV with a byte-order mark (Excel reads Chinese), formulas neutralised."""
    rows = iter(rows)
    return spreadsheet.csv_bytes(next(rows), rows)


# --- reading ---------------------------------------------------------------------------------------------


def _decode(data: bytes) -> tuple[str, str]:
    """Return the text and its encoding: UTF-8 with or without a BOM, else GBK (GB 18030, its superset)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("gb18030"), "gbk"


def read_sheet(data: bytes, filename: str) -> tuple[list[list], str]:
    """Return the rows of the first sheet of an .xlsx, or of a .csv, and the encoding read ("xlsx" for Excel)."""
    if filename.lower().endswith((".xlsx", ".xlsm", ".xls", ".ods")):
        from python_calamine import CalamineWorkbook

        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        return book.get_sheet_by_index(0).to_python(skip_empty_area=False), "xlsx"
    text, encoding = _decode(data)
    sample = text[:4096]
    dialect = csv.excel_tab if sample.count("\t") > sample.count(",") else csv.excel
    return list(csv.reader(io.StringIO(text), dialect)), encoding


def _norm(text: Any) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text or ""))).lower()


def _header_names(registry: Registry, spec: AdminSpec) -> dict[str, Column]:
    """Return normalised header -> column, in every language and by field name."""
    out = {}
    for language in LANGUAGES:
        for c in columns(registry, spec, language):
            out.setdefault(_norm(c.header), c)
    for c in columns(registry, spec):
        if not c.readable:
            out.setdefault(_norm(c.name), c)
    return out


def _first_row(rows: list[list]) -> int:
    return next((i for i, r in enumerate(rows) if any(v not in (None, "") for v in r)), len(rows))


class _Reader:
    """Turns the cells of a sheet into typed values, one field at a time."""

    def __init__(self, session: Session, registry: Registry, spec: AdminSpec):
        self.registry, self.spec, self.fields = registry, spec, registry.fields(spec)
        maps = _key_maps(session, registry, spec)
        self.raw = {n: {str(k): i for i, k in m.items()} for n, m in maps.items()}  # a code as stored
        self.keys = {n: {_norm(k): i for i, k in m.items()} for n, m in maps.items()}
        self.names: dict[str, dict[str, list]] = {}
        for n, m in _label_maps(session, registry, spec).items():
            by_name: dict[str, list] = {}
            for i, text in m.items():
                for alias in {text, text.split(" › ")[-1]}:
                    by_name.setdefault(_norm(alias), []).append(i)
            self.names[n] = by_name

    def value(self, name: str, cell: Any) -> tuple[Any, str | None]:
        """Return (value, error message) for one cell."""
        f = self.fields[name]
        if isinstance(cell, str):
            cell = cell.strip()
        if cell in (None, ""):
            return (False if f.kind == "bool" else [] if f.kind == "m2m" else None), None
        reader = getattr(self, f"_{f.kind}", None)
        return reader(name, f, cell) if reader else (str(cell) if not isinstance(cell, str) else cell, None)

    def _int(self, name, f, cell):
        try:
            number = float(cell)
        except (TypeError, ValueError):
            return cell, t("records.error.number")
        return (int(number), None) if number == int(number) else (cell, t("records.error.number"))

    def _float(self, name, f, cell):
        try:
            return float(cell), None
        except (TypeError, ValueError):
            return cell, t("records.error.number")

    def _date(self, name, f, cell):
        if isinstance(cell, datetime):
            return cell.date(), None
        if isinstance(cell, date):
            return cell, None
        text = str(cell).replace("/", "-").replace(".", "-")
        match = re.match(r"^(\d{4})-(\d{1,2})-(\d{1,2})$", text) or re.match(
            r"^(\d{4})年(\d{1,2})月(\d{1,2})日$", text
        )
        try:
            return (
                (date(int(match[1]), int(match[2]), int(match[3])), None)
                if match
                else (cell, t("records.error.date"))
            )
        except ValueError:
            return cell, t("records.error.date")

    def _datetime(self, name, f, cell):
        return (cell, None) if isinstance(cell, datetime) else (cell, t("records.error.date"))

    def _bool(self, name, f, cell):
        text = _norm(cell)
        if isinstance(cell, bool):
            return cell, None
        if text in TRUE_WORDS or text in {_norm(t("common.yes", lang)) for lang in LANGUAGES}:
            return True, None
        if text in FALSE_WORDS or text in {_norm(t("common.no", lang)) for lang in LANGUAGES}:
            return False, None
        return cell, t("records.error.bool")

    def _enum(self, name, f, cell):
        text = _norm(cell)
        for value in f.choices:
            names = {_norm(value)} | {_norm(t(f"enum.{f.enum}.{value}", lang)) for lang in LANGUAGES}
            if text in names:
                return value, None
        return cell, t("records.error.choice")

    def _one(self, name: str, cell) -> tuple[Any, str | None]:
        cell = int(cell) if isinstance(cell, float) and cell == int(cell) else cell
        found = self.raw.get(name, {}).get(str(cell))
        if found is not None:
            return found, None
        text = _norm(cell)
        found = self.keys.get(name, {}).get(text)
        if found is not None:
            return found, None
        named = self.names.get(name, {}).get(text, [])
        if len(named) == 1:
            return named[0], None
        if len(named) > 1:
            return cell, t("lowcode.transfer.ambiguous", value=str(cell)[:40])
        return cell, t("lowcode.transfer.unknown_target", value=str(cell)[:40])

    def _fk(self, name, f, cell):
        return self._one(name, cell)

    def _m2m(self, name, f, cell):
        ids, problems = [], []
        for part in (p for p in LIST_SPLIT.split(str(cell)) if p.strip()):
            found, error = self._one(name, part.strip())
            (problems if error else ids).append(error or found)
        return ids, (problems[0] if problems else None)

    def _longtext(self, name, f, cell):
        return str(cell), None

    def _text(self, name, f, cell):
        if isinstance(cell, str) and cell[:1] == "'" and spreadsheet.is_formula_like(cell[1:]):
            cell = cell[1:]  # a CSV export's neutralised formula: the apostrophe is not part of the value
        if isinstance(cell, float) and cell == int(cell):
            cell = int(cell)  # Excel keeps a code typed as a number as a float: 500105001.0
        if isinstance(cell, datetime | date):
            cell = cell.isoformat()
        return str(cell), None


def parse(session: Session, registry: Registry, spec: AdminSpec, data: bytes, filename: str) -> Parsed:
    """Read a sheet and convert its cells; every unreadable cell is an error with its row and column."""
    out = Parsed()
    try:
        rows, out.encoding = read_sheet(data, filename)
    except Exception:  # a damaged file says so, whatever the library raises
        out.errors.append(records.RowError(0, "_file", t("lowcode.transfer.unreadable")))
        return out
    start = _first_row(rows)
    if start >= len(rows):
        out.errors.append(records.RowError(0, "_file", t("lowcode.transfer.empty")))
        return out
    known = _header_names(registry, spec)
    by_index: dict[int, str] = {}
    for i, header in enumerate(rows[start]):
        column = known.get(_norm(header))
        if column is None:
            if _norm(header):
                out.ignored.append(str(header))
        elif not column.readable and column.name not in by_index.values():
            by_index[i] = column.name
    for name in spec.natural_key():
        if name not in by_index.values():
            out.errors.append(records.RowError(start + 1, name, t("lowcode.transfer.missing_column")))
    if out.errors:
        return out
    if len(rows) - start - 1 > MAX_ROWS:
        out.errors.append(records.RowError(0, "_file", t("lowcode.transfer.too_many", max=MAX_ROWS)))
        return out
    reader = _Reader(session, registry, spec)
    for offset, row in enumerate(rows[start + 1 :], start=start + 2):
        if not any(v not in (None, "") for v in row):
            continue
        values = {}
        for i, name in by_index.items():
            value, error = reader.value(name, row[i] if i < len(row) else None)
            if error:
                out.errors.append(records.RowError(offset, name, error))
            values[name] = value
        out.rows.append((offset, values))
    return out


def import_file(
    session: Session, registry: Registry, spec: AdminSpec, user, data: bytes, filename: str, *, commit: bool
) -> tuple[records.ImportReport, Parsed]:
    """Dry-run or commit a sheet: every bad row is reported, and nothing is written unless none is bad."""
    parsed = parse(session, registry, spec, data, filename)
    if not parsed.rows:  # the file itself is wrong (unreadable, empty, a key column missing)
        return records.ImportReport(errors=list(parsed.errors)), parsed
    bad_cells = {(e.row, e.field) for e in parsed.errors}
    rows = [(n, {k: v for k, v in values.items() if (n, k) not in bad_cells}) for n, values in parsed.rows]
    report = spec.store.call("import_rows", session, user, rows, commit=commit and not parsed.errors)
    own = [
        e for e in report.errors if (e.row, e.field) not in bad_cells
    ]  # a cell's reading error says it first
    report.errors = sorted(parsed.errors + own, key=lambda e: (e.row, e.field))
    report.recount({e.row for e in parsed.errors})
    return report, parsed


def export_file(
    session: Session, registry: Registry, spec: AdminSpec, user, state: query.ListState, fmt: str = "xlsx"
) -> tuple[bytes, int]:
    """Return the rows the list's state selects as an .xlsx or .csv file, and how many; the export is audited."""
    action = spec.roles.export
    if action is None:
        raise PermissionError(f"{spec!r} offers no export")
    permissions.require(user, action)
    rows = list(export_rows(session, registry, spec, user, state))
    data = write_xlsx(rows, title(spec)) if fmt == "xlsx" else write_csv(rows)
    kind = spec.rules.kind if spec.rules else spec.model.__tablename__
    records.record_export(session, user, kind, action, len(rows) - 1, query.to_params(spec, state))
    return data, len(rows) - 1
