"""Bulk writing: rows buffered per table as dicts with explicit ids, inserted in foreign-key order."""

from __future__ import annotations

from collections import Counter

import sqlalchemy as sa

from models import metadata

INSERT_BATCH = 5000


class Writer:
    """Buffer rows per table and bulk-insert them in foreign-key order.

    Values are converted by the columns' own SQLAlchemy bind processors (exactly what an ORM or Core insert
    would store), then sent without per-row statement machinery: executemany on SQLite, COPY on PostgreSQL.
    """

    def __init__(self, conn: sa.Connection):
        self.conn = conn
        dialect = conn.dialect
        self.tables = list(metadata.sorted_tables)
        self.rows: dict[str, list[dict]] = {t.name: [] for t in self.tables}
        self.defaults = {t.name: self._defaults(t) for t in self.tables}
        self.columns = {t.name: [c.name for c in t.c] for t in self.tables}
        self.known = {t.name: frozenset(t.c.keys()) for t in self.tables}
        # (column index, processor, memo): dates, times, flags and enum values repeat, so conversions are memoized
        self.processors = {
            t.name: [
                (i, p, None if isinstance(c.type, sa.JSON) else {})
                for i, c in enumerate(t.c)
                if (p := c.type.dialect_impl(dialect).bind_processor(dialect))
            ]
            for t in self.tables
        }
        self.counts: Counter[str] = Counter()
        self.next_ids: dict[str, int] = {}
        for t in self.tables:
            if "id" in t.c and t.c.id.primary_key:
                self.next_ids[t.name] = (conn.execute(sa.select(sa.func.max(t.c.id))).scalar() or 0) + 1

    @staticmethod
    def _defaults(table: sa.Table) -> dict:
        out = {}
        for col in table.c:
            default = col.default
            out[col.name] = default.arg if default is not None and default.is_scalar else None
        return out

    def new_id(self, table: str) -> int:
        value = self.next_ids[table]
        self.next_ids[table] = value + 1
        return value

    def existing(self, table: str, key: str = "code") -> dict[str, int]:
        """Return the ids of rows already in the database, by `key` (reference rows are reused, not repeated)."""
        t = metadata.tables[table]
        return dict(self.conn.execute(sa.select(t.c[key], t.c.id)).all())

    def add(self, table: str, **values) -> None:
        self.rows[table].append(values)  # missing columns take their defaults in _values

    def add_row(self, table: str, **values) -> int:
        """Add a row with the table's next id; return the id."""
        row_id = self.new_id(table)
        self.rows[table].append({"id": row_id, **values})
        return row_id

    def flush(self) -> None:
        for table in self.tables:
            rows = self.rows[table.name]
            if not rows:
                continue
            names = self.columns[table.name]
            for i in range(0, len(rows), INSERT_BATCH):
                self._insert(table, names, self._values(table.name, names, rows[i : i + INSERT_BATCH]))
            self.counts[table.name] += len(rows)
            rows.clear()

    def _values(self, table: str, names: list[str], rows: list[dict]) -> list[tuple]:
        processors, known = self.processors[table], self.known[table]
        pairs = list(self.defaults[table].items())
        out = []
        for row in rows:
            if not row.keys() <= known:
                raise ValueError(f"unknown columns for {table}: {sorted(row.keys() - known)}")
            values = [row.get(n, default) for n, default in pairs]
            for i, process, memo in processors:
                value = values[i]
                if value is None:
                    continue
                if memo is None:
                    values[i] = process(value)
                elif (done := memo.get(value)) is not None:
                    values[i] = done
                else:
                    values[i] = memo[value] = process(value)
            out.append(tuple(values))
        return out

    def _insert(self, table: sa.Table, names: list[str], values: list[tuple]) -> None:
        quote = self.conn.dialect.identifier_preparer.quote
        columns = ", ".join(quote(n) for n in names)
        if self.conn.dialect.name == "postgresql":
            raw = self.conn.connection.driver_connection  # psycopg 3, inside this transaction
            with raw.cursor() as cur, cur.copy(f"COPY {quote(table.name)} ({columns}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
            return
        marks = ", ".join("?" if self.conn.dialect.paramstyle == "qmark" else "%s" for _ in names)
        self.conn.exec_driver_sql(f"INSERT INTO {quote(table.name)} ({columns}) VALUES ({marks})", values)

    def reset_sequences(self) -> None:
        """Move PostgreSQL id sequences past the explicit ids we inserted."""
        if self.conn.dialect.name != "postgresql":
            return
        quote = self.conn.dialect.identifier_preparer.quote
        for name in (
            n for n in self.next_ids if self.counts[n]
        ):  # only tables it filled: others keep their sequences
            table = quote(name)
            sql = f"SELECT setval(pg_get_serial_sequence(:t, 'id'), (SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)"
            self.conn.execute(sa.text(sql), {"t": table})
