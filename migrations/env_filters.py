"""What autogenerate and the schema test leave out: the search index built by dialect-specific DDL."""

from __future__ import annotations

from core.search import SEARCH_TABLES


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Leave the search tables (migration 0002) out of the model/migration comparison."""
    return not (type_ == "table" and (name in SEARCH_TABLES or name.startswith("case_fts_")))
