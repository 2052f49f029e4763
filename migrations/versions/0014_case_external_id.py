"""A case keeps another system's number (external_id): a re-imported ledger row or a repeated POST finds it

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("case", sa.Column("external_id", sa.String(length=64), nullable=True))
    op.create_index(op.f("ix_case_external_id"), "case", ["external_id"], unique=True)


def downgrade() -> None:
    op.drop_index(op.f("ix_case_external_id"), table_name="case")
    with op.batch_alter_table("case") as batch:
        batch.drop_column("external_id")
