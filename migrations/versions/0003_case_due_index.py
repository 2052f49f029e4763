"""Index case.due_on alone: sorting the list (or a common word's hits) by deadline walks it

PostgreSQL also gets a (due_on DESC NULLS LAST) index for the far-to-near sort, which keeps cases without a
deadline last; SQLite walks one index both ways.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

DESC_INDEX = "ix_case_due_on_desc"  # PostgreSQL only: env_filters.DIALECT_INDEXES keeps it out of the comparison


def upgrade() -> None:
    op.create_index("ix_case_due_on", "case", ["due_on"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f'CREATE INDEX {DESC_INDEX} ON "case" (due_on DESC NULLS LAST)')


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP INDEX {DESC_INDEX}")
    op.drop_index("ix_case_due_on", table_name="case")
