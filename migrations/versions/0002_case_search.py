"""Case search index: bigram tokens in SQLite FTS5 (case_fts) or a PostgreSQL tsvector with GIN (case_search)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # contentless: the tokens are indexed, the text itself stays only in "case"
        op.execute("CREATE VIRTUAL TABLE case_fts USING fts5(body, content='', tokenize='unicode61')")
    else:
        op.execute(
            'CREATE TABLE case_search (case_id INTEGER PRIMARY KEY REFERENCES "case"(id) ON DELETE CASCADE, '
            "tsv TSVECTOR NOT NULL)"
        )
        op.execute("CREATE INDEX ix_case_search_tsv ON case_search USING GIN (tsv)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE case_fts")
    else:
        op.execute("DROP TABLE case_search")
