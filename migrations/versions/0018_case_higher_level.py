"""A case assigned by a higher level (交办件) keeps that level's number, deadline and assigning body

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("case") as batch:
        batch.add_column(sa.Column("higher_number", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("higher_due_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("higher_body", sa.String(length=80), nullable=True))
    op.create_index(op.f("ix_case_higher_number"), "case", ["higher_number"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_case_higher_number"), table_name="case")
    with op.batch_alter_table("case") as batch:
        batch.drop_column("higher_body")
        batch.drop_column("higher_due_on")
        batch.drop_column("higher_number")
