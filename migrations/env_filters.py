"""What autogenerate and the schema test leave out: what dialect-specific DDL builds (search, one sort)."""

from __future__ import annotations

from core.platform.search import SEARCH_TABLES

DIALECT_INDEXES = frozenset({"ix_case_due_on_desc"})  # migration 0003, PostgreSQL only


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Leave the search tables (migration 0002) and PostgreSQL-only indexes out of the comparison."""
    if type_ == "index" and name in DIALECT_INDEXES:
        return False
    return not (type_ == "table" and (name in SEARCH_TABLES or name.startswith("case_fts_")))
