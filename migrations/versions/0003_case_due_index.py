"""Index case.due_on alone: sorting the list (or a common word's hits) by deadline walks it

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


def upgrade() -> None:
    op.create_index("ix_case_due_on", "case", ["due_on"])


def downgrade() -> None:
    op.drop_index("ix_case_due_on", table_name="case")
